package sandbox

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// tokenRow is one issued access/refresh pair. Only hashes are stored.
type tokenRow struct {
	ID               int64
	AccessSHA256     string
	RefreshSHA256    string // "" when the grant gives no refresh token
	ClientID         string
	AccountID        string // "" = token without identity
	Scope            string // space separated, as granted
	AccessExpiresAt  time.Time
	RefreshExpiresAt time.Time // zero when there is no refresh token
	RevokedAt        time.Time // zero while usable
}

// tokenHash is how tokens are stored and looked up.
func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

const tokenColumns = `id, access_sha256, refresh_sha256, client_id, account_id, scope, access_expires_at,
	refresh_expires_at, revoked_at`

func scanToken(row interface{ Scan(...any) error }) (tokenRow, error) {
	var t tokenRow
	var refresh, accountID sql.NullString
	var refreshExp, revoked sql.NullInt64
	var accessExp int64
	err := row.Scan(&t.ID, &t.AccessSHA256, &refresh, &t.ClientID, &accountID, &t.Scope, &accessExp, &refreshExp, &revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return tokenRow{}, errNotFound
	}
	if err != nil {
		return tokenRow{}, err
	}
	t.RefreshSHA256, t.AccountID = refresh.String, accountID.String
	t.AccessExpiresAt = time.Unix(accessExp, 0)
	if refreshExp.Valid {
		t.RefreshExpiresAt = time.Unix(refreshExp.Int64, 0)
	}
	if revoked.Valid {
		t.RevokedAt = time.Unix(revoked.Int64, 0)
	}
	return t, nil
}

func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

func nullUnix(t time.Time) sql.NullInt64 { return sql.NullInt64{Int64: t.Unix(), Valid: !t.IsZero()} }

// insertToken stores a newly issued pair and returns its row as stored (asStored).
func insertToken(ctx context.Context, tx *txn, t tokenRow, now time.Time) (tokenRow, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO tokens (access_sha256, refresh_sha256, client_id, account_id, scope,
		access_expires_at, refresh_expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		t.AccessSHA256, nullString(t.RefreshSHA256), t.ClientID, nullString(t.AccountID), t.Scope,
		t.AccessExpiresAt.Unix(), nullUnix(t.RefreshExpiresAt), now.Unix())
	if err != nil {
		return tokenRow{}, fmt.Errorf("sandbox: insert token: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return tokenRow{}, fmt.Errorf("sandbox: insert token: %w", err)
	}
	return t.asStored(id), nil
}

// asStored is a new pair's row as scanToken reads it back: its id, times to the second, not revoked.
func (t tokenRow) asStored(id int64) tokenRow {
	t.ID = id
	t.AccessExpiresAt = time.Unix(t.AccessExpiresAt.Unix(), 0)
	if !t.RefreshExpiresAt.IsZero() {
		t.RefreshExpiresAt = time.Unix(t.RefreshExpiresAt.Unix(), 0)
	}
	t.RevokedAt = time.Time{}
	return t
}

// issueToken stores a pair in its own transaction and puts its row into the token cache once it is
// committed: the pair's first call (the login's Me) then reads no row. A new pair is a new hash, so
// nothing older can be cached under it; a reset meanwhile (generation) keeps it out.
func (s *store) issueToken(ctx context.Context, t tokenRow, now time.Time) error {
	gen := s.tokens.generation()
	var stored tokenRow
	err := s.inTx(ctx, func(tx *txn) error {
		var err error
		stored, err = insertToken(ctx, tx, t, now)
		return err
	})
	if err != nil {
		return err
	}
	s.tokens.put(gen, stored)
	return nil
}

// tokenByAccess looks an access token up by its hash, in the token cache first; validity is the
// caller's decision.
func (s *store) tokenByAccess(ctx context.Context, accessHash string) (tokenRow, error) {
	if t, ok := s.tokens.get(accessHash); ok {
		return t, nil
	}
	gen := s.tokens.generation()
	t, err := scanToken(s.r.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM tokens WHERE access_sha256 = ?`, accessHash))
	if err != nil {
		return tokenRow{}, fmt.Errorf("sandbox: token by access: %w", err)
	}
	s.tokens.put(gen, t)
	return t, nil
}

// rotateRefresh atomically exchanges a refresh token: it loads the pair holding refreshHash (errNotFound
// when there is none), lets next decide on it (validation errors abort the exchange) and build the
// replacement, revokes the old pair and stores the new one. Doing it in one IMMEDIATE transaction means a
// refresh token works once even under concurrent use. next runs inside that transaction, so it must be
// quick: no hashing, no random tokens (mint them before). The old access token leaves the token cache
// once the transaction has ended, before the caller answers.
func (s *store) rotateRefresh(ctx context.Context, refreshHash string, now time.Time, next func(old tokenRow) (tokenRow, error)) error {
	var oldAccess string
	defer func() {
		if oldAccess != "" {
			s.tokens.invalidate(oldAccess)
		}
	}()
	return s.inTx(ctx, func(tx *txn) error {
		old, err := scanToken(tx.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM tokens WHERE refresh_sha256 = ?`, refreshHash))
		if err != nil {
			return fmt.Errorf("sandbox: token by refresh: %w", err)
		}
		oldAccess = old.AccessSHA256
		repl, err := next(old)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE tokens SET revoked_at = ? WHERE id = ?`, now.Unix(), old.ID); err != nil {
			return fmt.Errorf("sandbox: revoke token: %w", err)
		}
		_, err = insertToken(ctx, tx, repl, now)
		return err
	})
}
