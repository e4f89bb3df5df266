package store

import (
	"database/sql"
	"embed"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
)

// migrationFiles are the schema migrations, embedded so the binary carries the schema it expects and
// never depends on files next to it at run time.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// newMigrationProvider builds a goose provider for the embedded migrations. It uses no goose globals
// (no registered Go migrations, no SetDialect/SetBaseFS), so several DBs in one process (tests) are
// independent.
func newMigrationProvider(db *sql.DB) (*goose.Provider, error) {
	fsys, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return nil, fmt.Errorf("store: migrations: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, fsys, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return nil, fmt.Errorf("store: migrations: %w", err)
	}
	return p, nil
}
