package store

import (
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paywall/paywall/checkout"
)

func newOneClickPurchase(t *testing.T, account, offer string, state checkout.State, created time.Time) checkout.OneClickPurchase {
	t.Helper()
	id, err := checkout.NewID()
	if err != nil {
		t.Fatal(err)
	}
	p := checkout.OneClickPurchase{
		ID: id, AccountID: account, OfferID: offer, TokenID: "tok-" + account, IdempotencyKey: "key-" + id,
		OrderRequest: `{"order_amount":2900}`, State: state, CreatedAt: created, UpdatedAt: created,
	}
	switch state {
	case checkout.OneClickCompleted:
		p.OrderID, p.Method = "order-"+id, "token"
	case checkout.OneClickRecovering:
		p.StepUpID = "step-" + id
	}
	return p
}

func TestTokenPurchaseRoundTrip(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	p := newOneClickPurchase(t, "acc1", "epaper-archive", checkout.OneClickRecovering, t0)
	p.KlarnaSessionID, p.ClientToken, p.HPPSessionID, p.HPPRedirectURL, p.HPPMode = "ks", "ct", "hpp", "https://pay/x", "NONE"
	p.CallbackHash, p.LastOutcome, p.OrderingSince = checkout.CallbackHash("secret"), "back", t0.Add(time.Minute)
	if err := db.CreateOneClickPurchase(t.Context(), p); err != nil {
		t.Fatal(err)
	}
	got, err := db.OneClickPurchase(t.Context(), p.ID)
	if err != nil || !reflect.DeepEqual(got, p) {
		t.Fatalf("round trip:\n got %+v %v\nwant %+v", got, err, p)
	}
	if _, err := db.OneClickPurchase(t.Context(), "nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing: %v", err)
	}
	if _, err := db.UpdateOneClickPurchase(t.Context(), "nope", func(*checkout.OneClickPurchase) error { return nil }); !errors.Is(err, ErrNotFound) {
		t.Errorf("update missing: %v", err)
	}
	// Update saves the mutable fields, and an error from fn saves nothing.
	upd, err := db.UpdateOneClickPurchase(t.Context(), p.ID, func(p *checkout.OneClickPurchase) error {
		p.State, p.OrderID, p.Method, p.OrderingSince, p.UpdatedAt = checkout.OneClickCompleted, "o1", "hpp", time.Time{}, t0.Add(time.Hour)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	if _, err := db.UpdateOneClickPurchase(t.Context(), p.ID, func(p *checkout.OneClickPurchase) error { p.OrderID = "x"; return boom }); !errors.Is(err, boom) {
		t.Errorf("fn error: %v", err)
	}
	if got, _ := db.OneClickPurchase(t.Context(), p.ID); !reflect.DeepEqual(got, upd) || !got.OrderingSince.IsZero() {
		t.Errorf("after update:\n got %+v\nwant %+v", got, upd)
	}
}

func TestTokenPurchaseSchemaRules(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	tests := []struct {
		name   string
		change func(p *checkout.OneClickPurchase)
	}{
		{"unknown state", func(p *checkout.OneClickPurchase) { p.State = "placing" }},
		{"completed without order", func(p *checkout.OneClickPurchase) { p.State = checkout.OneClickCompleted }},
		{"recovering without step-up", func(p *checkout.OneClickPurchase) { p.State = checkout.OneClickRecovering }},
		{"no idempotency key", func(p *checkout.OneClickPurchase) { p.IdempotencyKey = "" }},
		{"request not JSON", func(p *checkout.OneClickPurchase) { p.OrderRequest = "{" }},
		{"unknown method", func(p *checkout.OneClickPurchase) { p.Method = "cash" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newOneClickPurchase(t, "acc1", "o", checkout.OneClickCreated, t0)
			tt.change(&p)
			if err := db.CreateOneClickPurchase(t.Context(), p); err == nil {
				t.Error("accepted")
			}
		})
	}
	p := newOneClickPurchase(t, "acc1", "o", checkout.OneClickCreated, t0)
	dup := newOneClickPurchase(t, "acc1", "o", checkout.OneClickCreated, t0)
	dup.IdempotencyKey = p.IdempotencyKey
	if err := db.CreateOneClickPurchase(t.Context(), p); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateOneClickPurchase(t.Context(), dup); err == nil {
		t.Error("two purchases with one idempotency key")
	}
}

func TestReuseOrCreateTokenPurchase(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		existing  []checkout.OneClickPurchase // created in order; the last is the newest
		reuse     func(*checkout.OneClickPurchase) bool
		wantReuse int // index into existing, -1 = the fresh one
	}{
		{"none yet", nil, func(*checkout.OneClickPurchase) bool { return true }, -1},
		{"newest accepted", []checkout.OneClickPurchase{
			newOneClickPurchase(t, "acc1", "o", checkout.OneClickCreated, t0.Add(-time.Hour)),
			newOneClickPurchase(t, "acc1", "o", checkout.OneClickFailed, t0.Add(-time.Minute)),
		}, func(p *checkout.OneClickPurchase) bool { return p.State == checkout.OneClickFailed }, 1},
		{"only the newest is considered", []checkout.OneClickPurchase{
			newOneClickPurchase(t, "acc1", "o", checkout.OneClickCreated, t0.Add(-time.Hour)),
			newOneClickPurchase(t, "acc1", "o", checkout.OneClickCompleted, t0.Add(-time.Minute)),
		}, func(p *checkout.OneClickPurchase) bool { return p.State == checkout.OneClickCreated }, -1},
		{"too old", []checkout.OneClickPurchase{newOneClickPurchase(t, "acc1", "o", checkout.OneClickCreated, t0.Add(-25*time.Hour))},
			func(*checkout.OneClickPurchase) bool { return true }, -1},
		{"other account", []checkout.OneClickPurchase{newOneClickPurchase(t, "acc2", "o", checkout.OneClickCreated, t0)},
			func(*checkout.OneClickPurchase) bool { return true }, -1},
		{"other offer", []checkout.OneClickPurchase{newOneClickPurchase(t, "acc1", "p", checkout.OneClickCreated, t0)},
			func(*checkout.OneClickPurchase) bool { return true }, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := openTestDB(t)
			for _, p := range tt.existing {
				if err := db.CreateOneClickPurchase(t.Context(), p); err != nil {
					t.Fatal(err)
				}
			}
			fresh := newOneClickPurchase(t, "acc1", "o", checkout.OneClickCreated, t0)
			got, reused, err := db.ReuseOrCreateOneClickPurchase(t.Context(), fresh, t0.Add(-24*time.Hour), tt.reuse)
			if err != nil {
				t.Fatal(err)
			}
			want := fresh.ID
			if tt.wantReuse >= 0 {
				want = tt.existing[tt.wantReuse].ID
			}
			if got.ID != want || reused != (tt.wantReuse >= 0) {
				t.Errorf("got %s reused %v, want %s", got.ID, reused, want)
			}
			if _, err := db.OneClickPurchase(t.Context(), fresh.ID); (err == nil) != (tt.wantReuse < 0) {
				t.Errorf("fresh stored: %v", err)
			}
		})
	}

	t.Run("the change of a reused purchase is saved", func(t *testing.T) {
		db := openTestDB(t)
		old := newOneClickPurchase(t, "acc1", "o", checkout.OneClickFailed, t0)
		old.FailureCode = "KLARNA_UNAVAILABLE"
		if err := db.CreateOneClickPurchase(t.Context(), old); err != nil {
			t.Fatal(err)
		}
		_, _, err := db.ReuseOrCreateOneClickPurchase(t.Context(), newOneClickPurchase(t, "acc1", "o", checkout.OneClickCreated, t0), t0.Add(-time.Hour),
			func(p *checkout.OneClickPurchase) bool {
				p.State, p.FailureCode = checkout.OneClickCreated, ""
				return true
			})
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := db.OneClickPurchase(t.Context(), old.ID); got.State != checkout.OneClickCreated || got.FailureCode != "" {
			t.Errorf("saved: %+v", got)
		}
	})

	t.Run("concurrent clicks find one purchase", func(t *testing.T) {
		db := openTestDB(t)
		var wg sync.WaitGroup
		ids := make([]string, 8)
		for i := range ids {
			wg.Go(func() {
				p, _, err := db.ReuseOrCreateOneClickPurchase(t.Context(), newOneClickPurchase(t, "acc1", "o", checkout.OneClickCreated, t0),
					t0.Add(-time.Hour), func(p *checkout.OneClickPurchase) bool { return p.State == checkout.OneClickCreated })
				if err != nil {
					t.Error(err)
				}
				ids[i] = p.ID
			})
		}
		wg.Wait()
		for _, id := range ids {
			if id != ids[0] {
				t.Fatalf("ids %v", ids)
			}
		}
		if n := countRows(t, db, "token_purchases"); n != 1 {
			t.Errorf("%d purchases", n)
		}
	})
}

