package sqlstore

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"sort"
	"strings"
)

//go:embed migrations
var migrationFiles embed.FS

// migrationNames lists the migration files of a dialect in order.
func migrationNames(dialect string) ([]string, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations/"+dialect)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".sql") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names, nil
}

// Migrate applies every embedded migration not yet applied, each in its own
// transaction, recorded in schema_migrations. It returns the names applied.
func (s *Store) Migrate(ctx context.Context) ([]string, error) {
	if _, err := s.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	if s.dialect.postgres {
		// Several servers may start at once; one migrates, the others wait.
		if _, err := s.write.ExecContext(ctx, `SELECT pg_advisory_lock(74318)`); err != nil {
			return nil, fmt.Errorf("migrate: lock: %w", err)
		}
		defer s.write.ExecContext(context.Background(), `SELECT pg_advisory_unlock(74318)`)
	}
	names, err := migrationNames(s.dialect.name)
	if err != nil {
		return nil, err
	}
	done, err := s.appliedMigrations(ctx)
	if err != nil {
		return nil, err
	}
	var applied []string
	for _, name := range names {
		if done[name] {
			continue
		}
		body, err := migrationFiles.ReadFile("migrations/" + s.dialect.name + "/" + name)
		if err != nil {
			return applied, err
		}
		err = s.inTx(ctx, func(tx *Tx) error {
			if _, err := tx.Tx.ExecContext(ctx, string(body)); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (name, applied_at) VALUES ($1, $2)`,
				name, tx.now.Format("2006-01-02T15:04:05Z"))
			return err
		})
		if err != nil {
			return applied, fmt.Errorf("migrate %s: %w", name, err)
		}
		applied = append(applied, name)
	}
	return applied, nil
}

func (s *Store) appliedMigrations(ctx context.Context) (map[string]bool, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT name FROM schema_migrations`)
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	defer rows.Close()
	done := map[string]bool{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		done[n] = true
	}
	return done, rows.Err()
}

// Ready reports whether the database answers and every migration is applied.
func (s *Store) Ready(ctx context.Context) error {
	names, err := migrationNames(s.dialect.name)
	if err != nil {
		return err
	}
	done, err := s.appliedMigrations(ctx)
	if err != nil {
		return err
	}
	for _, n := range names {
		if !done[n] {
			return fmt.Errorf("migration %s not applied", n)
		}
	}
	return nil
}

// MigrationsDigest returns a hex digest of a dialect's embedded migrations,
// their names and contents: two builds with the same digest migrate a
// database to the same schema. The tests name their migrated PostgreSQL
// template by it (sqlstoretest).
func MigrationsDigest(dialect string) (string, error) {
	names, err := migrationNames(dialect)
	if err != nil {
		return "", err
	}
	if len(names) == 0 {
		return "", fmt.Errorf("no migrations for %q", dialect)
	}
	h := sha256.New()
	for _, name := range names {
		body, err := migrationFiles.ReadFile("migrations/" + dialect + "/" + name)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", name, len(body))
		h.Write(body)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
