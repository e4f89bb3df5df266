package sandbox

import (
	"context"
	"testing"

	"github.com/paywall/paywall/internal/testenv"
)

// TestStatementCache checks that reads prepare their query once, that a transaction's queries are
// prepared once it has ended (not inside it, where the writer is taken) and are then run prepared.
func TestStatementCache(t *testing.T) {
	t.Parallel()
	st, err := openStore(t.Context(), t.TempDir()+"/s.db")
	if err != nil {
		t.Fatal(err)
	}
	defer st.close()
	ctx := t.Context()

	const read = `SELECT count(*) FROM accounts WHERE status = ?`
	for range 3 {
		var n int
		if err := st.r.QueryRowContext(ctx, read, "active").Scan(&n); err != nil {
			t.Fatal(err)
		}
	}
	if st.r.cache.lookup(read) == nil {
		t.Errorf("read %q not cached", read)
	}

	const write = `UPDATE accounts SET updated_at = ? WHERE id = ?`
	var missed, bound int
	run := func() {
		err := st.inTx(ctx, func(tx *txn) error {
			for range 2 { // the second run in one transaction reuses the bound statement
				if _, err := tx.ExecContext(ctx, write, 1, "none"); err != nil {
					return err
				}
			}
			missed, bound = len(tx.missed), len(tx.stmts)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	run()
	if missed == 0 || bound != 0 {
		t.Errorf("first transaction: missed %d, bound %d; want the query missed, nothing bound", missed, bound)
	}
	if st.w.cache.lookup(write) == nil {
		t.Fatalf("write %q not prepared after its transaction", write)
	}
	run()
	if missed != 0 || bound != 1 {
		t.Errorf("second transaction: missed %d, bound %d; want 0 missed, 1 bound", missed, bound)
	}
}

// TestInTxPanicReleasesWriter checks that a panic inside a transaction rolls it back: the writer pool
// has one connection, so a transaction left open would block every later write.
func TestInTxPanicReleasesWriter(t *testing.T) {
	t.Parallel()
	st, err := openStore(t.Context(), t.TempDir()+"/s.db")
	if err != nil {
		t.Fatal(err)
	}
	defer st.close()
	func() {
		defer func() {
			if recover() == nil {
				t.Error("the panic did not come through inTx")
			}
		}()
		_ = st.inTx(t.Context(), func(tx *txn) error { panic("boom") })
	}()
	if err := st.inTx(t.Context(), func(tx *txn) error {
		_, err := tx.ExecContext(t.Context(), `DELETE FROM tokens`)
		return err
	}); err != nil {
		t.Fatalf("write after a panicking transaction: %v", err)
	}
}

// TestTransactionHandsTheWriterOn checks that a transaction waiting for the writer starts as soon as the
// one holding it has committed, not when the committing request next blocks (see store.handOff).
func TestTransactionHandsTheWriterOn(t *testing.T) {
	st, err := openStore(t.Context(), t.TempDir()+"/s.db")
	if err != nil {
		t.Fatal(err)
	}
	defer st.close()
	ctx := context.Background() // a cancellable context would start a goroutine per transaction
	take := func() (func() error, error) {
		held, release, done := make(chan struct{}), make(chan struct{}), make(chan error, 1)
		go func() {
			done <- st.inTx(ctx, func(*txn) error {
				close(held)
				<-release
				return nil
			})
		}()
		select {
		case <-held:
		case err := <-done:
			return nil, err
		}
		return func() error { close(release); return <-done }, nil
	}
	const rounds = 30
	waits := func() int64 { return st.w.Stats().WaitCount }
	if got := testenv.HandOffs(t, rounds, take, waits); got < rounds-5 {
		t.Errorf("the waiting transaction started first after %d of %d commits, want nearly all", got, rounds)
	}
}
