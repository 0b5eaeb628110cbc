package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/app"
	"campusguard/internal/authn"
	"campusguard/internal/demo"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// loadWorkers is the number of concurrent clients of the load generator:
// enough to keep a 2-core server busy with requests waiting on commits.
const loadWorkers = 64

// homeReport is the body of one home report, the same JSON for the product
// and for the decode-only baseline.
type homeReport struct {
	PersonID    int64    `json:"person_id"`
	Day         string   `json:"day"`
	Kind        string   `json:"kind"`
	Temperature *float64 `json:"temperature"`
	Symptoms    []string `json:"symptoms"`
	HealthCode  string   `json:"health_code"`
	Household   bool     `json:"household_unwell"`
	Exposure    bool     `json:"risk_exposure"`
	Note        string   `json:"note"`
	ClientKey   string   `json:"client_key"`
}

// BenchmarkHomeReportsHTTP is issue 4's single-submission target: one home
// report per request from many concurrent clients, each answered only once
// durable, against a handler that only decodes the same JSON and answers
// 204, with the same Go load generator in the same run. It reports
// requests/s, p50 and p99 latency, and the process's peak RSS while loaded
// (server and load generator share the process).
//
// By default it builds a small demo county per database; set
// CAMPUSGUARD_BENCH_SQLITE (a path) and CAMPUSGUARD_BENCH_POSTGRES (a URL)
// to run against prebuilt demos, such as the 1,000,000-student one:
//
//	campusguard demo --students 1000000 --history-days 3 --no-serve --db /tmp/city.db
//	CAMPUSGUARD_BENCH_SQLITE=/tmp/city.db go test -run NONE -bench HomeReportsHTTP -benchtime 20000x -count 6 ./internal/app
func BenchmarkHomeReportsHTTP(b *testing.B) {
	b.Run("decode-only", func(b *testing.B) {
		srv := serveLoopback(b, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			var in homeReport
			if err := json.NewDecoder(io.LimitReader(r.Body, 64<<10)).Decode(&in); err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			w.WriteHeader(http.StatusNoContent)
		}))
		ids := make([]int64, 1000)
		for i := range ids {
			ids[i] = int64(i + 1)
		}
		runLoad(b, srv+"/api/v1/checks", "", http.StatusNoContent, reportBodies(ids, "d"))
	})
	for _, d := range sqlstoretest.Dialects(b) {
		b.Run(d, func(b *testing.B) {
			s := benchStore(b, d)
			m := &app.Main{Open: s, Addr: "127.0.0.1:0", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
			if err := m.Run(context.Background()); err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { m.Close() })
			token, county := benchToken(b, s)
			ids := studentIDs(b, s, county, 20000)
			g0, r0 := s.CommitStats()
			runLoad(b, m.URL()+"/api/v1/checks", token, http.StatusCreated, reportBodies(ids, fmt.Sprintf("%s%d", d, time.Now().UnixNano())))
			g1, r1 := s.CommitStats()
			b.ReportMetric(float64(r1-r0)/float64(max(g1-g0, 1)), "rows/commit")
		})
	}
}

// benchStore opens the prebuilt demo named by the environment, or a fresh
// database with a small demo county.
func benchStore(b *testing.B, dialect string) *sqlstore.Store {
	b.Helper()
	env := map[string]string{"sqlite": "CAMPUSGUARD_BENCH_SQLITE", "postgres": "CAMPUSGUARD_BENCH_POSTGRES"}[dialect]
	if dsn := os.Getenv(env); dsn != "" {
		s, _, err := app.OpenStore(context.Background(), dsn)
		if err != nil {
			b.Fatal(err)
		}
		return s
	}
	s := sqlstoretest.OpenDialect(b, dialect)
	n := 20000
	if testing.Short() {
		n = 2000
	}
	today, _ := campusguard.ParseDate("2026-11-30")
	if _, err := app.BuildDemo(context.Background(), s, demo.Config{Seed: 1, Students: n, Today: today, HistoryDays: 3}); err != nil {
		b.Fatal(err)
	}
	return s
}

