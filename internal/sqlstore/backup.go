package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"campusguard"

	"modernc.org/sqlite"
)

// SnapshotMethod is how a SQLite database is copied while it serves.
type SnapshotMethod string

// The two ways SQLite copies a live database. Both read one consistent
// snapshot through a read connection, which in WAL mode never blocks the
// writer; they differ in the work done meanwhile (see docs/benchmarks.md).
const (
	// SnapshotBackupAPI copies the database's pages with SQLite's online
	// backup API in one step: a page copy, the least work.
	SnapshotBackupAPI SnapshotMethod = "backup-api"
	// SnapshotVacuumInto writes a compacted copy with VACUUM INTO: every
	// table and index rebuilt, more work, a smaller file.
	SnapshotVacuumInto SnapshotMethod = "vacuum-into"
)

// Snapshot writes a consistent copy of a SQLite database to the file dst,
// which must not exist, while the database keeps serving: submissions go on
// through the one writer connection, untouched. Not for PostgreSQL, which
// pg_dump copies.
func (s *Store) Snapshot(ctx context.Context, dst string, method SnapshotMethod) error {
	if s.dialect.postgres {
		return errors.New("snapshot: PostgreSQL is backed up with pg_dump")
	}
	if _, err := os.Stat(dst); err == nil {
		return fmt.Errorf("snapshot: %s exists", dst)
	}
	conn, err := s.read.Conn(ctx)
	if err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	defer conn.Close()
	switch method {
	case SnapshotVacuumInto:
		// The read pool is query_only, which refuses VACUUM INTO: lift it on
		// this connection for the statement, then put it back.
		if _, err := conn.ExecContext(ctx, `PRAGMA query_only = 0`); err != nil {
			return fmt.Errorf("snapshot: %w", err)
		}
		defer conn.ExecContext(context.Background(), `PRAGMA query_only = 1`)
		if _, err := conn.ExecContext(ctx, `VACUUM INTO $1`, dst); err != nil {
			return fmt.Errorf("snapshot: vacuum into: %w", err)
		}
		return nil
	case SnapshotBackupAPI, "":
		return conn.Raw(func(dc any) error {
			b, ok := dc.(interface {
				NewBackup(string) (*sqlite.Backup, error)
			})
			if !ok {
				return errors.New("snapshot: the driver has no backup API")
			}
			bk, err := b.NewBackup("file:" + dst)
			if err != nil {
				return fmt.Errorf("snapshot: %w", err)
			}
			// All pages in one step, under one read transaction: steps
			// between which the writer commits would start over.
			if _, err := bk.Step(-1); err != nil {
				bk.Finish()
				return fmt.Errorf("snapshot: backup step: %w", err)
			}
			return bk.Finish()
		})
	}
	return fmt.Errorf("snapshot: unknown method %q", method)
}

// KnownMigrations lists the migrations this program carries for a dialect
// ("sqlite" or "postgres"), in order.
func KnownMigrations(dialect string) ([]string, error) { return migrationNames(dialect) }

// AppliedMigrations lists the migrations applied to the database, in order.
func (s *Store) AppliedMigrations(ctx context.Context) ([]string, error) {
	done, err := s.appliedMigrations(ctx)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(done))
	for n := range done {
		names = append(names, n)
	}
	slices.Sort(names)
	return names, nil
}

// Empty reports whether the database holds no table at all: what a restore
// needs, so that it never mixes a backup with what is there.
func (s *Store) Empty(ctx context.Context) (bool, error) {
	var n int
	query := `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
	if s.dialect.postgres {
		query = `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()`
	}
	if err := s.read.QueryRowContext(ctx, query).Scan(&n); err != nil {
		return false, fmt.Errorf("empty: %w", err)
	}
	return n == 0, nil
}

// PostgresURL returns the connection URL of a PostgreSQL store with its
// password taken out, and the password, for tools such as pg_dump that
// should not see it on their command line. "" for SQLite.
func PostgresURL(dsn string) (u, password string, err error) {
	if !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") {
		return "", "", nil
	}
	p, err := url.Parse(dsn)
	if err != nil {
		return "", "", fmt.Errorf("postgres url: %w", err)
	}
	if p.User != nil {
		password, _ = p.User.Password()
		p.User = url.User(p.User.Username())
	}
	return p.String(), password, nil
}

// RecordBackup notes a backup run. A failed one is an alert in the inbox of
// every system administrator, in the same transaction. The system only.
func (s *Store) RecordBackup(ctx context.Context, run *campusguard.BackupRun) error {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return err
	}
	if !a.System {
		return forbidden()
	}
	return s.inTx(ctx, func(tx *Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO backups (region_id, started_at, finished_at, source, file, size_bytes,
			ok, error) VALUES (0, $1, $2, $3, $4, $5, $6, $7) RETURNING id`, run.StartedAt.UTC(), run.FinishedAt.UTC(),
			run.Source, run.File, run.Size, run.OK, run.Error).Scan(&run.ID); err != nil {
			return fmt.Errorf("record backup: %w", err)
		}
		if run.OK {
			return nil
		}
		rows, err := tx.QueryContext(ctx, `SELECT DISTINCT u.id, u.region_id FROM grants g JOIN users u ON u.id = g.user_id
			WHERE g.role = $1 AND u.disabled = $2 ORDER BY u.id`, campusguard.SystemAdmin, false)
		if err != nil {
			return fmt.Errorf("record backup: admins: %w", err)
		}
		type admin struct{ id, region int64 }
		var admins []admin
		for rows.Next() {
			var ad admin
			if err := rows.Scan(&ad.id, &ad.region); err != nil {
				rows.Close()
				return err
			}
			admins = append(admins, ad)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		at := run.StartedAt.In(campusguard.China).Format("2006-01-02 15:04")
		return insertMany(ctx, tx, "notifications", notificationColumns,
			len(admins), func(i int) []any {
				return []any{admins[i].region, admins[i].id, "backup_failed", "notify.backup_failed", `["` + at + `"]`,
					"/admin/system", tx.now}
			}, "")
	})
}

