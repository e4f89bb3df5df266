package e2e

import (
	"bytes"
	"crypto/rand"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paywall/paywall/checkout"
	"github.com/paywall/paywall/internal/app"
	"github.com/paywall/paywall/internal/testenv"
	"github.com/paywall/paywall/store"
)

// testApp is one complete paywall (app + sandbox) running in-process for one test.
type testApp struct {
	// AppURL is the app's base URL, on host localhost: a different *site* from the sandbox, so cookies,
	// redirects and the CSP behave as they do against the real Klarna origin.
	AppURL string
	// SandboxURL is the sandbox's base URL, on host 127.0.0.1.
	SandboxURL string
	// DB is the app's store, for reading the seeded content the pages should show.
	DB *store.DB
	// clock is the time the app and the sandbox share; Advance moves it.
	clock *testenv.Clock
}

// Advance moves the clock of the app and the sandbox forward by d (e.g. past the 48 h life of a purchase
// session), so expiry is tested without waiting for it.
func (a *testApp) Advance(d time.Duration) { a.clock.Advance(d) }

// startApp builds the app with internal/app in sandbox mode, as `make run` does, and serves the app and
// the embedded sandbox each on a random loopback port with its own SQLite file in t.TempDir(). Everything stops when the test ends; the
// servers' logs are printed only when the test fails.
func startApp(t *testing.T) *testApp {
	t.Helper()
	ctx := t.Context()
	dir := t.TempDir()
	logs := &lockedBuffer{}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("app and sandbox logs:\n%s", logs.String())
		}
	})

	clock := testenv.NewClock() // the real now (plus PAYWALL_TEST_CLOCK_SHIFT), flowing
	// The app's URL must be known before it is built: Payway gets our confirmation URL with every session.
	appSrv := httptest.NewUnstartedServer(nil)     // listens on 127.0.0.1; the browser reaches it as localhost
	sandboxSrv := httptest.NewUnstartedServer(nil) // listens on 127.0.0.1: another site than localhost
	appURL := strings.Replace("http://"+appSrv.Listener.Addr().String(), "//127.0.0.1:", "//localhost:", 1)
	a, err := app.New(ctx, app.Config{
		Mode:          app.ModeSandbox,
		PublicURL:     appURL,
		DBPath:        filepath.Join(dir, "paywall.db"),
		SandboxURL:    "http://" + sandboxSrv.Listener.Addr().String(),
		SandboxDBPath: filepath.Join(dir, "sandbox.db"),
		SessionKey:    randomKey(t),
		Raise:         checkout.RaiseFlags{SSNAlreadyTaken: true},
		Now:           clock.Now,
		Logger:        logger,
		// The reconciler checks often, so a test that moves the clock past a call's timeout sees the
		// outcome on the page's next refresh instead of up to 30 s later.
		ReconcileEvery: testenv.Scale(200 * time.Millisecond),
	})
	if err != nil {
		t.Fatalf("build app: %v", err)
	}
	t.Cleanup(func() {
		if err := a.Close(); err != nil {
			t.Errorf("close app: %v", err)
		}
	})
	sandboxSrv.Config.Handler = a.Sandbox
	sandboxSrv.Start()
	t.Cleanup(sandboxSrv.Close)
	appSrv.Config.Handler = a.Handler
	appSrv.Start()
	t.Cleanup(appSrv.Close) // registered last, so it stops first

	return &testApp{
		AppURL:     appURL,
		SandboxURL: sandboxSrv.URL,
		DB:         a.DB,
		clock:      clock,
	}
}

// premiumArticle returns a seeded premium article, failing the test when there is none.
func (a *testApp) premiumArticle(t *testing.T) store.Article {
	t.Helper()
	articles, err := a.DB.ListArticles(t.Context())
	if err != nil {
		t.Fatalf("list articles: %v", err)
	}
	for _, art := range articles {
		if art.Premium {
			return art
		}
	}
	t.Fatalf("no premium article among %d seeded articles", len(articles))
	return store.Article{}
}

// randomKey is a fresh session hash key per app, so no test can forge another test's cookie.
func randomKey(t *testing.T) []byte {
	t.Helper()
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		t.Fatalf("session key: %v", err)
	}
	return key
}

// lockedBuffer collects server logs from many goroutines; it stays valid after the test ends, unlike t.Log.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
