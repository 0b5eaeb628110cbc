package web_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/web"
)

var ctx = context.Background()

// rendered records the pages the tests rendered, for TestMain's check that
// every template ran.
var rendered = struct {
	sync.Mutex
	pages map[string]bool
}{pages: map[string]bool{}}

func TestMain(m *testing.M) {
	web.SetRenderHook(func(page string) {
		rendered.Lock()
		rendered.pages[page] = true
		rendered.Unlock()
	})
	code := m.Run()
	// Only a run of the whole suite can tell whether every page ran.
	if f := flag.Lookup("test.run"); code == 0 && (f == nil || f.Value.String() == "") {
		var missing []string
		for _, p := range web.PageNames() {
			if !rendered.pages[p] {
				missing = append(missing, p)
			}
		}
		sort.Strings(missing)
		if len(missing) > 0 {
			fmt.Fprintf(os.Stderr, "FAIL: templates no test executed: %v\n", missing)
			code = 1
		}
	}
	os.Exit(code)
}

// validID returns a valid ID number born on birth (YYYYMMDD) with sequence
// seq; an odd seq is a man.
func validID(birth string, seq int) string {
	body := fmt.Sprintf("350622%s%03d", birth, seq)
	return body + string(campusguard.IDCheckChar(body))
}

// fixture is a small county: a county, a town, a boarding primary school
// with one grade of two classes, a dorm room, a bus route, a class teacher,
// two students with a guardian, and a second, empty county.
type fixture struct {
	county, town, school, grade, class1, class2, other *campusguard.Org
	room                                               *campusguard.Place
	route                                              *campusguard.BusRoute
	teacher, student, student2                         *campusguard.Person
	studentID                                          string // the full ID number
}

func mustFixture(tb testing.TB, s *sqlstore.Store) *fixture {
	tb.Helper()
	f := &fixture{}
	mk := func(o *campusguard.Org) *campusguard.Org {
		tb.Helper()
		if err := s.CreateOrg(ctx, o); err != nil {
			tb.Fatalf("CreateOrg(%s) = %v", o.Name, err)
		}
		return o
	}
	f.county = mk(&campusguard.Org{Kind: campusguard.KindRegion, Level: campusguard.LevelCounty, Name: "云霄县", Code: "350622"})
	f.town = mk(&campusguard.Org{Kind: campusguard.KindRegion, Level: campusguard.LevelTown, Name: "云陵镇", ParentID: &f.county.ID})
	f.school = mk(&campusguard.Org{Kind: campusguard.KindSchool, SchoolType: campusguard.Primary, Name: "云陵中心小学",
		Code: "35062201", Boarding: true, Address: "云陵镇中山路 8 号", Principal: "林校长", Phone: "0596-8521234",
		ParentID: &f.town.ID})
	f.grade = mk(&campusguard.Org{Kind: campusguard.KindGrade, Name: "一年级", GradeYear: 1, ParentID: &f.school.ID})
	f.class1 = mk(&campusguard.Org{Kind: campusguard.KindClass, Name: "1班", ParentID: &f.grade.ID})
	f.class2 = mk(&campusguard.Org{Kind: campusguard.KindClass, Name: "2班", ParentID: &f.grade.ID})
	f.other = mk(&campusguard.Org{Kind: campusguard.KindRegion, Level: campusguard.LevelCounty, Name: "诏安县"})
	f.room = &campusguard.Place{SchoolID: f.school.ID, Kind: campusguard.PlaceDormRoom, Name: "男生101", Beds: 4}
	if err := s.CreatePlace(ctx, f.room); err != nil {
		tb.Fatalf("CreatePlace = %v", err)
	}
	if err := s.CreatePlace(ctx, &campusguard.Place{SchoolID: f.school.ID, Kind: campusguard.PlaceObservation, Name: "隔离观察室"}); err != nil {
		tb.Fatalf("CreatePlace = %v", err)
	}
	f.teacher = &campusguard.Person{SchoolID: f.school.ID, Kind: campusguard.Staff, Role: campusguard.RoleClassTeacher,
		Name: "王老师", Number: "T001", Phone: "13905960001", IDNumber: validID("19850412", 22), ClassID: &f.class1.ID}
	if err := s.CreatePerson(ctx, f.teacher); err != nil {
		tb.Fatalf("CreatePerson(teacher) = %v", err)
	}
	f.route = &campusguard.BusRoute{SchoolID: f.school.ID, Name: "马铺线", Plate: "闽E·12345"}
	if err := s.CreateBusRoute(ctx, f.route); err != nil {
		tb.Fatalf("CreateBusRoute = %v", err)
	}
	if _, err := s.UpdateOrg(ctx, f.class1.ID, campusguard.OrgUpdate{HeadTeacherID: &f.teacher.ID}); err != nil {
		tb.Fatalf("UpdateOrg(head teacher) = %v", err)
	}
	f.studentID = validID("20190307", 13)
	f.student = &campusguard.Person{SchoolID: f.school.ID, Kind: campusguard.Student, Name: "陈小明", Number: "S001",
		IDNumber: f.studentID, ClassID: &f.class1.ID, Boarding: true, DormRoomID: &f.room.ID, Bed: "3",
		BusRouteID: &f.route.ID, Town: "云陵镇", Village: "城关村"}
	if err := s.CreatePerson(ctx, f.student); err != nil {
		tb.Fatalf("CreatePerson(student) = %v", err)
	}
	if err := s.AddGuardian(ctx, f.student.ID, &campusguard.Guardian{Name: "陈建国", Phone: "13805961234", Relation: "父亲"}); err != nil {
		tb.Fatalf("AddGuardian = %v", err)
	}
	f.student2 = &campusguard.Person{SchoolID: f.school.ID, Kind: campusguard.Student, Name: "林小红", Number: "S002",
		IDNumber: validID("20190511", 24), ClassID: &f.class1.ID}
	if err := s.CreatePerson(ctx, f.student2); err != nil {
		tb.Fatalf("CreatePerson(student2) = %v", err)
	}
	return f
}

