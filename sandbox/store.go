package sandbox

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// errNotFound is returned by store lookups that match no row.
var errNotFound = errors.New("sandbox: not found")

// store is the sandbox's own SQLite database: one writer connection (so writes never contend and
// transactions start IMMEDIATE) plus a read-only pool, as the app's store does.
type store struct {
	w, r *cachedDB // store_stmts.go: each query runs on a statement prepared once
	// tokens caches the rows the bearer check reads (token_cache.go); the store invalidates it where
	// token rows change.
	tokens *tokenCache
	// accounts keeps the account rows identity reads on every Payway call (token_cache.go); a purchase's
	// sync invalidates its account, a reset all of them.
	accounts *rowCache[account]
}

// openStore creates the file if needed, opens the writer and reader pools and applies the embedded
// migrations.
func openStore(ctx context.Context, path string) (*store, error) {
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("sandbox: create db dir: %w", err)
		}
	}
	w, err := sql.Open("sqlite", dsn(path, "_txlock=immediate"))
	if err != nil {
		return nil, fmt.Errorf("sandbox: open writer: %w", err)
	}
	w.SetMaxOpenConns(1)
	if err := w.PingContext(ctx); err != nil {
		return nil, errors.Join(fmt.Errorf("sandbox: open writer: %w", err), w.Close())
	}
	if err := migrate(ctx, w); err != nil {
		return nil, errors.Join(err, w.Close())
	}
	r, err := sql.Open("sqlite", dsn(path, "mode=ro"))
	if err != nil {
		return nil, errors.Join(fmt.Errorf("sandbox: open reader: %w", err), w.Close())
	}
	// Keep the read connections open: opening a SQLite connection (and applying its pragmas) costs far
	// more than the short reads the API makes, and under load most reads would otherwise open one.
	n := max(4, 2*runtime.NumCPU())
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	r.SetConnMaxIdleTime(0)
	w.SetMaxIdleConns(1)
	if err := r.PingContext(ctx); err != nil {
		return nil, errors.Join(fmt.Errorf("sandbox: open reader: %w", err), r.Close(), w.Close())
	}
	return &store{w: newCachedDB(w), r: newCachedDB(r), tokens: newTokenCache(tokenCacheTTL, time.Now),
		accounts: newAccountCache(tokenCacheTTL, time.Now)}, nil
}

// dsn builds a modernc.org/sqlite URI with the pragmas every connection needs.
func dsn(path, extra string) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(5000)")
	q.Add("_pragma", "journal_mode(WAL)")
	// Under WAL, NORMAL keeps the database consistent after a crash and only gives up the last commits on
	// a power loss: right for an emulator, and it spares an fsync on every commit.
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "foreign_keys(1)")
	// 256 KiB of page cache a connection, not 2 MiB: see the app's store (store/db.go, cacheSize).
	q.Add("_pragma", "cache_size(-256)")
	u := url.URL{Scheme: "file", Opaque: (&url.URL{Path: path}).EscapedPath(), RawQuery: q.Encode() + "&" + extra}
	return u.String()
}

// migrate applies the embedded goose migrations through a Provider (no goose globals, so parallel
// tests and the app's own store cannot interfere).
func migrate(ctx context.Context, db *sql.DB) error {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return fmt.Errorf("sandbox: migrations fs: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, sub, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return fmt.Errorf("sandbox: migration provider: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("sandbox: migrate: %w", err)
	}
	return nil
}

// inTx runs fn in a writer transaction, committing when fn returns nil. Queries fn ran that had no
// prepared statement yet are prepared once the transaction has released the writer (txn).
func (s *store) inTx(ctx context.Context, fn func(tx *txn) error) error {
	sqlTx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sandbox: begin: %w", err)
	}
	tx := &txn{Tx: sqlTx, cache: s.w.cache}
	ended := false
	defer func() {
		if !ended {
			// fn panicked: release the writer, or every later write would wait for it forever.
			_ = tx.Rollback()
			return
		}
		tx.prepareMissed(ctx)
		// The writer is free: let the transaction waiting for it start now, not when this goroutine next
		// blocks (the app's store does the same and says why: store.handOff).
		runtime.Gosched()
	}()
	if err := fn(tx); err != nil {
		ended = true
		return errors.Join(err, tx.Rollback())
	}
	ended = true
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sandbox: commit: %w", err)
	}
	return nil
}

func (s *store) close() error {
	return errors.Join(s.r.Close(), s.w.Close())
}
