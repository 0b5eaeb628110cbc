package app_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/app"
	"campusguard/internal/backup"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// metric reads one value from /metrics.
func metric(t *testing.T, url, name string) float64 {
	t.Helper()
	resp, err := http.Get(url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	m := regexp.MustCompile(`(?m)^` + name + ` (\S+)$`).FindSubmatch(body)
	if m == nil {
		t.Fatalf("/metrics has no %s", name)
	}
	v, _ := strconv.ParseFloat(string(m[1]), 64)
	return v
}

// TestScheduledBackups: serve with a backup directory backs up at start
// (the directory had only older backups), keeps the newest --backup-keep,
// and shows the backup's time and size in /metrics; a directory it cannot
// use is a failed backup, counted, and an alert in a system
// administrator's inbox.
func TestScheduledBackups(t *testing.T) {
	for _, dialect := range sqlstoretest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			if dialect == "postgres" {
				if _, err := exec.LookPath("pg_dump"); err != nil && os.Getenv("CI") != "true" {
					t.Skip("pg_dump is not on the PATH")
				}
			}
			dsn := sqlstoretest.NewDSN(t, dialect)
			dir := filepath.Join(t.TempDir(), "backups")
			os.MkdirAll(dir, 0o755)
			for _, old := range []string{"campusguard-20200101T000000Z.cgbak", "campusguard-20200102T000000Z.cgbak", "notes.txt"} {
				os.WriteFile(filepath.Join(dir, old), []byte("old"), 0o600)
			}
			m := &app.Main{DB: dsn, Addr: "127.0.0.1:0", Logger: discard(), Backup: app.BackupConfig{Dir: dir, Every: time.Hour, Keep: 2}}
			if err := m.Run(context.Background()); err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			var names []string
			deadline := time.Now().Add(30 * time.Second)
			for time.Now().Before(deadline) {
				entries, _ := os.ReadDir(dir)
				names = names[:0]
				for _, e := range entries {
					names = append(names, e.Name())
				}
				if len(names) == 3 && !slices.Contains(names, "campusguard-20200101T000000Z.cgbak") {
					break
				}
				time.Sleep(100 * time.Millisecond)
			}
			if len(names) != 3 || !slices.Contains(names, "campusguard-20200102T000000Z.cgbak") || !slices.Contains(names, "notes.txt") {
				t.Fatalf("backup directory = %v; want the newest old one, a new one and the unrelated file", names)
			}
			var fresh string
			for _, n := range names {
				if n != "notes.txt" && n != "campusguard-20200102T000000Z.cgbak" {
					fresh = n
				}
			}
			man, err := backup.Verify(filepath.Join(dir, fresh))
			if err != nil || man.Dialect != dialect {
				t.Fatalf("Verify(%s) = %+v, %v", fresh, man, err)
			}
			if size := metric(t, m.URL(), "campusguard_backup_last_size_bytes"); size != float64(backup.HeaderSize+man.Size) {
				t.Errorf("last size = %v, want %d", size, backup.HeaderSize+man.Size)
			}
			if at := metric(t, m.URL(), "campusguard_backup_last_success_timestamp_seconds"); time.Since(time.Unix(int64(at), 0)) > time.Minute {
				t.Errorf("last success = %v, want just now", at)
			}
			if n := metric(t, m.URL(), "campusguard_backup_failures_total"); n != 0 {
				t.Errorf("failures = %v, want 0", n)
			}
		})
	}
}

func TestScheduledBackupFails(t *testing.T) {
	dsn := sqlstoretest.NewDSN(t, "sqlite")
	store, _, err := app.OpenStore(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	admin := sqlstoretest.MustUser(t, store, campusguard.Grant{Role: campusguard.SystemAdmin})
	store.Close()
	blocker := filepath.Join(t.TempDir(), "a-file")
	os.WriteFile(blocker, []byte("x"), 0o600)
	m := &app.Main{DB: dsn, Addr: "127.0.0.1:0", Logger: discard(),
		Backup: app.BackupConfig{Dir: filepath.Join(blocker, "backups"), Every: time.Hour, Keep: 3}}
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) && metric(t, m.URL(), "campusguard_backup_failures_total") < 1 {
		time.Sleep(100 * time.Millisecond)
	}
	if n := metric(t, m.URL(), "campusguard_backup_failures_total"); n != 1 {
		t.Fatalf("failures = %v, want 1", n)
	}
	if at := metric(t, m.URL(), "campusguard_backup_last_success_timestamp_seconds"); at != 0 {
		t.Errorf("last success = %v, want 0 (none)", at)
	}
	ctx := sqlstoretest.ActorCtx(t, m.Store(), admin)
	inbox, _, err := m.Store().Inbox(ctx, false, 0, 10)
	if err != nil || len(inbox) != 1 || inbox[0].Kind != "backup_failed" || inbox[0].Link != "/admin/system" {
		t.Errorf("the system admin's inbox = %+v, %v; want the failed backup", inbox, err)
	}
	runs, _, err := m.Store().FindBackups(ctx, 5)
	if err != nil || len(runs) != 1 || runs[0].OK || runs[0].Error == "" {
		t.Errorf("backup runs = %+v, %v", runs, err)
	}
}

func discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
