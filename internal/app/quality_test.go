package app_test

import (
	"slices"
	"strconv"
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/app"
	"campusguard/internal/demo"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// TestQualityDaily: the demo holds the class that types 36.5 for everyone
// and a child enrolled in two counties; the evening job runs each county's
// data-quality rules once a day, from 20:30 in China, and finds them; the
// late village morning arrived three hours after it was taken.
func TestQualityDaily(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := sqlstoretest.Ctx
		today, _ := campusguard.ParseDate("2026-11-30")
		if _, err := app.BuildDemo(ctx, s, demo.Config{Seed: 1, Students: 3000, Today: today, HistoryDays: 14}); err != nil {
			t.Fatal(err)
		}
		at := func(h, m int) time.Time { return time.Date(2026, 11, 30, h, m, 0, 0, campusguard.China) }
		runs := func(region int64) int {
			t.Helper()
			var n int
			if err := s.DB().QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = 'quality' AND object = $1`,
				"org:"+strconv.FormatInt(region, 10)).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		var regions []int64
		rows, err := s.DB().Query(`SELECT id FROM orgs WHERE parent_id IS NULL ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id int64
			rows.Scan(&id)
			regions = append(regions, id)
		}
		rows.Close()
		if len(regions) != 2 {
			t.Fatalf("the demo has %d counties, want its own and the neighbour", len(regions))
		}
		built := runs(regions[0]) // the demo's own run
		s.Now = func() time.Time { return at(20, 0) }
		if err := app.QualityDaily(ctx, s, at(20, 0)); err != nil || runs(regions[0]) != built {
			t.Fatalf("20:00: %d runs, %v; want no run before 20:30", runs(regions[0]), err)
		}
		s.Now = func() time.Time { return at(20, 45) }
		if err := app.QualityDaily(ctx, s, at(20, 45)); err != nil || runs(regions[0]) != built+1 {
			t.Fatalf("20:45: %d runs, %v; want one more", runs(regions[0]), err)
		}
		s.Now = func() time.Time { return at(21, 0) }
		if err := app.QualityDaily(ctx, s, at(21, 0)); err != nil || runs(regions[0]) != built+1 || runs(regions[1]) != built+1 {
			t.Errorf("21:00: %d and %d runs, %v; want each county's one of 20:45 only", runs(regions[0]), runs(regions[1]), err)
		}
		var rules []string
		for _, r := range regions {
			fs, _, err := s.FindFindings(ctx, campusguard.FindingFilter{OrgID: r, Limit: 500})
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range fs {
				rules = append(rules, string(f.Rule))
			}
		}
		for _, want := range []campusguard.QualityRule{campusguard.RuleUniform, campusguard.RuleDuplicateID} {
			if n := len(slices.DeleteFunc(slices.Clone(rules), func(r string) bool { return r != string(want) })); n == 0 {
				t.Errorf("findings %q hold no %s", rules, want)
			}
		}
		var late int
		if err := s.DB().QueryRow(`SELECT COUNT(*) FROM checks WHERE received_at IS NOT NULL AND kind = 'home'`).Scan(&late); err != nil || late == 0 {
			t.Errorf("late home reports = %d, %v; want the village school's morning", late, err)
		}
	})
}
