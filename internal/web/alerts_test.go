package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// mustClassAlert opens a third fever case in class 1 beside the fixture's
// two students', all with onset today, and runs the county's detection as
// the program: the one-day class cluster raises an alert, which it returns.
// It also writes three weeks of the class's fever counts, so that the alert
// has a series to chart.
func mustClassAlert(t *testing.T, s *sqlstore.Store, f *fixture) *campusguard.Alert {
	t.Helper()
	third := &campusguard.Person{SchoolID: f.school.ID, Kind: campusguard.Student, Name: "张小华", Number: "S003",
		ClassID: &f.class1.ID}
	if err := s.CreatePerson(ctx, third); err != nil {
		t.Fatal(err)
	}
	for _, p := range []*campusguard.Person{f.student, f.student2, third} {
		mustCase(t, s, p.ID, "")
	}
	if _, _, err := s.DetectAlerts(ctx, f.county.ID, today()); err != nil {
		t.Fatalf("DetectAlerts = %v", err)
	}
	rule := campusguard.RuleClassDay
	alerts, _, err := s.FindAlerts(ctx, campusguard.AlertFilter{Rule: &rule})
	if err != nil || len(alerts) != 1 {
		t.Fatalf("FindAlerts(class_day) = %d alerts, %v; want 1", len(alerts), err)
	}
	for i := 1; i <= 21; i++ {
		d := today().AddDays(-i)
		if _, err := s.WriteDB().Exec(`INSERT INTO rollups (region_id, org_id, day, expected, fever) VALUES ($1, $2, $3, 100, 0)`,
			f.county.ID, f.county.ID, d); err != nil {
			t.Fatal(err)
		}
		if _, err := s.WriteDB().Exec(`INSERT INTO rollups (region_id, org_id, day, expected, fever) VALUES ($1, $2, $3, 40, $4)`,
			f.county.ID, f.class1.ID, d, i%3); err != nil {
			t.Fatal(err)
		}
	}
	return alerts[0]
}

