package store

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/paywall/paywall/checkout"
)

var t0 = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

func newPurchase(t *testing.T, account, offer string, state checkout.State, expires time.Time) checkout.Purchase {
	t.Helper()
	id, err := checkout.NewID()
	if err != nil {
		t.Fatal(err)
	}
	return checkout.Purchase{
		ID: id, AccountID: account, OfferID: offer, Code: "digital", PeriodID: "p1", ReturnPath: "/articles/a",
		KlarnaSessionID: "ks-" + id, ClientToken: "ct",
		Categories: []checkout.Category{{Identifier: "klarna", Name: "Pay with Klarna", AssetURL: "https://x.klarnacdn.net/k.svg"},
			{Identifier: "direct_debit", Name: "Direct debit"}},
		State: state, ExpiresAt: expires, CreatedAt: t0, UpdatedAt: t0,
	}
}

func TestPurchaseRoundTrip(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	p := newPurchase(t, "acc1", "monthly", checkout.StateCreated, t0.Add(48*time.Hour))
	p.Trial, p.ChosenCategory = true, "direct_debit"
	if err := db.CreatePurchase(t.Context(), p); err != nil {
		t.Fatal(err)
	}
	got, err := db.Purchase(t.Context(), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, p) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, p)
	}
	if _, err := db.Purchase(t.Context(), "nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing purchase: %v", err)
	}
}

func TestOpenPurchase(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	open := newPurchase(t, "acc1", "monthly", checkout.StateCreated, t0.Add(time.Hour))
	for _, p := range []checkout.Purchase{
		open,
		newPurchase(t, "acc1", "monthly", checkout.StateFailed, t0.Add(time.Hour)),
		newPurchase(t, "acc1", "monthly", checkout.StateCreated, t0.Add(-time.Minute)), // expired
		newPurchase(t, "acc2", "monthly", checkout.StateCreated, t0.Add(time.Hour)),
		newPurchase(t, "acc1", "yearly", checkout.StateCreated, t0.Add(time.Hour)),
	} {
		if err := db.CreatePurchase(t.Context(), p); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name, account, offer string
		wantID               string // "" = not found
	}{
		{"the open one", "acc1", "monthly", open.ID},
		{"other customer has their own", "acc3", "monthly", ""},
		{"other offer", "acc1", "campaign", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fresh := newPurchase(t, tt.account, tt.offer, checkout.StateCreated, t0.Add(48*time.Hour))
			got, created, err := db.OpenOrCreatePurchase(t.Context(), fresh, t0)
			if err != nil {
				t.Fatal(err)
			}
			want := tt.wantID
			if want == "" {
				want = fresh.ID // none open: the fresh one is created
			}
			if got.ID != want || created != (tt.wantID == "") {
				t.Fatalf("got %q (created %v), want %q", got.ID, created, want)
			}
		})
	}
}

// TestOpenOrCreatePurchaseIsAtomic: concurrent clicks for one offer share one purchase; exactly one of
// them created it (and so opens the Payway session).
func TestOpenOrCreatePurchaseIsAtomic(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	var wg sync.WaitGroup
	type result struct {
		id      string
		created bool
	}
	results := make(chan result, 20)
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fresh := newPurchase(t, "acc1", "monthly", checkout.StateCreated, t0.Add(48*time.Hour))
			p, created, err := db.OpenOrCreatePurchase(context.Background(), fresh, t0)
			if err != nil {
				t.Error(err)
				return
			}
			results <- result{p.ID, created}
		}()
	}
	wg.Wait()
	close(results)
	ids, created := map[string]bool{}, 0
	for r := range results {
		ids[r.id] = true
		if r.created {
			created++
		}
	}
	if len(ids) != 1 || created != 1 {
		t.Fatalf("%d purchases, %d created; want one purchase, created once", len(ids), created)
	}
}

// TestUpdatePurchaseSerialisesTransitions is the double-click rule at the store level: many concurrent
// attempts to move created -> placing, exactly one succeeds.
func TestUpdatePurchaseSerialisesTransitions(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	p := newPurchase(t, "acc1", "monthly", checkout.StateCreated, t0.Add(time.Hour))
	if err := db.CreatePurchase(t.Context(), p); err != nil {
		t.Fatal(err)
	}
	errBusy := errors.New("not created")
	var wg sync.WaitGroup
	results := make(chan error, 20)
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := db.UpdatePurchase(t.Context(), p.ID, func(p *checkout.Purchase) error {
				if p.State != checkout.StateCreated {
					return errBusy
				}
				p.State = checkout.StatePlacing
				return nil
			})
			results <- err
		}()
	}
	wg.Wait()
	close(results)
	won := 0
	for err := range results {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, errBusy):
			t.Errorf("unexpected error: %v", err)
		}
	}
	if won != 1 {
		t.Fatalf("%d transitions won, want exactly 1", won)
	}
	got, _ := db.Purchase(t.Context(), p.ID)
	if got.State != checkout.StatePlacing {
		t.Errorf("state %s", got.State)
	}
	if _, err := db.UpdatePurchase(t.Context(), "nope", func(*checkout.Purchase) error { return nil }); !errors.Is(err, ErrNotFound) {
		t.Errorf("update missing: %v", err)
	}
}

