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

func TestOrgForms(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		srv := newServer(t, s)
		admin := signIn(t, s, grant(campusguard.RegionAdmin, f.county))
		principal := signIn(t, s, grant(campusguard.SchoolAdmin, f.school))
		teacher := signIn(t, s, grant(campusguard.ClassTeacher, f.class1))

		// The org page links to the forms for writers only.
		p := admin.get(t, srv.URL+"/orgs/"+itoa(f.town.ID))
		if p.status != 200 || len(p.all(t, testid("add-child-link"))) != 1 || len(p.all(t, testid("edit-link"))) != 1 {
			t.Errorf("region admin sees no child/edit links: %d %.3000s", p.status, p.body)
		}
		p = teacher.get(t, srv.URL+"/orgs/"+itoa(f.class1.ID))
		if len(p.all(t, testid("edit-link"))) != 0 {
			t.Errorf("class teacher sees an edit link")
		}

		// A school under the town.
		p = admin.get(t, srv.URL+"/orgs/"+itoa(f.town.ID)+"/children")
		if p.status != http.StatusOK || len(p.all(t, testid("org-form")+` input[name="csrf"]`)) != 1 {
			t.Fatalf("child form = %d", p.status)
		}
		p = admin.post(t, srv.URL+"/orgs/"+itoa(f.town.ID)+"/children", url.Values{"kind": {"school"}, "name": {" "},
			"school_type": {"junior"}, "phone": {"12"}})
		if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.text(t, testid("form-error")), "必填") ||
			!strings.Contains(p.text(t, testid("form-error")), "电话") {
			t.Fatalf("bad child = %d %q", p.status, p.text(t, testid("form-error")))
		}
		under := func() int {
			_, n, err := s.FindOrgs(ctx, campusguard.OrgFilter{ParentID: &f.town.ID})
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := under(); n != 1 {
			t.Fatalf("refused post made a node: %d under the town", n)
		}
		p = admin.post(t, srv.URL+"/orgs/"+itoa(f.town.ID)+"/children", url.Values{"kind": {"school"}, "name": {"云陵中学"},
			"school_type": {"junior"}, "boarding": {"1"}, "principal": {"张校长"}, "phone": {"0596-8520000"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("create school = %d %s", p.status, p.body)
		}
		schools, _, _ := s.FindOrgs(ctx, campusguard.OrgFilter{ParentID: &f.town.ID, Query: ptr("云陵中学")})
		if len(schools) != 1 || schools[0].SchoolType != campusguard.Junior || !schools[0].Boarding ||
			p.header.Get("Location") != "/orgs/"+itoa(schools[0].ID) {
			t.Fatalf("created school = %+v, location %s", schools, p.header.Get("Location"))
		}
		// A principal adds a grade; a teacher may not.
		p = principal.post(t, srv.URL+"/orgs/"+itoa(f.school.ID)+"/children", url.Values{"name": {"二年级"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("create grade = %d", p.status)
		}
		for _, u := range []string{"/orgs/" + itoa(f.grade.ID) + "/children", "/orgs/" + itoa(f.class1.ID) + "/edit"} {
			p = teacher.post(t, srv.URL+u, url.Values{"name": {"3班"}})
			if p.status != http.StatusForbidden && p.status != http.StatusNotFound {
				t.Errorf("teacher POST %s = %d", u, p.status)
			}
		}
		p = teacher.get(t, srv.URL+"/orgs/"+itoa(f.class1.ID)+"/edit")
		if p.status != http.StatusForbidden && p.status != http.StatusNotFound {
			t.Errorf("teacher GET edit = %d", p.status)
		}

		// Editing a school.
		edit := srv.URL + "/orgs/" + itoa(f.school.ID) + "/edit"
		p = principal.get(t, edit)
		if p.status != http.StatusOK || len(p.all(t, testid("org-form")+` input[name="csrf"]`)) != 1 {
			t.Fatalf("edit form = %d", p.status)
		}
		p = principal.post(t, edit, url.Values{"name": {"云陵中心小学"}, "school_type": {"primary"}, "phone": {"abc"}})
		if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.text(t, testid("form-error")), "电话") {
			t.Fatalf("bad phone = %d", p.status)
		}
		if o, _ := s.FindOrgByID(ctx, f.school.ID); o.Phone != f.school.Phone {
			t.Errorf("refused edit changed the phone to %q", o.Phone)
		}
		p = principal.post(t, edit, url.Values{"name": {"云陵第一小学"}, "code": {"35062201"}, "school_type": {"primary"},
			"address": {"中山路 9 号"}, "principal": {"李校长"}, "phone": {"13900000000"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("edit = %d %s", p.status, p.body)
		}
		o, _ := s.FindOrgByID(ctx, f.school.ID)
		if o.Name != "云陵第一小学" || o.Boarding || o.Principal != "李校长" || o.Phone != "13900000000" {
			t.Errorf("edited school = %+v", o)
		}
	})
}

func ptr[T any](v T) *T { return &v }
