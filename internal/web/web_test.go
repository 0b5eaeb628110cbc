package web_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
	"campusguard/internal/web"
)

func TestHome(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		srv := newServer(t, s)
		root := signIn(t, s, campusguard.Grant{Role: campusguard.SystemAdmin})
		p := root.get(t, srv.URL+"/")
		if p.status != http.StatusOK {
			t.Fatalf("GET / on an empty database = %d, want 200", p.status)
		}
		if got := p.text(t, testid("demo-command")); got != "campusguard demo" {
			t.Errorf("empty state command = %q, want campusguard demo", got)
		}
		if p.text(t, "h1") != "还没有数据" {
			t.Errorf("empty state h1 = %q", p.text(t, "h1"))
		}

		f := mustFixture(t, s)
		other := &campusguard.Org{Kind: campusguard.KindRegion, Level: campusguard.LevelTown, Name: "南诏镇", ParentID: &f.other.ID}
		if err := s.CreateOrg(ctx, other); err != nil {
			t.Fatal(err)
		}
		staff := sqlstoretest.MustUser(t, s, grant(campusguard.StaffMember, f.school))
		staffUser := &campusguard.User{Login: "staff-own", Name: "王老师", PersonID: &f.teacher.ID,
			Grants: []campusguard.Grant{grant(campusguard.StaffMember, f.school)}}
		if err := s.CreateUser(ctx, staffUser, sqlstoretest.Password); err != nil {
			t.Fatal(err)
		}
		guardian := mustGuardian(t, s, f.class1, f.student.ID, "13805967777")
		tests := []struct {
			name string
			who  *browser
			want string // the Location, or "" for a page of its own
		}{
			{"system admin: the first tree's root", root, "/orgs/" + itoa(f.county.ID)},
			{"region admin of a county", signIn(t, s, grant(campusguard.RegionAdmin, f.county)), "/orgs/" + itoa(f.county.ID)},
			{"grants at a town and below it: the widest", signIn(t, s, grant(campusguard.SchoolAdmin, f.school), grant(campusguard.RegionViewer, f.town)), "/orgs/" + itoa(f.town.ID)},
			{"the other county's town", signIn(t, s, grant(campusguard.RegionViewer, other)), "/orgs/" + itoa(other.ID)},
			{"class teacher", signIn(t, s, grant(campusguard.ClassTeacher, f.class1)), "/orgs/" + itoa(f.class1.ID)},
			{"staff member: their own file", sessionOf(t, s, staffUser), "/people/" + itoa(f.teacher.ID)},
			{"staff member without a file", sessionOf(t, s, staff), ""},
			{"guardian: their children", guardian, ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				p := tt.who.get(t, srv.URL+"/")
				if tt.want != "" {
					if p.status != http.StatusSeeOther || p.header.Get("Location") != tt.want {
						t.Errorf("GET / = %d Location %q, want 303 to %s", p.status, p.header.Get("Location"), tt.want)
					}
					return
				}
				if p.status != http.StatusOK {
					t.Fatalf("GET / = %d, want 200", p.status)
				}
			})
		}
		p = sessionOf(t, s, staff).get(t, srv.URL+"/")
		if len(p.all(t, testid("no-access"))) != 1 {
			t.Errorf("an account without rights does not get the no-access page:\n%s", p.body)
		}
		p = guardian.get(t, srv.URL+"/")
		if diff := cmp.Diff([]string{"陈小明"}, p.texts(t, testid("child-link"))); diff != "" {
			t.Errorf("guardian's children (-want +got):\n%s", diff)
		}
		if got := attr(p.all(t, testid("child-link"))[0], "href"); got != "/people/"+itoa(f.student.ID) {
			t.Errorf("child link = %q", got)
		}
	})
}

