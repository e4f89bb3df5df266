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

	"github.com/prometheus/client_golang/prometheus"

	"github.com/paywall/paywall/checkout"
	"github.com/paywall/paywall/handlers"
	"github.com/paywall/paywall/internal/testenv"
	"github.com/paywall/paywall/klarna"
	"github.com/paywall/paywall/payway"
	"github.com/paywall/paywall/sandbox"
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

// startApp starts the sandbox (Payway side) and the app wired to it over HTTP, each on a random
// loopback port with its own SQLite file in t.TempDir(). Everything stops when the test ends; the
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
	sb, err := sandbox.New(ctx, sandbox.Config{
		DBPath: filepath.Join(dir, "sandbox.db"),
		Now:    clock.Now,
		Logger: logger.With("component", "sandbox"),
	})
	if err != nil {
		t.Fatalf("start sandbox: %v", err)
	}
	t.Cleanup(func() {
		if err := sb.Close(); err != nil {
			t.Errorf("close sandbox: %v", err)
		}
	})
	sandboxSrv := httptest.NewServer(sb.Handler()) // listens on 127.0.0.1
	t.Cleanup(sandboxSrv.Close)

	db, err := store.Open(ctx, filepath.Join(dir, "paywall.db"))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("close store: %v", err)
		}
	})
	sessions, err := store.NewSessionStore(db, store.SessionOptions{HashKey: randomKey(t), Now: clock.Now})
	if err != nil {
		t.Fatalf("session store: %v", err)
	}
	pw := payway.New(payway.Config{
		BaseURL:      sandboxSrv.URL,
		ClientID:     sandbox.PaywayClientID,
		ClientSecret: sandbox.PaywayClientSecret,
		Organisation: sandbox.Organisation,
		Observer:     checkout.NewRecorder(db, clock.Now, logger),
		Now:          clock.Now,
	})
	// The app's URL must be known before it is built: Payway gets our confirmation URL with every session.
	appSrv := httptest.NewUnstartedServer(nil) // listens on 127.0.0.1; the browser reaches it as localhost
	appURL := strings.Replace("http://"+appSrv.Listener.Addr().String(), "//127.0.0.1:", "//localhost:", 1)
	cat, err := checkout.LoadCatalogue("")
	if err != nil {
		t.Fatalf("catalogue: %v", err)
	}
	co, err := checkout.New(checkout.Config{
		ConfirmationURL: func(id string) string { return appURL + "/checkout/" + id + "/confirmation" },
		Raise:           checkout.RaiseFlags{SSNAlreadyTaken: true},
		Now:             clock.Now,
		Logger:          logger.With("component", "checkout"),
	}, pw, db, cat)
	if err != nil {
		t.Fatalf("checkout: %v", err)
	}
	// One-click purchases and their recovery talk to the sandbox's Klarna side; the HPP merchant URLs and
	// status callbacks come back to the app's URL.
	kl := klarna.New(klarna.Config{
		BaseURL:  sandboxSrv.URL,
		Username: sandbox.KlarnaUsername,
		Password: sandbox.KlarnaPassword,
		Observer: checkout.NewRecorder(db, clock.Now, logger),
	})
	offers, err := checkout.LoadOneClickOffers("")
	if err != nil {
		t.Fatalf("one-click offers: %v", err)
	}
	oneClick, err := checkout.NewOneClick(checkout.OneClickConfig{
		BaseURL: appURL,
		Now:     clock.Now,
		Logger:  logger.With("component", "oneclick"),
	}, pw, kl, db, offers)
	if err != nil {
		t.Fatalf("one-click: %v", err)
	}
	e, err := handlers.New(handlers.Config{
		Env:          "sandbox",
		KlarnaSDKURL: sandboxSrv.URL + "/kp/lib/v1/api.js",
		SandboxURL:   sandboxSrv.URL, // the demo console's control API
	}, handlers.Deps{
		DB:       db,
		Sessions: sessions,
		Payway:   pw,
		Checkout: co,
		OneClick: oneClick,
		Logger:   logger.With("component", "app"),
		Registry: prometheus.NewRegistry(),
		Now:      clock.Now,
	})
	if err != nil {
		t.Fatalf("build app: %v", err)
	}
	appSrv.Config.Handler = e
	appSrv.Start()
	t.Cleanup(appSrv.Close) // registered last, so it stops first

	return &testApp{
		AppURL:     appURL,
		SandboxURL: sandboxSrv.URL,
		DB:         db,
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
