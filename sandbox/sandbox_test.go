package sandbox_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paywall/paywall/sandbox"
)

type fixedClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fixedClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fixedClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// start runs a sandbox on dbPath behind httptest.
func start(t *testing.T, dbPath string, clock *fixedClock) *httptest.Server {
	t.Helper()
	sb, err := sandbox.New(t.Context(), sandbox.Config{DBPath: dbPath, Now: clock.Now})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	srv := httptest.NewServer(sb.Handler())
	t.Cleanup(func() {
		srv.Close()
		if err := sb.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return srv
}

func newSandbox(t *testing.T) (*httptest.Server, *fixedClock) {
	t.Helper()
	clock := &fixedClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	return start(t, t.TempDir()+"/sandbox.db", clock), clock
}

type response struct {
	status int
	header http.Header
	body   map[string]any
}

// call sends one request and decodes the JSON object body.
func call(t *testing.T, srv *httptest.Server, method, path, contentType, body string, header http.Header) response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	r := response{status: resp.StatusCode, header: resp.Header}
	if method != http.MethodHead {
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("%s %s: Content-Type %q, want JSON", method, path, ct)
		}
		if err := json.Unmarshal(raw, &r.body); err != nil {
			t.Fatalf("%s %s: body %q is not a JSON object: %v", method, path, raw, err)
		}
	}
	return r
}

const form = "application/x-www-form-urlencoded"

func tokenForm(kv ...string) string {
	v := url.Values{"client_id": {sandbox.PaywayClientID}, "client_secret": {sandbox.PaywayClientSecret}}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			v.Del(kv[i])
			continue
		}
		v.Set(kv[i], kv[i+1])
	}
	return v.Encode()
}

func passwordForm(kv ...string) string {
	return tokenForm(append([]string{"grant_type", "password", "username", "sandbox^subscriber@example.se",
		"password", "paywall-demo", "scope", "/external/me/w"}, kv...)...)
}

// errorOf returns the code and message of an error body in the shape of the endpoint at path: the token
// endpoint answers OAuth's {error,error_description}, every other Payway endpoint {code,message}. A body in
// the other shape (or a mix of both) fails the test.
func errorOf(t *testing.T, path string, r response) (code, message string) {
	t.Helper()
	want, other := [2]string{"code", "message"}, [2]string{"error", "error_description"}
	if strings.HasPrefix(path, "/api/authorization/access_token") {
		want, other = other, want
	}
	code, _ = r.body[want[0]].(string)
	message, _ = r.body[want[1]].(string)
	if _, ok := r.body[other[0]]; ok {
		t.Errorf("%s: error body %v has %q, want only %s/%s", path, r.body, other[0], want[0], want[1])
	}
	if _, ok := r.body[other[1]]; ok {
		t.Errorf("%s: error body %v has %q, want only %s/%s", path, r.body, other[1], want[0], want[1])
	}
	return code, message
}

