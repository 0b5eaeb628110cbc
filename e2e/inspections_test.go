package e2e

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"campusguard"
)

// TestInspectionVisitFlow: on a phone-sized window the inspector opens the
// day's visit from the visits of the day, records the checklist (one item
// failing) and a serious finding with a photo from the camera, and closes
// the visit; the school's principal answers the item with evidence on
// their phone; the inspector verifies it and closes it. Each state shows
// on the pages as it is reached.
func TestInspectionVisitFlow(t *testing.T) {
	if skipReason != "" {
		t.Skip(skipReason)
	}
	sys := sysCtx(t)
	monday := time.Date(demoToday.Year, demoToday.Month, demoToday.Day, 9, 0, 0, 0, campusguard.China)
	e2eClock.set(t, monday)
	root := rootRegion(t)
	kind := campusguard.KindSchool
	schools, _, err := store.FindOrgs(sys, campusguard.OrgFilter{Under: &root, Kind: &kind, Limit: 1})
	if err != nil || len(schools) != 1 {
		t.Fatalf("a school: %v", err)
	}
	school := schools[0]
	// A short checklist of the region's, so the form is two items long.
	if _, err := store.SetInspectionChecklist(sys, root, []campusguard.ChecklistItem{
		{Code: "G1", Section: "校门", Title: "校门测温、入校登记落实"},
		{Code: "H1", Section: "健康管理", Title: "临时留观室物品齐全"}}); err != nil {
		t.Fatal(err)
	}
	in := &campusguard.Inspection{RegionID: root, Title: "本周联合督查", Team: "第一联合督查组", Announced: true,
		From: demoToday.AddDays(-1), To: demoToday.AddDays(6), Members: []campusguard.TeamMember{
			{Name: "王建国", Agency: campusguard.AgencyEducation}, {Name: "李卫东", Agency: campusguard.AgencyHealth},
			{Name: "赵敏", Agency: campusguard.AgencyMarket}, {Name: "陈警官", Agency: campusguard.AgencyPolice}}}
	if err := store.CreateInspection(sys, in); err != nil {
		t.Fatal(err)
	}
	v, err := store.AddVisit(sys, in.ID, school.ID, demoToday)
	if err != nil {
		t.Fatal(err)
	}
	visit := "/visits/" + strconv.FormatInt(v.ID, 10)

	photo := filepath.Join(t.TempDir(), "留观室.png")
	img := image.NewRGBA(image.Rect(0, 0, 320, 240))
	for y := 0; y < 240; y++ {
		for x := 0; x < 320; x++ {
			img.Set(x, y, color.RGBA{uint8(x / 2), 120, uint8(y), 255})
		}
	}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	if err := os.WriteFile(photo, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}

	// The inspector, at the school gate.
	insp := newTabAs(t, phone, "zh-CN", signIn(t, "e2e-inspector", campusguard.Grant{Role: campusguard.Inspector, OrgID: root}))
	insp.open("/visits")
	insp.follow(`[data-testid="visits-day"] [data-testid="visit-open"][href="` + visit + `"]`)
	if got := insp.path(); got != visit {
		t.Fatalf("the visit of the day leads to %s, want %s", got, visit)
	}
	if n := insp.count(testid("result-form")); n != 2 {
		t.Fatalf("%d result forms, want 2", n)
	}
	insp.click(`#result-G1 [data-testid="result-pass"]`)
	insp.follow(`#result-G1 [data-testid="result-save"]`)
	insp.click(`#result-H1 [data-testid="result-fail"]`)
	insp.typeIn(`#result-H1 [data-testid="result-note"]`, "留观室堆放杂物")
	insp.follow(`#result-H1 [data-testid="result-save"]`)
	if got := insp.attrs(testid("result"), "data-result"); strings.Join(got, ",") != "pass,fail" {
		t.Fatalf("results shown = %v, want pass,fail", got)
	}
	insp.choose(testid("finding-code"), "H1")
	insp.click(testid("severity-serious"))
	insp.typeIn(testid("finding-note"), "临时留观室堆放杂物，未配备消毒剂")
	insp.setFile(testid("finding-file"), photo)
	insp.choose(testid("finding-deadline"), demoToday.AddDays(3).String())
	insp.typeIn(testid("finding-responsible"), "林校长")
	insp.follow(testid("finding-save"))
	if got := insp.attrs(testid("finding"), "data-severity"); len(got) != 1 || got[0] != "serious" {
		t.Fatalf("findings shown = %v, want one serious", got)
	}
	if n := insp.count(testid("finding-thumb")); n != 1 {
		t.Fatalf("the finding shows %d photos, want 1", n)
	}
	insp.follow(testid("visit-close"))
	if insp.count(testid("visit-closed")) != 1 || insp.count(testid("result-form")) != 0 {
		t.Fatal("the closed visit still shows its forms, or does not say it is closed")
	}
	item := insp.attrs(testid("finding-item"), "href")
	if len(item) != 1 || !strings.HasPrefix(item[0], "/rectifications/") {
		t.Fatalf("the finding links to no item: %v", item)
	}

	// The school answers on its phone.
	head := newTabAs(t, phone, "zh-CN", signIn(t, "e2e-inspected-head", campusguard.Grant{Role: campusguard.SchoolAdmin, OrgID: school.ID}))
	head.open(item[0])
	if got := head.attrs(testid("rect-item"), "data-state"); len(got) != 1 || got[0] != "open" {
		t.Fatalf("the school sees the item %v, want open", got)
	}
	head.typeIn(testid("rect-note"), "已清理留观室，补充消毒剂并落实专人管理")
	head.setFile(testid("rect-file"), photo)
	head.follow(testid("rect-answer"))
	if got := head.attrs(testid("rect-item"), "data-state"); got[0] != "answered" {
		t.Fatalf("after the answer the school sees %v", got)
	}
	if head.count(testid("rect-answer-form")) != 0 || head.count(testid("rect-thumb")) != 1 {
		t.Fatal("the answered item still offers the answer, or does not show the evidence")
	}

	// The inspector verifies and closes it.
	insp.open(item[0])
	if got := insp.attrs(testid("rect-item"), "data-state"); got[0] != "answered" || insp.count(testid("rect-thumb")) != 1 {
		t.Fatalf("the inspector sees %v and %d evidence photos", got, insp.count(testid("rect-thumb")))
	}
	insp.typeIn(testid("rect-comment"), "复查合格")
	insp.follow(testid("rect-close"))
	if got := insp.attrs(testid("rect-item"), "data-state"); got[0] != "closed" {
		t.Fatalf("after the verdict the inspector sees %v", got)
	}
	head.open(item[0])
	if got := head.attrs(testid("rect-item"), "data-state"); got[0] != "closed" || head.count(testid("rect-answer-form")) != 0 {
		t.Fatalf("the school sees %v after the close", got)
	}
}
