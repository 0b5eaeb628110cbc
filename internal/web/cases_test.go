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
)

// mustCase opens a case for the person by hand, as the program.
func mustCase(t *testing.T, s *sqlstore.Store, personID int64, note string) *campusguard.Case {
	t.Helper()
	k, err := s.OpenCase(ctx, campusguard.NewCase{PersonID: personID, OnsetDay: today(),
		Symptoms: []campusguard.Symptom{campusguard.SymFever}, Temperature: ptrF(38.4), Note: note})
	if err != nil {
		t.Fatalf("OpenCase = %v", err)
	}
	return k
}

// makeOverdue moves a case's report deadline into the past.
func makeOverdue(t *testing.T, s *sqlstore.Store, id int64) {
	t.Helper()
	if _, err := s.WriteDB().Exec(`UPDATE cases SET report_due = $1 WHERE id = $2`, time.Now().UTC().Add(-time.Hour), id); err != nil {
		t.Fatal(err)
	}
}

// moveAll moves a case along the given steps as the program.
func moveAll(t *testing.T, s *sqlstore.Store, id int64, steps ...campusguard.Transition) {
	t.Helper()
	for _, st := range steps {
		if _, err := s.MoveCase(ctx, id, st); err != nil {
			t.Fatalf("MoveCase(%s) = %v", st.To, err)
		}
	}
}

// caseStepsTo are the transitions that take a new case to its end.
var caseStepsTo = []campusguard.Transition{
	{To: campusguard.CaseReported},
	{To: campusguard.CaseIsolated, Isolation: campusguard.IsolationHome},
	{To: campusguard.CaseReferred},
	{To: campusguard.CaseOutcome, Outcome: campusguard.OutcomeRuledOut},
	{To: campusguard.CaseCleared, Certificate: "云医复字2026-001"},
	{To: campusguard.CaseClosed},
}

func caseSteps(t *testing.T, s *sqlstore.Store, id int64) (*campusguard.Case, []campusguard.CaseStep) {
	t.Helper()
	k, steps, err := s.FindCase(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return k, steps
}

// TestCaseList: a school's and a region's cases, open and overdue first,
// with their filters, and the counts on the school and region pages.
func TestCaseList(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		srv := newServer(t, s)
		open := mustCase(t, s, f.student.ID, "")
		makeOverdue(t, s, open.ID)
		closed := mustCase(t, s, f.student2.ID, "")
		moveAll(t, s, closed.ID, caseStepsTo...)
		officer := signIn(t, s, grant(campusguard.HealthOffice, f.school))
		list := srv.URL + "/orgs/" + itoa(f.school.ID) + "/cases"

		p := officer.get(t, list)
		if p.status != http.StatusOK {
			t.Fatalf("GET cases = %d:\n%s", p.status, p.body)
		}
		rows := p.all(t, testid("case-row"))
		if len(rows) != 1 || nodeText(find(t, rows[0], testid("case-link"))) != "陈小明" {
			t.Fatalf("open cases = %v, want 陈小明's", p.texts(t, testid("case-row")))
		}
		if attr(rows[0], "class") != "overdue" || p.text(t, testid("case-overdue")) != "超时" {
			t.Errorf("the overdue case is not marked: class %q", attr(rows[0], "class"))
		}
		if got := attr(find(t, rows[0], testid("case-link")), "href"); got != "/cases/"+itoa(open.ID) {
			t.Errorf("case link = %q", got)
		}
		if got := p.text(t, testid("case-state")); got != "发现" {
			t.Errorf("state = %q, want 发现", got)
		}
		if got := p.text(t, testid("case-class")); got != "一年级1班" {
			t.Errorf("class = %q", got)
		}
		// All: the open one first.
		all := officer.get(t, list+"?filter=all").texts(t, testid("case-link"))
		if len(all) != 2 || all[0] != "陈小明" || all[1] != "林小红" {
			t.Errorf("all cases = %v, want the open one first", all)
		}
		if got := officer.get(t, list+"?filter=overdue").texts(t, testid("case-link")); len(got) != 1 || got[0] != "陈小明" {
			t.Errorf("overdue cases = %v", got)
		}
		if got := officer.get(t, list+"?state=closed").texts(t, testid("case-link")); len(got) != 1 || got[0] != "林小红" {
			t.Errorf("closed cases = %v", got)
		}
		// An empty list says so.
		if got := officer.get(t, srv.URL+"/orgs/"+itoa(f.class2.ID)+"/cases").text(t, testid("cases-none")); got != "没有未结束的病例" {
			t.Errorf("empty list = %q", got)
		}

		// The school's and the region's pages count them and link the list.
		for _, o := range []*campusguard.Org{f.school, f.county} {
			admin := officer
			if o == f.county {
				admin = signIn(t, s, grant(campusguard.RegionAdmin, f.county))
			}
			pg := admin.get(t, srv.URL+"/orgs/"+itoa(o.ID))
			if got, over := pg.text(t, testid("cases-open")), pg.text(t, testid("cases-overdue")); got != "1" || over != "1" {
				t.Errorf("%s: open %s, overdue %s; want 1 and 1", o.Name, got, over)
			}
			if got := attr(find(t, pg.doc, testid("cases-link")), "href"); got != "/orgs/"+itoa(o.ID)+"/cases" {
				t.Errorf("%s: cases link = %q", o.Name, got)
			}
		}
		// A region admin's list holds the school's case too.
		county := signIn(t, s, grant(campusguard.RegionAdmin, f.county))
		if got := county.get(t, srv.URL+"/orgs/"+itoa(f.county.ID)+"/cases").texts(t, testid("case-school")); len(got) != 1 || got[0] != "云陵中心小学" {
			t.Errorf("region list schools = %v", got)
		}
	})
}

