package payway_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paywall/paywall/payway"
	"github.com/paywall/paywall/sandbox"
)

// testClock is the injected clock shared by the sandbox and the client; tests move it instead of
// sleeping.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// recorder is an Observer that keeps every exchange.
type recorder struct {
	mu  sync.Mutex
	exs []payway.Exchange
}

func (r *recorder) Observe(_ context.Context, ex payway.Exchange) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.exs = append(r.exs, ex)
}

func (r *recorder) all() []payway.Exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.exs)
}

// env is a real sandbox behind httptest plus a client pointed at it.
type env struct {
	clock  *testClock
	srv    *httptest.Server
	obs    *recorder
	client *payway.Client
}

// newEnv starts a sandbox with its own database; wrap, when given, sits in front of the sandbox
// handler (to simulate slow responses).
func newEnv(t *testing.T, wrap func(http.Handler) http.Handler) *env {
	t.Helper()
	clock := &testClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	sb, err := sandbox.New(t.Context(), sandbox.Config{DBPath: t.TempDir() + "/sandbox.db", Now: clock.Now})
	if err != nil {
		t.Fatalf("sandbox.New: %v", err)
	}
	t.Cleanup(func() {
		if err := sb.Close(); err != nil {
			t.Errorf("sandbox.Close: %v", err)
		}
	})
	h := sb.Handler()
	if wrap != nil {
		h = wrap(h)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	e := &env{clock: clock, srv: srv, obs: &recorder{}}
	e.client = e.newClient(func(*payway.Config) {})
	return e
}

// newClient returns a client for the sandbox with the sandbox credentials, modified by edit.
func (e *env) newClient(edit func(*payway.Config)) *payway.Client {
	cfg := payway.Config{
		BaseURL:      e.srv.URL,
		ClientID:     sandbox.PaywayClientID,
		ClientSecret: sandbox.PaywayClientSecret,
		Organisation: sandbox.Organisation,
		HTTPClient:   e.srv.Client(),
		Observer:     e.obs,
		Now:          e.clock.Now,
	}
	edit(&cfg)
	return payway.New(cfg)
}

// login returns a token for a persona with the default scopes.
func (e *env) login(t *testing.T, email string) payway.Token {
	t.Helper()
	tok, err := e.client.PasswordGrant(t.Context(), email, "paywall-demo", nil)
	if err != nil {
		t.Fatalf("PasswordGrant(%s): %v", email, err)
	}
	return tok
}

// wantAPIError checks err is a *payway.Error with the given status and code.
func wantAPIError(t *testing.T, err error, status int, code string) {
	t.Helper()
	var pe *payway.Error
	if !errors.As(err, &pe) {
		t.Fatalf("error = %v (%T), want *payway.Error %d %s", err, err, status, code)
	}
	if pe.Status != status || pe.Code != code || !payway.IsCode(err, code) {
		t.Fatalf("error = %d %q (%v), want %d %q", pe.Status, pe.Code, err, status, code)
	}
	if pe.Message == "" {
		t.Errorf("error %v has no message", err)
	}
}

func persona(t *testing.T, email string) sandbox.Persona {
	t.Helper()
	for _, p := range sandbox.Personas() {
		if p.Email == email {
			return p
		}
	}
	t.Fatalf("no persona %s", email)
	return sandbox.Persona{}
}

func TestPasswordGrant(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		edit       func(*payway.Config)
		email      string
		password   string
		scopes     []string
		wantStatus int // 0 = success
		wantCode   string
		wantScope  string
	}{
		{name: "reader", email: "reader@example.se", password: "paywall-demo",
			wantScope: strings.Join(payway.DefaultScopes(), " ")},
		{name: "subscriber", email: "subscriber@example.se", password: "paywall-demo",
			wantScope: strings.Join(payway.DefaultScopes(), " ")},
		{name: "email case-insensitive", email: "Subscriber@Example.se", password: "paywall-demo",
			wantScope: strings.Join(payway.DefaultScopes(), " ")},
		{name: "explicit scopes", email: "reader@example.se", password: "paywall-demo",
			scopes: []string{"/external/me/w"}, wantScope: "/external/me/w"},
		{name: "wrong client secret", edit: func(c *payway.Config) { c.ClientSecret = "nope" },
			email: "reader@example.se", password: "paywall-demo", wantStatus: 401, wantCode: "invalid_client"},
		{name: "unknown client", edit: func(c *payway.Config) { c.ClientID = "someone-else" },
			email: "reader@example.se", password: "paywall-demo", wantStatus: 401, wantCode: "invalid_client"},
		{name: "wrong password", email: "reader@example.se", password: "paywall-dem0",
			wantStatus: 400, wantCode: "invalid_grant"},
		{name: "unknown email", email: "nobody@example.se", password: "paywall-demo",
			wantStatus: 400, wantCode: "invalid_grant"},
		{name: "other organisation", edit: func(c *payway.Config) { c.Organisation = "media" },
			email: "reader@example.se", password: "paywall-demo", wantStatus: 400, wantCode: "invalid_grant"},
		{name: "unknown scope", email: "reader@example.se", password: "paywall-demo",
			scopes: []string{"/external/everything/w"}, wantStatus: 400, wantCode: "invalid_scope"},
		{name: "missing client id", edit: func(c *payway.Config) { c.ClientID = "" },
			email: "reader@example.se", password: "paywall-demo", wantStatus: 400, wantCode: "invalid_request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil)
			c := e.client
			if tt.edit != nil {
				c = e.newClient(tt.edit)
			}
			tok, err := c.PasswordGrant(t.Context(), tt.email, tt.password, tt.scopes)
			if tt.wantStatus != 0 {
				// The sandbox answers the token endpoint's errors OAuth-style, {error,error_description}.
				wantAPIError(t, err, tt.wantStatus, tt.wantCode)
				if got, want := payway.IsBadCredentials(err), tt.wantCode == "invalid_grant"; got != want {
					t.Errorf("IsBadCredentials(%v) = %v, want %v", err, got, want)
				}
				return
			}
			if err != nil {
				t.Fatalf("PasswordGrant: %v", err)
			}
			if tok.AccessToken == "" || tok.RefreshToken == "" || tok.AccessToken == tok.RefreshToken {
				t.Errorf("token pair = %q / %q, want two distinct non-empty tokens", tok.AccessToken, tok.RefreshToken)
			}
			if tok.Scope != tt.wantScope {
				t.Errorf("Scope = %q, want %q", tok.Scope, tt.wantScope)
			}
			if want := e.clock.Now().Add(time.Hour); !tok.ExpiresAt.Equal(want) {
				t.Errorf("ExpiresAt = %v, want %v", tok.ExpiresAt, want)
			}
		})
	}
}

