package sandbox

import (
	"context"
	"fmt"
	"net/http"
	"strings"
)

// controlReset serves POST /sandbox/v1/reset: the sandbox as freshly started. Every row of every table is
// deleted (except goose's version table), the personas are seeded again, faults are disarmed and the clock
// is put back, so a demo or a test suite can start from a known state without restarting the process.
func (s *Server) controlReset(w http.ResponseWriter, r *http.Request) {
	s.faults.clear()
	s.clock.reset()
	tables, err := s.resetStore(r.Context())
	if err != nil {
		s.writePaywayErr(w, r, err)
		return
	}
	s.log.InfoContext(r.Context(), "sandbox reset", "tables", len(tables))
	writeJSON(w, http.StatusOK, struct {
		Tables   []string  `json:"tables"` // the tables emptied
		Personas int       `json:"personas"`
		Clock    clockView `json:"clock"`
	}{tables, len(Personas()), s.clockView()})
}

// resetStore empties every table and reseeds the personas in one transaction, so no request ever sees a
// half-reset sandbox. The tables come from sqlite_master, so tables added by later migrations are
// included without touching this code. Foreign keys are checked at commit, when every table is empty.
func (s *Server) resetStore(ctx context.Context) ([]string, error) {
	var tables []string
	// Every token is gone once the transaction commits: the bearer check must not find one in its cache.
	// Cleared even when the reset fails, which costs a few reads and is never wrong.
	defer s.store.tokens.clear()
	defer s.store.accounts.clear() // the personas are reseeded as they were
	err := s.store.inTx(ctx, func(tx *txn) error {
		var err error
		if tables, err = userTables(ctx, tx); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `PRAGMA defer_foreign_keys = ON`); err != nil {
			return fmt.Errorf("sandbox: reset: defer foreign keys: %w", err)
		}
		for _, t := range tables {
			// t comes from sqlite_master, not from the request; quoting keeps odd names safe anyway.
			if _, err := tx.ExecContext(ctx, `DELETE FROM "`+strings.ReplaceAll(t, `"`, `""`)+`"`); err != nil {
				return fmt.Errorf("sandbox: reset: empty %s: %w", t, err)
			}
		}
		now := s.now()
		for _, p := range Personas() {
			for _, seed := range personaSeeders() {
				if err := seed(ctx, tx, p, now); err != nil {
					return fmt.Errorf("sandbox: reset: seed persona %s: %w", p.Email, err)
				}
			}
		}
		return nil
	})
	return tables, err
}

// userTables lists the sandbox's own tables: not SQLite's internal ones, not goose's version table.
func userTables(ctx context.Context, tx *txn) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT name FROM sqlite_master
		WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'goose_db_version' ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("sandbox: reset: list tables: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, fmt.Errorf("sandbox: reset: list tables: %w", err)
		}
		out = append(out, name)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sandbox: reset: list tables: %w", err)
	}
	return out, nil
}
