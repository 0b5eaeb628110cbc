package e2e

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"campusguard"
)

// setOffline cuts the tab's network, service worker included, or gives it
// back, through the DevTools protocol's network emulation; navigator.onLine
// follows.
func (b *tab) setOffline(off bool) {
	b.t.Helper()
	yes := true
	_, err := chromedp.Call(b.ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
		EmulateOfflineServiceWorker: &yes,
		MatchedNetworkConditions:    []*network.Conditions{{Offline: off, DownloadThroughput: -1, UploadThroughput: -1}},
	})
	if err != nil {
		// Chromium before about 150 (Debian's bookworm package was 148)
		// takes the older shape of the same command: offline at the top,
		// the rules without it, and no flag for the service worker (its
		// fetches follow the page's conditions there).
		older := cdp.Command[map[string]any, map[string]any]{Method: network.CommandEmulateNetworkConditionsByRule}
		_, err = chromedp.Call(b.ctx, older, map[string]any{
			"offline": off,
			"matchedNetworkConditions": []map[string]any{{"urlPattern": "", "latency": 0,
				"downloadThroughput": -1, "uploadThroughput": -1}},
		})
	}
	if err != nil {
		b.t.Fatalf("emulate offline %v: %v", off, err)
	}
	if _, err := chromedp.Call(b.ctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: off,
		DownloadThroughput: -1, UploadThroughput: -1}); err != nil {
		b.t.Fatalf("override network state %v: %v", off, err)
	}
}

