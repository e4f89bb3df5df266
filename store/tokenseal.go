package store

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// Klarna customer tokens charge a customer's saved payment method without them: whoever reads one can
// spend with it. The store therefore never writes one in the clear. It seals each with AES-256-GCM under
// the app's token key (PAYWALL_TOKEN_KEY), binding the ciphertext to the row it belongs to (the account,
// or the purchase), so a sealed token copied to another row does not open either.

// TokenKeySize is the length of the token key: 32 bytes, AES-256.
const TokenKeySize = 32

// ErrTokenKey means a sealed token could not be opened, or the database's tokens were sealed with
// another key: the app's token key is wrong (or the row was tampered with). It is never "no token".
var ErrTokenKey = errors.New("store: the token key does not open the saved Klarna tokens (is PAYWALL_TOKEN_KEY the key they were sealed with?)")

// errNoTokenKey: a token was to be sealed or opened by a DB opened without WithTokenKey.
var errNoTokenKey = errors.New("store: no token key: open the database WithTokenKey to keep Klarna customer tokens")

// sealedPrefix marks a sealed value: the format's version, then base64url(nonce || ciphertext+tag).
const sealedPrefix = "v1."

// Option configures Open.
type Option func(*options)

type options struct {
	tokenKey []byte
	previous [][]byte
}

// WithTokenKey gives the store the 32-byte key it seals Klarna customer tokens (and session rows) with.
// Without it the store works for everything else and refuses to write or read a token. The first open
// with a key records the key's fingerprint; a later open with another key fails with ErrTokenKey.
//
// previous are keys the database may have been sealed with before (PAYWALL_TOKEN_KEY_PREVIOUS): when the
// recorded fingerprint is one of theirs, Open seals every sealed value again under key, in one
// transaction, and records key's fingerprint. That is how the key is rotated; afterwards the previous
// key is no longer needed.
func WithTokenKey(key []byte, previous ...[]byte) Option {
	return func(o *options) {
		o.tokenKey = append([]byte(nil), key...)
		for _, p := range previous {
			o.previous = append(o.previous, append([]byte(nil), p...))
		}
	}
}

// sealer seals and opens tokens under one key.
type sealer struct {
	aead        cipher.AEAD
	fingerprint string
}

// newSealers builds the current key's sealer and the previous keys'.
func newSealers(key []byte, previous [][]byte) (*sealer, []*sealer, error) {
	current, err := newSealer(key)
	if err != nil {
		return nil, nil, err
	}
	var prev []*sealer
	for i, k := range previous {
		s, err := newSealer(k)
		if err != nil {
			return nil, nil, fmt.Errorf("previous token key %d: %w", i+1, err)
		}
		prev = append(prev, s)
	}
	return current, prev, nil
}

func newSealer(key []byte) (*sealer, error) {
	if len(key) != TokenKeySize {
		return nil, fmt.Errorf("store: token key is %d bytes, want %d (64 hex characters)", len(key), TokenKeySize)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("store: token key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("store: token key: %w", err)
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte("paywall token key fingerprint v1"))
	return &sealer{aead: aead, fingerprint: hex.EncodeToString(mac.Sum(nil)[:16])}, nil
}

// aad binds a sealed value to where it is stored, e.g. "account:<id>".
func aad(where string) []byte { return []byte("paywall klarna customer token\x00" + where) }

// seal encrypts plain for where. "" stays "" (no token).
func (s *sealer) seal(plain, where string) (string, error) {
	if plain == "" {
		return "", nil
	}
	if s == nil {
		return "", errNoTokenKey
	}
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("store: seal token: %w", err)
	}
	out := s.aead.Seal(nonce, nonce, []byte(plain), aad(where))
	return sealedPrefix + base64.RawURLEncoding.EncodeToString(out), nil
}

// open decrypts a sealed value of where. "" stays "". A value that is not sealed, or does not open
// with this key for this row, is ErrTokenKey.
func (s *sealer) open(sealed, where string) (string, error) {
	if sealed == "" {
		return "", nil
	}
	if s == nil {
		return "", errNoTokenKey
	}
	raw, ok := strings.CutPrefix(sealed, sealedPrefix)
	if !ok {
		return "", fmt.Errorf("%w: %s holds a token that is not sealed", ErrTokenKey, where)
	}
	b, err := base64.RawURLEncoding.DecodeString(raw)
	if err != nil || len(b) < s.aead.NonceSize() {
		return "", fmt.Errorf("%w: %s holds a malformed sealed token", ErrTokenKey, where)
	}
	n := s.aead.NonceSize()
	plain, err := s.aead.Open(nil, b[:n], b[n:], aad(where))
	if err != nil {
		return "", fmt.Errorf("%w: the token of %s does not open", ErrTokenKey, where)
	}
	return string(plain), nil
}

