package app_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/app"
	"campusguard/internal/sqlstore/sqlstoretest"
	"campusguard/internal/webhook"
)

// fakeClock is one clock for several servers, moved by the test.
type fakeClock struct{ ns atomic.Int64 }

func (c *fakeClock) Now() time.Time          { return time.Unix(0, c.ns.Load()) }
func (c *fakeClock) Set(t time.Time)         { c.ns.Store(t.UnixNano()) }
func (c *fakeClock) Advance(d time.Duration) { c.ns.Add(int64(d)) }

// hookReceiver accepts every delivery and counts each delivery id's
// attempts.
type hookReceiver struct {
	secret string
	mu     sync.Mutex
	got    map[string]int
	bad    int
}

func (r *hookReceiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	time.Sleep(2 * time.Millisecond) // a receiver far away: servers' batches overlap
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := webhook.Verify(r.secret, req.Header.Get(webhook.SignatureHeader), body, time.Now(), 5*time.Minute); err != nil {
		r.bad++
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	r.got[req.Header.Get(webhook.DeliveryHeader)]++
	w.WriteHeader(http.StatusNoContent)
}

// startServers starts n servers on one database, each with its own store,
// all reading one fake clock.
func startServers(t *testing.T, dsn string, n int, clock *fakeClock) []*app.Main {
	t.Helper()
	var ms []*app.Main
	for range n {
		// A share of the database's connections each: the test database
		// server is shared.
		s, _, err := app.OpenStore(context.Background(), dsn+"&pool_max_conns=8")
		if err != nil {
			t.Fatal(err)
		}
		s.Now = clock.Now
		m := &app.Main{Addr: "127.0.0.1:0", Open: s, Now: clock.Now,
			Logger: slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))}
		if err := m.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { m.Close() })
		ms = append(ms, m)
	}
	return ms
}

