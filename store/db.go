// Package store is the app's SQLite persistence: one database file holding the schema (goose migrations
// embedded in the binary), the seeded demo articles and the server-side sessions.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"github.com/pressly/goose/v3"

	"github.com/paywall/paywall/checkout"
	"github.com/paywall/paywall/internal/cache"
	_ "modernc.org/sqlite" // registers the pure-Go "sqlite" driver
)

// ErrNotFound is returned when a looked-up row does not exist, so callers can map it to a 404 without
// depending on database/sql.
var ErrNotFound = errors.New("not found")

// DB holds two pools on the same file. SQLite allows one writer at a time, so all writes go through a
// single connection (queued in Go instead of failing with SQLITE_BUSY), while reads run in parallel on a
// read-only pool that WAL lets proceed alongside the writer.
type DB struct {
	writer     *sql.DB
	reader     *sql.DB
	migrations *goose.Provider
	tokens     *sealer // seals Klarna customer tokens; nil without WithTokenKey
	// previousTokens are the keys the database may still be sealed with (WithTokenKey's previous):
	// Open rotates from them to tokens.
	previousTokens []*sealer
	// reads and writes are the prepared statements of the hot queries, per pool (stmts.go).
	reads, writes *stmtCache
	// sessions keeps decoded session rows for sessionCacheTTL (sessions.go): every request reads its
	// session, and the row read plus the gob decode cost more than the rest of an article view.
	sessions *cache.TTL[string, cachedSession]
	// articles and summaries keep what the article pages and the home page show (articles.go).
	articles  *cache.TTL[string, Article]
	summaries *cache.TTL[struct{}, []Article]
	// purchases keeps subscription purchases as this process last read or wrote them (purchases.go): the
	// checkout and its status pages read theirs on every view. Every write goes through the store and
	// replaces the entry (write-through), so a read is as fresh as the database for one process.
	purchases *cache.TTL[string, checkout.Purchase]
	// categories interns the purchases' category lists (categories.go).
	categories *categoryLists
	// purchaseWrites orders the writes of purchases into memory as their commits are ordered: held from
	// before a commit until its purchase is in memory, so a writer that committed first cannot put its
	// older purchase there after the next one (UpdatePurchase).
	purchaseWrites sync.Mutex
	// sessionWrites does the same for the session rows this process saves (SessionStore.persist).
	sessionWrites sync.Mutex
}

// Open creates the directory and database file if needed, opens the single writer connection
// (BEGIN IMMEDIATE transactions, so a transaction never has to upgrade its lock and fail half-way), applies
// the embedded migrations, and only then opens the read-only pool, which therefore always sees the
// current schema. path must name a file: an in-memory database cannot be shared by the two pools. With
// WithTokenKey it checks the key against the one the saved tokens were sealed with (ErrTokenKey when it
// is another).
func Open(ctx context.Context, path string, opts ...Option) (*DB, error) {
	if path == "" {
		return nil, errors.New("store: open: empty path")
	}
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	var (
		tokens   *sealer
		previous []*sealer
	)
	if o.tokenKey != nil {
		var err error
		if tokens, previous, err = newSealers(o.tokenKey, o.previous); err != nil {
			return nil, err
		}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("store: create directory: %w", err)
	}

	writer, err := openPool(ctx, writerDSN(path))
	if err != nil {
		return nil, fmt.Errorf("store: open writer: %w", err)
	}
	writer.SetMaxOpenConns(1)
	writer.SetMaxIdleConns(1)
	writer.SetConnMaxLifetime(0)
	writer.SetConnMaxIdleTime(0)

	provider, err := newMigrationProvider(writer)
	if err != nil {
		return nil, errors.Join(err, writer.Close())
	}
	if _, err := provider.Up(ctx); err != nil {
		return nil, errors.Join(fmt.Errorf("store: migrate: %w", err), writer.Close())
	}

	reader, err := openPool(ctx, readerDSN(path))
	if err != nil {
		return nil, errors.Join(fmt.Errorf("store: open reader: %w", err), writer.Close())
	}
	n := max(4, runtime.NumCPU())
	reader.SetMaxOpenConns(n)
	reader.SetMaxIdleConns(n)

	db := &DB{writer: writer, reader: reader, migrations: provider, tokens: tokens, previousTokens: previous,
		reads: newStmtCache(reader), writes: newStmtCache(writer),
		sessions:  cache.New[string, cachedSession](sessionCacheTTL, sessionCacheMax, nil),
		articles:  cache.New[string, Article](articleCacheTTL, 1000, nil),
		summaries: cache.New[struct{}, []Article](articleCacheTTL, 1, nil),
		purchases: cache.New[string, checkout.Purchase](purchaseCacheTTL, purchaseCacheMax, nil), categories: newCategoryLists()}
	if err := db.checkTokenKey(ctx); err != nil {
		return nil, errors.Join(err, db.Close())
	}
	return db, nil
}

