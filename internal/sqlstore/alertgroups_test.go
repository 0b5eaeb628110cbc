package sqlstore_test

import (
	"slices"
	"testing"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// spikeDay is the Friday the statistics' tests look at.
var spikeDay = mustDate("2026-11-27")

func mustDate(s string) campusguard.Date {
	d, err := campusguard.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// writeFeverSeries writes 40 weekdays of daily fever counts up to
// spikeDay for each node: a quiet baseline alternating base and base+1,
// and on the last days the counts of spike (oldest first).
func writeFeverSeries(t *testing.T, s *sqlstore.Store, region int64, nodes map[int64][2]int, spike map[int64][]int) {
	t.Helper()
	var days []campusguard.Date
	for d := spikeDay; len(days) < 40; d = d.AddDays(-1) {
		if wd := d.Time().Weekday(); wd != 0 && wd != 6 {
			days = append(days, d)
		}
	}
	slices.Reverse(days)
	for org, v := range nodes {
		base, expected := v[0], v[1]
		for i, d := range days {
			fever := base + i%2
			if k := len(spike[org]) - (len(days) - i); k >= 0 {
				fever = spike[org][k]
			}
			if _, err := s.WriteDB().Exec(`INSERT INTO rollups (region_id, org_id, day, expected, fever) VALUES ($1, $2, $3, $4, $5)`,
				region, org, d, expected, fever); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func aberrations(t *testing.T, s *sqlstore.Store, as *campusguard.User, f campusguard.AlertFilter) []*campusguard.Alert {
	t.Helper()
	rule := campusguard.RuleAberration
	f.Rule = &rule
	alerts, total, err := s.FindAlerts(sqlstoretest.ActorCtx(t, s, as), f)
	if err != nil {
		t.Fatal(err)
	}
	if total != len(alerts) {
		t.Fatalf("total %d, listed %d", total, len(alerts))
	}
	return alerts
}

func orgsOf(alerts []*campusguard.Alert) []int64 {
	var out []int64
	for _, a := range alerts {
		out = append(out, a.OrgID)
	}
	slices.Sort(out)
	return out
}

func childOrgs(a *campusguard.Alert) []int64 {
	var out []int64
	for _, c := range a.Children {
		out = append(out, c.OrgID)
	}
	slices.Sort(out)
	return out
}

// TestAlertGroupsAcrossLevels: one school's jump in fevers fires the
// statistics at the school, its town and its county; the county sees one
// alert listing the town and the school, the town one listing the school,
// the school its own; a second school makes the group high.
func TestAlertGroupsAcrossLevels(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustCaseWorld(t, s)
		tr := w.tr
		writeFeverSeries(t, s, tr.County.ID, map[int64][2]int{tr.County.ID: {10, 1000}, tr.Town.ID: {6, 600},
			tr.School.ID: {2, 300}, tr.Other.ID: {2, 300}}, map[int64][]int{tr.County.ID: {40}, tr.Town.ID: {36}, tr.School.ID: {32}})
		if _, _, err := s.DetectAlerts(ctx, tr.County.ID, spikeDay); err != nil {
			t.Fatal(err)
		}
		all := aberrations(t, s, w.bureau, campusguard.AlertFilter{Open: true})
		if got, want := orgsOf(all), []int64{tr.County.ID, tr.Town.ID, tr.School.ID}; !slices.Equal(got, want) {
			t.Fatalf("aberrations at %v, want county, town, school %v", got, want)
		}
		county := aberrations(t, s, w.bureau, campusguard.AlertFilter{Open: true, Grouped: true})
		if len(county) != 1 || county[0].OrgID != tr.County.ID {
			t.Fatalf("the county's grouped list = %v, want its own alert alone", orgsOf(county))
		}
		if got, want := childOrgs(county[0]), []int64{tr.Town.ID, tr.School.ID}; !slices.Equal(got, want) {
			t.Errorf("the county's alert lists %v, want the town and the school %v", got, want)
		}
		if county[0].Severity != campusguard.SeverityLow {
			t.Errorf("one school's one-day signal = %s, want low", county[0].Severity)
		}
		for _, a := range all {
			if a.OrgID != tr.County.ID && (a.ParentID == nil || *a.ParentID != county[0].ID) {
				t.Errorf("alert at %d: parent %v, want the county's %d", a.OrgID, a.ParentID, county[0].ID)
			}
		}
		town := aberrations(t, s, w.bureau, campusguard.AlertFilter{Open: true, Grouped: true, OrgID: &tr.Town.ID})
		if len(town) != 1 || town[0].OrgID != tr.Town.ID || !slices.Equal(childOrgs(town[0]), []int64{tr.School.ID}) {
			t.Errorf("the town's grouped list = %v (children %v), want the town's alert listing the school", orgsOf(town),
				town)
		}
		school := aberrations(t, s, w.officer, campusguard.AlertFilter{Open: true, Grouped: true})
		if len(school) != 1 || school[0].OrgID != tr.School.ID {
			t.Errorf("the school's officer sees %v, want the school's alert", orgsOf(school))
		}
		// The blip filter hides the whole group; asked for, it is there.
		if got := aberrations(t, s, w.bureau, campusguard.AlertFilter{Open: true, Grouped: true, HideBlips: true}); len(got) != 0 {
			t.Errorf("blips hidden: %v listed", orgsOf(got))
		}
		low := campusguard.SeverityLow
		if got := aberrations(t, s, w.bureau, campusguard.AlertFilter{Open: true, Grouped: true, Severity: &low}); len(got) != 1 {
			t.Errorf("low alerts grouped = %v, want the county's", orgsOf(got))
		}
		// The school's signal lasting to Monday, alone, makes it medium and
		// lifts the head of its group with it.
		monday := spikeDay.AddDays(3)
		for org, v := range map[int64][2]int{tr.County.ID: {10, 1000}, tr.Town.ID: {6, 600}, tr.School.ID: {32, 300},
			tr.Other.ID: {2, 300}} {
			if _, err := s.WriteDB().Exec(`INSERT INTO rollups (region_id, org_id, day, expected, fever) VALUES ($1, $2, $3, $4, $5)`,
				tr.County.ID, org, monday, v[1], v[0]); err != nil {
				t.Fatal(err)
			}
		}
		if _, _, err := s.DetectAlerts(ctx, tr.County.ID, monday); err != nil {
			t.Fatal(err)
		}
		school = aberrations(t, s, w.officer, campusguard.AlertFilter{Open: true, Grouped: true})
		if len(school) != 1 || school[0].Days != 2 || school[0].Severity != campusguard.SeverityMedium {
			t.Fatalf("the school's alert after Monday = %+v, want two days, medium", school)
		}
		if got := aberrations(t, s, w.bureau, campusguard.AlertFilter{Open: true, Grouped: true}); len(got) != 1 ||
			got[0].ID != county[0].ID || got[0].Severity != campusguard.SeverityMedium {
			t.Errorf("the county's group after Monday = %+v, want its head, medium", got)
		}
		if got := aberrations(t, s, w.bureau, campusguard.AlertFilter{Open: true, Grouped: true, HideBlips: true}); len(got) != 1 {
			t.Errorf("a medium group hidden as a blip: %v", orgsOf(got))
		}
		// Closing the county's alert shows the town's among the open ones.
		for _, st := range []campusguard.AlertState{campusguard.AlertAcknowledged, campusguard.AlertInvestigated, campusguard.AlertClosed} {
			if _, err := s.MoveAlert(sqlstoretest.ActorCtx(t, s, w.bureau), county[0].ID, campusguard.AlertMove{To: st, Note: "单校波动"}); err != nil {
				t.Fatal(err)
			}
		}
		if got := aberrations(t, s, w.bureau, campusguard.AlertFilter{Open: true, Grouped: true}); len(got) != 1 || got[0].OrgID != tr.Town.ID {
			t.Errorf("after closing the county's: %v, want the town's", orgsOf(got))
		}
	})
}

// TestAlertGroupOfSchoolsIsHigh: two schools firing together are an
// outbreak across schools: the county's alert is high and sorts first.
func TestAlertGroupOfSchoolsIsHigh(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustCaseWorld(t, s)
		tr := w.tr
		writeFeverSeries(t, s, tr.County.ID, map[int64][2]int{tr.County.ID: {10, 1000}, tr.Town.ID: {6, 600},
			tr.School.ID: {2, 300}, tr.Other.ID: {2, 300}}, map[int64][]int{tr.County.ID: {70}, tr.Town.ID: {66},
			tr.School.ID: {32}, tr.Other.ID: {32}})
		// A fixed-rule alert of the same day, medium, opened first.
		if _, err := s.OpenCase(sqlstoretest.ActorCtx(t, s, w.officer), campusguard.NewCase{PersonID: w.classmate.ID, OnsetDay: spikeDay,
			Temperature: f64(39.5)}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.DetectAlerts(ctx, tr.County.ID, spikeDay); err != nil {
			t.Fatal(err)
		}
		list, _, err := s.FindAlerts(sqlstoretest.ActorCtx(t, s, w.bureau), campusguard.AlertFilter{Open: true, Grouped: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 {
			t.Fatalf("grouped list = %d alerts, want the county's group and the high fever", len(list))
		}
		if list[0].Rule != campusguard.RuleAberration || list[0].OrgID != tr.County.ID || list[0].Severity != campusguard.SeverityHigh {
			t.Errorf("first = %s at %d, %s; want the county's aberration, high", list[0].Rule, list[0].OrgID, list[0].Severity)
		}
		if got := childOrgs(list[0]); len(got) != 3 {
			t.Errorf("the county's alert lists %v, want the town and two schools", got)
		}
		if list[1].Rule != campusguard.RuleHighFever || list[1].Severity != campusguard.SeverityMedium {
			t.Errorf("second = %s, %s; want the high fever, medium", list[1].Rule, list[1].Severity)
		}
		one, _, err := s.FindAlert(sqlstoretest.ActorCtx(t, s, w.bureau), list[0].ID)
		if err != nil || len(one.Children) != 3 {
			t.Errorf("FindAlert children = %v, %v", one, err)
		}
	})
}

// TestAlertSensitivity: a region's sensitivity is validated naming the
// field, audited, and low waits for a second day of alarm.
func TestAlertSensitivity(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustCaseWorld(t, s)
		tr := w.tr
		admin := sqlstoretest.ActorCtx(t, s, w.bureau)
		if err := s.SetAlertSensitivity(admin, tr.County.ID, "extreme"); !hasFieldErr(err, "sensitivity") {
			t.Errorf("a bad choice = %v, want an error naming sensitivity", err)
		}
		if cfg, _ := s.RuleConfig(ctx, tr.County.ID); cfg.Sensitivity != campusguard.SensitivityNormal {
			t.Errorf("default = %q, want normal", cfg.Sensitivity)
		}
		if err := s.SetAlertSensitivity(sqlstoretest.ActorCtx(t, s, w.officer), tr.County.ID, campusguard.SensitivityLow); err == nil {
			t.Error("a school's officer set the region's sensitivity")
		}
		if err := s.SetAlertSensitivity(admin, tr.Town.ID, campusguard.SensitivityLow); err == nil {
			t.Error("a town (not top-level) took a sensitivity")
		}
		if err := s.SetAlertSensitivity(admin, tr.County.ID, campusguard.SensitivityLow); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := s.WriteDB().QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = 'set_alert_sensitivity' AND detail = 'low'`).Scan(&n); err != nil || n != 1 {
			t.Errorf("audit rows = %d, %v; want 1", n, err)
		}
		// Setting the rules keeps the sensitivity.
		cfg, _ := s.RuleConfig(ctx, tr.County.ID)
		cfg.DayMin = 4
		if err := s.SetRuleConfig(admin, tr.County.ID, cfg); err != nil {
			t.Fatal(err)
		}
		if cfg, _ := s.RuleConfig(ctx, tr.County.ID); cfg.Sensitivity != campusguard.SensitivityLow || cfg.DayMin != 4 {
			t.Errorf("after the rules: %q, day_min %d", cfg.Sensitivity, cfg.DayMin)
		}
		writeFeverSeries(t, s, tr.County.ID, map[int64][2]int{tr.School.ID: {2, 300}, tr.County.ID: {2, 300}},
			map[int64][]int{tr.School.ID: {3, 32}})
		if _, _, err := s.DetectAlerts(ctx, tr.County.ID, spikeDay); err != nil {
			t.Fatal(err)
		}
		if got := aberrations(t, s, w.bureau, campusguard.AlertFilter{}); len(got) != 0 {
			t.Errorf("low sensitivity, one day of alarm: %v raised", orgsOf(got))
		}
		if err := s.SetAlertSensitivity(admin, tr.County.ID, campusguard.SensitivityNormal); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.DetectAlerts(ctx, tr.County.ID, spikeDay); err != nil {
			t.Fatal(err)
		}
		if got := aberrations(t, s, w.bureau, campusguard.AlertFilter{}); len(got) != 1 || got[0].OrgID != tr.School.ID {
			t.Errorf("normal sensitivity: %v raised, want the school's", orgsOf(got))
		}
	})
}

func hasFieldErr(err error, field string) bool {
	for _, f := range campusguard.ErrorFields(err) {
		if f.Field == field {
			return true
		}
	}
	return false
}
