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

// TestDrillPages: the principal plans a drill on the school's page, starts
// it, injects a case (a volunteer of another school is refused naming the
// field), the health officer reports and isolates it on the case's page,
// which wears the drill mark, as does the school's case list; the drill is
// finished with a problem; the county's page shows the school's times and
// the school without a drill. A teacher and the other county get 404.
// Once on a school day and once on a day off (a drill may be on a Sunday).
func TestDrillPages(t *testing.T) {
	for _, c := range []struct {
		name string
		now  time.Time
	}{
		{"school day", time.Date(2026, 12, 7, 9, 0, 0, 0, campusguard.China)},
		{"day off", time.Date(2026, 12, 6, 15, 0, 0, 0, campusguard.China)},
	} {
		t.Run(c.name, func(t *testing.T) {
			sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
				drillFlow(t, s, c.now)
			})
		})
	}
}

func drillFlow(t *testing.T, s *sqlstore.Store, start time.Time) {
	f := mustFixture(t, s)
	now := start
	s.Now = func() time.Time { return now }
	today := campusguard.DateOf(now)
	school2 := &campusguard.Org{Kind: campusguard.KindSchool, SchoolType: campusguard.Junior, Name: "云陵中学", ParentID: &f.town.ID}
	if err := s.CreateOrg(ctx, school2); err != nil {
		t.Fatal(err)
	}
	stranger := &campusguard.Person{SchoolID: school2.ID, Kind: campusguard.Staff, Name: "外校老师", Number: "X1", Role: campusguard.RoleTeacher}
	if err := s.CreatePerson(ctx, stranger); err != nil {
		t.Fatal(err)
	}
	srv := newServerWith(t, s, web.Config{Orgs: s, People: s, Access: s, Health: s, Inbox: s, Hooks: s, Settings: s,
		Cases: s, Alerts: s, Calendar: s, Dashboards: s, Policy: s, Transport: s, Export: s, Files: s, Readiness: s,
		Inspections: s, Directives: s, Drills: s, Logger: textLogger(testWriter{t}), Now: func() time.Time { return now }}).URL
	bureau := signIn(t, s, grant(campusguard.RegionAdmin, f.county))
	head := signIn(t, s, grant(campusguard.SchoolAdmin, f.school))
	officer := signIn(t, s, grant(campusguard.HealthOffice, f.school))
	teacher := signIn(t, s, grant(campusguard.ClassTeacher, f.class1))
	other := signIn(t, s, grant(campusguard.RegionAdmin, f.other))
	list := srv + "/schools/" + itoa(f.school.ID) + "/drills"

	if o := head.get(t, srv+"/orgs/"+itoa(f.school.ID)); attr(find(t, o.doc, testid("drills-link")), "href") != "/schools/"+itoa(f.school.ID)+"/drills" {
		t.Fatal("the school's page has no link to its drills")
	}
	p := head.get(t, list)
	if p.status != 200 || len(p.all(t, testid("drill-plan-form"))) != 1 || len(p.all(t, testid("no-drills"))) != 1 {
		t.Fatalf("GET drills = %d %s", p.status, p.body)
	}
	for _, b := range []*browser{teacher, other} {
		if g := b.get(t, list); g.status != http.StatusNotFound {
			t.Errorf("GET the school's drills = %d, want 404", g.status)
		}
	}
	// Refused: a day in the past, named; nothing stored.
	r := head.post(t, list, url.Values{"scenario": {"gate_fever"}, "planned_day": {today.AddDays(-1).String()}})
	if r.status != 422 || attr(find(t, r.doc, testid("drill-day")), "aria-invalid") != "true" {
		t.Fatalf("a drill in the past = %d %s", r.status, r.body)
	}
	if !strings.Contains(r.text(t, testid("form-error")), "演练日期") {
		t.Errorf("the error does not name the day: %q", r.text(t, testid("form-error")))
	}
	r = head.post(t, list, url.Values{"scenario": {"gate_fever"}, "planned_day": {today.String()}, "participants": {"全体教职工"},
		"participant_count": {"40"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("plan = %d %s", r.status, r.body)
	}
	drill := srv + r.header.Get("Location")
	p = head.get(t, drill)
	if p.text(t, testid("drill-state")) != "已计划" || len(p.all(t, testid("drill-start"))) != 1 || len(p.all(t, testid("drill-inject-form"))) != 0 {
		t.Fatalf("planned drill page = %s", p.body)
	}
	// Injected before the start: refused naming the drill's status.
	if r := head.post(t, drill+"/inject", url.Values{"person_id": {itoa(f.student.ID)}}); r.status != 422 ||
		!strings.Contains(r.text(t, testid("form-error")), "演练状态") {
		t.Fatalf("inject before the start = %d %s", r.status, r.body)
	}
	if r := head.post(t, drill+"/start", nil); r.status != http.StatusSeeOther {
		t.Fatalf("start = %d %s", r.status, r.body)
	}
	if r := head.post(t, drill+"/inject", url.Values{"person_id": {itoa(stranger.ID)}}); r.status != 422 ||
		!strings.Contains(r.text(t, testid("form-error")), "扮演病例的人员") {
		t.Fatalf("inject a stranger = %d %s", r.status, r.body)
	}
	r = head.post(t, drill+"/inject", url.Values{"person_id": {itoa(f.student.ID)}})
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/cases/") {
		t.Fatalf("inject = %d %s", r.status, r.body)
	}
	casePage := srv + r.header.Get("Location")
	c := officer.get(t, casePage)
	if c.status != 200 || c.text(t, testid("case-drill")) != "演练" {
		t.Fatalf("the drill case's page has no drill mark: %s", c.body)
	}
	cases := officer.get(t, srv+"/orgs/"+itoa(f.school.ID)+"/cases")
	if got := cases.texts(t, testid("case-drill")); len(got) != 1 || got[0] != "演练" {
		t.Errorf("the school's case list marks %q, want one drill", got)
	}
	// The case's own steps: reported after 3 minutes, isolated after 8.
	now = start.Add(3 * time.Minute)
	if r := officer.post(t, casePage+"/transitions", url.Values{"to": {"reported"}}); r.status != http.StatusSeeOther {
		t.Fatalf("report = %d %s", r.status, r.body)
	}
	now = start.Add(8 * time.Minute)
	if r := officer.post(t, casePage+"/transitions", url.Values{"to": {"isolated"}, "isolation": {"observation_room"}}); r.status != http.StatusSeeOther {
		t.Fatalf("isolate = %d %s", r.status, r.body)
	}
	p = officer.get(t, drill)
	if p.text(t, testid("drill-report-time")) != "3 分 0 秒" || p.text(t, testid("drill-isolate-time")) != "8 分 0 秒" {
		t.Errorf("drill times = %q, %q", p.text(t, testid("drill-report-time")), p.text(t, testid("drill-isolate-time")))
	}
	if got := p.texts(t, testid("case-drill")); len(got) != 1 {
		t.Errorf("the drill page marks %d cases", len(got))
	}
	r = head.post(t, drill+"/finish", url.Values{"problem": {"隔离室钥匙找不到", "", ""}, "severity": {"minor", "minor", "minor"},
		"deadline": {today.AddDays(7).String(), "", ""}, "responsible": {"王校医", "", ""}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("finish = %d %s", r.status, r.body)
	}
	p = head.get(t, drill)
	if p.text(t, testid("drill-state")) != "已结束" || p.text(t, testid("drill-problem")) != "隔离室钥匙找不到" {
		t.Errorf("finished drill page = %s", p.body)
	}
	// The county's page: the school's times, the other school without.
	ov := bureau.get(t, srv+"/orgs/"+itoa(f.county.ID)+"/drills")
	if ov.status != 200 {
		t.Fatalf("overview = %d %s", ov.status, ov.body)
	}
	if got := ov.texts(t, testid("drill-report-time")); len(got) != 1 || got[0] != "3 分 0 秒" {
		t.Errorf("overview report times = %q", got)
	}
	if !strings.Contains(ov.text(t, testid("drill-missing-list")), "云陵中学") {
		t.Errorf("overview does not list the school without a drill: %q", ov.text(t, testid("drill-missing-list")))
	}
	if g := head.get(t, srv+"/orgs/"+itoa(f.county.ID)+"/drills"); g.status != http.StatusNotFound {
		t.Errorf("principal GET the county's drills = %d, want 404", g.status)
	}
	if g := other.get(t, drill); g.status != http.StatusNotFound {
		t.Errorf("other county GET the drill = %d, want 404", g.status)
	}
}