func TestOrgPages(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		srv := newServer(t, s)
		admin := signIn(t, s, grant(campusguard.RegionAdmin, f.county))
		org := func(o *campusguard.Org) string { return srv.URL + "/orgs/" + itoa(o.ID) }

		t.Run("county", func(t *testing.T) {
			p := admin.get(t, org(f.county))
			if p.status != http.StatusOK {
				t.Fatalf("status = %d", p.status)
			}
			want := map[string]string{
				testid("org-name"): "云霄县", testid("org-kind"): "县（区） · 350622",
				testid("count-schools"): "1", testid("count-classes"): "2", testid("count-students"): "2", testid("count-staff"): "1",
			}
			for sel, w := range want {
				if got := p.text(t, sel); got != w {
					t.Errorf("%s = %q, want %q", sel, got, w)
				}
			}
			if diff := cmp.Diff([]string{"云陵镇"}, p.texts(t, testid("child-link"))); diff != "" {
				t.Errorf("children (-want +got):\n%s", diff)
			}
			if got := p.text(t, testid("child-students")); got != "2" {
				t.Errorf("town's students = %q, want 2", got)
			}
			if diff := cmp.Diff([]string{"云霄县"}, p.texts(t, testid("crumb-current"))); diff != "" {
				t.Errorf("breadcrumbs (-want +got):\n%s", diff)
			}
		})
		t.Run("town", func(t *testing.T) {
			p := admin.get(t, org(f.town))
			if diff := cmp.Diff([]string{"云陵中心小学"}, p.texts(t, testid("child-link"))); diff != "" {
				t.Errorf("children (-want +got):\n%s", diff)
			}
			if got := p.text(t, testid("child-kind")); got != "小学" {
				t.Errorf("child kind = %q, want 小学", got)
			}
			if diff := cmp.Diff([]string{"云霄县"}, p.texts(t, testid("crumb"))); diff != "" {
				t.Errorf("breadcrumb links (-want +got):\n%s", diff)
			}
		})
		t.Run("school", func(t *testing.T) {
			p := admin.get(t, org(f.school))
			want := map[string]string{
				testid("org-name"): "云陵中心小学", testid("school-type"): "小学", testid("school-boarding"): "寄宿制",
				testid("school-address"): "云陵镇中山路 8 号", testid("school-principal"): "林校长",
				testid("school-phone"): "0596-8521234", testid("count-classes"): "2", testid("count-students"): "2",
				testid("count-staff"): "1", testid("grade-link"): "一年级", testid("dorm-occupancy"): "1/4",
				testid("route-name"): "马铺线", testid("route-riders"): "1",
			}
			for sel, w := range want {
				if got := p.text(t, sel); got != w {
					t.Errorf("%s = %q, want %q", sel, got, w)
				}
			}
			if diff := cmp.Diff([]string{"1班 2", "2班 0"}, p.texts(t, testid("class-link"))); diff != "" {
				t.Errorf("classes (-want +got):\n%s", diff)
			}
			var kinds []string
			for _, n := range p.all(t, testid("place-group")) {
				kinds = append(kinds, attr(n, "data-kind"))
			}
			if diff := cmp.Diff([]string{"dorm_room", "observation_room"}, kinds); diff != "" {
				t.Errorf("place groups (-want +got):\n%s", diff)
			}
			if len(p.all(t, testid("count-schools"))) != 0 {
				t.Errorf("a school shows a count of schools")
			}
			for _, link := range []struct{ id, href string }{
				{"import-link", "/orgs/" + itoa(f.school.ID) + "/import"},
				{"staff-link", "/orgs/" + itoa(f.school.ID) + "/people?kind=staff"},
				{"people-link", "/orgs/" + itoa(f.school.ID) + "/people"},
			} {
				if got := attr(p.all(t, testid(link.id))[0], "href"); got != link.href {
					t.Errorf("%s href = %q, want %q", link.id, got, link.href)
				}
			}
		})
		t.Run("grade", func(t *testing.T) {
			p := admin.get(t, org(f.grade))
			if diff := cmp.Diff([]string{"1班", "2班"}, p.texts(t, testid("class-link"))); diff != "" {
				t.Errorf("classes (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{"2", "0"}, p.texts(t, testid("class-size"))); diff != "" {
				t.Errorf("class sizes (-want +got):\n%s", diff)
			}
			if got := p.text(t, testid("person-link")); got != "王老师" {
				t.Errorf("head teacher = %q", got)
			}
			if diff := cmp.Diff([]string{"云霄县", "云陵镇", "云陵中心小学"}, p.texts(t, testid("crumb"))); diff != "" {
				t.Errorf("breadcrumbs (-want +got):\n%s", diff)
			}
		})
		t.Run("class", func(t *testing.T) {
			p := admin.get(t, org(f.class1))
			if got := p.text(t, testid("head-teacher")); got != "王老师" {
				t.Errorf("head teacher = %q", got)
			}
			rows := p.all(t, testid("student-row"))
			if len(rows) != 2 {
				t.Fatalf("student rows = %d, want 2", len(rows))
			}
			want := [][]string{
				{"S001", "陈小明", "男", "住校", "男生101，3 号床", "马铺线"},
				{"S002", "林小红", "女", "走读", "—", "—"},
			}
			var got [][]string
			for _, r := range p.all(t, testid("student-row")) {
				var cells []string
				for c := r.FirstChild; c != nil; c = c.NextSibling {
					if c.Data == "td" {
						cells = append(cells, nodeText(c))
					}
				}
				got = append(got, cells)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("students (-want +got):\n%s", diff)
			}
			if got := attr(p.all(t, testid("student-row")+" "+testid("person-link"))[0], "href"); got != "/people/"+itoa(f.student.ID) {
				t.Errorf("person link = %q", got)
			}
			if len(p.all(t, testid("count-classes"))) != 0 || p.text(t, testid("count-students")) != "2" {
				t.Errorf("class counts wrong: %q", p.text(t, testid("org-counts")))
			}
		})
	})
}

