package web_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
	"campusguard/internal/web"
)

// TestDirectivePages: the bureau sends a directive with an attachment to
// two schools of a town; one school's principal reads the attachment,
// acknowledges and reports completion with a photo on the phone's page;
// the bureau's page shows who has not and reminds them with one action.
// Once on a school day and once on a day off (directives go out on a
// Sunday too).
func TestDirectivePages(t *testing.T) {
	for _, c := range []struct {
		name string
		now  time.Time
	}{
		{"school day", time.Date(2026, 12, 7, 9, 0, 0, 0, campusguard.China)},
		{"day off", time.Date(2026, 12, 6, 15, 0, 0, 0, campusguard.China)},
	} {
		t.Run(c.name, func(t *testing.T) {
			sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
				directiveFlow(t, s, c.now)
			})
		})
	}
}

func directiveFlow(t *testing.T, s *sqlstore.Store, now time.Time) {
	f := mustFixture(t, s)
	s.Now = func() time.Time { return now }
	today := campusguard.DateOf(now)
	school2 := &campusguard.Org{Kind: campusguard.KindSchool, SchoolType: campusguard.Junior, Name: "云陵中学", ParentID: &f.town.ID}
	if err := s.CreateOrg(ctx, school2); err != nil {
		t.Fatal(err)
	}
	srv := newServerWith(t, s, web.Config{Orgs: s, People: s, Access: s, Health: s, Inbox: s, Hooks: s, Settings: s,
		Cases: s, Alerts: s, Calendar: s, Dashboards: s, Policy: s, Transport: s, Export: s, Files: s, Readiness: s,
		Inspections: s, Directives: s, Logger: textLogger(testWriter{t}), Now: func() time.Time { return now }}).URL
	bureau := signIn(t, s, grant(campusguard.RegionAdmin, f.county))
	head := signIn(t, s, grant(campusguard.SchoolAdmin, f.school))
	head2 := signIn(t, s, grant(campusguard.SchoolAdmin, school2))
	teacher := signIn(t, s, grant(campusguard.ClassTeacher, f.class1))
	list := srv + "/orgs/" + itoa(f.county.ID) + "/directives"

	if o := bureau.get(t, srv+"/orgs/"+itoa(f.county.ID)); len(o.all(t, testid("directives-link"))) != 1 {
		t.Fatal("the county's page has no link to its directives")
	}
	if o := head.get(t, srv+"/orgs/"+itoa(f.school.ID)); attr(find(t, o.doc, testid("directives-link")), "href") != "/schools/"+itoa(f.school.ID)+"/directives" {
		t.Fatal("the school's page has no link to its directives")
	}
	p := bureau.get(t, list)
	if p.status != 200 || len(p.all(t, testid("directive-form"))) != 1 || len(p.all(t, testid("no-directives"))) != 1 {
		t.Fatalf("GET directives = %d %s", p.status, p.body)
	}
	if g := head.get(t, list); g.status != 404 {
		t.Errorf("principal GET the county's directives = %d, want 404", g.status)
	}
	// Refused: a town without schools chosen as a list, a past deadline;
	// nothing stored, not even the attachment.
	r := bureau.postAnswer(t, list, url.Values{"title": {"校园消杀"}, "deadline": {today.AddDays(-1).String()}, "target": {"list"},
		"report_required": {"true"}}, "方案.png", "image/png", photoPNG(t))
	if r.status != 422 || attr(find(t, r.doc, testid("directive-deadline")), "aria-invalid") != "true" {
		t.Fatalf("a bad directive = %d %s", r.status, r.body)
	}
	if !strings.Contains(r.text(t, testid("form-error")), "截止") {
		t.Errorf("the error does not name the deadline: %q", r.text(t, testid("form-error")))
	}
	r = bureau.postAnswer(t, list, url.Values{"title": {"校园消杀"}, "deadline": {today.String()}, "target": {"list"}}, "", "", nil)
	if r.status != 422 || !strings.Contains(r.text(t, testid("form-error")), "学校") {
		t.Fatalf("a directive to no school = %d %q", r.status, r.text(t, testid("form-error")))
	}
	if ds, _ := s.FindDirectives(ctx, campusguard.DirectiveFilter{RegionID: f.county.ID}); len(ds) != 0 {
		t.Fatalf("a refused directive was stored: %+v", ds)
	}
	r = bureau.postAnswer(t, list, url.Values{"title": {"开展校园环境消杀"}, "text": {"请各校周五前完成消杀。"},
		"deadline": {today.AddDays(2).String()}, "target": {"town"}, "town_id": {itoa(f.town.ID)}, "report_required": {"true"}},
		"方案.png", "image/png", photoPNG(t))
	if r.status != http.StatusSeeOther {
		t.Fatalf("send = %d %s", r.status, r.body)
	}
	ds, _ := s.FindDirectives(ctx, campusguard.DirectiveFilter{RegionID: f.county.ID})
	if len(ds) != 1 || ds[0].Schools != 2 {
		t.Fatalf("stored directives = %+v", ds)
	}
	d, _ := s.FindDirective(ctx, ds[0].ID)
	if len(d.Files) != 1 {
		t.Fatalf("attachment = %+v", d.Files)
	}
	page := srv + "/directives/" + itoa(d.ID)
	file := srv + "/files/" + itoa(d.Files[0].ID)

	// The school: its list on a phone, the attachment, the answer.
	if g := teacher.get(t, page); g.status != 404 {
		t.Errorf("teacher GET directive = %d, want 404", g.status)
	}
	if g := teacher.get(t, file); g.status != 404 {
		t.Errorf("teacher GET attachment = %d, want 404", g.status)
	}
	mine := srv + "/schools/" + itoa(f.school.ID) + "/directives"
	g := head.get(t, mine)
	if g.status != 200 || len(g.all(t, testid("directive-card"))) != 1 || len(g.all(t, testid("directive-ack"))) != 1 {
		t.Fatalf("principal's directives = %d %s", g.status, g.body)
	}
	if g := head.get(t, file); g.status != 200 {
		t.Errorf("principal GET attachment = %d", g.status)
	}
	if g := head2.get(t, mine); g.status != 404 {
		t.Errorf("another school's principal GET the list = %d, want 404", g.status)
	}
	ack := srv + "/directives/" + itoa(d.ID) + "/acknowledge"
	if r := head2.post(t, ack, url.Values{"school_id": {itoa(f.school.ID)}}); r.status != 404 {
		t.Errorf("another school acknowledging = %d, want 404", r.status)
	}
	if r := head.post(t, ack, url.Values{"school_id": {itoa(f.school.ID)}}); r.status != http.StatusSeeOther {
		t.Fatalf("acknowledge = %d %s", r.status, r.body)
	}
	complete := srv + "/directives/" + itoa(d.ID) + "/complete?school_id=" + itoa(f.school.ID)
	if r := head.postAnswer(t, complete, url.Values{"note": {" "}}, "消杀.png", "image/png", photoPNG(t)); r.status != 422 {
		t.Fatalf("complete without a note = %d", r.status)
	}
	if r := head.postAnswer(t, complete, url.Values{"note": {"已完成全校消杀"}}, "消杀.png", "image/png", photoPNG(t)); r.status != http.StatusSeeOther {
		t.Fatalf("complete = %d %s", r.status, r.body)
	}
	g = head.get(t, page)
	if g.status != 200 || attr(find(t, g.doc, testid("directive-card")), "data-state") != "completed" ||
		len(g.all(t, testid("directive-complete"))) != 0 {
		t.Fatalf("principal's directive after completion = %d %s", g.status, g.body)
	}

	// The bureau: who has not, and the reminder.
	g = bureau.get(t, page)
	if g.status != 200 || len(g.all(t, testid("directive-row"))) != 2 {
		t.Fatalf("bureau's directive = %d %s", g.status, g.body)
	}
	if lag := g.texts(t, testid("laggard")); !slices.Equal(lag, []string{"云陵中学"}) {
		t.Errorf("who has not = %q, want 云陵中学", lag)
	}
	r = bureau.post(t, srv+"/directives/"+itoa(d.ID)+"/remind", nil)
	if r.status != http.StatusSeeOther {
		t.Fatalf("remind = %d", r.status)
	}
	n, _, err := s.Inbox(sqlstoretest.ActorCtx(t, s, head2.user), false, 0, 10)
	if err != nil || !slices.ContainsFunc(n, func(x *campusguard.Notification) bool { return x.Subject == "directive.inbox_reminder" }) {
		t.Errorf("school2's principal's inbox = %+v, %v; want a reminder", n, err)
	}
	if r := head.post(t, srv+"/directives/"+itoa(d.ID)+"/remind", nil); r.status != 403 {
		t.Errorf("principal reminding = %d, want 403", r.status)
	}
	// The dashboard's table: school2 has one directive unanswered.
	if g := bureau.get(t, srv+"/orgs/"+itoa(f.county.ID)+"/dashboard"); g.status != 200 ||
		!slices.Equal(g.texts(t, testid("row-directives")), []string{"1 项工作部署未响应"}) {
		t.Errorf("dashboard's directive notes = %q", g.texts(t, testid("row-directives")))
	}
	// Overdue, the day after the deadline, on school2's list only.
	now = now.AddDate(0, 0, 3) // the store's clock and the pages' both read now
	late := srv + "/schools/" + itoa(school2.ID) + "/directives?overdue=1"
	if g := head2.get(t, late); len(g.all(t, testid("directive-overdue"))) != 1 {
		t.Errorf("school2's overdue list: %s", g.body)
	}
}
