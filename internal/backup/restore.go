package backup

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"campusguard/internal/sqlstore"
)

// RestoreOptions tune a restore.
type RestoreOptions struct {
	// Force replaces a database that is not empty: SQLite's file is
	// replaced, PostgreSQL's tables are dropped first.
	Force bool
	// Tool is pg_restore's path for PostgreSQL; "" finds it on PATH.
	Tool string
}

// DialectOf returns the kind of database dsn names, as sqlstore.Open reads
// it: "postgres" for a postgres:// URL, else "sqlite".
func DialectOf(dsn string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return dialectPostgres
	}
	return dialectSQLite
}

// Restore writes the backup at path into the database dsn names and then
// applies the migrations this program has that the backup had not. Before
// touching the target it checks the backup (header, size, checksum), that
// it is of the target's kind and of a version this program knows, and
// that the target is empty unless opt.Force. It returns the manifest and
// the migrations applied after.
func Restore(ctx context.Context, path, dsn string, opt RestoreOptions) (*Manifest, []string, error) {
	m, err := Verify(path)
	if err != nil {
		return nil, nil, err
	}
	dialect := DialectOf(dsn)
	if err := CheckVersion(m, dialect); err != nil {
		return nil, nil, err
	}
	if dialect == dialectPostgres {
		err = restorePostgres(ctx, path, dsn, m, opt)
	} else {
		err = restoreSQLite(ctx, path, strings.TrimPrefix(dsn, "sqlite:"), m, opt)
	}
	if err != nil {
		return nil, nil, err
	}
	st, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		return nil, nil, err
	}
	defer st.Close()
	got, err := st.AppliedMigrations(ctx)
	if err != nil {
		return nil, nil, err
	}
	if !slices.Equal(got, m.Migrations) {
		return nil, nil, bad(fmt.Errorf("restored migrations %v, manifest %v", got, m.Migrations), "backup.error.corrupt_payload")
	}
	applied, err := st.Migrate(ctx)
	if err != nil {
		return nil, nil, err
	}
	return m, applied, nil
}

// notEmpty reports whether the database dsn names holds any table.
func notEmpty(ctx context.Context, dsn string) (bool, error) {
	st, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		return false, err
	}
	defer st.Close()
	empty, err := st.Empty(ctx)
	return !empty, err
}

// restoreSQLite decompresses the payload beside the target, checks that it
// reads as a sound database with the manifest's migrations, and only then
// moves it into place.
func restoreSQLite(ctx context.Context, path, file string, m *Manifest, opt RestoreOptions) error {
	if file == "" {
		return bad(nil, "backup.error.no_target")
	}
	if st, err := os.Stat(file); err == nil && st.Size() > 0 {
		full, err := notEmpty(ctx, file)
		if err != nil {
			return err
		}
		if full && !opt.Force {
			return bad(nil, "backup.error.not_empty", file)
		}
	}
	if dir := filepath.Dir(file); dir != "." {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	tmp := file + ".restore"
	removeSQLite(tmp)
	ok := false
	defer func() {
		if !ok {
			removeSQLite(tmp)
		}
	}()
	in, err := payload(path)
	if err != nil {
		return err
	}
	defer in.Close()
	zr, err := gzip.NewReader(bufio.NewReaderSize(io.LimitReader(in, m.Size), 1<<20))
	if err != nil {
		return bad(err, "backup.error.corrupt_payload")
	}
	out, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, zr); err != nil {
		out.Close()
		return bad(err, "backup.error.corrupt_payload")
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	if err := checkSQLite(ctx, tmp, m); err != nil {
		return err
	}
	removeSQLite(file)
	if err := os.Rename(tmp, file); err != nil {
		return err
	}
	ok = true
	syncDir(filepath.Dir(file))
	return nil
}

// checkSQLite opens a restored file and checks it: sound, and holding the
// manifest's migrations.
func checkSQLite(ctx context.Context, file string, m *Manifest) error {
	st, err := sqlstore.Open(ctx, "sqlite:"+file)
	if err != nil {
		return bad(err, "backup.error.corrupt_payload")
	}
	defer st.Close()
	if err := st.QuickCheck(ctx); err != nil {
		return bad(err, "backup.error.corrupt_payload")
	}
	got, err := st.AppliedMigrations(ctx)
	if err != nil || !slices.Equal(got, m.Migrations) {
		return bad(fmt.Errorf("migrations %v, manifest %v: %v", got, m.Migrations, err), "backup.error.corrupt_payload")
	}
	return nil
}

// restorePostgres feeds the payload to pg_restore in one transaction, so a
// failed restore leaves nothing half-written (after a forced one, an empty
// database).
func restorePostgres(ctx context.Context, path, dsn string, m *Manifest, opt RestoreOptions) error {
	tool, err := findTool(opt.Tool, "pg_restore")
	if err != nil {
		return err
	}
	st, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		return err
	}
	empty, err := st.Empty(ctx)
	if err == nil && !empty {
		if !opt.Force {
			err = bad(nil, "backup.error.not_empty", st.Target())
		} else {
			err = st.DropAll(ctx)
		}
	}
	st.Close()
	if err != nil {
		return err
	}
	in, err := payload(path)
	if err != nil {
		return err
	}
	defer in.Close()
	u, password, err := sqlstore.PostgresURL(dsn)
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, tool, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
		"--dbname="+u)
	cmd.Env = append(os.Environ(), "PGPASSWORD="+password)
	cmd.Stdin = io.LimitReader(in, m.Size)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = io.Discard, &stderr
	if err := cmd.Run(); err != nil {
		return bad(fmt.Errorf("%w: %s", err, strings.TrimSpace(stderr.String())), "backup.error.tool_failed", "pg_restore",
			firstLine(stderr.String()))
	}
	return nil
}
