package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// otherSchool adds a school with a class and a student in the second
// county, for the pages that must not show it.
func otherSchool(tb testing.TB, s *sqlstore.Store, f *fixture) (school, class *campusguard.Org, student *campusguard.Person) {
	tb.Helper()
	school = &campusguard.Org{Kind: campusguard.KindSchool, SchoolType: campusguard.Primary, Name: "诏安实验小学", ParentID: &f.other.ID}
	if err := s.CreateOrg(ctx, school); err != nil {
		tb.Fatal(err)
	}
	grade := &campusguard.Org{Kind: campusguard.KindGrade, Name: "一年级", GradeYear: 1, ParentID: &school.ID}
	if err := s.CreateOrg(ctx, grade); err != nil {
		tb.Fatal(err)
	}
	class = &campusguard.Org{Kind: campusguard.KindClass, Name: "1班", ParentID: &grade.ID}
	if err := s.CreateOrg(ctx, class); err != nil {
		tb.Fatal(err)
	}
	student = &campusguard.Person{SchoolID: school.ID, Kind: campusguard.Student, Name: "沈小东", Number: "Z001",
		IDNumber: validID("20190909", 33), ClassID: &class.ID}
	if err := s.CreatePerson(ctx, student); err != nil {
		tb.Fatal(err)
	}
	return school, class, student
}

// classmate adds a student to the fixture's second class.
func classmate(tb testing.TB, s *sqlstore.Store, f *fixture) *campusguard.Person {
	tb.Helper()
	p := &campusguard.Person{SchoolID: f.school.ID, Kind: campusguard.Student, Name: "黄小兰", Number: "S101",
		IDNumber: validID("20190808", 44), ClassID: &f.class2.ID}
	if err := s.CreatePerson(ctx, p); err != nil {
		tb.Fatal(err)
	}
	return p
}

// status fetches each path as b and checks its status.
func wantStatus(t *testing.T, b *browser, base string, want map[string]int) {
	t.Helper()
	for path, status := range want {
		if p := b.get(t, base+path); p.status != status {
			t.Errorf("GET %s = %d, want %d", path, p.status, status)
		}
	}
}

func TestClassTeacherScope(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		otherSch, otherClass, otherStudent := otherSchool(t, s, f)
		mate := classmate(t, s, f)
		srv := newServer(t, s)
		teacher := signIn(t, s, grant(campusguard.ClassTeacher, f.class1))
		wantStatus(t, teacher, srv.URL, map[string]int{
			"/orgs/" + itoa(f.class1.ID):             200,
			"/orgs/" + itoa(f.class1.ID) + "/people": 200,
			"/people/" + itoa(f.student.ID):          200,
			"/people/" + itoa(f.student2.ID):         200,
			"/orgs/" + itoa(f.class2.ID):             404,
			"/orgs/" + itoa(f.class2.ID) + "/people": 404,
			"/people/" + itoa(mate.ID):               404,
			"/orgs/" + itoa(f.grade.ID):              404,
			"/orgs/" + itoa(f.school.ID):             404,
			"/orgs/" + itoa(f.school.ID) + "/import": 404,
			"/orgs/" + itoa(f.county.ID):             404,
			"/orgs/" + itoa(otherSch.ID):             404,
			"/orgs/" + itoa(otherClass.ID):           404,
			"/people/" + itoa(otherStudent.ID):       404,
			"/admin/users":                           403,
			"/admin/audit":                           403,
		})
		// The class page lists the class and offers the binding codes.
		p := teacher.get(t, srv.URL+"/orgs/"+itoa(f.class1.ID))
		if diff := cmp.Diff([]string{"陈小明", "林小红"}, p.texts(t, testid("student-row")+" "+testid("person-link"))); diff != "" {
			t.Errorf("class list (-want +got):\n%s", diff)
		}
		if len(p.all(t, testid("binding-print"))) != 1 {
			t.Errorf("class teacher has no binding code button")
		}
		// A search of the class finds only the class.
		p = teacher.get(t, srv.URL+"/orgs/"+itoa(f.class1.ID)+"/people?q="+url.QueryEscape("小"))
		if diff := cmp.Diff([]string{"陈小明", "林小红"}, p.texts(t, testid("person-row")+" "+testid("person-link"))); diff != "" {
			t.Errorf("search (-want +got):\n%s", diff)
		}
		// A 404 of another school says no more than a node that does not exist.
		a := teacher.get(t, srv.URL+"/orgs/"+itoa(otherSch.ID))
		b := teacher.get(t, srv.URL+"/orgs/99999999")
		if a.text(t, testid("error-message")) != b.text(t, testid("error-message")) {
			t.Errorf("another school's 404 differs from a missing node's")
		}
	})
}