func TestPasswordGrantNeedsOrganisation(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	c := e.newClient(func(c *payway.Config) { c.Organisation = "" })
	if _, err := c.PasswordGrant(t.Context(), "reader@example.se", "paywall-demo", nil); err == nil {
		t.Fatal("PasswordGrant without Organisation succeeded")
	}
	if n := len(e.obs.all()); n != 0 {
		t.Errorf("%d exchanges observed, want none (no request should be sent)", n)
	}
}

var hex24 = regexp.MustCompile(`^[0-9a-f]{24}$`)

func TestMe(t *testing.T) {
	t.Parallel()
	for _, email := range []string{"reader@example.se", "subscriber@example.se"} {
		t.Run(email, func(t *testing.T) {
			e := newEnv(t, nil)
			p := persona(t, email)
			acc, err := e.client.Me(t.Context(), e.login(t, email).AccessToken)
			if err != nil {
				t.Fatalf("Me: %v", err)
			}
			if !hex24.MatchString(acc.ID) {
				t.Errorf("ID = %q, want 24 hex digits", acc.ID)
			}
			checks := []struct{ field, got, want string }{
				{"Email", acc.Email, p.Email},
				{"Status", acc.Status, "active"},
				{"FirstName", acc.FirstName, p.FirstName},
				{"LastName", acc.LastName, p.LastName},
				{"CustomerNumber", acc.CustomerNumber, p.CustomerNumber},
				{"MobilePhoneNumber", acc.MobilePhoneNumber, p.MobilePhoneNumber},
				{"BirthDate", acc.BirthDate, p.BirthDate},
				{"SocialSecurityNumber", acc.SocialSecurityNumber, p.SocialSecurityNumber},
				{"SocialSecurityNumberCentury", acc.SocialSecurityNumberCentury,
					p.BirthDate[:2] + strings.ReplaceAll(p.SocialSecurityNumber, "-", "")},
				{"Address.Street", acc.Address.Street, p.Address.Street},
				{"Address.StreetNumber", acc.Address.StreetNumber, p.Address.StreetNumber},
				{"Address.ZipCode", acc.Address.ZipCode, p.Address.ZipCode},
				{"Address.City", acc.Address.City, p.Address.City},
				{"Address.CountryCode", acc.Address.CountryCode, "SE"},
			}
			for _, c := range checks {
				if c.got != c.want {
					t.Errorf("%s = %q, want %q", c.field, c.got, c.want)
				}
			}
			if !acc.Verified {
				t.Error("Verified = false, want true")
			}
			again, err := e.client.Me(t.Context(), e.login(t, email).AccessToken)
			if err != nil || again.ID != acc.ID {
				t.Errorf("second login Me = %q, %v; want the same id %q", again.ID, err, acc.ID)
			}
		})
	}
}

