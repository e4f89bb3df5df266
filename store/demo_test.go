package store

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/paywall/paywall/checkout"
)

// demoOneClickPurchase is a minimal one-click purchase created at created (its own helper, so these tests do
// not depend on the one-click tests' fixtures).
func demoOneClickPurchase(t *testing.T, db *DB, account string, created time.Time) checkout.OneClickPurchase {
	t.Helper()
	id, err := checkout.NewID()
	if err != nil {
		t.Fatal(err)
	}
	p := checkout.OneClickPurchase{ID: id, AccountID: account, OfferID: "epaper-archive", TokenID: "tok", IdempotencyKey: "key-" + id,
		OrderRequest: `{}`, State: checkout.OneClickCreated, CreatedAt: created, UpdatedAt: created}
	if err := db.CreateOneClickPurchase(t.Context(), p); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRecentPurchases(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	sub := newPurchase(t, "acc1", "monthly", checkout.StateCreated, t0.Add(48*time.Hour))
	if err := db.CreatePurchase(t.Context(), sub); err != nil {
		t.Fatal(err)
	}
	one := demoOneClickPurchase(t, db, "acc1", t0.Add(time.Minute))
	other := demoOneClickPurchase(t, db, "acc2", t0.Add(2*time.Minute))

	tests := []struct {
		name    string
		account string
		limit   int
		want    []string // ids, newest first
		kinds   []string
	}{
		{"one account, both kinds, newest first", "acc1", 10, []string{one.ID, sub.ID}, []string{KindOneClick, KindSubscription}},
		{"every account for the admin", "", 10, []string{other.ID, one.ID, sub.ID}, []string{KindOneClick, KindOneClick, KindSubscription}},
		{"the limit applies to the merged list", "", 2, []string{other.ID, one.ID}, []string{KindOneClick, KindOneClick}},
		{"an account without purchases", "acc3", 10, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := db.RecentPurchases(t.Context(), tt.account, tt.limit)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d purchases %+v, want %d", len(got), got, len(tt.want))
			}
			for i := range got {
				if got[i].ID != tt.want[i] || got[i].Kind != tt.kinds[i] {
					t.Errorf("#%d: %s (%s), want %s (%s)", i, got[i].ID, got[i].Kind, tt.want[i], tt.kinds[i])
				}
			}
		})
	}
}

func TestResetDemoData(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	sub := newPurchase(t, "acc1", "monthly", checkout.StateCreated, t0.Add(48*time.Hour))
	if err := db.CreatePurchase(t.Context(), sub); err != nil {
		t.Fatal(err)
	}
	one := demoOneClickPurchase(t, db, "acc1", t0)
	for _, id := range []string{sub.ID, one.ID} {
		if err := db.AddEvent(t.Context(), checkout.Event{PurchaseID: id, At: t0, Kind: checkout.EventState, Note: "created"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.AddHPPCallback(t.Context(), one.ID, "ev1", "COMPLETED", t0); err != nil {
		t.Fatal(err)
	}
	sessions, err := NewSessionStore(db, SessionOptions{HashKey: make([]byte, 32)})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	sess, _ := sessions.New(req, "paywall")
	sess.Values["account_id"] = "acc1"
	if err := sessions.Save(req, httptest.NewRecorder(), sess); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SaveToken(t.Context(), checkout.SavedToken{AccountID: "acc1", TokenID: "tok", CreatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	articles := countRows(t, db, "articles")

	if err := db.ResetDemoData(t.Context()); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(demoTables, "customer_tokens") {
		t.Error("the reset keeps the saved Klarna tokens, which the sandbox's reset forgets")
	}
	for _, table := range demoTables {
		if n := countRows(t, db, table); n != 0 {
			t.Errorf("%s has %d rows after the reset", table, n)
		}
	}
	if n := countRows(t, db, "articles"); n != articles || n == 0 {
		t.Errorf("articles: %d after the reset, %d before: content must stay", n, articles)
	}
	// The store still works afterwards: a new purchase and its timeline can be written.
	again := newPurchase(t, "acc1", "monthly", checkout.StateCreated, t0.Add(48*time.Hour))
	if err := db.CreatePurchase(t.Context(), again); err != nil {
		t.Fatal(err)
	}
	if err := db.AddEvent(t.Context(), checkout.Event{PurchaseID: again.ID, At: t0, Kind: checkout.EventState, Note: "created"}); err != nil {
		t.Fatal(err)
	}
}