func TestGuardianScope(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		_, otherClass, otherStudent := otherSchool(t, s, f)
		srv := newServer(t, s)
		parent := mustGuardian(t, s, f.class1, f.student.ID, "13805960077")
		wantStatus(t, parent, srv.URL, map[string]int{
			"/people/" + itoa(f.student.ID):          200,
			"/people/" + itoa(f.student2.ID):         404,
			"/people/" + itoa(f.teacher.ID):          404,
			"/people/" + itoa(otherStudent.ID):       404,
			"/orgs/" + itoa(f.class1.ID):             404,
			"/orgs/" + itoa(f.class1.ID) + "/people": 404,
			"/orgs/" + itoa(f.school.ID):             404,
			"/orgs/" + itoa(f.county.ID):             404,
			"/orgs/" + itoa(otherClass.ID):           404,
			"/admin/tokens":                          403,
		})
		p := parent.get(t, srv.URL+"/people/"+itoa(f.student.ID))
		if got := p.text(t, testid("person-name")); got != "陈小明" {
			t.Errorf("child's name = %q", got)
		}
		// Where the child is, without links the guardian could not follow.
		for _, id := range []string{"person-school", "person-grade", "person-class"} {
			n := p.all(t, testid(id))
			if len(n) != 1 || n[0].Data != "span" {
				t.Errorf("%s is not plain text for a guardian", id)
			}
		}
		if n := len(p.all(t, testid("crumb"))); n != 0 {
			t.Errorf("guardian's breadcrumbs have %d links", n)
		}
		if got := p.texts(t, testid("user-role")); !cmp.Equal(got, []string{"家长"}) {
			t.Errorf("guardian's roles = %q", got)
		}
		for _, hidden := range []string{"reveal", "binding-revoke"} {
			if len(p.all(t, testid(hidden))) != 0 {
				t.Errorf("guardian sees %s", hidden)
			}
		}
	})
}

func TestGateStaffScope(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		srv := newServer(t, s)
		gate := signIn(t, s, grant(campusguard.GateStaff, f.school))
		wantStatus(t, gate, srv.URL, map[string]int{
			"/orgs/" + itoa(f.school.ID):             200,
			"/orgs/" + itoa(f.school.ID) + "/people": 200,
			"/people/" + itoa(f.student.ID):          403,
			"/orgs/" + itoa(f.school.ID) + "/import": 403,
			"/orgs/" + itoa(f.county.ID):             404,
		})
		p := gate.get(t, srv.URL+"/orgs/"+itoa(f.school.ID)+"/people?q="+url.QueryEscape("陈"))
		if got := p.texts(t, testid("person-row")+" "+testid("person-text")); !cmp.Equal(got, []string{"陈小明"}) {
			t.Errorf("gate search = %q, want 陈小明", got)
		}
		if n := len(p.all(t, testid("person-link"))); n != 0 {
			t.Errorf("gate search links %d files the gate may not open", n)
		}
		if got := gate.get(t, srv.URL+"/people/"+itoa(f.student.ID)).text(t, testid("error-title")); got != "没有权限" {
			t.Errorf("403 title = %q", got)
		}
		p = gate.get(t, srv.URL+"/orgs/"+itoa(f.school.ID))
		if len(p.all(t, testid("import-link"))) != 0 {
			t.Errorf("gate staff sees the import link")
		}
	})
}

