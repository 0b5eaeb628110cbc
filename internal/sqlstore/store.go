// Package sqlstore is the only package that speaks SQL. One set of
// hand-written queries serves SQLite and PostgreSQL; the differences that
// remain live in the dialect value.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"campusguard"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Store implements the domain's services on a SQL database.
type Store struct {
	read    *sql.DB // queries; for SQLite a pool of read connections
	write   *sql.DB // transactions that write; for SQLite one connection
	dialect dialect
	target  string // the database, with any password removed, for logs
	group   groupCommit
	// unpipelined makes check groups on PostgreSQL go statement by
	// statement, as on SQLite, rather than in a pipeline (pipeline.go):
	// only tests set it, to run both ways against each other.
	unpipelined bool
	stmts       stmtCache
	tokens      tokenCache
	fever       feverCache
	ckpt        *checkpointer // SQLite: checkpoints off the write path
	wcache      writerCache   // SQLite: what check batches read, see writercache.go

	// Now returns the current time; tests replace it.
	Now func() time.Time
}

// dialect holds what differs between the two databases.
type dialect struct {
	name     string // "sqlite" or "postgres"
	postgres bool
	// lockRows ends a SELECT whose rows (of the table aliased p) the
	// transaction must hold until it ends, because it writes what it
	// computed from them: on PostgreSQL, where several servers write at
	// once, a row lock that other writers wait for but that foreign keys
	// pointing at the row do not; on SQLite, whose one writer holds the
	// whole database, nothing.
	lockRows string
	// claimRows ends a subquery that picks rows to claim for one server
	// (due webhook deliveries): on PostgreSQL, rows another server is
	// claiming are skipped rather than waited for; SQLite has one server.
	claimRows string
}

// Open connects to the database named by dsn: "postgres://..." or
// "postgresql://..." for PostgreSQL; a file path or "sqlite:PATH" for SQLite.
// It does not migrate; call Migrate.
func Open(ctx context.Context, dsn string) (*Store, error) {
	s := &Store{Now: time.Now}
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		dsn, conns, err := poolSize(dsn)
		if err != nil {
			return nil, err
		}
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		db.SetMaxOpenConns(conns)
		db.SetMaxIdleConns(conns)
		db.SetConnMaxIdleTime(5 * time.Minute)
		s.read, s.write = db, db
		s.dialect = dialect{name: "postgres", postgres: true, lockRows: " FOR NO KEY UPDATE OF p", claimRows: " FOR UPDATE OF d SKIP LOCKED"}
		s.target = redact(dsn)
	default:
		path := strings.TrimPrefix(dsn, "sqlite:")
		if path == "" {
			return nil, errors.New("open sqlite: empty path")
		}
		if dir := filepath.Dir(path); dir != "." {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return nil, fmt.Errorf("open sqlite: %w", err)
			}
		}
		var err error
		s.wcache.dsn = sqliteDSN(path, true)
		if s.write, err = sql.Open("sqlite", s.wcache.dsn); err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		// One writer: SQLite serialises writes anyway, and a single
		// connection turns lock contention into a queue in Go.
		s.write.SetMaxOpenConns(1)
		if s.read, err = sql.Open("sqlite", sqliteDSN(path, false)); err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		s.read.SetMaxOpenConns(8)
		s.read.SetMaxIdleConns(8)
		ckdb, err := sql.Open("sqlite", sqliteDSN(path, false))
		if err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		ckdb.SetMaxOpenConns(1)
		s.ckpt = startCheckpointer(ckdb)
		s.dialect = dialect{name: "sqlite"}
		s.target = "sqlite:" + path
	}
	if err := s.read.PingContext(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("connect %s: %w", s.target, err)
	}
	return s, nil
}

// poolSize takes pool_max_conns (as pgxpool names it) out of a PostgreSQL
// URL: the most connections this server opens, 32 by default. Several
// servers share the database's max_connections, so each must stay under
// its share.
func poolSize(dsn string) (string, int, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return "", 0, fmt.Errorf("open postgres: bad URL")
	}
	q := u.Query()
	v := q.Get("pool_max_conns")
	if v == "" {
		return dsn, 32, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return "", 0, fmt.Errorf("open postgres: pool_max_conns=%q is not a positive number", v)
	}
	q.Del("pool_max_conns")
	u.RawQuery = q.Encode()
	return u.String(), n, nil
}

// sqliteDSN builds the modernc DSN. busy_timeout comes first so that the
// pragmas after it wait rather than fail; synchronous(FULL) makes every
// acknowledged commit survive a power cut; the writer begins IMMEDIATE so a
// transaction never fails half-way on a lock upgrade.
func sqliteDSN(path string, writer bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "cache_size(-32000)")
	q.Set("_time_format", "sqlite")
	if writer {
		q.Set("_txlock", "immediate")
		q.Add("_pragma", "wal_autocheckpoint("+strconv.Itoa(walBackstop)+")")
	} else {
		q.Add("_pragma", "query_only(1)")
	}
	return "file:" + path + "?" + q.Encode()
}

