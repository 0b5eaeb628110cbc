package backup_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/app"
	"campusguard/internal/backup"
	"campusguard/internal/demo"
	"campusguard/internal/sqlstore"
)

// BenchmarkBackupDuringSubmissions backs up a SQLite database with each
// method while submitters record home reports one at a time, as phones do,
// and reports the backup's time and size and what the submitters saw: the
// longest wait for one acknowledgement during the backup, against the
// longest in the same time before it.
//
// CAMPUSGUARD_BENCH_DB names a database to use (the 1,000,000-student city:
// campusguard demo --students 1000000 --history-days 0 --no-serve); else a
// small demo county is built. Checks are added to it.
//
//	CAMPUSGUARD_BENCH_DB=/tmp/city.db go test -run NONE -bench BackupDuringSubmissions -benchtime 1x ./internal/backup
func BenchmarkBackupDuringSubmissions(b *testing.B) {
	ctx := campusguard.SystemContext(context.Background(), "bench")
	path := os.Getenv("CAMPUSGUARD_BENCH_DB")
	if path == "" {
		path = filepath.Join(b.TempDir(), "bench.db")
		st, _, err := app.OpenStore(ctx, path)
		if err != nil {
			b.Fatal(err)
		}
		students := 3000
		if testing.Short() {
			students = 800
		}
		if _, err := app.BuildDemo(ctx, st, demo.Config{Seed: 1, Students: students, Today: today}); err != nil {
			b.Fatal(err)
		}
		st.Close()
	}
	store, err := sqlstore.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	kind := campusguard.Student
	people, _, err := store.FindPeople(ctx, campusguard.PersonFilter{Kind: &kind, Limit: 500})
	if err != nil || len(people) == 0 {
		b.Fatalf("students: %d, %v", len(people), err)
	}
	run := 0
	type phase struct {
		name     string
		method   sqlstore.SnapshotMethod
		copyOnly bool // the database copy alone, without compressing it
	}
	var phases []phase
	for _, copyOnly := range []bool{true, false} {
		for _, method := range []sqlstore.SnapshotMethod{sqlstore.SnapshotBackupAPI, sqlstore.SnapshotVacuumInto} {
			name := "file/" + string(method)
			if copyOnly {
				name = "copy/" + string(method)
			}
			phases = append(phases, phase{name, method, copyOnly})
		}
	}
	for _, ph := range phases {
		method := ph.method
		b.Run(ph.name, func(b *testing.B) {
			for range b.N {
				run++
				type sample struct {
					at   time.Time
					wait time.Duration
				}
				var mu sync.Mutex
				var samples []sample
				stop := make(chan struct{})
				var wg sync.WaitGroup
				for w := range 4 {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for i := 0; ; i++ {
							select {
							case <-stop:
								return
							default:
							}
							temp := 36.5
							p := people[(w*97+i)%len(people)]
							start := time.Now()
							_, _, err := store.RecordCheck(ctx, &campusguard.Check{PersonID: p.ID, Day: today,
								Kind: campusguard.HomeCheck, Temperature: &temp, ClientKey: fmt.Sprintf("bench-%d-%d-%d-%d", run, w, i, time.Now().UnixNano())})
							if err != nil {
								b.Error(err)
								return
							}
							mu.Lock()
							samples = append(samples, sample{start, time.Since(start)})
							mu.Unlock()
							time.Sleep(5 * time.Millisecond) // a steady stream, not a flood
						}
					}()
				}
				time.Sleep(2 * time.Second)
				start := time.Now()
				file := filepath.Join(b.TempDir(), "b.cgbak")
				m := &backup.Manifest{}
				var err error
				if ph.copyOnly {
					err = store.Snapshot(ctx, file, method)
					if st, serr := os.Stat(file); serr == nil {
						m.RawSize = st.Size()
					}
				} else {
					m, err = backup.Create(ctx, store, path, file, backup.Options{Method: method})
				}
				took := time.Since(start)
				time.Sleep(500 * time.Millisecond)
				close(stop)
				wg.Wait()
				if err != nil {
					b.Fatal(err)
				}
				var during, before []time.Duration
				for _, s := range samples {
					switch {
					case !s.at.Before(start) && s.at.Before(start.Add(took)) || s.at.Before(start) && s.at.Add(s.wait).After(start):
						during = append(during, s.wait)
					case s.at.Before(start) && s.at.After(start.Add(-took)):
						before = append(before, s.wait)
					}
				}
				slices.Sort(during)
				slices.Sort(before)
				pct := func(d []time.Duration, p float64) float64 {
					if len(d) == 0 {
						return 0
					}
					return float64(d[min(int(float64(len(d))*p), len(d)-1)].Microseconds()) / 1000
				}
				b.ReportMetric(took.Seconds(), "backup-s")
				if !ph.copyOnly {
					b.ReportMetric(float64(backup.HeaderSize+m.Size)/1e6, "file-MB")
				}
				b.ReportMetric(float64(m.RawSize)/1e6, "db-MB")
				b.ReportMetric(pct(during, 1), "max-wait-during-ms")
				b.ReportMetric(pct(during, 0.99), "p99-wait-during-ms")
				b.ReportMetric(pct(before, 1), "max-wait-before-ms")
				b.ReportMetric(float64(len(during)), "acks-during")
			}
		})
	}
}
