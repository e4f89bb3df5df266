package checkout_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/paywall/paywall/checkout"
	"github.com/paywall/paywall/internal/apilog"
	"github.com/paywall/paywall/store"
)

// failingSave is the app's store with the save of one state failing, after fn ran: the transaction that
// would have written the exchanges held for it rolls back.
type failingSave struct {
	*store.DB
	state checkout.State
}

func (f failingSave) UpdatePurchase(ctx context.Context, id string, fn func(*checkout.Purchase) error, events ...checkout.Event) (checkout.Purchase, error) {
	return f.DB.UpdatePurchase(ctx, id, func(p *checkout.Purchase) error {
		if err := fn(p); err != nil {
			return err
		}
		if p.State == f.state {
			return errors.New("disk full")
		}
		return nil
	}, events...)
}

// timeline is a purchase's events as "call name" and "state" in the order they were written.
func timeline(t *testing.T, db *store.DB, id string) string {
	t.Helper()
	events, err := db.Events(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range events {
		if e.Kind == checkout.EventCall {
			out = append(out, e.Call)
		} else {
			out = append(out, "→"+string(e.To))
		}
	}
	return strings.Join(out, " ")
}

// An API exchange waits for the change of the purchase it leads to and is written in its transaction, right
// before it; an exchange no change takes (a repeat confirmation, a save that failed) is still written.
func TestExchangesAreWrittenWithTheirChange(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		failState checkout.State // the save of this state fails ("" for none)
		confirms  int
		want      string
	}{
		{name: "bought and confirmed twice", confirms: 2,
			want: "→created payway.create_session →placing payway.place_order →placed payway.order →confirmed payway.order"},
		{name: "the save of placed fails", failState: checkout.StatePlaced,
			want: "→created payway.create_session →placing payway.place_order"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			rec := checkout.NewRecorder(f.db, f.clock.Now, nil)
			var held []string // what the timeline held while each call's exchange was being observed
			var id string
			f.pw.observe = func(ctx context.Context, ex apilog.Exchange) {
				rec.Observe(ctx, ex)
				if id != "" {
					held = append(held, timeline(t, f.db, id))
				}
			}
			svc := f.serviceOn(t, failingSave{DB: f.db, state: tc.failState})
			p, err := svc.Start(t.Context(), alice, "monthly", "/articles/a")
			if err != nil {
				t.Fatal(err)
			}
			id = p.ID
			_, err = svc.PlaceOrder(t.Context(), alice, id, checkout.OrderInput{AuthorizationToken: "auth"})
			if (err != nil) != (tc.failState != "") {
				t.Fatalf("place order: %v", err)
			}
			for range tc.confirms {
				if _, err := svc.Confirm(t.Context(), alice, id); err != nil {
					t.Fatal(err)
				}
			}
			if got := timeline(t, f.db, id); got != tc.want {
				t.Errorf("timeline %q, want %q", got, tc.want)
			}
			if slices.ContainsFunc(held, func(s string) bool { return strings.HasSuffix(s, "payway.place_order") }) {
				t.Errorf("place_order's exchange was written before its change was saved: %q", held)
			}
		})
	}
}