func TestRegionFilterAndPages(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		admin := signIn(t, s, grant(campusguard.RegionAdmin, f.county))
		// 105 more schools directly under the town: two pages.
		for i := range 105 {
			typ := campusguard.Junior
			if i%5 == 0 {
				typ = campusguard.Kindergarten
			}
			o := &campusguard.Org{Kind: campusguard.KindSchool, SchoolType: typ, Name: fmt.Sprintf("测试学校%03d", i),
				Code: fmt.Sprintf("T%03d", i), ParentID: &f.town.ID}
			if err := s.CreateOrg(ctx, o); err != nil {
				t.Fatal(err)
			}
		}
		srv := newServer(t, s)
		town := srv.URL + "/orgs/" + itoa(f.town.ID)

		p := admin.get(t, town)
		if n := len(p.all(t, testid("child-row"))); n != 100 {
			t.Errorf("first page rows = %d, want 100", n)
		}
		if got := p.text(t, testid("children-total")); got != "106" {
			t.Errorf("total = %q, want 106", got)
		}
		next := p.all(t, testid("pager-next"))
		if len(next) != 1 || len(p.all(t, testid("pager-prev"))) != 0 {
			t.Fatalf("first page: want a next link and no prev link")
		}
		p = admin.get(t, srv.URL+attr(next[0], "href"))
		if n := len(p.all(t, testid("child-row"))); n != 6 {
			t.Errorf("second page rows = %d, want 6", n)
		}
		if got := p.text(t, testid("pager-info")); got != "第 101–106 条，共 106 条" {
			t.Errorf("pager info = %q", got)
		}

		// From the county, a filter searches the schools of the subtree.
		county := srv.URL + "/orgs/" + itoa(f.county.ID)
		p = admin.get(t, county+"?type=kindergarten")
		if got := p.text(t, testid("children-total")); got != "21" {
			t.Errorf("kindergartens = %q, want 21", got)
		}
		for _, k := range p.texts(t, testid("child-kind")) {
			if k != "幼儿园" {
				t.Errorf("type filter let through a %q", k)
				break
			}
		}
		p = admin.get(t, county+"?q="+url.QueryEscape("中心"))
		if diff := cmp.Diff([]string{"云陵中心小学"}, p.texts(t, testid("child-link"))); diff != "" {
			t.Errorf("search (-want +got):\n%s", diff)
		}
		p = admin.get(t, county+"?q=T007")
		if diff := cmp.Diff([]string{"测试学校007"}, p.texts(t, testid("child-link"))); diff != "" {
			t.Errorf("search by code (-want +got):\n%s", diff)
		}
		p = admin.get(t, county+"?q=nothing-like-this")
		if p.text(t, testid("org-children")+" "+testid("none")) != "没有符合条件的学校" {
			t.Errorf("no match message missing")
		}
		// htmx: the main block only, with the list to swap in.
		p = admin.get(t, county+"?type=kindergarten", "HX-Request: true")
		if strings.Contains(p.body, "<html") || strings.Contains(p.body, "topbar") {
			t.Errorf("htmx response holds the whole page")
		}
		if len(p.all(t, "#org-children "+testid("child-row"))) != 21 {
			t.Errorf("htmx response lacks the list")
		}
	})
}

