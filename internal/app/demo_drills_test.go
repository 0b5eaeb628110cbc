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

// TestDemoDrills: the demo county has two finished drills, one with an
// injected case and its measured times (6 and 11 minutes), one whose
// problem became a rectification item from a drill; the demo's real
// figures leave the drill's case out; and it is built the same way twice.
func TestDemoDrills(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := campusguard.SystemContext(context.Background(), "test")
		monday := time.Date(2026, 11, 30, 9, 0, 0, 0, campusguard.China)
		s.Now = func() time.Time { return monday }
		cfg := demo.Config{Seed: 1, Students: 3000, Today: campusguard.DateOf(monday), HistoryDays: 1}
		if _, err := app.BuildDemo(ctx, s, cfg); err != nil {
			t.Fatal(err)
		}
		kind := campusguard.KindRegion
		regions, _, err := s.FindOrgs(ctx, campusguard.OrgFilter{Kind: &kind, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		root := regions[0].ID
		_, realBefore, err := s.FindCases(ctx, campusguard.CaseFilter{OrgID: &root})
		if err != nil {
			t.Fatal(err)
		}
		if err := app.DemoDrills(ctx, s, cfg); err != nil {
			t.Fatal(err)
		}
		if got := s.Now(); !got.Equal(monday) {
			t.Errorf("the demo left the store's clock at %v", got)
		}
		ds, err := s.FindDrills(ctx, campusguard.DrillFilter{OrgID: root})
		if err != nil || len(ds) != 2 {
			t.Fatalf("demo drills = %d, %v; want 2", len(ds), err)
		}
		var withCase, withProblem *campusguard.Drill
		for _, d := range ds {
			if d.State != campusguard.DrillFinished {
				t.Errorf("demo drill %d is %s", d.ID, d.State)
			}
			if len(d.Cases) == 1 {
				withCase = d
			}
			if len(d.Problems) == 1 {
				withProblem = d
			}
		}
		if withCase == nil || withCase.Times.ReportSeconds == nil || *withCase.Times.ReportSeconds != 360 ||
			withCase.Times.IsolateSeconds == nil || *withCase.Times.IsolateSeconds != 660 {
			t.Fatalf("the drill with a case = %+v", withCase)
		}
		if withProblem == nil {
			t.Fatal("no drill with a problem")
		}
		x, err := s.FindRectification(ctx, withProblem.Problems[0].RectificationID)
		if err != nil || x.Source != campusguard.SourceDrill {
			t.Errorf("the drill's item = %+v, %v", x, err)
		}
		_, realAfter, err := s.FindCases(ctx, campusguard.CaseFilter{OrgID: &root})
		if err != nil || realAfter != realBefore {
			t.Errorf("real cases %d before the demo drills, %d after (%v)", realBefore, realAfter, err)
		}
		ov, err := s.DrillOverview(ctx, root)
		if err != nil || ov.Without != len(ov.Schools)-2 {
			t.Errorf("overview: %d of %d schools without a drill, %v; want all but 2", ov.Without, len(ov.Schools), err)
		}
	})
}