// TestCasePage: the case with its steps, the form for its one next state,
// moves through the form, and refusals that change nothing.
func TestCasePage(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		srv := newServer(t, s)
		k := mustCase(t, s, f.student.ID, "午检发现发热")
		officer := signIn(t, s, grant(campusguard.HealthOffice, f.school))
		page := srv.URL + "/cases/" + itoa(k.ID)
		move := page + "/transitions"

		p := officer.get(t, page)
		if p.status != http.StatusOK {
			t.Fatalf("GET case = %d:\n%s", p.status, p.body)
		}
		if got := attr(find(t, p.doc, testid("case-person")+" a"), "href"); got != "/people/"+itoa(f.student.ID) {
			t.Errorf("person link = %q", got)
		}
		steps := p.all(t, testid("progress-step"))
		if len(steps) != len(campusguard.CaseStates) || attr(steps[0], "aria-current") != "step" {
			t.Errorf("progress: %d steps, first %q", len(steps), attr(steps[0], "aria-current"))
		}
		if got := p.text(t, testid("case-held")); got != "请勿入校：病例未结" {
			t.Errorf("held = %q", got)
		}
		if got := p.texts(t, testid("case-step")); len(got) != 1 || !strings.Contains(got[0], "发现") {
			t.Errorf("steps = %v", got)
		}
		// One form, for the next state only, without fields it does not need.
		if forms := p.all(t, testid("move-form")); len(forms) != 1 {
			t.Fatalf("move forms = %d, want 1", len(forms))
		}
		if got := attr(find(t, p.doc, testid("move-to")), "value"); got != "reported" {
			t.Errorf("next state = %q, want reported", got)
		}
		if n := len(p.all(t, `input[name="isolation"], input[name="outcome"], input[name="certificate"]`)); n != 0 {
			t.Errorf("the report form has %d fields it does not need", n)
		}
		if n := len(p.all(t, testid("case-contacts"))); n != 0 {
			t.Errorf("a detected case shows contacts")
		}

		// Report through the form.
		done := officer.post(t, move, url.Values{"to": {"reported"}, "note": {"已电话报告教育局"}})
		if done.status != http.StatusSeeOther || done.header.Get("Location") != "/cases/"+itoa(k.ID)+"?moved=1" {
			t.Fatalf("POST report = %d %q:\n%s", done.status, done.header.Get("Location"), done.body)
		}
		p = officer.get(t, page+"?moved=1")
		if got := p.text(t, testid("notice")); !strings.Contains(got, "已上报") {
			t.Errorf("notice = %q", got)
		}
		if got := p.texts(t, testid("step-note")); len(got) != 2 || got[1] != "已电话报告教育局" {
			t.Errorf("step notes = %v", got)
		}
		if got := p.text(t, testid("step-by")); got == "" {
			t.Errorf("a step names no one")
		}
		if n := len(p.all(t, `input[name="isolation"]`)); n != 2 {
			t.Errorf("isolation choices = %d, want 2", n)
		}

		// A refused move shows the error and changes nothing.
		bad := officer.post(t, move, url.Values{"to": {"isolated"}, "note": {"未选方式"}})
		if bad.status != http.StatusUnprocessableEntity {
			t.Fatalf("POST isolate without a choice = %d", bad.status)
		}
		if got := bad.text(t, testid("field-error")); !strings.Contains(got, "隔离方式") {
			t.Errorf("field error = %q, want the isolation named", got)
		}
		if got := attr(find(t, bad.doc, testid("note")), "name"); got != "note" || bad.text(t, testid("note")) != "未选方式" {
			t.Errorf("the note typed was not kept")
		}
		// An over-long note (a phone without maxlength, a pasted text) is
		// named and kept, not lost on a bare error page (issue 19).
		long := strings.Repeat("咳", campusguard.MaxNote+1)
		tooLong := officer.post(t, move, url.Values{"to": {"isolated"}, "isolation": {"home"}, "note": {long}})
		if tooLong.status != http.StatusUnprocessableEntity || !strings.Contains(tooLong.text(t, testid("field-error")), "500") {
			t.Errorf("POST a %d-character note = %d %q, want 422 naming the limit", campusguard.MaxNote+1, tooLong.status,
				tooLong.text(t, testid("field-error")))
		}
		if tooLong.text(t, testid("note")) != long {
			t.Errorf("the over-long note was not kept in the form")
		}
		skip := officer.post(t, move, url.Values{"to": {"closed"}})
		if skip.status != http.StatusUnprocessableEntity {
			t.Fatalf("POST close a reported case = %d", skip.status)
		}
		if got := skip.text(t, testid("field-error")); !strings.Contains(got, "「已上报」") || !strings.Contains(got, "「已结案」") {
			t.Errorf("refused step = %q, want the states named", got)
		}
		if k2, steps := caseSteps(t, s, k.ID); k2.State != campusguard.CaseReported || len(steps) != 2 {
			t.Errorf("after refusals: state %s, %d steps; want reported and 2", k2.State, len(steps))
		}

		// On through the form to a confirmed case, whose contacts show.
		for _, form := range []url.Values{
			{"to": {"isolated"}, "isolation": {"observation_room"}},
			{"to": {"referred"}, "note": {"县医院发热门诊"}},
			{"to": {"outcome"}, "outcome": {"confirmed"}},
		} {
			if r := officer.post(t, move, form); r.status != http.StatusSeeOther {
				t.Fatalf("POST %v = %d:\n%s", form, r.status, r.body)
			}
		}
		p = officer.get(t, page)
		if got := p.text(t, testid("case-outcome")); got != "确诊" {
			t.Errorf("outcome = %q", got)
		}
		if got := attr(find(t, p.doc, testid("contacts-xlsx")), "href"); got != "/api/v1/cases/"+itoa(k.ID)+"/contacts.xlsx" {
			t.Errorf("contacts download = %q", got)
		}
		var classmate bool
		for _, row := range p.all(t, testid("contact-row")) {
			if strings.Contains(nodeText(row), "林小红") {
				classmate = true
				if got := nodeText(find(t, row, testid("contact-reasons"))); !strings.Contains(got, "同班") {
					t.Errorf("classmate reasons = %q", got)
				}
				if got := nodeText(find(t, row, testid("contact-days"))); !strings.HasSuffix(got, "/ 14") {
					t.Errorf("days = %q", got)
				}
			}
		}
		if !classmate {
			t.Errorf("contacts %v lack the classmate", p.texts(t, testid("contact-row")))
		}
		// Clearing asks for the certificate.
		if n := len(p.all(t, `input[name="certificate"]`)); n != 1 {
			t.Errorf("certificate inputs = %d, want 1", n)
		}
		if r := officer.post(t, move, url.Values{"to": {"cleared"}}); r.status != http.StatusUnprocessableEntity ||
			attr(find(t, r.doc, testid("certificate")), "aria-invalid") != "true" {
			t.Errorf("clear without a certificate = %d", r.status)
		}
	})
}

