package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
	"campusguard/internal/web"
)

// TestQualityPages: a fever at home and "well" at the morning check is a
// finding on the school's page, named for the principal and masked for a
// market-supervision liaison; the region's page and dashboard show the
// school's score; a note is required to explain it, a class teacher may
// not, the principal does, and the page shows the note.
func TestQualityPages(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		day := today()
		for _, c := range []*campusguard.Check{
			{PersonID: f.student.ID, Day: day, Kind: campusguard.HomeCheck, Temperature: ptrF(38.2), ClientKey: "q-home"},
			{PersonID: f.student.ID, Day: day, Kind: campusguard.MorningCheck, Attendance: campusguard.Present, ClientKey: "q-morning"},
		} {
			if _, _, err := s.RecordCheck(ctx, c); err != nil {
				t.Fatalf("RecordCheck = %v", err)
			}
		}
		if _, err := s.RunQuality(ctx, f.county.ID, day); err != nil {
			t.Fatalf("RunQuality = %v", err)
		}
		srv := newServerWith(t, s, web.Config{Orgs: s, People: s, Access: s, Health: s, Inbox: s, Dashboards: s, Quality: s,
			Logger: discardLogger()})
		schoolPage := srv.URL + "/orgs/" + itoa(f.school.ID) + "/quality"
		principal := signIn(t, s, grant(campusguard.SchoolAdmin, f.school))
		p := principal.get(t, schoolPage)
		if p.status != http.StatusOK {
			t.Fatalf("GET school quality = %d: %.300s", p.status, p.body)
		}
		if got := p.texts(t, testid("finding-evidence")); len(got) != 1 || !strings.Contains(got[0], f.student.Name) {
			t.Fatalf("evidence = %q, want the student named", got)
		}
		forms := p.all(t, testid("explain-form"))
		if len(forms) != 1 {
			t.Fatalf("explain forms = %d, want 1", len(forms))
		}
		action := srv.URL + attr(forms[0], "action")

		market := signIn(t, s, campusguard.Grant{Role: campusguard.RegionViewer, OrgID: f.county.ID, Duty: campusguard.DutyMarket})
		p = market.get(t, srv.URL+"/orgs/"+itoa(f.county.ID)+"/quality")
		if p.status != http.StatusOK {
			t.Fatalf("GET region quality = %d", p.status)
		}
		if got := p.texts(t, testid("finding-evidence")); len(got) != 1 || strings.Contains(got[0], f.student.Name) || !strings.Contains(got[0], "***") {
			t.Errorf("a market liaison reads %q, want the name masked", got)
		}
		if got := p.texts(t, testid("quality-school-score")); len(got) != 1 || got[0] != "90" {
			t.Errorf("school scores = %q, want 90", got)
		}
		admin := signIn(t, s, grant(campusguard.RegionAdmin, f.county))
		if got := admin.get(t, srv.URL+"/orgs/"+itoa(f.county.ID)+"/dashboard").text(t, testid("quality-link")); got != "数据质量 90 分" {
			t.Errorf("dashboard link = %q, want 数据质量 90 分", got)
		}

		teacher := signIn(t, s, grant(campusguard.ClassTeacher, f.class1))
		if p := teacher.post(t, action, url.Values{"note": {"已回访"}}); p.status != http.StatusForbidden {
			t.Errorf("a class teacher's explanation = %d, want 403", p.status)
		}
		if p := principal.post(t, action, url.Values{"note": {"  "}}); p.status != http.StatusUnprocessableEntity {
			t.Errorf("no note = %d, want 422", p.status)
		}
		if p := principal.post(t, action, url.Values{"note": {"家长量错，复测 36.6"}}); p.status != http.StatusSeeOther {
			t.Fatalf("explain = %d: %.300s", p.status, p.body)
		}
		p = principal.get(t, schoolPage)
		if got := p.text(t, testid("finding-status")); got != "已说明" {
			t.Errorf("status = %q, want 已说明", got)
		}
		if got := p.text(t, testid("finding-note")); !strings.Contains(got, "家长量错，复测 36.6") {
			t.Errorf("note = %q", got)
		}
		fs, _, _ := s.FindFindings(ctx, campusguard.FindingFilter{OrgID: f.school.ID})
		if len(fs) != 1 || fs[0].Status != campusguard.FindingExplained {
			t.Errorf("stored findings = %+v, want one explained", fs)
		}
		// On a day off (the next Saturday, the pages' clock) the school's
		// page shows the same finding and the region's the same score:
		// findings belong to the days they were found on.
		sat := day.Time()
		for sat.Weekday() != time.Saturday {
			sat = sat.AddDate(0, 0, 1)
		}
		sat = sat.Add(9 * time.Hour)
		off := newServerWith(t, s, web.Config{Orgs: s, People: s, Access: s, Health: s, Inbox: s, Dashboards: s, Quality: s,
			Logger: discardLogger(), Now: func() time.Time { return sat }})
		p = principal.get(t, off.URL+"/orgs/"+itoa(f.school.ID)+"/quality")
		if p.status != http.StatusOK || p.text(t, testid("finding-status")) != "已说明" {
			t.Errorf("on a Saturday the school's page = %d, status %q; want the explained finding", p.status, p.text(t, testid("finding-status")))
		}
		p = market.get(t, off.URL+"/orgs/"+itoa(f.county.ID)+"/quality")
		if got := p.texts(t, testid("quality-school-score")); len(got) != 1 || got[0] != "100" {
			t.Errorf("on a Saturday the region's scores = %q, want 100 (the finding explained)", got)
		}
	})
}
