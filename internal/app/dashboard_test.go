package app_test

import (
	"context"
	"testing"

	"campusguard"
	"campusguard/internal/app"
	"campusguard/internal/demo"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// TestDashboardAndBriefing: the county's dashboard of the demo's last
// school day agrees with its roll-ups and schools; the briefing keeps the
// day's alerts, cases and unsigned schools, and readers without access to
// cases get figures only. On both databases.
func TestDashboardAndBriefing(t *testing.T) {
	for _, d := range sqlstoretest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			s := sqlstoretest.OpenDialect(t, d)
			ctx := sqlstoretest.Ctx
			today, _ := campusguard.ParseDate("2026-11-30")
			if _, err := app.BuildDemo(context.Background(), s, demo.Config{Seed: 1, Students: 3000, Today: today, HistoryDays: 30}); err != nil {
				t.Fatal(err)
			}
			// The last day an alert was first raised.
			alerts, _, err := s.FindAlerts(ctx, campusguard.AlertFilter{Limit: 500})
			if err != nil || len(alerts) == 0 {
				t.Fatalf("demo alerts: %d, %v", len(alerts), err)
			}
			var day campusguard.Date
			for _, a := range alerts {
				if day.Before(a.FirstDay) {
					day = a.FirstDay
				}
			}
			dash, err := s.Dashboard(ctx, 1, day)
			if err != nil {
				t.Fatal(err)
			}
			rs, _ := s.Rollups(ctx, 1, day, day)
			if len(rs) != 1 || dash.Today.Reported != rs[0].Reported || dash.Today.Expected != 3000 {
				t.Errorf("today = %+v, roll-up %+v", dash.Today, rs)
			}
			if !dash.Yesterday.Day.Before(day) || day.AddDays(-4).Before(dash.Yesterday.Day) == false || dash.Yesterday.Reported == 0 {
				t.Errorf("yesterday = %+v, want the school day before %s", dash.Yesterday, day)
			}
			if n := len(dash.Trend); n < 15 || n > 23 {
				t.Errorf("trend has %d days, want the school days of 30 calendar days", n)
			}
			sum, red := 0, 0
			for _, st := range dash.Schools {
				sum += st.Rollup.Reported
				if st.Town == "" {
					t.Errorf("school %s has no town", st.Name)
				}
				if st.Light == campusguard.LightRed {
					red++
				}
			}
			if sum != dash.Today.Reported || len(dash.Schools) != 7 {
				t.Errorf("%d schools reported %d, county %d", len(dash.Schools), sum, dash.Today.Reported)
			}
			if !dash.Cases || dash.OpenCases == 0 || dash.OpenAlerts == 0 || red == 0 {
				t.Errorf("cases %v open %d alerts %d red schools %d", dash.Cases, dash.OpenCases, dash.OpenAlerts, red)
			}
			b, err := s.GenerateBriefing(ctx, 1, day)
			if err != nil {
				t.Fatal(err)
			}
			if len(b.NewAlerts) == 0 || len(b.OpenAlerts) < len(b.NewAlerts) || len(b.Overdue) == 0 || len(b.Unsigned) != 7 {
				t.Errorf("briefing: %d new alerts, %d open, %d overdue, %d unsigned", len(b.NewAlerts), len(b.OpenAlerts), len(b.Overdue), len(b.Unsigned))
			}
			again, err := s.FindBriefing(ctx, 1, day)
			if err != nil || again.Today != b.Today || len(again.NewAlerts) != len(b.NewAlerts) {
				t.Errorf("FindBriefing = %+v, %v", again, err)
			}
			if _, err := s.FindBriefing(ctx, 1, day.AddDays(-1)); campusguard.ErrorCode(err) != campusguard.NotFound {
				t.Errorf("a day without a briefing = %v, want NotFound", err)
			}
			inspector := sqlstoretest.ActorCtx(t, s, sqlstoretest.MustUser(t, s, campusguard.Grant{Role: campusguard.Inspector, OrgID: 1}))
			seen, err := s.FindBriefing(inspector, 1, day)
			if err != nil || seen.Overdue != nil || seen.OpenAlerts != nil || seen.Today != b.Today {
				t.Errorf("inspector's briefing = %+v, %v; want figures only", seen, err)
			}
			if _, err := s.GenerateBriefing(inspector, 1, day); campusguard.ErrorCode(err) != campusguard.Forbidden {
				t.Errorf("inspector GenerateBriefing = %v, want Forbidden", err)
			}
			if days, err := s.BriefingDays(ctx, 1); err != nil || len(days) != 1 || days[0] != day {
				t.Errorf("BriefingDays = %v, %v", days, err)
			}
		})
	}
}
