package checkout_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/paywall/paywall/checkout"
	"github.com/paywall/paywall/klarna"
)

// The first one-click purchase (issue 12), against the real sandbox: Klarna Payments on our page, the
// session's intent following the reader's consent, the order from the authorization and, with consent
// only, the customer token the next one-click purchases are charged to.

// firstPurchase starts a first purchase of offer, sets the consent and authorizes it as Klarna's
// dialog would; it returns the purchase and the authorization token.
func (e *oneClickEnv) firstPurchase(c checkout.Customer, offer string, consent bool) (checkout.OneClickPurchase, string) {
	e.t.Helper()
	p, err := e.oc.StartFirstPurchase(e.t.Context(), c, offer)
	if err != nil || p.State != checkout.OneClickPaying || p.ClientToken == "" || len(p.Categories) == 0 {
		e.t.Fatalf("start first purchase: %+v, %v", p, err)
	}
	if consent {
		if p, err = e.oc.SetSaveConsent(e.t.Context(), c, p.ID, true); err != nil || !p.SaveConsent {
			e.t.Fatalf("consent: %+v, %v", p, err)
		}
	}
	ok, auth := e.authorize(e.stored(p.ID).KlarnaSessionID, "customer@email.se")
	if !ok {
		e.t.Fatal("Klarna did not approve the first purchase")
	}
	return p, auth
}

func TestFirstPurchase(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		consent    bool
		wantIntent string
	}{
		{"with consent: Klarna is saved for one-click purchases", true, klarna.IntentBuyAndTokenize},
		{"without consent: no token", false, klarna.IntentBuy},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newOneClickEnv(t)
			c := e.customer("reader@example.se")
			if _, err := e.oc.Buy(t.Context(), c, "epaper-archive"); !errors.Is(err, checkout.ErrNoSavedMethod) {
				t.Fatalf("one click without a saved token: %v, want ErrNoSavedMethod", err)
			}
			p, auth := e.firstPurchase(c, "epaper-archive", tt.consent)
			// The session: the offer's cart without a subscription object, intent buy until the reader
			// consents, then switched before they authorize.
			created := e.apiRequest(p.ID, http.MethodPost, "/payments/v1/sessions")
			if !strings.Contains(created, `"intent":"buy"`) || strings.Contains(created, "subscription") ||
				!strings.Contains(created, `"order_amount":2900`) || !strings.Contains(created, `"merchant_reference1":"`+p.ID+`"`) {
				t.Errorf("payment session %s", created)
			}
			if updates := e.countAPI(p.ID, http.MethodPost, "/payments/v1/sessions/"); (updates == 1) != tt.consent {
				t.Errorf("%d session updates, want one only with consent", updates)
			}

			got, err := e.oc.FirstOrder(t.Context(), c, p.ID, auth, "")
			if err != nil || got.State != checkout.OneClickCompleted || got.Method != checkout.MethodKlarna || got.OrderID == "" {
				t.Fatalf("first order: %+v, %v", got, err)
			}
			// A double submit gets the first outcome: one order, one token.
			if again, err := e.oc.FirstOrder(t.Context(), c, p.ID, auth, ""); err != nil || again.OrderID != got.OrderID {
				t.Errorf("again: %+v, %v", again, err)
			}
			if n := e.klarnaOrders(p.ID); n != 1 {
				t.Errorf("Klarna holds %d orders, want 1", n)
			}
			tokens := e.countAPI(p.ID, http.MethodPost, "/customer-token")
			if got.TokenSaved != tt.consent || (tokens == 1) != tt.consent || tokens > 1 {
				t.Errorf("token saved %v after %d customer-token calls, want saved only with consent", got.TokenSaved, tokens)
			}
			m, err := e.oc.SavedMethod(t.Context(), c)
			if !tt.consent {
				if !errors.Is(err, checkout.ErrNoSavedMethod) || e.savedToken(c) != "" {
					t.Fatalf("without consent: saved method %+v, %v", m, err)
				}
				return
			}
			if err != nil || m.Status != klarna.TokenActive {
				t.Fatalf("saved method %+v, %v", m, err)
			}
			// Later purchases are one click on the app's token, step-up supported, with a key.
			next := e.buy(c, "digital-plus")
			if next.State != checkout.OneClickCompleted || next.Method != checkout.RecoveryMethodToken {
				t.Fatalf("one click on the saved token: %+v", next)
			}
			if req := e.apiRequest(next.ID, http.MethodPost, "/customer-token/v1/tokens/"); !strings.Contains(req, `"step_up":"SUPPORTED"`) {
				t.Errorf("token order %s", req)
			}
			// The one-time archive is owned now: neither offered nor sold again (past the double-click
			// window, in which a second press gets the completed purchase).
			e.clock.Advance(2 * time.Minute)
			if _, err := e.oc.StartFirstPurchase(t.Context(), c, "epaper-archive"); !errors.Is(err, checkout.ErrAlreadyOwned) {
				t.Errorf("second archive: %v, want ErrAlreadyOwned", err)
			}
		})
	}
}

