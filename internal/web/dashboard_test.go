package web_test

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"

	"github.com/andybalholm/cascadia"
)

// dashFixture adds to the small county a second town with a junior
// school of one student, opens today and records today's checks: in the
// primary school a fever at the gate and an absence for illness, in the
// junior school a normal reading.
type dashFixture struct {
	*fixture
	town2, junior *campusguard.Org
}

func mustDashFixture(t *testing.T, s *sqlstore.Store) *dashFixture {
	t.Helper()
	f := &dashFixture{fixture: mustFixture(t, s)}
	mk := func(o *campusguard.Org) *campusguard.Org {
		t.Helper()
		if err := s.CreateOrg(ctx, o); err != nil {
			t.Fatalf("CreateOrg(%s) = %v", o.Name, err)
		}
		return o
	}
	f.town2 = mk(&campusguard.Org{Kind: campusguard.KindRegion, Level: campusguard.LevelTown, Name: "火田镇", ParentID: &f.county.ID})
	f.junior = mk(&campusguard.Org{Kind: campusguard.KindSchool, SchoolType: campusguard.Junior, Name: "火田中学", Code: "35062202",
		ParentID: &f.town2.ID})
	grade := mk(&campusguard.Org{Kind: campusguard.KindGrade, Name: "七年级", GradeYear: 7, ParentID: &f.junior.ID})
	class := mk(&campusguard.Org{Kind: campusguard.KindClass, Name: "1班", ParentID: &grade.ID})
	st := &campusguard.Person{SchoolID: f.junior.ID, Kind: campusguard.Student, Name: "张小军", Number: "J001",
		IDNumber: validID("20120304", 31), ClassID: &class.ID}
	if err := s.CreatePerson(ctx, st); err != nil {
		t.Fatalf("CreatePerson = %v", err)
	}
	day := today()
	if err := s.OpenDay(ctx, f.county.ID, day); err != nil {
		t.Fatal(err)
	}
	for _, c := range []*campusguard.Check{
		{PersonID: f.student.ID, Day: day, Kind: campusguard.GateCheck, Temperature: ptrF(38.1), ClientKey: "d1"},
		{PersonID: f.student2.ID, Day: day, Kind: campusguard.MorningCheck, Attendance: campusguard.Absent,
			AbsenceReason: campusguard.AbsentIll, ClientKey: "d2"},
		{PersonID: st.ID, Day: day, Kind: campusguard.GateCheck, Temperature: ptrF(36.5), ClientKey: "d3"},
	} {
		if _, _, err := s.RecordCheck(ctx, c); err != nil {
			t.Fatalf("RecordCheck(%s) = %v", c.ClientKey, err)
		}
	}
	return f
}

// storeDashboard is the store's dashboard of today as the user sees it.
func storeDashboard(t *testing.T, s *sqlstore.Store, u *campusguard.User, id int64) *campusguard.Dashboard {
	t.Helper()
	d, err := s.Dashboard(sqlstoretest.ActorCtx(t, s, u), id, today())
	if err != nil {
		t.Fatalf("Dashboard = %v", err)
	}
	return d
}

func rowNames(t *testing.T, p *page) []string {
	t.Helper()
	return p.texts(t, testid("school-link"))
}

