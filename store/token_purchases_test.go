package store

import (
	"errors"
	"reflect"
	"sync"
	"testing"
	"time"
)

func newTokenPurchase(t *testing.T, account, offer, state string, created time.Time) TokenPurchase {
	t.Helper()
	id, err := NewPurchaseID()
	if err != nil {
		t.Fatal(err)
	}
	p := TokenPurchase{
		ID: id, AccountID: account, OfferID: offer, TokenID: "tok-" + account, IdempotencyKey: "key-" + id,
		OrderRequest: `{"order_amount":2900}`, State: state, CreatedAt: created, UpdatedAt: created,
	}
	switch state {
	case TokenStateCompleted:
		p.OrderID, p.Method = "order-"+id, "token"
	case TokenStateRecovering:
		p.StepUpID = "step-" + id
	}
	return p
}

func TestTokenPurchaseRoundTrip(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	p := newTokenPurchase(t, "acc1", "epaper-archive", TokenStateRecovering, t0)
	p.KlarnaSessionID, p.ClientToken, p.HPPSessionID, p.HPPRedirectURL, p.HPPMode = "ks", "ct", "hpp", "https://pay/x", "NONE"
	p.CallbackSecret, p.LastOutcome, p.OrderingSince = "secret", "back", t0.Add(time.Minute)
	if err := db.CreateTokenPurchase(t.Context(), p); err != nil {
		t.Fatal(err)
	}
	got, err := db.TokenPurchase(t.Context(), p.ID)
	if err != nil || !reflect.DeepEqual(got, p) {
		t.Fatalf("round trip:\n got %+v %v\nwant %+v", got, err, p)
	}
	if _, err := db.TokenPurchase(t.Context(), "nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing: %v", err)
	}
	if _, err := db.UpdateTokenPurchase(t.Context(), "nope", func(*TokenPurchase) error { return nil }); !errors.Is(err, ErrNotFound) {
		t.Errorf("update missing: %v", err)
	}
	// Update saves the mutable fields, and an error from fn saves nothing.
	upd, err := db.UpdateTokenPurchase(t.Context(), p.ID, func(p *TokenPurchase) error {
		p.State, p.OrderID, p.Method, p.OrderingSince, p.UpdatedAt = TokenStateCompleted, "o1", "hpp", time.Time{}, t0.Add(time.Hour)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	if _, err := db.UpdateTokenPurchase(t.Context(), p.ID, func(p *TokenPurchase) error { p.OrderID = "x"; return boom }); !errors.Is(err, boom) {
		t.Errorf("fn error: %v", err)
	}
	if got, _ := db.TokenPurchase(t.Context(), p.ID); !reflect.DeepEqual(got, upd) || !got.OrderingSince.IsZero() {
		t.Errorf("after update:\n got %+v\nwant %+v", got, upd)
	}
}

func TestTokenPurchaseSchemaRules(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	tests := []struct {
		name   string
		change func(p *TokenPurchase)
	}{
		{"unknown state", func(p *TokenPurchase) { p.State = "placing" }},
		{"completed without order", func(p *TokenPurchase) { p.State = TokenStateCompleted }},
		{"recovering without step-up", func(p *TokenPurchase) { p.State = TokenStateRecovering }},
		{"no idempotency key", func(p *TokenPurchase) { p.IdempotencyKey = "" }},
		{"request not JSON", func(p *TokenPurchase) { p.OrderRequest = "{" }},
		{"unknown method", func(p *TokenPurchase) { p.Method = "cash" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newTokenPurchase(t, "acc1", "o", TokenStateCreated, t0)
			tt.change(&p)
			if err := db.CreateTokenPurchase(t.Context(), p); err == nil {
				t.Error("accepted")
			}
		})
	}
	p := newTokenPurchase(t, "acc1", "o", TokenStateCreated, t0)
	dup := newTokenPurchase(t, "acc1", "o", TokenStateCreated, t0)
	dup.IdempotencyKey = p.IdempotencyKey
	if err := db.CreateTokenPurchase(t.Context(), p); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateTokenPurchase(t.Context(), dup); err == nil {
		t.Error("two purchases with one idempotency key")
	}
}

func TestReuseOrCreateTokenPurchase(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		existing  []TokenPurchase // created in order; the last is the newest
		reuse     func(*TokenPurchase) bool
		wantReuse int // index into existing, -1 = the fresh one
	}{
		{"none yet", nil, func(*TokenPurchase) bool { return true }, -1},
		{"newest accepted", []TokenPurchase{
			newTokenPurchase(t, "acc1", "o", TokenStateCreated, t0.Add(-time.Hour)),
			newTokenPurchase(t, "acc1", "o", TokenStateFailed, t0.Add(-time.Minute)),
		}, func(p *TokenPurchase) bool { return p.State == TokenStateFailed }, 1},
		{"only the newest is considered", []TokenPurchase{
			newTokenPurchase(t, "acc1", "o", TokenStateCreated, t0.Add(-time.Hour)),
			newTokenPurchase(t, "acc1", "o", TokenStateCompleted, t0.Add(-time.Minute)),
		}, func(p *TokenPurchase) bool { return p.State == TokenStateCreated }, -1},
		{"too old", []TokenPurchase{newTokenPurchase(t, "acc1", "o", TokenStateCreated, t0.Add(-25*time.Hour))},
			func(*TokenPurchase) bool { return true }, -1},
		{"other account", []TokenPurchase{newTokenPurchase(t, "acc2", "o", TokenStateCreated, t0)},
			func(*TokenPurchase) bool { return true }, -1},
		{"other offer", []TokenPurchase{newTokenPurchase(t, "acc1", "p", TokenStateCreated, t0)},
			func(*TokenPurchase) bool { return true }, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := openTestDB(t)
			for _, p := range tt.existing {
				if err := db.CreateTokenPurchase(t.Context(), p); err != nil {
					t.Fatal(err)
				}
			}
			fresh := newTokenPurchase(t, "acc1", "o", TokenStateCreated, t0)
			got, reused, err := db.ReuseOrCreateTokenPurchase(t.Context(), fresh, t0.Add(-24*time.Hour), tt.reuse)
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
			if _, err := db.TokenPurchase(t.Context(), fresh.ID); (err == nil) != (tt.wantReuse < 0) {
				t.Errorf("fresh stored: %v", err)
			}
		})
	}

	t.Run("the change of a reused purchase is saved", func(t *testing.T) {
		db := openTestDB(t)
		old := newTokenPurchase(t, "acc1", "o", TokenStateFailed, t0)
		old.FailureCode = "KLARNA_UNAVAILABLE"
		if err := db.CreateTokenPurchase(t.Context(), old); err != nil {
			t.Fatal(err)
		}
		_, _, err := db.ReuseOrCreateTokenPurchase(t.Context(), newTokenPurchase(t, "acc1", "o", TokenStateCreated, t0), t0.Add(-time.Hour),
			func(p *TokenPurchase) bool { p.State, p.FailureCode = TokenStateCreated, ""; return true })
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := db.TokenPurchase(t.Context(), old.ID); got.State != TokenStateCreated || got.FailureCode != "" {
			t.Errorf("saved: %+v", got)
		}
	})

	t.Run("concurrent clicks find one purchase", func(t *testing.T) {
		db := openTestDB(t)
		var wg sync.WaitGroup
		ids := make([]string, 8)
		for i := range ids {
			wg.Go(func() {
				p, _, err := db.ReuseOrCreateTokenPurchase(t.Context(), newTokenPurchase(t, "acc1", "o", TokenStateCreated, t0),
					t0.Add(-time.Hour), func(p *TokenPurchase) bool { return p.State == TokenStateCreated })
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
	a := newTokenPurchase(t, "acc1", "o", TokenStateCompleted, t0)
	b := newTokenPurchase(t, "acc1", "p", TokenStateFailed, t0.Add(time.Minute))
	c := newTokenPurchase(t, "acc2", "o", TokenStateCreated, t0)
	for _, p := range []TokenPurchase{a, b, c} {
		if err := db.CreateTokenPurchase(t.Context(), p); err != nil {
			t.Fatal(err)
		}
	}
	got, err := db.TokenPurchasesOf(t.Context(), "acc1")
	if err != nil || len(got) != 2 || got[0].ID != b.ID || got[1].ID != a.ID {
		t.Errorf("got %+v %v, want newest first", got, err)
	}
}

func TestTokenCallbacks(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	p := newTokenPurchase(t, "acc1", "o", TokenStateRecovering, t0)
	if err := db.CreateTokenPurchase(t.Context(), p); err != nil {
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
		added, err := db.AddTokenCallback(t.Context(), tt.purchase, tt.event, "COMPLETED", t0)
		if added != tt.wantAdded || (err != nil) != tt.wantErr {
			t.Errorf("AddTokenCallback(%s, %s) = %v, %v", tt.purchase, tt.event, added, err)
		}
	}
	if seen, err := db.TokenCallbackSeen(t.Context(), p.ID, "e2"); !seen || err != nil {
		t.Errorf("seen e2: %v %v", seen, err)
	}
	if seen, _ := db.TokenCallbackSeen(t.Context(), p.ID, "e3"); seen {
		t.Error("seen e3")
	}
}

// TestEventsOfEitherPurchase: the timeline takes events of purchases and of token purchases, refuses
// events of neither, and goes with its purchase.
func TestEventsOfEitherPurchase(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	sub := newPurchase(t, "acc1", "monthly", StateCreated, t0.Add(time.Hour))
	tok := newTokenPurchase(t, "acc1", "o", TokenStateCreated, t0)
	if err := db.CreatePurchase(t.Context(), sub); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateTokenPurchase(t.Context(), tok); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{sub.ID, tok.ID} {
		if err := db.AddEvent(t.Context(), Event{PurchaseID: id, At: t0, Kind: EventState, Message: "created"}); err != nil {
			t.Errorf("event of %s: %v", id, err)
		}
	}
	if err := db.AddEvent(t.Context(), Event{PurchaseID: "neither", At: t0, Kind: EventState}); err == nil {
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

// TestTokenPurchasesMigrationDown: going back to the schema before token purchases keeps the
// subscription purchases' events and drops the rest.
func TestTokenPurchasesMigrationDown(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	sub := newPurchase(t, "acc1", "monthly", StateCreated, t0.Add(time.Hour))
	tok := newTokenPurchase(t, "acc1", "o", TokenStateCreated, t0)
	if err := db.CreatePurchase(t.Context(), sub); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateTokenPurchase(t.Context(), tok); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{sub.ID, tok.ID} {
		if err := db.AddEvent(t.Context(), Event{PurchaseID: id, At: t0, Kind: EventState}); err != nil {
			t.Fatal(err)
		}
	}
	p, err := newMigrationProvider(db.Writer())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Down(t.Context()); err != nil {
		t.Fatalf("down: %v", err)
	}
	if n := countRows(t, db, "purchase_events"); n != 1 {
		t.Errorf("%d events after down, want the subscription's 1", n)
	}
	if _, err := p.Up(t.Context()); err != nil {
		t.Fatalf("up again: %v", err)
	}
	if err := db.AddEvent(t.Context(), Event{PurchaseID: sub.ID, At: t0, Kind: EventState}); err != nil {
		t.Errorf("event after up again: %v", err)
	}
}
