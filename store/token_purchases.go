package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Token purchase states. The checkout package owns the rules between them; the store only keeps them.
const (
	TokenStateCreated    = "created"
	TokenStateCompleted  = "completed"
	TokenStateRecovering = "recovering"
	TokenStateFailed     = "failed"
)

// TokenPurchase is a one-click purchase charged to the customer's saved Klarna customer token and, when
// Klarna asks for a step-up, its recovery.
type TokenPurchase struct {
	ID        string // random and opaque: the only id in URLs (NewPurchaseID)
	AccountID string // Payway account of the owner
	OfferID   string
	TokenID   string // the Klarna customer token charged: a secret, never shown
	// IdempotencyKey is the Klarna-Idempotency-Key of the token order, stored before the call so a retry
	// after a timeout reuses it.
	IdempotencyKey string
	// OrderRequest is the token order's JSON as first sent: a retry must send the same body with the key,
	// and the recovery session and order reuse its cart.
	OrderRequest string
	State        string
	FailureCode  string
	StepUpID     string
	// The step-up payment session and the current hosted payment page session.
	KlarnaSessionID string
	ClientToken     string
	HPPSessionID    string
	HPPRedirectURL  string
	HPPMode         string // place_order_mode of the HPP session
	CallbackSecret  string // per-recovery secret in the HPP status_update URL
	Method          string // token, sdk or hpp: how the order was made
	LastOutcome     string
	// OrderingSince is when the current order call was claimed; zero when none is in flight.
	OrderingSince time.Time
	OrderID       string
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

const tokenPurchaseColumns = `id, account_id, offer_id, token_id, idempotency_key, order_request, state, failure_code,
	step_up_id, klarna_session_id, client_token, hpp_session_id, hpp_redirect_url, hpp_mode, callback_secret, method,
	last_outcome, ordering_since, order_id, created_at, updated_at`

// CreateTokenPurchase stores a new token purchase.
func (db *DB) CreateTokenPurchase(ctx context.Context, p TokenPurchase) error {
	if err := insertTokenPurchase(ctx, db.writer, p); err != nil {
		return fmt.Errorf("store: create token purchase: %w", err)
	}
	return nil
}

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func insertTokenPurchase(ctx context.Context, x execer, p TokenPurchase) error {
	_, err := x.ExecContext(ctx, `INSERT INTO token_purchases (`+tokenPurchaseColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.ID, p.AccountID, p.OfferID, p.TokenID, p.IdempotencyKey, p.OrderRequest, p.State, p.FailureCode,
		p.StepUpID, p.KlarnaSessionID, p.ClientToken, p.HPPSessionID, p.HPPRedirectURL, p.HPPMode, p.CallbackSecret,
		p.Method, p.LastOutcome, unixOrZero(p.OrderingSince), p.OrderID, p.CreatedAt.Unix(), p.UpdatedAt.Unix())
	return err
}

// TokenPurchase reads one token purchase, or an error wrapping ErrNotFound.
func (db *DB) TokenPurchase(ctx context.Context, id string) (TokenPurchase, error) {
	p, err := scanTokenPurchase(db.reader.QueryRowContext(ctx, `SELECT `+tokenPurchaseColumns+` FROM token_purchases WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return TokenPurchase{}, fmt.Errorf("store: token purchase: %w", ErrNotFound)
	}
	if err != nil {
		return TokenPurchase{}, fmt.Errorf("store: token purchase: %w", err)
	}
	return p, nil
}

// TokenPurchasesOf returns an account's token purchases, newest first.
func (db *DB) TokenPurchasesOf(ctx context.Context, accountID string) ([]TokenPurchase, error) {
	rows, err := db.reader.QueryContext(ctx, `SELECT `+tokenPurchaseColumns+` FROM token_purchases
		WHERE account_id = ? ORDER BY created_at DESC, rowid DESC`, accountID)
	if err != nil {
		return nil, fmt.Errorf("store: token purchases: %w", err)
	}
	defer rows.Close()
	var out []TokenPurchase
	for rows.Next() {
		p, err := scanTokenPurchase(rows)
		if err != nil {
			return nil, fmt.Errorf("store: token purchases: %w", err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: token purchases: %w", err)
	}
	return out, nil
}

// ReuseOrCreateTokenPurchase looks, in one IMMEDIATE transaction, at the account's newest purchase of
// fresh's offer created at or after since: when reuse accepts it (and may change it), it is saved and
// returned with reused true; otherwise fresh is inserted. Doing both in one transaction is what makes a
// double click on "buy" find the first click's purchase, and so its idempotency key, instead of opening a
// second purchase with a key of its own.
func (db *DB) ReuseOrCreateTokenPurchase(ctx context.Context, fresh TokenPurchase, since time.Time, reuse func(*TokenPurchase) bool) (TokenPurchase, bool, error) {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return TokenPurchase{}, false, fmt.Errorf("store: start token purchase: begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	latest, err := scanTokenPurchase(tx.QueryRowContext(ctx, `SELECT `+tokenPurchaseColumns+` FROM token_purchases
		WHERE account_id = ? AND offer_id = ? AND created_at >= ? ORDER BY created_at DESC, rowid DESC LIMIT 1`,
		fresh.AccountID, fresh.OfferID, since.Unix()))
	switch {
	case err == nil && reuse(&latest):
		if err := saveTokenPurchase(ctx, tx, latest); err != nil {
			return TokenPurchase{}, false, fmt.Errorf("store: start token purchase: %w", err)
		}
		if err := tx.Commit(); err != nil {
			return TokenPurchase{}, false, fmt.Errorf("store: start token purchase: commit: %w", err)
		}
		return latest, true, nil
	case err != nil && !errors.Is(err, sql.ErrNoRows):
		return TokenPurchase{}, false, fmt.Errorf("store: start token purchase: %w", err)
	}
	if err := insertTokenPurchase(ctx, tx, fresh); err != nil {
		return TokenPurchase{}, false, fmt.Errorf("store: start token purchase: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return TokenPurchase{}, false, fmt.Errorf("store: start token purchase: commit: %w", err)
	}
	return fresh, false, nil
}

// UpdateTokenPurchase reads the token purchase and applies fn to it inside one IMMEDIATE transaction, then
// saves it, like UpdatePurchase: fn sees the latest state, which is what lets exactly one of two
// concurrent requests claim the recovery's order. An error from fn aborts without saving and is returned
// as is.
func (db *DB) UpdateTokenPurchase(ctx context.Context, id string, fn func(*TokenPurchase) error) (TokenPurchase, error) {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return TokenPurchase{}, fmt.Errorf("store: update token purchase: begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	p, err := scanTokenPurchase(tx.QueryRowContext(ctx, `SELECT `+tokenPurchaseColumns+` FROM token_purchases WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return TokenPurchase{}, fmt.Errorf("store: update token purchase: %w", ErrNotFound)
	}
	if err != nil {
		return TokenPurchase{}, fmt.Errorf("store: update token purchase: %w", err)
	}
	if err := fn(&p); err != nil {
		return TokenPurchase{}, err
	}
	if err := saveTokenPurchase(ctx, tx, p); err != nil {
		return TokenPurchase{}, fmt.Errorf("store: update token purchase: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return TokenPurchase{}, fmt.Errorf("store: update token purchase: commit: %w", err)
	}
	return p, nil
}

// saveTokenPurchase writes every mutable column; id, account, offer, token, key and request never change.
func saveTokenPurchase(ctx context.Context, tx *sql.Tx, p TokenPurchase) error {
	_, err := tx.ExecContext(ctx, `UPDATE token_purchases SET state = ?, failure_code = ?, step_up_id = ?,
		klarna_session_id = ?, client_token = ?, hpp_session_id = ?, hpp_redirect_url = ?, hpp_mode = ?,
		callback_secret = ?, method = ?, last_outcome = ?, ordering_since = ?, order_id = ?, updated_at = ?
		WHERE id = ?`,
		p.State, p.FailureCode, p.StepUpID, p.KlarnaSessionID, p.ClientToken, p.HPPSessionID, p.HPPRedirectURL,
		p.HPPMode, p.CallbackSecret, p.Method, p.LastOutcome, unixOrZero(p.OrderingSince), p.OrderID,
		p.UpdatedAt.Unix(), p.ID)
	return err
}

// AddTokenCallback records that an HPP status callback (by Klarna's event_id) has been handled for a
// token purchase. added is false when that event was recorded before: a duplicate.
func (db *DB) AddTokenCallback(ctx context.Context, purchaseID, eventID, status string, at time.Time) (added bool, err error) {
	res, err := db.writer.ExecContext(ctx, `INSERT INTO token_purchase_callbacks (purchase_id, event_id, status, received_at)
		VALUES (?, ?, ?, ?) ON CONFLICT (purchase_id, event_id) DO NOTHING`, purchaseID, eventID, status, at.Unix())
	if err != nil {
		return false, fmt.Errorf("store: add token callback: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: add token callback: %w", err)
	}
	return n == 1, nil
}

// TokenCallbackSeen reports whether an HPP status callback event was already handled.
func (db *DB) TokenCallbackSeen(ctx context.Context, purchaseID, eventID string) (bool, error) {
	var n int
	err := db.reader.QueryRowContext(ctx, `SELECT count(*) FROM token_purchase_callbacks WHERE purchase_id = ? AND event_id = ?`,
		purchaseID, eventID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: token callback seen: %w", err)
	}
	return n > 0, nil
}

func scanTokenPurchase(s scanner) (TokenPurchase, error) {
	var (
		p                          TokenPurchase
		ordering, created, updated int64
	)
	err := s.Scan(&p.ID, &p.AccountID, &p.OfferID, &p.TokenID, &p.IdempotencyKey, &p.OrderRequest, &p.State,
		&p.FailureCode, &p.StepUpID, &p.KlarnaSessionID, &p.ClientToken, &p.HPPSessionID, &p.HPPRedirectURL,
		&p.HPPMode, &p.CallbackSecret, &p.Method, &p.LastOutcome, &ordering, &p.OrderID, &created, &updated)
	if err != nil {
		return TokenPurchase{}, err
	}
	if ordering != 0 {
		p.OrderingSince = time.Unix(ordering, 0).UTC()
	}
	p.CreatedAt, p.UpdatedAt = time.Unix(created, 0).UTC(), time.Unix(updated, 0).UTC()
	return p, nil
}

// unixOrZero stores the zero time as 0 rather than its (negative) Unix value.
func unixOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}
