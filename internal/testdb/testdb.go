// Package testdb gives tests fresh SQLite files that are already migrated and seeded: the app's and the
// sandbox's. Each is built once per test binary and copied per test (internal/testenv.CopyOf), which is
// what makes a handler test's setup cheap under -race. It is imported by tests only.
package testdb

import (
	"context"
	"testing"

	"github.com/paywall/paywall/internal/testenv"
	"github.com/paywall/paywall/sandbox"
	"github.com/paywall/paywall/store"
)

// App is the path of a fresh copy of a migrated app database in t's temporary directory.
func App(t testing.TB) string {
	t.Helper()
	return testenv.CopyOf(t, "paywall.db", func(path string) error {
		db, err := store.Open(context.Background(), path)
		if err != nil {
			return err
		}
		return db.Close()
	})
}

// Sandbox is the path of a fresh copy of a migrated, seeded sandbox database in t's temporary directory.
// The personas are seeded with the test clock's now (testenv.NewClock).
func Sandbox(t testing.TB) string {
	t.Helper()
	return testenv.CopyOf(t, "sandbox.db", func(path string) error {
		sb, err := sandbox.New(context.Background(), sandbox.Config{DBPath: path, Now: testenv.NewClock().Now})
		if err != nil {
			return err
		}
		return sb.Close()
	})
}
