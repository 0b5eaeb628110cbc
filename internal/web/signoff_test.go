package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

func TestSignOff(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		srv := newServer(t, s)
		school2 := &campusguard.Org{Kind: campusguard.KindSchool, SchoolType: campusguard.Primary, Name: "云陵第二小学",
			Code: "35062202", ParentID: &f.town.ID}
		if err := s.CreateOrg(ctx, school2); err != nil {
			t.Fatal(err)
		}
		schoolURL := srv.URL + "/orgs/" + itoa(f.school.ID)
		action := schoolURL + "/signoff"

		// Before: the region lists both schools unsigned.
		viewer := signIn(t, s, grant(campusguard.RegionViewer, f.county))
		region := viewer.get(t, srv.URL+"/orgs/"+itoa(f.county.ID))
		if got := region.text(t, testid("signoff-count")); got != "已签发 0 / 2" {
			t.Errorf("region sign-off count before = %q", got)
		}
		if len(region.all(t, testid("unsigned-school"))) != 2 {
			t.Errorf("region before: want both schools unsigned")
		}
		if len(region.all(t, testid("signoff-form"))) != 0 {
			t.Errorf("region page carries a sign-off form")
		}

		// The principal sees the form on the school page and signs off.
		principal := signIn(t, s, grant(campusguard.SchoolAdmin, f.school))
		page := principal.get(t, schoolURL)
		if len(page.all(t, testid("signoff-pending"))) != 1 {
			t.Errorf("school page before: want the pending notice")
		}
		if attr(find(t, page.doc, testid("signoff-form")), "action") != "/orgs/"+itoa(f.school.ID)+"/signoff" {
			t.Errorf("school page: the sign-off form posts elsewhere")
		}
		if p := principal.post(t, action, url.Values{"note": {"零报告"}}); p.status != http.StatusSeeOther ||
			p.header.Get("Location") != "/orgs/"+itoa(f.school.ID) {
			t.Fatalf("sign off = %d to %q, want 303 back to the school", p.status, p.header.Get("Location"))
		}
		page = principal.get(t, schoolURL)
		done := page.text(t, testid("signoff-done"))
		if !regexp.MustCompile(`^今日已由 .+ 于 \d\d:\d\d 签发 零报告$`).MatchString(done) || !strings.Contains(done, principal.user.Name) {
			t.Errorf("signed off = %q", done)
		}
		if got := page.text(t, testid("signoff-note")); got != "零报告" {
			t.Errorf("note = %q", got)
		}

		// The region lists the unsigned school, not the signed one.
		region = viewer.get(t, srv.URL+"/orgs/"+itoa(f.county.ID))
		if got := region.text(t, testid("signoff-count")); got != "已签发 1 / 2" {
			t.Errorf("region sign-off count = %q", got)
		}
		if got := region.texts(t, testid("unsigned-school")); len(got) != 1 || got[0] != school2.Name {
			t.Errorf("unsigned schools = %q, want only %s", got, school2.Name)
		}
		// The report is in the reader's language, the page's.
		if links := region.all(t, testid("report-xlsx")); len(links) != 1 || attr(links[0], "href") != "/api/v1/orgs/"+itoa(f.county.ID)+"/daily-report.xlsx?lang=zh-Hans" {
			t.Errorf("daily report links = %d, want one to the county's report in zh-Hans", len(links))
		}

		// Gate staff may not sign off; another school's principal does not
		// see this school.
		gate := signIn(t, s, grant(campusguard.GateStaff, f.school))
		if len(gate.get(t, schoolURL).all(t, testid("signoff-form"))) != 0 {
			t.Errorf("gate staff see the sign-off form")
		}
		if p := gate.post(t, action, url.Values{"note": {"x"}}); p.status != http.StatusForbidden {
			t.Errorf("gate staff sign off = %d, want 403", p.status)
		}
		other := signIn(t, s, grant(campusguard.SchoolAdmin, school2))
		if p := other.post(t, action, url.Values{"note": {"x"}}); p.status != http.StatusNotFound {
			t.Errorf("another school's principal sign off = %d, want 404", p.status)
		}
		// Without the CSRF token the post is refused.
		if p := principal.post(t, action, url.Values{"csrf": {"bad"}}); p.status != http.StatusForbidden {
			t.Errorf("sign off without CSRF = %d, want 403", p.status)
		}
	})
}
