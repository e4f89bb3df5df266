package sandbox

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
)

// Tests of the sandbox's Klarna choices (klarna_choices.go) that have no file of their own: the
// idempotency key reused with another body, the step-up session's pair of fields, the token order's
// fields, and the list itself. (The second create-order, the callback URLs and the categories are in
// klarna_order_once_test.go, klarna_callback_urls_test.go and klarna_merchants_test.go; the categories'
// badge and the persona's identity in checkout_klarna_test.go.)

// apiToken makes a customer token the way a merchant does: a buy_and_tokenize session, its
// authorization, create-customer-token. behaviour, when not ok, is then given to the token (as a persona's
// token has it) so a test can provoke a step-up.
func apiToken(t *testing.T, s *Server, srv *httptest.Server, behaviour string) string {
	t.Helper()
	_, auth := approvedSession(t, s, srv, "buy_and_tokenize")
	a := klarnaCall(t, srv, KlarnaUsername, http.MethodPost, "/payments/v1/authorizations/"+auth+"/customer-token",
		mustJSONText(t, map[string]string{"description": "Plus", "intended_use": "SUBSCRIPTION", "locale": "sv-SE",
			"purchase_country": "SE", "purchase_currency": "SEK"}), nil)
	id, _ := a.body["token_id"].(string)
	if a.status != http.StatusOK || id == "" {
		t.Fatalf("create customer token: %d %s", a.status, a.raw)
	}
	if behaviour != tokenBehaviourOK {
		err := s.store.inTx(t.Context(), func(tx *txn) error {
			tok, err := customerTokenByID(t.Context(), tx, id)
			if err != nil {
				return err
			}
			tok.Behaviour = behaviour
			return saveCustomerToken(t.Context(), tx, tok)
		})
		if err != nil {
			t.Fatalf("token behaviour: %v", err)
		}
	}
	return id
}

// tokenOrderJSON is a token order for the test cart in the fields of customer_token_order; extra are
// merged in.
func tokenOrderJSON(t *testing.T, extra map[string]any) string {
	t.Helper()
	c := klarnaTestCart()
	body := map[string]any{"purchase_currency": c.PurchaseCurrency, "order_amount": c.OrderAmount,
		"order_tax_amount": c.OrderTaxAmount, "order_lines": c.OrderLines, "step_up": "SUPPORTED"}
	for k, v := range extra {
		body[k] = v
	}
	return mustJSONText(t, body)
}

// TestIdempotencyKeyReusedWithAnotherBody: a key repeated with the same body (in any key order) gets the
// first answer; with another body 409 BAD_VALUE and nothing is charged; another key is a new order.
func TestIdempotencyKeyReusedWithAnotherBody(t *testing.T) {
	t.Parallel()
	s, srv := klarnaAPIServer(t)
	token := apiToken(t, s, srv, tokenBehaviourOK)
	path := "/customer-token/v1/tokens/" + token + "/order"
	key := map[string]string{idempotencyHeader: "7d4f7a0e-5b8e-4c62-9a57-1d1e2b0c9f11"}
	first := klarnaCall(t, srv, KlarnaUsername, http.MethodPost, path, tokenOrderJSON(t, map[string]any{"merchant_reference1": "a"}), key)
	if first.status != http.StatusOK {
		t.Fatalf("first: %d %s", first.status, first.raw)
	}
	c := klarnaTestCart()
	tests := []struct {
		name, body string
		key        map[string]string
		status     int
		sameOrder  bool
	}{
		{"same key, same body", tokenOrderJSON(t, map[string]any{"merchant_reference1": "a"}), key, http.StatusOK, true},
		{"same key, same body in another key order", mustJSONText(t, map[string]any{"step_up": "SUPPORTED",
			"order_lines": c.OrderLines, "merchant_reference1": "a", "order_tax_amount": c.OrderTaxAmount,
			"order_amount": c.OrderAmount, "purchase_currency": c.PurchaseCurrency}), key, http.StatusOK, true},
		{"same key, another body", tokenOrderJSON(t, map[string]any{"merchant_reference1": "b"}), key, http.StatusConflict, false},
		{"another key", tokenOrderJSON(t, map[string]any{"merchant_reference1": "b"}),
			map[string]string{idempotencyHeader: "0c0f7a0e-5b8e-4c62-9a57-1d1e2b0c9f22"}, http.StatusOK, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := klarnaCall(t, srv, KlarnaUsername, http.MethodPost, path, tt.body, tt.key)
			if a.status != tt.status || (a.body["order_id"] == first.body["order_id"]) != tt.sameOrder {
				t.Fatalf("%d %s, want %d (the first order again: %v; first %s)", a.status, a.raw, tt.status, tt.sameOrder, first.raw)
			}
			if tt.status == http.StatusConflict && (a.body["error_code"] != "BAD_VALUE" ||
				!slices.Equal(a.messages(), []string{"Klarna-Idempotency-Key was already used with a different request body"})) {
				t.Errorf("conflict answer %s", a.raw)
			}
		})
	}
	var n int
	if err := s.store.r.QueryRowContext(t.Context(), `SELECT count(*) FROM kp_orders WHERE customer_token = ?`, token).Scan(&n); err != nil || n != 2 {
		t.Errorf("orders of the token = %d (%v), want 2 (one per key)", n, err)
	}
}