func TestPeopleSearch(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		srv := newServer(t, s)
		admin := signIn(t, s, grant(campusguard.RegionAdmin, f.county))
		base := srv.URL + "/orgs/" + itoa(f.county.ID) + "/people"
		tests := []struct {
			name  string
			query string
			want  []string
		}{
			{"everyone", "", []string{"陈小明", "林小红", "王老师"}},
			{"by name", "?q=" + url.QueryEscape("小明"), []string{"陈小明"}},
			{"by number", "?q=S002", []string{"林小红"}},
			{"by ID number", "?q=" + f.studentID, []string{"陈小明"}},
			{"staff", "?kind=staff", []string{"王老师"}},
			{"students named 小", "?kind=student&q=" + url.QueryEscape("小"), []string{"陈小明", "林小红"}},
			{"second page is empty", "?offset=50", nil},
			{"nobody", "?q=" + url.QueryEscape("张三"), nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				p := admin.get(t, base+tt.query)
				if p.status != http.StatusOK {
					t.Fatalf("status %d", p.status)
				}
				got := p.texts(t, testid("person-row")+" "+testid("person-link"))
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("GET people%s (-want +got):\n%s", tt.query, diff)
				}
			})
		}
		p := admin.get(t, base+"?q=S001")
		want := map[string]string{testid("person-number"): "S001", testid("person-kind"): "学生",
			testid("person-school"): "云陵中心小学", testid("person-class"): "一年级1班"}
		for sel, w := range want {
			if got := p.text(t, sel); got != w {
				t.Errorf("%s = %q, want %q", sel, got, w)
			}
		}
		// The live search's request: only the main block, results inside.
		p = admin.get(t, base+"?q="+url.QueryEscape("王"), "HX-Request: true")
		if strings.Contains(p.body, "<html") || !strings.Contains(p.body, `id="people-results"`) {
			t.Errorf("htmx search response is not the main block:\n%.300s", p.body)
		}
		if got := p.texts(t, "#people-results "+testid("person-link")); !slices.Equal(got, []string{"王老师"}) {
			t.Errorf("htmx results = %v", got)
		}
		if v := p.header.Get("Vary"); !strings.Contains(v, "HX-Request") {
			t.Errorf("Vary = %q, want HX-Request in it", v)
		}
		// The search box asks for itself as the user types.
		in := admin.get(t, base).all(t, testid("people-search"))[0]
		if attr(in, "hx-get") == "" || !strings.Contains(attr(in, "hx-trigger"), "input changed delay:300ms") {
			t.Errorf("search box hx-get=%q hx-trigger=%q", attr(in, "hx-get"), attr(in, "hx-trigger"))
		}
		// A class's people are its own.
		p = admin.get(t, srv.URL+"/orgs/"+itoa(f.class2.ID)+"/people")
		if len(p.all(t, testid("person-row"))) != 0 || p.text(t, testid("people-results")+" "+testid("none")) != "这里还没有人员" {
			t.Errorf("empty class lists people")
		}
	})
}

