package walcheckpoint_test

import (
	"database/sql"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/paywall/paywall/internal/testenv"
	"github.com/paywall/paywall/internal/walcheckpoint"
)

// dsn is a WAL database's DSN with the writer's pragmas.
func dsn(path string) string {
	q := url.Values{}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", walcheckpoint.WriterPragma)
	return "file:" + path + "?" + q.Encode()
}

// fileSize is the database file's size (not its log's).
func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

// TestTheWriterLeavesCheckpointsToTheCheckpointer writes past SQLite's automatic checkpoint (1,000 pages)
// with the writer's checkpoints off: the pages stay in the log and the database file does not grow. A
// Checkpointer then copies them into the file on its own timer, while the writer stays open.
func TestTheWriterLeavesCheckpointsToTheCheckpointer(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "w.db")
	w, err := sql.Open("sqlite", dsn(path))
	if err != nil {
		t.Fatal(err)
	}
	w.SetMaxOpenConns(1)
	t.Cleanup(func() { _ = w.Close() })
	ctx := t.Context()
	if _, err := w.ExecContext(ctx, `CREATE TABLE blobs (b BLOB NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	const rows, size = 1200, 4000 // about 1,200 pages: past the default of 1,000
	for range rows {
		if _, err := w.ExecContext(ctx, `INSERT INTO blobs (b) VALUES (?)`, strings.Repeat("x", size)); err != nil {
			t.Fatal(err)
		}
	}
	if got := fileSize(t, path); got > 64<<10 {
		t.Fatalf("database file %d bytes before any checkpoint: the writer checkpointed itself", got)
	}

	c, err := walcheckpoint.Start(dsn(path), time.Millisecond, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := c.Close(); err != nil {
			t.Error(err)
		}
	})
	within := testenv.Scale(10 * time.Second)
	deadline := time.Now().Add(within)
	for fileSize(t, path) < rows*size {
		if time.Now().After(deadline) {
			t.Fatalf("database file %d bytes after %s: no checkpoint copied the log", fileSize(t, path), within)
		}
		time.Sleep(5 * time.Millisecond) // polling a condition, not waiting for a guess
	}
	var n int
	if err := w.QueryRowContext(ctx, `SELECT count(*) FROM blobs`).Scan(&n); err != nil || n != rows {
		t.Fatalf("count %d, %v; want %d", n, err, rows)
	}
}

// TestCheckpointReports checks one explicit PASSIVE checkpoint's result: everything in the log is in the
// file afterwards when nothing else reads or writes.
func TestCheckpointReports(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "r.db")
	w, err := sql.Open("sqlite", dsn(path))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = w.Close() })
	ctx := t.Context()
	if _, err := w.ExecContext(ctx, `CREATE TABLE t (v INTEGER)`); err != nil {
		t.Fatal(err)
	}
	c, err := walcheckpoint.Start(dsn(path), time.Hour, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	tests := []struct {
		name   string
		writes int
	}{
		{"one write", 1},
		{"a hundred writes", 100},
		{"nothing new", 0},
	}
	for _, tt := range tests {
		for i := range tt.writes {
			if _, err := w.ExecContext(ctx, `INSERT INTO t (v) VALUES (?)`, i); err != nil {
				t.Fatal(err)
			}
		}
		r, err := c.Checkpoint(ctx)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if r.Busy || r.Checkpointed != r.LogFrames {
			t.Errorf("%s: %+v, want every frame checkpointed", tt.name, r)
		}
	}
}

// TestStartFailsOnABadPath: a checkpointer that cannot open its database says so at once.
func TestStartFailsOnABadPath(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "missing-dir", "x.db")
	if c, err := walcheckpoint.Start("file:"+path+"?mode=rw", time.Hour, slog.New(slog.DiscardHandler)); err == nil {
		_ = c.Close()
		t.Fatal("Start on a path that cannot exist: no error")
	}
}