// TestPurchaseInMemoryIsTheLastWrite: concurrent updates of one purchase leave in memory what the database
// holds, the last committed write, not an earlier one whose writer reached the cache late (the checkout and
// status pages read purchases from memory).
func TestPurchaseInMemoryIsTheLastWrite(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	p := newPurchase(t, "acc1", "monthly", checkout.StateCreated, t0.Add(time.Hour))
	p.ClientToken = "0"
	if err := db.CreatePurchase(t.Context(), p); err != nil {
		t.Fatal(err)
	}
	const workers, each = 8, 60
	var wg sync.WaitGroup
	done := make(chan struct{})
	watched := make(chan error, 1)
	go func() { // what a reader sees never goes back
		seen := 0
		for {
			select {
			case <-done:
				watched <- nil
				return
			default:
			}
			got, err := db.Purchase(t.Context(), p.ID)
			if err == nil {
				var n int
				n, err = strconv.Atoi(got.ClientToken)
				if err == nil && n < seen {
					err = fmt.Errorf("a reader saw write %d after write %d", n, seen)
				}
				seen = max(seen, n)
			}
			if err != nil {
				watched <- err
				return
			}
		}
	}()
	for range workers {
		wg.Go(func() {
			for range each {
				_, err := db.UpdatePurchase(t.Context(), p.ID, func(p *checkout.Purchase) error {
					n, err := strconv.Atoi(p.ClientToken)
					p.ClientToken = strconv.Itoa(n + 1) // each write sees the one before it
					return err
				})
				if err != nil {
					t.Error(err)
					return
				}
				runtime.Gosched() // let another writer in between a commit and its cache write
			}
		})
	}
	wg.Wait()
	close(done)
	if err := <-watched; err != nil {
		t.Error(err)
	}
	inMemory, err := db.Purchase(t.Context(), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	stored, err := db.readPurchase(t.Context(), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if want := strconv.Itoa(workers * each); stored.ClientToken != want || inMemory.ClientToken != stored.ClientToken {
		t.Errorf("in memory %s, stored %s, want both %s", inMemory.ClientToken, stored.ClientToken, want)
	}
}

func TestEvents(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	p := newPurchase(t, "acc1", "monthly", checkout.StateCreated, t0.Add(time.Hour))
	if err := db.CreatePurchase(t.Context(), p); err != nil {
		t.Fatal(err)
	}
	added := []checkout.Event{
		{PurchaseID: p.ID, At: t0, Kind: checkout.EventState, Note: "a note"},
		{PurchaseID: p.ID, At: t0.Add(time.Second), Kind: checkout.EventCall, Call: "payway.place_order", Service: "payway", Method: "POST",
			Path: "/external/api/v1/klarna_payments/place_order", Status: 200, Duration: 120 * time.Millisecond,
			Request: `{"klarna_authorization_token":"***"}`, Response: `{"item":{}}`, IDs: map[string]string{"order_id": "SANDBOX-1"}},
	}
	for _, e := range added {
		if err := db.AddEvent(t.Context(), e); err != nil {
			t.Fatal(err)
		}
	}
	// CreatePurchase wrote the first event itself, in the transaction that inserted the row.
	want := append([]checkout.Event{checkout.PurchaseCreated(p)}, added...)
	got, err := db.Events(t.Context(), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d events", len(got))
	}
	for i := range want {
		want[i].ID = got[i].ID
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("event %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
	if err := db.AddEvent(t.Context(), checkout.Event{PurchaseID: "unknown", At: t0, Kind: checkout.EventState}); err == nil {
		t.Error("event for an unknown purchase accepted")
	}
}

// TestStateChangesAreRecordedWithTheRow: a state change and its timeline event are one transaction; an
// update that keeps the state writes no event, and a refused update writes neither.
func TestStateChangesAreRecordedWithTheRow(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	p := newPurchase(t, "acc1", "monthly", checkout.StateCreated, t0.Add(time.Hour))
	if err := db.CreatePurchase(t.Context(), p); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name string
		fn   func(*checkout.Purchase) error
		want []checkout.State // the To of every state event so far
	}{
		{"no state change", func(p *checkout.Purchase) error { p.ClientToken = "x"; return nil }, []checkout.State{checkout.StateCreated}},
		{"placing", func(p *checkout.Purchase) error { p.State = checkout.StatePlacing; return nil }, []checkout.State{checkout.StateCreated, checkout.StatePlacing}},
		{"refused", func(p *checkout.Purchase) error { p.State = checkout.StateFailed; return errors.New("no") }, []checkout.State{checkout.StateCreated, checkout.StatePlacing}},
		{"placed", func(p *checkout.Purchase) error { p.State, p.OrderID = checkout.StatePlaced, "O-1"; return nil }, []checkout.State{checkout.StateCreated, checkout.StatePlacing, checkout.StatePlaced}},
	}
	for _, st := range steps {
		_, _ = db.UpdatePurchase(t.Context(), p.ID, st.fn)
		events, err := db.Events(t.Context(), p.ID)
		if err != nil {
			t.Fatal(err)
		}
		var got []checkout.State
		for _, e := range events {
			got = append(got, e.To)
		}
		if !reflect.DeepEqual(got, st.want) {
			t.Fatalf("after %s: states %v, want %v", st.name, got, st.want)
		}
	}
	events, _ := db.Events(t.Context(), p.ID)
	if last := events[len(events)-1]; last.From != checkout.StatePlacing || last.IDs["order_id"] != "O-1" {
		t.Errorf("placed event = %+v, want from placing with the order id", last)
	}
}

// TestOneClaimPerProduct: at most one purchase of a product is in flight per account, whatever offer it
// came from; the claim is refused inside the transaction (the refused purchase is not changed) and is
// released when the purchase leaves the in-flight state.
func TestOneClaimPerProduct(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	monthly := newPurchase(t, "acc1", "monthly", checkout.StateCreated, t0.Add(time.Hour))
	yearly := newPurchase(t, "acc1", "yearly", checkout.StateCreated, t0.Add(time.Hour))
	other := newPurchase(t, "acc2", "yearly", checkout.StateCreated, t0.Add(time.Hour))
	for _, p := range []*checkout.Purchase{&monthly, &yearly, &other} {
		p.Product = "digital"
		if err := db.CreatePurchase(t.Context(), *p); err != nil {
			t.Fatal(err)
		}
	}
	to := func(s checkout.State) func(*checkout.Purchase) error {
		return func(p *checkout.Purchase) error { p.State = s; return nil }
	}
	steps := []struct {
		name string
		id   string
		fn   func(*checkout.Purchase) error
		want error
	}{
		{"monthly claims digital", monthly.ID, to(checkout.StatePlacing), nil},
		{"yearly is refused while monthly is in flight", yearly.ID, to(checkout.StatePlacing), checkout.ErrInFlight},
		{"another account is not concerned", other.ID, to(checkout.StatePlacing), nil},
		{"monthly placed releases the claim", monthly.ID, to(checkout.StatePlaced), nil},
		{"yearly may go now", yearly.ID, to(checkout.StatePlacing), nil},
		{"yearly back to created (Payway down) releases it", yearly.ID, to(checkout.StateCreated), nil},
		{"and claims it again", yearly.ID, to(checkout.StatePlacing), nil},
	}
	for _, st := range steps {
		_, err := db.UpdatePurchase(t.Context(), st.id, st.fn)
		if !errors.Is(err, st.want) {
			t.Fatalf("%s: err %v, want %v", st.name, err, st.want)
		}
	}
	if got, _ := db.Purchase(t.Context(), yearly.ID); got.State != checkout.StatePlacing {
		t.Errorf("yearly ends %s, want placing", got.State)
	}
	if n := countRows(t, db, "purchase_claims"); n != 2 {
		t.Errorf("%d claims, want yearly's and the other account's", n)
	}
}

// TestFinishedPurchasesKeepNoKlarnaSecrets: a purchase saved in a finished state keeps neither Klarna's
// authorization token nor the widget's client token, in the row itself; one still open keeps them.
func TestFinishedPurchasesKeepNoKlarnaSecrets(t *testing.T) {
	t.Parallel()
	tests := []struct {
		state checkout.State
		keeps bool
	}{
		{checkout.StatePlacing, true},
		{checkout.StateUnknown, true},
		{checkout.StatePlaced, false},
		{checkout.StateFailed, false},
		{checkout.StateExpired, false},
	}
	for _, tt := range tests {
		t.Run(string(tt.state), func(t *testing.T) {
			t.Parallel()
			db := openTestDB(t)
			p := newPurchase(t, "acc-"+string(tt.state), "monthly", checkout.StateCreated, t0.Add(48*time.Hour))
			if err := db.CreatePurchase(t.Context(), p); err != nil {
				t.Fatal(err)
			}
			if _, err := db.UpdatePurchase(t.Context(), p.ID, func(q *checkout.Purchase) error {
				q.State, q.AuthorizationToken, q.UpdatedAt = tt.state, "auth-secret", t0.Add(time.Minute)
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			var auth, client string
			if err := db.Reader().QueryRow(`SELECT authorization_token, client_token FROM purchases WHERE id = ?`, p.ID).Scan(&auth, &client); err != nil {
				t.Fatal(err)
			}
			if kept := auth != "" && client != ""; kept != tt.keeps {
				t.Errorf("state %s: authorization %q, client token %q; want kept %v", tt.state, auth, client, tt.keeps)
			}
		})
	}
}
