package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"campusguard"
	"campusguard/internal/app"
	"campusguard/internal/backup"
	"campusguard/internal/i18n"
	"campusguard/internal/sqlstore"
)

const backupUsage = `Usage: campusguard backup [--db URL] [--method backup-api|vacuum-into] FILE|DIR

Writes a backup of the database while the server runs: on SQLite a
consistent copy (SQLite's online backup), gzip-compressed; on PostgreSQL
pg_dump's custom format (pg_dump must be on the PATH). The file starts with
a header naming the migrations and the payload's SHA-256. Given a
directory, the file is DIR/campusguard-YYYYMMDDTHHMMSSZ.cgbak.
`

// cmdBackup writes a backup of the database to a file.
func cmdBackup(ctx context.Context, env environment, args []string) error {
	fs, c := env.flags("backup")
	method := fs.String("method", string(sqlstore.SnapshotBackupAPI), "how SQLite is copied: backup-api or vacuum-into")
	level := fs.Int("level", 0, "gzip level of a SQLite backup, 1 (fastest) to 9 (smallest); 0 is 1")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), backupUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errReported
	}
	lang := cliLang(c)
	m := sqlstore.SnapshotMethod(*method)
	if m != sqlstore.SnapshotBackupAPI && m != sqlstore.SnapshotVacuumInto {
		return fmt.Errorf("--method %q: backup-api or vacuum-into", *method)
	}
	if *level < 0 || *level > 9 {
		return fmt.Errorf("--level %d: 1 to 9", *level)
	}
	path := fs.Arg(0)
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		path = filepath.Join(path, app.BackupName(time.Now()))
	}
	// No migration here: a backup copies the database as it is.
	store, err := sqlstore.Open(ctx, c.db)
	if err != nil {
		return err
	}
	defer store.Close()
	run, man, err := app.BackupNow(ctx, store, c.db, path, campusguard.BackupCommand, backup.Options{Method: m, Level: *level})
	if err != nil {
		return explain(env, c.lang, err)
	}
	fmt.Fprintf(env.stdout, i18n.T(lang, "backup.cli.written")+"\n", path, formatBytes(run.Size),
		run.FinishedAt.Sub(run.StartedAt).Round(time.Millisecond), len(man.Migrations), man.SHA256[:16])
	return nil
}

const restoreUsage = `Usage: campusguard restore [--db URL] [--force] [--check] FILE

Restores a backup into the database --db names, which must be empty (a new
SQLite file, or a PostgreSQL database without tables) unless --force: then
SQLite's file is replaced, and PostgreSQL's tables are dropped first. Stop
the server first. Before touching anything the backup's checksum, its kind
and its version are checked; --check stops there. A backup older than this
program is migrated forward after the restore. PostgreSQL needs pg_restore
on the PATH.
`

// cmdRestore restores a backup file into a database.
func cmdRestore(ctx context.Context, env environment, args []string) error {
	fs, c := env.flags("restore")
	force := fs.Bool("force", false, "replace a database that is not empty")
	check := fs.Bool("check", false, "only check the backup (header, size, checksum, version) and stop")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), restoreUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errReported
	}
	lang := cliLang(c)
	path := fs.Arg(0)
	if *check {
		m, err := backup.Verify(path)
		if err == nil {
			err = backup.CheckVersion(m, m.Dialect)
		}
		if err != nil {
			return explain(env, c.lang, err)
		}
		fmt.Fprintf(env.stdout, i18n.T(lang, "backup.cli.checked")+"\n", path, m.Dialect, m.CreatedAt.Format(time.RFC3339),
			len(m.Migrations))
		return nil
	}
	start := time.Now()
	m, applied, err := backup.Restore(ctx, path, c.db, backup.RestoreOptions{Force: *force})
	if err != nil {
		return explain(env, c.lang, err)
	}
	fmt.Fprintf(env.stdout, i18n.T(lang, "backup.cli.restored")+"\n", path, c.db, m.CreatedAt.Format(time.RFC3339),
		time.Since(start).Round(time.Millisecond), len(applied))
	return nil
}

// backupSettings are serve's scheduled-backup flags.
type backupSettings struct {
	dir, every, keep *string
}

func backupFlags(env environment, fs *flag.FlagSet) *backupSettings {
	return &backupSettings{
		dir: fs.String("backup-dir", env.env("CAMPUSGUARD_BACKUP_DIR", ""),
			"directory for scheduled backups; none are made without it (env CAMPUSGUARD_BACKUP_DIR)"),
		every: fs.String("backup-every", env.env("CAMPUSGUARD_BACKUP_EVERY", "24h"),
			"time between scheduled backups, at least 1m (env CAMPUSGUARD_BACKUP_EVERY)"),
		keep: fs.String("backup-keep", env.env("CAMPUSGUARD_BACKUP_KEEP", "7"),
			"how many scheduled backups to keep, the oldest removed first (env CAMPUSGUARD_BACKUP_KEEP)"),
	}
}

// config checks the flags and returns the schedule.
func (b *backupSettings) config() (app.BackupConfig, error) {
	every, err := time.ParseDuration(*b.every)
	if err != nil || every < time.Minute {
		return app.BackupConfig{}, fmt.Errorf("--backup-every %q: a duration of at least 1m, such as 6h or 24h", *b.every)
	}
	keep, err := strconv.Atoi(*b.keep)
	if err != nil || keep < 1 || keep > 1000 {
		return app.BackupConfig{}, fmt.Errorf("--backup-keep %q: a number from 1 to 1000", *b.keep)
	}
	return app.BackupConfig{Dir: *b.dir, Every: every, Keep: keep}, nil
}

// cliLang is the language of the command's messages.
func cliLang(c *commonFlags) i18n.Lang {
	if l, ok := i18n.Parse(c.lang); ok {
		return l
	}
	return i18n.Hans
}

// formatBytes writes a size for people: 1.2 GB, 340 MB, 12 kB.
func formatBytes(n int64) string {
	switch {
	case n >= 1e9:
		return strconv.FormatFloat(float64(n)/1e9, 'f', 1, 64) + " GB"
	case n >= 1e6:
		return strconv.FormatFloat(float64(n)/1e6, 'f', 1, 64) + " MB"
	case n >= 1e3:
		return strconv.FormatFloat(float64(n)/1e3, 'f', 0, 64) + " kB"
	}
	return strconv.FormatInt(n, 10) + " B"
}