func TestTokenPurchasesOf(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	a := newOneClickPurchase(t, "acc1", "o", checkout.OneClickCompleted, t0)
	b := newOneClickPurchase(t, "acc1", "p", checkout.OneClickFailed, t0.Add(time.Minute))
	c := newOneClickPurchase(t, "acc2", "o", checkout.OneClickCreated, t0)
	for _, p := range []checkout.OneClickPurchase{a, b, c} {
		if err := db.CreateOneClickPurchase(t.Context(), p); err != nil {
			t.Fatal(err)
		}
	}
	got, err := db.OneClickPurchasesOf(t.Context(), "acc1")
	if err != nil || len(got) != 2 || got[0].ID != b.ID || got[1].ID != a.ID {
		t.Errorf("got %+v %v, want newest first", got, err)
	}
}

func TestTokenCallbacks(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	p := newOneClickPurchase(t, "acc1", "o", checkout.OneClickRecovering, t0)
	if err := db.CreateOneClickPurchase(t.Context(), p); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		purchase, event string
		wantAdded       bool
		wantErr         bool
	}{
		{p.ID, "e1", true, false},
		{p.ID, "e1", false, false},
		{p.ID, "e2", true, false},
		{"unknown", "e1", false, true},
	}
	for _, tt := range tests {
		added, err := db.AddHPPCallback(t.Context(), tt.purchase, tt.event, "COMPLETED", t0)
		if added != tt.wantAdded || (err != nil) != tt.wantErr {
			t.Errorf("AddHPPCallback(%s, %s) = %v, %v", tt.purchase, tt.event, added, err)
		}
	}
	if seen, err := db.HPPCallbackSeen(t.Context(), p.ID, "e2"); !seen || err != nil {
		t.Errorf("seen e2: %v %v", seen, err)
	}
	if seen, _ := db.HPPCallbackSeen(t.Context(), p.ID, "e3"); seen {
		t.Error("seen e3")
	}
}