// openPool opens and pings a pool, so a bad path or pragma fails at start-up rather than on first use.
func openPool(ctx context.Context, dsn string) (*sql.DB, error) {
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	if err := db.PingContext(ctx); err != nil {
		return nil, errors.Join(err, db.Close())
	}
	return db, nil
}

// fileURI turns a filesystem path into an SQLite URI, escaping characters ('?', '#', '%') that would
// otherwise be read as URI syntax.
func fileURI(path string, query url.Values) string {
	return "file:" + (&url.URL{Path: filepath.ToSlash(path)}).EscapedPath() + "?" + query.Encode()
}

// writerDSN sets WAL (persistent in the file, so the reader inherits it), a busy timeout for the rare
// contention with other processes, enforced foreign keys and immediate transactions.
func writerDSN(path string) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(5000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", cacheSize)
	q.Set("_txlock", "immediate")
	return fileURI(path, q)
}

// cacheSize is each connection's SQLite page cache: 256 KiB, not SQLite's 2 MiB default. The hot rows
// are in the app's own memory (sessions, purchases, articles), the interior pages a lookup walks fit, and
// the operating system's page cache holds the file; with the default the caches of the app's and the
// embedded sandbox's connections took 13 MB of the process under purchase journeys, outside Go's memory
// limit, for no measurable CPU (README, Performance).
const cacheSize = "cache_size(-256)"

// readerDSN opens the file read-only (mode=ro), so a write sent to the wrong pool fails loudly.
func readerDSN(path string) string {
	q := url.Values{}
	q.Set("mode", "ro")
	q.Add("_pragma", "busy_timeout(5000)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", cacheSize)
	return fileURI(path, q)
}

// Writer is the single write connection. Use it for every INSERT/UPDATE/DELETE and for reads that must
// happen inside a write transaction.
func (db *DB) Writer() *sql.DB { return db.writer }

// Reader is the read-only pool for queries that do not need to be part of a write transaction.
func (db *DB) Reader() *sql.DB { return db.reader }

// Close closes both pools (reader first, so the writer's close can checkpoint the WAL).
func (db *DB) Close() error {
	errs := []error{db.reads.close(), db.writes.close()}
	if err := db.reader.Close(); err != nil {
		errs = append(errs, fmt.Errorf("store: close reader: %w", err))
	}
	if err := db.writer.Close(); err != nil {
		errs = append(errs, fmt.Errorf("store: close writer: %w", err))
	}
	return errors.Join(errs...)
}

// Check is readiness: both pools answer and the schema is at the latest embedded migration (a binary
// running against an older or newer schema should not take traffic).
func (db *DB) Check(ctx context.Context) error {
	if err := db.writer.PingContext(ctx); err != nil {
		return fmt.Errorf("store: check writer: %w", err)
	}
	if err := db.reader.PingContext(ctx); err != nil {
		return fmt.Errorf("store: check reader: %w", err)
	}
	current, target, err := db.migrations.GetVersions(ctx)
	if err != nil {
		return fmt.Errorf("store: check schema version: %w", err)
	}
	if current != target {
		return fmt.Errorf("store: check schema version: database at %d, binary expects %d", current, target)
	}
	return nil
}

// ForgetCached drops everything the store keeps in memory (sessions, articles, purchases), so the next
// reads ask the database: after someone changed the file behind the app's back (a restore, a fix by hand
// with the sqlite3 shell, a test that plants an old row).
func (db *DB) ForgetCached() {
	db.sessions.Clear()
	db.articles.Clear()
	db.summaries.Clear()
	db.purchases.Clear()
}
