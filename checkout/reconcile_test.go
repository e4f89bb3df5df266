package checkout_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paywall/paywall/checkout"
	"github.com/paywall/paywall/payway"
	"github.com/paywall/paywall/store"
)

// seenOnSave is the app's store that reads a purchase's timeline the moment a change of it is saved, as
// a reader polling the purchase could: what it saw is in notes.
type seenOnSave struct {
	*store.DB
	notes *[]string
}

func (s seenOnSave) UpdatePurchase(ctx context.Context, id string, fn func(*checkout.Purchase) error, events ...checkout.Event) (checkout.Purchase, error) {
	p, err := s.DB.UpdatePurchase(ctx, id, fn, events...)
	if err == nil {
		evs, _ := s.Events(ctx, id)
		*s.notes = (*s.notes)[:0]
		for _, e := range evs {
			*s.notes = append(*s.notes, e.Note)
		}
	}
	return p, err
}

// TestReconcileSubscriptionPurchase: a purchase whose place_order was not answered is resolved from the
// account's orders at Payway, once its call can no longer answer, and every resolution is on its timeline.
func TestReconcileSubscriptionPurchase(t *testing.T) {
	t.Parallel()
	const callTimeout = 10 * time.Second
	ref := func(p checkout.Purchase) string { return checkout.MerchantReference(p.ID) }
	tests := []struct {
		name      string
		orders    func(p checkout.Purchase) []payway.Order
		lookupErr error
		wait      time.Duration // how long after the unanswered call the reconciler runs
		wantState checkout.State
		wantOrder string
		wantCode  string
		wantNote  string // on the timeline; "" when nothing is resolved
	}{
		{"placed at Payway", func(p checkout.Purchase) []payway.Order {
			return []payway.Order{{OrderID: "OTHER-1", State: "closed", MerchantReference: "paywall-other"}, {OrderID: "SANDBOX-7", State: "closed", MerchantReference: ref(p)}}
		}, nil, time.Minute, checkout.StatePlaced, "SANDBOX-7", "", "reconciler: Payway placed order SANDBOX-7"},
		{"failed at Payway", func(p checkout.Purchase) []payway.Order {
			return []payway.Order{{OrderID: "SANDBOX-8", State: "failed", MerchantReference: ref(p),
				Payments: []payway.Payment{{PaymentResult: payway.PaymentResult{ErrorCode: "payment_method_failed"}}}}}
		}, nil, time.Minute, checkout.StateFailed, "", "payment_method_failed", "reconciler: Payway's order SANDBOX-8 failed"},
		{"no order at Payway", func(checkout.Purchase) []payway.Order { return nil }, nil, time.Minute,
			checkout.StateCreated, "", "", "reconciler: Payway has no order with merchant_reference"},
		{"still processing at Payway", func(p checkout.Purchase) []payway.Order {
			return []payway.Order{{OrderID: "SANDBOX-9", State: "created", MerchantReference: ref(p)}}
		}, nil, time.Minute, checkout.StateUnknown, "", "", ""},
		{"Payway not answering the lookup", nil, &payway.Error{Status: http.StatusBadGateway}, time.Minute, checkout.StateUnknown, "", "", ""},
		{"call could still answer", func(checkout.Purchase) []payway.Order { return nil }, nil, callTimeout / 2, checkout.StateUnknown, "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			p := f.start(t, "monthly")
			f.pw.placeErr = &payway.Error{Status: http.StatusServiceUnavailable}
			if got, err := f.svc.PlaceOrder(t.Context(), alice, p.ID, checkout.OrderInput{AuthorizationToken: "auth-1"}); err != nil || got.State != checkout.StateUnknown {
				t.Fatalf("PlaceOrder = %s, %v; want unknown", got.State, err)
			}
			if tt.orders != nil {
				f.pw.orders = tt.orders(p)
			}
			f.pw.ordersErr = tt.lookupErr
			f.clock.Advance(tt.wait)
			// The reconciler's service reads the timeline as each change is saved: the note saying why
			// must already be there (a reader who sees the purchase resolved sees why).
			var seen []string
			svc := f.serviceOn(t, seenOnSave{DB: f.db, notes: &seen})
			r := checkout.NewReconciler(checkout.ReconcilerConfig{PaywayTimeout: callTimeout, Now: f.clock.Now}, svc, nil)
			n, err := r.Once(t.Context())
			if tt.lookupErr != nil && !errors.Is(err, tt.lookupErr) {
				t.Errorf("Once error = %v, want the lookup's", err)
			}
			stored, _ := f.db.Purchase(t.Context(), p.ID)
			if stored.State != tt.wantState || stored.OrderID != tt.wantOrder || stored.FailureCode != tt.wantCode {
				t.Fatalf("after reconcile: %s order %q code %q, want %s %q %q", stored.State, stored.OrderID, stored.FailureCode, tt.wantState, tt.wantOrder, tt.wantCode)
			}
			if wantN := map[bool]int{true: 0, false: 1}[tt.wantState == checkout.StateUnknown]; n != wantN {
				t.Errorf("resolved %d, want %d", n, wantN)
			}
			if f.pw.places.Load() != 1 {
				t.Errorf("place_order called %d times; the reconciler must never place an order", f.pw.places.Load())
			}
			events, err := f.db.Events(t.Context(), p.ID)
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, e := range events {
				if tt.wantNote != "" && strings.HasPrefix(e.Note, tt.wantNote) {
					found = true
				}
			}
			if found != (tt.wantNote != "") {
				t.Errorf("timeline note %q found: %v", tt.wantNote, found)
			}
			if tt.wantNote != "" && !slices.ContainsFunc(seen, func(n string) bool { return strings.HasPrefix(n, tt.wantNote) }) {
				t.Errorf("when the reconciler's change was saved the timeline held %q, not the note %q: written apart from the change", seen, tt.wantNote)
			}
			if tt.wantState == checkout.StateCreated {
				// Reopened: the reader may pay again, and nothing else of this product is in flight.
				f.pw.placeErr = nil
				if got, err := f.svc.PlaceOrder(t.Context(), alice, p.ID, checkout.OrderInput{AuthorizationToken: "auth-2"}); err != nil || got.State != checkout.StatePlaced {
					t.Errorf("pay again after reopening: %s, %v", got.State, err)
				}
			}
		})
	}
}

