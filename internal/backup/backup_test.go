package backup_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/app"
	"campusguard/internal/backup"
	"campusguard/internal/demo"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"

	gocmp "github.com/google/go-cmp/cmp"
)

var sys = campusguard.SystemContext(context.Background(), "test")

var today = campusguard.Date{Year: 2026, Month: 11, Day: 30}

// needTool fails under CI, and skips elsewhere, when a PostgreSQL tool the
// PostgreSQL half needs is missing.
func needTool(t *testing.T, dialect string, tools ...string) {
	t.Helper()
	if dialect != "postgres" {
		return
	}
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("CI=true but %s is not on the PATH (install postgresql)", tool)
			}
			t.Skipf("%s is not on the PATH", tool)
		}
	}
}

// county opens a fresh database of the dialect with a small demo county and
// its day opened, and returns the store, its address and its students.
func county(t *testing.T, dialect string) (*sqlstore.Store, string, []*campusguard.Person) {
	t.Helper()
	dsn := sqlstoretest.NewDSN(t, dialect)
	store, _, err := app.OpenStore(sys, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if _, err := app.BuildDemo(sys, store, demo.Config{Seed: 3, Students: 600, Today: today, HistoryDays: 3}); err != nil {
		t.Fatal(err)
	}
	if err := store.OpenDay(sys, 1, today); err != nil {
		t.Fatal(err)
	}
	kind := campusguard.Student
	students, _, err := store.FindPeople(sys, campusguard.PersonFilter{Kind: &kind, Limit: 600})
	if err != nil || len(students) < 100 {
		t.Fatalf("students = %d, %v", len(students), err)
	}
	return store, dsn, students
}

// rollupRows reads every roll-up row, in order.
func rollupRows(t *testing.T, s *sqlstore.Store) []string {
	t.Helper()
	rows, err := s.DB().Query(`SELECT org_id, day, expected, reported, abnormal, fever, absent, ill_absent, open_followups
		FROM rollups ORDER BY org_id, day`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var org int64
		var day campusguard.Date
		var n [7]int
		if err := rows.Scan(&org, &day, &n[0], &n[1], &n[2], &n[3], &n[4], &n[5], &n[6]); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprint(org, day, n))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestBackupDuringSubmissions backs a database up while submissions run,
// restores it into a new database, and finds there every submission
// acknowledged before the backup started, each once, and roll-ups equal to
// a rebuild from the restored raw rows. On SQLite and, with pg_dump, on
// PostgreSQL.
func TestBackupDuringSubmissions(t *testing.T) {
	for _, dialect := range sqlstoretest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			needTool(t, dialect, "pg_dump", "pg_restore")
			store, dsn, students := county(t, dialect)

			type ack struct {
				key string
				at  time.Time
			}
			var mu sync.Mutex
			var acked []ack
			stop := make(chan struct{})
			var wg sync.WaitGroup
			for w := range 6 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; ; i++ {
						select {
						case <-stop:
							return
						default:
						}
						p := students[(w*131+i)%len(students)]
						temp := 36.2 + float64(i%30)/10 // some fevers, so the roll-ups move
						c := &campusguard.Check{PersonID: p.ID, Day: today, Kind: campusguard.HomeCheck, Temperature: &temp,
							ClientKey: fmt.Sprintf("w%d-%d", w, i)}
						if _, _, err := store.RecordCheck(sys, c); err != nil {
							t.Errorf("RecordCheck = %v", err)
							return
						}
						mu.Lock()
						acked = append(acked, ack{c.ClientKey, time.Now()})
						mu.Unlock()
					}
				}()
			}
			// Back up once enough submissions were acknowledged, and let some
			// more arrive after: waits, not fixed sleeps, so that a loaded
			// machine proves as much as an idle one.
			acks := func() int { mu.Lock(); defer mu.Unlock(); return len(acked) }
			waitAcks := func(n int) {
				for deadline := time.Now().Add(30 * time.Second); acks() < n && time.Now().Before(deadline); {
					time.Sleep(10 * time.Millisecond)
				}
			}
			waitAcks(40)
			start := time.Now()
			path := filepath.Join(t.TempDir(), "a.cgbak")
			m, err := backup.Create(sys, store, dsn, path, backup.Options{})
			mu.Lock()
			during := len(acked)
			mu.Unlock()
			waitAcks(during + 10) // and some after
			close(stop)
			wg.Wait()
			if err != nil {
				t.Fatalf("Create = %v", err)
			}
			var before []string
			for _, a := range acked {
				if a.at.Before(start) {
					before = append(before, a.key)
				}
			}
			if len(before) < 20 || during == len(before) && len(acked) == len(before) {
				t.Fatalf("%d acknowledged before the backup, %d by its end, %d in all: the test proves nothing",
					len(before), during, len(acked))
			}
			if m.Dialect != dialect || len(m.Migrations) == 0 || m.Size <= 0 {
				t.Errorf("manifest = %+v", m)
			}

			target := sqlstoretest.NewDSN(t, dialect)
			got, applied, err := backup.Restore(sys, path, target, backup.RestoreOptions{})
			if err != nil {
				t.Fatalf("Restore = %v", err)
			}
			if got.SHA256 != m.SHA256 || len(applied) != 0 {
				t.Errorf("Restore = %+v, applied %v; want the same manifest, nothing to migrate", got, applied)
			}
			restored, err := sqlstore.Open(sys, target)
			if err != nil {
				t.Fatal(err)
			}
			defer restored.Close()
			count := map[string]int{}
			rows, err := restored.DB().Query(`SELECT client_key FROM checks WHERE day = $1`, today)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var k string
				rows.Scan(&k)
				count[k]++
			}
			rows.Close()
			for _, k := range before {
				if count[k] != 1 {
					t.Errorf("acknowledged before the backup: %s restored %d times, want 1", k, count[k])
				}
			}
			// The restored roll-ups equal a rebuild from the restored rows.
			want := rollupRows(t, restored)
			for d := today.AddDays(-4); !today.Before(d); d = d.AddDays(1) {
				if err := restored.RebuildRollups(sys, 1, d); err != nil {
					t.Fatal(err)
				}
			}
			if diff := gocmp.Diff(want, rollupRows(t, restored)); diff != "" {
				t.Errorf("restored roll-ups differ from their rebuild (-restored +rebuilt):\n%s", diff)
			}
			t.Logf("%s: %d acknowledged before the backup, %d during, %d in all; backup %d bytes; %d checks restored",
				dialect, len(before), during-len(before), len(acked), m.Size, len(count))
		})
	}
}