// TestAlertList: the alerts of a school, a region and everywhere the reader
// sees, with their filters, and the counts on the school and region pages.
func TestAlertList(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		srv := newServer(t, s)
		officer := signIn(t, s, grant(campusguard.HealthOffice, f.school))
		list := srv.URL + "/orgs/" + itoa(f.school.ID) + "/alerts"

		// Before any alert: an empty list says so, the count is 0.
		if got := officer.get(t, list).text(t, testid("alerts-none")); got != "没有未关闭的预警" {
			t.Errorf("empty list = %q", got)
		}
		if got := officer.get(t, srv.URL+"/orgs/"+itoa(f.school.ID)).text(t, testid("alerts-open")); got != "0" {
			t.Errorf("open alerts before any = %s", got)
		}

		al := mustClassAlert(t, s, f)
		p := officer.get(t, list)
		if p.status != http.StatusOK {
			t.Fatalf("GET alerts = %d:\n%s", p.status, p.body)
		}
		rows := p.all(t, testid("alert-row"))
		if len(rows) != 1 {
			t.Fatalf("open alerts = %v, want 1", p.texts(t, testid("alert-row")))
		}
		for sel, want := range map[string]string{
			"alert-link":   "同班（宿舍）单日聚集",
			"alert-state":  "新预警",
			"alert-node":   "一年级1班",
			"alert-signal": "发热",
			"alert-first":  today().String(),
			"alert-last":   today().String(),
			"alert-days":   "1",
			"alert-count":  "3 / 3",
		} {
			if got := nodeText(find(t, rows[0], testid(sel))); got != want {
				t.Errorf("%s = %q, want %q", sel, got, want)
			}
		}
		if got := attr(find(t, rows[0], testid("alert-link")), "href"); got != "/alerts/"+itoa(al.ID) {
			t.Errorf("alert link = %q", got)
		}
		// The filters: by rule, by state, and all.
		if got := officer.get(t, list+"?rule=high_fever").all(t, testid("alert-row")); len(got) != 0 {
			t.Errorf("high fever alerts = %d, want 0", len(got))
		}
		if got := officer.get(t, list+"?rule=class_day").all(t, testid("alert-row")); len(got) != 1 {
			t.Errorf("class_day alerts = %d, want 1", len(got))
		}
		if got := officer.get(t, list+"?state=closed").text(t, testid("alerts-none")); got != "没有预警" {
			t.Errorf("closed alerts = %q", got)
		}
		if got := officer.get(t, list+"?filter=all").all(t, testid("alert-row")); len(got) != 1 {
			t.Errorf("all alerts = %d, want 1", len(got))
		}
		// Every alert the reader sees, and the link to them in the top bar.
		all := officer.get(t, srv.URL+"/alerts")
		if got := all.texts(t, testid("alert-node")); len(got) != 1 || got[0] != "云陵中心小学 一年级1班" {
			t.Errorf("/alerts = %v", got)
		}
		if got := attr(find(t, all.doc, testid("nav-alerts")), "href"); got != "/alerts" {
			t.Errorf("nav link = %q", got)
		}
		// The school's and the region's pages count the open alert.
		county := signIn(t, s, grant(campusguard.RegionAdmin, f.county))
		for _, c := range []struct {
			who *browser
			o   *campusguard.Org
		}{{officer, f.school}, {county, f.county}} {
			pg := c.who.get(t, srv.URL+"/orgs/"+itoa(c.o.ID))
			if got := pg.text(t, testid("alerts-open")); got != "1" {
				t.Errorf("%s: open alerts = %s, want 1", c.o.Name, got)
			}
			if got := attr(find(t, pg.doc, testid("alerts-open-link")), "href"); got != "/orgs/"+itoa(c.o.ID)+"/alerts" {
				t.Errorf("%s: alerts link = %q", c.o.Name, got)
			}
		}
		if got := county.get(t, srv.URL+"/orgs/"+itoa(f.county.ID)+"/alerts").texts(t, testid("alert-node")); len(got) != 1 {
			t.Errorf("region list = %v", got)
		}
		// Another county sees none.
		other := signIn(t, s, grant(campusguard.RegionAdmin, f.other))
		op := other.get(t, srv.URL+"/alerts")
		if got := op.all(t, testid("alert-row")); len(got) != 0 {
			t.Errorf("another county sees %d alerts", len(got))
		}
		if got := other.get(t, srv.URL+"/orgs/"+itoa(f.other.ID)).text(t, testid("alerts-open")); got != "0" {
			t.Errorf("another county's count = %s", got)
		}
	})
}

