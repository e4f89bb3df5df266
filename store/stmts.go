package store

import (
	"context"
	"database/sql"
	"errors"
	"runtime"
	"sync"
)

// stmtCache prepares each query once per pool and keeps it: SQLite parsed the SQL of every query again,
// which cost more than running the short queries the pages make. database/sql prepares a cached
// statement on each connection the first time it runs there, so one *sql.Stmt serves the whole pool.
type stmtCache struct {
	pool *sql.DB

	mu    sync.RWMutex
	stmts map[string]*sql.Stmt
}

func newStmtCache(pool *sql.DB) *stmtCache {
	return &stmtCache{pool: pool, stmts: map[string]*sql.Stmt{}}
}

// cached returns the prepared statement for query if it has one.
func (c *stmtCache) cached(query string) (*sql.Stmt, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	st, ok := c.stmts[query]
	return st, ok
}

// get returns the prepared statement for query, preparing it on first use.
func (c *stmtCache) get(ctx context.Context, query string) (*sql.Stmt, error) {
	c.mu.RLock()
	st, ok := c.stmts[query]
	c.mu.RUnlock()
	if ok {
		return st, nil
	}
	// Prepared without the lock held: preparing waits for a connection, and a writer transaction holding
	// the only one may be asking the cache for another statement meanwhile.
	st, err := c.pool.PrepareContext(context.WithoutCancel(ctx), query)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if kept, ok := c.stmts[query]; ok { // prepared by someone else meanwhile
		_ = st.Close()
		return kept, nil
	}
	c.stmts[query] = st
	return st, nil
}

// close closes every prepared statement (before the pool itself).
func (c *stmtCache) close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var errs []error
	for q, st := range c.stmts {
		errs = append(errs, st.Close())
		delete(c.stmts, q)
	}
	return errors.Join(errs...)
}

// queryRow runs a one-row read through the reader pool's prepared statement for query.
func (db *DB) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := db.reads.get(ctx, query)
	if err != nil {
		return db.reader.QueryRowContext(ctx, query, args...) // reports the same error through Scan
	}
	return st.QueryRowContext(ctx, args...)
}

// query runs a read through the reader pool's prepared statement for query.
func (db *DB) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := db.reads.get(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// writeTx is a transaction on the writer whose statements are the writer's prepared ones: the purchase
// journey's writes (a purchase, its claim, its events, the session) parsed their SQL on every call, a tenth
// of a journey's CPU. database/sql reuses the statement the writer's connection prepared (Tx.StmtContext
// with a statement of the same pool), so nothing is parsed again.
//
// A statement is never prepared inside the transaction: the writer has one connection, which the
// transaction holds, so preparing on the pool would wait for it forever. A query seen for the first time
// runs unprepared and is prepared once the transaction has ended (Commit, Rollback).
type writeTx struct {
	tx      *sql.Tx
	stmts   *stmtCache
	unknown []string // queries to prepare after the transaction
	ended   bool     // the writer was handed off (handOff) once already
}

// begin starts a write transaction (see writeTx).
func (db *DB) begin(ctx context.Context) (*writeTx, error) {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	return &writeTx{tx: tx, stmts: db.writes}, nil
}

// ExecContext runs a write through the prepared statement for query.
//
// Statements in a write transaction run to their end (context.WithoutCancel): the transaction's own
// context, from begin, still rolls it back between statements when the request goes away, but interrupting
// one statement of a few rows midway bought nothing and cost a goroutine per statement (modernc.org/sqlite
// watches a cancellable context with one).
func (t *writeTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	ctx = context.WithoutCancel(ctx)
	st, ok := t.stmts.cached(query)
	if !ok {
		t.unknown = append(t.unknown, query)
		return t.tx.ExecContext(ctx, query, args...)
	}
	return t.tx.StmtContext(ctx, st).ExecContext(ctx, args...)
}

// QueryRowContext runs a one-row read inside the transaction through the prepared statement for query.
func (t *writeTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	ctx = context.WithoutCancel(ctx) // as ExecContext
	st, ok := t.stmts.cached(query)
	if !ok {
		t.unknown = append(t.unknown, query)
		return t.tx.QueryRowContext(ctx, query, args...)
	}
	return t.tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
}

// QueryContext runs a read inside the transaction. Not prepared: the reads that need it are rare (key
// rotation at start) and some build their SQL per table.
func (t *writeTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return t.tx.QueryContext(context.WithoutCancel(ctx), query, args...) // as ExecContext
}

// Commit commits the transaction.
func (t *writeTx) Commit() error {
	err := t.tx.Commit()
	t.end()
	return err
}

// commitFirst commits without preparing the queries the transaction ran unprepared or handing the writer
// off: Rollback, deferred by every caller, does both. For a caller holding a lock until something after the commit is done, which
// the next transaction may wait for while it holds the connection (UpdatePurchase's purchaseWrites).
func (t *writeTx) commitFirst() error { return t.tx.Commit() }

// Rollback aborts the transaction; after Commit it is a no-op that returns sql.ErrTxDone.
func (t *writeTx) Rollback() error {
	err := t.tx.Rollback()
	t.end()
	return err
}

// end is every way out of a transaction once the connection is back in the pool and no lock is held:
// the queries it ran unprepared are prepared, and the writer is handed to the next transaction (handOff).
func (t *writeTx) end() {
	t.prepareUnknown()
	if !t.ended {
		t.ended = true
		handOff()
	}
}

// handOff yields the processor right after this goroutine gave the single writer connection back.
// database/sql hands a released connection straight to a goroutine waiting for it, and Go's scheduler
// queues that goroutine to run on this processor when the releasing goroutine blocks: after a commit,
// typically once it has rendered and written its response, hundreds of microseconds later. All that time
// the only writer sat idle and reserved. Under 16 purchase journeys the app's writer was held about half
// the time and waited for the other half, and a transaction waited 4 ms for it on average; with the hand-off
// 1.4 ms, and journeys ran a tenth faster (README, Performance). The releasing request pays a turn in the run
// queue; the sandbox's store does the same (sandbox/store.go).
func handOff() { runtime.Gosched() }

// prepareUnknown prepares the queries the transaction ran unprepared, now that the connection is free.
// A failure only means the query stays unprepared.
func (t *writeTx) prepareUnknown() {
	for _, q := range t.unknown {
		_, _ = t.stmts.get(context.Background(), q)
	}
	t.unknown = nil
}

// preparedWriter is an execer (insertEvent's) writing outside a transaction through the writer's prepared
// statements: AddEvent, the purchase timeline's API exchanges, parsed its INSERT on every call.
type preparedWriter struct{ db *DB }

func (w preparedWriter) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return w.db.exec(ctx, query, args...)
}

// exec runs a write outside a transaction through the writer's prepared statement for query.
func (db *DB) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := db.writes.get(ctx, query)
	if err != nil {
		return nil, err
	}
	defer handOff() // the statement gave the writer back when it returned
	return st.ExecContext(ctx, args...)
}
