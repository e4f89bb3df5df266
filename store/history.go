package store

import (
	"context"
	"fmt"
	"time"
)

// Bought is a completed purchase of either kind as the account page lists it: what was bought, when, and
// the upstream order id (Payway's or Klarna's) that customer service may need next to our reference.
type Bought struct {
	ID      string
	Kind    string // KindSubscription or KindOneClick
	OfferID string
	OrderID string // "" when Payway's answer was lost and only session_completed told us it bought
	At      time.Time
}

// BoughtBy lists the account's completed purchases of both kinds (subscriptions Payway placed, one-click
// purchases Klarna ordered), newest first, at most limit (at least 1).
func (db *DB) BoughtBy(ctx context.Context, accountID string, limit int) ([]Bought, error) {
	rows, err := db.query(ctx, `
		SELECT id, kind, offer_id, order_id, updated_at FROM (
			SELECT id, ? AS kind, offer_id, order_id, updated_at, rowid AS r FROM purchases
			WHERE account_id = ? AND state IN ('placed', 'confirmed')
			UNION ALL
			SELECT id, ? AS kind, offer_id, order_id, updated_at, rowid AS r FROM token_purchases
			WHERE account_id = ? AND state = 'completed'
		) ORDER BY updated_at DESC, r DESC LIMIT ?`,
		KindSubscription, accountID, KindOneClick, accountID, max(limit, 1))
	if err != nil {
		return nil, fmt.Errorf("store: bought: %w", err)
	}
	defer rows.Close()
	var out []Bought
	for rows.Next() {
		var (
			b  Bought
			at int64
		)
		if err := rows.Scan(&b.ID, &b.Kind, &b.OfferID, &b.OrderID, &at); err != nil {
			return nil, fmt.Errorf("store: bought: %w", err)
		}
		b.At = time.Unix(at, 0).UTC()
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: bought: %w", err)
	}
	return out, nil
}
