package e2e

import (
	"fmt"
	"regexp"
	"strconv"
	"testing"

	"campusguard"
)

// TestDetectNow: the county's region admin runs the early warning for the
// demo's last day from the county's alert page, comes back to the list
// with what the run found, and the alerts the store holds agree with it.
func TestDetectNow(t *testing.T) {
	b := newTab(t, desktop, acceptChinese)
	root := rootRegion(t)
	countOpen := func() int {
		t.Helper()
		_, n, err := store.FindAlerts(sysCtx(t), campusguard.AlertFilter{Open: true})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := countOpen()

	list := fmt.Sprintf("/orgs/%d/alerts", root)
	b.open(list)
	if got := b.count(testid("detect-form")); got != 1 {
		t.Fatalf("detect forms on %s got %d, want 1", list, got)
	}
	b.click(testid("detect") + " summary") // the form folds away until asked for
	b.choose(testid("detect-day"), demoToday.String())
	b.follow(testid("detect-submit"))

	notice := b.text(testid("notice"))
	m := regexp.MustCompile(`^已对 (\S+) 运行预警：新开 (\d+) 条，更新 (\d+) 条$`).FindStringSubmatch(notice)
	if m == nil || m[1] != demoToday.String() {
		t.Fatalf("notice got %q, want the run of %s with its counts", notice, demoToday)
	}
	opened, _ := strconv.Atoi(m[2])
	if got, want := countOpen(), before+opened; got != want {
		t.Errorf("open alerts after the run got %d, want %d (%d before, %d opened)", got, want, before, opened)
	}
	if got := b.path(); got != fmt.Sprintf("%s?day=%s&opened=%s&updated=%s", list, demoToday, m[2], m[3]) {
		t.Errorf("after the run the tab shows %s", got)
	}
	// The list shows one alert per group and leaves out the one-day blips,
	// saying how many (issue 19): the two add up to the store's groups.
	count := func(f campusguard.AlertFilter) int {
		t.Helper()
		_, n, err := store.FindAlerts(sysCtx(t), f)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	shown := count(campusguard.AlertFilter{Open: true, Grouped: true, HideBlips: true})
	if got, want := b.text(testid("alerts-total")), strconv.Itoa(shown); got != want {
		t.Errorf("the list counts %s open alerts, the store %s", got, want)
	}
	hidden := 0
	if b.count(testid("alert-blips")) > 0 {
		m := regexp.MustCompile(`另有 (\d+) 条`).FindStringSubmatch(b.text(testid("alert-blips")))
		if m == nil {
			t.Fatalf("blips note got %q", b.text(testid("alert-blips")))
		}
		hidden, _ = strconv.Atoi(m[1])
	}
	if groups := count(campusguard.AlertFilter{Open: true, Grouped: true}); shown+hidden != groups {
		t.Errorf("the list shows %d and hides %d blips, the store holds %d open groups", shown, hidden, groups)
	}
}