// TestCaseAccess: a class teacher reads the case without the move form
// and may not move it; another school does not see it.
func TestCaseAccess(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		srv := newServer(t, s)
		k := mustCase(t, s, f.student.ID, "")
		page := srv.URL + "/cases/" + itoa(k.ID)
		teacher := signIn(t, s, grant(campusguard.ClassTeacher, f.class1))
		p := teacher.get(t, page)
		if p.status != http.StatusOK {
			t.Fatalf("class teacher GET case = %d", p.status)
		}
		if n := len(p.all(t, testid("move-form"))); n != 0 {
			t.Errorf("the class teacher sees a move form")
		}
		if r := teacher.post(t, page+"/transitions", url.Values{"to": {"reported"}}); r.status != http.StatusForbidden {
			t.Errorf("class teacher POST move = %d, want 403", r.status)
		}
		otherSchool := &campusguard.Org{Kind: campusguard.KindSchool, SchoolType: campusguard.Primary, Name: "诏安一小", ParentID: &f.other.ID}
		if err := s.CreateOrg(ctx, otherSchool); err != nil {
			t.Fatal(err)
		}
		other := signIn(t, s, grant(campusguard.HealthOffice, otherSchool))
		if r := other.get(t, page); r.status != http.StatusNotFound {
			t.Errorf("another school GET case = %d, want 404", r.status)
		}
		if r := other.post(t, page+"/transitions", url.Values{"to": {"reported"}}); r.status != http.StatusNotFound {
			t.Errorf("another school POST move = %d, want 404", r.status)
		}
		if got := other.get(t, srv.URL+"/orgs/"+itoa(f.school.ID)+"/cases"); got.status != http.StatusNotFound {
			t.Errorf("another school's case list = %d, want 404", got.status)
		}
		if k2, steps := caseSteps(t, s, k.ID); k2.State != campusguard.CaseDetected || len(steps) != 1 {
			t.Errorf("refused moves changed the case: %s, %d steps", k2.State, len(steps))
		}
	})
}

