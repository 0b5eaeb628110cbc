package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/app"
	"campusguard/internal/demo"
	"campusguard/internal/jobs"
	"campusguard/internal/netguard"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// testServerHooks sets what the tests of several server processes need in
// a server started as a process: a fake clock read from a file the test
// moves (CAMPUSGUARD_TEST_CLOCK, Unix nanoseconds), fast job ticks
// (CAMPUSGUARD_TEST_TICK) and a job that stalls forever once it holds its
// lease (CAMPUSGUARD_TEST_STALL), so the test can kill the server holding
// it.
func testServerHooks() {
	if path := os.Getenv("CAMPUSGUARD_TEST_CLOCK"); path != "" {
		serveClock = func() time.Time {
			b, err := os.ReadFile(path)
			if err != nil {
				panic(err)
			}
			ns, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
			if err != nil {
				panic(err)
			}
			return time.Unix(0, ns)
		}
	}
	if d, err := time.ParseDuration(os.Getenv("CAMPUSGUARD_TEST_TICK")); err == nil {
		jobs.TestEvery = d
	}
	if job := os.Getenv("CAMPUSGUARD_TEST_STALL"); job != "" {
		jobs.TestHookLeaseTaken = func(name, period string) {
			if name == job {
				select {} // holds the lease until killed
			}
		}
	}
}

