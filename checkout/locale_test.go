package checkout_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/paywall/paywall/checkout"
)

// Klarna's locale follows the reader (issue 15): the payment sessions the app creates itself (a first
// purchase's, a step-up recovery's), their orders and the customer token carry the reader's language tag,
// in the Swedish market; a customer without one gets the configured sv-SE.
func TestKlarnaLocaleFollowsTheReader(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, locale, want string
	}{
		{"a Swedish reader", "sv-SE", "sv-SE"},
		{"an English reader", "en-SE", "en-SE"},
		{"no language given: the configured one", "", "sv-SE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newOneClickEnv(t)
			c := e.customer("reader@example.se")
			c.Locale = tt.locale
			p, auth := e.firstPurchase(c, "epaper-archive", true)
			if got, err := e.oc.FirstOrder(t.Context(), c, p.ID, auth, "klarna"); err != nil || !got.TokenSaved {
				t.Fatalf("first order: %+v, %v", got, err)
			}
			market := `"purchase_country":"SE"`
			locale := `"locale":"` + tt.want + `"`
			for _, call := range []struct{ what, path string }{
				{"payment session", "/payments/v1/sessions"},
				{"order", "/order"},
				{"customer token", "/customer-token"},
			} {
				req := e.apiRequest(p.ID, http.MethodPost, call.path)
				if !strings.Contains(req, locale) || !strings.Contains(req, market) {
					t.Errorf("%s: %s, want %s and %s", call.what, req, locale, market)
				}
			}

			s := e.customer("stepup@example.se")
			s.Locale = tt.locale
			r := e.buy(s, "epaper-archive")
			if _, err := e.oc.StartRecovery(t.Context(), s, r.ID); err != nil {
				t.Fatalf("start recovery: %v", err)
			}
			if req := e.apiRequest(r.ID, http.MethodPost, "/payments/v1/sessions"); !strings.Contains(req, locale) || !strings.Contains(req, market) {
				t.Errorf("step-up session: %s, want %s", req, locale)
			}
		})
	}
}

// A first purchase keeps the payment categories as Klarna's session returned them (name and asset) and
// the one the reader paid with.
func TestFirstPurchaseKeepsKlarnasCategories(t *testing.T) {
	t.Parallel()
	e := newOneClickEnv(t)
	c := e.customer("reader@example.se")
	p, auth := e.firstPurchase(c, "epaper-archive", false)
	if len(p.Categories) == 0 || p.Categories[0].Identifier == "" || p.Categories[0].Name == "" ||
		!strings.HasPrefix(p.Categories[0].AssetURL, "http") { // the sandbox serves the badge on its own origin
		t.Fatalf("categories %+v, want Klarna's identifier, name and asset", p.Categories)
	}
	chosen := p.Categories[0].Identifier
	if _, err := e.oc.FirstOrder(t.Context(), c, p.ID, auth, chosen); err != nil {
		t.Fatal(err)
	}
	got := e.stored(p.ID)
	if paid, ok := checkout.PaidWith(got.Categories, got.ChosenCategory); !ok || paid != p.Categories[0] {
		t.Errorf("paid with %+v (%v), want %+v", paid, ok, p.Categories[0])
	}
}
