package store

import (
	"reflect"
	"testing"
	"time"

	"github.com/paywall/paywall/checkout"
)

// Rows written before issue 15 kept bare category identifiers; they must still read, as categories
// without Klarna's name or asset, in both purchase tables.
func TestOldRowsCategoriesStillRead(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	ctx := t.Context()
	p := newPurchase(t, "acc1", "monthly", checkout.StateCreated, t0.Add(time.Hour))
	q := newOneClickPurchase(t, "acc1", "epaper-archive", checkout.OneClickPaying, t0)
	q.TokenID = ""
	if err := db.CreatePurchase(ctx, p); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateOneClickPurchase(ctx, q); err != nil {
		t.Fatal(err)
	}
	old := `["klarna","direct_debit"]`
	for _, table := range []string{"purchases", "token_purchases"} {
		if _, err := db.Writer().ExecContext(ctx, `UPDATE `+table+` SET categories_json = ?`, old); err != nil {
			t.Fatal(err)
		}
	}
	want := []checkout.Category{{Identifier: "klarna"}, {Identifier: "direct_debit"}}
	got, err := db.Purchase(ctx, p.ID)
	if err != nil || !reflect.DeepEqual(got.Categories, want) {
		t.Errorf("purchase categories = %+v, %v; want %+v", got.Categories, err, want)
	}
	gotQ, err := db.OneClickPurchase(ctx, q.ID)
	if err != nil || !reflect.DeepEqual(gotQ.Categories, want) || gotQ.Locale != "" {
		t.Errorf("one-click categories = %+v (locale %q), %v; want %+v", gotQ.Categories, gotQ.Locale, err, want)
	}
	// Saving an old row writes the categories in the new form, and they read back the same.
	saved, err := db.UpdatePurchase(ctx, p.ID, func(*checkout.Purchase) error { return nil })
	if err != nil || !reflect.DeepEqual(saved.Categories, want) {
		t.Errorf("after a save: %+v, %v", saved.Categories, err)
	}
	var raw string
	if err := db.Reader().QueryRowContext(ctx, `SELECT categories_json FROM purchases WHERE id = ?`, p.ID).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	if raw != `[{"identifier":"klarna"},{"identifier":"direct_debit"}]` {
		t.Errorf("stored %s", raw)
	}
}

func TestBoughtBy(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	ctx := t.Context()
	placed := newPurchase(t, "acc1", "monthly", checkout.StateConfirmed, t0.Add(time.Hour))
	placed.OrderID, placed.UpdatedAt = "SANDBOX-1001", t0.Add(time.Minute)
	open := newPurchase(t, "acc1", "yearly", checkout.StateCreated, t0.Add(time.Hour))
	other := newPurchase(t, "acc2", "monthly", checkout.StatePlaced, t0.Add(time.Hour))
	oneClick := newOneClickPurchase(t, "acc1", "epaper-archive", checkout.OneClickCompleted, t0.Add(2*time.Minute))
	failed := newOneClickPurchase(t, "acc1", "crossword", checkout.OneClickFailed, t0.Add(3*time.Minute))
	for _, p := range []checkout.Purchase{placed, open, other} {
		if err := db.CreatePurchase(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []checkout.OneClickPurchase{oneClick, failed} {
		if err := db.CreateOneClickPurchase(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	got, err := db.BoughtBy(ctx, "acc1", 10)
	if err != nil {
		t.Fatal(err)
	}
	want := []Bought{
		{ID: oneClick.ID, Kind: KindOneClick, OfferID: "epaper-archive", OrderID: oneClick.OrderID, At: oneClick.UpdatedAt},
		{ID: placed.ID, Kind: KindSubscription, OfferID: "monthly", OrderID: "SANDBOX-1001", At: placed.UpdatedAt},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("BoughtBy:\n got %+v\nwant %+v", got, want)
	}
	if one, err := db.BoughtBy(ctx, "acc1", 1); err != nil || len(one) != 1 || one[0].ID != oneClick.ID {
		t.Errorf("limit 1: %+v, %v", one, err)
	}
}
