package handlers

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/paywall/paywall/static"
	"github.com/paywall/paywall/views"
)

// TestPageDemoStrip: the layout's only way to demo code is Config.DemoStrip. Without it (the console off,
// or live mode) a customer page renders with no demo work at all: the app here has no session store and
// no database, so any session or store read would panic. With it, every page render calls it exactly once
// and shows what it returns.
func TestPageDemoStrip(t *testing.T) {
	t.Parallel()
	assets, err := static.New()
	if err != nil {
		t.Fatal(err)
	}
	// Two customer pages: the login form (a handler) and the error page (the error handler).
	pages := map[string]func(a *App, c echo.Context) error{
		"login form": func(a *App, c echo.Context) error { return a.loginForm(c) },
		"error page": func(a *App, c echo.Context) error {
			a.handleError(&Error{Code: ENOTFOUND}, c)
			return nil
		},
	}
	render := func(t *testing.T, a *App, page func(*App, echo.Context) error) string {
		t.Helper()
		rec := httptest.NewRecorder()
		c := echo.New().NewContext(httptest.NewRequest(http.MethodGet, "/login", nil), rec)
		if err := page(a, c); err != nil {
			t.Fatalf("render: %v", err)
		}
		return rec.Body.String()
	}
	for name, page := range pages {
		t.Run(name+", no strip function", func(t *testing.T) {
			t.Parallel()
			a := &App{cfg: Config{Env: "live"}, assets: assets, log: slog.New(slog.DiscardHandler)} // no sessions, no db
			if body := render(t, a, page); strings.Contains(body, `data-testid="demo-bar"`) || !strings.Contains(body, "</html>") {
				t.Errorf("page without a strip function: demo strip shown, or no whole page:\n%s", body)
			}
		})
		t.Run(name+", with a strip function", func(t *testing.T) {
			t.Parallel()
			calls := 0
			strip := func(echo.Context) *views.DemoBar {
				calls++
				return &views.DemoBar{Scenario: "Spy scenario", Instruction: "spy instruction"}
			}
			a := &App{cfg: Config{Env: "sandbox", DemoStrip: strip}, assets: assets, log: slog.New(slog.DiscardHandler)}
			body := render(t, a, page)
			if calls != 1 {
				t.Errorf("strip function called %d times for one page, want 1", calls)
			}
			if !strings.Contains(body, `data-testid="demo-bar"`) || !strings.Contains(body, "spy instruction") {
				t.Errorf("the strip function's bar is not on the page:\n%s", body)
			}
		})
	}
}
