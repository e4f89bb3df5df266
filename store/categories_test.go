package store

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
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

// TestCategoryListsAreShared holds the interned lists to decodeCategories and categoriesJSON: the same JSON
// read twice is one list (a purchase in memory does not carry its own copy), and a list read back encodes
// as categoriesJSON would, the older bare form as objects.
func TestCategoryListsAreShared(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, raw, wantJSON string
	}{
		{"objects", `[{"identifier":"klarna","name":"Pay with Klarna","asset_url":"https://x.test/k.svg"}]`,
			`[{"identifier":"klarna","name":"Pay with Klarna","asset_url":"https://x.test/k.svg"}]`},
		{"bare identifiers, written back as objects", `["klarna","direct_debit"]`,
			`[{"identifier":"klarna"},{"identifier":"direct_debit"}]`},
		{"none", `[]`, `[]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			l := newCategoryLists()
			want, err := decodeCategories(tt.raw)
			if err != nil {
				t.Fatal(err)
			}
			first, err := l.decode(tt.raw)
			if err != nil || !reflect.DeepEqual(first, want) {
				t.Fatalf("decode = %+v, %v; want %+v", first, err, want)
			}
			second, _ := l.decode(strings.Clone(tt.raw))
			if len(first) > 0 && &first[0] != &second[0] {
				t.Error("the same JSON read twice gave two lists")
			}
			if got, err := l.encode(second); err != nil || got != tt.wantJSON {
				t.Errorf("encode = %s, %v; want %s", got, err, tt.wantJSON)
			}
			fresh := slices.Clone(first) // a list from Klarna, not read here
			if got, err := l.encode(fresh); err != nil || got != tt.wantJSON {
				t.Errorf("encode(fresh) = %s, %v; want %s", got, err, tt.wantJSON)
			}
		})
	}

	t.Run("past its bound it starts over", func(t *testing.T) {
		t.Parallel()
		l := newCategoryLists()
		for i := range maxCategoryLists + 10 {
			raw := fmt.Sprintf(`[{"identifier":"c%d"}]`, i)
			cats, err := l.decode(raw)
			if err != nil || len(cats) != 1 || cats[0].Identifier != fmt.Sprintf("c%d", i) {
				t.Fatalf("decode %s = %+v, %v", raw, cats, err)
			}
			if got, _ := l.encode(cats); got != raw {
				t.Fatalf("encode = %s, want %s", got, raw)
			}
		}
		if n := len(l.decoded); n > maxCategoryLists {
			t.Errorf("%d lists held, want at most %d", n, maxCategoryLists)
		}
	})
}
