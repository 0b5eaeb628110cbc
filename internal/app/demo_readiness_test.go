package app_test

import (
	"context"
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/app"
	"campusguard/internal/demo"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// TestDemoReadiness: the demo county shows every stage of issue 11, and
// today's expected counts follow who is open.
func TestDemoReadiness(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := campusguard.SystemContext(context.Background(), "test")
		monday := time.Date(2026, 11, 30, 9, 0, 0, 0, campusguard.China)
		s.Now = func() time.Time { return monday }
		today := campusguard.DateOf(monday)
		cfg := demo.Config{Seed: 1, Students: 3000, Today: today, HistoryDays: 3}
		if _, err := app.BuildDemo(ctx, s, cfg); err != nil {
			t.Fatal(err)
		}
		kind := campusguard.KindRegion
		regions, _, err := s.FindOrgs(ctx, campusguard.OrgFilter{Kind: &kind, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		county := regions[0]
		if err := app.DemoReadiness(ctx, s, cfg); err != nil {
			t.Fatal(err)
		}
		lines, err := s.RegionReadiness(ctx, county.ID)
		if err != nil {
			t.Fatal(err)
		}
		count := map[string]int{}
		status := map[campusguard.ReviewStatus]int{}
		noPlan, approvedDays := 0, map[campusguard.Date]bool{}
		for _, l := range lines {
			count[l.Reopening]++
			status[l.Status]++
			if l.Plans[0] == "none" {
				noPlan++
			}
			if l.Approval.Active() {
				approvedDays[l.Approval.Day] = true
			}
		}
		if status[campusguard.ReviewReturned] != 1 || status[campusguard.ReviewInReview] != 1 || noPlan != 1 || len(approvedDays) != 2 ||
			count["partly_open"] != 1 {
			t.Fatalf("demo stages: %v %v, %d without a plan, approved on %v", status, count, noPlan, approvedDays)
		}
		ili, err := s.ClassILI(ctx, county.ID, today)
		if err != nil {
			t.Fatal(err)
		}
		if len(ili) != 1 || !ili[0].Suspended || ili[0].New < 5 {
			t.Fatalf("ILI classes = %+v", ili)
		}
		xs, err := s.Suspensions(ctx, county.ID, today.AddDays(-10))
		if err != nil || len(xs) != 2 || xs[0].Resumed == nil {
			t.Fatalf("suspensions = %+v, %v", xs, err)
		}
		after, err := s.Rollups(ctx, county.ID, today, today)
		if err != nil {
			t.Fatal(err)
		}
		figs, err := s.OpenFigures(ctx, county.ID, today)
		if err != nil {
			t.Fatal(err)
		}
		if len(after) != 1 || after[0].Expected != figs.OpenStudents || figs.OpenStudents >= figs.Students || figs.OpenStudents == 0 {
			t.Fatalf("expected today %+v; open figures %+v", after, figs)
		}
	})
}
