package e2e

import (
	"fmt"
	"testing"
	"time"

	"campusguard"
)

// TestEnvironmentCorridor: a caretaker, on a phone-sized window at noon
// of a school day, ticks a corridor's three classrooms and logs their
// ventilation in one tap: the overdue list loses all three. On the
// Saturday after, nothing is due and the list is empty.
func TestEnvironmentCorridor(t *testing.T) {
	if skipReason != "" {
		t.Skip(skipReason)
	}
	sys := sysCtx(t)
	noon := time.Date(demoToday.Year, demoToday.Month, demoToday.Day, 12, 0, 0, 0, campusguard.China)
	e2eClock.set(t, noon)
	root := rootRegion(t)
	kind := campusguard.KindSchool
	schools, _, err := store.FindOrgs(sys, campusguard.OrgFilter{Under: &root, Kind: &kind, Limit: 100})
	if err != nil || len(schools) < 2 {
		t.Fatalf("schools: %d, %v", len(schools), err)
	}
	school := schools[len(schools)-1] // not the first primary school, which the readiness walk uses
	corridor := []string{"三楼走廊301教室", "三楼走廊302教室", "三楼走廊303教室"}
	for _, name := range corridor {
		if err := store.SaveSpace(sys, &campusguard.Space{SchoolID: school.ID, Kind: campusguard.SpaceClassroom, Name: name}); err != nil {
			t.Fatal(err)
		}
	}
	caretaker := signIn(t, "e2e-env-caretaker", campusguard.Grant{Role: campusguard.StaffMember, OrgID: school.ID})

	b := newTabAs(t, phone, acceptChinese, caretaker)
	page := fmt.Sprintf("/orgs/%d/environment", school.ID)
	b.open("/")
	b.click(testid("user-menu") + " summary")
	b.follow(testid("nav-environment")) // the caretaker reads no org page: the menu leads here
	if b.path() != page {
		t.Fatalf("the menu led to %s, want %s", b.path(), page)
	}
	before := b.count(testid("env-overdue-item"))
	if before < len(corridor) {
		t.Fatalf("%d overdue at noon, want at least the corridor's %d airings", before, len(corridor))
	}
	for _, name := range corridor {
		b.click(fmt.Sprintf(`[data-testid="env-space"][data-name=%q]`, name))
	}
	b.follow(testid("env-log-submit"))
	if got := b.text(testid("notice")); got != "已登记 3 处。" {
		t.Errorf("notice = %q", got)
	}
	if after := b.count(testid("env-overdue-item")); after != before-len(corridor) {
		t.Errorf("overdue after the corridor = %d, want %d", after, before-len(corridor))
	}
	if n := b.count(testid("env-log-row")); n < len(corridor) {
		t.Errorf("today's logs show %d rows", n)
	}
	if sw, iw := b.overflow(); sw > iw {
		t.Errorf("the log page is %d px wide in a %d px window", sw, iw)
	}

	// The Saturday after: a day off, nothing due.
	saturday := noon.AddDate(0, 0, 5)
	e2eClock.set(t, saturday)
	b.open(page)
	if b.count(testid("env-day-off")) != 1 || b.count(testid("env-overdue-item")) != 0 || b.count(testid("env-overdue-none")) != 1 {
		t.Errorf("on Saturday: day-off note %d, %d overdue", b.count(testid("env-day-off")), b.count(testid("env-overdue-item")))
	}
}
