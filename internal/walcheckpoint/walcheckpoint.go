// Package walcheckpoint moves SQLite's WAL checkpoints off the writer connection.
//
// By default SQLite checkpoints a WAL database from the connection whose commit took the log past 1,000
// pages, inside that COMMIT: the checkpoint copies the pages back into the database file and, under
// synchronous=NORMAL, syncs the log and then the file. With one writer connection (the app's and the
// sandbox's stores), every write waiting for that connection waits for those two fsyncs too. A
// Checkpointer runs PASSIVE checkpoints from a connection of its own on a timer instead, with the
// writer's automatic checkpoints turned off (WriterPragma): writers never wait for a sync, and a PASSIVE
// checkpoint neither blocks them nor waits for readers (it copies what no reader still needs; SQLite
// starts the log over once everything is copied).
package walcheckpoint

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	_ "modernc.org/sqlite" // the "sqlite" driver
)

// WriterPragma turns off the writer's own checkpoints; add it to the writer's DSN as a _pragma value.
const WriterPragma = "wal_autocheckpoint(0)"

// DefaultInterval is how often a Checkpointer checkpoints: at a few thousand pages a second under load
// (purchase journeys), a few hundred pages each time, as often as SQLite's default of 1,000.
const DefaultInterval = 250 * time.Millisecond

// Checkpointer checkpoints one database file on a timer until Close.
type Checkpointer struct {
	db     *sql.DB
	log    *slog.Logger
	cancel context.CancelFunc
	done   chan struct{}
}

// Start opens a connection with dsn (read-write, the database's journal mode already WAL) and checkpoints
// every interval until Close.
func Start(dsn string, interval time.Duration, log *slog.Logger) (*Checkpointer, error) {
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("walcheckpoint: open: %w", err)
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxIdleTime(0)
	ctx, cancel := context.WithCancel(context.Background())
	c := &Checkpointer{db: db, log: log, cancel: cancel, done: make(chan struct{})}
	if _, err := c.Checkpoint(ctx); err != nil { // fails now on a bad path or DSN, not later in the loop
		cancel()
		return nil, errors.Join(err, db.Close())
	}
	go c.run(ctx, interval)
	return c, nil
}

func (c *Checkpointer) run(ctx context.Context, interval time.Duration) {
	defer close(c.done)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := c.Checkpoint(ctx); err != nil && ctx.Err() == nil {
				c.log.WarnContext(ctx, "sqlite checkpoint", "err", err)
			}
		}
	}
}

// Result is what one PASSIVE checkpoint reports: the log's frames and how many of them are now in the
// database file (all of them unless a reader still needed some, or a writer was busy).
type Result struct {
	Busy         bool
	LogFrames    int
	Checkpointed int
}

// Checkpoint runs one PASSIVE checkpoint now.
func (c *Checkpointer) Checkpoint(ctx context.Context) (Result, error) {
	var busy, log, done int
	if err := c.db.QueryRowContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &log, &done); err != nil {
		return Result{}, fmt.Errorf("walcheckpoint: checkpoint: %w", err)
	}
	return Result{Busy: busy != 0, LogFrames: log, Checkpointed: done}, nil
}

// Close stops the timer, waits for a checkpoint in progress and closes the connection. The writer's own
// close still checkpoints what is left, as the last connection to the file.
func (c *Checkpointer) Close() error {
	c.cancel()
	<-c.done
	if err := c.db.Close(); err != nil {
		return fmt.Errorf("walcheckpoint: close: %w", err)
	}
	return nil
}