func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "postgres://?"
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// Target returns the database's address with any password redacted.
func (s *Store) Target() string { return s.target }

// Dialect returns "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.dialect.name }

// Close closes the connections.
func (s *Store) Close() error {
	s.stopGroup()
	err := s.ckpt.close()
	if s.write != nil {
		err = errors.Join(err, s.write.Close())
	}
	if s.read != nil && s.read != s.write {
		err = errors.Join(err, s.read.Close())
	}
	return err
}

// DB returns the read pool, for benchmarks that compare with raw SQL.
func (s *Store) DB() *sql.DB { return s.read }

// WriteDB returns the write pool (one connection on SQLite), for benchmarks
// that write with raw SQL.
func (s *Store) WriteDB() *sql.DB {
	s.wcache.disable() // writes made here bypass the writer's cache
	return s.write
}

// Tx is a write transaction with one clock reading for all it writes.
//
// On SQLite its queries go through prepared statements: a batch runs the
// same dozen statements for every row, and parsing them again each time was
// half of a batch's cost. Statements are kept per transaction, and the ones
// a transaction used are prepared on the writer pool after it ends (the one
// writer connection is busy until then), so the next transaction reuses
// them without parsing. On PostgreSQL, pgx keeps its own statement cache
// per connection, so queries go straight through.
type Tx struct {
	*sql.Tx
	// conn, when set, is the PostgreSQL connection of a transaction begun
	// and ended in a pipeline (pipeline.go); Tx is nil then.
	conn   *sql.Conn
	now    time.Time
	s      *Store
	stmts  map[string]*sql.Stmt
	wanted []string // queries to prepare on the pool once the transaction ends
	// keepsCache marks a transaction that writes nothing a check batch
	// reads (people, orgs, checks, person-days): a check batch itself, a
	// token's last use. Any other clears the writer's cache before it
	// commits (see writercache.go).
	keepsCache bool
	// afterCommit runs once the transaction has committed.
	afterCommit []func()
}

func (tx *Tx) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := tx.stmts[query]; ok {
		return st, nil
	}
	var st *sql.Stmt
	if shared := tx.s.stmts.lookup(tx.s.write, query); shared != nil {
		st = tx.Tx.StmtContext(ctx, shared) // prepared on the one writer connection: not parsed again
	} else {
		var err error
		if st, err = tx.Tx.PrepareContext(ctx, query); err != nil {
			return nil, err
		}
		tx.wanted = append(tx.wanted, query)
	}
	if tx.stmts == nil {
		tx.stmts = map[string]*sql.Stmt{}
	}
	tx.stmts[query] = st
	return st, nil
}

// stmtCache keeps statements prepared on a pool across transactions and
// requests. The number of statements is bounded; past it, statements are
// prepared per transaction.
type stmtCache struct {
	mu sync.Mutex
	m  map[*sql.DB]map[string]*sql.Stmt
	n  int
}

const maxCachedStmts = 512

// lookup returns the statement for query prepared on db, or nil.
func (c *stmtCache) lookup(db *sql.DB, query string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[db][query]
}

// get returns the statement for query prepared on db, preparing it if need
// be, or nil when the cache is full. It must not be called for a pool whose
// connections the caller holds.
func (c *stmtCache) get(ctx context.Context, db *sql.DB, query string) (*sql.Stmt, error) {
	if st := c.lookup(db, query); st != nil {
		return st, nil
	}
	c.mu.Lock()
	full := c.n >= maxCachedStmts
	c.mu.Unlock()
	if full {
		return nil, nil
	}
	st, err := db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.m[db][query]; old != nil { // prepared meanwhile by another caller
		st.Close()
		return old, nil
	}
	if c.m == nil {
		c.m = map[*sql.DB]map[string]*sql.Stmt{}
	}
	if c.m[db] == nil {
		c.m[db] = map[string]*sql.Stmt{}
	}
	c.m[db][query] = st
	c.n++
	return st, nil
}