// TestAlertPage: the alert with its steps, the form for its one next
// state, the cases behind it, its chart's data and table, moves through
// the form, a refusal that changes nothing, and who may do what.
func TestAlertPage(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		srv := newServer(t, s)
		al := mustClassAlert(t, s, f)
		officer := signIn(t, s, grant(campusguard.HealthOffice, f.school))
		page := srv.URL + "/alerts/" + itoa(al.ID)
		move := page + "/transitions"

		p := officer.get(t, page)
		if p.status != http.StatusOK {
			t.Fatalf("GET alert = %d:\n%s", p.status, p.body)
		}
		if got := p.text(t, testid("alert-rule")); got != "同班（宿舍）单日聚集" {
			t.Errorf("rule = %q", got)
		}
		if got := p.text(t, testid("alert-state")); got != "新预警" {
			t.Errorf("state = %q", got)
		}
		if got := p.text(t, testid("alert-node")); got != "云陵中心小学 一年级1班" {
			t.Errorf("node = %q", got)
		}
		if steps := p.all(t, testid("progress-step")); len(steps) != len(campusguard.AlertStates) || attr(steps[0], "aria-current") != "step" {
			t.Errorf("progress: %d steps", len(steps))
		}
		if forms := p.all(t, testid("move-form")); len(forms) != 1 {
			t.Fatalf("move forms = %d, want 1", len(forms))
		}
		if got := attr(find(t, p.doc, testid("move-to")), "value"); got != "acknowledged" {
			t.Errorf("next state = %q, want acknowledged", got)
		}
		cases := p.all(t, testid("alert-case"))
		if len(cases) != 3 {
			t.Errorf("case links = %d, want 3", len(cases))
		}
		for i, n := range cases {
			if href := attr(n, "href"); href != "/cases/"+itoa(al.CaseIDs[i]) {
				t.Errorf("case link %d = %q", i, href)
			}
		}
		// The chart's data: the school days before today, as JSON the
		// script reads, and the same points in the table.
		var points []struct {
			Day   string   `json:"day"`
			Count float64  `json:"count"`
			Upper *float64 `json:"upper"`
			Alarm bool     `json:"alarm"`
		}
		raw := p.text(t, testid("alert-series-json"))

		if err := json.Unmarshal([]byte(raw), &points); err != nil {
			t.Fatalf("series JSON %q: %v", raw, err)
		}
		rows := p.texts(t, testid("series-day"))
		if len(points) < 8 || len(points) != len(rows) {
			t.Fatalf("series: %d points, %d table rows; want the weekdays of three weeks", len(points), len(rows))
		}
		last := points[len(points)-1]
		if d, _ := campusguard.ParseDate(last.Day); !d.Before(today()) {
			t.Errorf("last point = %s, want a school day before today", last.Day)
		}
		uppers := 0
		for i, pt := range points {
			if pt.Day != rows[i] {
				t.Errorf("point %d: %s in the JSON, %s in the table", i, pt.Day, rows[i])
			}
			if pt.Upper != nil {
				uppers++
			}
		}
		if uppers == 0 || points[0].Upper != nil {
			t.Errorf("upper bounds on %d days, first %v; want none on the first days and some later", uppers, points[0].Upper)
		}
		if src := attr(find(t, p.doc, testid("alert-chart")), "data-source"); src != attr(find(t, p.doc, testid("alert-series-json")), "id") {
			t.Errorf("chart reads %q", src)
		}
		if n := len(p.all(t, `script[src*="echarts.min.js"]`)); n != 1 {
			t.Errorf("echarts scripts = %d", n)
		}

		// Acknowledge through the form.
		done := officer.post(t, move, url.Values{"to": {"acknowledged"}, "note": {"已电话核实"}})
		if done.status != http.StatusSeeOther || done.header.Get("Location") != "/alerts/"+itoa(al.ID)+"?moved=1" {
			t.Fatalf("POST acknowledge = %d %q:\n%s", done.status, done.header.Get("Location"), done.body)
		}
		p = officer.get(t, page+"?moved=1")
		if got := p.text(t, testid("notice")); !strings.Contains(got, "已确认") {
			t.Errorf("notice = %q", got)
		}
		if got := p.texts(t, testid("step-note")); len(got) != 1 || got[0] != "已电话核实" {
			t.Errorf("step notes = %v", got)
		}
		if got := attr(find(t, p.doc, testid("move-to")), "value"); got != "investigated" {
			t.Errorf("next state = %q", got)
		}
		if _, err := s.MoveAlert(ctx, al.ID, campusguard.AlertMove{To: campusguard.AlertInvestigated}); err != nil {
			t.Fatal(err)
		}

		// Closing without a conclusion is refused and changes nothing.
		bad := officer.post(t, move, url.Values{"to": {"closed"}, "note": {"  "}})
		if bad.status != http.StatusUnprocessableEntity {
			t.Fatalf("POST close without a conclusion = %d", bad.status)
		}
		if got := bad.text(t, testid("field-error")); !strings.Contains(got, "结案须填写结论") {
			t.Errorf("error = %q", got)
		}
		if got := attr(find(t, bad.doc, testid("note")), "aria-invalid"); got != "true" {
			t.Errorf("the conclusion is not marked")
		}
		if got, _, _ := s.FindAlert(ctx, al.ID); got.State != campusguard.AlertInvestigated {
			t.Errorf("state after a refused close = %s", got.State)
		}
		// A skipped state is refused in the reader's language.
		skip := officer.post(t, srv.URL+"/alerts/"+itoa(al.ID)+"/transitions", url.Values{"to": {"acknowledged"}})
		if skip.status != http.StatusUnprocessableEntity || !strings.Contains(skip.text(t, testid("field-error")), "已调查") {
			t.Errorf("POST a past state = %d", skip.status)
		}
		done = officer.post(t, move, url.Values{"to": {"closed"}, "note": {"班级聚集性发热，已处置"}})
		if done.status != http.StatusSeeOther {
			t.Fatalf("POST close = %d:\n%s", done.status, done.body)
		}
		p = officer.get(t, page)
		if got := p.text(t, testid("alert-conclusion")); got != "班级聚集性发热，已处置" {
			t.Errorf("conclusion = %q", got)
		}
		if n := len(p.all(t, testid("move-form"))); n != 0 {
			t.Errorf("a closed alert has %d move forms", n)
		}

		// A class teacher reads the alert but may not move it.
		al2 := al.ID
		teacher := signIn(t, s, grant(campusguard.ClassTeacher, f.class1))
		tp := teacher.get(t, page)
		if tp.status != http.StatusOK || len(tp.all(t, testid("move-form"))) != 0 {
			t.Errorf("class teacher: %d, %d forms", tp.status, len(tp.all(t, testid("move-form"))))
		}
		if got := teacher.post(t, move, url.Values{"to": {"closed"}, "note": {"x"}}); got.status != http.StatusForbidden {
			t.Errorf("class teacher POST = %d, want 403", got.status)
		}
		// Another school sees nothing.
		school2 := &campusguard.Org{Kind: campusguard.KindSchool, SchoolType: campusguard.Primary, Name: "云陵二小", ParentID: &f.town.ID}
		if err := s.CreateOrg(ctx, school2); err != nil {
			t.Fatal(err)
		}
		stranger := signIn(t, s, grant(campusguard.HealthOffice, school2))
		if got := stranger.get(t, page); got.status != http.StatusNotFound {
			t.Errorf("other school GET = %d, want 404", got.status)
		}
		if got := stranger.post(t, move, url.Values{"to": {"closed"}, "note": {"x"}}); got.status != http.StatusNotFound {
			t.Errorf("other school POST = %d, want 404", got.status)
		}
		if got, _, _ := s.FindAlert(ctx, al2); got.State != campusguard.AlertClosed {
			t.Errorf("state = %s", got.State)
		}
	})
}