func TestDashboard(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustDashFixture(t, s)
		srv := newServer(t, s)
		admin := signIn(t, s, grant(campusguard.RegionAdmin, f.county))
		dash := srv.URL + "/orgs/" + itoa(f.county.ID) + "/dashboard"

		pg := admin.get(t, dash)
		if pg.status != http.StatusOK {
			t.Fatalf("GET dashboard = %d:\n%s", pg.status, pg.body)
		}
		want := storeDashboard(t, s, admin.user, f.county.ID)
		for id, n := range map[string]int{"dash-expected": want.Today.Expected, "dash-reported": want.Today.Reported,
			"dash-fever": want.Today.Fever, "dash-ill_absent": want.Today.IllAbsent, "dash-open-cases": want.OpenCases,
			"dash-open-alerts": want.OpenAlerts} {
			if got := pg.text(t, testid(id)); got != strconv.Itoa(n) {
				t.Errorf("%s = %q, want %d", id, got, n)
			}
		}
		if want.Today.Expected != 3 || want.Today.Fever != 1 {
			t.Errorf("store today = %+v, want 3 expected, 1 fever", want.Today)
		}
		if n := len(pg.all(t, testid("school-row"))); n != len(want.Schools) || n != 2 {
			t.Errorf("%d school rows, store has %d, want 2", n, len(want.Schools))
		}
		for _, id := range []string{"trend-chart", "trend-json", "trend-table", "row-cases", "row-alerts", "briefings-link", "nav-dashboard"} {
			if len(pg.all(t, testid(id))) == 0 {
				t.Errorf("no %s on the county's dashboard", id)
			}
		}
		// Every light says what it means in words, not colour alone.
		for _, txt := range pg.texts(t, testid("row-light")) {
			if txt == "" {
				t.Errorf("a light without a label")
			}
		}
		links := pg.all(t, testid("school-link"))
		hrefs := []string{}
		for _, a := range links {
			hrefs = append(hrefs, attr(a, "href"))
		}
		if !slices.Contains(hrefs, "/orgs/"+itoa(f.school.ID)+"/dashboard") {
			t.Errorf("school links = %v, want the primary school's dashboard", hrefs)
		}
		// The figures of a row equal the store's.
		for _, row := range pg.all(t, testid("school-row")) {
			name := nodeText(find(t, row, testid("school-link")))
			for _, st := range want.Schools {
				if st.Name != name {
					continue
				}
				if got := nodeText(find(t, row, testid("row-expected"))); got != strconv.Itoa(st.Rollup.Expected) {
					t.Errorf("%s expected = %s, want %d", name, got, st.Rollup.Expected)
				}
				if got := nodeText(find(t, row, testid("row-fever"))); got != strconv.Itoa(st.Rollup.Fever) {
					t.Errorf("%s fever = %s, want %d", name, got, st.Rollup.Fever)
				}
			}
		}

		// Filter by town and by type.
		if got := rowNames(t, admin.get(t, dash+"?town="+itoa(f.town2.ID))); !slices.Equal(got, []string{"火田中学"}) {
			t.Errorf("town filter = %v", got)
		}
		if got := rowNames(t, admin.get(t, dash+"?type=primary")); !slices.Equal(got, []string{"云陵中心小学"}) {
			t.Errorf("type filter = %v", got)
		}
		// Sort by name both ways, and by fever, worst first.
		asc := admin.get(t, dash+"?sort=name")
		desc := admin.get(t, dash+"?sort=-name")
		a, d := rowNames(t, asc), rowNames(t, desc)
		slices.Reverse(d)
		if !slices.Equal(a, d) || len(a) != 2 {
			t.Errorf("sort=name %v, sort=-name reversed %v", a, d)
		}
		th := asc.all(t, `th[aria-sort="ascending"] `+testid("sort-name"))
		if len(th) != 1 || !strings.Contains(attr(th[0], "href"), "sort=-name") {
			t.Errorf("the sorted header does not link to the other order")
		}
		if got := rowNames(t, admin.get(t, dash+"?sort=-fever")); len(got) != 2 || got[0] != "云陵中心小学" {
			t.Errorf("sort=-fever = %v", got)
		}

		// A school's dashboard: its own figures and its classes.
		school := admin.get(t, srv.URL+"/orgs/"+itoa(f.school.ID)+"/dashboard")
		ws := storeDashboard(t, s, admin.user, f.school.ID)
		if got := school.text(t, testid("dash-expected")); got != strconv.Itoa(ws.Today.Expected) || got != "2" {
			t.Errorf("school dash-expected = %q, store %d", got, ws.Today.Expected)
		}
		if got := rowNames(t, school); !slices.Equal(got, []string{"一年级 1班", "一年级 2班"}) {
			t.Errorf("school rows = %v", got)
		}
		if len(school.all(t, testid("school-light"))) != 1 || len(school.all(t, testid("org-page-link"))) != 1 {
			t.Errorf("the school's dashboard lacks its light or the link to its page")
		}
		// The org pages link to the dashboards.
		if got := admin.get(t, srv.URL+"/orgs/"+itoa(f.school.ID)).all(t, testid("dashboard-link")); len(got) != 1 {
			t.Errorf("the school's page does not link to its dashboard")
		}
		if pg := admin.get(t, srv.URL+"/dashboard"); pg.status != http.StatusSeeOther || pg.header.Get("Location") != "/orgs/"+itoa(f.county.ID)+"/dashboard" {
			t.Errorf("GET /dashboard = %d %s", pg.status, pg.header.Get("Location"))
		}
		if pg := admin.get(t, srv.URL+"/orgs/"+itoa(f.grade.ID)+"/dashboard"); pg.status != http.StatusNotFound {
			t.Errorf("a grade's dashboard = %d, want 404", pg.status)
		}

		// An inspector sees the figures, not the cases.
		insp := signIn(t, s, grant(campusguard.Inspector, f.county))
		ip := insp.get(t, dash)
		if got := ip.text(t, testid("dash-expected")); got != "3" {
			t.Errorf("inspector dash-expected = %q", got)
		}
		for _, id := range []string{"dash-cases", "dash-open-cases", "row-cases", "row-alerts", "sort-cases"} {
			if len(ip.all(t, testid(id))) != 0 {
				t.Errorf("the inspector sees %s", id)
			}
		}

		// Access: another county's admin, and no one signed in.
		other := signIn(t, s, grant(campusguard.RegionAdmin, f.other))
		if pg := other.get(t, dash); pg.status != http.StatusNotFound {
			t.Errorf("another county's dashboard = %d, want 404", pg.status)
		}
		if pg := other.get(t, srv.URL+"/orgs/"+itoa(f.county.ID)+"/briefings"); pg.status != http.StatusNotFound {
			t.Errorf("another county's briefings = %d, want 404", pg.status)
		}
		pg = get(t, dash)
		if pg.status != http.StatusSeeOther || !strings.HasPrefix(pg.header.Get("Location"), "/login?next=") {
			t.Errorf("anonymous dashboard = %d %s", pg.status, pg.header.Get("Location"))
		}
	})
}

