package sandbox_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"
)

// TestOrdersOfAccount covers GET /external/api/v1/order?account_id=: who may list whose orders, the
// {"items": [...]} shape, every state, newest first, and the parameter errors.
func TestOrdersOfAccount(t *testing.T) {
	t.Parallel()
	srv, clock := newSandbox(t)
	const userScopes = "/external/me/w /external/order/r /external/klarna_payments/w"
	token := func(body string) http.Header {
		t.Helper()
		r := call(t, srv, "POST", "/api/authorization/access_token", form, body, nil)
		access, _ := r.body["access_token"].(string)
		if access == "" {
			t.Fatalf("token: %d %v", r.status, r.body)
		}
		return http.Header{"Authorization": {"Bearer " + access}}
	}
	userToken := func(email string) http.Header {
		return token(passwordForm("username", "sandbox^"+email, "scope", userScopes))
	}
	accountID := func(bearer http.Header) string {
		t.Helper()
		r := call(t, srv, "GET", "/external/api/v3/me", "", "", bearer)
		item, _ := r.body["item"].(map[string]any)
		id, _ := item["id"].(string)
		if id == "" {
			t.Fatalf("me: %d %v", r.status, r.body)
		}
		return id
	}
	// place buys the monthly digital package through the raw API and returns place_order's status.
	place := func(bearer http.Header, ref string) int {
		t.Helper()
		s := call(t, srv, "POST", "/external/api/v1/klarna_payments/create_session", "application/json",
			`{"code":"digital","period_type":"recurring","confirmation_url":"https://a.se/c"}`, bearer)
		item, _ := s.body["item"].(map[string]any)
		session, _ := item["klarna_payments_session_id"].(string)
		if session == "" {
			t.Fatalf("create_session: %d %v", s.status, s.body)
		}
		a := call(t, srv, "POST", "/sandbox/v1/authorize", "application/json",
			`{"session_id":"`+session+`","email":"customer@email.se"}`, nil)
		auth, _ := a.body["authorization_token"].(string)
		if auth == "" {
			t.Fatalf("authorize: %d %v", a.status, a.body)
		}
		body, _ := json.Marshal(map[string]string{"klarna_authorization_token": auth,
			"klarna_payments_session_id": session, "merchant_reference": ref})
		return call(t, srv, "POST", "/external/api/v1/klarna_payments/place_order", "application/json", string(body), bearer).status
	}

	reader, debt, subscriber := userToken("reader@example.se"), userToken("debt@example.se"), userToken("subscriber@example.se")
	readerID, debtID, subscriberID := accountID(reader), accountID(debt), accountID(subscriber)
	if st := place(reader, "paywall-1"); st != http.StatusOK {
		t.Fatalf("reader's place_order: %d", st)
	}
	// Two failed orders (debt), a minute apart: the list puts the later one first.
	if st := place(debt, "paywall-2"); st != http.StatusForbidden {
		t.Fatalf("debt's first place_order: %d, want 403", st)
	}
	clock.Advance(time.Minute)
	if st := place(debt, "paywall-3"); st != http.StatusForbidden {
		t.Fatalf("debt's second place_order: %d, want 403", st)
	}
	app := token(tokenForm("grant_type", "none", "scope", "/external/order/r"))
	appWithoutScope := token(tokenForm("grant_type", "none", "scope", "/external/klarna_payments/r"))

	path := func(kv ...string) string {
		q := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			q.Set(kv[i], kv[i+1])
		}
		return "/external/api/v1/order?" + q.Encode()
	}
	tests := []struct {
		name       string
		bearer     http.Header
		path       string
		wantStatus int
		wantCode   string
		wantRefs   []string // merchant references in list order
		wantStates []string
	}{
		{name: "app token, closed order", bearer: app, path: path("account_id", readerID), wantStatus: 200,
			wantRefs: []string{"paywall-1"}, wantStates: []string{"closed"}},
		{name: "app token, failed orders newest first", bearer: app, path: path("account_id", debtID), wantStatus: 200,
			wantRefs: []string{"paywall-3", "paywall-2"}, wantStates: []string{"failed", "failed"}},
		{name: "app token, account without orders", bearer: app, path: path("account_id", subscriberID), wantStatus: 200,
			wantRefs: []string{}, wantStates: []string{}},
		{name: "identity token, own account", bearer: reader, path: path("account_id", readerID), wantStatus: 200,
			wantRefs: []string{"paywall-1"}, wantStates: []string{"closed"}},
		{name: "identity token, another account", bearer: subscriber, path: path("account_id", readerID),
			wantStatus: 403, wantCode: "forbidden"},
		{name: "app token, unknown account", bearer: app, path: path("account_id", "000000000000000000000000"),
			wantStatus: 404, wantCode: "not_found"},
		{name: "app token without the order scope", bearer: appWithoutScope, path: path("account_id", readerID),
			wantStatus: 403, wantCode: "insufficient_scope"},
		{name: "no token", path: path("account_id", readerID), wantStatus: 401, wantCode: "invalid_token"},
		{name: "app token, order_id needs identity", bearer: app, path: path("order_id", "SANDBOX-1001"),
			wantStatus: 401, wantCode: "invalid_token"},
		{name: "neither parameter", bearer: app, path: path(), wantStatus: 400, wantCode: "invalid_parameter"},
		{name: "both parameters", bearer: reader, path: path("account_id", readerID, "order_id", "SANDBOX-1001"),
			wantStatus: 400, wantCode: "invalid_parameter"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := call(t, srv, "GET", tt.path, "", "", tt.bearer)
			if r.status != tt.wantStatus {
				t.Fatalf("got %d %v, want %d", r.status, r.body, tt.wantStatus)
			}
			if tt.wantCode != "" {
				if msg, _ := r.body["message"].(string); r.body["code"] != tt.wantCode || msg == "" {
					t.Errorf("error body %v, want code %s and a message", r.body, tt.wantCode)
				}
				return
			}
			items, ok := r.body["items"].([]any)
			if !ok || len(r.body) != 1 {
				t.Fatalf("body %v, want only {\"items\": [...]}", r.body)
			}
			if len(items) != len(tt.wantRefs) {
				t.Fatalf("got %d orders %v, want %d", len(items), items, len(tt.wantRefs))
			}
			for i, it := range items {
				o, _ := it.(map[string]any)
				if o["merchant_reference"] != tt.wantRefs[i] || o["state"] != tt.wantStates[i] {
					t.Errorf("order %d: reference %v state %v, want %s %s", i, o["merchant_reference"], o["state"],
						tt.wantRefs[i], tt.wantStates[i])
				}
				if id, _ := o["order_id"].(string); id == "" || o["payments"] == nil || o["order_detail"] == nil {
					t.Errorf("order %d is not a full order: %v", i, o)
				}
			}
		})
	}
}
