package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/paywall/paywall/checkout"
)

const tokenPurchaseColumns = `id, account_id, offer_id, token_id, idempotency_key, order_request, state, failure_code,
	step_up_id, klarna_session_id, client_token, hpp_session_id, hpp_redirect_url, hpp_mode, callback_hash, method,
	last_outcome, ordering_since, order_id, created_at, updated_at, one_time, save_consent, token_saved, categories_json,
	chosen_category, locale`

// CreateOneClickPurchase stores a new token purchase.
func (db *DB) CreateOneClickPurchase(ctx context.Context, p checkout.OneClickPurchase) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return fmt.Errorf("store: create one-click purchase: begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	if err := db.insertOneClickPurchase(ctx, tx, p); err != nil {
		return fmt.Errorf("store: create one-click purchase: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: create one-click purchase: commit: %w", err)
	}
	return nil
}

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// insertOneClickPurchase writes a new one-click purchase and its first timeline event (in tx).
func (db *DB) insertOneClickPurchase(ctx context.Context, tx *writeTx, p checkout.OneClickPurchase) error {
	if err := db.insertOneClickRow(ctx, tx, p); err != nil {
		return err
	}
	return insertEvent(ctx, tx, checkout.OneClickStarted(p))
}

// insertOneClickRow writes the row, the charged token sealed for this purchase (the token is never
// stored in the clear).
func (db *DB) insertOneClickRow(ctx context.Context, x execer, p checkout.OneClickPurchase) error {
	sealed, err := db.tokens.seal(p.TokenID, purchaseTokenWhere(p.ID))
	if err != nil {
		return err
	}
	clientToken, secret, err := db.sealPurchaseSecrets(p)
	if err != nil {
		return err
	}
	categories, err := db.categories.encode(p.Categories)
	if err != nil {
		return err
	}
	_, err = x.ExecContext(ctx, `INSERT INTO token_purchases (`+tokenPurchaseColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.ID, p.AccountID, p.OfferID, sealed, p.IdempotencyKey, p.OrderRequest, p.State, p.FailureCode,
		p.StepUpID, p.KlarnaSessionID, clientToken, p.HPPSessionID, p.HPPRedirectURL, p.HPPMode, secret,
		p.Method, p.LastOutcome, unixOrZero(p.OrderingSince), p.OrderID, p.CreatedAt.Unix(), p.UpdatedAt.Unix(), p.OneTime,
		p.SaveConsent, p.TokenSaved, categories, p.ChosenCategory, p.Locale)
	return err
}