// TestClassDashboard checks a class's dashboard: the class's figures, one
// row per student with the day's status, and the way in from the school's.
func TestClassDashboard(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustDashFixture(t, s)
		// A third student of the class reports normally, a fourth not at all.
		normal := &campusguard.Person{SchoolID: f.school.ID, Kind: campusguard.Student, Name: "黄小华", Number: "S003",
			IDNumber: validID("20190620", 35), ClassID: &f.class1.ID}
		silent := &campusguard.Person{SchoolID: f.school.ID, Kind: campusguard.Student, Name: "吴小东", Number: "S004",
			IDNumber: validID("20190801", 46), ClassID: &f.class1.ID}
		for _, p := range []*campusguard.Person{normal, silent} {
			if err := s.CreatePerson(ctx, p); err != nil {
				t.Fatalf("CreatePerson(%s) = %v", p.Name, err)
			}
		}
		if err := s.OpenDay(ctx, f.county.ID, today()); err != nil { // the roster changed
			t.Fatal(err)
		}
		if _, _, err := s.RecordCheck(ctx, &campusguard.Check{PersonID: normal.ID, Day: today(), Kind: campusguard.GateCheck,
			Temperature: ptrF(36.6), ClientKey: "c3"}); err != nil {
			t.Fatalf("RecordCheck = %v", err)
		}
		// The fever at the gate opened a case.
		ks, _, err := s.FindCases(ctx, campusguard.CaseFilter{PersonID: &f.student.ID, Open: true})
		if err != nil || len(ks) != 1 {
			t.Fatalf("FindCases = %v, %v; want the fever's case", ks, err)
		}
		k := ks[0]

		srv := newServer(t, s)
		admin := signIn(t, s, grant(campusguard.RegionAdmin, f.county))
		dash := "/orgs/" + itoa(f.class1.ID) + "/dashboard"

		// The school's dashboard links its classes to their dashboards.
		school := admin.get(t, srv.URL+"/orgs/"+itoa(f.school.ID)+"/dashboard")
		var hrefs []string
		for _, a := range school.all(t, testid("school-link")) {
			hrefs = append(hrefs, attr(a, "href"))
		}
		if !slices.Contains(hrefs, dash) {
			t.Errorf("school dashboard's class links = %v, want %s", hrefs, dash)
		}

		pg := admin.get(t, srv.URL+dash)
		if pg.status != http.StatusOK {
			t.Fatalf("GET class dashboard = %d:\n%s", pg.status, pg.body)
		}
		rs, err := s.Rollups(sqlstoretest.ActorCtx(t, s, admin.user), f.class1.ID, today(), today())
		if err != nil || len(rs) != 1 {
			t.Fatalf("Rollups = %v, %v", rs, err)
		}
		want := rs[0]
		if want.Expected != 4 || want.Reported != 2 || want.Fever != 1 || want.IllAbsent != 1 {
			t.Errorf("store roll-up = %+v, want 4 expected, 2 reported, 1 fever, 1 ill", want)
		}
		for id, n := range map[string]int{"dash-expected": want.Expected, "dash-reported": want.Reported,
			"dash-missing": want.Missing, "dash-fever": want.Fever, "dash-ill_absent": want.IllAbsent, "dash-absent": want.Absent} {
			if got := pg.text(t, testid(id)); got != strconv.Itoa(n) {
				t.Errorf("%s = %q, want %d", id, got, n)
			}
		}
		for _, id := range []string{"trend-table", "dash-cases", "org-page-link", "student-table"} {
			if len(pg.all(t, testid(id))) == 0 {
				t.Errorf("no %s on the class's dashboard", id)
			}
		}
		if n := len(pg.all(t, testid("school-row"))); n != 0 {
			t.Errorf("%d children rows on a class's dashboard, want none", n)
		}

		type row struct{ status, temp, href, caseHref string }
		got := map[string]row{}
		rows := pg.all(t, testid("student-row"))
		for _, r := range rows {
			a := find(t, r, testid("student-link"))
			if nodeText(find(t, r, testid("student-status"))) == "" {
				t.Errorf("%s: a status without words", nodeText(a))
			}
			x := row{status: attr(r, "data-status"), temp: nodeText(find(t, r, testid("student-temp"))), href: attr(a, "href")}
			if l := cascadia.QueryAll(r, cascadia.MustCompile(testid("student-case-link"))); len(l) == 1 {
				x.caseHref = attr(l[0], "href")
			}
			got[nodeText(a)] = x
		}
		if len(rows) != 4 {
			t.Errorf("%d student rows, want 4", len(rows))
		}
		for _, w := range []struct {
			p                      *campusguard.Person
			status, temp, caseHref string
		}{
			{f.student, "fever", "38.1 °C", "/cases/" + itoa(k.ID)},
			{f.student2, "absent_ill", "—", ""},
			{normal, "normal", "36.6 °C", ""},
			{silent, "missing", "—", ""},
		} {
			r, ok := got[w.p.Name]
			if !ok {
				t.Errorf("no row for %s: %v", w.p.Name, got)
				continue
			}
			if r.status != w.status || r.temp != w.temp || r.caseHref != w.caseHref || r.href != "/people/"+itoa(w.p.ID) {
				t.Errorf("%s = %+v, want %s %s %q /people/%d", w.p.Name, r, w.status, w.temp, w.caseHref, w.p.ID)
			}
		}
		// The worst first.
		if first := nodeText(find(t, rows[0], testid("student-link"))); first != f.student.Name {
			t.Errorf("first row %s, want the fever", first)
		}

		// The class teacher sees their class; an inspector the figures
		// without the cases; a teacher of another class nothing.
		own := signIn(t, s, grant(campusguard.ClassTeacher, f.class1))
		if pg := own.get(t, srv.URL+dash); pg.status != http.StatusOK || len(pg.all(t, testid("student-row"))) != 4 {
			t.Errorf("the class teacher's class dashboard = %d", pg.status)
		}
		insp := signIn(t, s, grant(campusguard.Inspector, f.county))
		ip := insp.get(t, srv.URL+dash)
		if ip.status != http.StatusOK || len(ip.all(t, testid("student-row"))) != 4 || len(ip.all(t, testid("student-case"))) != 0 {
			t.Errorf("inspector's class dashboard = %d, want 4 rows without cases", ip.status)
		}
		other := signIn(t, s, grant(campusguard.ClassTeacher, f.class2))
		if pg := other.get(t, srv.URL+dash); pg.status != http.StatusNotFound {
			t.Errorf("another class's teacher: class dashboard = %d, want 404", pg.status)
		}
	})
}

