package e2e

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"campusguard"
)

// TestDirectiveFlow: on the demo's school day the bureau sends a directive
// to three schools it picks from the list; a principal acknowledges it and
// reports it done on a phone; the bureau's page shows the two that have
// not, and reminds them with one action. On the Sunday before, the page
// shows the same.
func TestDirectiveFlow(t *testing.T) {
	if skipReason != "" {
		t.Skip(skipReason)
	}
	sys := sysCtx(t)
	monday := time.Date(demoToday.Year, demoToday.Month, demoToday.Day, 9, 0, 0, 0, campusguard.China)
	e2eClock.set(t, monday)
	root := rootRegion(t)
	kind := campusguard.KindSchool
	schools, _, err := store.FindOrgs(sys, campusguard.OrgFilter{Under: &root, Kind: &kind, Limit: 3})
	if err != nil || len(schools) != 3 {
		t.Fatalf("three schools: %v", err)
	}

	bureauTab := newTab(t, desktop, "zh-CN")
	bureauTab.open("/orgs/" + strconv.FormatInt(root, 10) + "/directives")
	bureauTab.typeIn(testid("directive-title-input"), "关于加强晨午检的通知")
	bureauTab.typeIn(testid("directive-text-input"), "请各校严格落实晨午检制度并上报落实情况。")
	bureauTab.click(testid("target-list"))
	bureauTab.click(`[data-testid="directive-form"] details summary`)
	for _, s := range schools {
		bureauTab.click(`[data-testid="school-` + s.Name + `"]`)
	}
	bureauTab.follow(testid("directive-send"))
	if !strings.HasPrefix(bureauTab.path(), "/directives/") {
		t.Fatalf("after sending: %s", bureauTab.path())
	}
	page := strings.TrimSuffix(bureauTab.path(), "?done=1")
	if n := bureauTab.count(testid("directive-row")); n != 3 {
		t.Fatalf("%d schools on the directive's page, want 3", n)
	}

	// The principal of the first school, on a phone.
	school := schools[0]
	head := newTabAs(t, phone, "zh-CN", signIn(t, "e2e-directive-head", campusguard.Grant{Role: campusguard.SchoolAdmin, OrgID: school.ID}))
	head.open("/schools/" + strconv.FormatInt(school.ID, 10) + "/directives")
	card := `[data-testid="directive-card"] ` // the first: the newest
	if got := head.text(card + testid("directive-title")); got != "关于加强晨午检的通知" {
		t.Fatalf("the school's newest directive = %q", got)
	}
	head.follow(card + testid("directive-ack"))
	if got := head.attrs(testid("directive-card"), "data-state"); got[0] != "acknowledged" {
		t.Fatalf("after acknowledging: %v", got)
	}
	head.typeIn(testid("directive-note-input"), "已落实晨午检，记录完整")
	head.follow(testid("directive-complete"))
	if got := head.attrs(testid("directive-card"), "data-state"); got[0] != "completed" {
		t.Fatalf("after completing: %v", got)
	}
	if sw, iw := head.overflow(); sw > iw {
		t.Errorf("the school's directive is wider than the phone: %d > %d", sw, iw)
	}

	// The bureau: who has not, and one reminder.
	want := []string{schools[1].Name, schools[2].Name}
	slices.Sort(want)
	check := func(when string) {
		t.Helper()
		bureauTab.open(page)
		got := bureauTab.texts(testid("laggard"))
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Fatalf("%s: who has not = %q, want %q", when, got, want)
		}
		states := bureauTab.attrs(testid("directive-row"), "data-state")
		if done := slices.Index(states, "completed"); done < 0 || len(states) != 3 {
			t.Fatalf("%s: rows %v, want one completed of 3", when, states)
		}
	}
	check("on the school day")
	bureauTab.follow(testid("directive-remind"))
	if got := bureauTab.text(testid("notice")); !strings.Contains(got, "2") {
		t.Fatalf("after reminding: %q", got)
	}
	// A day off: the Sunday before, the page is the same.
	e2eClock.set(t, monday.AddDate(0, 0, -1))
	check("on a Sunday")
}
