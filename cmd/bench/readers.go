package main

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
)

// Why clones: a purchase journey needs a reader who has not bought. The sandbox seeds one plain reader
// (reader@example.se) and three more whose purchases succeed only with Payway's default raise_on_* flags;
// a bought subscription is open-ended, and Payway refuses a second one (package_already_active). A reset
// of the sandbox (POST /sandbox/v1/reset) would give the readers back, but it wipes every account's tokens
// at once, so it cannot run while other journeys are under way, and a handful of readers cannot keep 16
// workers apart (one purchase of a product in flight per account).
//
// So the bench gives every journey a reader of its own: it copies reader@example.se's account row in the
// sandbox's database file (same password, name and address; a new id and e-mail) while the app is stopped
// between its two starts, on the temporary files of this run. Only the accounts table is written, the way
// the sandbox's seed writes it; the columns are read from the table, so a new column is copied too. If the
// sandbox's schema changes in a way this cannot follow, the bench fails here with the SQL error.

// readerEmailN is the e-mail of the n-th clone.
func readerEmailN(n int) string { return fmt.Sprintf("bench-reader-%05d@example.se", n) }

// cloneReaders adds n copies of the account with e-mail from to the sandbox database at path, in one
// transaction, and returns their e-mails.
func cloneReaders(ctx context.Context, path, from string, n int) ([]string, error) {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(5000)")
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+filepath.ToSlash(path)+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("clone readers: %w", err)
	}
	defer db.Close()
	cols, err := tableColumns(ctx, db, "accounts")
	if err != nil {
		return nil, fmt.Errorf("clone readers: %w", err)
	}
	for _, need := range []string{"id", "email"} {
		if !slices.Contains(cols, need) {
			return nil, fmt.Errorf("clone readers: the sandbox's accounts table has no %s column", need)
		}
	}
	// INSERT INTO accounts (id, email, c1, c2, ...) SELECT ?, ?, c1, c2, ... FROM accounts WHERE email = ?
	var copied []string
	for _, c := range cols {
		if c != "id" && c != "email" {
			copied = append(copied, `"`+c+`"`)
		}
	}
	list := strings.Join(copied, ", ")
	stmt := `INSERT INTO accounts (id, email, ` + list + `) SELECT ?, ?, ` + list + ` FROM accounts WHERE email = ?`

	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("clone readers: %w", err)
	}
	defer func() { _ = tx.Rollback() }() // a no-op after Commit
	ins, err := tx.PrepareContext(ctx, stmt)
	if err != nil {
		return nil, fmt.Errorf("clone readers: %w", err)
	}
	defer ins.Close()
	emails := make([]string, 0, n)
	for i := range n {
		email := readerEmailN(i + 1)
		res, err := ins.ExecContext(ctx, cloneID(email), email, from)
		if err != nil {
			return nil, fmt.Errorf("clone readers: %s: %w", email, err)
		}
		if k, _ := res.RowsAffected(); k != 1 {
			return nil, fmt.Errorf("clone readers: no account %s to copy", from)
		}
		emails = append(emails, email)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("clone readers: %w", err)
	}
	return emails, nil
}

// cloneID is a stable 24-hex account id (the sandbox's id shape) derived from the e-mail.
func cloneID(email string) string {
	sum := sha256.Sum256([]byte("bench-reader:" + email))
	return hex.EncodeToString(sum[:12])
}

func tableColumns(ctx context.Context, db *sql.DB, table string) ([]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT name FROM pragma_table_info(?)`, table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var cols []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		cols = append(cols, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(cols) == 0 {
		return nil, fmt.Errorf("no table %s", table)
	}
	return cols, nil
}
