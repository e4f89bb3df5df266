package sandbox

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// HTTP helpers for tests of the Klarna API as a merchant sees it: raw JSON in, status and JSON out, so a
// test can send bodies the typed client never would (missing fields, reordered keys, other merchants).

// klarnaAPIServer is a sandbox (klarnaTestServer) behind httptest.
func klarnaAPIServer(t *testing.T) (*Server, *httptest.Server) {
	t.Helper()
	s := klarnaTestServer(t)
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return s, srv
}

// klarnaAnswer is one answer of the Klarna API.
type klarnaAnswer struct {
	status int
	body   map[string]any
	raw    string
}

// messages are the answer's error_messages.
func (a klarnaAnswer) messages() []string {
	var out []string
	ms, _ := a.body["error_messages"].([]any)
	for _, m := range ms {
		s, _ := m.(string)
		out = append(out, s)
	}
	return out
}

// klarnaCall sends body (JSON, "" for none) as merchant user with KlarnaPassword; header adds headers.
func klarnaCall(t *testing.T, srv *httptest.Server, user, method, path, body string, header map[string]string) klarnaAnswer {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(user, KlarnaPassword)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header.Set(k, v)
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
	a := klarnaAnswer{status: resp.StatusCode, raw: string(raw)}
	if len(strings.TrimSpace(string(raw))) > 0 {
		if err := json.Unmarshal(raw, &a.body); err != nil {
			t.Fatalf("%s %s: %d %q is not a JSON object: %v", method, path, resp.StatusCode, raw, err)
		}
	}
	return a
}

// mustJSONText encodes v for a request body.
func mustJSONText(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// sessionJSON is a valid create-session body (the test cart) with extra fields merged in.
func sessionJSON(t *testing.T, extra map[string]any) string {
	t.Helper()
	c := klarnaTestCart()
	body := map[string]any{"purchase_country": c.PurchaseCountry, "purchase_currency": c.PurchaseCurrency,
		"locale": c.Locale, "order_amount": c.OrderAmount, "order_tax_amount": c.OrderTaxAmount, "order_lines": c.OrderLines}
	for k, v := range extra {
		body[k] = v
	}
	return mustJSONText(t, body)
}

// approvedSession creates a session of intent as the default merchant and authorizes it; it returns the
// session id and the authorization token.
func approvedSession(t *testing.T, s *Server, srv *httptest.Server, intent string) (string, string) {
	t.Helper()
	a := klarnaCall(t, srv, KlarnaUsername, http.MethodPost, "/payments/v1/sessions", sessionJSON(t, map[string]any{"intent": intent}), nil)
	id, _ := a.body["session_id"].(string)
	if a.status != http.StatusOK || id == "" {
		t.Fatalf("create session: %d %s", a.status, a.raw)
	}
	res, kerr := s.kpAuthorize(t.Context(), authorizeInput{SessionID: id, Email: "customer@email.se", OTP: "123456"})
	if kerr != nil || !res.Approved {
		t.Fatalf("authorize: %+v %v", res, kerr)
	}
	return id, res.AuthorizationToken
}
