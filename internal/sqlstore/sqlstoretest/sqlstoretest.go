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
	"time"

	"campusguard/internal/sqlstore"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
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
// migratedSQLite), a PostgreSQL one as a copy of a migrated template (see
// migratedPostgres); Migrate still runs on it and finds nothing to apply.
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
		tmpl, err := migratedPostgres()
		if err != nil {
			tb.Fatalf("migrate the PostgreSQL template: %v", err)
		}
		dsn = newPostgres(tb, tmpl)
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
	return newPostgres(tb, "")
}

// newPostgres creates a PostgreSQL database, a copy of template (empty:
// PostgreSQL's own, an empty database), removed when the test ends, and
// returns its address.
func newPostgres(tb testing.TB, template string) string {
	tb.Helper()
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
	create := `CREATE DATABASE ` + name
	if template != "" {
		create += ` TEMPLATE ` + template
	}
	if _, err := admin.Exec(create); err != nil {
		tb.Fatalf("create database: %v", err)
	}
	tb.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer db.Close()
		if err := DropDatabase(context.Background(), db, name); err != nil {
			tb.Logf("database %s is left behind: %v", name, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("parse %s: %v", EnvPostgres, err)
	}
	u.Path = "/" + name
	return u.String()
}

// DropDatabase drops the PostgreSQL database name through admin (a pool or
// one connection), ending its sessions. PostgreSQL 15 refuses DROP
// DATABASE … WITH (FORCE), to a role that is not a superuser, while a
// session of another role is in the database ("must be a member of the
// role whose process is being terminated"): in the tests, the autovacuum
// worker that a test's writes or ANALYZE have just woken. It finishes in
// moments, so a refused drop is tried again for up to 30 s. Before, such
// databases were left behind, about twenty in a run of .ci/run on a
// developer's server.
func DropDatabase(ctx context.Context, admin interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}, name string) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, err := admin.ExecContext(ctx, `DROP DATABASE IF EXISTS `+pgx.Identifier{name}.Sanitize()+` WITH (FORCE)`)
		var pgErr *pgconn.PgError
		if err == nil || !errors.As(err, &pgErr) || pgErr.Code != "42501" || time.Now().After(deadline) {
			return err
		}
		time.Sleep(200 * time.Millisecond)
	}
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

// postgresTemplate is the name of the migrated PostgreSQL database that
// OpenDialect copies (CREATE DATABASE ... TEMPLATE), found or made once per
// test process. Migrating a new database took about a second of wall time,
// its migrations each a transaction with its own flush, for each of the
// hundreds of stores the PostgreSQL half of the suite opens; a copy takes a
// quarter of that.
var postgresTemplate struct {
	once sync.Once
	name string
	err  error
}

// templateLock is the advisory lock (in the server's administrative
// database) under which one test process makes the template while the
// others wait for it.
const templateLock = 74319

// migratedPostgres returns the name of a migrated, empty PostgreSQL
// database to copy. It is named by the digest of the migrations, so every
// test process of a run, and every run of the same migrations, shares it,
// and a build with other migrations makes its own. It is made under a
// different name and renamed when migrated, so that no process ever copies
// one half made; nothing connects to it after that (PostgreSQL refuses to
// copy a database in use). Templates of other migrations are dropped when
// a new one is made, so that a developer's server keeps one.
func migratedPostgres() (string, error) {
	t := &postgresTemplate
	t.once.Do(func() { t.name, t.err = makePostgresTemplate(os.Getenv(EnvPostgres)) })
	return t.name, t.err
}

func makePostgresTemplate(base string) (string, error) {
	if base == "" {
		return "", fmt.Errorf("%s is not set", EnvPostgres)
	}
	digest, err := sqlstore.MigrationsDigest("postgres")
	if err != nil {
		return "", err
	}
	name := "cgtmpl_" + digest[:16]
	ctx := context.Background()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return "", err
	}
	defer admin.Close()
	conn, err := admin.Conn(ctx) // an advisory lock belongs to its session
	if err != nil {
		return "", err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, templateLock); err != nil {
		return "", err
	}
	defer conn.ExecContext(ctx, `SELECT pg_advisory_unlock($1)`, templateLock)
	var exists bool
	if err := conn.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return "", err
	}
	if exists {
		return name, nil
	}
	rows, err := conn.QueryContext(ctx, `SELECT datname FROM pg_database WHERE datname LIKE 'cgtmpl\_%'`)
	if err != nil {
		return "", err
	}
	var stale []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return "", err
		}
		stale = append(stale, n)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return "", err
	}
	for _, n := range stale {
		if err := DropDatabase(ctx, conn, n); err != nil {
			return "", err
		}
	}
	build := name + "_build"
	if _, err := conn.ExecContext(ctx, `CREATE DATABASE `+build); err != nil {
		return "", err
	}
	u, err := url.Parse(base)
	if err != nil {
		return "", err
	}
	u.Path = "/" + build
	s, err := sqlstore.Open(ctx, u.String())
	if err != nil {
		return "", err
	}
	_, err = s.Migrate(ctx)
	if err = errors.Join(err, s.Close()); err != nil {
		return "", fmt.Errorf("migrate %s: %w", build, err)
	}
	// The closed store's server processes end a moment after it closes.
	for range 100 {
		if _, err = conn.ExecContext(ctx, `ALTER DATABASE `+build+` RENAME TO `+name); err == nil {
			return name, nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return "", fmt.Errorf("rename %s: %w", build, err)
}