func TestPersonFile(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		name := "陈晓明"
		if _, err := s.UpdatePerson(campusguard.WithActorName(ctx, "李医生"), f.student.ID, campusguard.PersonUpdate{Name: &name}); err != nil {
			t.Fatal(err)
		}
		srv := newServer(t, s)
		admin := signIn(t, s, grant(campusguard.RegionAdmin, f.county))
		p := admin.get(t, srv.URL+"/people/"+itoa(f.student.ID))
		if p.status != http.StatusOK {
			t.Fatalf("status %d", p.status)
		}
		masked := campusguard.HideIDNumber(f.studentID)
		want := map[string]string{
			testid("person-name"): "陈晓明", testid("person-kind"): "学生", testid("person-number"): "S001",
			testid("person-gender"): "男", testid("person-id-number"): masked, testid("person-school"): "云陵中心小学",
			testid("person-grade"): "一年级", testid("person-class"): "1班", testid("person-boarding"): "住校",
			testid("person-dorm"): "男生101，3 号床", testid("person-bus"): "马铺线", testid("person-residence"): "云陵镇 城关村",
			testid("guardian-name"): "陈建国", testid("guardian-relation"): "父亲", testid("guardian-phone"): "138****1234",
		}
		for sel, w := range want {
			if got := p.text(t, sel); got != w {
				t.Errorf("%s = %q, want %q", sel, got, w)
			}
		}
		if masked == f.studentID || !strings.Contains(masked, "*") {
			t.Fatalf("HideIDNumber did not mask")
		}
		for _, secret := range []string{f.studentID, "13805961234", f.studentID[6:14]} {
			if strings.Contains(p.body, secret) {
				t.Errorf("person page shows %q in full", secret)
			}
		}
		for _, sec := range []string{"checkins", "absences", "cases", "contacts", "travel", "clearances"} {
			if got := p.text(t, testid("section-"+sec)+" "+testid("none")); got != "暂无记录" {
				t.Errorf("section %s = %q, want 暂无记录", sec, got)
			}
		}
		hist := p.texts(t, testid("history-item"))
		if len(hist) != 3 {
			t.Fatalf("history = %q, want 3 lines", hist)
		}
		if !strings.Contains(hist[0], "修改 姓名") || !strings.Contains(hist[0], "李医生") {
			t.Errorf("latest history line = %q, want the change of name by 李医生", hist[0])
		}
		if !strings.Contains(hist[2], "建档") || !strings.Contains(hist[2], "test") {
			t.Errorf("first history line = %q, want 建档 by test, who set the fixture up", hist[2])
		}
		if diff := cmp.Diff([]string{"云霄县", "云陵镇", "云陵中心小学", "一年级", "1班"}, p.texts(t, testid("crumb"))); diff != "" {
			t.Errorf("breadcrumbs (-want +got):\n%s", diff)
		}

		// Staff: masked phone and ID number, no guardians section.
		p = admin.get(t, srv.URL+"/people/"+itoa(f.teacher.ID))
		if got := p.text(t, testid("person-phone")); got != "139****0001" {
			t.Errorf("staff phone = %q", got)
		}
		if strings.Contains(p.body, f.teacher.IDNumber) || strings.Contains(p.body, "13905960001") {
			t.Errorf("staff page shows an ID number or phone in full")
		}
		if got := p.text(t, testid("person-kind")); got != "班主任" {
			t.Errorf("staff kind = %q, want 班主任", got)
		}
		if len(p.all(t, testid("person-guardians"))) != 0 {
			t.Errorf("staff page has a guardians section")
		}
	})
}

func TestMaskedEverywhere(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		srv := newServer(t, s)
		admin := signIn(t, s, grant(campusguard.RegionAdmin, f.county))
		for _, u := range []string{
			"/orgs/" + itoa(f.county.ID), "/orgs/" + itoa(f.school.ID), "/orgs/" + itoa(f.class1.ID),
			"/orgs/" + itoa(f.school.ID) + "/people", "/orgs/" + itoa(f.school.ID) + "/people?q=S001",
			"/people/" + itoa(f.student.ID), "/people/" + itoa(f.teacher.ID), "/people/" + itoa(f.student2.ID),
		} {
			p := admin.get(t, srv.URL+u)
			for _, secret := range []string{f.studentID, f.teacher.IDNumber, f.student2.IDNumber, "13805961234", "13905960001"} {
				if strings.Contains(p.body, secret) {
					t.Errorf("GET %s shows %s in full", u, secret)
				}
			}
		}
	})
}