// tamper rewrites a backup's manifest with change applied.
func tamper(t *testing.T, path string, change func(map[string]any)) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	head := bytes.TrimRight(b[len(backup.Magic):backup.HeaderSize], " \n")
	var m map[string]any
	if err := json.Unmarshal(head, &m); err != nil {
		t.Fatal(err)
	}
	change(m)
	body, _ := json.Marshal(m)
	h := append([]byte(backup.Magic), body...)
	h = append(h, '\n')
	h = append(h, bytes.Repeat([]byte{' '}, backup.HeaderSize-len(h))...)
	copy(b, h)
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestRestoreRefuses: a corrupted, truncated or foreign backup, one of
// another version or kind, and a target that is not empty are refused with
// a clear error before anything is written; --force replaces.
func TestRestoreRefuses(t *testing.T) {
	for _, dialect := range sqlstoretest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			needTool(t, dialect, "pg_dump", "pg_restore")
			store, dsn, _ := county(t, dialect)
			dir := t.TempDir()
			path := filepath.Join(dir, "good.cgbak")
			if _, err := backup.Create(sys, store, dsn, path, backup.Options{}); err != nil {
				t.Fatal(err)
			}
			good, _ := os.ReadFile(path)
			variant := func(name string, edit func(p string)) string {
				p := filepath.Join(dir, name)
				if err := os.WriteFile(p, good, 0o600); err != nil {
					t.Fatal(err)
				}
				edit(p)
				return p
			}
			flip := variant("flipped.cgbak", func(p string) {
				b, _ := os.ReadFile(p)
				b[backup.HeaderSize+len(b[backup.HeaderSize:])/2] ^= 0x55
				os.WriteFile(p, b, 0o600)
			})
			short := variant("short.cgbak", func(p string) { os.Truncate(p, int64(len(good)-100)) })
			headless := variant("headless.cgbak", func(p string) { os.Truncate(p, 100) })
			foreign := filepath.Join(dir, "foreign.cgbak")
			os.WriteFile(foreign, []byte("SQLite format 3\x00 not ours"), 0o600)
			newer := variant("newer.cgbak", func(p string) {
				tamper(t, p, func(m map[string]any) {
					m["migrations"] = append(m["migrations"].([]any), "9999_from_the_future.sql")
				})
			})
			format := variant("format.cgbak", func(p string) { tamper(t, p, func(m map[string]any) { m["format"] = 2 }) })
			other := "sqlite"
			if dialect == "sqlite" {
				other = "postgres"
			}
			kind := variant("kind.cgbak", func(p string) {
				tamper(t, p, func(m map[string]any) {
					m["dialect"] = other
					if other == "postgres" {
						m["payload"] = backup.PayloadPgDumpCustom
					} else {
						m["payload"] = backup.PayloadSQLiteGzip
					}
				})
			})
			for _, tc := range []struct {
				name, path, key string
			}{
				{"a flipped byte", flip, "backup.error.checksum"},
				{"truncated", short, "backup.error.truncated"},
				{"only part of a header", headless, "backup.error.truncated"},
				{"not a backup", foreign, "backup.error.not_backup"},
				{"a newer version", newer, "backup.error.version"},
				{"another format", format, "backup.error.format"},
				{"another kind of database", kind, "backup.error.dialect"},
			} {
				t.Run(tc.name, func(t *testing.T) {
					target := sqlstoretest.NewDSN(t, dialect)
					_, _, err := backup.Restore(sys, tc.path, target, backup.RestoreOptions{})
					var e *campusguard.Error
					if !errorAs(err, &e) || e.Code != campusguard.Invalid || e.Message != tc.key {
						t.Fatalf("Restore(%s) = %v, want Invalid %s", tc.name, err, tc.key)
					}
					assertEmpty(t, target)
				})
			}

			// A target that is not empty: refused, then replaced with --force.
			target := sqlstoretest.NewDSN(t, dialect)
			other2, _, err := app.OpenStore(sys, target)
			if err != nil {
				t.Fatal(err)
			}
			if err := other2.CreateOrg(sys, &campusguard.Org{Kind: campusguard.KindRegion, Level: campusguard.LevelCounty, Name: "别的县"}); err != nil {
				t.Fatal(err)
			}
			other2.Close()
			_, _, err = backup.Restore(sys, path, target, backup.RestoreOptions{})
			if campusguard.ErrorCode(err) != campusguard.Invalid || !hasMessage(err, "backup.error.not_empty") {
				t.Fatalf("Restore(not empty) = %v, want backup.error.not_empty", err)
			}
			if names := orgNames(t, target); len(names) != 1 || names[0] != "别的县" {
				t.Errorf("after a refused restore the target holds %v, want it untouched", names)
			}
			if _, _, err := backup.Restore(sys, path, target, backup.RestoreOptions{Force: true}); err != nil {
				t.Fatalf("Restore(--force) = %v", err)
			}
			if names := orgNames(t, target); len(names) < 10 || names[0] == "别的县" {
				t.Errorf("after --force the target holds %d orgs starting %v, want the demo county", len(names), names[:min(3, len(names))])
			}
		})
	}
}

