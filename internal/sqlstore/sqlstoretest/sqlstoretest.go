// Package sqlstoretest gives tests a migrated store on the database the run
// asks for: a temporary SQLite file, or with CAMPUSGUARD_TEST_POSTGRES set
// to a PostgreSQL URL, a fresh PostgreSQL database per test, dropped after.
package sqlstoretest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
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
// A SQLite database starts as a copy of one migrated in this process (see
// migratedSQLite); Migrate still runs on it and finds nothing to apply.
func OpenDialect(tb testing.TB, dialect string) *sqlstore.Store {
	tb.Helper()
	var dsn string
	if dialect == "sqlite" {
		img, err := migratedSQLite()
		if err != nil {
			tb.Fatalf("migrate the SQLite template: %v", err)
		}
		path := filepath.Join(tb.TempDir(), "test.db")
		if err := os.WriteFile(path, img, 0o644); err != nil {
			tb.Fatalf("copy the SQLite template: %v", err)
		}
		dsn = "sqlite:" + path
	} else {
		dsn = NewDSN(tb, dialect)
	}
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

// sqliteTemplate is a freshly migrated SQLite database file, made once per
// test process: running the migrations took about 80 ms of CPU for each
// of the several hundred stores a package's tests open, a tenth of the
// quick suite, while copying the file takes well under a millisecond.
var sqliteTemplate struct {
	once sync.Once
	img  []byte
	err  error
}

// migratedSQLite returns the bytes of a migrated, empty SQLite database:
// migrated by sqlstore.Migrate as any store is, its log checkpointed into
// the file and the file closed, so that the bytes are the whole database.
func migratedSQLite() ([]byte, error) {
	t := &sqliteTemplate
	t.once.Do(func() {
		dir, err := os.MkdirTemp("", "sqlstoretest-template-")
		if err != nil {
			t.err = err
			return
		}
		defer os.RemoveAll(dir)
		path := filepath.Join(dir, "template.db")
		ctx := context.Background()
		s, err := sqlstore.Open(ctx, "sqlite:"+path)
		if err != nil {
			t.err = err
			return
		}
		_, err = s.Migrate(ctx)
		if err == nil {
			_, err = s.WriteDB().ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
		}
		if err = errors.Join(err, s.Close()); err != nil {
			t.err = err
			return
		}
		if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() > 0 {
			t.err = fmt.Errorf("%s-wal holds %d bytes after the checkpoint and close", path, fi.Size())
			return
		}
		t.img, t.err = os.ReadFile(path)
	})
	return t.img, t.err
}
