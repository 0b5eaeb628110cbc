package e2e

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"campusguard"
)

// dashboardPath is the address of a region's, school's or class's
// dashboard of the day; the zero day is the server's today.
func dashboardPath(id int64, day campusguard.Date) string {
	p := orgPath(id) + "/dashboard"
	if !day.IsZero() {
		p += "?day=" + day.String()
	}
	return p
}

// apiDashboard is GET /api/v1/orgs/{id}/dashboard?day=, as the demo
// county's region admin.
func apiDashboard(t testing.TB, id int64, day campusguard.Date) *campusguard.Dashboard {
	t.Helper()
	var d campusguard.Dashboard
	apiGet(t, fmt.Sprintf("/orgs/%d/dashboard?day=%s", id, day), &d)
	return &d
}

// demoSchoolDay returns the demo county's last school day with checks: the
// newest day of the trend of its dashboard on demoToday.
func demoSchoolDay(t testing.TB, root int64) campusguard.Date {
	t.Helper()
	d := apiDashboard(t, root, demoToday)
	for i := len(d.Trend) - 1; i >= 0; i-- {
		// Today is opened (expected) by the server's open-day job at
		// 09:30 but has no reports yet: the day with checks is before.
		if d.Trend[i].Expected > 0 && d.Trend[i].Reported > 0 {
			return d.Trend[i].Day
		}
	}
	t.Fatalf("GET /api/v1/orgs/%d/dashboard?day=%s: no day of the trend has reports", root, demoToday)
	return campusguard.Date{}
}

// checkDashFigures checks the day's expected, reported and fever figures of
// the dashboard the tab shows against the API's.
func checkDashFigures(t *testing.T, b *tab, where string, d *campusguard.Dashboard) {
	t.Helper()
	for _, f := range []struct {
		id   string
		want int
	}{
		{"dash-expected", d.Today.Expected},
		{"dash-reported", d.Today.Reported},
		{"dash-fever", d.Today.Fever},
	} {
		if got, want := b.textJS(testid(f.id)), grouped(f.want); got != want {
			t.Errorf("%s: %s got %q, want the API's %q", where, f.id, got, want)
		}
	}
}

// TestDashboard walks the demo county's dashboard on a desktop, then opens
// the dashboard and today's briefing on a desktop and on a phone (saving
// them to docs/screenshots with CAMPUSGUARD_SCREENSHOTS=1).
func TestDashboard(t *testing.T) {
	t.Run("walk", testDashboardWalk)
	for _, vp := range []viewport{desktop, phone} {
		t.Run(vp.name, func(t *testing.T) { testDashboardScreens(t, vp) })
	}
}