// checkout.OneClickPurchase reads one token purchase, or an error wrapping ErrNotFound.
func (db *DB) OneClickPurchase(ctx context.Context, id string) (checkout.OneClickPurchase, error) {
	p, err := db.scanOneClickPurchase(db.queryRow(ctx, `SELECT `+tokenPurchaseColumns+` FROM token_purchases WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return checkout.OneClickPurchase{}, fmt.Errorf("store: token purchase: %w", errPurchaseNotFound)
	}
	if err != nil {
		return checkout.OneClickPurchase{}, fmt.Errorf("store: token purchase: %w", err)
	}
	return p, nil
}

// OwnedOneTimeOffers lists the one-time offers the account has bought (a completed purchase): what the
// account page must not offer again. It reads the token_purchases_owned index only, and no sealed token.
func (db *DB) OwnedOneTimeOffers(ctx context.Context, accountID string) ([]string, error) {
	rows, err := db.query(ctx, `SELECT DISTINCT offer_id FROM token_purchases
		WHERE account_id = ? AND one_time = 1 AND state = 'completed'`, accountID)
	if err != nil {
		return nil, fmt.Errorf("store: owned offers: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: owned offers: %w", err)
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: owned offers: %w", err)
	}
	return out, nil
}

// OneClickPurchasesOf returns an account's token purchases, newest first.
func (db *DB) OneClickPurchasesOf(ctx context.Context, accountID string) ([]checkout.OneClickPurchase, error) {
	rows, err := db.reader.QueryContext(ctx, `SELECT `+tokenPurchaseColumns+` FROM token_purchases
		WHERE account_id = ? ORDER BY created_at DESC, rowid DESC`, accountID)
	if err != nil {
		return nil, fmt.Errorf("store: token purchases: %w", err)
	}
	defer rows.Close()
	var out []checkout.OneClickPurchase
	for rows.Next() {
		p, err := db.scanOneClickPurchase(rows)
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

// ReuseOrCreateOneClickPurchase looks, in one IMMEDIATE transaction (which also refuses a one-time item
// the account owns, with checkout.ErrAlreadyOwned), at the account's newest purchase of
// fresh's offer created at or after since: when reuse accepts it (and may change it), it is saved and
// returned with reused true; otherwise fresh is inserted. Doing both in one transaction is what makes a
// double click on "buy" find the first click's purchase, and so its idempotency key, instead of opening a
// second purchase with a key of its own.
func (db *DB) ReuseOrCreateOneClickPurchase(ctx context.Context, fresh checkout.OneClickPurchase, since time.Time, reuse func(*checkout.OneClickPurchase) bool) (checkout.OneClickPurchase, bool, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return checkout.OneClickPurchase{}, false, fmt.Errorf("store: start token purchase: begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	latest, err := db.scanOneClickPurchase(tx.QueryRowContext(ctx, `SELECT `+tokenPurchaseColumns+` FROM token_purchases
		WHERE account_id = ? AND offer_id = ? AND created_at >= ? ORDER BY created_at DESC, rowid DESC LIMIT 1`,
		fresh.AccountID, fresh.OfferID, since.Unix()))
	before := latest
	switch {
	case err == nil && reuse(&latest):
		if err := db.saveOneClickPurchase(ctx, tx, before, latest); err != nil {
			return checkout.OneClickPurchase{}, false, fmt.Errorf("store: start token purchase: %w", err)
		}
		if err := tx.Commit(); err != nil {
			return checkout.OneClickPurchase{}, false, fmt.Errorf("store: start token purchase: commit: %w", err)
		}
		return latest, true, nil
	case err != nil && !errors.Is(err, sql.ErrNoRows):
		return checkout.OneClickPurchase{}, false, fmt.Errorf("store: start token purchase: %w", err)
	}
	if fresh.OneTime {
		// Checked and refused inside the transaction that would create the purchase: two tabs cannot
		// both find the item not yet owned.
		owned, err := db.scanOneClickPurchase(tx.QueryRowContext(ctx, `SELECT `+tokenPurchaseColumns+` FROM token_purchases
			WHERE account_id = ? AND offer_id = ? AND one_time = 1 AND state = ? LIMIT 1`,
			fresh.AccountID, fresh.OfferID, checkout.OneClickCompleted))
		switch {
		case err == nil:
			return owned, false, checkout.ErrAlreadyOwned
		case !errors.Is(err, sql.ErrNoRows):
			return checkout.OneClickPurchase{}, false, fmt.Errorf("store: start token purchase: owned: %w", err)
		}
	}
	if err := db.insertOneClickPurchase(ctx, tx, fresh); err != nil {
		return checkout.OneClickPurchase{}, false, fmt.Errorf("store: start token purchase: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return checkout.OneClickPurchase{}, false, fmt.Errorf("store: start token purchase: commit: %w", err)
	}
	return fresh, false, nil
}

// UpdateOneClickPurchase reads the token purchase and applies fn to it inside one IMMEDIATE transaction, then
// saves it, like UpdatePurchase: fn sees the latest state, which is what lets exactly one of two
// concurrent requests claim the recovery's order. An error from fn aborts without saving and is returned
// as is.
func (db *DB) UpdateOneClickPurchase(ctx context.Context, id string, fn func(*checkout.OneClickPurchase) error) (checkout.OneClickPurchase, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return checkout.OneClickPurchase{}, fmt.Errorf("store: update token purchase: begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	p, err := db.scanOneClickPurchase(tx.QueryRowContext(ctx, `SELECT `+tokenPurchaseColumns+` FROM token_purchases WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return checkout.OneClickPurchase{}, fmt.Errorf("store: update token purchase: %w", errPurchaseNotFound)
	}
	if err != nil {
		return checkout.OneClickPurchase{}, fmt.Errorf("store: update token purchase: %w", err)
	}
	before := p
	if err := fn(&p); err != nil {
		return checkout.OneClickPurchase{}, err
	}
	if err := db.saveOneClickPurchase(ctx, tx, before, p); err != nil {
		return checkout.OneClickPurchase{}, fmt.Errorf("store: update token purchase: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return checkout.OneClickPurchase{}, fmt.Errorf("store: update token purchase: commit: %w", err)
	}
	return p, nil
}

// saveOneClickPurchase writes the mutable columns of a one-click purchase that was before and is now p,
// with the timeline event of its state change (checkout.OneClickChange), if any, in the same tx. The
// charged token is not among them: it never changes.
func (db *DB) saveOneClickPurchase(ctx context.Context, tx *writeTx, before, p checkout.OneClickPurchase) error {
	categories, err := db.categories.encode(p.Categories)
	if err != nil {
		return err
	}
	clientToken, secret, err := db.sealPurchaseSecrets(p)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE token_purchases SET state = ?, failure_code = ?, step_up_id = ?,
		klarna_session_id = ?, client_token = ?, hpp_session_id = ?, hpp_redirect_url = ?, hpp_mode = ?,
		callback_hash = ?, method = ?, last_outcome = ?, ordering_since = ?, order_id = ?, updated_at = ?,
		save_consent = ?, token_saved = ?, categories_json = ?, chosen_category = ?
		WHERE id = ?`,
		p.State, p.FailureCode, p.StepUpID, p.KlarnaSessionID, clientToken, p.HPPSessionID, p.HPPRedirectURL,
		p.HPPMode, secret, p.Method, p.LastOutcome, unixOrZero(p.OrderingSince), p.OrderID,
		p.UpdatedAt.Unix(), p.SaveConsent, p.TokenSaved, categories, p.ChosenCategory, p.ID)
	if err != nil {
		return err
	}
	if ev := checkout.OneClickChange(before, p); ev != nil {
		return insertEvent(ctx, tx, *ev)
	}
	return nil
}

// AddHPPCallback records that an HPP status callback (by Klarna's event_id) has been handled for a
// token purchase. added is false when that event was recorded before: a duplicate.
func (db *DB) AddHPPCallback(ctx context.Context, purchaseID, eventID, status string, at time.Time) (added bool, err error) {
	res, err := db.exec(ctx, `INSERT INTO token_purchase_callbacks (purchase_id, event_id, status, received_at)
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

// HPPCallbackSeen reports whether an HPP status callback event was already handled.
func (db *DB) HPPCallbackSeen(ctx context.Context, purchaseID, eventID string) (bool, error) {
	var n int
	err := db.reader.QueryRowContext(ctx, `SELECT count(*) FROM token_purchase_callbacks WHERE purchase_id = ? AND event_id = ?`,
		purchaseID, eventID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: token callback seen: %w", err)
	}
	return n > 0, nil
}

// scanOneClickPurchase reads a row, opening its sealed token (ErrTokenKey when the key does not).
func (db *DB) scanOneClickPurchase(s scanner) (checkout.OneClickPurchase, error) {
	var (
		p                          checkout.OneClickPurchase
		ordering, created, updated int64
		sealed, categories         string
	)
	err := s.Scan(&p.ID, &p.AccountID, &p.OfferID, &sealed, &p.IdempotencyKey, &p.OrderRequest, &p.State,
		&p.FailureCode, &p.StepUpID, &p.KlarnaSessionID, &p.ClientToken, &p.HPPSessionID, &p.HPPRedirectURL,
		&p.HPPMode, &p.CallbackHash, &p.Method, &p.LastOutcome, &ordering, &p.OrderID, &created, &updated, &p.OneTime,
		&p.SaveConsent, &p.TokenSaved, &categories, &p.ChosenCategory, &p.Locale)
	if err != nil {
		return checkout.OneClickPurchase{}, err
	}
	if p.TokenID, err = db.tokens.open(sealed, purchaseTokenWhere(p.ID)); err != nil {
		return checkout.OneClickPurchase{}, err
	}
	if p.ClientToken, err = db.openLegacy(p.ClientToken, "client_token:"+p.ID); err != nil {
		return checkout.OneClickPurchase{}, err
	}
	if !checkout.IsCallbackHash(p.CallbackHash) && p.CallbackHash != "" {
		// A row from before hashing holds the secret itself (sealed, or older still in the clear):
		// read as its hash, and written back as one at the purchase's next save.
		secret, err := db.openLegacy(p.CallbackHash, "callback_secret:"+p.ID)
		if err != nil {
			return checkout.OneClickPurchase{}, err
		}
		p.CallbackHash = checkout.CallbackHash(secret)
	}
	if p.Categories, err = db.categories.decode(categories); err != nil {
		return checkout.OneClickPurchase{}, fmt.Errorf("store: %s: %w", p.ID, err)
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

// sealPurchaseSecrets seals what a one-click purchase keeps that would let someone act on it, the Klarna
// client token of its step-up session, and passes on the hash of its hosted page's callback secret (a
// hash needs no sealing: the secret itself is kept nowhere).
func (db *DB) sealPurchaseSecrets(p checkout.OneClickPurchase) (clientToken, callbackHash string, err error) {
	if clientToken, err = db.tokens.seal(p.ClientToken, "client_token:"+p.ID); err != nil {
		return "", "", err
	}
	if p.CallbackHash != "" && !checkout.IsCallbackHash(p.CallbackHash) {
		return "", "", fmt.Errorf("store: purchase %s: CallbackHash is not a checkout.CallbackHash", p.ID)
	}
	return clientToken, p.CallbackHash, nil
}

// openLegacy opens a sealed value, and passes through one written in the clear before these columns were
// sealed (it is sealed at the purchase's next save).
func (db *DB) openLegacy(value, where string) (string, error) {
	if !strings.HasPrefix(value, sealedPrefix) {
		return value, nil
	}
	return db.tokens.open(value, where)
}
