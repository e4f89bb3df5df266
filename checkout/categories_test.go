package checkout_test

import (
	"reflect"
	"testing"

	"github.com/paywall/paywall/checkout"
)

// A regular purchase keeps the categories as Payway's create_session passed them on (Klarna's objects,
// or bare identifiers), and records the one the reader paid with when the session offers it.
func TestRegularPurchaseCategories(t *testing.T) {
	t.Parallel()
	want := []checkout.Category{
		{Identifier: "klarna", Name: "Betala med Klarna", AssetURL: "https://x.klarnacdn.net/payment-method/assets/badges/generic/klarna.svg"},
		{Identifier: "direct_debit"},
	}
	tests := []struct {
		name, posted, wantChosen string
	}{
		{"the category the widget authorized", "direct_debit", "direct_debit"},
		{"a category the session never offered", "pay_over_time", ""},
		{"none posted", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			p := f.start(t, "monthly")
			if !reflect.DeepEqual(p.Categories, want) {
				t.Fatalf("categories %+v, want %+v", p.Categories, want)
			}
			got, err := f.svc.PlaceOrder(t.Context(), alice, p.ID, checkout.OrderInput{AuthorizationToken: "auth-1", Category: tt.posted})
			if err != nil || got.ChosenCategory != tt.wantChosen {
				t.Errorf("chosen %q (%v), want %q", got.ChosenCategory, err, tt.wantChosen)
			}
		})
	}
}

func TestPaidWith(t *testing.T) {
	t.Parallel()
	klarna := checkout.Category{Identifier: "klarna", Name: "Pay with Klarna"}
	debit := checkout.Category{Identifier: "direct_debit", Name: "Direct debit"}
	tests := []struct {
		name   string
		cats   []checkout.Category
		chosen string
		want   checkout.Category
		ok     bool
	}{
		{"the chosen one", []checkout.Category{klarna, debit}, "direct_debit", debit, true},
		{"the only one", []checkout.Category{klarna}, "", klarna, true},
		{"several, none chosen", []checkout.Category{klarna, debit}, "", checkout.Category{}, false},
		{"no categories", nil, "klarna", checkout.Category{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := checkout.PaidWith(tt.cats, tt.chosen)
			if got != tt.want || ok != tt.ok {
				t.Errorf("PaidWith = %+v, %v; want %+v, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}