// benchToken makes an API token of the education bureau for the whole county.
func benchToken(b *testing.B, s *sqlstore.Store) (string, int64) {
	b.Helper()
	var county int64
	if err := s.DB().QueryRow(`SELECT id FROM orgs WHERE parent_id IS NULL ORDER BY id LIMIT 1`).Scan(&county); err != nil {
		b.Fatal(err)
	}
	secret, _, err := s.CreateToken(sqlstoretest.Ctx, "bench-"+strconv.FormatInt(time.Now().UnixNano(), 36), campusguard.RegionAdmin, county)
	if err != nil {
		b.Fatal(err)
	}
	return secret, county
}

// pageBench is one database's store for a page benchmark (benchPages):
// the county of benchToken, its last day of roll-ups, and, once the cases
// run, the store served on loopback with the county's bureau signed in.
type pageBench struct {
	s      *sqlstore.Store
	county int64
	today  campusguard.Date
	now    func() time.Time // the server's clock, if set before serving; nil: the real one

	url, token, cookie string
	client             *http.Client
}

// benchCase is one timed call of a page benchmark.
type benchCase struct {
	name string
	run  func(b *testing.B)
}

// benchPages runs a page benchmark on each database's benchStore: prepare
// readies the store (loads what the page shows, may set p.now) and returns
// the cases, each then run as the sub-benchmark dialect/name over the store
// served on loopback, reporting p50-µs and p99-µs of single calls, then the
// metrics of extra (if not nil). Each database's store is opened inside its
// own sub-benchmark, so -bench 'Name/postgres' neither opens nor builds the
// SQLite one.
func benchPages(b *testing.B, prepare func(b *testing.B, p *pageBench) (cases []benchCase, extra func(b *testing.B))) {
	for _, d := range sqlstoretest.Dialects(b) {
		b.Run(d, func(b *testing.B) {
			s := benchStore(b, d)
			b.Cleanup(func() { s.Close() })
			p := &pageBench{s: s, client: &http.Client{}}
			p.token, p.county = benchToken(b, s)
			if err := s.DB().QueryRow(`SELECT MAX(day) FROM rollups`).Scan(&p.today); err != nil {
				b.Fatal(err)
			}
			cases, extra := prepare(b, p)
			p.cookie = benchSession(b, s, p.county)
			m := &app.Main{Open: s, Addr: "127.0.0.1:0", Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: p.now}
			if err := m.Run(context.Background()); err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { m.Close() })
			p.url = m.URL()
			for _, c := range cases {
				b.Run(c.name, func(b *testing.B) {
					var lat []time.Duration
					for b.Loop() {
						start := time.Now()
						c.run(b)
						lat = append(lat, time.Since(start))
					}
					slices.Sort(lat)
					b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
					b.ReportMetric(float64(lat[(len(lat)-1)*99/100].Microseconds()), "p99-µs")
					if extra != nil {
						extra(b)
					}
				})
			}
		})
	}
}

// api GETs path with the bureau's API token, page with its session cookie;
// either fails the benchmark unless the answer is 200 with a body.
func (p *pageBench) api(b *testing.B, path string) {
	p.get(b, path, func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+p.token) })
}

func (p *pageBench) page(b *testing.B, path string) {
	p.get(b, path, func(r *http.Request) { r.AddCookie(&http.Cookie{Name: authn.CookieName, Value: p.cookie}) })
}

func (p *pageBench) get(b *testing.B, path string, auth func(*http.Request)) {
	req, _ := http.NewRequest(http.MethodGet, p.url+path, nil)
	auth(req)
	resp, err := p.client.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	n, _ := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || n == 0 {
		b.Fatalf("GET %s: %d, %d bytes", path, resp.StatusCode, n)
	}
}

// benchSession signs a new account of the county's education bureau in and
// returns its session cookie; the login is new on every call, so runs can
// repeat on the same prebuilt city.
func benchSession(b *testing.B, s *sqlstore.Store, county int64) string {
	b.Helper()
	u := &campusguard.User{Login: "bench-" + strconv.FormatInt(time.Now().UnixNano(), 36), Name: "基准测试",
		Grants: []campusguard.Grant{{Role: campusguard.RegionAdmin, OrgID: county}}}
	if err := s.CreateUser(sqlstoretest.Ctx, u, sqlstoretest.Password); err != nil {
		b.Fatal(err)
	}
	sess, err := s.Login(context.Background(), u.Login, sqlstoretest.Password, "127.0.0.1")
	if err != nil {
		b.Fatal(err)
	}
	return sess.Token
}