// requireSystemAdmin returns Forbidden unless the actor is the system or
// holds a system admin grant.
func requireSystemAdmin(ctx context.Context) error {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return err
	}
	if !a.System && !hasRole(a, campusguard.SystemAdmin) {
		return forbidden()
	}
	return nil
}

// FindBackups returns the latest backup runs, newest first, and the last
// one that worked (nil if none). System admins only.
func (s *Store) FindBackups(ctx context.Context, limit int) ([]*campusguard.BackupRun, *campusguard.BackupRun, error) {
	if err := requireSystemAdmin(ctx); err != nil {
		return nil, nil, err
	}
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	const cols = `id, started_at, finished_at, source, file, size_bytes, ok, error`
	scan := func(sc interface{ Scan(...any) error }) (*campusguard.BackupRun, error) {
		var b campusguard.BackupRun
		if err := sc.Scan(&b.ID, &b.StartedAt, &b.FinishedAt, &b.Source, &b.File, &b.Size, &b.OK, &b.Error); err != nil {
			return nil, err
		}
		b.StartedAt, b.FinishedAt = b.StartedAt.UTC(), b.FinishedAt.UTC()
		return &b, nil
	}
	rows, err := s.read.QueryContext(ctx, `SELECT `+cols+` FROM backups ORDER BY started_at DESC, id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, nil, fmt.Errorf("find backups: %w", err)
	}
	defer rows.Close()
	recent := []*campusguard.BackupRun{}
	for rows.Next() {
		b, err := scan(rows)
		if err != nil {
			return nil, nil, err
		}
		recent = append(recent, b)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	good, err := scan(s.read.QueryRowContext(ctx, `SELECT `+cols+` FROM backups WHERE ok = $1
		ORDER BY started_at DESC, id DESC LIMIT 1`, true))
	if err == sql.ErrNoRows {
		return recent, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("last backup: %w", err)
	}
	return recent, good, nil
}

// RetentionRuns returns the retention job's latest audit lines, newest
// first. System admins only.
func (s *Store) RetentionRuns(ctx context.Context, limit int) ([]*campusguard.AuditEntry, error) {
	if err := requireSystemAdmin(ctx); err != nil {
		return nil, err
	}
	action := "retention"
	entries, _, err := s.FindAudit(campusguard.SystemContext(ctx, "system page"), campusguard.AuditFilter{Action: &action, Limit: limit})
	return entries, err
}

// LastBackup returns the time and size of the last backup that worked, for
// the metrics; zero without one. The system's own read: no actor needed.
func (s *Store) LastBackup(ctx context.Context) (time.Time, int64, error) {
	var at time.Time
	var size int64
	err := s.read.QueryRowContext(ctx, `SELECT finished_at, size_bytes FROM backups WHERE ok = $1
		ORDER BY started_at DESC, id DESC LIMIT 1`, true).Scan(&at, &size)
	if err == sql.ErrNoRows {
		return time.Time{}, 0, nil
	}
	if err != nil {
		return time.Time{}, 0, fmt.Errorf("last backup: %w", err)
	}
	return at.UTC(), size, nil
}

// DropAll drops every table of a PostgreSQL database, for a restore told
// to replace what is there. SQLite is replaced as a file instead.
func (s *Store) DropAll(ctx context.Context) error {
	if !s.dialect.postgres {
		return errors.New("drop all: a SQLite database is replaced as a file")
	}
	return s.inTx(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT tablename FROM pg_tables WHERE schemaname = current_schema()`)
		if err != nil {
			return fmt.Errorf("drop all: %w", err)
		}
		var names []string
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				rows.Close()
				return err
			}
			names = append(names, n)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, n := range names {
			// A name read from the catalogue, quoted as an identifier.
			if _, err := tx.ExecContext(ctx, `DROP TABLE IF EXISTS "`+strings.ReplaceAll(n, `"`, `""`)+`" CASCADE`); err != nil {
				return fmt.Errorf("drop %s: %w", n, err)
			}
		}
		return nil
	})
}

// QuickCheck runs SQLite's quick integrity check: a restored file must
// read as a sound database before it replaces anything.
func (s *Store) QuickCheck(ctx context.Context) error {
	if s.dialect.postgres {
		return nil
	}
	var res string
	if err := s.read.QueryRowContext(ctx, `PRAGMA quick_check`).Scan(&res); err != nil {
		return fmt.Errorf("quick check: %w", err)
	}
	if res != "ok" {
		return fmt.Errorf("quick check: %s", res)
	}
	return nil
}
