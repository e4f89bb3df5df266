package sandbox

import (
	"errors"
	"slices"
	"testing"
	"time"
)

// TestActiveProducts covers the one-query read of an account's access: grants in force on the sandbox
// clock, none (an empty list, not nil), and an account that does not exist (errNotFound).
func TestActiveProducts(t *testing.T) {
	t.Parallel()
	s := benchServer(t)
	ctx := t.Context()
	now := s.now()
	grant := func(product string, from time.Time, to *time.Time) {
		t.Helper()
		var until any
		if to != nil {
			until = to.Unix()
		}
		err := s.store.inTx(ctx, func(tx *txn) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO account_products (account_id, product_code, valid_from, valid_to)
				VALUES (?, ?, ?, ?)`, personaID("reader@example.se"), product, from.Unix(), until)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	ended := now.Add(-time.Hour)
	grant("ended", now.Add(-2*time.Hour), &ended)
	grant("future", now.Add(time.Hour), nil)
	endsLater := now.Add(time.Hour)
	grant("paper", now.Add(-time.Hour), &endsLater)
	grant("paper", now.Add(-2*time.Hour), nil) // a second grant of the same product lists it once

	tests := []struct {
		name    string
		account string
		want    []string
		wantErr error
	}{
		{"subscriber", personaID("subscriber@example.se"), []string{"digital"}, nil},
		{"grants in and out of force", personaID("reader@example.se"), []string{"paper"}, nil},
		{"no grants", personaID("debt@example.se"), []string{}, nil},
		{"no account", "000000000000000000000000", nil, errNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := s.store.activeProducts(ctx, tt.account, now)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if tt.wantErr == nil && (got == nil || !slices.Equal(got, tt.want)) {
				t.Errorf("products = %#v, want %#v", got, tt.want)
			}
		})
	}
}