func TestLanguages(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		srv := newServer(t, s)
		admin := signIn(t, s, grant(campusguard.RegionAdmin, f.county))
		school := srv.URL + "/orgs/" + itoa(f.school.ID)
		tests := []struct {
			name     string
			headers  []string
			lang     string
			students string
			typ      string
		}{
			{"default", nil, "zh-Hans", "学生", "小学"},
			{"zh-CN", []string{"Accept-Language: zh-CN,zh;q=0.9"}, "zh-Hans", "学生", "小学"},
			{"zh-TW", []string{"Accept-Language: zh-TW,zh;q=0.9,en;q=0.8"}, "zh-Hant", "學生", "小學"},
			{"en", []string{"Accept-Language: en-US,en;q=0.9"}, "en", "Students", "Primary school"},
			{"cookie beats header", []string{"Cookie: lang=zh-Hant", "Accept-Language: en"}, "zh-Hant", "學生", "小學"},
			{"bad cookie", []string{"Cookie: lang=fr", "Accept-Language: en"}, "en", "Students", "Primary school"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				p := admin.get(t, school, tt.headers...)
				if got := attr(p.all(t, "html")[0], "lang"); got != tt.lang {
					t.Errorf("<html lang> = %q, want %q", got, tt.lang)
				}
				if got := p.text(t, testid("count-students")+" + .label"); got != tt.students {
					t.Errorf("students label = %q, want %q", got, tt.students)
				}
				if got := p.text(t, testid("school-type")); got != tt.typ {
					t.Errorf("school type = %q, want %q", got, tt.typ)
				}
				if got := p.text(t, testid("lang-"+tt.lang)); got != map[string]string{"zh-Hans": "简体", "zh-Hant": "繁體", "en": "English"}[tt.lang] {
					t.Errorf("current language label = %q", got)
				}
				if n := p.all(t, `span`+testid("lang-"+tt.lang)); len(n) != 1 {
					t.Errorf("current language is a link")
				}
			})
		}

		// The switch sets the cookie and goes back.
		back := "/orgs/" + itoa(f.school.ID) + "?q=x"
		p := admin.get(t, school)
		href := attr(p.all(t, "a"+testid("lang-en"))[0], "href")
		if want := "/lang?back=" + url.QueryEscape("/orgs/"+itoa(f.school.ID)) + "&set=en"; href != want {
			t.Errorf("switch link = %q, want %q", href, want)
		}
		p = admin.get(t, srv.URL+"/lang?set=zh-Hant&back="+url.QueryEscape(back))
		if p.status != http.StatusSeeOther || p.header.Get("Location") != back {
			t.Errorf("GET /lang = %d to %q, want 303 to %q", p.status, p.header.Get("Location"), back)
		}
		cookie := p.header.Get("Set-Cookie")
		if !strings.HasPrefix(cookie, "lang=zh-Hant;") || !strings.Contains(cookie, "Path=/") {
			t.Errorf("Set-Cookie = %q", cookie)
		}
		p = admin.get(t, srv.URL+"/lang?set=en&back="+url.QueryEscape("https://evil.example/"))
		if p.header.Get("Location") != "/" {
			t.Errorf("open redirect: Location = %q", p.header.Get("Location"))
		}
		p = admin.get(t, srv.URL+"/lang?set=klingon&back=/")
		if p.header.Get("Set-Cookie") != "" {
			t.Errorf("unknown language set a cookie: %q", p.header.Get("Set-Cookie"))
		}
	})
}

