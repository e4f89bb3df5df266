package sandbox

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

func TestControlAuthorize(t *testing.T) {
	t.Parallel()
	s, srv := startCtlSandbox(t)
	sess := newTestSession(t, s, "http://localhost:8080/confirmation")
	other := newTestSession(t, s, "")
	jsonBody := func(v map[string]string) string {
		b, _ := json.Marshal(v)
		return string(b)
	}
	tests := []struct {
		name       string
		body       map[string]string
		raw        string // used instead of body when set
		wantStatus int
		want       string // result JSON (token replaced by "*") or the Klarna error_code
	}{
		{name: "approved by session id", body: map[string]string{"session_id": sess.ID, "email": "customer@email.se", "otp": "123456"},
			wantStatus: 200, want: `{"approved":true,"authorization_token":"*","show_form":true}`},
		{name: "approved by client token, no code step", body: map[string]string{"client_token": sess.ClientToken, "email": "customer@email.se"},
			wantStatus: 200, want: `{"approved":true,"authorization_token":"*","show_form":true}`},
		{name: "explicit category", body: map[string]string{"session_id": sess.ID, "email": "customer@email.se",
			"category": sess.Categories[len(sess.Categories)-1].Identifier},
			wantStatus: 200, want: `{"approved":true,"authorization_token":"*","show_form":true}`},
		{name: "hard rejection", body: map[string]string{"session_id": sess.ID, "email": "customer+denied@email.se"},
			wantStatus: 200, want: `{"approved":false,"show_form":false}`},
		{name: "fixable rejection", body: map[string]string{"session_id": sess.ID, "email": "nobody"},
			wantStatus: 200, want: `{"approved":false,"error":{"invalid_fields":["billing_address.email"]},"show_form":true}`},
		{name: "failing code", body: map[string]string{"session_id": sess.ID, "email": "customer@email.se", "otp": "999999"},
			wantStatus: 200, want: `{"approved":false,"show_form":true}`},
		{name: "unknown session", body: map[string]string{"session_id": "00000000-0000-4000-8000-000000000000", "email": "customer@email.se"},
			wantStatus: 404, want: "NOT_FOUND"},
		{name: "no session", body: map[string]string{"email": "customer@email.se"}, wantStatus: 400, want: "BAD_VALUE"},
		{name: "client token of another session", body: map[string]string{"session_id": sess.ID, "client_token": other.ClientToken},
			wantStatus: 400, want: "BAD_VALUE"},
		{name: "client token is no token", body: map[string]string{"client_token": "a.b.c"}, wantStatus: 400, want: "BAD_VALUE"},
		{name: "unknown field", raw: `{"session_id":"x","mail":"customer@email.se"}`, wantStatus: 400, want: "BAD_VALUE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := tt.raw
			if body == "" {
				body = jsonBody(tt.body)
			}
			r := ctlCall(t, srv, "POST", "/sandbox/v1/authorize", body, nil)
			if r.status != tt.wantStatus {
				t.Fatalf("status %d %s, want %d", r.status, r.raw, tt.wantStatus)
			}
			if r.status != 200 {
				if r.body["error_code"] != tt.want || r.body["correlation_id"] == "" {
					t.Errorf("error %s, want Klarna's shape with %s", r.raw, tt.want)
				}
				return
			}
			token, _ := r.body["authorization_token"].(string)
			if token != "" {
				r.body["authorization_token"] = "*"
				if a, kerr := s.kpAuthorization(t.Context(), token); kerr != nil || a.SessionID != sess.ID {
					t.Errorf("the token does not authorize the session: %+v %v", a, kerr)
				}
			}
			if got, _ := json.Marshal(r.body); string(got) != tt.want {
				t.Errorf("result %s, want %s", got, tt.want)
			}
		})
	}
}