// TestCaseOpen: a class teacher opens a case by hand from the person's
// file; bad input is refused naming the field; the file lists the case.
func TestCaseOpen(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		srv := newServer(t, s)
		teacher := signIn(t, s, grant(campusguard.ClassTeacher, f.class1))
		file := srv.URL + "/people/" + itoa(f.student2.ID)
		form := file + "/cases/new"

		fp := teacher.get(t, file)
		if got := attr(find(t, fp.doc, testid("open-case-link")), "href"); got != "/people/"+itoa(f.student2.ID)+"/cases/new" {
			t.Errorf("open case link = %q", got)
		}
		if r := signIn(t, s, grant(campusguard.GateStaff, f.school)).get(t, form); r.status != http.StatusForbidden && r.status != http.StatusNotFound {
			t.Errorf("gate staff GET new case = %d, want 403 or 404", r.status)
		}
		if r := signIn(t, s, grant(campusguard.RegionViewer, f.county)).get(t, file); len(r.all(t, testid("open-case-link"))) != 0 {
			t.Errorf("a region viewer is offered to open a case")
		}
		p := teacher.get(t, form)
		if p.status != http.StatusOK {
			t.Fatalf("GET new case = %d:\n%s", p.status, p.body)
		}
		if got := attr(find(t, p.doc, testid("onset-day")), "value"); got != today().String() {
			t.Errorf("onset default = %q, want today", got)
		}
		if n := len(p.all(t, `input[type="checkbox"][name="symptom"]`)); n != len(campusguard.Symptoms) {
			t.Errorf("symptom boxes = %d", n)
		}
		mine := campusguard.CaseFilter{PersonID: &f.student2.ID}
		count := func() int {
			t.Helper()
			_, n, err := s.FindCases(ctx, mine)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		// Neither a symptom nor a temperature.
		bad := teacher.post(t, file+"/cases", url.Values{"onset_day": {today().String()}, "note": {"精神不好"}})
		if bad.status != http.StatusUnprocessableEntity {
			t.Fatalf("POST without a sign = %d", bad.status)
		}
		if got := bad.text(t, testid("field-error")); !strings.Contains(got, "症状") {
			t.Errorf("field error = %q, want the symptoms named", got)
		}
		if bad.text(t, testid("note")) != "精神不好" {
			t.Errorf("the note was not kept")
		}
		if r := teacher.post(t, file+"/cases", url.Values{"onset_day": {"昨天"}, "temperature": {"abc"}}); r.status != http.StatusUnprocessableEntity ||
			!strings.Contains(strings.Join(r.texts(t, testid("field-error")), " "), "体温") ||
			attr(find(t, r.doc, testid("onset-day")), "aria-invalid") != "true" {
			t.Errorf("POST a bad day and temperature = %d: %v", r.status, r.texts(t, testid("field-error")))
		}
		if n := count(); n != 0 {
			t.Fatalf("refused forms opened %d cases", n)
		}

		done := teacher.post(t, file+"/cases", url.Values{"onset_day": {today().String()}, "symptom": {"cough", "fever"},
			"temperature": {"37.8"}, "note": {"午检咳嗽"}})
		if done.status != http.StatusSeeOther || !strings.HasPrefix(done.header.Get("Location"), "/cases/") {
			t.Fatalf("POST case = %d %q:\n%s", done.status, done.header.Get("Location"), done.body)
		}
		cases, _, _ := s.FindCases(ctx, mine)
		if len(cases) != 1 || cases[0].Source != campusguard.SourceManual || cases[0].Note != "午检咳嗽" {
			t.Fatalf("cases = %+v", cases)
		}
		cp := teacher.get(t, srv.URL+done.header.Get("Location"))
		if got := cp.text(t, testid("notice")); got != "病例已登记" {
			t.Errorf("notice = %q", got)
		}
		if got := cp.text(t, testid("case-symptoms")); !strings.Contains(got, "咳嗽") {
			t.Errorf("symptoms = %q", got)
		}
		// A second one for the same person is refused.
		if r := teacher.post(t, file+"/cases", url.Values{"onset_day": {today().String()}, "symptom": {"cough"}}); r.status != http.StatusConflict {
			t.Errorf("second open case = %d, want 409", r.status)
		}
		// The file lists it.
		fp = teacher.get(t, file)
		if got := fp.text(t, testid("person-case-state")); got != "发现" {
			t.Errorf("file case state = %q", got)
		}
		if got := attr(find(t, fp.doc, testid("person-case-link")), "href"); got != "/cases/"+itoa(cases[0].ID) {
			t.Errorf("file case link = %q", got)
		}
	})
}

