package store

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/paywall/paywall/checkout"
)

// TestTokenKeyRotation: opened with a new key and the old one as previous, the store seals every sealed
// value again under the new key in one go (saved tokens, one-click purchase tokens and client tokens,
// session rows), records the new key, and afterwards opens with the new key alone and refuses the old.
func TestTokenKeyRotation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "app.db")
	oldKey, newKey := testTokenKey, []byte("the-new-token-key-of-32-bytes!!!")
	unrelated := []byte("an-unrelated-key-of-32-bytes!!!!")

	db, err := Open(ctx, path, WithTokenKey(oldKey))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.SaveToken(ctx, checkout.SavedToken{AccountID: "acc1", TokenID: "tok-1", CreatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	p := newOneClickPurchase(t, "acc1", "digital-plus", checkout.OneClickRecovering, t0)
	p.TokenID, p.ClientToken = "tok-1", "client-token-1"
	if err := db.CreateOneClickPurchase(ctx, p); err != nil {
		t.Fatal(err)
	}
	sealedSession, err := db.tokens.seal("session-values", "session:sess-1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Writer().ExecContext(ctx, `INSERT INTO sessions (id, data, expires_at, created_at, updated_at)
		VALUES ('sess-1', ?, 9999999999, 0, 0)`, []byte(sealedSession)); err != nil {
		t.Fatal(err)
	}
	before := rawSealed(t, db)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name     string
		key      []byte
		previous [][]byte
		wantErr  bool
	}{
		{"a new key without the old one as previous is refused", newKey, nil, true},
		{"a new key with an unrelated previous key is refused", newKey, [][]byte{unrelated}, true},
		{"the new key with the old one as previous rotates", newKey, [][]byte{unrelated, oldKey}, false},
		{"after the rotation the new key alone opens", newKey, nil, false},
		{"after the rotation the old key is refused", oldKey, nil, true},
	}
	for _, tt := range tests { // in order: each open sees what the one before left
		db, err := Open(ctx, path, WithTokenKey(tt.key, tt.previous...))
		if tt.wantErr {
			if !errors.Is(err, ErrTokenKey) {
				t.Fatalf("%s: Open = %v, want ErrTokenKey", tt.name, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: Open: %v", tt.name, err)
		}
		after := rawSealed(t, db)
		for col, v := range after {
			if bytes.Equal([]byte(v), []byte(before[col])) {
				t.Errorf("%s: %s is still sealed as before", tt.name, col)
			}
		}
		if tok, err := db.SavedToken(ctx, "acc1"); err != nil || tok.TokenID != "tok-1" {
			t.Errorf("%s: saved token %+v, %v", tt.name, tok, err)
		}
		if got, err := db.OneClickPurchase(ctx, p.ID); err != nil || got.TokenID != "tok-1" || got.ClientToken != "client-token-1" {
			t.Errorf("%s: purchase %+v, %v", tt.name, got, err)
		}
		if plain, err := db.tokens.open(after["sessions.data"], "session:sess-1"); err != nil || plain != "session-values" {
			t.Errorf("%s: session row opens as %q, %v", tt.name, plain, err)
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// rawSealed reads the sealed columns as stored.
func rawSealed(t *testing.T, db *DB) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, q := range []struct{ name, query string }{
		{"customer_tokens.sealed_token", `SELECT sealed_token FROM customer_tokens WHERE account_id = 'acc1'`},
		{"token_purchases.token_id", `SELECT token_id FROM token_purchases`},
		{"token_purchases.client_token", `SELECT client_token FROM token_purchases`},
		{"sessions.data", `SELECT CAST(data AS TEXT) FROM sessions WHERE id = 'sess-1'`},
	} {
		var v string
		if err := db.Reader().QueryRow(q.query).Scan(&v); err != nil {
			t.Fatalf("%s: %v", q.name, err)
		}
		out[q.name] = v
	}
	return out
}
