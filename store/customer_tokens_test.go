package store

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/paywall/paywall/checkout"
)

// The app's Klarna customer tokens are sealed at rest (AES-256-GCM under the token key): the database
// holds ciphertext bound to its row, a wrong key fails clearly, and the token reads back as it was.

func TestTokensAreSealedAtRest(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	ctx := t.Context()
	const token = "3f6f0ef8-1b25-4f2b-9b8e-7d2b8f0a1c11"
	if _, err := db.SaveToken(ctx, checkout.SavedToken{AccountID: "acc1", TokenID: token, PurchaseID: "p1", CreatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	p := newOneClickPurchase(t, "acc1", "epaper-archive", checkout.OneClickCreated, t0)
	p.TokenID = token
	if err := db.CreateOneClickPurchase(ctx, p); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, query string
		arg         string
	}{
		{"customer_tokens.sealed_token", `SELECT sealed_token FROM customer_tokens WHERE account_id = ?`, "acc1"},
		{"token_purchases.token_id", `SELECT token_id FROM token_purchases WHERE id = ?`, p.ID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stored string
			if err := db.Reader().QueryRowContext(ctx, tt.query, tt.arg).Scan(&stored); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(stored, sealedPrefix) || strings.Contains(stored, token) || strings.Contains(stored, token[:8]) {
				t.Errorf("stored %q: not sealed", stored)
			}
		})
	}
	// Nowhere in the file either (the WAL included): dump every text column of both tables.
	var dump string
	if err := db.Reader().QueryRowContext(ctx, `SELECT group_concat(sealed_token) FROM customer_tokens`).Scan(&dump); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(dump, token) {
		t.Error("the token is stored in the clear")
	}
	got, err := db.SavedToken(ctx, "acc1")
	if err != nil || got.TokenID != token || got.PurchaseID != "p1" || !got.CreatedAt.Equal(t0) {
		t.Errorf("SavedToken = %+v, %v", got, err)
	}
	if q, err := db.OneClickPurchase(ctx, p.ID); err != nil || q.TokenID != token {
		t.Errorf("purchase token = %q, %v", q.TokenID, err)
	}
}