// TestAlertPageOpenForm: a principal of the school sees the form for a new
// alert; a region admin of the county too.
func TestAlertPageOpenForm(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		srv := newServer(t, s)
		al := mustClassAlert(t, s, f)
		for _, g := range []campusguard.Grant{grant(campusguard.SchoolAdmin, f.school), grant(campusguard.RegionAdmin, f.county)} {
			p := signIn(t, s, g).get(t, srv.URL+"/alerts/"+itoa(al.ID))
			if n := len(p.all(t, testid("move-form"))); p.status != http.StatusOK || n != 1 {
				t.Errorf("%s: %d, %d forms; want 200 and 1", g.Role, p.status, n)
			}
		}
	})
}

// TestRuleSettings: a region admin sets the county's alert rules on its
// settings page; a bad value shows the page again naming the field.
func TestRuleSettings(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		srv := newServer(t, s)
		admin := signIn(t, s, grant(campusguard.RegionAdmin, f.county))
		page := srv.URL + "/orgs/" + itoa(f.county.ID) + "/settings"

		p := admin.get(t, page)
		if p.status != http.StatusOK {
			t.Fatalf("GET settings = %d", p.status)
		}
		for field, want := range map[string]string{"day_min": "3", "window_days": "3", "window_min": "5", "high_fever": "39",
			"absence_rate": "5", "min_sigma": "0.5", "baseline": "7"} {
			if got := attr(find(t, p.doc, testid("rule-"+field)), "value"); got != want {
				t.Errorf("%s = %q, want %q", field, got, want)
			}
		}
		form := attr(find(t, p.doc, testid("rules-form")), "action")
		if form != "/orgs/"+itoa(f.county.ID)+"/settings/rules" {
			t.Fatalf("rules form action = %q", form)
		}
		good := url.Values{"day_min": {"4"}, "window_days": {"5"}, "window_min": {"6"}, "window_calendar": {"school"},
			"high_fever": {"39.5"}, "absence_rate": {"8"}, "epidemic_active": {"1"}, "method": {"C3"}, "min_sigma": {"0.2"},
			"baseline": {"10"}}
		bad := url.Values{}
		for k, v := range good {
			bad[k] = v
		}
		bad.Set("baseline", "99")
		bad.Set("window_min", "五")
		r := admin.post(t, srv.URL+form, bad)
		if r.status != http.StatusUnprocessableEntity {
			t.Fatalf("POST bad rules = %d:\n%s", r.status, r.body)
		}
		errs := strings.Join(r.texts(t, testid("field-error")), " | ")
		if !strings.Contains(errs, "连续天数内同班病例数") || !strings.Contains(errs, "应为整数") {
			t.Errorf("errors = %q, want window_min named", errs)
		}
		if got := attr(find(t, r.doc, testid("rule-window_min")), "aria-invalid"); got != "true" {
			t.Errorf("window_min not marked")
		}
		if got := attr(find(t, r.doc, testid("rule-baseline")), "value"); got != "99" {
			t.Errorf("baseline kept as %q", got)
		}
		bad.Set("window_min", "6")
		r = admin.post(t, srv.URL+form, bad)
		if errs := r.texts(t, testid("field-error")); r.status != http.StatusUnprocessableEntity || len(errs) != 1 ||
			!strings.Contains(errs[0], "基线天数") || !strings.Contains(errs[0], "3 到 28") {
			t.Errorf("POST baseline 99 = %d, %v", r.status, errs)
		}
		bad.Set("baseline", "10")
		bad.Set("absence_rate", "80")
		r = admin.post(t, srv.URL+form, bad)
		if errs := r.texts(t, testid("field-error")); len(errs) != 1 || !strings.Contains(errs[0], "1 到 50") {
			t.Errorf("POST absence 80%% = %v", errs)
		}
		if cfg, _ := s.RuleConfig(ctx, f.county.ID); cfg != campusguard.DefaultRuleConfig() {
			t.Errorf("refused settings changed the rules: %+v", cfg)
		}

		r = admin.post(t, srv.URL+form, good)
		if r.status != http.StatusSeeOther {
			t.Fatalf("POST rules = %d:\n%s", r.status, r.body)
		}
		want := campusguard.RuleConfig{DayMin: 4, WindowDays: 5, WindowMin: 6, CalendarDays: false, HighFever: 39.5,
			AbsenceRate: 0.08, EpidemicActive: true, Method: "C3", MinSigma: 0.2, Baseline: 10, Sensitivity: campusguard.SensitivityNormal}
		if cfg, err := s.RuleConfig(ctx, f.county.ID); err != nil || cfg != want {
			t.Errorf("RuleConfig = %+v, %v; want %+v", cfg, err, want)
		}
		p = admin.get(t, page+"?saved=1")
		if got := attr(find(t, p.doc, testid("rule-method")+" option[selected]"), "value"); got != "C3" {
			t.Errorf("method shown = %q", got)
		}
		if n := len(p.all(t, testid("rule-epidemic_active")+"[checked]")); n != 1 {
			t.Errorf("epidemic not checked")
		}
		if got := attr(find(t, p.doc, testid("rule-window_calendar")+` option[value="school"]`), "selected"); got == "" && len(p.all(t, testid("rule-window_calendar")+` option[value="school"][selected]`)) != 1 {
			t.Errorf("school days not selected")
		}
		// A principal may not set them.
		principal := signIn(t, s, grant(campusguard.SchoolAdmin, f.school))
		if got := principal.post(t, srv.URL+form, good); got.status != http.StatusNotFound && got.status != http.StatusForbidden {
			t.Errorf("principal POST = %d", got.status)
		}
	})
}
