package sandbox

import (
	"context"
	"net/http"
	"testing"
)

// Customer tokens of two kinds (reference klarna-api.md §4.4): a subscription token, made for Payway's
// subscriptions, is merchant-initiated and never offered a step-up; an on-demand token, the kind the
// sandbox issues to the app through the customer-token endpoint, may be.

func TestCustomerTokenKindFollowsTheSession(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		subscription bool
		want         string
	}{
		{"no subscription object: the app's one-click token", false, tokenKindOnDemand},
		{"a subscription object: Payway's renewals", true, tokenKindSubscription},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := klarnaTestServer(t)
			ctx := t.Context()
			c := klarnaTestCart()
			if tt.subscription {
				c.OrderLines[0].Subscription = &lineSubscription{Name: "Digital", Interval: "MONTH", IntervalCount: 1}
			}
			sess, kerr := s.kpCreateSession(ctx, kpSessionInput{Cart: c, Intent: "buy_and_tokenize"})
			if kerr != nil {
				t.Fatal(kerr)
			}
			res, kerr := s.kpAuthorize(ctx, authorizeInput{SessionID: sess.ID, Email: "customer@email.se", Category: "klarna"})
			if kerr != nil || !res.Approved {
				t.Fatalf("authorize: %+v %v", res, kerr)
			}
			tok, kerr := s.kpCreateCustomerToken(ctx, res.AuthorizationToken, tokenInput{Description: "one-click",
				IntendedUse: "SUBSCRIPTION", Locale: "sv-SE", PurchaseCountry: "SE", PurchaseCurrency: "SEK"})
			if kerr != nil {
				t.Fatal(kerr)
			}
			stored, kerr := s.kpCustomerToken(ctx, tok.TokenID)
			if kerr != nil || stored.Kind != tt.want {
				t.Errorf("token kind %q (%v), want %q", stored.Kind, kerr, tt.want)
			}
		})
	}
}

func TestStepUpOnlyForOnDemandTokens(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		kind       string
		stepUp     string
		wantStepUp bool
	}{
		{"on-demand, customer present", tokenKindOnDemand, "SUPPORTED", true},
		{"on-demand, customer absent", tokenKindOnDemand, "NOT_SUPPORTED", false},
		{"subscription, step-up asked for", tokenKindSubscription, "SUPPORTED", false},
		{"subscription", tokenKindSubscription, "", false},
	}
	s := klarnaTestServer(t)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			tok := kpCustomerToken{TokenID: newUUID(), Status: "ACTIVE", PaymentMethodType: "CARD",
				Behaviour: tokenBehaviourStepUp, Kind: tt.kind, Customer: customerForEmail("customer@email.se")}
			var rej *klarnaError
			err := s.store.inTx(ctx, func(tx *txn) error {
				if err := insertCustomerToken(ctx, tx, tok, false); err != nil {
					return err
				}
				var err error
				_, rej, err = tokenOrderTx(ctx, tx, tok.TokenID, tokenOrderInput{Cart: klarnaTestCart(),
					MerchantReference1: "case-" + string(rune('a'+i)), StepUp: tt.stepUp}, s.now())
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if rej == nil || rej.Status != http.StatusForbidden || rej.Code != "UNAVAILABLE_PAYMENT_METHOD" {
				t.Fatalf("rejection = %+v, want 403 UNAVAILABLE_PAYMENT_METHOD", rej)
			}
			if got := rej.StepUpID != ""; got != tt.wantStepUp {
				t.Errorf("step_up_id handed out: %v, want %v", got, tt.wantStepUp)
			}
		})
	}
}

func TestControlAppToken(t *testing.T) {
	t.Parallel()
	_, srv := startCtlSandbox(t)
	tests := []struct {
		email      string
		wantStatus int
		wantToken  string
		wantKnown  bool
	}{
		{"token@example.se", http.StatusOK, personaTokenID("token@example.se"), true},
		{"STEPUP@example.se", http.StatusOK, personaTokenID("stepup@example.se"), true},
		{"token-missing@example.se", http.StatusOK, personaTokenID("token-missing@example.se"), false},
		{"reader@example.se", http.StatusNotFound, "", false},
		{"nobody@example.se", http.StatusNotFound, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.email, func(t *testing.T) {
			r := ctlCall(t, srv, http.MethodGet, "/sandbox/v1/app-token?email="+tt.email, "", nil)
			if r.status != tt.wantStatus {
				t.Fatalf("status %d, want %d (%s)", r.status, tt.wantStatus, r.raw)
			}
			if tt.wantStatus != http.StatusOK {
				return
			}
			if r.body["customer_token"] != tt.wantToken || r.body["known_to_klarna"] != tt.wantKnown {
				t.Errorf("answer %v, want token %s known %v", r.body, tt.wantToken, tt.wantKnown)
			}
			if tt.wantToken == personaSubscriptionTokenID(tt.email) {
				t.Error("the app was handed Payway's subscription token")
			}
		})
	}
}
