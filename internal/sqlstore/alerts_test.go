package sqlstore_test

import (
	"slices"
	"testing"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// TestAlertsFromCases: the cluster rules over cases by onset open one alert
// per signal, update it while it lasts, notify and move along their line.
func TestAlertsFromCases(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustCaseWorld(t, s)
		d1 := yesterday().AddDays(-2)
		var kids []*campusguard.Person
		for i := range 6 {
			p := &campusguard.Person{SchoolID: w.tr.School.ID, Kind: campusguard.Student, Name: "学生", Number: "K" + string(rune('a'+i)),
				ClassID: &w.tr.Class1.ID}
			if err := s.CreatePerson(ctx, p); err != nil {
				t.Fatal(err)
			}
			kids = append(kids, p)
		}
		open := func(p *campusguard.Person, day campusguard.Date) {
			t.Helper()
			if _, err := s.OpenCase(ctx, campusguard.NewCase{PersonID: p.ID, OnsetDay: day, Temperature: f64(38.2),
				Symptoms: []campusguard.Symptom{campusguard.SymCough}}); err != nil {
				t.Fatal(err)
			}
		}
		detect := func(day campusguard.Date) (int, int) {
			t.Helper()
			o, u, err := s.DetectAlerts(ctx, w.tr.County.ID, day)
			if err != nil {
				t.Fatal(err)
			}
			return o, u
		}
		// Day 1: two cases, no alert; a third opens the one-day cluster.
		open(kids[0], d1)
		open(kids[1], d1)
		if o, u := detect(d1); o != 0 || u != 0 {
			t.Errorf("2 cases: opened %d, updated %d", o, u)
		}
		open(kids[2], d1)
		if o, _ := detect(d1); o != 1 {
			t.Errorf("3 cases: opened %d alerts, want 1", o)
		}
		if o, u := detect(d1); o != 0 || u != 0 {
			t.Errorf("again the same day: opened %d, updated %d; want nothing changed", o, u)
		}
		// Day 2: two more, five within three days.
		open(kids[3], d1.AddDays(1))
		open(kids[4], d1.AddDays(1))
		if o, _ := detect(d1.AddDays(1)); o != 1 {
			t.Errorf("5 cases in 2 days: opened %d, want the three-day cluster", o)
		}
		// Day 3: one more; the three-day cluster goes on as the same alert.
		open(kids[5], d1.AddDays(2))
		if o, u := detect(d1.AddDays(2)); o != 0 || u != 1 {
			t.Errorf("day 3: opened %d, updated %d; want 0 and 1", o, u)
		}
		alerts, total, err := s.FindAlerts(w.officerCtx, campusguard.AlertFilter{Open: true})
		if err != nil || total != 2 {
			t.Fatalf("FindAlerts = %d, %v; want 2", total, err)
		}
		var days *campusguard.Alert
		for _, a := range alerts {
			if a.Rule == campusguard.RuleClassDays {
				days = a
			}
		}
		if days == nil || days.Days != 2 || days.Count != 6 || days.FirstDay != d1.AddDays(1) || days.LastDay != d1.AddDays(2) ||
			days.OrgID != w.tr.Class1.ID || days.Symptom != campusguard.SymCough || len(days.CaseIDs) != 6 {
			t.Errorf("three-day alert = %+v", days)
		}
		if got := subjects(inbox(t, s, w.teacherUser)); !slices.Contains(got, "notify.alert_raised") {
			t.Errorf("class teacher's inbox = %v", got)
		}
		if _, n, _ := s.FindAlerts(w.otherCtx, campusguard.AlertFilter{}); n != 0 {
			t.Errorf("the other school sees %d alerts", n)
		}
		// The alert's life.
		if _, err := s.MoveAlert(w.teacherCtx, days.ID, campusguard.AlertMove{To: campusguard.AlertAcknowledged}); campusguard.ErrorCode(err) != campusguard.Forbidden {
			t.Errorf("class teacher MoveAlert = %v, want Forbidden", err)
		}
		if _, err := s.MoveAlert(w.otherCtx, days.ID, campusguard.AlertMove{To: campusguard.AlertAcknowledged}); campusguard.ErrorCode(err) != campusguard.NotFound {
			t.Errorf("other school MoveAlert = %v, want NotFound", err)
		}
		if _, err := s.MoveAlert(w.officerCtx, days.ID, campusguard.AlertMove{To: campusguard.AlertClosed, Note: "x"}); campusguard.ErrorCode(err) != campusguard.Invalid {
			t.Errorf("open -> closed = %v, want Invalid", err)
		}
		for _, m := range []campusguard.AlertMove{{To: campusguard.AlertAcknowledged}, {To: campusguard.AlertInvestigated, Note: "已流调"}} {
			if _, err := s.MoveAlert(w.officerCtx, days.ID, m); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.MoveAlert(w.officerCtx, days.ID, campusguard.AlertMove{To: campusguard.AlertClosed}); campusguard.ErrorCode(err) != campusguard.Invalid {
			t.Errorf("closing without a conclusion = %v, want Invalid", err)
		}
		if _, err := s.MoveAlert(w.officerCtx, days.ID, campusguard.AlertMove{To: campusguard.AlertClosed, Note: "班级聚集性呼吸道感染，已处置"}); err != nil {
			t.Fatal(err)
		}
		got, steps, err := s.FindAlert(w.viewerCtx, days.ID)
		if err != nil || got.State != campusguard.AlertClosed || got.Conclusion == "" || len(steps) != 4 {
			t.Errorf("closed alert = %+v, %d steps, %v", got, len(steps), err)
		}
		if _, _, err := s.DetectAlerts(w.officerCtx, w.tr.County.ID, d1); campusguard.ErrorCode(err) != campusguard.Forbidden {
			t.Errorf("DetectAlerts by a user = %v, want Forbidden", err)
		}
		// Bad settings change nothing.
		bad := campusguard.DefaultRuleConfig()
		bad.Method = "C9"
		if err := s.SetRuleConfig(ctx, w.tr.County.ID, bad); campusguard.ErrorCode(err) != campusguard.Invalid {
			t.Errorf("SetRuleConfig(C9) = %v", err)
		}
		if cfg, _ := s.RuleConfig(ctx, w.tr.County.ID); cfg.Method != "C2" {
			t.Errorf("method after a refused change = %s", cfg.Method)
		}
	})
}
