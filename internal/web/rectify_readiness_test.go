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

// TestRectifyReadinessPage: on the readiness review page a returned item
// offers the bureau, and only the bureau, a form that opens a
// rectification item from it; a past deadline is refused on the item;
// the new item links back to the review. On a school day and a day off.
func TestRectifyReadinessPage(t *testing.T) {
	for _, c := range []struct {
		name string
		now  time.Time
	}{
		{"school day", time.Date(2026, 12, 7, 9, 0, 0, 0, campusguard.China)},
		{"day off", time.Date(2026, 12, 6, 15, 0, 0, 0, campusguard.China)},
	} {
		t.Run(c.name, func(t *testing.T) {
			sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
				rectifyReadinessFlow(t, s, c.now)
			})
		})
	}
}

func rectifyReadinessFlow(t *testing.T, s *sqlstore.Store, now time.Time) {
	f := mustFixture(t, s)
	s.Now = func() time.Time { return now }
	today := campusguard.DateOf(now)
	srv := newServerWith(t, s, web.Config{Orgs: s, People: s, Access: s, Health: s, Inbox: s, Hooks: s, Settings: s,
		Cases: s, Alerts: s, Calendar: s, Dashboards: s, Policy: s, Transport: s, Export: s, Files: s, Readiness: s,
		Inspections: s, Logger: textLogger(testWriter{t}), Now: func() time.Time { return now }}).URL
	sch := f.school.ID
	rd, err := s.SchoolReadiness(ctx, sch)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range rd.Items {
		if err := s.AnswerItem(ctx, campusguard.Answer{SchoolID: sch, Code: it.Item.Code, State: campusguard.AnswerDone}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SubmitReadiness(ctx, sch); err != nil {
		t.Fatal(err)
	}
	code := rd.Items[0].Item.Code
	if err := s.ReviewItem(ctx, sch, code, campusguard.VerdictReturn, "晨检记录缺页"); err != nil {
		t.Fatal(err)
	}
	bureau := signIn(t, s, grant(campusguard.RegionAdmin, f.county))
	head := signIn(t, s, grant(campusguard.SchoolAdmin, f.school))
	page := srv + "/schools/" + itoa(sch) + "/readiness"

	p := bureau.get(t, page)
	forms := p.all(t, testid("rectify-form"))
	if p.status != 200 || len(forms) != 1 {
		t.Fatalf("bureau GET readiness = %d, %d rectify forms (one item returned)", p.status, len(forms))
	}
	if h := head.get(t, page); h.status != 200 || len(h.all(t, testid("rectify-form"))) != 0 {
		t.Fatalf("principal's readiness page = %d, offers the form", h.status)
	}
	action := srv + attr(forms[0], "action")
	if r := head.post(t, action, url.Values{"severity": {"minor"}, "deadline": {today.AddDays(3).String()}, "responsible": {"x"}}); r.status != http.StatusForbidden {
		t.Fatalf("principal posts = %d", r.status)
	}
	r := bureau.post(t, action, url.Values{"severity": {"serious"}, "deadline": {today.AddDays(-1).String()}, "responsible": {"李主任"}})
	if r.status != 422 || attr(find(t, r.doc, testid("rectify-deadline")), "aria-invalid") != "true" {
		t.Fatalf("a past deadline = %d", r.status)
	}
	if xs, _ := s.FindRectifications(ctx, campusguard.RectFilter{OrgID: sch}); len(xs) != 0 {
		t.Fatalf("a refused item was stored")
	}
	r = bureau.post(t, action, url.Values{"severity": {"serious"}, "deadline": {today.AddDays(3).String()}, "responsible": {"李主任"}})
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/rectifications/") {
		t.Fatalf("rectify = %d %s", r.status, r.body)
	}
	item := head.get(t, srv+r.header.Get("Location"))
	src := item.all(t, testid("rect-source"))
	if item.status != 200 || len(src) != 1 || attr(src[0], "href") != "/schools/"+itoa(sch)+"/readiness" ||
		!strings.Contains(item.body, "晨检记录缺页") || len(item.all(t, testid("rect-answer-form"))) != 1 {
		t.Fatalf("the principal's item page = %d %s", item.status, item.body)
	}
}