// ExecContext runs a statement prepared once per transaction. A script of
// several statements (a migration) must use tx.Tx.ExecContext.
func (tx *Tx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if tx.s.dialect.postgres {
		return tx.pg().ExecContext(ctx, query, args...)
	}
	st, err := tx.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

// QueryContext runs a query prepared once per transaction.
func (tx *Tx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if tx.s.dialect.postgres {
		return tx.pg().QueryContext(ctx, query, args...)
	}
	st, err := tx.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// QueryRowContext runs a one-row query prepared once per transaction.
func (tx *Tx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if tx.s.dialect.postgres {
		return tx.pg().QueryRowContext(ctx, query, args...)
	}
	st, err := tx.stmt(ctx, query)
	if err != nil {
		return tx.Tx.QueryRowContext(ctx, query, args...) // reports the same error through Scan
	}
	return st.QueryRowContext(ctx, args...)
}

// pg is what a PostgreSQL transaction's statements go through.
func (tx *Tx) pg() queryer {
	if tx.conn != nil {
		return tx.conn
	}
	return tx.Tx
}

// inTx runs fn in a write transaction and commits when it returns nil.
func (s *Store) inTx(ctx context.Context, fn func(tx *Tx) error) error {
	sqlTx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	tx := &Tx{Tx: sqlTx, now: s.Now().UTC().Truncate(time.Microsecond), s: s}
	if err := fn(tx); err != nil {
		sqlTx.Rollback()
		return mapError(err)
	}
	if !tx.keepsCache {
		// Before the commit, on the writer connection: no check batch can
		// begin between this transaction's commit and the clearing.
		s.wcache.clear()
	}
	if err := sqlTx.Commit(); err != nil {
		return mapError(fmt.Errorf("commit: %w", err))
	}
	for _, f := range tx.afterCommit {
		f()
	}
	s.ckpt.committed()
	for _, q := range tx.wanted {
		if _, err := s.stmts.get(ctx, s.write, q); err != nil {
			break // only a missed saving: the next transaction prepares it again
		}
	}
	return nil
}

// conds collects a list query's conditions and their arguments, numbered
// $1, $2, … in the order they are added, so the placeholders and the
// arguments cannot drift apart.
type conds struct {
	list []string
	args []any
}

// arg adds an argument and returns its placeholder.
func (c *conds) arg(v any) string {
	c.args = append(c.args, v)
	return "$" + strconv.Itoa(len(c.args))
}

// and adds conditions, all of which must hold.
func (c *conds) and(cond ...string) { c.list = append(c.list, cond...) }

// where returns the conditions joined, "1 = 1" for none.
func (c *conds) where() string {
	if len(c.list) == 0 {
		return "1 = 1"
	}
	return strings.Join(c.list, " AND ")
}

// queryer is what both *sql.DB and *sql.Tx offer.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// mapError turns the drivers' constraint errors into domain errors, once.
// Field-level conflicts are found by queries before writing; a constraint
// that still fires is a race, reported as a plain Conflict.
func mapError(err error) error {
	if err == nil || campusguard.ErrorCode(err) != campusguard.Internal {
		return err
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return &campusguard.Error{Code: campusguard.Conflict, Message: "error.conflict", Err: err}
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return &campusguard.Error{Code: campusguard.Invalid, Message: "error.invalid_input", Err: err}
		}
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505":
			return &campusguard.Error{Code: campusguard.Conflict, Message: "error.conflict", Err: err}
		case "23503":
			return &campusguard.Error{Code: campusguard.Invalid, Message: "error.invalid_input", Err: err}
		}
	}
	return err
}

// notFound is the error for a missing row; what is for the log only.
func notFound(what string) error {
	return &campusguard.Error{Code: campusguard.NotFound, Message: "error.not_found", Err: fmt.Errorf("%s not found", what)}
}

// hidden is the error of a lookup that found nothing, or found something
// the actor may not see: NotFound for both, which the caller cannot tell
// apart. Any other failure of the lookup (a lost connection, a timeout) is
// returned as it is: an outage is not "not found", and must be logged and
// answered as one (issue 18).
func hidden(err error, what string) error {
	if err == nil || errors.Is(err, sql.ErrNoRows) || campusguard.ErrorCode(err) == campusguard.NotFound {
		return notFound(what)
	}
	return err
}

// subtree returns the bounds of the paths below path: every descendant's path
// sorts in [path, upper) bytewise, because '0' follows '/'. The column must
// sort bytewise (COLLATE "C" in PostgreSQL).
func subtree(path string) (lo, hi string) {
	return path, path[:len(path)-1] + "0"
}

// nullID turns a nil id into NULL.
func nullID(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

// idPtr turns a scanned NULL into nil.
func idPtr(n sql.NullInt64) *int64 {
	if !n.Valid {
		return nil
	}
	v := n.Int64
	return &v
}

// nullString turns "" into NULL, for optional unique columns.
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// hotReads is the read pool through statements prepared once, for the
// queries run on every request (the caller's session or token, their
// grants). It satisfies queryer. PostgreSQL goes straight through: pgx
// caches statements itself.
type hotReads struct{ s *Store }

func (h hotReads) stmt(ctx context.Context, query string) *sql.Stmt {
	if h.s.dialect.postgres {
		return nil
	}
	st, err := h.s.stmts.get(ctx, h.s.read, query)
	if err != nil {
		return nil
	}
	return st
}

func (h hotReads) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := h.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return h.s.read.QueryContext(ctx, query, args...)
}

func (h hotReads) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := h.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return h.s.read.QueryRowContext(ctx, query, args...)
}

func (h hotReads) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return nil, errors.New("hotReads: read only")
}