// setClock moves the servers' fake clock.
func setClock(t *testing.T, path string, now time.Time) {
	t.Helper()
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(strconv.FormatInt(now.UnixNano(), 10)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil { // whole, never half written
		t.Fatal(err)
	}
}

// TestLeaseHolderKilled: three server processes on one PostgreSQL database
// and one fake clock. The first takes the morning reminders' lease and is
// killed with SIGKILL while holding it, before doing the work. Once the
// lease has expired by the clock, another server takes it over and sends
// the reminders, each class once.
func TestLeaseHolderKilled(t *testing.T) {
	d := sqlstoretest.Dialects(t)
	if d[len(d)-1] != "postgres" {
		t.Log("PostgreSQL not configured: several servers need a shared database")
		return
	}
	dsn := sqlstoretest.NewDSN(t, "postgres") + "&pool_max_conns=6"
	ctx := campusguard.SystemContext(context.Background(), "test")
	store, _, err := app.OpenStore(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	today := checkDay
	if _, err := app.BuildDemo(ctx, store, demo.Config{Seed: 1, Students: 300, Today: today}); err != nil {
		t.Fatal(err)
	}
	clock := filepath.Join(t.TempDir(), "clock")
	now := time.Date(2026, 11, 30, 8, 0, 0, 0, campusguard.China) // Monday, after the reminders' time
	setClock(t, clock, now)
	env := []string{"CAMPUSGUARD_TEST_CLOCK=" + clock, "CAMPUSGUARD_TEST_TICK=100ms"}
	count := func(q string) int {
		t.Helper()
		var n int
		if err := store.DB().QueryRow(q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	holder := startServer(t, dsn, append(env, "CAMPUSGUARD_TEST_STALL=remind-missing")...)
	waitFor(t, 20*time.Second, "the reminders' lease taken", func() bool {
		return count(`SELECT COUNT(*) FROM job_leases WHERE job = 'remind-missing'`) == 1
	})
	others := []*server{startServer(t, dsn, env...), startServer(t, dsn, env...)}
	for _, s := range others {
		defer s.kill(t)
	}
	// The others tick while the holder lives: the lease keeps them off.
	waitFor(t, 20*time.Second, "the others' open-day runs", func() bool {
		return count(`SELECT COUNT(*) FROM job_leases WHERE job = 'open-day' AND done_at IS NOT NULL`) >= 1
	})
	if n := count(`SELECT COUNT(*) FROM reminders`); n != 0 {
		t.Fatalf("%d reminders sent while the lease holder lived", n)
	}
	holder.kill(t)
	setClock(t, clock, now.Add(jobs.DefaultLease+time.Minute)) // the lease has expired
	waitFor(t, 30*time.Second, "the reminders sent by another server", func() bool {
		return count(`SELECT COUNT(*) FROM job_leases WHERE job = 'remind-missing' AND done_at IS NOT NULL`) == 1
	})
	var takeovers int
	if err := store.DB().QueryRow(`SELECT takeovers FROM job_leases WHERE job = 'remind-missing'`).Scan(&takeovers); err != nil || takeovers != 1 {
		t.Errorf("takeovers = %d, %v; want 1", takeovers, err)
	}
	classes := count(`SELECT COUNT(*) FROM reminders`)
	if classes == 0 {
		t.Error("no class reminded after the takeover")
	}
	if n := count(`SELECT COUNT(*) FROM (SELECT class_id FROM reminders GROUP BY class_id, day HAVING COUNT(*) > 1) x`); n != 0 {
		t.Errorf("%d classes reminded twice", n)
	}
	// The takeover shows in the metrics of the server that made it.
	found := false
	for _, s := range others {
		resp, err := http.Get(s.url + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		buf := make([]byte, 1<<16)
		for {
			n, err := resp.Body.Read(buf)
			b.Write(buf[:n])
			if err != nil {
				break
			}
		}
		resp.Body.Close()
		if strings.Contains(b.String(), `campusguard_job_lease_takeovers_total{job="remind-missing"} 1`) {
			found = true
		}
	}
	if !found {
		t.Error("no server's /metrics shows the takeover of remind-missing")
	}
	t.Logf("the lease holder was killed; another server took over and reminded %d classes once", classes)
}

// TestLoadBalancedKill: home reports (some with fevers, whose cases send
// webhook deliveries) spread over three server processes on one PostgreSQL
// database; one server is killed with SIGKILL mid-load and restarted.
// Every acknowledged report is there once, retries duplicate nothing, and
// every delivery reaches the receiver, none lost with the killed server.
func TestLoadBalancedKill(t *testing.T) {
	d := sqlstoretest.Dialects(t)
	if d[len(d)-1] != "postgres" {
		t.Log("PostgreSQL not configured: several servers need a shared database")
		return
	}
	dsn := sqlstoretest.NewDSN(t, "postgres") + "&pool_max_conns=8"
	ctx := campusguard.SystemContext(context.Background(), "test")
	store, _, err := app.OpenStore(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	today := checkDay
	if _, err := app.BuildDemo(ctx, store, demo.Config{Seed: 1, Students: 600, Today: today}); err != nil {
		t.Fatal(err)
	}
	rcv := &receiver{attempts: map[string]int{}, delivered: map[string]string{}, cases: map[float64]bool{}}
	t.Setenv(netguard.EnvAllow, "127.0.0.1") // the receiver, saved here, listens on loopback
	hook := httptest.NewServer(rcv)
	defer hook.Close()
	if rcv.secret, err = store.CreateWebhook(ctx, &campusguard.Webhook{Name: "县疾控", URL: hook.URL + "/cdc",
		Events: []string{campusguard.EventCaseOpened}, OrgID: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := store.WriteDB().Exec(`DELETE FROM deliveries`); err != nil { // the demo's own
		t.Fatal(err)
	}
	secret, _, err := store.CreateToken(ctx, "durability", campusguard.RegionAdmin, 1)
	if err != nil {
		t.Fatal(err)
	}
	kind := campusguard.Student
	students, _, err := store.FindPeople(ctx, campusguard.PersonFilter{Kind: &kind, Limit: 600})
	if err != nil || len(students) < 100 {
		t.Fatalf("students = %d, %v", len(students), err)
	}
	store.Close()

	env := []string{"CAMPUSGUARD_WEBHOOK_POLL=100ms", "CAMPUSGUARD_WEBHOOK_CLAIM=2s", "CAMPUSGUARD_WEBHOOK_RETRY=300ms",
		"CAMPUSGUARD_WEBHOOK_ALLOW=127.0.0.1"} // the receiver listens on loopback
	servers := []*server{startServer(t, dsn, env...), startServer(t, dsn, env...), startServer(t, dsn, env...)}
	defer func() {
		for _, s := range servers {
			s.kill(t)
		}
	}()
	type sub struct {
		key    string
		person int64
		fever  bool
	}
	var mu sync.Mutex
	var acked, sent []sub
	stop := make(chan struct{})
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 5 * time.Second}
	post := func(url string, s sub) error {
		temp := 36.6
		if s.fever {
			temp = 38.5
		}
		return postReport(client, url, secret, s.person, s.key, temp)
	}
	for w := 0; w < 9; w++ {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				s := sub{fmt.Sprintf("w%d-%d", w, i), students[(w*97+i)%len(students)].ID, i%10 == 0}
				mu.Lock()
				sent = append(sent, s)
				mu.Unlock()
				if post(servers[(w+i)%3].url, s) == nil { // the load balancer's round robin
					mu.Lock()
					acked = append(acked, s)
					mu.Unlock()
				}
			}
		})
	}
	ackedN := func() int { mu.Lock(); defer mu.Unlock(); return len(acked) }
	// Kill one mid-load, once enough are acknowledged (a count, not a
	// time: a loaded machine acknowledges slowly); the others carry on.
	waitFor(t, 60*time.Second, "40 acknowledgements", func() bool { return ackedN() >= 40 })
	servers[1].kill(t)
	before := ackedN()
	waitFor(t, 60*time.Second, "20 acknowledgements after the kill", func() bool { return ackedN() >= before+20 })
	close(stop)
	wg.Wait()
	servers[1] = startServer(t, dsn, env...)
	// Retry everything that was sent, as clients do when unsure, through
	// any server.
	for i, s := range sent {
		if err := post(servers[i%3].url, s); err != nil {
			t.Fatalf("retry %s: %v", s.key, err)
		}
	}
	store = storedOnce(t, dsn, keysOf(sent, func(s sub) string { return s.key }), keysOf(acked, func(s sub) string { return s.key }))
	var deliveries int
	if err := store.DB().QueryRow(`SELECT COUNT(*) FROM deliveries`).Scan(&deliveries); err != nil || deliveries == 0 {
		t.Fatalf("deliveries = %d, %v; the fevers opened no case", deliveries, err)
	}
	waitFor(t, 60*time.Second, "every delivery accepted", func() bool { _, n, _, _ := rcv.state(); return n == deliveries })
	_, accepted, _, bad := rcv.state()
	if bad != 0 || accepted != deliveries {
		t.Errorf("receiver accepted %d of %d deliveries, %d badly signed", accepted, deliveries, bad)
	}
	t.Logf("%d sent over three servers, %d acknowledged, one killed and restarted: all present once; %d deliveries, all received",
		len(sent), len(acked), deliveries)
}

func postReport(c *http.Client, url, token string, person int64, key string, temp float64) error {
	body := fmt.Sprintf(`{"person_id": %d, "day": %q, "kind": "home", "temperature": %.1f, "client_key": %q}`, person, checkDay.String(), temp, key)
	req, _ := http.NewRequest("POST", url+"/api/v1/checks", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return nil
}