func TestLocalPath(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/orgs/1", "/orgs/1"},
		{"/orgs/1/people?q=%E7%8E%8B&kind=staff", "/orgs/1/people?q=%E7%8E%8B&kind=staff"},
		{"", "/"},
		{"orgs/1", "/"},
		{"//evil.example/x", "/"},
		{`/\evil.example`, "/"},
		{"https://evil.example/", "/"},
		{"/x\r\nSet-Cookie: a=b", "/"},
		{"javascript:alert(1)", "/"},
	}
	for _, tt := range tests {
		if got := web.LocalPath(tt.in); got != tt.want {
			t.Errorf("localPath(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestErrorPages(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		srv := newServer(t, s)
		admin := signIn(t, s, grant(campusguard.RegionAdmin, f.county))
		tests := []struct {
			name   string
			path   string
			header string
			status int
			title  string
		}{
			{"unknown org", "/orgs/999999", "", 404, "找不到这个页面"},
			{"unknown person", "/people/999999", "", 404, "找不到这个页面"},
			{"non-numeric id", "/orgs/abc", "", 400, "请求有误"},
			{"negative id", "/people/-3", "", 400, "请求有误"},
			{"unknown path", "/nothing/here", "", 404, "找不到这个页面"},
			{"import of a grade", "/orgs/" + itoa(f.grade.ID) + "/import", "", 404, "找不到这个页面"},
			{"import of a region", "/orgs/" + itoa(f.county.ID) + "/import", "", 404, "找不到这个页面"},
			{"people of nothing", "/orgs/999999/people", "", 404, "找不到这个页面"},
			{"unknown static", "/static/nope.css", "", 404, "找不到这个页面"},
			{"fetch script is not served", "/static/vendor/fetch.sh", "", 404, "找不到这个页面"},
			{"english 404", "/orgs/999999", "Accept-Language: en", 404, "Page not found"},
			{"traditional 400", "/orgs/x1", "Accept-Language: zh-HK", 400, "請求有誤"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				var h []string
				if tt.header != "" {
					h = append(h, tt.header)
				}
				p := admin.get(t, srv.URL+tt.path, h...)
				if p.status != tt.status {
					t.Fatalf("GET %s = %d, want %d", tt.path, p.status, tt.status)
				}
				if got := p.text(t, testid("error-title")); got != tt.title {
					t.Errorf("title = %q, want %q", got, tt.title)
				}
				if got := p.text(t, testid("error-status")); got != itoa(int64(tt.status)) {
					t.Errorf("status shown = %q", got)
				}
			})
		}
		// An htmx request gets the error's main block alone.
		p := admin.get(t, srv.URL+"/orgs/999999", "HX-Request: true")
		if p.status != 404 || strings.Contains(p.body, "<html") || len(p.all(t, testid("error"))) != 1 {
			t.Errorf("htmx 404 = %d:\n%.300s", p.status, p.body)
		}
	})
}

// brokenOrgs is a store whose org lookups fail as a broken database would,
// with details in the error that users must not see.
type brokenOrgs struct {
	*sqlstore.Store
}

func (brokenOrgs) FindOrgByID(context.Context, int64) (*campusguard.Org, error) {
	return nil, errors.New("dial tcp 10.0.0.5:5432: connection refused (password=hunter2)")
}

func TestInternalError(t *testing.T) {
	s := sqlstoretest.Open(t)
	f := mustFixture(t, s)
	var logged strings.Builder
	srv := newServerWith(t, s, web.Config{Orgs: brokenOrgs{s}, People: s, Access: s, Logger: textLogger(&logged)})
	admin := signIn(t, s, grant(campusguard.RegionAdmin, f.county))
	p := admin.get(t, srv.URL+"/orgs/"+itoa(f.school.ID))
	if p.status != http.StatusInternalServerError {
		t.Fatalf("status = %d, want 500", p.status)
	}
	if strings.Contains(p.body, "hunter2") || strings.Contains(p.body, "10.0.0.5") {
		t.Errorf("500 page shows the cause:\n%s", p.body)
	}
	if got := p.text(t, testid("error-message")); got != "系统内部错误，请稍后重试" {
		t.Errorf("message = %q", got)
	}
	if !strings.Contains(logged.String(), "hunter2") {
		t.Errorf("the cause was not logged: %q", logged.String())
	}
}
