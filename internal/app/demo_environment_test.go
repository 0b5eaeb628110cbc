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

// TestDemoEnvironment: the demo's spaces and month of logs give every
// school with open classes a compliance below 100 % somewhere and above
// half on the whole, some school an overdue list this afternoon, and the
// same figures for the same seed.
func TestDemoEnvironment(t *testing.T) {
	totals := map[string]campusguard.EnvFigures{}
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := campusguard.SystemContext(context.Background(), "test")
		afternoon := time.Date(2026, 11, 30, 15, 0, 0, 0, campusguard.China) // a Monday
		s.Now = func() time.Time { return afternoon }
		today := campusguard.DateOf(afternoon)
		cfg := demo.Config{Seed: 1, Students: 3000, Today: today, HistoryDays: 30}
		if _, err := app.BuildDemo(ctx, s, cfg); err != nil {
			t.Fatal(err)
		}
		if err := app.DemoEnvironment(ctx, s, cfg); err != nil {
			t.Fatal(err)
		}
		c, err := s.EnvCompliance(ctx, 1, today.AddDays(-29), today)
		if err != nil {
			t.Fatal(err)
		}
		rate, ok := c.Total.Rate()
		if !ok || rate < 70 || rate >= 100 {
			t.Errorf("the county's compliance = %d%% (%+v), want gaps but most logs kept", rate, c.Total)
		}
		var full, behind, overdue int
		for _, l := range c.Schools {
			if l.Spaces == 0 {
				t.Errorf("%s has no spaces", l.Name)
			}
			if r, ok := l.Total.Rate(); ok && r == 100 {
				full++
			} else if ok && r < 85 {
				behind++
			}
			o, err := s.OverdueToday(ctx, l.SchoolID)
			if err != nil {
				t.Fatal(err)
			}
			if len(o.Items) > 0 {
				overdue++
			}
		}
		if behind == 0 || overdue == 0 {
			t.Errorf("%d schools behind, %d with overdue items: the demo shows no gap", behind, overdue)
		}
		totals[s.Dialect()] = c.Total
	})
	if len(totals) == 2 && totals["sqlite"] != totals["postgres"] {
		t.Errorf("the same seed gave %+v and %+v", totals["sqlite"], totals["postgres"])
	}
}
