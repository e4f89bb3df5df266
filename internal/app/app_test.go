package app

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

// TestDemoConsoleOnlyWhenEnabled: the composition root builds the demo console in sandbox mode, and in
// live mode only with an admin credential; only then are its routes registered, and only in sandbox mode
// does the layout get its strip function. With the console off, /demo is the 404 of any unknown page and
// customer pages are rendered without any strip function, so they run no demo code. Nothing here calls
// Payway, Klarna or the sandbox: building the app does not, and neither do the pages requested.
func TestDemoConsoleOnlyWhenEnabled(t *testing.T) {
	t.Parallel()
	const user, password = "demo-admin", "correct horse battery"
	tests := []struct {
		name           string
		mode           string
		user, password string
		console, strip bool
		demoStatus     int // GET /demo without a credential
	}{
		{name: "sandbox", mode: ModeSandbox, console: true, strip: true, demoStatus: http.StatusOK},
		{name: "sandbox with a credential", mode: ModeSandbox, user: user, password: password, console: true, strip: true, demoStatus: http.StatusUnauthorized},
		{name: "live without a credential", mode: ModeLive, console: false, strip: false, demoStatus: http.StatusNotFound},
		{name: "live with a credential", mode: ModeLive, user: user, password: password, console: true, strip: false, demoStatus: http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := newApp(t, tt.mode, tt.user, tt.password)
			if (a.console != nil) != tt.console {
				t.Fatalf("console built: %v, want %v", a.console != nil, tt.console)
			}
			if a.console != nil && (a.console.Strip() != nil) != tt.strip {
				t.Errorf("strip function given to the layout: %v, want %v", a.console.Strip() != nil, tt.strip)
			}
			demoRoutes := 0
			for _, r := range a.Handler.(*echo.Echo).Routes() {
				if r.Name == "demo" || strings.HasPrefix(r.Name, "demo.") {
					demoRoutes++
				}
			}
			if want := map[bool]int{true: 10, false: 0}[tt.console]; demoRoutes != want {
				t.Errorf("%d demo routes registered, want %d", demoRoutes, want)
			}
			if status, _ := get(a, "/demo"); status != tt.demoStatus {
				t.Errorf("GET /demo: %d, want %d", status, tt.demoStatus)
			}
			for _, path := range []string{"/login", "/no-such-page"} {
				if _, body := get(a, path); !strings.Contains(body, "</html>") || strings.Contains(body, `data-testid="demo-bar"`) {
					t.Errorf("GET %s: no whole page, or a demo strip with no scenario running", path)
				}
			}
		})
	}

	t.Run("half a credential is refused", func(t *testing.T) {
		t.Parallel()
		for _, mode := range []string{ModeSandbox, ModeLive} {
			cfg := config(t, mode, user, "")
			if a, err := New(t.Context(), cfg); err == nil {
				_ = a.Close()
				t.Errorf("%s mode with a demo user and no password: built", mode)
			}
		}
	})
}

// config is a minimal Config; Payway, Klarna and the sandbox are at addresses nothing listens on.
func config(t *testing.T, mode, demoUser, demoPassword string) Config {
	dir := t.TempDir()
	cfg := Config{
		Mode: mode, PublicURL: "http://localhost:1", DBPath: filepath.Join(dir, "paywall.db"),
		SessionKey: []byte(strings.Repeat("k", 32)), DemoUser: demoUser, DemoPassword: demoPassword,
	}
	if mode == ModeSandbox {
		cfg.SandboxURL, cfg.SandboxDBPath = "http://127.0.0.1:1", filepath.Join(dir, "sandbox.db")
	} else {
		cfg.PaywayURL, cfg.KlarnaURL = "http://127.0.0.1:1", "http://127.0.0.1:1"
		cfg.TokenKey = []byte(strings.Repeat("t", 32))
	}
	return cfg
}

func newApp(t *testing.T, mode, demoUser, demoPassword string) *App {
	t.Helper()
	a, err := New(t.Context(), config(t, mode, demoUser, demoPassword))
	if err != nil {
		t.Fatalf("app: %v", err)
	}
	t.Cleanup(func() {
		if err := a.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return a
}

func get(a *App, path string) (int, string) {
	rec := httptest.NewRecorder()
	a.Handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec.Code, rec.Body.String()
}

// TestLiveNeedsATokenKey: live mode seals the saved Klarna tokens with a key of its own; without one it
// does not start.
func TestLiveNeedsATokenKey(t *testing.T) {
	t.Parallel()
	cfg := config(t, ModeLive, "", "")
	cfg.TokenKey = nil
	if a, err := New(t.Context(), cfg); err == nil || !strings.Contains(err.Error(), "TokenKey") {
		if a != nil {
			_ = a.Close()
		}
		t.Fatalf("live without a token key: %v, want it refused", err)
	}
}