// waitFor evaluates the script until it is true, for at most queryTimeout,
// and fails with what it waited for otherwise.
func (b *tab) waitFor(what, script string) {
	b.t.Helper()
	for end := time.Now().Add(queryTimeout); ; {
		if evalJS[bool](b, script) {
			return
		}
		if time.Now().After(end) {
			b.t.Fatalf("waiting for %s on %s: %s stayed false", what, b.path(), script)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestOfflineClassCheck: a class teacher opens the morning check, the
// network goes (the DevTools protocol's offline emulation), the teacher
// records the class, and the page shows it waiting with the time it was
// taken; a second submit, a correction with a misread 45.0 °C, waits too.
// The page opens again from the phone while offline. When the network
// returns the first arrives, once for each student, with the time it was
// taken (not when it arrived); the second is refused and stays on the page
// with the server's reason until dismissed.
func TestOfflineClassCheck(t *testing.T) {
	school, _, class := mustCreateSchool(t, "离线测试")
	var pupils []*campusguard.Person
	for i, name := range []string{"山甲", "山乙", "山丙"} {
		p := &campusguard.Person{SchoolID: school.ID, ClassID: &class.ID, Kind: campusguard.Student, Name: name,
			Number: "L00" + strconv.Itoa(i+1)}
		if err := store.CreatePerson(sysCtx(t), p); err != nil {
			t.Fatalf("create student: %v", err)
		}
		pupils = append(pupils, p)
	}
	b := newTabAs(t, phone, acceptChinese,
		signIn(t, "e2e-offline-teacher", campusguard.Grant{Role: campusguard.ClassTeacher, OrgID: class.ID}))
	page := orgPath(class.ID) + "/checks?kind=morning"
	b.open(page)
	// The service worker installs; the page loaded under it is kept.
	ctx, cancel := b.query()
	ready, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`navigator.serviceWorker.ready.then(() => true)`, chromedp.EvalAwaitPromise))
	cancel()
	if err != nil || !ready {
		t.Fatalf("no service worker: %v", err)
	}
	b.open(page)
	b.waitFor("the service worker to control the page", `navigator.serviceWorker.controller !== null`)
	if got := b.count(testid("offline-waiting")); got != 0 {
		t.Fatalf("waiting before anything was recorded: %d", got)
	}

	b.setOffline(true)
	b.waitFor("the page to know it is offline", `navigator.onLine === false`)
	temp := func(p *campusguard.Person) string {
		return fmt.Sprintf(`[data-testid=check-student][data-person="%d"] [data-testid=temp]`, p.ID)
	}
	// The temperature field of a present student opens once typed in
	// (CSS :has); the values are set as typing would.
	setTemp := func(p *campusguard.Person, v string) {
		evalJS[bool](b, fmt.Sprintf(`(document.querySelector(%s).value = %s, true)`, jsString(temp(p)), jsString(v)))
	}
	for i, p := range pupils {
		setTemp(p, []string{"36.4", "36.7", "36.5"}[i])
	}
	b.click(testid("class-check-submit"))
	b.waitFor("the class check to wait on the phone", `document.querySelectorAll("[data-testid=offline-waiting]").length === 1`)
	if got := b.path(); got != page {
		t.Fatalf("offline, the submit went to %s", got)
	}
	if got := b.attrs(testid("offline-count"), "data-count"); len(got) != 1 || got[0] != "1" {
		t.Errorf("waiting count = %q, want 1", got)
	}
	// A correction: the second student misread at 45.0 °C.
	setTemp(pupils[1], "45.0")
	b.click(testid("class-check-submit"))
	b.waitFor("the correction to wait too", `document.querySelectorAll("[data-testid=offline-waiting]").length === 2`)
	taken := b.attrs(testid("offline-waiting"), "data-taken")
	var takenAt time.Time
	takenAt, err = time.Parse(time.RFC3339Nano, taken[0])
	if err != nil {
		t.Fatalf("taken time %q: %v", taken[0], err)
	}
	shown := b.texts(testid("offline-waiting") + " time")
	if want := takenAt.In(time.Local).Format("15:04:05"); len(shown) != 2 || shown[0] != want {
		t.Errorf("the page shows the first taken at %q, want %s", shown, want)
	}
	// Still offline, the page opens from the phone, with what waits.
	if _, err := chromedp.Run(b.ctx, chromedp.Reload()); err != nil {
		t.Fatalf("reload offline: %v", err)
	}
	b.waitFor("the kept page with the queue", `document.querySelectorAll("[data-testid=offline-waiting]").length === 2`)
	if n := len(checksOf(t, class.ID)); n != 0 {
		t.Fatalf("offline, the server has %d checks of the class", n)
	}

	b.setOffline(false)
	b.waitFor("the queue to be sent", `document.querySelectorAll("[data-testid=offline-waiting]").length === 0 &&
		document.querySelectorAll("[data-testid=offline-refused]").length === 1`)
	reason := b.text(testid("offline-reason"))
	if !strings.Contains(reason, pupils[1].Name) || !strings.Contains(reason, "34") {
		t.Errorf("the refusal reads %q, want the student and the temperature range", reason)
	}
	if got := b.text(testid("offline-status")); !strings.Contains(got, "1") {
		t.Errorf("status after sending = %q, want one sent", got)
	}
	checks := checksOf(t, class.ID)
	if len(checks) != len(pupils) {
		t.Fatalf("the server has %d checks of the class, want one for each of %d students", len(checks), len(pupils))
	}
	want := map[int64]string{pupils[0].ID: "36.4", pupils[1].ID: "36.7", pupils[2].ID: "36.5"}
	for _, c := range checks {
		if c.Version != 1 || c.Temperature == nil || strconv.FormatFloat(*c.Temperature, 'f', 1, 64) != want[c.PersonID] {
			t.Errorf("check of %d = version %d, %v; want the first submission's %s", c.PersonID, c.Version, c.Temperature, want[c.PersonID])
		}
		if !onServerClock(c.At, takenAt) {
			t.Errorf("check of %d taken at %v, want the phone's %v moved onto the server's clock %v", c.PersonID, c.At, takenAt, e2eClock.now())
		}
		if !c.ReceivedAt.After(c.At) {
			t.Errorf("check of %d received at %v, want after it was taken at %v", c.PersonID, c.ReceivedAt, c.At)
		}
	}
	// The refused one stays until the teacher dismisses it.
	b.click(testid("offline-dismiss"))
	b.waitFor("the refused one to go", `document.querySelectorAll("[data-testid=offline-refused]").length === 0`)
}

// onServerClock reports whether a stored moment is the phone's moment
// taken (on the browser's clock, the real one) moved onto the server's
// clock (09:30 of the demo's today, months away): as long before the
// server's now as the phone held it before sending, which is less than
// the time since it was taken, and more than nothing.
func onServerClock(stored, taken time.Time) bool {
	now := e2eClock.now()
	return !stored.Before(now.Add(-time.Since(taken))) && stored.Before(now)
}

// checksOf returns every stored version of the class's morning checks on
// the server's today.
func checksOf(t *testing.T, classID int64) []*campusguard.Check {
	t.Helper()
	day := campusguard.Today(e2eClock.now())
	kind := campusguard.MorningCheck
	cs, _, err := store.FindChecks(sysCtx(t), campusguard.CheckFilter{ClassID: &classID, Day: &day, Kind: &kind, History: true, Limit: 100})
	if err != nil {
		t.Fatalf("FindChecks: %v", err)
	}
	return cs
}

// TestOfflineGateAndHomeReport: the gate page and the home report queue
// the same way: a student found at the gate before the network went is
// recorded without it, a guardian's report too; both arrive once the
// network returns, each with the time it was taken.
func TestOfflineGateAndHomeReport(t *testing.T) {
	school, _, class := mustCreateSchool(t, "离线校门")
	child := &campusguard.Person{SchoolID: school.ID, ClassID: &class.ID, Kind: campusguard.Student, Name: "岭上丁", Number: "G001"}
	if err := store.CreatePerson(sysCtx(t), child); err != nil {
		t.Fatalf("create student: %v", err)
	}
	storedOf := func(kind campusguard.CheckKind) []*campusguard.Check {
		t.Helper()
		day := campusguard.Today(e2eClock.now())
		cs, _, err := store.FindChecks(sysCtx(t), campusguard.CheckFilter{PersonID: &child.ID, Day: &day, Kind: &kind, History: true, Limit: 10})
		if err != nil {
			t.Fatalf("FindChecks: %v", err)
		}
		return cs
	}
	record := func(b *tab, page string, fill func(), kind campusguard.CheckKind) {
		t.Helper()
		b.open(page)
		ctx, cancel := b.query()
		_, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`navigator.serviceWorker.ready.then(() => true)`, chromedp.EvalAwaitPromise))
		cancel()
		if err != nil {
			t.Fatalf("no service worker on %s: %v", page, err)
		}
		fill()
		b.setOffline(true)
		b.waitFor("the page to know it is offline", `navigator.onLine === false`)
		b.click(`form[data-offline] button[type=submit]`)
		b.waitFor("the submission to wait", `document.querySelectorAll("[data-testid=offline-waiting]").length === 1`)
		takenAt, err := time.Parse(time.RFC3339Nano, b.attrs(testid("offline-waiting"), "data-taken")[0])
		if err != nil {
			t.Fatal(err)
		}
		if n := len(storedOf(kind)); n != 0 {
			t.Fatalf("offline, the server has %d %s checks", n, kind)
		}
		b.setOffline(false)
		b.waitFor("the queue to be sent", `document.querySelectorAll("[data-offline-list] li").length === 0`)
		cs := storedOf(kind)
		if len(cs) != 1 || !onServerClock(cs[0].At, takenAt) || !cs[0].ReceivedAt.After(cs[0].At) {
			t.Fatalf("%s checks = %d, want one taken at the phone's %v on the server's clock, and received after", kind, len(cs), takenAt)
		}
	}

	gate := newTabAs(t, phone, acceptChinese,
		signIn(t, "e2e-offline-gate", campusguard.Grant{Role: campusguard.GateStaff, OrgID: school.ID}))
	record(gate, orgPath(school.ID)+"/gate", func() {
		gate.typeIn(testid("gate-search"), "岭上")
		gate.waitFor("the search result", `document.querySelectorAll("[data-testid=gate-pick]").length === 1`)
		gate.typeIn(testid("temperature"), "36.6")
	}, campusguard.GateCheck)

	teacher := newTabAs(t, phone, acceptChinese,
		signIn(t, "e2e-offline-home", campusguard.Grant{Role: campusguard.ClassTeacher, OrgID: class.ID}))
	record(teacher, personPath(child.ID)+"/home-report", func() {
		teacher.typeIn(testid("temperature"), "36.8")
	}, campusguard.HomeCheck)
}
