package web_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/authn"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
	"campusguard/internal/web"
)

// TestTrainingPages: on a school day and on a day off, a principal records
// a staff session on the phone form and ticks who came; bad input shows
// the form again with the field named and records nothing; the school's
// coverage and never-trained list follow, and a correction of the
// attendance too; a class teacher records health education for the class
// but reads no coverage; the bureau reads every school's coverage and sets
// the term's topics; gate staff see nothing.
func TestTrainingPages(t *testing.T) {
	days := map[string]time.Time{
		"school day": time.Date(2026, time.October, 13, 9, 0, 0, 0, campusguard.China), // a Tuesday
		"day off":    time.Date(2026, time.October, 17, 9, 0, 0, 0, campusguard.China), // a Saturday
	}
	for name, now := range days {
		t.Run(name, func(t *testing.T) {
			sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
				s.Now = func() time.Time { return now }
				f := mustFixture(t, s)
				today := campusguard.DateOf(now)
				nurse := &campusguard.Person{SchoolID: f.school.ID, Kind: campusguard.Staff, Role: campusguard.RoleHealthOfficer,
					Name: "李校医", Number: "T002"}
				if err := s.CreatePerson(ctx, nurse); err != nil {
					t.Fatal(err)
				}
				srv := newServerWith(t, s, web.Config{Orgs: s, People: s, Access: s, Health: s, Inbox: s, Training: s, Files: s,
					Logger: discardLogger(), Now: func() time.Time { return now }}).URL
				principal := signIn(t, s, grant(campusguard.SchoolAdmin, f.school))
				teacher := signIn(t, s, grant(campusguard.ClassTeacher, f.class1))
				bureau := signIn(t, s, grant(campusguard.RegionAdmin, f.county))
				gate := signIn(t, s, grant(campusguard.GateStaff, f.school))
				tp := srv + "/orgs/" + itoa(f.school.ID) + "/training"

				p := principal.get(t, tp)
				if p.status != http.StatusOK || len(p.all(t, testid("training-topic"))) != 5 {
					t.Fatalf("GET training = %d with %d topics", p.status, len(p.all(t, testid("training-topic"))))
				}
				if got := len(p.all(t, testid("training-never-person"))); got != 2 {
					t.Errorf("never trained before any session: %d, want 2", got)
				}
				p = principal.get(t, tp+"/new?kind=staff_training")
				boxes := p.all(t, testid("training-person"))
				if p.status != http.StatusOK || len(boxes) != 2 {
					t.Fatalf("the form = %d with %d people, want 2 staff", p.status, len(boxes))
				}
				form := url.Values{"kind": {"staff_training"}, "topic": {"prevention"}, "day": {today.String()},
					"trainer": {"县疾控中心 张医生"}, "person": {itoa(f.teacher.ID)}}
				// Bad input: each refused with the field named, nothing recorded.
				for _, bad := range []struct {
					name, key, value, label string
				}{
					{"no trainer", "trainer", "", "培训人"},
					{"a day ahead", "day", today.AddDays(1).String(), "日期"},
					{"no topic", "topic", "", "专题"},
					{"a student", "person", itoa(f.student.ID), "签到"},
				} {
					bf := url.Values{}
					for k, v := range form {
						bf[k] = v
					}
					bf.Set(bad.key, bad.value)
					r := principal.post(t, tp, bf)
					if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.text(t, testid("field-error")), bad.label) {
						t.Errorf("%s: %d %q", bad.name, r.status, r.body[:min(300, len(r.body))])
					}
					if bad.key == "person" && len(r.all(t, testid("training-person"))) != 2 {
						t.Errorf("%s: the refused form lost its list", bad.name)
					}
				}
				if p := principal.get(t, tp); len(p.all(t, testid("training-session"))) != 0 {
					t.Fatalf("refused forms recorded %d sessions", len(p.all(t, testid("training-session"))))
				}
				r := principal.post(t, tp, form)
				if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/training-sessions/") {
					t.Fatalf("record = %d %s", r.status, r.body[:min(300, len(r.body))])
				}
				session := srv + strings.TrimSuffix(r.header.Get("Location"), "?done=recorded")
				p = principal.get(t, session+"?done=recorded")
				if p.text(t, testid("notice")) != "培训已登记" || p.text(t, testid("training-session-count")) != "1" {
					t.Errorf("the session page: %q, %q attended", p.text(t, testid("notice")), p.text(t, testid("training-session-count")))
				}
				p = principal.get(t, tp)
				if got := p.texts(t, testid("training-topic-trained"))[0]; got != "1/2" {
					t.Errorf("prevention trained = %q, want 1/2", got)
				}
				if got := p.texts(t, testid("training-never-person")); len(got) != 1 || !strings.HasPrefix(got[0], "李校医") {
					t.Errorf("never trained = %q, want 李校医", got)
				}
				// The nurse came too: the attendance corrected.
				if r := principal.post(t, session+"/attendance", url.Values{"person": {itoa(f.teacher.ID), itoa(nurse.ID)}}); r.status != http.StatusSeeOther {
					t.Fatalf("attendance = %d", r.status)
				}
				if r := principal.post(t, session+"/attendance", url.Values{"person": {itoa(f.student.ID)}}); r.status != http.StatusUnprocessableEntity {
					t.Errorf("attendance with a student = %d, want 422", r.status)
				}
				p = principal.get(t, tp)
				if got := p.texts(t, testid("training-topic-share"))[0]; got != "100%" || len(p.all(t, testid("training-never-none"))) != 1 {
					t.Errorf("after the correction: share %q, never-trained list %d", got, len(p.all(t, testid("training-never-person"))))
				}
				// A second session, with the sign-in sheet's photo as evidence.
				pf := url.Values{"kind": {"staff_training"}, "topic": {"isolation"}, "day": {today.String()},
					"trainer": {"李校医"}, "person": {itoa(nurse.ID)}}
				r = principal.postForm(t, tp, pf, "签到表.png", []byte("\x89PNG\r\n\x1a\n0000"))
				if r.status != http.StatusSeeOther {
					t.Fatalf("a session with a photo = %d %s", r.status, r.body[:min(300, len(r.body))])
				}
				p = principal.get(t, srv+r.header.Get("Location"))
				if link := p.all(t, testid("training-session-file")); len(link) != 1 {
					t.Errorf("the session with a photo links %d files", len(link))
				} else if f := principal.get(t, srv+attr(link[0], "href")); f.status != http.StatusOK {
					t.Errorf("the evidence file = %d", f.status)
				}
				// The class teacher: health education for the class.
				p = teacher.get(t, tp+"/new?kind=health_education")
				if p.status != http.StatusOK || len(p.all(t, testid("training-person"))) != 2 || len(p.all(t, testid("training-back"))) != 0 {
					t.Fatalf("the teacher's form = %d", p.status)
				}
				r = teacher.post(t, tp, url.Values{"kind": {"health_education"}, "class_id": {itoa(f.class1.ID)}, "topic": {"other"},
					"title": {"七步洗手法"}, "day": {today.String()}, "trainer": {"王老师"}, "person": {itoa(f.student.ID)}})
				if r.status != http.StatusSeeOther {
					t.Fatalf("the teacher's session = %d %s", r.status, r.body[:min(300, len(r.body))])
				}
				if p := teacher.get(t, srv+r.header.Get("Location")); p.status != http.StatusOK || p.text(t, testid("page-title")) != "七步洗手法" {
					t.Errorf("the teacher's session page = %d", p.status)
				}
				if p := teacher.get(t, tp); p.status != http.StatusNotFound {
					t.Errorf("the teacher reads the school's coverage: %d", p.status)
				}
				if p := teacher.get(t, tp+"/new?kind=staff_training"); p.status != http.StatusUnprocessableEntity && p.status != http.StatusForbidden {
					t.Errorf("the teacher's staff training form = %d", p.status)
				}
				// The bureau: every school, and the term's topics.
				rp := srv + "/orgs/" + itoa(f.county.ID) + "/training"
				p = bureau.get(t, rp, "Accept-Language: en")
				if p.status != http.StatusOK || p.text(t, testid("page-title")) != "Training coverage" {
					t.Fatalf("the region's page = %d", p.status)
				}
				if got := p.texts(t, testid("training-school-cell")); len(got) != 5 || got[0] != "2/2 · 100%" || got[1] != "0/2 · 0%" || got[2] != "1/2 · 50%" {
					t.Errorf("the school's cells = %q", got)
				}
				term := campusguard.TermOf(today).String()
				if r := bureau.post(t, rp+"/topics", url.Values{"term": {term}, "code": {"a", "a"}, "name": {"甲", "乙"}}); r.status != http.StatusUnprocessableEntity ||
					len(r.all(t, testid("field-error"))) != 1 || attr(r.all(t, testid("training-topic-name"))[1], "value") != "乙" {
					t.Errorf("a code twice = %d", r.status)
				}
				if r := bureau.post(t, rp+"/topics", url.Values{"term": {term}, "code": {"prevention", "checks", ""},
					"name": {"防控知识", "", "食堂卫生"}}); r.status != http.StatusSeeOther {
					t.Fatalf("topics = %d", r.status)
				}
				p = bureau.get(t, rp)
				if got := p.texts(t, testid("training-school-cell")); len(got) != 2 || got[0] != "2/2 · 100%" || got[1] != "0/2 · 0%" {
					t.Errorf("after setting two topics the school's cells = %q", got)
				}
				if got := p.all(t, testid("training-topic-name")); len(got) != 5 || attr(got[1], "value") != "食堂卫生" {
					t.Errorf("the topics form has %d rows", len(got))
				}
				if p := principal.get(t, rp); p.status != http.StatusNotFound {
					t.Errorf("the principal reads the county: %d", p.status)
				}
				if r := principal.post(t, rp+"/topics", url.Values{"term": {term}, "code": {""}, "name": {"甲"}}); r.status != http.StatusNotFound && r.status != http.StatusForbidden {
					t.Errorf("the principal sets topics: %d", r.status)
				}
				if p := gate.get(t, tp); p.status != http.StatusNotFound {
					t.Errorf("gate staff read training: %d", p.status)
				}
				if p := gate.get(t, session); p.status != http.StatusNotFound {
					t.Errorf("gate staff read a session: %d", p.status)
				}
			})
		})
	}
}

// postForm sends form as multipart, with a file part "file" named name
// when content is given, and b's CSRF token.
func (b *browser) postForm(tb testing.TB, u string, form url.Values, name string, content []byte) *page {
	tb.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf", b.csrf)
	for k, vs := range form {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	if content != nil {
		fw, err := mw.CreateFormFile("file", name)
		if err != nil {
			tb.Fatal(err)
		}
		fw.Write(content)
	}
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, u, &buf)
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Cookie", authn.CookieName+"="+b.token)
	return do(tb, req)
}