// TestReconcileOneClick: a token charge or a recovery order whose answer was lost (Klarna acted, then the
// connection dropped) is resolved by the reconciler with nobody present: the charge is sent again with its
// key and Klarna answers the charge it made; the recovery's payment session says its order was placed.
// Klarna holds exactly one order afterwards in every case.
func TestReconcileOneClick(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		target     string
		fault      map[string]any
		recovery   bool
		wantMethod string
	}{
		{"token charge made, answer dropped", "POST /customer-token/v1/tokens/{token}/order", map[string]any{"after": true, "drop": true}, false, checkout.RecoveryMethodToken},
		{"token charge refused with 503, not made", "POST /customer-token/v1/tokens/{token}/order", map[string]any{"status": 503}, false, checkout.RecoveryMethodToken},
		{"recovery order made, answer dropped", "POST /payments/v1/authorizations/{token}/order", map[string]any{"after": true, "drop": true}, true, checkout.RecoveryMethodSDK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newOneClickEnv(t)
			fault := map[string]any{"target": tt.target, "count": 1}
			for k, v := range tt.fault {
				fault[k] = v
			}
			var p checkout.OneClickPurchase
			if tt.recovery {
				c, q := e.recovering()
				_, tok := e.authorize(q.KlarnaSessionID, "customer@email.se")
				e.control("/sandbox/v1/faults", fault, nil)
				got, err := e.oc.RecoveryOrder(t.Context(), c, q.ID, tok)
				if err != nil || got.State != checkout.OneClickRecovering || e.stored(q.ID).OrderingSince.IsZero() {
					t.Fatalf("recovery order with the answer lost: %s, %v; want recovering with its claim kept", got.State, err)
				}
				p = got
			} else {
				e.control("/sandbox/v1/faults", fault, nil)
				p = e.buy(e.customer("token@example.se"), "digital-plus")
				if p.State != checkout.OneClickUnknown {
					t.Fatalf("charge with the answer lost: %s (%s), want unknown", p.State, p.FailureCode)
				}
			}
			r := checkout.NewReconciler(checkout.ReconcilerConfig{Now: e.clock.Now}, nil, e.oc)
			if n, err := r.Once(t.Context()); err != nil || n != 0 {
				t.Fatalf("reconcile before the call's timeout: %d resolved, %v; want it left alone", n, err)
			}
			e.clock.Advance(time.Minute)
			if n, err := r.Once(t.Context()); err != nil || n != 1 {
				t.Fatalf("reconcile: %d resolved, %v", n, err)
			}
			got := e.stored(p.ID)
			if got.State != checkout.OneClickCompleted || got.Method != tt.wantMethod {
				t.Fatalf("after reconcile: %s via %q, want completed via %q", got.State, got.Method, tt.wantMethod)
			}
			if n := e.klarnaOrders(p.ID); n != 1 {
				t.Errorf("Klarna holds %d orders, want 1", n)
			}
			if !hasState(e.events(p.ID), "→ completed") {
				t.Error("the completion is not on the timeline")
			}
		})
	}
}
