package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/paywall/paywall/checkout"
)

// The app's one-click Klarna customer tokens (migration 8): one per account, sealed with the token key.
// Payway's tokens (how the subscription is paid) are never here: Payway does not share them.

// errNoSavedToken is an account without a token: store.ErrNotFound and checkout.ErrNoSavedMethod both match.
var errNoSavedToken = fmt.Errorf("%w: %w", ErrNotFound, checkout.ErrNoSavedMethod)

// SavedToken reads the account's token, opened; an error matching checkout.ErrNoSavedMethod when there
// is none, ErrTokenKey when the store's key does not open it.
func (db *DB) SavedToken(ctx context.Context, accountID string) (checkout.SavedToken, error) {
	var (
		t       = checkout.SavedToken{AccountID: accountID}
		sealed  string
		created int64
	)
	err := db.queryRow(ctx, `SELECT sealed_token, purchase_id, created_at FROM customer_tokens
		WHERE account_id = ?`, accountID).Scan(&sealed, &t.PurchaseID, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return checkout.SavedToken{}, fmt.Errorf("store: saved token: %w", errNoSavedToken)
	}
	if err != nil {
		return checkout.SavedToken{}, fmt.Errorf("store: saved token: %w", err)
	}
	if t.TokenID, err = db.tokens.open(sealed, accountTokenWhere(accountID)); err != nil {
		return checkout.SavedToken{}, err
	}
	t.CreatedAt = time.Unix(created, 0).UTC()
	return t, nil
}

// SaveToken makes t the account's one token, sealed, and returns the token it replaced (TokenID "" when
// there was none), read in the same transaction so the caller can cancel it at Klarna.
func (db *DB) SaveToken(ctx context.Context, t checkout.SavedToken) (checkout.SavedToken, error) {
	if t.AccountID == "" || t.TokenID == "" {
		return checkout.SavedToken{}, errors.New("store: save token: account and token are required")
	}
	sealed, err := db.tokens.seal(t.TokenID, accountTokenWhere(t.AccountID))
	if err != nil {
		return checkout.SavedToken{}, err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return checkout.SavedToken{}, fmt.Errorf("store: save token: begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	replaced := checkout.SavedToken{AccountID: t.AccountID}
	var (
		old     string
		created int64
	)
	err = tx.QueryRowContext(ctx, `SELECT sealed_token, purchase_id, created_at FROM customer_tokens WHERE account_id = ?`,
		t.AccountID).Scan(&old, &replaced.PurchaseID, &created)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		replaced = checkout.SavedToken{}
	case err != nil:
		return checkout.SavedToken{}, fmt.Errorf("store: save token: %w", err)
	default:
		// A token this key cannot open is replaced all the same; there is nothing to cancel with it.
		replaced.TokenID, _ = db.tokens.open(old, accountTokenWhere(t.AccountID))
		replaced.CreatedAt = time.Unix(created, 0).UTC()
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO customer_tokens (account_id, sealed_token, purchase_id, created_at)
		VALUES (?, ?, ?, ?) ON CONFLICT (account_id) DO UPDATE SET sealed_token = excluded.sealed_token,
		purchase_id = excluded.purchase_id, created_at = excluded.created_at`,
		t.AccountID, sealed, t.PurchaseID, t.CreatedAt.Unix())
	if err != nil {
		return checkout.SavedToken{}, fmt.Errorf("store: save token: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return checkout.SavedToken{}, fmt.Errorf("store: save token: commit: %w", err)
	}
	return replaced, nil
}

// AdoptToken saves t as the account's token only when the account has none, and reports whether it
// did. Sandbox mode adopts a demo persona's token at login this way; a token the reader saved is never
// overwritten by it.
func (db *DB) AdoptToken(ctx context.Context, t checkout.SavedToken) (bool, error) {
	if t.AccountID == "" || t.TokenID == "" {
		return false, errors.New("store: adopt token: account and token are required")
	}
	sealed, err := db.tokens.seal(t.TokenID, accountTokenWhere(t.AccountID))
	if err != nil {
		return false, err
	}
	res, err := db.exec(ctx, `INSERT INTO customer_tokens (account_id, sealed_token, purchase_id, created_at)
		VALUES (?, ?, '', ?) ON CONFLICT (account_id) DO NOTHING`, t.AccountID, sealed, t.CreatedAt.Unix())
	if err != nil {
		return false, fmt.Errorf("store: adopt token: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: adopt token: %w", err)
	}
	return n == 1, nil
}

// ForgetToken deletes the account's token if it is still tokenID (a token saved meanwhile by another
// purchase stays) and reports whether it did.
func (db *DB) ForgetToken(ctx context.Context, accountID, tokenID string) (bool, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return false, fmt.Errorf("store: forget token: begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	var sealed string
	err = tx.QueryRowContext(ctx, `SELECT sealed_token FROM customer_tokens WHERE account_id = ?`, accountID).Scan(&sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: forget token: %w", err)
	}
	if current, err := db.tokens.open(sealed, accountTokenWhere(accountID)); err != nil || current != tokenID {
		return false, err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM customer_tokens WHERE account_id = ?`, accountID); err != nil {
		return false, fmt.Errorf("store: forget token: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("store: forget token: commit: %w", err)
	}
	return true, nil
}