// TestStepUpSessionNeedsTokenAndTrigger: customer.customer_token and step_up_id come together, and the
// trigger must be one Klarna handed out for that token.
func TestStepUpSessionNeedsTokenAndTrigger(t *testing.T) {
	t.Parallel()
	s, srv := klarnaAPIServer(t)
	token := apiToken(t, s, srv, tokenBehaviourStepUp)
	other := apiToken(t, s, srv, tokenBehaviourOK)
	rej := klarnaCall(t, srv, KlarnaUsername, http.MethodPost, "/customer-token/v1/tokens/"+token+"/order", tokenOrderJSON(t, nil), nil)
	stepUpID, _ := rej.body["step_up_id"].(string)
	if rej.status != http.StatusForbidden || stepUpID == "" {
		t.Fatalf("charge: %d %s, want a rejection with a step-up trigger", rej.status, rej.raw)
	}
	tests := []struct {
		name  string
		extra map[string]any
		want  string // "" = created
	}{
		{"token and its trigger", map[string]any{"customer": map[string]string{"customer_token": token}, "step_up_id": stepUpID}, ""},
		{"token without trigger", map[string]any{"customer": map[string]string{"customer_token": token}}, "Bad value: step_up_id"},
		{"trigger without token", map[string]any{"step_up_id": stepUpID}, "Bad value: customer.customer_token"},
		{"trigger of another token", map[string]any{"customer": map[string]string{"customer_token": other}, "step_up_id": stepUpID},
			"Bad value: step_up_id"},
		{"unknown trigger", map[string]any{"customer": map[string]string{"customer_token": token}, "step_up_id": "nope"},
			"Bad value: step_up_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			extra := map[string]any{"intent": "buy_and_tokenize"}
			for k, v := range tt.extra {
				extra[k] = v
			}
			a := klarnaCall(t, srv, KlarnaUsername, http.MethodPost, "/payments/v1/sessions", sessionJSON(t, extra), nil)
			switch {
			case tt.want == "" && a.status != http.StatusOK:
				t.Errorf("%d %s, want a session", a.status, a.raw)
			case tt.want != "" && (a.status != http.StatusBadRequest || a.body["error_code"] != "BAD_VALUE" ||
				!slices.Equal(a.messages(), []string{tt.want})):
				t.Errorf("%d %s, want 400 BAD_VALUE %q", a.status, a.raw, tt.want)
			}
		})
	}
}

// TestTokenOrderIgnoresMarketFields: customer_token_order has no purchase_country and no locale; the
// sandbox ignores them like any field Klarna does not know, even malformed, and the order it keeps has no
// market.
func TestTokenOrderIgnoresMarketFields(t *testing.T) {
	t.Parallel()
	s, srv := klarnaAPIServer(t)
	token := apiToken(t, s, srv, tokenBehaviourOK)
	a := klarnaCall(t, srv, KlarnaUsername, http.MethodPost, "/customer-token/v1/tokens/"+token+"/order",
		tokenOrderJSON(t, map[string]any{"purchase_country": "SWE", "locale": "swedish"}), nil)
	id, _ := a.body["order_id"].(string)
	if a.status != http.StatusOK || id == "" {
		t.Fatalf("token order: %d %s", a.status, a.raw)
	}
	o, kerr := s.kpOrderByID(t.Context(), id)
	if kerr != nil || o.Cart.PurchaseCountry != "" || o.Cart.Locale != "" || o.Cart.PurchaseCurrency != "SEK" {
		t.Errorf("order kept = %+v, %v; want SEK and no market", o.Cart, kerr)
	}
}

// TestScenariosListKlarnaChoices: GET /sandbox/v1/scenarios lists both merchants with their categories and
// every Klarna choice with what Klarna says and what would confirm it.
func TestScenariosListKlarnaChoices(t *testing.T) {
	t.Parallel()
	_, srv := klarnaAPIServer(t)
	r := klarnaCall(t, srv, "", http.MethodGet, "/sandbox/v1/scenarios", "", nil)
	if r.status != http.StatusOK {
		t.Fatalf("scenarios: %d %s", r.status, r.raw)
	}
	merchants, _ := r.body["klarna_merchants"].([]any)
	want := map[string]int{KlarnaUsername: 1, KlarnaSeparateCategoriesUsername: 4}
	for _, m := range merchants {
		mv, _ := m.(map[string]any)
		user, _ := mv["username"].(string)
		cats, _ := mv["payment_method_categories"].([]any)
		if _, listed := mv["password"]; listed || len(cats) != want[user] {
			t.Errorf("merchant %v", mv)
		}
		delete(want, user)
	}
	if len(want) != 0 {
		t.Errorf("merchants missing: %v", want)
	}
	choices, _ := r.body["klarna_choices"].([]any)
	if len(choices) != len(klarnaChoices()) || len(choices) == 0 {
		t.Fatalf("%d choices listed, want %d", len(choices), len(klarnaChoices()))
	}
	for _, c := range choices {
		cv, _ := c.(map[string]any)
		for _, k := range []string{"rule", "klarna", "confirm"} {
			if v, _ := cv[k].(string); v == "" {
				t.Errorf("choice %v has no %s", cv, k)
			}
		}
	}
}
