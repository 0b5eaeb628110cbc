// Package sqlstoretest gives tests a migrated store on the database the run
// asks for: a temporary SQLite file, or with CAMPUSGUARD_TEST_POSTGRES set
// to a PostgreSQL URL, a fresh PostgreSQL database per test, dropped after.
package sqlstoretest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"campusguard/internal/sqlstore"
)

// EnvPostgres names the variable that holds the PostgreSQL server's URL.
const EnvPostgres = "CAMPUSGUARD_TEST_POSTGRES"

// Dialects returns the databases this run tests: always "sqlite", and
// "postgres" when CAMPUSGUARD_TEST_POSTGRES is set. Under CI=true a missing
// PostgreSQL fails the test rather than skipping it.
func Dialects(tb testing.TB) []string {
	tb.Helper()
	if os.Getenv(EnvPostgres) != "" {
		return []string{"sqlite", "postgres"}
	}
	if os.Getenv("CI") == "true" {
		tb.Fatalf("CI=true but %s is not set: the PostgreSQL half of the suite cannot run", EnvPostgres)
	}
	return []string{"sqlite"}
}

// Each runs fn as a subtest on a fresh migrated store of each dialect.
func Each(t *testing.T, fn func(t *testing.T, s *sqlstore.Store)) {
	t.Helper()
	for _, d := range Dialects(t) {
		t.Run(d, func(t *testing.T) {
			fn(t, OpenDialect(t, d))
		})
	}
}

// OpenDialect returns a migrated store on a fresh database of the dialect.
func OpenDialect(tb testing.TB, dialect string) *sqlstore.Store {
	tb.Helper()
	dsn := NewDSN(tb, dialect)
	ctx := context.Background()
	s, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		tb.Fatalf("open %s: %v", dialect, err)
	}
	tb.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(ctx); err != nil {
		tb.Fatalf("migrate %s: %v", dialect, err)
	}
	return s
}

// EnvOpen names the variable that makes Open pick a dialect ("sqlite" or
// "postgres") when both are configured: CI runs the tests that use Open a
// second time with it set to "sqlite", so they run on both databases.
const EnvOpen = "CAMPUSGUARD_TEST_OPEN"

// Open returns a migrated store on PostgreSQL when the run asks for it,
// else on SQLite; CAMPUSGUARD_TEST_OPEN=sqlite picks SQLite all the same.
func Open(tb testing.TB) *sqlstore.Store {
	tb.Helper()
	d := Dialects(tb)
	if want := os.Getenv(EnvOpen); want != "" {
		for _, x := range d {
			if x == want {
				return OpenDialect(tb, x)
			}
		}
		tb.Fatalf("%s=%s: not a dialect this run tests (%v)", EnvOpen, want, d)
	}
	return OpenDialect(tb, d[len(d)-1])
}

// NewDSN creates an empty database of the dialect, removed when the test
// ends, and returns its address.
func NewDSN(tb testing.TB, dialect string) string {
	tb.Helper()
	if dialect == "sqlite" {
		return "sqlite:" + filepath.Join(tb.TempDir(), "test.db")
	}
	base := os.Getenv(EnvPostgres)
	if base == "" {
		tb.Fatalf("%s is not set", EnvPostgres)
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatalf("open postgres: %v", err)
	}
	defer admin.Close()
	b := make([]byte, 6)
	rand.Read(b)
	name := "cgtest_" + hex.EncodeToString(b)
	if _, err := admin.Exec(`CREATE DATABASE ` + name); err != nil {
		tb.Fatalf("create database: %v", err)
	}
	tb.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer db.Close()
		db.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`)
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("parse %s: %v", EnvPostgres, err)
	}
	u.Path = "/" + name
	return u.String()
}
