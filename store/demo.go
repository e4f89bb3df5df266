package store

import (
	"context"
	"fmt"
	"time"
)

// checkout.Purchase kinds as the demo console lists them: the two journeys keep their purchases in two tables but
// share one timeline (purchase_events) and one id space (checkout.NewID).
const (
	KindSubscription = "subscription" // purchases: Payway's purchase flow
	KindOneClick     = "one-click"    // token_purchases: Klarna's saved token, with its step-up recovery
)

// PurchaseSummary is one line of the demo console's purchase list, whichever journey the purchase took.
type PurchaseSummary struct {
	ID        string
	Kind      string // KindSubscription or KindOneClick
	AccountID string
	OfferID   string
	State     string
	CreatedAt time.Time
}

// RecentPurchases lists the newest purchases of both kinds, newest first: of one account, or of every
// account when accountID is "" (the demo admin). limit bounds the list (at least 1).
func (db *DB) RecentPurchases(ctx context.Context, accountID string, limit int) ([]PurchaseSummary, error) {
	limit = max(limit, 1)
	// One UNION query rather than two lists merged in Go, so the limit applies to the merged order.
	rows, err := db.reader.QueryContext(ctx, `
		SELECT id, kind, account_id, offer_id, state, created_at FROM (
			SELECT id, ? AS kind, account_id, offer_id, state, created_at, rowid AS r FROM purchases
			WHERE ? = '' OR account_id = ?
			UNION ALL
			SELECT id, ? AS kind, account_id, offer_id, state, created_at, rowid AS r FROM token_purchases
			WHERE ? = '' OR account_id = ?
		) ORDER BY created_at DESC, r DESC LIMIT ?`,
		KindSubscription, accountID, accountID, KindOneClick, accountID, accountID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: recent purchases: %w", err)
	}
	defer rows.Close()
	var out []PurchaseSummary
	for rows.Next() {
		var (
			s       PurchaseSummary
			created int64
		)
		if err := rows.Scan(&s.ID, &s.Kind, &s.AccountID, &s.OfferID, &s.State, &created); err != nil {
			return nil, fmt.Errorf("store: recent purchases: %w", err)
		}
		s.CreatedAt = time.Unix(created, 0).UTC()
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: recent purchases: %w", err)
	}
	return out, nil
}

// demoTables are emptied by ResetDemoData, children first. Articles stay: they are content, not activity;
// so does the token key's fingerprint.
var demoTables = []string{"purchase_events", "token_purchase_callbacks", "token_purchases", "purchases", "sessions",
	"customer_tokens"}

// ResetDemoData deletes every purchase of both kinds with its timeline and callbacks, every saved Klarna
// token and every session (so everybody is logged out), in one transaction: the demo console's "reset"
// pairs it with the sandbox's reset, after which no purchase or token may point at a Payway or Klarna
// session or token that no longer exists (the personas' tokens are adopted again at their next login).
func (db *DB) ResetDemoData(ctx context.Context) error {
	defer db.sessions.Clear()  // every session row goes below
	defer db.purchases.Clear() // and every purchase
	tx, err := db.begin(ctx)
	if err != nil {
		return fmt.Errorf("store: reset demo data: begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	for _, t := range demoTables {
		// t comes from the list above, never from a request.
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+t); err != nil {
			return fmt.Errorf("store: reset demo data: empty %s: %w", t, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: reset demo data: commit: %w", err)
	}
	return nil
}
