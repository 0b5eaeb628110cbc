package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"campusguard"
	"campusguard/internal/app"
	"campusguard/internal/demo"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// BenchmarkProvinceCost is issue 15's cost of a province: 1, 2 and 3
// server processes on one PostgreSQL database, the home reports of a
// 20,000-student county spread over them round robin by 64 clients, and the
// CPU time each durable report costs the app servers and PostgreSQL's
// backends of this database, each read from /proc per process (utime +
// stime) before and after. On a 2-core machine more servers do not add
// speed, they share the same cores: this measures cost, not speed-up. The
// WAL writer and checkpointer, shared with other databases, are not
// counted.
//
//	go test -run NONE -bench ProvinceCost -benchtime 6000x ./cmd/campusguard
func BenchmarkProvinceCost(b *testing.B) {
	d := sqlstoretest.Dialects(b)
	if d[len(d)-1] != "postgres" {
		b.Skip("PostgreSQL not configured")
	}
	dsn := sqlstoretest.NewDSN(b, "postgres") + "&pool_max_conns=16"
	ctx := campusguard.SystemContext(context.Background(), "bench")
	store, _, err := app.OpenStore(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	today := checkDay
	if _, err := app.BuildDemo(ctx, store, demo.Config{Seed: 1, Students: 20000, Today: today, HistoryDays: 3}); err != nil {
		b.Fatal(err)
	}
	token, _, err := store.CreateToken(ctx, "province", campusguard.RegionAdmin, 1)
	if err != nil {
		b.Fatal(err)
	}
	var ids []int64
	rows, err := store.DB().Query(`SELECT id FROM people WHERE kind = 'student' AND active = TRUE ORDER BY id`)
	if err != nil {
		b.Fatal(err)
	}
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		ids = append(ids, id)
	}
	rows.Close()
	u, _ := url.Parse(dsn)
	dbName := strings.TrimPrefix(u.Path, "/")
	backends := func() map[int]int64 {
		out := map[int]int64{}
		rows, err := store.DB().Query(`SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, dbName)
		if err != nil {
			b.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var pid int
			rows.Scan(&pid)
			out[pid] = procCPU(pid)
		}
		return out
	}
	store.DB().SetMaxOpenConns(1) // the counting connection is excluded by pid
	run := 0
	for _, n := range []int{1, 2, 3} {
		b.Run(fmt.Sprintf("servers=%d", n), func(b *testing.B) {
			var servers []*server
			for range n {
				servers = append(servers, startServer(b, dsn))
			}
			defer func() {
				for _, s := range servers {
					s.kill(b)
				}
			}()
			run++
			// A day of its own for each run, within the week a check may
			// be late (issue 18) and not after today: runs of more than a
			// week correct the first week's checks instead of adding new ones.
			day := today.AddDays(-(run % (campusguard.MaxCheckAgeDays - 1)))
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64, MaxConnsPerHost: 64}}
			send := func(from, to int) {
				var next atomic.Int64
				next.Store(int64(from))
				var failed atomic.Value
				var wg sync.WaitGroup
				for range 64 {
					wg.Go(func() {
						for {
							i := int(next.Add(1)) - 1
							if i >= to || failed.Load() != nil {
								return
							}
							err := postReportDay(client, servers[i%n].url, token, ids[i%len(ids)], day.AddDays(i/len(ids)),
								fmt.Sprintf("p%d-%d", run, i), 36.2+float64(i%10)/10)
							if err != nil {
								failed.Store(err)
							}
						}
					})
				}
				wg.Wait()
				if err := failed.Load(); err != nil {
					b.Fatal(err)
				}
			}
			if 500+b.N > len(ids) {
				// One report per student on the run's day: more would be
				// sent for the days after it, which are not yet open.
				b.Fatalf("-benchtime %dx: at most %dx, one report per student of the county after the 500 of the warm-up", b.N, len(ids)-500)
			}
			send(0, 500) // warm up: every pool opens its connections
			pg0 := backends()
			app0 := make([]int64, n)
			for i, s := range servers {
				app0[i] = procCPU(s.cmd.Process.Pid)
			}
			b.ResetTimer()
			send(500, 500+b.N)
			b.StopTimer()
			var appTicks, pgTicks int64
			for i, s := range servers {
				appTicks += procCPU(s.cmd.Process.Pid) - app0[i]
			}
			for pid, t := range backends() {
				pgTicks += t - pg0[pid]
			}
			tick := 1e6 / 100.0 // µs per clock tick (USER_HZ is 100 on Linux)
			b.ReportMetric(float64(appTicks)*tick/float64(b.N), "app-cpu-µs/report")
			b.ReportMetric(float64(pgTicks)*tick/float64(b.N), "pg-cpu-µs/report")
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// procCPU returns a process's user and system CPU time in clock ticks, 0
// when it has gone.
func procCPU(pid int) int64 {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	s := string(data)
	// The command name is in parentheses and may hold spaces: fields
	// count from after its closing one (state is field 3, utime 14).
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return ut + st
}

func postReportDay(c *http.Client, url, token string, person int64, day campusguard.Date, key string, temp float64) error {
	body := fmt.Sprintf(`{"person_id": %d, "day": %q, "kind": "home", "temperature": %.1f, "client_key": %q}`,
		person, day.String(), temp, key)
	req, _ := http.NewRequest("POST", url+"/api/v1/checks", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return nil
}