// studentIDs returns up to n active students of the region.
func studentIDs(b *testing.B, s *sqlstore.Store, region int64, n int) []int64 {
	b.Helper()
	rows, err := s.DB().Query(`SELECT id FROM people WHERE region_id = $1 AND kind = 'student' AND active = TRUE
		ORDER BY id LIMIT $2`, region, n)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			b.Fatal(err)
		}
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		b.Fatal("no students")
	}
	return ids
}

// reportBodies returns the i-th request's body: a home report for one of
// ids, a new day each time the ids are used up, so no two requests of a
// run touch the same person's day (up to a week of days: a check may be
// at most campusguard.MaxCheckAgeDays late, issue 18); keys are unique to
// the run.
func reportBodies(ids []int64, run string) func(i int) []byte {
	week := campusguard.MaxCheckAgeDays
	base := campusguard.Today(time.Now()).AddDays(-(week - 1))
	return func(i int) []byte {
		t := 36.2 + float64(i%10)/10 // 36.2–37.1 °C: no fever
		if i%100 == 99 {
			t = 37.8 // one report in a hundred has a fever, and opens a case
		}
		body, _ := json.Marshal(homeReport{PersonID: ids[i%len(ids)], Day: base.AddDays((i / len(ids)) % week).String(),
			Kind: "home", Temperature: &t, Symptoms: []string{}, HealthCode: "green",
			ClientKey: run + "-" + strconv.Itoa(i)})
		return body
	}
}

// serveLoopback serves h on a loopback port until the benchmark ends.
func serveLoopback(b *testing.B, h http.Handler) string {
	b.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	b.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String()
}

// runLoad sends b.N POST requests from loadWorkers clients over kept-alive
// connections and reports requests/s, p50 and p99 latency and peak RSS.
// Every answer must have status want.
func runLoad(b *testing.B, url, token string, want int, body func(i int) []byte) {
	b.Helper()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: loadWorkers, MaxConnsPerHost: loadWorkers}}
	bodies := make([][]byte, b.N)
	for i := range bodies {
		bodies[i] = body(i)
	}
	lats := make([][]time.Duration, loadWorkers)
	var next atomic.Int64
	var failed atomic.Value
	stopRSS := trackRSS()
	b.ResetTimer()
	var wg sync.WaitGroup
	for w := range loadWorkers {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= b.N || failed.Load() != nil {
					return
				}
				req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(bodies[i]))
				req.Header.Set("Content-Type", "application/json")
				if token != "" {
					req.Header.Set("Authorization", "Bearer "+token)
				}
				start := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					failed.Store(err.Error())
					return
				}
				msg, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				lats[w] = append(lats[w], time.Since(start))
				if resp.StatusCode != want {
					failed.Store(fmt.Sprintf("request %d: status %d, want %d: %s", i, resp.StatusCode, want, strings.TrimSpace(string(msg))))
					return
				}
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	rss := stopRSS()
	if f := failed.Load(); f != nil {
		b.Fatal(f)
	}
	all := slices.Concat(lats...)
	slices.Sort(all)
	pct := func(p float64) float64 { return float64(all[int(p*float64(len(all)-1))]) / float64(time.Millisecond) }
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(rss)/(1<<20), "peak-RSS-MiB")
	b.ReportMetric(0, "ns/op") // req/s says it better
}

// trackRSS samples the process's resident set every 50 ms until stopped and
// returns the largest value seen, in bytes.
func trackRSS() (stop func() uint64) {
	done := make(chan struct{})
	peak := make(chan uint64)
	go func() {
		var max uint64
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			max = maxU(max, readRSS())
			select {
			case <-done:
				peak <- max
				return
			case <-tick.C:
			}
		}
	}()
	return func() uint64 { close(done); return <-peak }
}

// readRSS returns VmRSS from /proc/self/status, 0 where there is none.
func readRSS() uint64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(data)) {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}
