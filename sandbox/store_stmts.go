package sandbox

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"sync/atomic"
)

// Prepared statements. In sandbox mode the sandbox runs in the app's process, and parsing SQL again on
// every query (what database/sql does for a query without a prepared statement) took about a seventh of
// the app's CPU under load. cachedDB and txn keep the store's call sites unchanged (the same
// QueryRowContext, QueryContext and ExecContext) and run each query text through a statement prepared
// once: database/sql prepares it again on each pooled connection the first time that connection runs it,
// and modernc.org/sqlite keeps the compiled statement with it.

// maxCachedStmts bounds the cache. Every query text in the sandbox is a constant (or one of a few
// constants), so it is never reached; the bound only keeps a future query built from input from growing
// the cache without end.
const maxCachedStmts = 256

// stmtCache holds one *sql.Stmt per query text for one pool.
type stmtCache struct {
	db    *sql.DB
	stmts sync.Map // query text → *sql.Stmt
	n     atomic.Int32

	mu     sync.Mutex
	closed bool
}

// lookup returns the statement of query, nil when it has not been prepared.
func (c *stmtCache) lookup(query string) *sql.Stmt {
	if st, ok := c.stmts.Load(query); ok {
		return st.(*sql.Stmt)
	}
	return nil
}

// prepare returns the statement of query, preparing it on the pool first. It returns nil when the cache
// is full, closed or the preparation fails: the caller then runs the query unprepared, which reports
// whatever error the preparation met in the ordinary way.
func (c *stmtCache) prepare(ctx context.Context, query string) *sql.Stmt {
	if st := c.lookup(query); st != nil {
		return st
	}
	if c.n.Load() >= maxCachedStmts {
		return nil
	}
	st, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil // the statement dies with the pool
	}
	if prev, loaded := c.stmts.LoadOrStore(query, st); loaded {
		_ = st.Close() // another goroutine prepared it first; an unused statement's Close cannot fail
		return prev.(*sql.Stmt)
	}
	c.n.Add(1)
	return st
}

// close closes every cached statement; later prepares are refused.
func (c *stmtCache) close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	var errs []error
	c.stmts.Range(func(k, v any) bool {
		errs = append(errs, v.(*sql.Stmt).Close())
		c.stmts.Delete(k)
		return true
	})
	return errors.Join(errs...)
}

// cachedDB is a pool whose queries run on cached prepared statements.
//
// The emulator's statements run to their end (context.WithoutCancel): each reads or writes a few rows,
// and modernc.org/sqlite watches a cancellable context with a goroutine per statement. A transaction's
// own context (inTx) still rolls it back between statements when the caller goes away.
type cachedDB struct {
	*sql.DB
	cache *stmtCache
}

func newCachedDB(db *sql.DB) *cachedDB { return &cachedDB{DB: db, cache: &stmtCache{db: db}} }

// QueryRowContext is sql.DB's, on the query's prepared statement.
func (d *cachedDB) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	ctx = context.WithoutCancel(ctx) // see cachedDB
	if st := d.cache.prepare(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return d.DB.QueryRowContext(ctx, query, args...)
}

// QueryContext is sql.DB's, on the query's prepared statement.
func (d *cachedDB) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	ctx = context.WithoutCancel(ctx) // see cachedDB
	if st := d.cache.prepare(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return d.DB.QueryContext(ctx, query, args...)
}

// ExecContext is sql.DB's, on the query's prepared statement.
func (d *cachedDB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	ctx = context.WithoutCancel(ctx) // see cachedDB
	if st := d.cache.prepare(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return d.DB.ExecContext(ctx, query, args...)
}

// Close closes the cached statements and the pool.
func (d *cachedDB) Close() error { return errors.Join(d.cache.close(), d.DB.Close()) }

// txn is a writer transaction whose queries run on the writer's cached statements (tx.StmtContext binds
// the pool's statement to the transaction's connection, where it is already prepared).
//
// A transaction cannot prepare a statement for the pool: the writer pool has one connection and the
// transaction holds it, so preparing would wait for the transaction itself. A query the cache does not
// know yet runs unprepared and is remembered; store.inTx prepares it once the transaction has ended.
type txn struct {
	*sql.Tx
	cache  *stmtCache
	stmts  map[string]*sql.Stmt // bound to this transaction, for queries it runs more than once
	missed []string             // queries to prepare after the transaction
}

// stmt returns query's statement bound to the transaction, nil when the pool has none yet.
func (t *txn) stmt(ctx context.Context, query string) *sql.Stmt {
	if st, ok := t.stmts[query]; ok {
		return st
	}
	parent := t.cache.lookup(query)
	if parent == nil {
		t.missed = append(t.missed, query)
		return nil
	}
	st := t.Tx.StmtContext(ctx, parent)
	if t.stmts == nil {
		t.stmts = make(map[string]*sql.Stmt)
	}
	t.stmts[query] = st
	return st
}

// QueryRowContext is sql.Tx's, on the query's prepared statement.
func (t *txn) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	ctx = context.WithoutCancel(ctx) // see cachedDB
	if st := t.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return t.Tx.QueryRowContext(ctx, query, args...)
}

// QueryContext is sql.Tx's, on the query's prepared statement.
func (t *txn) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	ctx = context.WithoutCancel(ctx) // see cachedDB
	if st := t.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return t.Tx.QueryContext(ctx, query, args...)
}

// ExecContext is sql.Tx's, on the query's prepared statement.
func (t *txn) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	ctx = context.WithoutCancel(ctx) // see cachedDB
	if st := t.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return t.Tx.ExecContext(ctx, query, args...)
}

// prepareMissed prepares, on the pool, the queries the ended transaction ran unprepared. Errors are
// left to the next run of the query, which reports them.
func (t *txn) prepareMissed(ctx context.Context) {
	for _, q := range t.missed {
		t.cache.prepare(ctx, q)
	}
	t.missed = nil
}
