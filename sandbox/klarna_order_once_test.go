package sandbox

import (
	"net/http"
	"testing"
	"time"
)

// orderJSON is a create-order body for the test cart; ref is its merchant_reference1.
func orderJSON(t *testing.T, ref string) string {
	t.Helper()
	c := klarnaTestCart()
	return mustJSONText(t, map[string]any{"purchase_country": c.PurchaseCountry, "purchase_currency": c.PurchaseCurrency,
		"locale": c.Locale, "order_amount": c.OrderAmount, "order_tax_amount": c.OrderTaxAmount, "order_lines": c.OrderLines,
		"merchant_reference1": ref})
}

// TestSecondOrderFromOneAuthorization: the first create-order on an authorization makes the order; a
// second one with the same body (whatever its whitespace and key order) gets the same order again, one
// with another body gets Klarna's documented 409, and none of them makes a second order. An authorization
// whose order the hosted page placed answers 403 consumed, and one past its 60 minutes 404.
func TestSecondOrderFromOneAuthorization(t *testing.T) {
	t.Parallel()
	s, srv := klarnaAPIServer(t)
	_, auth := approvedSession(t, s, srv, "buy")
	path := "/payments/v1/authorizations/" + auth + "/order"
	first := klarnaCall(t, srv, KlarnaUsername, http.MethodPost, path, orderJSON(t, "ref-1"), nil)
	orderID, _ := first.body["order_id"].(string)
	if first.status != http.StatusOK || orderID == "" {
		t.Fatalf("first order: %d %s", first.status, first.raw)
	}
	c := klarnaTestCart()
	reordered := mustJSONText(t, map[string]any{"merchant_reference1": "ref-1", "order_lines": c.OrderLines,
		"order_tax_amount": c.OrderTaxAmount, "order_amount": c.OrderAmount, "locale": c.Locale,
		"purchase_currency": c.PurchaseCurrency, "purchase_country": c.PurchaseCountry})
	tests := []struct {
		name, body string
		status     int
		message    string
	}{
		{"same body", orderJSON(t, "ref-1"), http.StatusOK, ""},
		{"same body, other key order and spacing", "  " + reordered + "\n", http.StatusOK, ""},
		{"another reference", orderJSON(t, "ref-2"), http.StatusConflict, "The order has been already completed with different request body"},
		{"another cart", sessionJSON(t, map[string]any{"merchant_reference1": "ref-1", "order_amount": 1}),
			http.StatusConflict, "The order has been already completed with different request body"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := klarnaCall(t, srv, KlarnaUsername, http.MethodPost, path, tt.body, nil)
			if a.status != tt.status {
				t.Fatalf("status %d %s, want %d", a.status, a.raw, tt.status)
			}
			if tt.status == http.StatusOK {
				if a.body["order_id"] != orderID || a.raw != first.raw {
					t.Errorf("answer %s, want the first %s", a.raw, first.raw)
				}
				return
			}
			if a.body["error_code"] != "BAD_VALUE" || len(a.messages()) != 1 || a.messages()[0] != tt.message {
				t.Errorf("answer %s, want BAD_VALUE %q", a.raw, tt.message)
			}
		})
	}
	var n int
	if err := s.store.r.QueryRowContext(t.Context(), `SELECT count(*) FROM kp_orders WHERE authorization_token = ?`, auth).Scan(&n); err != nil || n != 1 {
		t.Errorf("orders of the authorization = %d (%v), want 1", n, err)
	}

	t.Run("placed by the hosted page", func(t *testing.T) {
		sid, _ := approvedSession(t, s, srv, "buy") // a fresh session; its first authorization is left unused
		h := klarnaCall(t, srv, KlarnaUsername, http.MethodPost, "/hpp/v1/sessions", mustJSONText(t, map[string]any{
			"payment_session_url": srv.URL + "/payments/v1/sessions/" + sid,
			"options":             map[string]any{"place_order_mode": "PLACE_ORDER"}}), nil)
		hid, _ := h.body["session_id"].(string)
		if h.status != http.StatusCreated {
			t.Fatalf("create HPP: %d %s", h.status, h.raw)
		}
		if _, kerr := s.hppComplete(t.Context(), srv.URL, hid, "customer@email.se", "123456"); kerr != nil {
			t.Fatalf("pay on the hosted page: %v", kerr)
		}
		read := klarnaCall(t, srv, KlarnaUsername, http.MethodGet, "/payments/v1/sessions/"+sid, "", nil)
		hppAuth, _ := read.body["authorization_token"].(string)
		a := klarnaCall(t, srv, KlarnaUsername, http.MethodPost, "/payments/v1/authorizations/"+hppAuth+"/order", orderJSON(t, "ref-1"), nil)
		if a.status != http.StatusForbidden || a.body["error_code"] != "INVALID_OPERATION" ||
			a.messages()[0] != "Authorization token already consumed" {
			t.Errorf("order from the hosted page's authorization = %d %s, want 403 consumed", a.status, a.raw)
		}
	})

	t.Run("after 60 minutes", func(t *testing.T) {
		if r := klarnaCall(t, srv, KlarnaUsername, http.MethodPost, "/sandbox/v1/clock",
			mustJSONText(t, map[string]any{"advance": (61 * time.Minute).String()}), nil); r.status != http.StatusOK {
			t.Fatalf("advance clock: %d %s", r.status, r.raw)
		}
		a := klarnaCall(t, srv, KlarnaUsername, http.MethodPost, path, orderJSON(t, "ref-1"), nil)
		if a.status != http.StatusNotFound || a.messages()[0] != "Invalid authorization token" {
			t.Errorf("after expiry = %d %s, want 404 Invalid authorization token", a.status, a.raw)
		}
	})
}