// testDashboardWalk opens the demo county's dashboard on the demo's day,
// checks its figures against the API, clicks down to a school's dashboard,
// the school's page, a class and a student, and goes back through the
// history to the county's dashboard; then from the school's dashboard
// through a class's dashboard to a student, and back.
func testDashboardWalk(t *testing.T) {
	b := newTab(t, desktop, acceptChinese)
	l := demoLineage(t)
	root := l.root

	day := demoSchoolDay(t, root.ID)
	regionDash := dashboardPath(root.ID, day)
	api := apiDashboard(t, root.ID, day)
	if api.Today.Expected == 0 || api.Today.Reported == 0 {
		t.Fatalf("GET /api/v1/orgs/%d/dashboard?day=%s: today %+v, want students expected and reports", root.ID, day, api.Today)
	}
	checkRegion := func(when string) {
		t.Helper()
		where := fmt.Sprintf("region dashboard %s (%s)", regionDash, when)
		if got := b.path(); got != regionDash {
			t.Fatalf("%s: page got %s", where, got)
		}
		if got := b.textJS(testid("dash-name")); got != root.Name {
			t.Errorf("%s: dash-name got %q, want %q", where, got, root.Name)
		}
		if got := b.attrs(testid("dash-day"), "value"); len(got) != 1 || got[0] != day.String() {
			t.Errorf("%s: dash-day got %q, want [%s]", where, got, day)
		}
		checkDashFigures(t, b, where, api)
		if got, want := b.count(testid("school-row")), len(api.Schools); got != want {
			t.Errorf("%s: school rows got %d, want the API's %d schools", where, got, want)
		}
	}

	b.open(regionDash)
	checkRegion("opened")
	b.waitVisible(testid("trend-chart"))
	if n := b.count(testid("trend-chart") + " canvas"); n == 0 {
		t.Errorf("region dashboard: the trend chart has no canvas, want it drawn")
	}

	// Down: the school's dashboard, its page, a class, a student.
	b.follow(fmt.Sprintf("%s[href=%q]", testid("school-link"), dashboardPath(l.school.ID, campusguard.Date{})))
	schoolDash := dashboardPath(l.school.ID, campusguard.Date{})
	if got := b.path(); got != schoolDash {
		t.Fatalf("the school link went to %s, want %s", got, schoolDash)
	}
	if got := b.text(testid("dash-name")); got != l.school.Name {
		t.Errorf("school dashboard %s: dash-name got %q, want %q", schoolDash, got, l.school.Name)
	}
	schoolDay, err := campusguard.ParseDate(b.attrs(testid("dash-day"), "value")[0])
	if err != nil {
		t.Fatalf("school dashboard %s: dash-day: %v", schoolDash, err)
	}
	checkDashFigures(t, b, "school dashboard "+schoolDash, apiDashboard(t, l.school.ID, schoolDay))

	b.follow(testid("org-page-link"))
	checkOrgPage(t, b, chinese, l.school.ID)
	b.follow(linkTo("class-link", l.class.ID))
	checkOrgPage(t, b, chinese, l.class.ID)
	b.follow(fmt.Sprintf("%s %s[href=%q]", testid("student-row"), testid("person-link"), personPath(l.student.ID)))
	if got, want := b.path(), personPath(l.student.ID); got != want {
		t.Fatalf("the student link went to %s, want %s", got, want)
	}
	if got := b.text(testid("person-name")); got != l.student.Name {
		t.Errorf("person page: person-name got %q, want %q", got, l.student.Name)
	}

	// Back, through the browser's history.
	for _, p := range []string{orgPath(l.class.ID), orgPath(l.school.ID), schoolDash, regionDash} {
		b.back(p)
	}
	checkRegion("after going back")

	// Down again from the school's dashboard: a class's dashboard, with its
	// figures and students, and a student; then back.
	b.open(schoolDash)
	classDash := dashboardPath(l.class.ID, campusguard.Date{})
	b.follow(fmt.Sprintf("%s[href=%q]", testid("school-link"), classDash))
	if got := b.path(); got != classDash {
		t.Fatalf("the class link went to %s, want %s", got, classDash)
	}
	if got := b.text(testid("dash-name")); got != l.class.Name {
		t.Errorf("class dashboard %s: dash-name got %q, want %q", classDash, got, l.class.Name)
	}
	classDay, err := campusguard.ParseDate(b.attrs(testid("dash-day"), "value")[0])
	if err != nil {
		t.Fatalf("class dashboard %s: dash-day: %v", classDash, err)
	}
	checkDashFigures(t, b, "class dashboard "+classDash, apiDashboard(t, l.class.ID, classDay))
	if b.count(testid("student-row")) == 0 {
		t.Errorf("class dashboard %s: no student rows", classDash)
	}
	b.follow(fmt.Sprintf("%s %s[href=%q]", testid("student-row"), testid("student-link"), personPath(l.student.ID)))
	if got, want := b.path(), personPath(l.student.ID); got != want {
		t.Fatalf("the student link of the class dashboard went to %s, want %s", got, want)
	}
	if got := b.text(testid("person-name")); got != l.student.Name {
		t.Errorf("person page: person-name got %q, want %q", got, l.student.Name)
	}
	b.back(classDash)
	if got := b.textJS(testid("dash-name")); got != l.class.Name {
		t.Errorf("class dashboard after going back: dash-name got %q, want %q", got, l.class.Name)
	}
	b.back(schoolDash)
}