// TestErrorResponses covers what the typed client cannot provoke: wrong methods, unknown and missing
// parameters, wrong content types, unknown grants. Every error of the token endpoint is OAuth's
// {error,error_description} JSON, every other one Payway's {code,message}.
func TestErrorResponses(t *testing.T) {
	t.Parallel()
	srv, _ := newSandbox(t)
	tests := []struct {
		name, method, path, contentType, body string
		wantStatus                            int
		wantCode, wantAllow, wantMessage      string
	}{
		{name: "GET on the token endpoint", method: "GET", path: "/api/authorization/access_token",
			wantStatus: 405, wantCode: "method_not_allowed", wantAllow: "POST"},
		{name: "DELETE on me", method: "DELETE", path: "/external/api/v3/me",
			wantStatus: 405, wantCode: "method_not_allowed", wantAllow: "GET, HEAD"},
		{name: "POST on active_products", method: "POST", path: "/external/api/v1/me/active_products",
			contentType: "application/json", body: "{}",
			wantStatus: 405, wantCode: "method_not_allowed", wantAllow: "GET, HEAD"},
		{name: "unknown path", method: "GET", path: "/external/api/v9/nothing", wantStatus: 404, wantCode: "not_found"},
		{name: "root", method: "GET", path: "/", wantStatus: 404, wantCode: "not_found"},
		{name: "unknown parameters", method: "POST", path: "/api/authorization/access_token", contentType: form,
			body: passwordForm("zeta", "1", "alpha", "2"), wantStatus: 400, wantCode: "unknown_parameter",
			wantMessage: "Unknown parameters: alpha,zeta"},
		{name: "missing grant_type", method: "POST", path: "/api/authorization/access_token", contentType: form,
			body: tokenForm(), wantStatus: 400, wantCode: "invalid_request", wantMessage: "Missing parameter: grant_type"},
		{name: "missing password", method: "POST", path: "/api/authorization/access_token", contentType: form,
			body: passwordForm("password", ""), wantStatus: 400, wantCode: "invalid_request"},
		{name: "missing refresh_token", method: "POST", path: "/api/authorization/access_token", contentType: form,
			body: tokenForm("grant_type", "refresh_token"), wantStatus: 400, wantCode: "invalid_request"},
		{name: "unsupported grant", method: "POST", path: "/api/authorization/access_token", contentType: form,
			body: tokenForm("grant_type", "client_credentials"), wantStatus: 400, wantCode: "unsupported_grant_type"},
		{name: "bad client before grant checks", method: "POST", path: "/api/authorization/access_token", contentType: form,
			body: tokenForm("client_secret", "x", "grant_type", "client_credentials"), wantStatus: 401, wantCode: "invalid_client"},
		{name: "JSON to the token endpoint", method: "POST", path: "/api/authorization/access_token",
			contentType: "application/json", body: `{"grant_type":"password"}`, wantStatus: 400, wantCode: "invalid_request"},
		{name: "username without organisation", method: "POST", path: "/api/authorization/access_token", contentType: form,
			body: passwordForm("username", "subscriber@example.se"), wantStatus: 400, wantCode: "invalid_grant"},
		{name: "unknown scope", method: "POST", path: "/api/authorization/access_token", contentType: form,
			body: passwordForm("scope", "/external/me/w /external/root/w"), wantStatus: 400, wantCode: "invalid_scope"},
		{name: "malformed authorization header", method: "GET", path: "/external/api/v3/me",
			wantStatus: 401, wantCode: "invalid_token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			if tt.name == "malformed authorization header" {
				h.Set("Authorization", "Basic "+sandbox.PaywayClientSecret)
			}
			r := call(t, srv, tt.method, tt.path, tt.contentType, tt.body, h)
			code, msg := errorOf(t, tt.path, r)
			if r.status != tt.wantStatus || code != tt.wantCode {
				t.Fatalf("got %d %v, want %d %s", r.status, r.body, tt.wantStatus, tt.wantCode)
			}
			if msg == "" || (tt.wantMessage != "" && msg != tt.wantMessage) {
				t.Errorf("message = %q, want %q (non-empty)", msg, tt.wantMessage)
			}
			if got := r.header.Get("Allow"); got != tt.wantAllow {
				t.Errorf("Allow = %q, want %q", got, tt.wantAllow)
			}
			if tt.wantStatus == 401 && tt.wantCode == "invalid_token" && r.header.Get("WWW-Authenticate") == "" {
				t.Error("401 invalid_token without WWW-Authenticate")
			}
		})
	}
}

func TestTokenResponse(t *testing.T) {
	t.Parallel()
	srv, _ := newSandbox(t)
	r := call(t, srv, "POST", "/api/authorization/access_token", form, passwordForm("scope", "/external/me/w /external/me/w /external/order/r"), nil)
	if r.status != 200 {
		t.Fatalf("status %d %v", r.status, r.body)
	}
	want := map[string]any{"token_type": "bearer", "expires_in": 3600.0, "scope": "/external/me/w /external/order/r"}
	for k, v := range want {
		if r.body[k] != v {
			t.Errorf("%s = %v, want %v", k, r.body[k], v)
		}
	}
	for _, k := range []string{"access_token", "refresh_token"} {
		if s, _ := r.body[k].(string); len(s) < 20 {
			t.Errorf("%s = %q, want a long random token", k, s)
		}
	}
	if got := r.header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", got)
	}
}

func login(t *testing.T, srv *httptest.Server, scope string) (access, refresh string) {
	t.Helper()
	r := call(t, srv, "POST", "/api/authorization/access_token", form, passwordForm("scope", scope), nil)
	if r.status != 200 {
		t.Fatalf("login: %d %v", r.status, r.body)
	}
	return r.body["access_token"].(string), r.body["refresh_token"].(string)
}

func refresh(t *testing.T, srv *httptest.Server, token, scope string) response {
	t.Helper()
	return call(t, srv, "POST", "/api/authorization/access_token", form,
		tokenForm("grant_type", "refresh_token", "refresh_token", token, "scope", scope), nil)
}