// TestEventsOfEitherPurchase: the timeline takes events of purchases and of token purchases, refuses
// events of neither, and goes with its purchase.
func TestEventsOfEitherPurchase(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	sub := newPurchase(t, "acc1", "monthly", checkout.StateCreated, t0.Add(time.Hour))
	tok := newOneClickPurchase(t, "acc1", "o", checkout.OneClickCreated, t0)
	if err := db.CreatePurchase(t.Context(), sub); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateOneClickPurchase(t.Context(), tok); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{sub.ID, tok.ID} {
		if err := db.AddEvent(t.Context(), checkout.Event{PurchaseID: id, At: t0, Kind: checkout.EventState, Note: "created"}); err != nil {
			t.Errorf("event of %s: %v", id, err)
		}
	}
	if err := db.AddEvent(t.Context(), checkout.Event{PurchaseID: "neither", At: t0, Kind: checkout.EventState}); err == nil {
		t.Error("event of an unknown purchase accepted")
	}
	for _, q := range []string{`DELETE FROM token_purchases WHERE id = ?`, `DELETE FROM purchases WHERE id = ?`} {
		id := tok.ID
		if q == `DELETE FROM purchases WHERE id = ?` {
			id = sub.ID
		}
		if _, err := db.Writer().ExecContext(t.Context(), q, id); err != nil {
			t.Fatal(err)
		}
		if evs, _ := db.Events(t.Context(), id); len(evs) != 0 {
			t.Errorf("events of deleted %s remain", id)
		}
	}
}

