package handlers_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// callCounter counts the requests the app makes to the sandbox, by path.
type callCounter struct {
	mu    sync.Mutex
	paths map[string]int
}

func (c *callCounter) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.mu.Lock()
		c.paths[r.URL.Path]++
		c.mu.Unlock()
		next.ServeHTTP(w, r)
	})
}

func (c *callCounter) count(path string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.paths[path]
}

// TestPagesServeFromTheCache: repeated views of a subscriber's article, /account and /subscribe cost no
// Payway or Klarna call after the first within a minute; after a minute, and after a POST that may change
// the answers (here a logout and login), they ask again.
func TestPagesServeFromTheCache(t *testing.T) {
	t.Parallel()
	const (
		activeProducts = "/external/api/v1/me/active_products"
		profiles       = "/external/api/v1/me/payment_profile/"
		periods        = "/external/api/v1/klarna_payments/payment_periods"
	)
	tests := []struct {
		name  string
		page  func(a *testApp) string
		calls []string // the upstream paths the page reads, each wanted once per minute
	}{
		{"subscriber's premium article", func(a *testApp) string { _, p := a.articles(); return "/articles/" + p.Slug }, []string{activeProducts}},
		{"account", func(*testApp) string { return "/account" }, []string{activeProducts, profiles}},
		{"subscribe", func(*testApp) string { return "/subscribe" }, []string{periods}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			calls := &callCounter{paths: map[string]int{}}
			app := newTestApp(t, func(cfg *appSetup) { cfg.wrapSandbox = calls.wrap })
			c := app.client()
			if res := c.login("token@example.se", demoPassword, "/"); res.Status != http.StatusSeeOther {
				t.Fatalf("login: %d", res.Status)
			}
			page := tt.page(app)
			view := func() {
				t.Helper()
				if res := c.get(page); res.Status != http.StatusOK {
					t.Fatalf("GET %s: %d", page, res.Status)
				}
			}
			view()
			first := map[string]int{}
			for _, p := range tt.calls {
				first[p] = calls.count(p)
				if first[p] == 0 {
					t.Fatalf("the first view did not read %s: the test counts the wrong path", p)
				}
			}
			for range 10 {
				view()
			}
			for _, p := range tt.calls {
				if n := calls.count(p) - first[p]; n != 0 {
					t.Errorf("10 more views called %s %d times, want 0", p, n)
				}
			}
			if strings.Contains(tt.name, "subscribe") {
				return // prices are the same for everyone: they lapse on their own clock (checkout tests)
			}
			app.Clock.Advance(time.Minute)
			view()
			for _, p := range tt.calls {
				if n := calls.count(p) - first[p]; n != 1 {
					t.Errorf("a view a minute later called %s %d times, want 1", p, n)
				}
			}
			c.post("/logout", map[string][]string{"csrf": {c.csrf("/")}})
			c.login("token@example.se", demoPassword, "/")
			view()
			for _, p := range tt.calls {
				if n := calls.count(p) - first[p]; n != 2 {
					t.Errorf("a view after logging in again called %s %d times in all, want 2", p, n)
				}
			}
		})
	}
}
