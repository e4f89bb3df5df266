package store

import (
	"context"
	"fmt"
	"time"

	"github.com/paywall/paywall/checkout"
)

// PurchasesInFlightSince lists subscription purchases whose place_order is in flight (placing) or
// unanswered (unknown) and that have not changed since before: the reconciler's work, oldest first. A
// purchase younger than its call's timeout is left alone, its call may still answer.
func (db *DB) PurchasesInFlightSince(ctx context.Context, before time.Time) ([]checkout.Purchase, error) {
	rows, err := db.reader.QueryContext(ctx, `SELECT `+purchaseColumns+` FROM purchases
		WHERE state IN (?, ?) AND updated_at < ? ORDER BY updated_at, rowid`,
		checkout.StatePlacing, checkout.StateUnknown, before.Unix())
	if err != nil {
		return nil, fmt.Errorf("store: purchases in flight: %w", err)
	}
	defer rows.Close()
	var out []checkout.Purchase
	for rows.Next() {
		p, err := db.scanPurchase(rows)
		if err != nil {
			return nil, fmt.Errorf("store: purchases in flight: %w", err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: purchases in flight: %w", err)
	}
	return out, nil
}

// OneClickPurchasesInFlightSince lists one-click purchases with a Klarna call in flight or unanswered that
// have not changed since before: a token charge not answered (created, unknown), or a recovery whose
// order call was claimed (ordering_since) before then. Oldest first.
func (db *DB) OneClickPurchasesInFlightSince(ctx context.Context, before time.Time) ([]checkout.OneClickPurchase, error) {
	rows, err := db.reader.QueryContext(ctx, `SELECT `+tokenPurchaseColumns+` FROM token_purchases
		WHERE (state IN (?, ?) AND updated_at < ?) OR (ordering_since <> 0 AND ordering_since < ?)
		ORDER BY updated_at, rowid`,
		checkout.OneClickCreated, checkout.OneClickUnknown, before.Unix(), before.Unix())
	if err != nil {
		return nil, fmt.Errorf("store: one-click purchases in flight: %w", err)
	}
	defer rows.Close()
	var out []checkout.OneClickPurchase
	for rows.Next() {
		p, err := db.scanOneClickPurchase(rows)
		if err != nil {
			return nil, fmt.Errorf("store: one-click purchases in flight: %w", err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: one-click purchases in flight: %w", err)
	}
	return out, nil
}