// TestOneClickPurchasesMigrationDown: going back to the schema before token purchases keeps the
// subscription purchases' events and drops the rest.
func TestTokenPurchasesMigrationDown(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	sub := newPurchase(t, "acc1", "monthly", checkout.StateCreated, t0.Add(time.Hour))
	tok := newOneClickPurchase(t, "acc1", "o", checkout.OneClickCreated, t0)
	if err := db.CreatePurchase(t.Context(), sub); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateOneClickPurchase(t.Context(), tok); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{sub.ID, tok.ID} {
		if err := db.AddEvent(t.Context(), checkout.Event{PurchaseID: id, At: t0, Kind: checkout.EventState}); err != nil {
			t.Fatal(err)
		}
	}
	subEvents, err := db.Events(t.Context(), sub.ID) // its creation and the one added above
	if err != nil {
		t.Fatal(err)
	}
	p, err := newMigrationProvider(db.Writer())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.DownTo(t.Context(), 2); err != nil { // before token purchases
		t.Fatalf("down: %v", err)
	}
	if n := countRows(t, db, "purchase_events"); n != len(subEvents) {
		t.Errorf("%d events after down, want the subscription's %d", n, len(subEvents))
	}
	if _, err := p.Up(t.Context()); err != nil {
		t.Fatalf("up again: %v", err)
	}
	if err := db.AddEvent(t.Context(), checkout.Event{PurchaseID: sub.ID, At: t0, Kind: checkout.EventState}); err != nil {
		t.Errorf("event after up again: %v", err)
	}
}

// TestOneClickSecretsAtRest: a one-click purchase's step-up client token is sealed in its row and read back
// as it was; of its hosted page's callback secret only the hash is stored, and a row from before hashing
// (the secret sealed) reads as the secret's hash and is stored as the hash at its next save.
func TestOneClickSecretsAtRest(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	p := newOneClickPurchase(t, "acc-sealed", "digital-plus", checkout.OneClickRecovering, t0)
	p.StepUpID = "step-up-1"
	p.ClientToken, p.CallbackHash = "client-token-secret", checkout.CallbackHash("callback-secret")
	if err := db.CreateOneClickPurchase(t.Context(), p); err != nil {
		t.Fatal(err)
	}
	stored := func() (client, hash string) {
		t.Helper()
		if err := db.Reader().QueryRow(`SELECT client_token, callback_hash FROM token_purchases WHERE id = ?`, p.ID).Scan(&client, &hash); err != nil {
			t.Fatal(err)
		}
		return client, hash
	}
	client, hash := stored()
	if !strings.HasPrefix(client, sealedPrefix) || strings.Contains(client, "secret") {
		t.Errorf("stored client token %q, want it sealed", client)
	}
	if hash != p.CallbackHash || strings.Contains(hash, "callback-secret") {
		t.Errorf("stored callback %q, want the hash %q", hash, p.CallbackHash)
	}
	got, err := db.OneClickPurchase(t.Context(), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.ClientToken != p.ClientToken || got.CallbackHash != p.CallbackHash {
		t.Errorf("read back %q, %q", got.ClientToken, got.CallbackHash)
	}

	// A row written before hashing: the secret itself, sealed.
	legacy, err := db.tokens.seal("older-secret", "callback_secret:"+p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Writer().Exec(`UPDATE token_purchases SET callback_hash = ? WHERE id = ?`, legacy, p.ID); err != nil {
		t.Fatal(err)
	}
	got, err = db.OneClickPurchase(t.Context(), p.ID)
	if err != nil || got.CallbackHash != checkout.CallbackHash("older-secret") {
		t.Fatalf("legacy row reads as %q (%v), want the secret's hash", got.CallbackHash, err)
	}
	if _, err := db.UpdateOneClickPurchase(t.Context(), p.ID, func(*checkout.OneClickPurchase) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if _, hash := stored(); hash != checkout.CallbackHash("older-secret") {
		t.Errorf("after a save the legacy row holds %q, want the hash", hash)
	}
}
