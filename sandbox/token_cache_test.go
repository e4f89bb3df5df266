package sandbox

import (
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// wallClock is a hand-moved wall clock for the cache's TTL.
type wallClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *wallClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *wallClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// TestTokenCache covers the cache's own rules: a TTL on the wall clock, no put after an invalidation
// that happened during the read, invalidation of one row or all, sweeping of expired rows.
func TestTokenCache(t *testing.T) {
	t.Parallel()
	row := func(h string) tokenRow { return tokenRow{AccessSHA256: h, ClientID: PaywayClientID} }
	tests := []struct {
		name string
		run  func(c *tokenCache, wall *wallClock) (hit bool)
		want bool
	}{
		{"put then get", func(c *tokenCache, _ *wallClock) bool {
			c.put(c.generation(), row("a"))
			_, ok := c.get("a")
			return ok
		}, true},
		{"unknown hash", func(c *tokenCache, _ *wallClock) bool {
			c.put(c.generation(), row("a"))
			_, ok := c.get("b")
			return ok
		}, false},
		{"fresh just before the TTL", func(c *tokenCache, wall *wallClock) bool {
			c.put(c.generation(), row("a"))
			wall.advance(time.Minute - time.Nanosecond)
			_, ok := c.get("a")
			return ok
		}, true},
		{"stale at the TTL", func(c *tokenCache, wall *wallClock) bool {
			c.put(c.generation(), row("a"))
			wall.advance(time.Minute)
			_, ok := c.get("a")
			return ok
		}, false},
		{"read raced with an invalidation of another row", func(c *tokenCache, _ *wallClock) bool {
			gen := c.generation()
			c.invalidate("other")
			c.put(gen, row("a"))
			_, ok := c.get("a")
			return ok
		}, false},
		{"read raced with a clear", func(c *tokenCache, _ *wallClock) bool {
			gen := c.generation()
			c.clear()
			c.put(gen, row("a"))
			_, ok := c.get("a")
			return ok
		}, false},
		{"invalidated", func(c *tokenCache, _ *wallClock) bool {
			c.put(c.generation(), row("a"))
			c.invalidate("a")
			_, ok := c.get("a")
			return ok
		}, false},
		{"other rows survive an invalidation", func(c *tokenCache, _ *wallClock) bool {
			c.put(c.generation(), row("a"))
			c.put(c.generation(), row("b"))
			c.invalidate("a")
			_, ok := c.get("b")
			return ok
		}, true},
		{"cleared", func(c *tokenCache, _ *wallClock) bool {
			c.put(c.generation(), row("a"))
			c.clear()
			_, ok := c.get("a")
			return ok
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			wall := &wallClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
			c := newTokenCache(time.Minute, wall.now)
			if got := tt.run(c, wall); got != tt.want {
				t.Errorf("hit = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestTokenCacheSweeps checks that expired rows do not pile up: a put into a full map drops them.
func TestTokenCacheSweeps(t *testing.T) {
	t.Parallel()
	wall := &wallClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	c := newTokenCache(time.Minute, wall.now)
	for i := range tokenCacheMinSweep {
		c.put(c.generation(), tokenRow{AccessSHA256: fmt.Sprint(i)})
	}
	wall.advance(time.Hour)
	c.put(c.generation(), tokenRow{AccessSHA256: "fresh"})
	c.mu.RLock()
	defer c.mu.RUnlock()
	if len(c.rows) != 1 {
		t.Errorf("%d rows after the sweep, want 1", len(c.rows))
	}
}

// TestRowCachesAreBounded puts far more rows than tokenCacheMax, all still fresh: neither cache may hold
// more than tokenCacheMax at any time (the TTL alone let them grow with the load), and the last row put
// is served.
func TestRowCachesAreBounded(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// fill puts n fresh rows and reports the largest size seen after a put, and whether the last
		// row put is served.
		fill func(wall func() time.Time, n int) (largest int, lastServed bool)
	}{
		{"tokens", func(wall func() time.Time, n int) (int, bool) {
			c := newTokenCache(time.Minute, wall)
			return fillRows(c, n, func(i int) tokenRow { return tokenRow{AccessSHA256: fmt.Sprint(i)} })
		}},
		{"accounts", func(wall func() time.Time, n int) (int, bool) {
			c := newAccountCache(time.Minute, wall)
			return fillRows(c, n, func(i int) account { return account{ID: fmt.Sprint(i)} })
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			wall := &wallClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
			largest, lastServed := tt.fill(wall.now, 3*tokenCacheMax+7)
			if largest > tokenCacheMax {
				t.Errorf("the cache held %d rows, want at most %d", largest, tokenCacheMax)
			}
			if !lastServed {
				t.Error("the last row put is not served")
			}
		})
	}
}

// fillRows puts n rows made by row into c; see TestRowCachesAreBounded.
func fillRows[T any](c *rowCache[T], n int, row func(int) T) (largest int, lastServed bool) {
	for i := range n {
		c.put(c.generation(), row(i))
		c.mu.RLock()
		largest = max(largest, len(c.rows))
		c.mu.RUnlock()
	}
	_, lastServed = c.get(fmt.Sprint(n - 1))
	return largest, lastServed
}

// TestLoginLeavesItsRowsInMemory checks what a login leaves in the caches: the new pair's token row (every
// grant) and, for the password grant, the account, each exactly as the database holds it, so the login's
// first call (Me) reads no row and a cached row is never one the database would not give.
func TestLoginLeavesItsRowsInMemory(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		form        url.Values
		wantAccount bool
	}{
		{"password grant", url.Values{"grant_type": {"password"}, "username": {Organisation + "^subscriber@example.se"},
			"password": {demoPassword}, "scope": {benchScopes}}, true},
		{"app token (grant none)", url.Values{"grant_type": {"none"}, "scope": {"/external/klarna_payments/r"}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := benchServer(t)
			tt.form.Set("client_id", PaywayClientID)
			tt.form.Set("client_secret", PaywayClientSecret)
			var tok tokenResponse
			decodeBody(t, serve(t, s.Handler(), http.MethodPost, paywayTokenPath, "application/x-www-form-urlencoded", "",
				tt.form.Encode(), http.StatusOK), &tok)

			hash := tokenHash(tok.AccessToken)
			cached, ok := s.store.tokens.get(hash)
			if !ok {
				t.Fatal("the new token's row is not in the token cache")
			}
			stored, err := scanToken(s.store.r.QueryRowContext(t.Context(), `SELECT `+tokenColumns+` FROM tokens WHERE access_sha256 = ?`, hash))
			if err != nil {
				t.Fatal(err)
			}
			if !tokenRowsEqual(cached, stored) {
				t.Errorf("cached token row %+v, the database holds %+v", cached, stored)
			}

			_, ok = s.store.accounts.get(stored.AccountID)
			if ok != tt.wantAccount {
				t.Errorf("account %q in the account cache: %v, want %v", stored.AccountID, ok, tt.wantAccount)
			}
			if tt.wantAccount {
				fresh, err := scanAccount(s.store.r.QueryRowContext(t.Context(), `SELECT `+accountColumns+` FROM accounts WHERE id = ?`, stored.AccountID))
				if err != nil {
					t.Fatal(err)
				}
				if cachedAcc, _ := s.store.accounts.get(stored.AccountID); !reflect.DeepEqual(cachedAcc, fresh) {
					t.Errorf("cached account %+v, the database holds %+v", cachedAcc, fresh)
				}
			}
		})
	}
}

// tokenRowsEqual compares token rows by their fields, times by instant.
func tokenRowsEqual(a, b tokenRow) bool {
	return a.ID == b.ID && a.AccessSHA256 == b.AccessSHA256 && a.RefreshSHA256 == b.RefreshSHA256 &&
		a.ClientID == b.ClientID && a.AccountID == b.AccountID && a.Scope == b.Scope &&
		a.AccessExpiresAt.Equal(b.AccessExpiresAt) && a.RefreshExpiresAt.Equal(b.RefreshExpiresAt) &&
		a.RevokedAt.Equal(b.RevokedAt)
}

// TestBearerRefusesAtOnce checks that a token whose row is in the cache (it was just used) is refused
// on the very next call once it is revoked by a refresh, emptied by a reset, or expired on a moved
// sandbox clock, and that a token used again within its lifetime still works.
func TestBearerRefusesAtOnce(t *testing.T) {
	t.Parallel()
	const path = "/external/api/v1/me/active_products"
	tests := []struct {
		name        string
		change      func(t *testing.T, h http.Handler, tok tokenResponse)
		wantStatus  int
		wantMessage string
	}{
		{"unchanged", func(*testing.T, http.Handler, tokenResponse) {}, http.StatusOK, ""},
		{"refreshed", func(t *testing.T, h http.Handler, tok tokenResponse) {
			refresh(t, h, tok.RefreshToken)
		}, http.StatusUnauthorized, "Access token has been revoked"},
		{"reset", func(t *testing.T, h http.Handler, _ tokenResponse) {
			serve(t, h, http.MethodPost, "/sandbox/v1/reset", "application/json", "", "", http.StatusOK)
		}, http.StatusUnauthorized, "Invalid access token"},
		{"clock past expiry", func(t *testing.T, h http.Handler, _ tokenResponse) {
			serve(t, h, http.MethodPost, "/sandbox/v1/clock", "application/json", "", `{"advance":"1h"}`, http.StatusOK)
		}, http.StatusUnauthorized, "Access token has expired"},
		{"clock short of expiry", func(t *testing.T, h http.Handler, _ tokenResponse) {
			serve(t, h, http.MethodPost, "/sandbox/v1/clock", "application/json", "", `{"advance":"59m59s"}`, http.StatusOK)
		}, http.StatusOK, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := benchServer(t).Handler()
			tok := passwordLogin(t, h, "subscriber@example.se")
			serve(t, h, http.MethodGet, path, "", tok.AccessToken, "", http.StatusOK) // the row is now cached
			tt.change(t, h, tok)
			body := serve(t, h, http.MethodGet, path, "", tok.AccessToken, "", tt.wantStatus)
			if tt.wantMessage != "" && !strings.Contains(string(body), tt.wantMessage) {
				t.Errorf("body %s, want the message %q", body, tt.wantMessage)
			}
		})
	}
}

// TestBearerCacheConcurrentRefresh runs bearer checks while the token is refreshed: every check that
// starts after the refresh has answered must be refused. Run with -race.
func TestBearerCacheConcurrentRefresh(t *testing.T) {
	t.Parallel()
	const path = "/external/api/v1/me/active_products"
	h := benchServer(t).Handler()
	tok := passwordLogin(t, h, "subscriber@example.se")
	var refreshed atomic.Bool
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 50 {
				after := refreshed.Load()
				req := httpRequest(http.MethodGet, path, "", tok.AccessToken, "")
				rec := record(h, req)
				if after && rec.Code != http.StatusUnauthorized {
					t.Errorf("a check started after the refresh answered %d", rec.Code)
					return
				}
			}
		})
	}
	refresh(t, h, tok.RefreshToken)
	refreshed.Store(true)
	wg.Wait()
	serve(t, h, http.MethodGet, path, "", tok.AccessToken, "", http.StatusUnauthorized)
}

// refresh exchanges a refresh token through the token endpoint.
func refresh(t *testing.T, h http.Handler, refreshToken string) tokenResponse {
	t.Helper()
	form := url.Values{"client_id": {PaywayClientID}, "client_secret": {PaywayClientSecret},
		"grant_type": {"refresh_token"}, "refresh_token": {refreshToken}}
	var tok tokenResponse
	decodeBody(t, serve(t, h, http.MethodPost, paywayTokenPath, "application/x-www-form-urlencoded", "", form.Encode(), http.StatusOK), &tok)
	return tok
}
