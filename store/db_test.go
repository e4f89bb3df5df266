package store

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paywall/paywall/internal/testenv"
)

func TestOpenAppliesMigrationsAndPragmas(t *testing.T) {
	t.Parallel()
	db, err := Open(t.Context(), filepath.Join(t.TempDir(), "nested", "dir", "app.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })

	if err := db.Check(t.Context()); err != nil {
		t.Fatalf("Check on a fresh database: %v", err)
	}

	tests := []struct {
		name   string
		pool   *sql.DB
		pragma string
		want   string
	}{
		{"writer WAL", db.Writer(), "journal_mode", "wal"},
		{"reader WAL", db.Reader(), "journal_mode", "wal"},
		{"writer foreign keys", db.Writer(), "foreign_keys", "1"},
		{"reader foreign keys", db.Reader(), "foreign_keys", "1"},
		{"writer busy timeout", db.Writer(), "busy_timeout", "5000"},
		{"reader busy timeout", db.Reader(), "busy_timeout", "5000"},
		{"writer synchronous NORMAL", db.Writer(), "synchronous", "1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got string
			if err := tt.pool.QueryRowContext(t.Context(), "PRAGMA "+tt.pragma).Scan(&got); err != nil {
				t.Fatalf("PRAGMA %s: %v", tt.pragma, err)
			}
			if got != tt.want {
				t.Errorf("PRAGMA %s = %q, want %q", tt.pragma, got, tt.want)
			}
		})
	}

	if got := db.Writer().Stats().MaxOpenConnections; got != 1 {
		t.Errorf("writer MaxOpenConnections = %d, want 1", got)
	}
	for _, table := range []string{"sessions", "articles"} {
		var strict int
		// pragma_table_list reports STRICT tables with strict = 1.
		err := db.Reader().QueryRowContext(t.Context(),
			"SELECT strict FROM pragma_table_list WHERE name = ?", table).Scan(&strict)
		if err != nil {
			t.Fatalf("table_list %s: %v", table, err)
		}
		if strict != 1 {
			t.Errorf("table %s is not STRICT", table)
		}
	}
}

func TestReaderIsReadOnly(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	_, err := db.Reader().ExecContext(t.Context(),
		`INSERT INTO sessions (id, data, expires_at, created_at, updated_at) VALUES ('x', x'00', 1, 1, 1)`)
	if err == nil {
		t.Fatal("insert through the reader succeeded, want a read-only error")
	}
	if !strings.Contains(strings.ToLower(err.Error()), "readonly") && !strings.Contains(strings.ToLower(err.Error()), "read-only") {
		t.Errorf("insert through reader: %v, want a read-only error", err)
	}
}

func TestOpenTwiceDoesNotReapplyMigrations(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "app.db")
	for i := range 2 {
		db, err := Open(t.Context(), path)
		if err != nil {
			t.Fatalf("Open #%d: %v", i+1, err)
		}
		if err := db.Check(t.Context()); err != nil {
			t.Errorf("Check #%d: %v", i+1, err)
		}
		if n := countRows(t, db, "articles"); n != 6 {
			t.Errorf("open #%d: %d articles, want 6 (seed applied exactly once)", i+1, n)
		}
		if err := db.Close(); err != nil {
			t.Fatalf("Close #%d: %v", i+1, err)
		}
	}
}

