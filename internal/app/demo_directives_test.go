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

// TestDemoDirectives: the demo county has a directive to all its schools
// that most have acknowledged, some have completed and a few have not
// answered.
func TestDemoDirectives(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := campusguard.SystemContext(context.Background(), "test")
		monday := time.Date(2026, 11, 30, 9, 0, 0, 0, campusguard.China)
		s.Now = func() time.Time { return monday }
		cfg := demo.Config{Seed: 1, Students: 3000, Today: campusguard.DateOf(monday), HistoryDays: 1}
		if _, err := app.BuildDemo(ctx, s, cfg); err != nil {
			t.Fatal(err)
		}
		if err := app.DemoDirectives(ctx, s, cfg); err != nil {
			t.Fatal(err)
		}
		kind := campusguard.KindRegion
		regions, _, err := s.FindOrgs(ctx, campusguard.OrgFilter{Kind: &kind, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		ds, err := s.FindDirectives(ctx, campusguard.DirectiveFilter{RegionID: regions[0].ID})
		if err != nil || len(ds) != 1 {
			t.Fatalf("demo directives = %+v, %v; want one", ds, err)
		}
		d := ds[0]
		if d.Schools < 4 || 2*d.Acknowledged <= d.Schools || d.Completed == 0 || d.Completed >= d.Acknowledged || d.Pending == 0 {
			t.Errorf("demo directive: %d schools, %d acknowledged, %d completed, %d pending; want most acknowledged, some completed",
				d.Schools, d.Acknowledged, d.Completed, d.Pending)
		}
	})
}
