package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// today is the school day the pages record checks on.
func today() campusguard.Date {
	return campusguard.Today(time.Now())
}

// countChecks counts every stored version of the filter's checks.
func countChecks(t *testing.T, s *sqlstore.Store, f campusguard.CheckFilter) int {
	t.Helper()
	f.History = true
	_, n, err := s.FindChecks(ctx, f)
	if err != nil {
		t.Fatalf("FindChecks = %v", err)
	}
	return n
}

func TestHomeReport(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		srv := newServer(t, s)
		guardian := mustGuardian(t, s, f.class1, f.student.ID, "13805967777")
		report := func(id int64) string { return srv.URL + "/people/" + itoa(id) + "/home-report" }

		// Who may open the form.
		staffUser := &campusguard.User{Login: "staff-own", Name: "王老师", PersonID: &f.teacher.ID,
			Grants: []campusguard.Grant{grant(campusguard.StaffMember, f.school)}}
		if err := s.CreateUser(ctx, staffUser, sqlstoretest.Password); err != nil {
			t.Fatal(err)
		}
		gate := signIn(t, s, grant(campusguard.GateStaff, f.school))
		access := []struct {
			name   string
			who    *browser
			id     int64
			status int
		}{
			{"guardian, own child", guardian, f.student.ID, http.StatusOK},
			{"guardian, another child", guardian, f.student2.ID, http.StatusNotFound},
			{"class teacher for a family", signIn(t, s, grant(campusguard.ClassTeacher, f.class1)), f.student2.ID, http.StatusOK},
			{"staff member for themself", sessionOf(t, s, staffUser), f.teacher.ID, http.StatusOK},
			{"gate staff", gate, f.student.ID, http.StatusForbidden},
			{"another county's admin", signIn(t, s, grant(campusguard.RegionAdmin, f.other)), f.student.ID, http.StatusNotFound},
		}
		for _, tt := range access {
			if p := tt.who.get(t, report(tt.id)); p.status != tt.status {
				t.Errorf("%s: GET home report = %d, want %d", tt.name, p.status, tt.status)
			}
		}

		// The guardian's home links each child to the form.
		home := guardian.get(t, srv.URL+"/")
		if links := home.all(t, testid("child-report")); len(links) != 1 || attr(links[0], "href") != "/people/"+itoa(f.student.ID)+"/home-report" {
			t.Errorf("home page report links = %d, want one to the child's form", len(links))
		}

		p := guardian.get(t, report(f.student.ID))
		if got := p.text(t, testid("report-name")); got != "陈小明" {
			t.Errorf("report name = %q", got)
		}
		if n := len(p.all(t, `input[type="checkbox"][name="symptom"]`)); n != len(campusguard.Symptoms) {
			t.Errorf("symptom chips = %d, want %d", n, len(campusguard.Symptoms))
		}
		if n := len(p.all(t, `input[type="radio"][name="health_code"]`)); n != 3 {
			t.Errorf("health code radios = %d, want 3", n)
		}
		if got := attr(find(t, p.doc, testid("temperature")), "inputmode"); got != "decimal" {
			t.Errorf("temperature inputmode = %q, want decimal", got)
		}
		key := attr(find(t, p.doc, testid("client-key")), "value")
		if len(key) < 16 {
			t.Fatalf("client key = %q, want a random key", key)
		}
		if again := attr(find(t, guardian.get(t, report(f.student.ID)).doc, testid("client-key")), "value"); again == key {
			t.Errorf("two page loads share the client key %q", key)
		}

		mine := campusguard.CheckFilter{PersonID: &f.student.ID}
		// A bad reading stores nothing and shows the form again.
		bad := guardian.post(t, report(f.student.ID), url.Values{"client_key": {key}, "temperature": {"45.0"}})
		if bad.status != http.StatusUnprocessableEntity {
			t.Fatalf("POST 45.0 = %d, want 422", bad.status)
		}
		if got := bad.text(t, testid("field-error")); !strings.Contains(got, "体温") || !strings.Contains(got, "34") {
			t.Errorf("field error = %q, want the temperature range", got)
		}
		if attr(find(t, bad.doc, testid("temperature")), "aria-invalid") != "true" {
			t.Errorf("the temperature input is not marked invalid")
		}
		if got := attr(find(t, bad.doc, testid("client-key")), "value"); got != key {
			t.Errorf("client key after a refusal = %q, want %q kept", got, key)
		}
		if n := countChecks(t, s, mine); n != 0 {
			t.Fatalf("checks after a bad reading = %d, want 0", n)
		}

		form := url.Values{"client_key": {key}, "temperature": {"37.5"}, "symptom": {"cough", "sore_throat"},
			"health_code": {"green"}, "household_unwell": {"1"}}
		done := guardian.post(t, report(f.student.ID), form)
		if done.status != http.StatusOK {
			t.Fatalf("POST report = %d:\n%s", done.status, done.body)
		}
		if got := done.text(t, testid("report-notified")); !strings.Contains(got, "班主任和校医在班级页面上已能看到") {
			t.Errorf("abnormal notice = %q", got)
		}
		if n := countChecks(t, s, mine); n != 1 {
			t.Fatalf("checks after a report = %d, want 1", n)
		}
		// A double tap or a retry sends the same key: nothing more is stored.
		if again := guardian.post(t, report(f.student.ID), form); again.status != http.StatusOK || len(again.all(t, testid("report-done"))) != 1 {
			t.Errorf("resubmit = %d, want the confirmation again", again.status)
		}
		if n := countChecks(t, s, mine); n != 1 {
			t.Errorf("checks after a resubmit = %d, want 1", n)
		}
		cs, _, _ := s.FindChecks(ctx, mine)
		if c := cs[0]; c.Kind != campusguard.HomeCheck || *c.Temperature != 37.5 || !c.Fever || !c.HouseholdUnwell ||
			len(c.Symptoms) != 2 || c.HealthCode != campusguard.CodeGreen || c.Day != today() {
			t.Errorf("stored check = %+v", c)
		}
		// A normal report says so, without the notice.
		ok := guardian.post(t, report(f.student.ID), url.Values{"client_key": {"another-load-key"}, "temperature": {"36.6"}})
		if ok.status != http.StatusOK || len(ok.all(t, testid("report-notified"))) != 0 {
			t.Errorf("normal report = %d, notice shown %v", ok.status, len(ok.all(t, testid("report-notified"))) != 0)
		}

		// The file lists the checks, newest first.
		file := guardian.get(t, srv.URL+"/people/"+itoa(f.student.ID))
		rows := file.all(t, testid("check-row"))
		if len(rows) != 1 { // the correction superseded the first report
			t.Fatalf("check rows = %d, want 1", len(rows))
		}
		if got := nodeText(find(t, rows[0], testid("check-temp"))); got != "36.6 °C" {
			t.Errorf("check temperature = %q", got)
		}
		// The gate staff's post is refused too.
		if p := gate.post(t, report(f.student.ID), url.Values{"client_key": {"gk"}, "temperature": {"36.5"}}); p.status != http.StatusForbidden {
			t.Errorf("gate staff POST = %d, want 403", p.status)
		}
	})
}