// TestGateHeld: the gate flags a person with an open case not cleared for
// return, in the search and after a reading.
func TestGateHeld(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		srv := newServer(t, s)
		k := mustCase(t, s, f.student.ID, "")
		gate := signIn(t, s, grant(campusguard.GateStaff, f.school))
		page := srv.URL + "/orgs/" + itoa(f.school.ID) + "/gate"

		res := gate.get(t, page+"?q=S001")
		if got := res.texts(t, testid("gate-pick-name")); len(got) != 1 || got[0] != "陈小明" {
			t.Fatalf("search = %v", got)
		}
		if got := res.text(t, testid("gate-pick-held")); got != "请勿入校：病例未结" {
			t.Errorf("held flag = %q", got)
		}
		if pick := find(t, res.doc, "label.choice"); !strings.Contains(attr(pick, "class"), "held-choice") {
			t.Errorf("held pick class = %q", attr(pick, "class"))
		}
		if n := len(gate.get(t, page+"?q=S002").all(t, testid("gate-pick-held"))); n != 0 {
			t.Errorf("a student without a case is flagged")
		}
		done := gate.post(t, page, url.Values{"client_key": {"h1"}, "person_id": {itoa(f.student.ID)}, "temperature": {"36.5"}})
		if done.status != http.StatusOK {
			t.Fatalf("POST gate = %d:\n%s", done.status, done.body)
		}
		if got := done.text(t, testid("gate-held")); got != "请勿入校：病例未结" {
			t.Errorf("held after recording = %q", got)
		}
		if !strings.Contains(attr(find(t, done.doc, testid("gate-result")), "class"), "fever") {
			t.Errorf("the held result is not red")
		}
		ok := gate.post(t, page, url.Values{"client_key": {"h2"}, "person_id": {itoa(f.student2.ID)}, "temperature": {"36.5"}})
		if n := len(ok.all(t, testid("gate-held"))); n != 0 {
			t.Errorf("a person without a case is held")
		}
		// Once cleared for return, the gate lets them in.
		moveAll(t, s, k.ID, caseStepsTo[:5]...)
		if n := len(gate.get(t, page+"?q=S001").all(t, testid("gate-pick-held"))); n != 0 {
			t.Errorf("a cleared person is still held")
		}
	})
}
