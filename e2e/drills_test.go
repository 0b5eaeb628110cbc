package e2e

import (
	"strconv"
	"testing"
	"time"

	"campusguard"
)

// TestDrillWalk: on a phone-sized window a principal plans a drill, starts
// it and injects a case; the case's page wears the drill mark; its
// normal steps report it after 4 minutes and isolate it after
// 9, on the case's own page; the drill is finished with a problem; the
// bureau's drills page, on a desktop, shows the school's times.
func TestDrillWalk(t *testing.T) {
	if skipReason != "" {
		t.Skip(skipReason)
	}
	sys := sysCtx(t)
	start := time.Date(demoToday.Year, demoToday.Month, demoToday.Day, 10, 0, 0, 0, campusguard.China)
	e2eClock.set(t, start)
	root := rootRegion(t)
	kind := campusguard.KindSchool
	schools, _, err := store.FindOrgs(sys, campusguard.OrgFilter{Under: &root, Kind: &kind, Limit: 3})
	if err != nil || len(schools) < 3 {
		t.Fatalf("schools: %v", err)
	}
	school := schools[2]
	head := newTabAs(t, phone, "zh-CN", signIn(t, "e2e-drill-head", campusguard.Grant{Role: campusguard.SchoolAdmin, OrgID: school.ID}))
	head.open("/schools/" + strconv.FormatInt(school.ID, 10) + "/drills")
	head.choose(testid("drill-scenario"), string(campusguard.ScenarioClassSuspected))
	head.typeIn(testid("drill-participants"), "全体教职工")
	head.follow(testid("drill-plan"))
	if got := head.attrs(testid("drill-state"), "data-state"); len(got) != 1 || got[0] != "planned" {
		t.Fatalf("after planning: %v on %s", got, head.path())
	}
	drill := head.path()
	head.follow(testid("drill-start"))
	head.follow(testid("drill-inject"))
	if got := head.text(testid("case-drill")); got != "演练" {
		t.Fatalf("the injected case's page shows %q, not the drill mark, on %s", got, head.path())
	}
	if sw, iw := head.overflow(); sw > iw {
		t.Errorf("the drill case's page is %d px wide on a %d px phone", sw, iw)
	}
	e2eClock.set(t, start.Add(4*time.Minute))
	head.follow(testid("move-submit")) // reported
	e2eClock.set(t, start.Add(9*time.Minute))
	head.click(testid("isolation-observation_room"))
	head.follow(testid("move-submit")) // isolated
	if got := head.attrs(testid("case-state"), "class"); len(got) == 0 {
		t.Fatal("no case state after isolating")
	}
	head.open(drill)
	if got := head.text(testid("drill-isolate-time")); got != "9 分 0 秒" {
		t.Fatalf("the drill's isolation time = %q", got)
	}
	head.typeIn(testid("drill-problem-1"), "隔离室钥匙找不到")
	head.typeIn(testid("drill-responsible-1"), "王校医")
	head.follow(testid("drill-finish"))
	if got := head.attrs(testid("drill-state"), "data-state"); len(got) != 1 || got[0] != "finished" {
		t.Fatalf("after finishing: %v", got)
	}
	if sw, iw := head.overflow(); sw > iw {
		t.Errorf("the drill's page is %d px wide on a %d px phone", sw, iw)
	}

	bureau := newTab(t, desktop, "zh-CN")
	bureau.open("/orgs/" + strconv.FormatInt(root, 10) + "/drills")
	row := `[data-testid="drill-school"][data-school="` + school.Name + `"] `
	if got := bureau.text(row + testid("drill-report-time")); got != "4 分 0 秒" {
		t.Errorf("the region's page shows the school's report time %q, want 4 分 0 秒", got)
	}
	if got := bureau.text(row + testid("drill-isolate-time")); got != "9 分 0 秒" {
		t.Errorf("the region's page shows the school's isolation time %q, want 9 分 0 秒", got)
	}
}