func errorAs(err error, e **campusguard.Error) bool { return errors.As(err, e) }

func hasMessage(err error, key string) bool {
	var e *campusguard.Error
	return errorAs(err, &e) && e.Message == key
}

// assertEmpty checks that a restore left the target without a table.
func assertEmpty(t *testing.T, dsn string) {
	t.Helper()
	if file, ok := sqliteFile(dsn); ok {
		if st, err := os.Stat(file); err == nil && st.Size() > 0 {
			t.Errorf("a refused restore wrote %s (%d bytes)", file, st.Size())
		}
		if _, err := os.Stat(file + ".restore"); err == nil {
			t.Errorf("a refused restore left %s.restore", file)
		}
		return
	}
	st, err := sqlstore.Open(sys, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if empty, err := st.Empty(sys); err != nil || !empty {
		t.Errorf("after a refused restore the database is empty = %v, %v", empty, err)
	}
}

func sqliteFile(dsn string) (string, bool) {
	if backup.DialectOf(dsn) != "sqlite" {
		return "", false
	}
	return dsn[len("sqlite:"):], true
}

func orgNames(t *testing.T, dsn string) []string {
	t.Helper()
	st, err := sqlstore.Open(sys, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rows, err := st.DB().Query(`SELECT name FROM orgs ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		out = append(out, n)
	}
	return out
}