func TestMasking(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		srv := newServer(t, s)
		secrets := []string{f.studentID, f.teacher.IDNumber, f.student2.IDNumber, "13805961234", "13905960001"}
		pages := []string{
			"/orgs/" + itoa(f.county.ID), "/orgs/" + itoa(f.school.ID), "/orgs/" + itoa(f.class1.ID),
			"/orgs/" + itoa(f.county.ID) + "/people", "/orgs/" + itoa(f.school.ID) + "/people?q=S001",
			"/people/" + itoa(f.student.ID), "/people/" + itoa(f.teacher.ID), "/people/" + itoa(f.student2.ID),
		}
		viewer := signIn(t, s, campusguard.Grant{Role: campusguard.RegionViewer, OrgID: f.county.ID, Duty: "cdc"})
		for _, u := range pages {
			p := viewer.get(t, srv.URL+u)
			if p.status != http.StatusOK {
				t.Errorf("viewer GET %s = %d", u, p.status)
			}
			for _, secret := range secrets {
				if strings.Contains(p.body, secret) {
					t.Errorf("viewer: GET %s shows %s in full", u, secret)
				}
			}
			if len(p.all(t, testid("reveal"))) != 0 {
				t.Errorf("viewer: GET %s offers to reveal", u)
			}
		}
		p := viewer.get(t, srv.URL+"/people/"+itoa(f.student.ID))
		if got := p.text(t, testid("guardian-phone")); got != "138****1234" {
			t.Errorf("viewer: guardian phone = %q", got)
		}
		if got := p.text(t, testid("masked-note")); got != "身份证号和电话号码已部分隐藏。" {
			t.Errorf("viewer: note = %q", got)
		}
		if got := p.texts(t, testid("user-role")); !cmp.Equal(got, []string{"区域查看（疾控） · 云霄县"}) {
			t.Errorf("viewer: roles = %q", got)
		}
		// A reveal is refused, and changes nothing.
		if p := viewer.post(t, srv.URL+"/people/"+itoa(f.student.ID)+"/reveal", nil); p.status != http.StatusForbidden {
			t.Errorf("viewer reveal = %d, want 403", p.status)
		}

		// The class teacher calls the families of the class.
		teacher := signIn(t, s, grant(campusguard.ClassTeacher, f.class1))
		p = teacher.get(t, srv.URL+"/people/"+itoa(f.student.ID))
		if got := p.text(t, testid("guardian-phone")); got != "13805961234" {
			t.Errorf("class teacher: guardian phone = %q, want it whole", got)
		}
		if got := attr(p.all(t, testid("guardian-phone"))[0], "href"); got != "tel:13805961234" {
			t.Errorf("class teacher: guardian phone link = %q", got)
		}
		if strings.Contains(p.body, f.studentID) || p.text(t, testid("masked-note")) != "身份证号已部分隐藏。" {
			t.Errorf("class teacher: the ID number is not masked")
		}
		if len(p.all(t, testid("reveal"))) != 0 {
			t.Errorf("class teacher may not reveal, but is offered to")
		}

		// The bureau reveals, once, audited.
		admin := signIn(t, s, grant(campusguard.RegionAdmin, f.county))
		p = admin.get(t, srv.URL+"/people/"+itoa(f.teacher.ID))
		if strings.Contains(p.body, f.teacher.IDNumber) || strings.Contains(p.body, "13905960001") {
			t.Errorf("region admin sees the ID number or phone before revealing")
		}
		form := p.all(t, testid("reveal-form"))
		if len(form) != 1 || attr(form[0], "method") != "post" {
			t.Fatalf("region admin has no reveal form")
		}
		p = admin.post(t, srv.URL+attr(form[0], "action"), nil)
		if p.status != http.StatusOK {
			t.Fatalf("reveal = %d", p.status)
		}
		if got := p.text(t, testid("person-id-number")); got != f.teacher.IDNumber {
			t.Errorf("revealed ID number = %q, want %q", got, f.teacher.IDNumber)
		}
		if got := p.text(t, testid("person-phone")); got != "13905960001" {
			t.Errorf("revealed phone = %q", got)
		}
		if len(p.all(t, testid("revealed-note"))) != 1 {
			t.Errorf("the reveal does not say it is audited")
		}
		if n := auditCount(t, s, "reveal_identity"); n != 1 {
			t.Errorf("audit holds %d reveals, want 1", n)
		}
		// The next read is masked again.
		if p := admin.get(t, srv.URL+"/people/"+itoa(f.teacher.ID)); strings.Contains(p.body, f.teacher.IDNumber) {
			t.Errorf("the ID number stays revealed")
		}
	})
}