func TestActiveProducts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		email string
		want  []string
	}{
		{"reader@example.se", []string{}},
		{"subscriber@example.se", []string{"digital"}},
	}
	for _, tt := range tests {
		t.Run(tt.email, func(t *testing.T) {
			e := newEnv(t, nil)
			got, err := e.client.ActiveProducts(t.Context(), e.login(t, tt.email).AccessToken)
			if err != nil {
				t.Fatalf("ActiveProducts: %v", err)
			}
			if got == nil || !slices.Equal(got, tt.want) {
				t.Errorf("ActiveProducts = %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestRefresh(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	ctx := t.Context()
	old := e.login(t, "subscriber@example.se")
	e.clock.Advance(10 * time.Minute)

	fresh, err := e.client.Refresh(ctx, old.RefreshToken)
	if err != nil {
		t.Fatalf("Refresh: %v", err)
	}
	if fresh.AccessToken == old.AccessToken || fresh.RefreshToken == old.RefreshToken {
		t.Fatal("Refresh returned the old pair")
	}
	if fresh.Scope != old.Scope {
		t.Errorf("Scope = %q, want the original %q", fresh.Scope, old.Scope)
	}
	if want := e.clock.Now().Add(time.Hour); !fresh.ExpiresAt.Equal(want) {
		t.Errorf("ExpiresAt = %v, want %v", fresh.ExpiresAt, want)
	}
	if _, err := e.client.Me(ctx, fresh.AccessToken); err != nil {
		t.Errorf("Me with the new access token: %v", err)
	}

	tests := []struct {
		name       string
		call       func() error
		wantStatus int
		wantCode   string
	}{
		{"old refresh token is spent", func() error { _, err := e.client.Refresh(ctx, old.RefreshToken); return err },
			400, "invalid_grant"},
		{"old access token is revoked", func() error { _, err := e.client.Me(ctx, old.AccessToken); return err },
			401, "invalid_token"},
		{"unknown refresh token", func() error { _, err := e.client.Refresh(ctx, "not-a-token"); return err },
			400, "invalid_grant"},
		{"wrong client secret", func() error {
			_, err := e.newClient(func(c *payway.Config) { c.ClientSecret = "nope" }).Refresh(ctx, fresh.RefreshToken)
			return err
		}, 401, "invalid_client"},
		{"access token is not a refresh token", func() error { _, err := e.client.Refresh(ctx, fresh.AccessToken); return err },
			400, "invalid_grant"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantAPIError(t, tt.call(), tt.wantStatus, tt.wantCode) })
	}

	// The failed attempts above must not have burnt the current refresh token.
	if _, err := e.client.Refresh(ctx, fresh.RefreshToken); err != nil {
		t.Errorf("Refresh with the current refresh token: %v", err)
	}
}

func TestBearerErrors(t *testing.T) {
	t.Parallel()
	endpoints := []struct {
		name string
		call func(c *payway.Client, ctx context.Context, token string) error
	}{
		{"me", func(c *payway.Client, ctx context.Context, tok string) error { _, err := c.Me(ctx, tok); return err }},
		{"active_products", func(c *payway.Client, ctx context.Context, tok string) error {
			_, err := c.ActiveProducts(ctx, tok)
			return err
		}},
	}
	tests := []struct {
		name       string
		token      func(t *testing.T, e *env) string
		wantStatus int
		wantCode   string
	}{
		{"expired access token", func(t *testing.T, e *env) string {
			tok := e.login(t, "subscriber@example.se")
			e.clock.Advance(time.Hour)
			return tok.AccessToken
		}, 401, "invalid_token"},
		{"missing scope", func(t *testing.T, e *env) string {
			tok, err := e.client.PasswordGrant(t.Context(), "subscriber@example.se", "paywall-demo",
				[]string{"/external/klarna_payments/r"})
			if err != nil {
				t.Fatalf("PasswordGrant: %v", err)
			}
			return tok.AccessToken
		}, 403, "insufficient_scope"},
		{"no scopes at all", func(t *testing.T, e *env) string {
			tok, err := e.client.PasswordGrant(t.Context(), "subscriber@example.se", "paywall-demo", []string{})
			if err != nil {
				t.Fatalf("PasswordGrant: %v", err)
			}
			return tok.AccessToken
		}, 403, "insufficient_scope"},
		{"unknown token", func(*testing.T, *env) string { return "forged" }, 401, "invalid_token"},
		{"missing token", func(*testing.T, *env) string { return "" }, 401, "invalid_token"},
	}
	for _, ep := range endpoints {
		for _, tt := range tests {
			t.Run(ep.name+"/"+tt.name, func(t *testing.T) {
				e := newEnv(t, nil)
				wantAPIError(t, ep.call(e.client, t.Context(), tt.token(t, e)), tt.wantStatus, tt.wantCode)
			})
		}
	}
}

func TestExpiryBoundary(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	tok := e.login(t, "subscriber@example.se")
	e.clock.Advance(time.Hour - time.Second)
	if _, err := e.client.Me(t.Context(), tok.AccessToken); err != nil {
		t.Fatalf("Me one second before expiry: %v", err)
	}
	e.clock.Advance(time.Second)
	wantAPIError(t, func() error { _, err := e.client.Me(t.Context(), tok.AccessToken); return err }(), 401, "invalid_token")
	// An expired access token is what refresh tokens are for.
	fresh, err := e.client.Refresh(t.Context(), tok.RefreshToken)
	if err != nil {
		t.Fatalf("Refresh after expiry: %v", err)
	}
	if _, err := e.client.Me(t.Context(), fresh.AccessToken); err != nil {
		t.Errorf("Me after refresh: %v", err)
	}
}

func TestUnknownPath(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	tok := e.login(t, "subscriber@example.se")
	// A wrong base URL puts every path outside the sandbox's route table.
	c := e.newClient(func(c *payway.Config) { c.BaseURL = e.srv.URL + "/not-payway/" })
	calls := []struct {
		name string
		call func() error
	}{
		{"token", func() error {
			_, err := c.PasswordGrant(t.Context(), "subscriber@example.se", "paywall-demo", nil)
			return err
		}},
		{"me", func() error { _, err := c.Me(t.Context(), tok.AccessToken); return err }},
		{"active_products", func() error { _, err := c.ActiveProducts(t.Context(), tok.AccessToken); return err }},
	}
	for _, tt := range calls {
		t.Run(tt.name, func(t *testing.T) { wantAPIError(t, tt.call(), http.StatusNotFound, "not_found") })
	}
}

func TestContextTimeout(t *testing.T) {
	t.Parallel()
	// The Me route hangs until the client gives up: only the context can end the call.
	hang := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/external/api/v3/me" {
				<-r.Context().Done()
				return
			}
			next.ServeHTTP(w, r)
		})
	}
	e := newEnv(t, hang)
	tok := e.login(t, "subscriber@example.se")

	tests := []struct {
		name string
		ctx  func() (context.Context, context.CancelFunc)
		want error
	}{
		{"deadline during the call", func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(t.Context(), 50*time.Millisecond)
		}, context.DeadlineExceeded},
		{"cancelled before the call", func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(t.Context())
			cancel()
			return ctx, cancel
		}, context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := tt.ctx()
			defer cancel()
			before := len(e.obs.all())
			_, err := e.client.Me(ctx, tok.AccessToken)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Me error = %v, want %v", err, tt.want)
			}
			exs := e.obs.all()[before:]
			if len(exs) != 1 || exs[0].Status != 0 || !errors.Is(exs[0].Err, tt.want) {
				t.Errorf("observed %+v, want one exchange with status 0 and the context error", exs)
			}
		})
	}
}

