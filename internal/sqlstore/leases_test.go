package sqlstore_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// TestJobLeases: a period's lease is held by one owner; a second is
// refused while it lasts; a lease that expires unfinished is taken over;
// a done period is never taken again; a failed run frees its lease at once
// for a retry that is not a takeover.
func TestJobLeases(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		t0 := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
		take := func(owner string, at time.Duration, wantTaken, wantTakeover bool) {
			t.Helper()
			taken, takeover, err := s.TakeLease(ctx, "remind-missing", "2026-11-30", owner, t0.Add(at), time.Minute)
			if err != nil || taken != wantTaken || takeover != wantTakeover {
				t.Fatalf("TakeLease(%s, +%s) = %v, %v, %v; want %v, %v", owner, at, taken, takeover, err, wantTaken, wantTakeover)
			}
		}
		take("a", 0, true, false)
		take("b", 30*time.Second, false, false) // a holds it
		take("b", 61*time.Second, true, true)   // a died: b takes over
		if ok, err := s.FinishLease(ctx, "remind-missing", "2026-11-30", "a", t0.Add(62*time.Second), ""); err != nil || ok {
			t.Errorf("FinishLease(a, after losing it) = %v, %v; want false", ok, err)
		}
		if ok, err := s.FinishLease(ctx, "remind-missing", "2026-11-30", "b", t0.Add(62*time.Second), ""); err != nil || !ok {
			t.Errorf("FinishLease(b) = %v, %v; want true", ok, err)
		}
		take("c", time.Hour, false, false) // done: nobody does it again
		// Another period is its own lease; a failure frees it for a retry.
		t1 := t0.Add(24 * time.Hour)
		taken, _, err := s.TakeLease(ctx, "remind-missing", "2026-12-01", "a", t1, time.Minute)
		if err != nil || !taken {
			t.Fatalf("TakeLease(next day) = %v, %v", taken, err)
		}
		if ok, err := s.FinishLease(ctx, "remind-missing", "2026-12-01", "a", t1.Add(time.Second), "boom"); err != nil || !ok {
			t.Fatalf("FinishLease(failed) = %v, %v", ok, err)
		}
		taken, takeover, err := s.TakeLease(ctx, "remind-missing", "2026-12-01", "b", t1.Add(2*time.Second), time.Minute)
		if err != nil || !taken || takeover {
			t.Errorf("TakeLease(after a failure) = %v, %v, %v; want taken, not a takeover", taken, takeover, err)
		}
		s.Now = func() time.Time { return t1.Add(3 * time.Second) }
		ls, err := s.JobRuns(ctx)
		if err != nil || len(ls) != 1 || ls[0].Period != "2026-12-01" || ls[0].Owner != "b" || ls[0].DoneAt != nil || ls[0].State != campusguard.JobRunning {
			t.Errorf("JobLeases = %+v, %v; want the latest run, b's, not done", ls, err)
		}
		// Only the program and system administrators read them; only the
		// program takes them.
		if _, _, err := s.TakeLease(context.Background(), "x", "p", "a", t0, time.Minute); campusguard.ErrorCode(err) != campusguard.Unauthenticated && campusguard.ErrorCode(err) != campusguard.Forbidden {
			t.Errorf("TakeLease(anonymous) = %v, want refused", err)
		}
	})
}

// TestLeaseRace: many owners ask for the same period at the same moment;
// exactly one gets it.
func TestLeaseRace(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		now := time.Date(2026, 11, 30, 1, 0, 0, 0, time.UTC)
		for round := range 5 {
			var wg sync.WaitGroup
			var mu sync.Mutex
			var winners []string
			for i := range 8 {
				wg.Go(func() {
					owner := fmt.Sprint("server-", i)
					taken, _, err := s.TakeLease(ctx, "briefing", fmt.Sprint("p", round), owner, now, time.Minute)
					if err != nil {
						t.Error(err)
					}
					if taken {
						mu.Lock()
						winners = append(winners, owner)
						mu.Unlock()
					}
				})
			}
			wg.Wait()
			if len(winners) != 1 {
				t.Errorf("round %d: %v took the lease, want exactly one", round, winners)
			}
		}
	})
}

// TestClaimDeliveries: servers claiming due deliveries at the same moment
// get disjoint sets that cover every due delivery; a claim keeps others off
// until it times out, and then another server may claim it.
func TestClaimDeliveries(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustCaseWorld(t, s)
		if _, err := s.CreateWebhook(ctx, &campusguard.Webhook{Name: "疾控", URL: "https://cdc.example/hook",
			Events: []string{campusguard.EventCaseOpened}, OrgID: w.tr.County.ID}); err != nil {
			t.Fatal(err)
		}
		for _, p := range []*campusguard.Person{w.student, w.classmate, w.roommate, w.rider, w.other} {
			if _, err := s.OpenCase(ctx, campusguard.NewCase{PersonID: p.ID, OnsetDay: yesterday(), Temperature: f64(38)}); err != nil {
				t.Fatal(err)
			}
		}
		var all []int64
		rows, err := s.DB().Query(`SELECT id FROM deliveries`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id int64
			rows.Scan(&id)
			all = append(all, id)
		}
		rows.Close()
		if len(all) != 5 {
			t.Fatalf("deliveries = %d, want 5", len(all))
		}
		var mu sync.Mutex
		var got []int64
		var wg sync.WaitGroup
		for i := range 4 {
			wg.Go(func() {
				js, err := s.ClaimDeliveries(ctx, fmt.Sprint("server-", i), 2, time.Minute)
				if err != nil {
					t.Error(err)
				}
				mu.Lock()
				for _, j := range js {
					got = append(got, j.ID)
				}
				mu.Unlock()
			})
		}
		wg.Wait()
		slices.Sort(got)
		slices.Sort(all)
		if !slices.Equal(got, all) {
			t.Errorf("claimed %v by four servers at once, want each of %v once", got, all)
		}
		if js, err := s.ClaimDeliveries(ctx, "late", 10, time.Minute); err != nil || len(js) != 0 {
			t.Errorf("ClaimDeliveries(while claimed) = %d, %v; want none", len(js), err)
		}
		// The claims' holders die; once the claims time out another claims all.
		s.Now = func() time.Time { return time.Now().Add(2 * time.Minute) }
		js, err := s.ClaimDeliveries(ctx, "survivor", 10, time.Minute)
		if err != nil || len(js) != 5 {
			t.Errorf("ClaimDeliveries(after the claims timed out) = %d, %v; want 5", len(js), err)
		}
		if n, err := s.PendingDeliveries(ctx); err != nil || n != 5 {
			t.Errorf("PendingDeliveries = %d, %v; want 5", n, err)
		}
	})
}