func TestOpenPathWithURISyntax(t *testing.T) {
	t.Parallel()
	// '?', '#' and '%' would be read as SQLite URI syntax if the path were not escaped.
	path := filepath.Join(t.TempDir(), "odd ?#% dir", "app.db")
	db, err := Open(t.Context(), path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer db.Close()
	if err := db.Check(t.Context()); err != nil {
		t.Fatalf("Check: %v", err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("database file not at the requested path: %v", err)
	}
}

func TestOpenErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "plain-file")
	if err := os.WriteFile(file, []byte("not a directory"), 0o600); err != nil {
		t.Fatal(err)
	}
	notDB := filepath.Join(dir, "garbage.db")
	if err := os.WriteFile(notDB, []byte(strings.Repeat("this is not an SQLite database ", 200)), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		path string
	}{
		{"empty path", ""},
		{"parent is a file", filepath.Join(file, "app.db")},
		{"file is not a database", notDB},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, err := Open(t.Context(), tt.path)
			if err == nil {
				db.Close()
				t.Fatal("Open succeeded, want an error")
			}
			if !strings.HasPrefix(err.Error(), "store: ") {
				t.Errorf("error %q lacks the store: prefix", err)
			}
		})
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		break_  func(t *testing.T, db *DB)
		wantErr string
	}{
		{"healthy", func(*testing.T, *DB) {}, ""},
		{"schema behind the binary", func(t *testing.T, db *DB) {
			p, err := newMigrationProvider(db.Writer())
			if err != nil {
				t.Fatal(err)
			}
			if _, err := p.Down(t.Context()); err != nil {
				t.Fatalf("migrate down: %v", err)
			}
		}, "binary expects"},
		{"closed", func(t *testing.T, db *DB) {
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
		}, "store: check writer"},
		{"canceled context", func(*testing.T, *DB) {}, "context canceled"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, err := Open(t.Context(), filepath.Join(t.TempDir(), "app.db"))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			tt.break_(t, db)
			ctx := t.Context()
			if tt.name == "canceled context" {
				c, cancel := context.WithCancel(ctx)
				cancel()
				ctx = c
			}
			err = db.Check(ctx)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("Check: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("Check = %v, want error containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestStrictSchemaRejectsBadRows(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	tests := []struct {
		name string
		sql  string
	}{
		{"session expires_at not an integer",
			`INSERT INTO sessions (id, data, expires_at, created_at, updated_at) VALUES ('a', x'00', 'soon', 1, 1)`},
		{"session data missing",
			`INSERT INTO sessions (id, expires_at, created_at, updated_at) VALUES ('a', 1, 1, 1)`},
		{"article premium not boolean",
			`INSERT INTO articles (slug, title, summary, author, body, published_at, premium, product) VALUES ('a', 't', '', '', '', 1, 2, 'digital')`},
		{"premium article without product",
			`INSERT INTO articles (slug, title, summary, author, body, published_at, premium, product) VALUES ('a', 't', '', '', '', 1, 1, '')`},
		{"slug with upper case and spaces",
			`INSERT INTO articles (slug, title, summary, author, body, published_at) VALUES ('Bad Slug', 't', '', '', '', 1)`},
		{"slug starting with a dash",
			`INSERT INTO articles (slug, title, summary, author, body, published_at) VALUES ('-a', 't', '', '', '', 1)`},
		{"published_at as text",
			`INSERT INTO articles (slug, title, summary, author, body, published_at) VALUES ('a', 't', '', '', '', '2025-01-01')`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := db.Writer().ExecContext(t.Context(), tt.sql); err == nil {
				t.Errorf("insert succeeded, want a constraint error")
			}
		})
	}
}

// TestConnectionsKeepASmallPageCache: every connection, writer and readers, runs with cacheSize.
func TestConnectionsKeepASmallPageCache(t *testing.T) {
	t.Parallel()
	db := openTestDB(t)
	for _, tt := range []struct {
		name string
		pool *sql.DB
	}{{"writer", db.Writer()}, {"reader", db.Reader()}} {
		var kib int
		if err := tt.pool.QueryRowContext(t.Context(), `PRAGMA cache_size`).Scan(&kib); err != nil {
			t.Fatal(err)
		}
		if kib != -256 {
			t.Errorf("%s: cache_size %d, want -256 (KiB)", tt.name, kib)
		}
	}
}

// TestCommitHandsTheWriterOn checks that a transaction waiting for the writer starts as soon as the one
// holding it ends (handOff), on one processor where it would otherwise wait until the committing request
// next blocks. Both ways out count: Commit, and commitFirst with the deferred Rollback.
func TestCommitHandsTheWriterOn(t *testing.T) {
	db := openTestDB(t)
	ctx := context.Background() // a cancellable context would start a goroutine per transaction
	waits := func() int64 { return db.writer.Stats().WaitCount }
	tests := []struct {
		name string
		end  func(tx *writeTx) error
	}{
		{"Commit", func(tx *writeTx) error { return tx.Commit() }},
		{"commitFirst, then Rollback", func(tx *writeTx) error {
			err := tx.commitFirst()
			_ = tx.Rollback() // as UpdatePurchase's deferred one, after its lock is released
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			const rounds = 30
			take := func() (func() error, error) {
				tx, err := db.begin(ctx)
				if err != nil {
					return nil, err
				}
				return func() error { return tt.end(tx) }, nil
			}
			if got := testenv.HandOffs(t, rounds, take, waits); got < rounds-5 {
				t.Errorf("the waiting transaction started first after %d of %d commits, want nearly all", got, rounds)
			}
		})
	}
}
