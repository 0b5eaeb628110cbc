package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

func TestMissingAndFollowUps(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		srv := newServer(t, s)
		if err := s.OpenDay(ctx, f.county.ID, today()); err != nil {
			t.Fatal(err)
		}
		teacher := signIn(t, s, grant(campusguard.ClassTeacher, f.class1))
		classURL := srv.URL + "/orgs/" + itoa(f.class1.ID)

		// Nobody has reported: both students are missing.
		cls := teacher.get(t, classURL)
		if got := cls.texts(t, testid("missing-name")); len(got) != 2 {
			t.Fatalf("missing before any report = %q, want both students", got)
		}
		if len(cls.all(t, testid("missing-none"))) != 0 {
			t.Errorf("the empty state shows with students missing")
		}
		// A home report takes the student off the card.
		home := teacher.post(t, srv.URL+"/people/"+itoa(f.student2.ID)+"/home-report",
			url.Values{"client_key": {"home-key-1"}, "temperature": {"36.6"}})
		if home.status != http.StatusOK {
			t.Fatalf("home report = %d:\n%s", home.status, home.body)
		}
		cls = teacher.get(t, classURL)
		if got := cls.texts(t, testid("missing-name")); len(got) != 1 || got[0] != "陈小明" {
			t.Errorf("missing after a home report = %q, want [陈小明]", got)
		}

		// An ill absence opens a follow-up.
		page := classURL + "/checks?kind=morning"
		nonce := attr(find(t, teacher.get(t, page).doc, `input[name="nonce"]`), "value")
		sid := itoa(f.student.ID)
		if p := teacher.post(t, page, url.Values{"nonce": {nonce}, "att_" + sid: {"absent"}, "reason_" + sid: {"illness"}}); p.status != http.StatusSeeOther {
			t.Fatalf("class check = %d:\n%s", p.status, p.body)
		}
		cls = teacher.get(t, classURL)
		if got := cls.text(t, testid("fig-open-followups")); got != "1" {
			t.Errorf("open follow-ups on the card = %q, want 1", got)
		}
		if got := cls.texts(t, `[data-testid="class-followup"] [data-testid="followup-name"]`); len(got) != 1 || got[0] != "陈小明" {
			t.Errorf("class follow-ups = %q", got)
		}
		list := teacher.get(t, srv.URL+attr(find(t, cls.doc, testid("followups-link")), "href"))
		if list.status != http.StatusOK {
			t.Fatalf("GET follow-ups = %d", list.status)
		}
		if got := list.texts(t, `[data-testid="followup-open"] [data-testid="followup-name"]`); len(got) != 1 || got[0] != "陈小明" {
			t.Fatalf("open follow-ups = %q", got)
		}
		if len(list.all(t, testid("followups-none-done"))) != 1 {
			t.Errorf("no done follow-ups, but the empty state is missing")
		}
		formURL := srv.URL + attr(find(t, list.doc, testid("followup-link")), "href")
		form := teacher.get(t, formURL)
		if form.status != http.StatusOK {
			t.Fatalf("GET follow-up form = %d", form.status)
		}
		if n := len(form.all(t, `input[type="checkbox"][name="symptom"]`)); n != len(campusguard.Symptoms) {
			t.Errorf("symptom chips = %d, want %d", n, len(campusguard.Symptoms))
		}
		if got := attr(find(t, form.doc, testid("expected-return")), "value"); got != today().AddDays(1).String() {
			t.Errorf("expected return = %q, want tomorrow", got)
		}

		// Another class's teacher sees neither the list nor the form.
		other := signIn(t, s, grant(campusguard.ClassTeacher, f.class2))
		for _, u := range []string{classURL + "/followups", formURL} {
			if p := other.get(t, u); p.status != http.StatusNotFound {
				t.Errorf("another class's teacher: GET %s = %d, want 404", u, p.status)
			}
		}
		if p := other.post(t, formURL, url.Values{"diagnosis": {"感冒"}, "expected_return": {today().AddDays(1).String()}}); p.status != http.StatusNotFound {
			t.Errorf("another class's teacher: POST = %d, want 404", p.status)
		}

		// No symptoms and no diagnosis: the error, nothing stored.
		bad := teacher.post(t, formURL, url.Values{"expected_return": {today().AddDays(1).String()}, "note": {"打过电话"}})
		if bad.status != http.StatusUnprocessableEntity {
			t.Fatalf("bad follow-up = %d, want 422", bad.status)
		}
		if got := bad.text(t, testid("field-error")); !strings.Contains(got, "请填写症状或诊断") {
			t.Errorf("field error = %q", got)
		}
		if attr(find(t, bad.doc, testid("diagnosis")), "aria-invalid") != "true" {
			t.Errorf("diagnosis not marked invalid")
		}
		if got := find(t, bad.doc, testid("note")); nodeText(got) != "打过电话" {
			t.Errorf("note not kept: %q", nodeText(got))
		}
		open, err := s.FindFollowUps(ctx, campusguard.FollowUpFilter{ClassID: &f.class1.ID, OpenOnly: true})
		if err != nil || len(open) != 1 {
			t.Fatalf("open follow-ups after a bad form = %d, %v; want 1", len(open), err)
		}

		// A good one closes it.
		done := teacher.post(t, formURL, url.Values{"symptom": {"fever", "cough"}, "clinic_visit": {"1"},
			"diagnosis": {"上呼吸道感染"}, "expected_return": {today().AddDays(2).String()}})
		if done.status != http.StatusSeeOther {
			t.Fatalf("POST follow-up = %d:\n%s", done.status, done.body)
		}
		list = teacher.get(t, srv.URL+done.header.Get("Location"))
		if got := list.text(t, testid("notice")); got != "随访已记录。" {
			t.Errorf("notice = %q", got)
		}
		if len(list.all(t, testid("followup-open"))) != 0 || len(list.all(t, testid("followups-none-open"))) != 1 {
			t.Errorf("the follow-up is still open")
		}
		if got := list.text(t, testid("followup-detail")); !strings.Contains(got, "上呼吸道感染") || !strings.Contains(got, "发热") {
			t.Errorf("done follow-up = %q", got)
		}
		cls = teacher.get(t, classURL)
		if got := cls.text(t, testid("fig-open-followups")); got != "0" {
			t.Errorf("open follow-ups on the card after completion = %q, want 0", got)
		}
		if len(cls.all(t, testid("class-followups"))) != 0 {
			t.Errorf("the class still lists an open follow-up")
		}
		// Once everyone has reported, the card says so.
		if p := teacher.post(t, srv.URL+"/people/"+sid+"/home-report", url.Values{"client_key": {"home-key-2"}, "temperature": {"37.8"}}); p.status != http.StatusOK {
			t.Fatalf("home report = %d", p.status)
		}
		if got := teacher.get(t, classURL).text(t, testid("missing-none")); got != "全部已报告" {
			t.Errorf("missing card = %q, want the empty state", got)
		}
		// A school's list shows it too.
		admin := signIn(t, s, grant(campusguard.SchoolAdmin, f.school))
		if p := admin.get(t, srv.URL+"/orgs/"+itoa(f.school.ID)+"/followups"); p.status != http.StatusOK || len(p.all(t, testid("followup-done"))) != 1 {
			t.Errorf("school follow-ups = %d", p.status)
		}
	})
}
