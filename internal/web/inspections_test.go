package web_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
	"campusguard/internal/web"
)

// TestInspectionPages: the bureau's inspector plans an unannounced
// inspection, visits the school on a phone's form with a finding and its
// photo and closes the visit; the school, which saw nothing before, answers
// the item with evidence; the inspector returns it, then closes it; the
// coverage counts the school. Once on a school day and once on a day off
// (inspectors also go out on a Sunday).
func TestInspectionPages(t *testing.T) {
	for _, c := range []struct {
		name string
		now  time.Time
	}{
		{"school day", time.Date(2026, 12, 7, 9, 0, 0, 0, campusguard.China)},
		{"day off", time.Date(2026, 12, 6, 15, 0, 0, 0, campusguard.China)},
	} {
		t.Run(c.name, func(t *testing.T) {
			sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
				inspectionFlow(t, s, c.now)
			})
		})
	}
}

func inspectionFlow(t *testing.T, s *sqlstore.Store, now time.Time) {
	f := mustFixture(t, s)
	s.Now = func() time.Time { return now }
	today := campusguard.DateOf(now)
	srv := newServerWith(t, s, web.Config{Orgs: s, People: s, Access: s, Health: s, Inbox: s, Hooks: s, Settings: s,
		Cases: s, Alerts: s, Calendar: s, Dashboards: s, Policy: s, Transport: s, Export: s, Files: s, Readiness: s,
		Inspections: s, Logger: textLogger(testWriter{t}), Now: func() time.Time { return now }}).URL
	inspector := signIn(t, s, grant(campusguard.Inspector, f.county))
	head := signIn(t, s, grant(campusguard.SchoolAdmin, f.school))
	teacher := signIn(t, s, grant(campusguard.ClassTeacher, f.class1))
	plan := srv + "/orgs/" + itoa(f.county.ID) + "/inspections"

	if o := inspector.get(t, srv+"/orgs/"+itoa(f.county.ID)); len(o.all(t, testid("inspections-link"))) != 1 {
		t.Fatal("the county's page has no link to its inspections")
	}
	if o := head.get(t, srv+"/orgs/"+itoa(f.school.ID)); len(o.all(t, testid("rectifications-link"))) != 1 ||
		len(o.all(t, testid("inspections-link"))) != 0 {
		t.Fatal("the school's page links wrongly")
	}
	p := inspector.get(t, plan)
	if p.status != 200 || len(p.all(t, testid("inspection-form"))) != 1 || len(p.all(t, testid("coverage-row"))) != 1 {
		t.Fatalf("GET inspections = %d %s", p.status, p.body)
	}
	// Refused: no title, a period ending before it starts; nothing stored.
	r := inspector.post(t, plan, url.Values{"title": {""}, "from": {today.String()}, "to": {today.AddDays(-1).String()},
		"announced": {"false"}, "team": {"第一组"}, "members": {"王督学 | 教育"}})
	if r.status != 422 || attr(find(t, r.doc, testid("inspection-title")), "aria-invalid") != "true" ||
		attr(find(t, r.doc, testid("inspection-to")), "aria-invalid") != "true" {
		t.Fatalf("a bad plan = %d", r.status)
	}
	if ins, _ := s.FindInspections(ctx, campusguard.InspectionFilter{RegionID: f.county.ID}); len(ins) != 0 {
		t.Fatalf("a refused plan was stored")
	}
	r = inspector.post(t, plan, url.Values{"title": {"十二月暗访"}, "from": {today.String()}, "to": {today.AddDays(6).String()},
		"announced": {"false"}, "team": {"第一组"}, "members": {"王督学 | 教育\n李警官 | 公安"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("plan = %d %s", r.status, r.body)
	}
	ins, _ := s.FindInspections(ctx, campusguard.InspectionFilter{RegionID: f.county.ID})
	if len(ins) != 1 || ins[0].Announced || len(ins[0].Members) != 2 || ins[0].Members[1].Agency != campusguard.AgencyPolice {
		t.Fatalf("stored plan = %+v", ins)
	}
	addVisit := srv + "/inspections/" + itoa(ins[0].ID) + "/visits"
	if r := inspector.post(t, addVisit, url.Values{"school_id": {itoa(f.school.ID)}, "day": {today.AddDays(9).String()}}); r.status != 422 {
		t.Fatalf("a visit outside the period = %d", r.status)
	}
	if r := inspector.post(t, addVisit, url.Values{"school_id": {itoa(f.school.ID)}, "day": {today.String()}}); r.status != http.StatusSeeOther {
		t.Fatalf("add visit = %d %s", r.status, r.body)
	}
	vs, _ := s.FindVisits(ctx, campusguard.VisitFilter{RegionID: f.county.ID})
	if len(vs) != 1 {
		t.Fatalf("visits = %d", len(vs))
	}
	visit := srv + "/visits/" + itoa(vs[0].ID)

	// The school sees nothing of it.
	for name, b := range map[string]*browser{"principal": head, "teacher": teacher} {
		for _, u := range []string{visit, plan} {
			if g := b.get(t, u); g.status != 404 {
				t.Errorf("%s GET %s = %d before the visit is carried out", name, u, g.status)
			}
		}
	}
	if g := head.get(t, srv+"/orgs/"+itoa(f.school.ID)+"/rectifications"); g.status != 200 || len(g.all(t, testid("rect-item"))) != 0 {
		t.Errorf("principal's items = %d before the visit is carried out", g.status)
	}

	// The phone's form: a finding with a photo, every item, close.
	p = inspector.get(t, visit)
	if n := len(p.all(t, testid("result-form"))); p.status != 200 || n != len(campusguard.DefaultInspectionChecklist()) {
		t.Fatalf("GET visit = %d, %d result forms", p.status, n)
	}
	r = inspector.postAnswer(t, visit+"/findings", url.Values{"note": {"留观室堆放杂物"}}, "留观室.png", "image/png", photoPNG(t))
	if r.status != 422 || attr(find(t, r.doc, testid("finding-note")), "aria-invalid") == "true" {
		t.Fatalf("a finding without severity = %d", r.status)
	}
	r = inspector.postAnswer(t, visit+"/findings", url.Values{"code": {"H1"}, "severity": {"critical"}, "note": {"留观室堆放杂物"},
		"deadline": {today.AddDays(3).String()}, "responsible": {"林校长"}, "reinspect": {"true"}}, "留观室.png", "image/png", photoPNG(t))
	if r.status != http.StatusSeeOther {
		t.Fatalf("finding = %d %s", r.status, r.body)
	}
	// The photo is the region's: the school cannot open it by its id
	// while the visit is unannounced and not carried out.
	saved, err := s.FindVisit(ctx, vs[0].ID)
	if err != nil || len(saved.FindingList) != 1 || len(saved.FindingList[0].FileIDs) != 1 {
		t.Fatalf("the saved finding: %+v, %v", saved, err)
	}
	photoURL := srv + "/files/" + itoa(saved.FindingList[0].FileIDs[0])
	if fl, err := s.FindFile(ctx, saved.FindingList[0].FileIDs[0]); err != nil || fl.OrgID != f.county.ID {
		t.Fatalf("the finding's photo = %+v, %v; want the region's", fl, err)
	}
	if r := head.get(t, photoURL+"/thumb"); r.status != http.StatusNotFound {
		t.Fatalf("principal GET the photo of a hidden visit = %d", r.status)
	}
	if r := inspector.post(t, visit+"/close", nil); r.status != 422 {
		t.Fatalf("closing with items unchecked = %d", r.status)
	}
	for _, it := range campusguard.DefaultInspectionChecklist() {
		if r := inspector.post(t, visit+"/results/"+it.Code, url.Values{"result": {"pass"}}); r.status != http.StatusSeeOther {
			t.Fatalf("result %s = %d", it.Code, r.status)
		}
	}
	if r := inspector.post(t, visit+"/close", url.Values{"note": {"检查完毕"}}); r.status != http.StatusSeeOther {
		t.Fatalf("close = %d %s", r.status, r.body)
	}

	// Carried out: the school sees the visit, its photo and its item.
	p = head.get(t, visit)
	if p.status != 200 || len(p.all(t, testid("finding-thumb"))) != 1 || len(p.all(t, testid("result-form"))) != 0 ||
		len(p.all(t, testid("visit-closed"))) != 1 {
		t.Fatalf("principal GET visit = %d", p.status)
	}
	if r := head.get(t, photoURL+"/thumb"); r.status != http.StatusOK {
		t.Fatalf("principal GET the photo once the visit is carried out = %d", r.status)
	}
	items := head.get(t, srv+"/orgs/"+itoa(f.school.ID)+"/rectifications")
	if len(items.all(t, testid("rect-item"))) != 1 || len(items.all(t, testid("rect-answer-form"))) != 1 {
		t.Fatalf("principal's items page = %d %s", items.status, items.body)
	}
	list, _ := s.FindRectifications(ctx, campusguard.RectFilter{OrgID: f.school.ID})
	item := srv + "/rectifications/" + itoa(list[0].ID)
	if r := head.postAnswer(t, item+"/answer", url.Values{"note": {""}}, "", "", nil); r.status != 422 ||
		attr(find(t, r.doc, testid("rect-note")), "aria-invalid") != "true" {
		t.Fatalf("an empty answer = %d", r.status)
	}
	if r := head.postAnswer(t, item+"/answer", url.Values{"note": {"已清理杂物"}}, "整改后.png", "image/png", photoPNG(t)); r.status != http.StatusSeeOther {
		t.Fatalf("answer = %d %s", r.status, r.body)
	}
	if r := inspector.post(t, item+"/verify", url.Values{"verdict": {"return"}}); r.status != 422 {
		t.Fatalf("return without comment = %d", r.status)
	}
	if r := head.post(t, item+"/verify", url.Values{"verdict": {"accept"}}); r.status != 403 {
		t.Fatalf("a principal verifies = %d", r.status)
	}
	inspector.post(t, item+"/verify", url.Values{"verdict": {"return"}, "comment": {"照片不清楚"}})
	head.postAnswer(t, item+"/answer", url.Values{"note": {"重新拍照"}}, "", "", nil)
	inspector.post(t, item+"/verify", url.Values{"verdict": {"accept"}})
	p = head.get(t, item)
	if attr(find(t, p.doc, testid("rect-item")), "data-state") != "closed" || len(p.all(t, testid("rect-thumb"))) != 1 ||
		len(p.all(t, `[data-testid="rect-history"] > li`)) != 5 {
		t.Fatalf("the item after closing: %s", p.body)
	}

	// Coverage: the school inspected, unannounced.
	p = inspector.get(t, plan)
	tot := find(t, p.doc, testid("coverage-totals"))
	if attr(tot, "data-inspected") != "1" || attr(tot, "data-unannounced") != "1" || attr(tot, "data-not-inspected") != "0" {
		t.Fatalf("coverage = %v", tot.Attr)
	}
	for _, lang := range []string{"en", "zh-Hant"} {
		if g := inspector.get(t, plan+"?lang="+lang); g.status != 200 {
			t.Errorf("GET inspections in %s = %d", lang, g.status)
		}
	}
}