// testDashboardScreens opens the county's dashboard at the viewport and
// generates today's briefing with the button of the briefings page; with
// CAMPUSGUARD_SCREENSHOTS=1 it saves both pages to docs/screenshots.
func testDashboardScreens(t *testing.T, vp viewport) {
	b := newTab(t, vp, acceptChinese)
	root := rootRegion(t)
	day := demoSchoolDay(t, root)
	api := apiDashboard(t, root, day)
	if api.Today.Reported == 0 {
		t.Fatalf("GET /api/v1/orgs/%d/dashboard?day=%s: nobody reported, want the demo's reports", root, day)
	}

	dash := dashboardPath(root, day)
	b.open(dash)
	checkDashFigures(t, b, "region dashboard "+dash, api)
	b.waitVisible(testid("trend-chart"))
	if vp.phone {
		checkFits(t, b, dash)
	}
	saveScreenshot(t, b, "dashboard-"+vp.name)

	list := orgPath(root) + "/briefings"
	b.open(list)
	b.follow(testid("briefing-generate"))
	prefix := list + "/"
	path := b.path()
	if !strings.HasPrefix(path, prefix) {
		t.Fatalf("generating the briefing went to %s, want a page under %s", path, prefix)
	}
	briefDay := strings.TrimPrefix(path, prefix)
	if _, err := campusguard.ParseDate(briefDay); err != nil {
		t.Fatalf("generating the briefing went to %s: the day: %v", path, err)
	}
	b.text(testid("briefing")) // the briefing was made and is shown
	if got := b.text(testid("briefing-day")); got != briefDay {
		t.Errorf("briefing %s: briefing-day got %q, want %q", path, got, briefDay)
	}
	var br campusguard.Briefing
	apiGet(t, fmt.Sprintf("/orgs/%d/briefings/%s", root, briefDay), &br)
	if title := b.text(testid("briefing-title")); !strings.Contains(title, br.RegionName) {
		t.Errorf("briefing %s: briefing-title got %q, want the region %q", path, title, br.RegionName)
	}
	if vp.phone {
		checkFits(t, b, path)
	}
	saveScreenshot(t, b, "briefing-"+vp.name)
}

// checkFits fails the test when the page the tab shows is wider than a
// phone's screen.
func checkFits(t *testing.T, b *tab, path string) {
	t.Helper()
	if sw, iw := b.overflow(); sw > iw {
		t.Errorf("%s at %dpx: scrollWidth got %d, want <= innerWidth %d", path, phone.width, sw, iw)
	}
}

// saveScreenshot takes a full-page PNG of the tab and, with
// CAMPUSGUARD_SCREENSHOTS=1, saves it as docs/screenshots/NAME.png.
func saveScreenshot(t *testing.T, b *tab, name string) {
	t.Helper()
	png := b.screenshot()
	if !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
		t.Fatalf("screenshot %s: got %d bytes that are not a PNG, want a PNG", name, len(png))
	}
	if os.Getenv(EnvScreenshots) != "1" {
		return
	}
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("runtime.Caller: no file name")
	}
	dir := filepath.Join(filepath.Dir(file), "..", "docs", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	file = filepath.Join(dir, name+".png")
	if err := os.WriteFile(file, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: %s (%d KB)", b.path(), file, len(png)>>10)
}

// textJS returns the trimmed visible text of the first element the selector
// matches, read by a script rather than a DOM query, so that it works on a
// page restored from the back/forward cache; it fails when there is none.
func (b *tab) textJS(sel string) string {
	b.t.Helper()
	got := b.texts(sel)
	if len(got) == 0 {
		b.t.Fatalf("text of %s on %s: no such element", sel, b.path())
	}
	return got[0]
}

// waitVisible waits until the first element the selector matches is
// visible.
func (b *tab) waitVisible(sel string) {
	b.t.Helper()
	ctx, cancel := b.query()
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(sel))); err != nil {
		b.t.Fatalf("wait for %s to show on %s: %v", sel, b.path(), err)
	}
}

// back goes one page back in the tab's history, as the browser's back
// button does, and waits until the page at want (path and query) has
// loaded. It does not wait for a network response: the browser may restore
// the page from its back/forward cache (even with Cache-Control: no-store),
// after which chromedp's DOM queries (text, click) wait forever on the
// document they knew; read such a page with the helpers that evaluate
// script (textJS, texts, attrs, count).
func (b *tab) back(want string) {
	b.t.Helper()
	ctx, cancel := b.query()
	defer cancel()
	from := b.path()
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`history.back()`)); err != nil {
		b.t.Fatalf("history.back() on %s: %v", from, err)
	}
	want = server.URL() + want
	var last string
	for {
		// Between the pages there is no document to ask: errors pass.
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href + " " + document.readyState`))
		if err == nil {
			last = s
			if s == want+" complete" {
				return
			}
		}
		if ctx.Err() != nil {
			b.t.Fatalf("back from %s: got %q, want %s loaded", from, last, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