func TestClassCheck(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		srv := newServer(t, s)
		teacher := signIn(t, s, grant(campusguard.ClassTeacher, f.class1))
		page := srv.URL + "/orgs/" + itoa(f.class1.ID) + "/checks?kind=morning"

		// The class page shows an empty figures card until the day opens.
		cls := teacher.get(t, srv.URL+"/orgs/"+itoa(f.class1.ID))
		if len(cls.all(t, testid("figures-none"))) != 1 {
			t.Errorf("class page without figures lacks the empty state")
		}
		if got := attr(find(t, cls.doc, testid("class-check-link")), "href"); got != "/orgs/"+itoa(f.class1.ID)+"/checks?kind=morning" {
			t.Errorf("class check link = %q", got)
		}
		if err := s.OpenDay(ctx, f.county.ID, today()); err != nil {
			t.Fatal(err)
		}

		for _, tt := range []struct {
			name   string
			who    *browser
			url    string
			status int
		}{
			{"gate staff", signIn(t, s, grant(campusguard.GateStaff, f.school)), page, http.StatusForbidden},
			{"another class's teacher", signIn(t, s, grant(campusguard.ClassTeacher, f.class2)), page, http.StatusNotFound},
			{"a school is no class", signIn(t, s, grant(campusguard.SchoolAdmin, f.school)), srv.URL + "/orgs/" + itoa(f.school.ID) + "/checks", http.StatusNotFound},
		} {
			if p := tt.who.get(t, tt.url); p.status != tt.status {
				t.Errorf("%s: GET = %d, want %d", tt.name, p.status, tt.status)
			}
		}

		p := teacher.get(t, page)
		if p.status != http.StatusOK {
			t.Fatalf("GET class check = %d", p.status)
		}
		rows := p.all(t, testid("check-student"))
		if len(rows) != 2 {
			t.Fatalf("rows = %d, want 2", len(rows))
		}
		for _, r := range rows {
			if !hasAttr(find(t, r, testid("att-present")), "checked") {
				t.Errorf("a row does not default to present")
			}
		}
		nonce := attr(find(t, p.doc, `input[name="nonce"]`), "value")
		sid, sid2 := itoa(f.student.ID), itoa(f.student2.ID)

		// An absence needs a reason: nothing is stored without one.
		bad := teacher.post(t, page, url.Values{"nonce": {nonce}, "att_" + sid: {"absent"}})
		if bad.status != http.StatusUnprocessableEntity || !strings.Contains(bad.text(t, testid("field-error")), "陈小明") {
			t.Fatalf("absent without a reason = %d:\n%s", bad.status, bad.body)
		}
		morning := campusguard.MorningCheck
		day := today()
		all := campusguard.CheckFilter{ClassID: &f.class1.ID, Day: &day, Kind: &morning}
		if n := countChecks(t, s, all); n != 0 {
			t.Fatalf("checks after a refused submit = %d", n)
		}

		form := url.Values{"nonce": {nonce}, "att_" + sid: {"absent"}, "reason_" + sid: {"illness"}, "temp_" + sid2: {"36.8"}}
		done := teacher.post(t, page, form)
		if done.status != http.StatusSeeOther || !strings.Contains(done.header.Get("Location"), "saved=2") {
			t.Fatalf("POST class check = %d %q:\n%s", done.status, done.header.Get("Location"), done.body)
		}
		cs, _, _ := s.FindChecks(ctx, all)
		got := map[int64]*campusguard.Check{}
		for _, c := range cs {
			got[c.PersonID] = c
		}
		if c := got[f.student.ID]; c == nil || c.Attendance != campusguard.Absent || c.AbsenceReason != campusguard.AbsentIll {
			t.Errorf("student's check = %+v, want absent for illness", c)
		}
		if c := got[f.student2.ID]; c == nil || c.Attendance != campusguard.Present || c.Temperature == nil || *c.Temperature != 36.8 {
			t.Errorf("student2's check = %+v, want present at 36.8", c)
		}
		// The same page sent again records nothing twice.
		if again := teacher.post(t, page, form); again.status != http.StatusSeeOther {
			t.Errorf("resubmit = %d", again.status)
		}
		if n := countChecks(t, s, all); n != 2 {
			t.Errorf("checks after a resubmit = %d, want 2", n)
		}

		p = teacher.get(t, page+"&saved=2")
		if got := p.text(t, testid("checked-count")); got != "今日已检 2 / 2 人" {
			t.Errorf("checked count = %q", got)
		}
		if got := p.texts(t, testid("check-recorded")); len(got) != 2 || !strings.Contains(got[0]+got[1], "病假") {
			t.Errorf("recorded = %q", got)
		}
		if len(p.all(t, testid("notice"))) != 1 {
			t.Errorf("no saved notice")
		}

		// The class's figures count the day.
		cls = teacher.get(t, srv.URL+"/orgs/"+itoa(f.class1.ID))
		for id, want := range map[string]string{"fig-expected": "2", "fig-reported": "1", "fig-missing": "1",
			"fig-absent": "1", "fig-ill-absent": "1", "fig-fever": "0"} {
			if got := cls.text(t, testid(id)); got != want {
				t.Errorf("%s = %q, want %q", id, got, want)
			}
		}
	})
}