// TestDeviceRedirect checks the redirect without a browser: 303 to the registered confirmation URL with
// the placeholders filled and the device cookie; 400 for unknown orders and orders without a URL, with
// no Location at all.
func TestDeviceRedirect(t *testing.T) {
	t.Parallel()
	s, srv := startCtlSandbox(t)
	withURL := approvedOrder(t, s, srv.URL, newTestSession(t, s, "https://shop.example/done?o={order.id}&s={session.id}"))
	withoutURL := approvedOrder(t, s, srv.URL, newTestSession(t, s, ""))
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	get := func(t *testing.T, path string) *http.Response {
		t.Helper()
		req, _ := http.NewRequestWithContext(t.Context(), "GET", srv.URL+path, nil)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}

	if !strings.HasPrefix(withURL.RedirectURL, srv.URL+"/kp/redirect/") {
		t.Fatalf("order redirect_url %q is not this sandbox's device redirect", withURL.RedirectURL)
	}
	resp := get(t, strings.TrimPrefix(withURL.RedirectURL, srv.URL)+"?next=https://evil.example/")
	want := "https://shop.example/done?o=" + withURL.OrderID + "&s=" + withURL.SessionID
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != want {
		t.Fatalf("redirect: %d to %q, want 303 to %q", resp.StatusCode, resp.Header.Get("Location"), want)
	}
	var cookie *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == deviceCookie {
			cookie = c
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.Path != "/" || cookie.Value == "" {
		t.Errorf("device cookie %+v, want HttpOnly, SameSite=Lax, Path=/", cookie)
	}

	for _, path := range []string{"/kp/redirect/unknown", "/kp/redirect/" + withoutURL.OrderID} {
		resp := get(t, path)
		if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Location") != "" {
			t.Errorf("%s: %d to %q, want 400 and no redirect", path, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
}

// TestBrowserPagesRefuseBadFrames: the frames need a real origin and request id from the SDK, and
// frame-ancestors limits embedding to that origin.
func TestBrowserPagesRefuseBadFrames(t *testing.T) {
	t.Parallel()
	s, srv := startCtlSandbox(t)
	sess := newTestSession(t, s, "")
	rid := "0123456789abcdef0123456789abcdef"
	tests := []struct {
		name, path     string
		wantStatus     int
		wantAncestors  string
		wantBodySubstr string
	}{
		{"widget without origin", "/kp/widget?rid=" + rid + "&client_token=" + sess.ClientToken, 400, "'none'", "origin"},
		{"widget with origin *", "/kp/widget?origin=*&rid=" + rid, 400, "'none'", "origin"},
		{"dialog without rid", "/kp/authorize?origin=http://localhost:1", 400, "'none'", "request id"},
		{"widget ok", "/kp/widget?origin=http://localhost:1&rid=" + rid + "&client_token=" + sess.ClientToken + "&category=" +
			sess.Categories[0].Identifier, 200, "http://localhost:1", `data-show-form="true"`},
		{"dialog with a bad token", "/kp/authorize?origin=http://localhost:1&rid=" + rid + "&client_token=x.y.z", 200,
			"http://localhost:1", "client token is not valid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ctlCall(t, srv, "GET", tt.path, "", nil)
			if r.status != tt.wantStatus || !strings.Contains(string(r.raw), tt.wantBodySubstr) {
				t.Fatalf("got %d %s, want %d containing %q", r.status, r.raw, tt.wantStatus, tt.wantBodySubstr)
			}
			if csp := r.header.Get("Content-Security-Policy"); !strings.HasSuffix(csp, "frame-ancestors "+tt.wantAncestors) {
				t.Errorf("CSP %q, want frame-ancestors %s", csp, tt.wantAncestors)
			}
		})
	}
	if r := ctlCall(t, srv, "POST", "/kp/authorize", "", http.Header{"Origin": {"http://evil.example"}}); r.status != 403 {
		t.Errorf("cross-origin POST to the dialog: %d, want 403", r.status)
	}
}