// TestFirstPurchaseReplacesUnusableToken: a reader whose saved token Klarna cancelled pays with Klarna
// anew; the new token replaces the old, which the app no longer keeps.
func TestFirstPurchaseReplacesUnusableToken(t *testing.T) {
	t.Parallel()
	e := newOneClickEnv(t)
	c := e.customer("token-cancelled@example.se")
	old := e.savedToken(c)
	if m, err := e.oc.SavedMethod(t.Context(), c); err != nil || m.Usable() {
		t.Fatalf("the persona's token: %+v, %v; want a cancelled one", m, err)
	}
	p, auth := e.firstPurchase(c, "digital-plus", true)
	if got, err := e.oc.FirstOrder(t.Context(), c, p.ID, auth, ""); err != nil || !got.TokenSaved {
		t.Fatalf("first order: %+v, %v", got, err)
	}
	if now := e.savedToken(c); now == "" || now == old {
		t.Errorf("saved token %q, want a new one instead of %q", now, old)
	}
	if m, err := e.oc.SavedMethod(t.Context(), c); err != nil || !m.Usable() {
		t.Errorf("saved method %+v, %v; want the new, active one", m, err)
	}
	if e.countAPI(p.ID, http.MethodPatch, "/status") != 1 {
		t.Error("the replaced token was not cancelled at Klarna")
	}
}