func TestRefreshScopes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, scope, wantScope, wantCode string
	}{
		{name: "keeps the original scopes", scope: "", wantScope: "/external/me/w /external/order/r"},
		{name: "narrows", scope: "/external/order/r", wantScope: "/external/order/r"},
		{name: "cannot widen", scope: "/external/me/w /external/account/r", wantCode: "invalid_scope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := newSandbox(t)
			_, rt := login(t, srv, "/external/me/w /external/order/r")
			r := refresh(t, srv, rt, tt.scope)
			if tt.wantCode != "" {
				if code, _ := errorOf(t, "/api/authorization/access_token", r); r.status != 400 || code != tt.wantCode {
					t.Fatalf("got %d %v, want 400 %s", r.status, r.body, tt.wantCode)
				}
				// A rejected refresh leaves the token usable.
				if r := refresh(t, srv, rt, ""); r.status != 200 {
					t.Errorf("refresh after a rejected one: %d %v", r.status, r.body)
				}
				return
			}
			if r.status != 200 || r.body["scope"] != tt.wantScope {
				t.Fatalf("got %d %v, want 200 with scope %q", r.status, r.body, tt.wantScope)
			}
		})
	}
}

func TestRefreshExpires(t *testing.T) {
	t.Parallel()
	srv, clock := newSandbox(t)
	_, rt := login(t, srv, "/external/me/w")
	clock.Advance(30 * 24 * time.Hour)
	if r := refresh(t, srv, rt, ""); r.status != 400 || r.body["error"] != "invalid_grant" {
		t.Fatalf("refresh after 30 days: %d %v, want 400 invalid_grant", r.status, r.body)
	}
}

// TestRefreshTokenWorksOnce races several refreshes of one token: exactly one may win.
func TestRefreshTokenWorksOnce(t *testing.T) {
	t.Parallel()
	srv, _ := newSandbox(t)
	_, rt := login(t, srv, "/external/me/w")
	const n = 8
	statuses := make(chan int, n)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() { statuses <- refresh(t, srv, rt, "").status })
	}
	wg.Wait()
	close(statuses)
	counts := map[int]int{}
	for s := range statuses {
		counts[s]++
	}
	if counts[200] != 1 || counts[400] != n-1 {
		t.Fatalf("statuses %v, want one 200 and %d 400", counts, n-1)
	}
}

// TestStatePersists reopens the same database: personas keep their ids, issued tokens stay valid,
// and seeding a second time does not duplicate anything.
func TestStatePersists(t *testing.T) {
	t.Parallel()
	clock := &fixedClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	path := t.TempDir() + "/nested/dir/sandbox.db"
	bearer := func(tok string) http.Header { return http.Header{"Authorization": {"Bearer " + tok}} }

	first := start(t, path, clock)
	access, _ := login(t, first, "/external/me/w")
	me1 := call(t, first, "GET", "/external/api/v3/me", "", "", bearer(access))
	first.Close()

	second := start(t, path, clock)
	me2 := call(t, second, "GET", "/external/api/v3/me", "", "", bearer(access))
	if me2.status != 200 {
		t.Fatalf("me after restart: %d %v", me2.status, me2.body)
	}
	id1 := me1.body["item"].(map[string]any)["id"]
	id2 := me2.body["item"].(map[string]any)["id"]
	if id1 != id2 {
		t.Errorf("id changed across restart: %v -> %v", id1, id2)
	}
	ap := call(t, second, "GET", "/external/api/v1/me/active_products", "", "", bearer(access))
	got := ap.body["item"].(map[string]any)["active_products"]
	if b, _ := json.Marshal(got); string(b) != `["digital"]` {
		t.Errorf("active_products after reseeding = %s, want [\"digital\"]", b)
	}
}

func TestNewNeedsDBPath(t *testing.T) {
	t.Parallel()
	if _, err := sandbox.New(context.Background(), sandbox.Config{}); err == nil {
		t.Fatal("New without DBPath succeeded")
	}
}

func TestPersonas(t *testing.T) {
	t.Parallel()
	ps := sandbox.Personas()
	seen := map[string]bool{}
	for _, p := range ps {
		if p.Email == "" || p.Password == "" || p.FirstName == "" || p.Demonstrates == "" || seen[p.Email] {
			t.Errorf("persona %+v is incomplete or duplicated", p)
		}
		seen[p.Email] = true
	}
	ps[0].Email = "changed"
	if sandbox.Personas()[0].Email == "changed" {
		t.Error("Personas returns shared state")
	}
}