// TestThreeServers: three servers share one PostgreSQL database and one
// fake clock, and run their jobs at the same moments, again and again, as
// their tickers would. Each job's work for a period is done once: one
// reminder per class teacher, one briefing per region and day, one run of
// each hourly detection and each alert opened once. Then fevers reported
// through all three open cases whose webhook deliveries the three send at
// once: every delivery reaches the receiver, none twice.
func TestThreeServers(t *testing.T) {
	if !hasPostgres(t) {
		return
	}
	t.Setenv("CAMPUSGUARD_WEBHOOK_ALLOW", "127.0.0.1") // the receiver listens on loopback
	// The test runs every job itself (all, below) and moves its clock ten
	// minutes between rounds. The servers' own webhook ticker (every 2 s of
	// real time) would send beside it, and a batch still being sent when the
	// clock jumps would see its claim (ClaimFor, about 5 minutes) run out
	// and be sent again by another server: the claim timeout doing its job
	// for a server that seems to have died, not what this test is about (CI
	// met it once on a loaded machine). The ticker's first run, at start, has
	// nothing to send.
	t.Setenv("CAMPUSGUARD_WEBHOOK_POLL", "1h")
	dsn := sqlstoretest.NewDSN(t, "postgres")
	ctx := sqlstoretest.Ctx
	seed, _, err := app.OpenStore(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	if err := app.BuildDemoForTest(ctx, seed, 800); err != nil {
		t.Fatal(err)
	}
	recv := &hookReceiver{got: map[string]int{}}
	hookSrv := httptest.NewServer(recv)
	defer hookSrv.Close()
	if recv.secret, err = seed.CreateWebhook(ctx, &campusguard.Webhook{Name: "疾控", URL: hookSrv.URL,
		Events: []string{campusguard.EventCaseOpened}, OrgID: 1}); err != nil {
		t.Fatal(err)
	}
	token, _, err := seed.CreateToken(ctx, "gate", campusguard.RegionAdmin, 1)
	if err != nil {
		t.Fatal(err)
	}
	kind := campusguard.Student
	students, _, err := seed.FindPeople(ctx, campusguard.PersonFilter{Kind: &kind, Limit: 800})
	if err != nil || len(students) < 200 {
		t.Fatalf("students = %d, %v", len(students), err)
	}
	// Deliveries the demo's own cases made are not this test's.
	if _, err := seed.WriteDB().Exec(`DELETE FROM deliveries`); err != nil {
		t.Fatal(err)
	}
	seed.Close()

	clock := &fakeClock{}
	clock.Set(time.Date(2026, 11, 30, 7, 0, 0, 0, campusguard.China)) // Monday, before the reminders
	ms := startServers(t, dsn, 3, clock)
	store := ms[0].Store()
	all := func() {
		var wg sync.WaitGroup
		for _, m := range ms {
			wg.Go(func() { m.RunJobs(context.Background()) })
		}
		wg.Wait()
	}
	// Fevers through all three servers open cases; their deliveries are
	// sent by all three at once.
	client := &http.Client{Timeout: 10 * time.Second}
	var wg sync.WaitGroup
	for i, p := range students[:120] {
		m := ms[i%3]
		wg.Go(func() {
			body, _ := json.Marshal(map[string]any{"person_id": p.ID, "day": "2026-11-30", "kind": "home",
				"temperature": 38.6, "client_key": fmt.Sprint("fever-", p.ID)})
			req, _ := http.NewRequest("POST", m.URL()+"/api/v1/checks", bytes.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("Content-Type", "application/json")
			resp, err := client.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusOK {
				t.Errorf("POST check: %d %s", resp.StatusCode, b)
			}
		})
	}
	wg.Wait()
	// 07:00 to 11:00, every ten minutes, all three at once.
	for range 24 {
		all()
		all()
		clock.Advance(10 * time.Minute)
	}
	day, _ := campusguard.ParseDate("2026-11-30")
	runs := func(job string) (n int64) {
		for _, m := range ms {
			n += m.JobStats(job).Runs.Load()
		}
		return n
	}
	count := func(q string, args ...any) int {
		t.Helper()
		var n int
		if err := store.DB().QueryRow(q, args...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	for _, c := range []struct {
		job  string
		want int64
	}{
		{"remind-missing", 1},      // one morning
		{"briefing", 1},            // one day
		{"detect-alerts", 2},       // 09:00 and 10:00 (11:00 is not reached)
		{"open-day", 24 * 10 / 30}, // each half hour from 07:00 to 10:50
	} {
		if got := runs(c.job); got != c.want {
			t.Errorf("%s ran %d times on three servers, want %d", c.job, got, c.want)
		}
	}
	if n := count(`SELECT COUNT(*) FROM reminders WHERE day = $1`, day); n == 0 {
		t.Error("no class was reminded")
	}
	if n := count(`SELECT COUNT(*) FROM (SELECT user_id, COUNT(*) AS n FROM notifications WHERE kind = 'missing_reports'
		GROUP BY user_id) x WHERE n > 1`); n != 0 {
		t.Errorf("%d teachers were reminded more than once", n)
	}
	if n := count(`SELECT COUNT(*) FROM briefings WHERE day = $1`, day); n != 1 {
		t.Errorf("briefings of the day = %d, want 1", n)
	}
	if n := count(`SELECT COUNT(*) FROM (SELECT key FROM alerts GROUP BY key HAVING COUNT(*) > 1) x`); n != 0 {
		t.Errorf("%d signals have more than one alert", n)
	}
	alerts := count(`SELECT COUNT(*) FROM alerts`)
	if alerts == 0 {
		t.Error("detection opened no alert: the test proves nothing about alerts")
	}
	if n := count(`SELECT COUNT(*) FROM job_leases WHERE done_at IS NULL`); n != 0 {
		t.Errorf("%d leases left unfinished", n)
	}

	want := count(`SELECT COUNT(*) FROM deliveries`)
	if want < 60 {
		t.Fatalf("deliveries = %d after 120 fevers, want a case.opened each (some had a case)", want)
	}
	recv.mu.Lock()
	defer recv.mu.Unlock()
	if len(recv.got) != want || recv.bad != 0 {
		t.Errorf("receiver got %d deliveries (%d badly signed), want %d", len(recv.got), recv.bad, want)
	}
	for id, n := range recv.got {
		if n != 1 {
			t.Errorf("delivery %s sent %d times", id, n)
		}
	}
	var claimed int64
	servers := 0
	for _, m := range ms {
		if c := m.Webhooks().Claimed.Load(); c > 0 {
			claimed += c
			servers++
		}
	}
	if claimed != int64(want) {
		t.Errorf("claimed %d deliveries on three servers, want %d", claimed, want)
	}
	if servers < 2 {
		t.Errorf("only %d server claimed deliveries; the three did not compete", servers)
	}
	t.Logf("%d deliveries, claimed by %d servers; %d alerts, reminders, briefing, detection each run once per period", want, servers, alerts)
}

// hasPostgres reports whether this run has PostgreSQL (and fails under CI
// if it has not).
func hasPostgres(t *testing.T) bool {
	d := sqlstoretest.Dialects(t)
	if d[len(d)-1] != "postgres" {
		t.Log("PostgreSQL not configured: several servers need a shared database")
		return false
	}
	return true
}

// testWriter sends a server's warnings and errors to the test's log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Log(string(bytes.TrimSpace(b)))
	return len(b), nil
}

// TestReadyzWithoutDatabase: a server that cannot reach its PostgreSQL
// database says so on /readyz (the load balancer then sends its requests
// elsewhere), while /healthz, the process's own liveness, stays up.
func TestReadyzWithoutDatabase(t *testing.T) {
	if !hasPostgres(t) {
		return
	}
	dsn := sqlstoretest.NewDSN(t, "postgres")
	clock := &fakeClock{}
	clock.Set(time.Date(2026, 11, 28, 6, 0, 0, 0, campusguard.China)) // a Saturday: no job has work
	m := startServers(t, dsn, 1, clock)[0]
	status := func(path string) int {
		t.Helper()
		resp, err := http.Get(m.URL() + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := status("/readyz"); got != http.StatusOK {
		t.Fatalf("/readyz = %d with the database up, want 200", got)
	}
	// The database goes away under the server.
	admin, err := sql.Open("pgx", os.Getenv(sqlstoretest.EnvPostgres))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	u, _ := url.Parse(dsn)
	if err := sqlstoretest.DropDatabase(context.Background(), admin, strings.TrimPrefix(u.Path, "/")); err != nil {
		t.Fatal(err)
	}
	if got := status("/readyz"); got != http.StatusServiceUnavailable {
		t.Errorf("/readyz = %d without the database, want 503", got)
	}
	if got := status("/healthz"); got != http.StatusOK {
		t.Errorf("/healthz = %d without the database, want 200: the process itself is alive", got)
	}
}