// checkTokenKey records the key's fingerprint on the first open with a key and refuses another key
// later, then seals the one-click purchases' tokens written in the clear before migration 8. Both run
// in one transaction at Open, before anything can read a token.
func (db *DB) checkTokenKey(ctx context.Context) error {
	if db.tokens == nil {
		return nil
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return fmt.Errorf("store: token key: begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	var stored string
	err = tx.QueryRowContext(ctx, `SELECT fingerprint FROM token_key WHERE id = 1`).Scan(&stored)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		if _, err := tx.ExecContext(ctx, `INSERT INTO token_key (id, fingerprint) VALUES (1, ?)`, db.tokens.fingerprint); err != nil {
			return fmt.Errorf("store: token key: record fingerprint: %w", err)
		}
	case err != nil:
		return fmt.Errorf("store: token key: %w", err)
	case !hmac.Equal([]byte(stored), []byte(db.tokens.fingerprint)):
		old := db.previousKey(stored)
		if old == nil {
			return fmt.Errorf("%w (the database's tokens were sealed with key %s…, this key is %s…)", ErrTokenKey, stored[:8], db.tokens.fingerprint[:8])
		}
		if err := db.rotateTokenKey(ctx, tx, old); err != nil {
			return err
		}
	}
	if err := db.sealClearTokens(ctx, tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: token key: commit: %w", err)
	}
	return nil
}

// sealClearTokens seals token_purchases.token_id values written in the clear (before migration 8).
func (db *DB) sealClearTokens(ctx context.Context, tx *writeTx) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, token_id FROM token_purchases WHERE token_id <> '' AND token_id NOT LIKE 'v1.%'`)
	if err != nil {
		return fmt.Errorf("store: seal clear tokens: %w", err)
	}
	clear := map[string]string{}
	for rows.Next() {
		var id, token string
		if err := rows.Scan(&id, &token); err != nil {
			rows.Close()
			return fmt.Errorf("store: seal clear tokens: %w", err)
		}
		clear[id] = token
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: seal clear tokens: %w", err)
	}
	for id, token := range clear {
		sealed, err := db.tokens.seal(token, purchaseTokenWhere(id))
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE token_purchases SET token_id = ? WHERE id = ?`, sealed, id); err != nil {
			return fmt.Errorf("store: seal clear token of %s: %w", id, err)
		}
	}
	return nil
}

// accountTokenWhere and purchaseTokenWhere name the rows a sealed token is bound to.
func accountTokenWhere(accountID string) string { return "account:" + accountID }
func purchaseTokenWhere(id string) string       { return "purchase:" + id }

// previousKey is the previous key (WithTokenKey) with the fingerprint, or nil.
func (db *DB) previousKey(fingerprint string) *sealer {
	for _, s := range db.previousTokens {
		if hmac.Equal([]byte(s.fingerprint), []byte(fingerprint)) {
			return s
		}
	}
	return nil
}

// sealedColumn is one column holding sealed values, and how to name the row a value is bound to.
type sealedColumn struct {
	table, column, key string
	where              func(key string) string
}

// sealedColumns lists every column the token key seals (rows written before a column was sealed hold
// clear values, left as they are: they are sealed at their next save).
func sealedColumns() []sealedColumn {
	return []sealedColumn{
		{"customer_tokens", "sealed_token", "account_id", accountTokenWhere},
		{"token_purchases", "token_id", "id", purchaseTokenWhere},
		{"token_purchases", "client_token", "id", func(id string) string { return "client_token:" + id }},
		{"token_purchases", "callback_hash", "id", func(id string) string { return "callback_secret:" + id }}, // rows from before hashing
		{"sessions", "data", "id", func(id string) string { return "session:" + id }},
	}
}

// rotateTokenKey seals every sealed value again under the current key (they were sealed with old) and
// records the current key's fingerprint, inside tx: a rotation is all done or not at all.
func (db *DB) rotateTokenKey(ctx context.Context, tx *writeTx, old *sealer) error {
	n := 0
	for _, col := range sealedColumns() {
		rows, err := tx.QueryContext(ctx, `SELECT `+col.key+`, CAST(`+col.column+` AS TEXT) FROM `+col.table+
			` WHERE CAST(`+col.column+` AS TEXT) LIKE 'v1.%'`)
		if err != nil {
			return fmt.Errorf("store: rotate token key: %s: %w", col.table, err)
		}
		sealed := map[string]string{}
		for rows.Next() {
			var k, v string
			if err := rows.Scan(&k, &v); err != nil {
				rows.Close()
				return fmt.Errorf("store: rotate token key: %s: %w", col.table, err)
			}
			sealed[k] = v
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("store: rotate token key: %s: %w", col.table, err)
		}
		for k, v := range sealed {
			plain, err := old.open(v, col.where(k))
			if err != nil {
				return fmt.Errorf("store: rotate token key: %s.%s of %s: %w", col.table, col.column, k, err)
			}
			again, err := db.tokens.seal(plain, col.where(k))
			if err != nil {
				return err
			}
			var value any = again
			if col.table == "sessions" {
				value = []byte(again) // the column is a BLOB
			}
			if _, err := tx.ExecContext(ctx, `UPDATE `+col.table+` SET `+col.column+` = ? WHERE `+col.key+` = ?`, value, k); err != nil {
				return fmt.Errorf("store: rotate token key: %s: %w", col.table, err)
			}
			n++
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE token_key SET fingerprint = ? WHERE id = 1`, db.tokens.fingerprint); err != nil {
		return fmt.Errorf("store: rotate token key: record fingerprint: %w", err)
	}
	return nil
}