// hasAttr reports whether n carries the attribute key, empty or not.
func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

func TestGate(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		srv := newServer(t, s)
		gate := signIn(t, s, grant(campusguard.GateStaff, f.school))
		page := srv.URL + "/orgs/" + itoa(f.school.ID) + "/gate"

		admin := signIn(t, s, grant(campusguard.SchoolAdmin, f.school))
		school := admin.get(t, srv.URL+"/orgs/"+itoa(f.school.ID))
		if len(school.all(t, testid("figures-none"))) != 1 || attr(find(t, school.doc, testid("gate-link")), "href") != "/orgs/"+itoa(f.school.ID)+"/gate" {
			t.Errorf("school page: want the empty figures card with the gate link")
		}
		if err := s.OpenDay(ctx, f.county.ID, today()); err != nil {
			t.Fatal(err)
		}

		for _, tt := range []struct {
			name   string
			who    *browser
			url    string
			status int
		}{
			{"region viewer: reads, records nothing", signIn(t, s, grant(campusguard.RegionViewer, f.county)), page, http.StatusForbidden},
			{"class teacher: no school in scope", signIn(t, s, grant(campusguard.ClassTeacher, f.class1)), page, http.StatusNotFound},
			{"a class is no school", gate, srv.URL + "/orgs/" + itoa(f.class1.ID) + "/gate", http.StatusNotFound},
			{"another county's gate", signIn(t, s, grant(campusguard.RegionAdmin, f.other)), page, http.StatusNotFound},
		} {
			if p := tt.who.get(t, tt.url); p.status != tt.status {
				t.Errorf("%s: GET = %d, want %d", tt.name, p.status, tt.status)
			}
		}

		p := gate.get(t, page)
		if p.status != http.StatusOK {
			t.Fatalf("GET gate = %d", p.status)
		}
		search := find(t, p.doc, testid("gate-search"))
		if !strings.Contains(attr(search, "hx-get"), "/gate") {
			t.Errorf("search box does not search live")
		}
		key := attr(find(t, p.doc, testid("client-key")), "value")

		res := gate.get(t, page+"?q=S001", "HX-Request: true")
		if got := res.texts(t, testid("gate-pick-name")); len(got) != 1 || got[0] != "陈小明" {
			t.Errorf("search S001 = %q", got)
		}
		if got := gate.get(t, page+"?q="+url.QueryEscape("林"), "HX-Request: true").texts(t, testid("gate-pick-name")); len(got) != 1 || got[0] != "林小红" {
			t.Errorf("search 林 = %q", got)
		}

		form := url.Values{"client_key": {key}, "person_id": {itoa(f.student.ID)}, "temperature": {"38.2"}}
		done := gate.post(t, page, form)
		if done.status != http.StatusOK {
			t.Fatalf("POST gate = %d:\n%s", done.status, done.body)
		}
		result := find(t, done.doc, testid("gate-result"))
		if !strings.Contains(attr(result, "class"), "fever") || !strings.Contains(nodeText(result), "38.2") {
			t.Errorf("gate result = %q class %q, want a fever in red", nodeText(result), attr(result, "class"))
		}
		if attr(find(t, done.doc, testid("client-key")), "value") == key {
			t.Errorf("the next in the queue gets the same client key")
		}
		if attr(find(t, done.doc, testid("gate-search")), "value") != "" {
			t.Errorf("the search box is not cleared for the next")
		}
		gateKind := campusguard.GateCheck
		mine := campusguard.CheckFilter{PersonID: &f.student.ID, Kind: &gateKind}
		gate.post(t, page, form) // a retry
		if n := countChecks(t, s, mine); n != 1 {
			t.Errorf("gate checks = %d, want 1", n)
		}
		if bad := gate.post(t, page, url.Values{"client_key": {"k2"}, "person_id": {itoa(f.student.ID)}, "temperature": {"45"}}); bad.status != http.StatusUnprocessableEntity {
			t.Errorf("POST 45 = %d, want 422", bad.status)
		}
		if n := countChecks(t, s, mine); n != 1 {
			t.Errorf("gate checks after a bad reading = %d, want 1", n)
		}

		school = admin.get(t, srv.URL+"/orgs/"+itoa(f.school.ID))
		for id, want := range map[string]string{"fig-expected": "2", "fig-reported": "1", "fig-missing": "1",
			"fig-abnormal": "1", "fig-fever": "1", "fig-absent": "0"} {
			if got := school.text(t, testid(id)); got != want {
				t.Errorf("%s = %q, want %q", id, got, want)
			}
		}
	})
}