// TestFirstPurchaseConsentRules: the consent changes only while the reader has not paid, and a purchase
// that no longer waits says so.
func TestFirstPurchaseConsentRules(t *testing.T) {
	t.Parallel()
	e := newOneClickEnv(t)
	c := e.customer("reader@example.se")
	p, err := e.oc.StartFirstPurchase(t.Context(), c, "digital-plus")
	if err != nil {
		t.Fatal(err)
	}
	// Reused, not opened twice (a double click on the offer).
	if again, err := e.oc.StartFirstPurchase(t.Context(), c, "digital-plus"); err != nil || again.ID != p.ID {
		t.Errorf("second start: %s, %v; want %s", again.ID, err, p.ID)
	}
	// Another customer sees nothing.
	if _, err := e.oc.SetSaveConsent(t.Context(), e.customer("token@example.se"), p.ID, true); !errors.Is(err, checkout.ErrNotFound) {
		t.Errorf("another customer's consent: %v", err)
	}
	// While an order is being created, the consent stays as it was.
	if _, err := e.db.UpdateOneClickPurchase(t.Context(), p.ID, func(q *checkout.OneClickPurchase) error {
		q.OrderingSince = e.clock.Now()
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.oc.SetSaveConsent(t.Context(), c, p.ID, true); !errors.Is(err, checkout.ErrOrderInProgress) {
		t.Errorf("consent during the order: %v, want ErrOrderInProgress", err)
	}
	if e.stored(p.ID).SaveConsent {
		t.Error("the consent changed during the order")
	}
	if _, err := e.db.UpdateOneClickPurchase(t.Context(), p.ID, func(q *checkout.OneClickPurchase) error {
		q.OrderingSince = time.Time{} // the order call ended without an order (released)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	// Left unpaid until the session is about to expire: failed, nothing charged.
	e.clock.Advance(48 * time.Hour)
	if got, err := e.oc.FirstPurchase(t.Context(), c, p.ID); !errors.Is(err, checkout.ErrNotPaying) ||
		got.State != checkout.OneClickFailed || got.FailureCode != checkout.FailSessionExpired {
		t.Errorf("an old first purchase: %+v, %v; want failed SESSION_EXPIRED", got, err)
	}
}

// TestFirstPurchaseOrderAnswerLost: Klarna creates the order and its answer is lost. The purchase keeps
// its claim ("we are checking"), never says nothing was charged, and the reconciler completes it from
// the payment session; the customer token, whose authorization is not kept, is not created.
func TestFirstPurchaseOrderAnswerLost(t *testing.T) {
	t.Parallel()
	e := newOneClickEnv(t)
	c := e.customer("reader@example.se")
	p, auth := e.firstPurchase(c, "epaper-archive", true)
	e.control("/sandbox/v1/faults", map[string]any{"target": "POST /payments/v1/authorizations/{token}/order",
		"after": true, "drop": true, "count": 1}, nil)
	got, err := e.oc.FirstOrder(t.Context(), c, p.ID, auth, "")
	if err != nil || got.State != checkout.OneClickPaying || e.stored(p.ID).OrderingSince.IsZero() {
		t.Fatalf("order with the answer lost: %+v, %v; want paying with its claim", got, err)
	}
	if _, err := e.oc.SetSaveConsent(t.Context(), c, p.ID, false); !errors.Is(err, checkout.ErrOrderInProgress) {
		t.Errorf("consent while checking: %v", err)
	}
	r := checkout.NewReconciler(checkout.ReconcilerConfig{Now: e.clock.Now}, nil, e.oc)
	e.clock.Advance(time.Minute)
	if n, err := r.Once(t.Context()); err != nil || n != 1 {
		t.Fatalf("reconcile: %d resolved, %v", n, err)
	}
	done := e.stored(p.ID)
	if done.State != checkout.OneClickCompleted || done.Method != checkout.MethodKlarna || done.TokenSaved {
		t.Errorf("after reconcile: %+v", done)
	}
	if n := e.klarnaOrders(p.ID); n != 1 {
		t.Errorf("Klarna holds %d orders, want 1", n)
	}
	if !hasState(e.events(p.ID), "customer token was not created") {
		t.Error("the timeline does not say the token was not saved")
	}
}

func TestRemoveSavedMethod(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		email        string
		fault        int // Klarna's status for the cancel call; 0: none
		wantErr      error
		wantKept     bool
		wantAtKlarna string // the token's status at Klarna afterwards; "" when Klarna does not know it
	}{
		{"active token: cancelled and forgotten", "token@example.se", 0, nil, false, klarna.TokenCancelled},
		{"token Klarna does not know: forgotten", "token-missing@example.se", 0, nil, false, ""},
		{"Klarna down: kept, nothing cancelled", "stepup@example.se", http.StatusServiceUnavailable, checkout.ErrKlarnaUnavailable, true, klarna.TokenActive},
		{"no token", "reader@example.se", 0, checkout.ErrNoSavedMethod, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newOneClickEnv(t)
			c := e.customer(tt.email)
			token := e.savedToken(c)
			if tt.fault != 0 {
				e.fault("PATCH /customer-token/v1/tokens/{token}/status", tt.fault)
			}
			err := e.oc.RemoveSavedMethod(t.Context(), c)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("remove: %v, want %v", err, tt.wantErr)
			}
			if kept := e.savedToken(c) != ""; kept != tt.wantKept {
				t.Errorf("token kept: %v, want %v", kept, tt.wantKept)
			}
			if token == "" {
				return
			}
			details, rerr := e.klarnaToken(token)
			switch {
			case tt.wantAtKlarna == "" && !klarna.IsNotFound(rerr):
				t.Errorf("token at Klarna: %+v, %v; want unknown", details, rerr)
			case tt.wantAtKlarna != "" && (rerr != nil || details.Status != tt.wantAtKlarna):
				t.Errorf("token at Klarna: %+v, %v; want %s", details, rerr, tt.wantAtKlarna)
			}
		})
	}
}
