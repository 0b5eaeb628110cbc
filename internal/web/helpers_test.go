package web_test

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"

	"campusguard"
	"campusguard/internal/authn"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
	"campusguard/internal/web"
)

// ctx sets the fixtures up as the program itself, with every right.
var ctx = sqlstoretest.Ctx

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

// newServer serves the pages from store s on a local address, behind the
// middleware that signs requests in, as the program does.
func newServer(tb testing.TB, s *sqlstore.Store) *httptest.Server {
	tb.Helper()
	return newServerWith(tb, s, web.Config{Orgs: s, People: s, Access: s, Health: s, Inbox: s, Hooks: s, Settings: s, Cases: s, Alerts: s, Dashboards: s, Logger: discardLogger()})
}

// newServerWith serves the pages with the given configuration; sessions
// are looked up in s.
func newServerWith(tb testing.TB, s *sqlstore.Store, c web.Config) *httptest.Server {
	tb.Helper()
	srv := httptest.NewServer((&authn.Middleware{Store: s, Logger: c.Logger}).Wrap(web.New(c)))
	tb.Cleanup(srv.Close)
	return srv
}

// browser is someone signed in: the cookie their requests carry and the
// CSRF token their forms do.
type browser struct {
	user  *campusguard.User
	token string
	csrf  string
}

// signIn creates an account with the grants and signs it in.
func signIn(tb testing.TB, s *sqlstore.Store, grants ...campusguard.Grant) *browser {
	tb.Helper()
	return sessionOf(tb, s, sqlstoretest.MustUser(tb, s, grants...))
}

// sessionOf signs u in, as with the login form.
func sessionOf(tb testing.TB, s *sqlstore.Store, u *campusguard.User) *browser {
	tb.Helper()
	sess := sqlstoretest.MustSession(tb, s, u)
	return &browser{user: u, token: sess.Token, csrf: sess.CSRF}
}

// grant returns a grant of the role on the node.
func grant(r campusguard.AccessRole, o *campusguard.Org) campusguard.Grant {
	g := campusguard.Grant{Role: r, OrgID: o.ID}
	if r == campusguard.RegionViewer {
		g.Duty = campusguard.DutyCDC // the viewer of the tests reads health data
	}
	return g
}

// cookie is the header that carries the session.
func (b *browser) cookie() string { return "Cookie: " + authn.CookieName + "=" + b.token }

// get fetches url as b.
func (b *browser) get(tb testing.TB, url string, headers ...string) *page {
	tb.Helper()
	return get(tb, url, append([]string{b.cookie()}, headers...)...)
}

// post sends the form as b, with b's CSRF token.
func (b *browser) post(tb testing.TB, u string, form url.Values, headers ...string) *page {
	tb.Helper()
	f := url.Values{}
	for k, v := range form {
		f[k] = v
	}
	if _, ok := f["csrf"]; !ok {
		f.Set("csrf", b.csrf)
	}
	return post(tb, u, f, append([]string{b.cookie()}, headers...)...)
}

// postFile uploads a file as b, with b's CSRF token.
func (b *browser) postFile(tb testing.TB, url, name string, content []byte, headers ...string) *page {
	tb.Helper()
	return postMultipart(tb, url, b.csrf, name, content, append([]string{b.cookie()}, headers...)...)
}

// post sends a form.
func post(tb testing.TB, u string, form url.Values, headers ...string) *page {
	tb.Helper()
	req, err := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ": ")
		req.Header.Add(k, v)
	}
	return do(tb, req)
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

// postMultipart uploads content as the multipart field "file" named name,
// after the field csrf when it is not "".
func postMultipart(tb testing.TB, url, csrf, name string, content []byte, headers ...string) *page {
	tb.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if csrf != "" {
		mw.WriteField("csrf", csrf)
	}
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
		checkForms(tb, req.URL.String(), p.doc)
	}
	return p
}

var (
	postForms = cascadia.MustCompile(`form[method="post"]`)
	csrfInput = cascadia.MustCompile(`input[type="hidden"][name="csrf"]`)
)

// checkForms fails for a form that posts without the CSRF token field.
func checkForms(tb testing.TB, url string, doc *html.Node) {
	tb.Helper()
	for _, f := range cascadia.QueryAll(doc, postForms) {
		if csrfInput.MatchFirst(f) == nil {
			tb.Errorf("%s: <form action=%q> posts without a csrf field", url, attr(f, "action"))
		}
	}
}

// checkCSP fails for anything the Content-Security-Policy would block: an
// inline script (a JSON data block is none) or style, a style attribute, an event handler attribute, a
// javascript: URL.
func checkCSP(tb testing.TB, url string, n *html.Node) {
	tb.Helper()
	if n.Type == html.ElementNode {
		switch n.Data {
		case "style":
			tb.Errorf("%s: <style> element", url)
		case "script":
			// A data block (type application/json) is never run.
			if attr(n, "src") == "" && attr(n, "type") != "application/json" {
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
