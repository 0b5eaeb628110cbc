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

// TestAccountabilityPages: an item runs overdue; the bureau follows the
// item page's link to the form, prefilled, picks the teacher by name,
// records a talk; bad input is refused naming the field; every school
// account, and the inspector, gets 404 on every page. On a school day and
// on a day off.
func TestAccountabilityPages(t *testing.T) {
	for _, c := range []struct {
		name string
		now  time.Time
	}{
		{"school day", time.Date(2026, 12, 7, 9, 0, 0, 0, campusguard.China)},
		{"day off", time.Date(2026, 12, 6, 15, 0, 0, 0, campusguard.China)},
	} {
		t.Run(c.name, func(t *testing.T) {
			sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
				accountabilityFlow(t, s, c.now)
			})
		})
	}
}

func accountabilityFlow(t *testing.T, s *sqlstore.Store, now time.Time) {
	f := mustFixture(t, s)
	clock := now.AddDate(0, 0, -5)
	s.Now = func() time.Time { return clock }
	srv := newServerWith(t, s, web.Config{Orgs: s, People: s, Access: s, Health: s, Inbox: s, Hooks: s, Settings: s,
		Cases: s, Alerts: s, Calendar: s, Dashboards: s, Policy: s, Transport: s, Export: s, Files: s, Readiness: s,
		Inspections: s, Logger: textLogger(testWriter{t}), Now: func() time.Time { return clock }}).URL

	// An item opened five days ago, due two days ago: overdue now.
	start := campusguard.DateOf(clock)
	in := &campusguard.Inspection{RegionID: f.county.ID, Title: "暗访", Team: "第一组", From: start, To: start.AddDays(6),
		Members: []campusguard.TeamMember{{Name: "王督学", Agency: campusguard.AgencyEducation}}}
	if err := s.CreateInspection(ctx, in); err != nil {
		t.Fatal(err)
	}
	v, err := s.AddVisit(ctx, in.ID, f.school.ID, start)
	if err != nil {
		t.Fatal(err)
	}
	due := start.AddDays(3)
	if err := s.AddFinding(ctx, v.ID, &campusguard.InspectionFinding{Severity: campusguard.SeveritySerious, Note: "消毒记录缺失",
		Deadline: &due, Responsible: "王老师"}); err != nil {
		t.Fatal(err)
	}
	for _, r := range v.Results {
		if err := s.RecordResult(ctx, v.ID, r.Item.Code, campusguard.ResultPass, ""); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.CloseVisit(ctx, v.ID, ""); err != nil {
		t.Fatal(err)
	}
	clock = now
	s.Now = func() time.Time { return clock }
	today := campusguard.DateOf(now)
	items, err := s.FindRectifications(ctx, campusguard.RectFilter{OrgID: f.school.ID})
	if err != nil || len(items) != 1 || !items[0].Overdue {
		t.Fatalf("items = %+v, %v", items, err)
	}
	item := srv + "/rectifications/" + itoa(items[0].ID)

	bureau := signIn(t, s, grant(campusguard.RegionAdmin, f.county))
	head := signIn(t, s, grant(campusguard.SchoolAdmin, f.school))
	list := srv + "/orgs/" + itoa(f.county.ID) + "/accountability"

	// The item page links the bureau, and the bureau only, to the form.
	p := bureau.get(t, item)
	links := p.all(t, testid("rect-accountability"))
	if p.status != 200 || len(links) != 1 {
		t.Fatalf("bureau GET item = %d, %d accountability links", p.status, len(links))
	}
	if h := head.get(t, item); h.status != 200 || len(h.all(t, testid("rect-accountability"))) != 0 {
		t.Fatalf("principal's item page = %d, offers accountability", h.status)
	}
	form := bureau.get(t, srv+attr(links[0], "href"))
	if form.status != 200 || attr(find(t, form.doc, testid("acc-links")), "value") != itoa(items[0].ID) ||
		!strings.Contains(form.body, "消毒记录缺失") || len(form.all(t, testid("no-records"))) != 1 {
		t.Fatalf("prefilled form = %d %s", form.status, form.body)
	}
	// The picker finds the teacher by part of the name.
	pick := bureau.get(t, list+"/pick?q="+url.QueryEscape("王"))
	choices := pick.all(t, testid("pick-choice"))
	if pick.status != 200 || len(choices) != 1 || attr(choices[0], "value") != itoa(f.teacher.ID) {
		t.Fatalf("pick = %d, %d choices", pick.status, len(choices))
	}

	good := url.Values{"failure_kind": {"rectification"}, "link_ids": {itoa(items[0].ID)}, "failure": {"整改逾期"},
		"school_id": {itoa(f.school.ID)}, "person_id": {itoa(f.teacher.ID)}, "post": {"班主任"}, "measure": {"talk"},
		"day": {today.String()}, "note": {"已约谈"}}
	for _, c := range []struct{ name, key, val, testid string }{
		{"unknown measure", "measure", "fine", "acc-measure"},
		{"missing what failed", "failure", " ", "acc-failure"},
		{"a date in the future", "day", today.AddDays(1).String(), "acc-day"},
		{"bad links", "link_ids", "十二", "acc-links"},
		{"a person outside the region", "person_id", "99999", "acc-person-search"},
	} {
		bad := url.Values{}
		for k, v := range good {
			bad[k] = v
		}
		bad.Set(c.key, c.val)
		r := bureau.post(t, list, bad)
		if r.status != 422 || attr(find(t, r.doc, testid(c.testid)), "aria-invalid") != "true" {
			t.Fatalf("%s = %d", c.name, r.status)
		}
	}
	if xs, _ := s.FindAccountabilities(ctx, campusguard.AccountabilityFilter{OrgID: f.county.ID}); len(xs) != 0 {
		t.Fatalf("refused records stored: %d", len(xs))
	}
	r := bureau.post(t, list, good)
	if r.status != http.StatusSeeOther {
		t.Fatalf("record = %d %s", r.status, r.body)
	}
	xs, _ := s.FindAccountabilities(ctx, campusguard.AccountabilityFilter{OrgID: f.county.ID})
	if len(xs) != 1 || xs[0].PersonName != "王老师" || xs[0].LinkIDs[0] != items[0].ID {
		t.Fatalf("stored = %+v", xs)
	}
	one := srv + "/accountability/" + itoa(xs[0].ID)
	if g := bureau.get(t, one); g.status != 200 || len(g.all(t, testid("accountability-record"))) != 1 ||
		!strings.Contains(g.body, "王老师") {
		t.Fatalf("GET record = %d", g.status)
	}
	if g := bureau.get(t, list+"?measure=warning"); len(g.all(t, testid("accountability-record"))) != 0 {
		t.Errorf("the measure filter kept a talk")
	}
	if g := bureau.get(t, list); len(g.all(t, testid("accountability-record"))) != 1 {
		t.Errorf("the list has not the record")
	}

	// Nobody else sees any of it: 404 on every page, the picker and the post.
	others := map[string]*browser{"principal": head,
		"health officer": signIn(t, s, grant(campusguard.HealthOffice, f.school)),
		"class teacher":  signIn(t, s, grant(campusguard.ClassTeacher, f.class1)),
		"gate staff":     signIn(t, s, grant(campusguard.GateStaff, f.school)),
		"inspector":      signIn(t, s, grant(campusguard.Inspector, f.county)),
		"cdc viewer":     signIn(t, s, grant(campusguard.RegionViewer, f.county)),
	}
	schoolList := srv + "/orgs/" + itoa(f.school.ID) + "/accountability"
	for name, b := range others {
		for _, u := range []string{list, schoolList, one, list + "/pick?q=" + url.QueryEscape("王")} {
			if g := b.get(t, u); g.status != 404 || strings.Contains(g.body, "王老师") {
				t.Errorf("%s GET %s = %d", name, u, g.status)
			}
		}
		for _, u := range []string{list, schoolList} {
			if g := b.post(t, u, good); g.status != 404 {
				t.Errorf("%s POST %s = %d", name, u, g.status)
			}
			if g := b.post(t, u, url.Values{"day": {"x"}}); g.status != 404 {
				t.Errorf("%s POST bad %s = %d", name, u, g.status)
			}
		}
	}
	if xs, _ := s.FindAccountabilities(ctx, campusguard.AccountabilityFilter{OrgID: f.county.ID}); len(xs) != 1 {
		t.Fatalf("records = %d after the others tried", len(xs))
	}

	// Re-inspection: the bureau flags the serious finding of the closed
	// visit on its page; the inspections page lists it as due; the
	// principal may not flag, and sees no button.
	visit := srv + "/visits/" + itoa(v.ID)
	vp := bureau.get(t, visit)
	sets := vp.all(t, testid("reinspect-form"))
	if vp.status != 200 || len(sets) != 1 {
		t.Fatalf("bureau GET visit = %d, %d flag forms", vp.status, len(sets))
	}
	if h := head.get(t, visit); h.status != 200 || len(h.all(t, testid("reinspect-form"))) != 0 {
		t.Fatalf("principal's visit page = %d, offers the flag", h.status)
	}
	flagURL := srv + attr(sets[0], "action")
	if r := head.post(t, flagURL, url.Values{"reinspect": {"true"}}); r.status != http.StatusForbidden {
		t.Fatalf("principal flags = %d", r.status)
	}
	plan := srv + "/orgs/" + itoa(f.county.ID) + "/inspections"
	if g := bureau.get(t, plan); len(g.all(t, testid("reinspection"))) != 0 {
		t.Fatal("a re-inspection is due before any flag")
	}
	if r := bureau.post(t, flagURL, url.Values{"reinspect": {"true"}}); r.status != http.StatusSeeOther {
		t.Fatalf("flag = %d %s", r.status, r.body)
	}
	g := bureau.get(t, plan)
	dueLines := g.all(t, testid("reinspection"))
	if len(dueLines) != 1 || attr(dueLines[0], "data-overdue") != "false" || len(g.all(t, testid("accountability-link"))) != 1 {
		t.Fatalf("inspections page: %d re-inspections due", len(dueLines))
	}
	if r := bureau.get(t, visit); len(r.all(t, testid("reinspect-clear"))) != 1 {
		t.Fatal("the flagged finding offers no way to clear it")
	}
}