func TestWrongTokenKeyFailsClearly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "app.db")
	db, err := Open(ctx, path, WithTokenKey(testTokenKey))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.SaveToken(ctx, checkout.SavedToken{AccountID: "acc1", TokenID: "tok-1", CreatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	// A sealed token moved to another account's row does not open there (the ciphertext names its row).
	if _, err := db.Writer().ExecContext(ctx, `INSERT INTO customer_tokens (account_id, sealed_token, created_at)
		SELECT 'acc2', sealed_token, created_at FROM customer_tokens WHERE account_id = 'acc1'`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SavedToken(ctx, "acc2"); !errors.Is(err, ErrTokenKey) {
		t.Errorf("moved token: %v, want ErrTokenKey", err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	other := []byte("another-token-key-of-32-bytes!!!")
	tests := []struct {
		name    string
		opts    []Option
		wantErr error // from Open; nil: Open works
	}{
		{"another key", []Option{WithTokenKey(other)}, ErrTokenKey},
		{"a short key", []Option{WithTokenKey(other[:16])}, nil},
		{"the right key", []Option{WithTokenKey(testTokenKey)}, nil},
		{"no key", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, err := Open(ctx, path, tt.opts...)
			switch {
			case tt.name == "a short key":
				if err == nil || !strings.Contains(err.Error(), "want 32") {
					t.Fatalf("Open with a 16-byte key: %v", err)
				}
				return
			case tt.wantErr != nil:
				if !errors.Is(err, tt.wantErr) || !strings.Contains(err.Error(), "PAYWALL_TOKEN_KEY") {
					t.Fatalf("Open: %v, want %v naming PAYWALL_TOKEN_KEY", err, tt.wantErr)
				}
				return
			case err != nil:
				t.Fatalf("Open: %v", err)
			}
			defer db.Close()
			got, err := db.SavedToken(ctx, "acc1")
			if tt.opts == nil {
				if err == nil || !strings.Contains(err.Error(), "no token key") {
					t.Errorf("SavedToken without a key: %+v, %v", got, err)
				}
				return
			}
			if err != nil || got.TokenID != "tok-1" {
				t.Errorf("SavedToken = %+v, %v", got, err)
			}
		})
	}
}

func TestSaveAdoptForgetToken(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	ctx := t.Context()
	if _, err := db.SavedToken(ctx, "acc1"); !errors.Is(err, checkout.ErrNoSavedMethod) || !errors.Is(err, ErrNotFound) {
		t.Fatalf("no token yet: %v", err)
	}
	steps := []struct {
		name         string
		do           func() (any, error)
		want         any
		wantTokenNow string
	}{
		{"adopt when none", func() (any, error) {
			return db.AdoptToken(ctx, checkout.SavedToken{AccountID: "acc1", TokenID: "persona", CreatedAt: t0})
		}, true, "persona"},
		{"adopt never overwrites", func() (any, error) {
			return db.AdoptToken(ctx, checkout.SavedToken{AccountID: "acc1", TokenID: "other", CreatedAt: t0})
		}, false, "persona"},
		{"save replaces and returns the old one", func() (any, error) {
			r, err := db.SaveToken(ctx, checkout.SavedToken{AccountID: "acc1", TokenID: "mine", PurchaseID: "p1", CreatedAt: t0})
			return r.TokenID, err
		}, "persona", "mine"},
		{"forget another token: kept", func() (any, error) { return db.ForgetToken(ctx, "acc1", "persona") }, false, "mine"},
		{"forget this token", func() (any, error) { return db.ForgetToken(ctx, "acc1", "mine") }, true, ""},
		{"save when none replaces nothing", func() (any, error) {
			r, err := db.SaveToken(ctx, checkout.SavedToken{AccountID: "acc1", TokenID: "again", CreatedAt: t0})
			return r.TokenID, err
		}, "", "again"},
	}
	for _, st := range steps {
		got, err := st.do()
		if err != nil || got != st.want {
			t.Fatalf("%s: %v, %v; want %v", st.name, got, err, st.want)
		}
		tok, err := db.SavedToken(ctx, "acc1")
		if st.wantTokenNow == "" {
			if !errors.Is(err, checkout.ErrNoSavedMethod) {
				t.Errorf("%s: token %+v, %v; want none", st.name, tok, err)
			}
			continue
		}
		if err != nil || tok.TokenID != st.wantTokenNow {
			t.Errorf("%s: token %+v, %v; want %s", st.name, tok, err, st.wantTokenNow)
		}
	}
	if n := countRows(t, db, "customer_tokens"); n != 1 {
		t.Errorf("%d rows, want one token per account", n)
	}
}

// TestClearTokensSealedAtOpen: one-click purchases written before migration 8 hold their token in the
// clear; the first open with a key seals them.
func TestClearTokensSealedAtOpen(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "app.db")
	db, err := Open(ctx, path, WithTokenKey(testTokenKey))
	if err != nil {
		t.Fatal(err)
	}
	p := newOneClickPurchase(t, "acc1", "o", checkout.OneClickUnknown, t0)
	if err := db.CreateOneClickPurchase(ctx, p); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Writer().ExecContext(ctx, `UPDATE token_purchases SET token_id = 'clear-token' WHERE id = ?`, p.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.OneClickPurchase(ctx, p.ID); !errors.Is(err, ErrTokenKey) {
		t.Errorf("a clear token read as sealed: %v, want ErrTokenKey", err)
	}
	db.Close()
	db, err = Open(ctx, path, WithTokenKey(testTokenKey))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var stored string
	if err := db.Reader().QueryRowContext(ctx, `SELECT token_id FROM token_purchases WHERE id = ?`, p.ID).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(stored, sealedPrefix) {
		t.Errorf("after reopening: %q, want it sealed", stored)
	}
	if got, err := db.OneClickPurchase(ctx, p.ID); err != nil || got.TokenID != "clear-token" {
		t.Errorf("token = %q, %v", got.TokenID, err)
	}
}

func TestFirstPurchaseRoundTrip(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	ctx := t.Context()
	p := newOneClickPurchase(t, "acc1", "epaper-archive", checkout.OneClickPaying, t0)
	p.TokenID, p.KlarnaSessionID, p.ClientToken = "", "ks", "ct"
	p.SaveConsent, p.Locale = true, "en-SE"
	p.Categories = []checkout.Category{{Identifier: "klarna", Name: "Pay with Klarna", AssetURL: "https://x.klarnacdn.net/k.svg"},
		{Identifier: "pay_now", Name: "Pay now"}}
	if err := db.CreateOneClickPurchase(ctx, p); err != nil {
		t.Fatal(err)
	}
	got, err := db.UpdateOneClickPurchase(ctx, p.ID, func(q *checkout.OneClickPurchase) error {
		q.State, q.OrderID, q.Method, q.TokenSaved, q.UpdatedAt = checkout.OneClickCompleted, "o1", checkout.MethodKlarna, true, t0
		q.ChosenCategory = "pay_now"
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	again, err := db.OneClickPurchase(ctx, p.ID)
	if err != nil || again.TokenID != "" || !again.SaveConsent || !again.TokenSaved || again.Method != checkout.MethodKlarna ||
		!reflect.DeepEqual(again.Categories, p.Categories) || again.ChosenCategory != "pay_now" || again.Locale != "en-SE" ||
		again.State != got.State {
		t.Errorf("first purchase = %+v, %v", again, err)
	}
}