// newServer serves the pages from store s on a local address.
func newServer(tb testing.TB, s *sqlstore.Store) *httptest.Server {
	tb.Helper()
	srv := httptest.NewServer(web.New(web.Config{Orgs: s, People: s, Logger: discardLogger()}))
	tb.Cleanup(srv.Close)
	return srv
}

// newServerWith serves the pages with the given configuration.
func newServerWith(tb testing.TB, c web.Config) *httptest.Server {
	tb.Helper()
	srv := httptest.NewServer(web.New(c))
	tb.Cleanup(srv.Close)
	return srv
}

func textLogger(w io.Writer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// page is a fetched response with its parsed HTML.
type page struct {
	status int
	header http.Header
	body   string
	doc    *html.Node
}

// client does not follow redirects, so tests see them.
var client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// get fetches url with the given header lines ("Name: value").
func get(tb testing.TB, url string, headers ...string) *page {
	tb.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		tb.Fatal(err)
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ": ")
		req.Header.Add(k, v)
	}
	return do(tb, req)
}

// postFile uploads content as the multipart field "file" named name.
func postFile(tb testing.TB, url, name string, content []byte, headers ...string) *page {
	tb.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if name != "" {
		fw, err := mw.CreateFormFile("file", name)
		if err != nil {
			tb.Fatal(err)
		}
		fw.Write(content)
	}
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, url, &buf)
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ": ")
		req.Header.Add(k, v)
	}
	return do(tb, req)
}

func do(tb testing.TB, req *http.Request) *page {
	tb.Helper()
	resp, err := client.Do(req)
	if err != nil {
		tb.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	p := &page{status: resp.StatusCode, header: resp.Header, body: string(b)}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		if p.doc, err = html.Parse(bytes.NewReader(b)); err != nil {
			tb.Fatalf("%s %s: parse HTML: %v", req.Method, req.URL, err)
		}
		checkCSP(tb, req.URL.String(), p.doc)
	}
	return p
}

// checkCSP fails for anything the Content-Security-Policy would block: an
// inline script or style, a style attribute, an event handler attribute, a
// javascript: URL.
func checkCSP(tb testing.TB, url string, n *html.Node) {
	tb.Helper()
	if n.Type == html.ElementNode {
		switch n.Data {
		case "style":
			tb.Errorf("%s: <style> element", url)
		case "script":
			if attr(n, "src") == "" {
				tb.Errorf("%s: inline <script>", url)
			}
		}
		for _, a := range n.Attr {
			if a.Key == "style" || strings.HasPrefix(a.Key, "on") || strings.HasPrefix(a.Key, "hx-on") {
				tb.Errorf("%s: <%s %s=%q> is blocked by the CSP", url, n.Data, a.Key, a.Val)
			}
			if (a.Key == "href" || a.Key == "src" || a.Key == "action") && strings.HasPrefix(strings.ToLower(strings.TrimSpace(a.Val)), "javascript:") {
				tb.Errorf("%s: javascript: URL", url)
			}
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		checkCSP(tb, url, c)
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// all returns the nodes that match the CSS selector.
func (p *page) all(tb testing.TB, sel string) []*html.Node {
	tb.Helper()
	if p.doc == nil {
		tb.Fatalf("response is not HTML (status %d): %.200s", p.status, p.body)
	}
	s, err := cascadia.Compile(sel)
	if err != nil {
		tb.Fatalf("selector %q: %v", sel, err)
	}
	return cascadia.QueryAll(p.doc, s)
}

// text returns the trimmed text of the first match of sel; it fails when
// nothing matches.
func (p *page) text(tb testing.TB, sel string) string {
	tb.Helper()
	ns := p.all(tb, sel)
	if len(ns) == 0 {
		tb.Fatalf("no element matches %q in:\n%s", sel, p.body)
	}
	return nodeText(ns[0])
}

// texts returns the text of every match of sel.
func (p *page) texts(tb testing.TB, sel string) []string {
	tb.Helper()
	var out []string
	for _, n := range p.all(tb, sel) {
		out = append(out, nodeText(n))
	}
	return out
}

// testid returns the selector of a data-testid.
func testid(id string) string { return `[data-testid="` + id + `"]` }

func nodeText(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

func itoa(n int64) string { return fmt.Sprint(n) }

// find returns the first node under n that matches sel; it fails if none.
func find(tb testing.TB, n *html.Node, sel string) *html.Node {
	tb.Helper()
	m := cascadia.MustCompile(sel).MatchFirst(n)
	if m == nil {
		tb.Fatalf("no %q in %s", sel, nodeText(n))
	}
	return m
}
