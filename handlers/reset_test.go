package handlers_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestSubscribeWorksAfterSandboxReset: POST /sandbox/v1/reset revokes every Payway token, the app's cached
// app token included. The next page that needs Payway renews the token once and works; no restart.
func TestSubscribeWorksAfterSandboxReset(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		loggedIn bool
	}{
		{"anonymous reader", false},
		{"logged-in reader", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			app := newTestApp(t)
			c := app.client()
			if tt.loggedIn {
				if res := c.login("reader@example.se", demoPassword, "/"); res.Status != http.StatusSeeOther {
					t.Fatalf("login: %d", res.Status)
				}
			}
			if res := c.get("/subscribe"); res.Status != http.StatusOK {
				t.Fatalf("subscribe before the reset: %d", res.Status)
			}
			app.sandboxControl("/sandbox/v1/reset", map[string]any{})
			res := c.get("/subscribe")
			if res.Status == http.StatusSeeOther && tt.loggedIn {
				// The reader's own tokens died with the reset: logging in again is the honest way on.
				if loc := res.Header.Get("Location"); !strings.HasPrefix(loc, "/login") {
					t.Fatalf("subscribe after the reset: 303 to %q, want the login page", loc)
				}
				return
			}
			if res.Status != http.StatusOK || !strings.Contains(res.Body, `data-testid="offer-`) {
				t.Fatalf("subscribe after the reset: %d, want the priced offers", res.Status)
			}
		})
	}
}
