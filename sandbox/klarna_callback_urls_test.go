package sandbox

import (
	"net/http"
	"testing"
)

// TestCallbackURLsMustBeHTTPS: Klarna calls merchant_urls.authorization and the hosted page's
// status_update server to server and documents both as HTTPS only. The sandbox refuses plain http for
// them except on loopback hosts, where it and the app run; redirect URLs may stay http.
func TestCallbackURLsMustBeHTTPS(t *testing.T) {
	t.Parallel()
	s, srv := klarnaAPIServer(t)
	sid, _ := approvedSession(t, s, srv, "buy") // the payment session the hosted pages are made for
	tests := []struct {
		url string
		ok  bool
	}{
		{"https://shop.example/cb?sid={session.id}", true},
		{"http://localhost:8080/cb", true},
		{"http://LOCALHOST./cb", true},
		{"http://app.localhost/cb", true},
		{"http://127.0.0.1:8080/cb", true},
		{"http://127.1.2.3/cb", true},
		{"http://[::1]:8080/cb", true},
		{"http://shop.example/cb", false},
		{"http://10.0.0.1/cb", false},
		{"http://localhost.shop.example/cb", false},
		{"http://[::2]/cb", false},
		{"ftp://localhost/cb", false},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			t.Parallel()
			calls := []struct {
				name, path, body, field string
				okStatus                int
			}{
				{"session authorization", "/payments/v1/sessions",
					sessionJSON(t, map[string]any{"merchant_urls": map[string]string{"authorization": tt.url}}),
					"merchant_urls.authorization", http.StatusOK},
				{"HPP status_update", "/hpp/v1/sessions", mustJSONText(t, map[string]any{
					"payment_session_url": srv.URL + "/payments/v1/sessions/" + sid,
					"merchant_urls":       map[string]string{"status_update": tt.url, "success": "http://shop.example/ok"}}),
					"merchant_urls.status_update", http.StatusCreated},
			}
			for _, c := range calls {
				a := klarnaCall(t, srv, KlarnaUsername, http.MethodPost, c.path, c.body, nil)
				switch {
				case tt.ok && a.status != c.okStatus:
					t.Errorf("%s: %d %s, want %d", c.name, a.status, a.raw, c.okStatus)
				case !tt.ok && (a.status != http.StatusBadRequest || a.body["error_code"] != "BAD_VALUE" ||
					a.messages()[0] != "Bad value: "+c.field):
					t.Errorf("%s: %d %s, want 400 Bad value: %s", c.name, a.status, a.raw, c.field)
				}
			}
		})
	}
	t.Run("redirect URLs may be http", func(t *testing.T) {
		t.Parallel()
		a := klarnaCall(t, srv, KlarnaUsername, http.MethodPost, "/payments/v1/sessions",
			sessionJSON(t, map[string]any{"merchant_urls": map[string]string{"confirmation": "http://shop.example/c",
				"notification": "http://shop.example/n", "push": "http://shop.example/p"}}), nil)
		if a.status != http.StatusOK {
			t.Errorf("create session: %d %s", a.status, a.raw)
		}
	})
}