func TestObserverMasksSecrets(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	ctx := t.Context()
	tok := e.login(t, "subscriber@example.se")
	if _, err := e.client.Me(ctx, tok.AccessToken); err != nil {
		t.Fatalf("Me: %v", err)
	}
	if _, err := e.client.ActiveProducts(ctx, tok.AccessToken); err != nil {
		t.Fatalf("ActiveProducts: %v", err)
	}
	fresh, err := e.client.Refresh(ctx, tok.RefreshToken)
	if err != nil {
		t.Fatalf("Refresh: %v", err)
	}
	_, _ = e.client.Refresh(ctx, tok.RefreshToken) // a failing call is observed too

	secrets := []string{sandbox.PaywayClientSecret, "paywall-demo", tok.AccessToken, tok.RefreshToken,
		fresh.AccessToken, fresh.RefreshToken}
	want := []struct {
		method, path string
		status       int
		failed       bool
	}{
		{"POST", "/api/authorization/access_token", 200, false},
		{"GET", "/external/api/v3/me", 200, false},
		{"GET", "/external/api/v1/me/active_products", 200, false},
		{"POST", "/api/authorization/access_token", 200, false},
		{"POST", "/api/authorization/access_token", 400, true},
	}
	exs := e.obs.all()
	if len(exs) != len(want) {
		t.Fatalf("observed %d exchanges, want %d", len(exs), len(want))
	}
	for i, ex := range exs {
		w := want[i]
		if ex.Service != "payway" || ex.Method != w.method || ex.Path != w.path || ex.Status != w.status ||
			(ex.Err != nil) != w.failed || ex.Duration <= 0 {
			t.Errorf("exchange %d = %s %s %s %d err=%v dur=%v, want payway %s %s %d failed=%v", i,
				ex.Service, ex.Method, ex.Path, ex.Status, ex.Err, ex.Duration, w.method, w.path, w.status, w.failed)
		}
		text := ex.Path + "\n" + ex.RequestBody + "\n" + ex.ResponseBody
		if ex.Err != nil {
			text += "\n" + ex.Err.Error()
		}
		for _, s := range secrets {
			if strings.Contains(text, s) {
				t.Errorf("exchange %d exposes secret %q:\n%s", i, s, text)
			}
		}
	}
	for _, i := range []int{0, 3} {
		if !strings.Contains(exs[i].RequestBody, "client_secret=***") || !strings.Contains(exs[i].ResponseBody, `"access_token":"***"`) ||
			!strings.Contains(exs[i].ResponseBody, `"refresh_token":"***"`) {
			t.Errorf("token exchange %d not masked as expected:\n%s\n%s", i, exs[i].RequestBody, exs[i].ResponseBody)
		}
	}
	if !strings.Contains(exs[0].RequestBody, "password=***") || !strings.Contains(exs[0].RequestBody, "username=sandbox%5Esubscriber%40example.se") {
		t.Errorf("password grant body = %s, want masked password and visible username", exs[0].RequestBody)
	}
	if !strings.Contains(exs[1].ResponseBody, `"email":"subscriber@example.se"`) {
		t.Errorf("me response body lost its non-secret fields: %s", exs[1].ResponseBody)
	}
}

func TestPing(t *testing.T) {
	t.Parallel()
	status := func(code int) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(code)
			_, _ = w.Write([]byte(`{"code":"x","message":"y"}`))
		})
	}
	serve := func(h http.Handler) string {
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		return srv.URL
	}
	e := newEnv(t, nil)
	closed := httptest.NewServer(status(200))
	closed.Close()
	tests := []struct {
		name    string
		url     string
		wantErr bool
	}{
		{"sandbox", e.srv.URL, false},
		{"404 is reachable", serve(status(404)), false},
		// The redirect target does not listen: following it would fail, so this proves Ping stops at the 302.
		{"redirect is reachable", serve(http.RedirectHandler(closed.URL+"/elsewhere", http.StatusFound)), false},
		{"503 is not", serve(status(503)), true},
		{"nothing listening", closed.URL, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := e.newClient(func(c *payway.Config) { c.BaseURL, c.HTTPClient = tt.url, nil })
			err := c.Ping(t.Context())
			if (err != nil) != tt.wantErr {
				t.Fatalf("Ping = %v, wantErr %v", err, tt.wantErr)
			}
		})
	}
	if n := len(e.obs.all()); n != 0 {
		t.Errorf("Ping reported %d exchanges, want none", n)
	}
}