func TestBriefing(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustDashFixture(t, s)
		srv := newServer(t, s)
		admin := signIn(t, s, grant(campusguard.RegionAdmin, f.county))
		list := srv.URL + "/orgs/" + itoa(f.county.ID) + "/briefings"
		day := today().String()

		pg := admin.get(t, list)
		if pg.status != http.StatusOK || len(pg.all(t, testid("briefings-none"))) != 1 || len(pg.all(t, testid("briefing-generate"))) != 1 {
			t.Fatalf("empty briefings list = %d:\n%s", pg.status, pg.body)
		}
		// Today's before it is made: the empty state.
		pg = admin.get(t, list+"/"+day)
		if pg.status != http.StatusOK || len(pg.all(t, testid("briefing-empty"))) != 1 || len(pg.all(t, testid("briefing"))) != 0 {
			t.Fatalf("missing briefing = %d:\n%s", pg.status, pg.body)
		}
		if pg := admin.get(t, list+"/2020-01-01"); len(pg.all(t, testid("briefing-empty"))) != 1 || len(pg.all(t, testid("briefing-generate"))) != 0 {
			t.Errorf("an old day without a briefing: no empty state, or a button to make it")
		}

		// An inspector may read, not make.
		insp := signIn(t, s, grant(campusguard.Inspector, f.county))
		if pg := insp.get(t, list); len(pg.all(t, testid("briefing-generate"))) != 0 {
			t.Errorf("the inspector may make a briefing")
		}
		if pg := insp.post(t, list, url.Values{}); pg.status != http.StatusForbidden {
			t.Errorf("inspector POST briefings = %d, want 403", pg.status)
		}

		pg = admin.post(t, list, url.Values{})
		if pg.status != http.StatusSeeOther || pg.header.Get("Location") != "/orgs/"+itoa(f.county.ID)+"/briefings/"+day {
			t.Fatalf("POST briefings = %d %s:\n%s", pg.status, pg.header.Get("Location"), pg.body)
		}
		pg = admin.get(t, srv.URL+pg.header.Get("Location"))
		if len(pg.all(t, testid("briefing"))) != 1 {
			t.Fatalf("no briefing:\n%s", pg.body)
		}
		b, err := s.FindBriefing(sqlstoretest.ActorCtx(t, s, admin.user), f.county.ID, today())
		if err != nil {
			t.Fatal(err)
		}
		if got := pg.text(t, testid("briefing-expected")); got != strconv.Itoa(b.Today.Expected) {
			t.Errorf("briefing-expected = %q, want %d", got, b.Today.Expected)
		}
		if got := pg.text(t, testid("briefing-fever")); got != strconv.Itoa(b.Today.Fever) {
			t.Errorf("briefing-fever = %q, want %d", got, b.Today.Fever)
		}
		if got := len(pg.all(t, testid("briefing-unsigned-school"))); got != len(b.Unsigned) {
			t.Errorf("%d unsigned schools shown, briefing has %d", got, len(b.Unsigned))
		}
		x := pg.all(t, testid("briefing-xlsx"))
		if len(x) != 1 || attr(x[0], "href") != "/api/v1/orgs/"+itoa(f.county.ID)+"/briefings/"+day+"/xlsx?lang=zh-Hans" {
			t.Errorf("no download link to the workbook")
		}
		if len(pg.all(t, testid("briefing-print"))) != 1 || len(pg.all(t, testid("briefing-cases"))) != 1 {
			t.Errorf("no print button or no cases section")
		}
		// The print stylesheet: A4, no navigation.
		css := pg.all(t, `link[rel="stylesheet"]`)
		if len(css) == 0 {
			t.Fatal("no stylesheet")
		}
		sheet := get(t, srv.URL+attr(css[0], "href")).body
		for _, w := range []string{"@media print", "size: A4", ".topbar", "break-inside: avoid"} {
			if !strings.Contains(sheet[strings.LastIndex(sheet, "@media print"):], w) {
				t.Errorf("the print stylesheet lacks %q", w)
			}
		}
		if got := admin.get(t, list).texts(t, testid("briefing-day")); !slices.Equal(got, []string{day}) {
			t.Errorf("briefing days = %v", got)
		}
		// The inspector reads the figures without the cases.
		ip := insp.get(t, list+"/"+day)
		if len(ip.all(t, testid("briefing"))) != 1 || len(ip.all(t, testid("briefing-cases"))) != 0 {
			t.Errorf("inspector's briefing: want the figures and no cases")
		}
		// Only a top-level region has briefings.
		if pg := admin.get(t, srv.URL+"/orgs/"+itoa(f.town.ID)+"/briefings"); pg.status != http.StatusNotFound {
			t.Errorf("a town's briefings = %d, want 404", pg.status)
		}
		if pg := get(t, list); pg.status != http.StatusSeeOther {
			t.Errorf("anonymous briefings = %d, want a redirect to sign in", pg.status)
		}
	})
}
