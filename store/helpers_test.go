package store

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paywall/paywall/internal/testenv"
)

// openTestDB opens a fresh database in a temporary directory (a copy of one migrated once per test
// binary: TestMigrations* cover migrating from nothing) and closes it when the test ends.
func openTestDB(t *testing.T) *DB {
	t.Helper()
	path := testenv.CopyOf(t, "app.db", func(path string) error {
		db, err := Open(context.Background(), path)
		if err != nil {
			return err
		}
		return db.Close()
	})
	db, err := Open(t.Context(), path, WithTokenKey(testTokenKey))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return db
}

// testTokenKey seals the Klarna customer tokens of the store's tests.
var testTokenKey = []byte("store-tests-token-key-32-bytes!!")

// testClock is a movable clock, safe for concurrent reads while a test advances it.
type testClock struct{ nanos atomic.Int64 }

func newTestClock(start time.Time) *testClock {
	c := &testClock{}
	c.nanos.Store(start.UnixNano())
	return c
}

func (c *testClock) Now() time.Time          { return time.Unix(0, c.nanos.Load()).UTC() }
func (c *testClock) Advance(d time.Duration) { c.nanos.Add(int64(d)) }
func (c *testClock) Set(t time.Time)         { c.nanos.Store(t.UnixNano()) }
func countRows(t *testing.T, db *DB, table string) int {
	t.Helper()
	var n int
	if err := db.Reader().QueryRowContext(context.Background(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}
