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

func TestPersonForms(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		srv := newServer(t, s)
		admin := signIn(t, s, grant(campusguard.RegionAdmin, f.county))
		teacher := signIn(t, s, grant(campusguard.ClassTeacher, f.class1))
		u := srv.URL + "/people/" + itoa(f.student2.ID)

		p := admin.get(t, u)
		if len(p.all(t, testid("person-edit-link"))) != 1 {
			t.Errorf("no edit link on the file")
		}
		p = admin.get(t, u+"/edit")
		if p.status != http.StatusOK || len(p.all(t, testid("person-form")+` input[name="csrf"]`)) != 1 ||
			len(p.all(t, testid("guardian-form")+` input[name="csrf"]`)) != 1 {
			t.Fatalf("edit form = %d", p.status)
		}
		if n := len(p.all(t, testid("person-class")+" option")); n != 2 {
			t.Errorf("%d class choices, want 2", n)
		}
		form := url.Values{"name": {""}, "number": {"S002"}, "phone": {"123"}, "class_id": {itoa(f.class2.ID)}}
		p = admin.post(t, u+"/edit", form)
		if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.text(t, testid("form-error")), "必填") ||
			!strings.Contains(p.text(t, testid("form-error")), "电话") {
			t.Fatalf("bad edit = %d", p.status)
		}
		if x, _ := s.FindPersonByID(ctx, f.student2.ID); x.Name != "林小红" || *x.ClassID != f.class1.ID {
			t.Fatalf("refused edit changed %+v", x)
		}
		form = url.Values{"name": {"林晓红"}, "number": {"S002"}, "phone": {"13905961111"}, "class_id": {itoa(f.class2.ID)},
			"boarding": {"1"}, "town": {"云陵镇"}, "village": {"下河村"}}
		p = admin.post(t, u+"/edit", form)
		if p.status != http.StatusSeeOther {
			t.Fatalf("edit = %d %s", p.status, p.body)
		}
		x, _ := s.FindPersonByID(ctx, f.student2.ID)
		if x.Name != "林晓红" || *x.ClassID != f.class2.ID || !x.Boarding || x.Village != "下河村" {
			t.Errorf("edited = %+v", x)
		}

		// Guardians.
		guardians := func() int {
			pf, err := s.FindPersonFile(ctx, f.student2.ID)
			if err != nil {
				t.Fatal(err)
			}
			return len(pf.Guardians)
		}
		n := guardians()
		p = admin.post(t, u+"/guardians", url.Values{"name": {"林大山"}, "phone": {"99"}, "relation": {"父亲"}})
		if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.text(t, testid("form-error")), "监护人电话") {
			t.Fatalf("bad guardian = %d", p.status)
		}
		if guardians() != n {
			t.Fatalf("refused guardian was added")
		}
		p = admin.post(t, u+"/guardians", url.Values{"name": {"林大山"}, "phone": {"13805960002"}, "relation": {"父亲"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("guardian = %d %s", p.status, p.body)
		}
		if guardians() != n+1 {
			t.Errorf("guardian not added")
		}

		// A class teacher may not write.
		for _, path := range []string{"/people/" + itoa(f.student.ID) + "/edit", "/people/" + itoa(f.student.ID) + "/guardians"} {
			p = teacher.post(t, srv.URL+path, url.Values{"name": {"某某"}, "number": {"S001"}, "phone": {"13805960003"}})
			if p.status != http.StatusForbidden && p.status != http.StatusNotFound {
				t.Errorf("teacher POST %s = %d", path, p.status)
			}
		}
		if x, _ := s.FindPersonByID(ctx, f.student.ID); x.Name != "陈小明" {
			t.Errorf("teacher renamed the student")
		}
	})
}
