package e2e

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"campusguard"
)

// e2eClock is the server's clock: 09:30 of the demo's today (a school
// day), unless a test sets another time or the real clock.
var e2eClock clock

type clock struct {
	fixed atomic.Pointer[time.Time]
	real  atomic.Bool
}

func (c *clock) now() time.Time {
	if c.real.Load() {
		return time.Now()
	}
	if t := c.fixed.Load(); t != nil {
		return *t
	}
	return time.Date(demoToday.Year, demoToday.Month, demoToday.Day, 9, 30, 0, 0, campusguard.China)
}

// setReal gives the server the real clock until the test ends: for what
// the browser stamps with its own (offline capture's taken times).
func (c *clock) setReal(tb testing.TB) {
	c.real.Store(true)
	tb.Cleanup(func() { c.real.Store(false) })
}

// set fixes the clock at t until the test ends.
func (c *clock) set(tb testing.TB, t time.Time) {
	c.fixed.Store(&t)
	tb.Cleanup(func() { c.fixed.Store(nil) })
}

// TestReadinessWalk: on a school day, a principal answers the checklist on
// a phone with a photo from the camera, the bureau returns one item and
// accepts the other, the principal answers it again, the bureau approves,
// and the dashboard shows the school open; on the next day off nobody is
// open.
func TestReadinessWalk(t *testing.T) {
	if skipReason != "" {
		t.Skip(skipReason)
	}
	sys := sysCtx(t)
	monday := time.Date(demoToday.Year, demoToday.Month, demoToday.Day, 9, 0, 0, 0, campusguard.China)
	e2eClock.set(t, monday)
	root := rootRegion(t)
	primary := campusguard.Primary
	kind := campusguard.KindSchool
	schools, _, err := store.FindOrgs(sys, campusguard.OrgFilter{Under: &root, Kind: &kind, SchoolType: &primary, Limit: 1})
	if err != nil || len(schools) != 1 {
		t.Fatalf("a primary school: %v", err)
	}
	school := schools[0]
	if _, err := store.SetChecklist(sys, root, []campusguard.ChecklistItem{{Code: "A1", Section: "七个到位", Title: "防控机制到位"},
		{Code: "B1", Section: "八道关", Title: "校门关：测温通道与入校登记"}}); err != nil {
		t.Fatal(err)
	}
	// From this phase on the county's reopening is under control: only
	// approved schools are open. The phase goes when the test ends.
	phase := &campusguard.Phase{RegionID: root, Name: "全部年级", SchoolType: campusguard.Primary, Grades: []int{1, 2, 3, 4, 5, 6},
		Start: demoToday.AddDays(-7)}
	if err := store.SetPhase(sys, phase); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.DeletePhase(campusguard.SystemContext(t.Context(), "e2e"), root, phase.ID) })

	photo := filepath.Join(t.TempDir(), "校门.png")
	img := image.NewRGBA(image.Rect(0, 0, 800, 600))
	for y := 0; y < 600; y++ {
		for x := 0; x < 800; x++ {
			img.Set(x, y, color.RGBA{uint8(x / 4), uint8(y / 3), 200, 255})
		}
	}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	if err := os.WriteFile(photo, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}

	head := newTabAs(t, phone, "zh-CN", signIn(t, "e2e-readiness-head", campusguard.Grant{Role: campusguard.SchoolAdmin, OrgID: school.ID}))
	page := "/schools/" + strconv.FormatInt(school.ID, 10) + "/readiness"
	head.open(page)
	if n := head.count(testid("answer-form")); n != 2 {
		t.Fatalf("%d answer forms, want 2", n)
	}
	head.click(`#item-A1 [data-testid="state-done"]`)
	head.typeIn(`#item-A1 [data-testid="answer-note"]`, "领导小组已成立")
	head.setFile(`#item-A1 [data-testid="answer-file"]`, photo)
	head.follow(`#item-A1 [data-testid="answer-save"]`)
	if n := head.count(`#item-A1 [data-testid="item-thumb"]`); n != 1 {
		t.Fatalf("A1 shows %d thumbnails after the upload", n)
	}
	head.click(`#item-B1 [data-testid="state-partly"]`)
	head.follow(`#item-B1 [data-testid="answer-save"]`)
	head.follow(testid("readiness-submit"))
	if got := head.attrs(testid("readiness-status"), "data-status"); got[0] != "in_review" {
		t.Fatalf("after submitting: %v", got)
	}

	bureauTab := newTab(t, desktop, "zh-CN")
	bureauTab.open(page)
	bureauTab.typeIn(`#item-B1 [data-testid="review-comment"]`, "请补充测温通道照片")
	bureauTab.follow(`#item-B1 [data-testid="review-return"]`)
	bureauTab.follow(`#item-A1 [data-testid="review-accept"]`)

	head.open(page)
	if codes := head.attrs(testid("item"), "data-code"); codes[0] != "B1" {
		t.Fatalf("the school sees %v, the returned item not first", codes)
	}
	if c := head.text(`#item-B1 [data-testid="item-comment"]`); !bytes.Contains([]byte(c), []byte("测温通道")) {
		t.Fatalf("B1's comment = %q", c)
	}
	head.click(`#item-B1 [data-testid="state-done"]`)
	head.setFile(`#item-B1 [data-testid="answer-file"]`, photo)
	head.follow(`#item-B1 [data-testid="answer-save"]`)
	head.follow(testid("readiness-submit"))

	bureauTab.open(page)
	bureauTab.follow(`#item-B1 [data-testid="review-accept"]`)
	bureauTab.follow(testid("readiness-approve"))
	if got := bureauTab.attrs(testid("readiness-status"), "data-status"); got[0] != "approved" {
		t.Fatalf("after the approval: %v", got)
	}

	// The dashboard: the school open, and only it.
	students := 0
	classes, _, err := store.FindOrgs(sys, campusguard.OrgFilter{Under: &school.ID, Kind: ptr(campusguard.KindClass), Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range classes {
		ps, n, err := store.FindPeople(sys, campusguard.PersonFilter{ClassID: &c.ID, Kind: ptr(campusguard.Student), Limit: 1})
		if err != nil || ps == nil && n > 0 {
			t.Fatal(err)
		}
		students += n
	}
	dash := "/orgs/" + strconv.FormatInt(root, 10) + "/dashboard"
	bureauTab.open(dash)
	if got := bureauTab.attrs(testid("reopening-figures"), "data-open-students"); got[0] != strconv.Itoa(students) || students == 0 {
		t.Fatalf("the dashboard shows %v students open, want the school's %d", got, students)
	}
	bureauTab.open("/orgs/" + strconv.FormatInt(root, 10) + "/readiness")
	open := bureauTab.attrs(`[data-testid="readiness-row"][data-reopening="open"]`, "data-reopening")
	if len(open) != 1 {
		t.Fatalf("%d schools open on the overview, want 1", len(open))
	}

	// A day off: the Sunday before. The dashboard says so and shows the
	// last school day, the Friday, before the approval: nobody open.
	e2eClock.set(t, monday.AddDate(0, 0, -1))
	bureauTab.open(dash)
	if got := bureauTab.attrs(testid("reopening-figures"), "data-open-classes"); got[0] != "0" {
		t.Fatalf("on a Sunday the dashboard shows %v classes open", got)
	}
	if bureauTab.count(testid("day-off")) != 1 {
		t.Fatal("the dashboard does not say the day is off")
	}
	friday := campusguard.DateOf(monday.AddDate(0, 0, -3)).String()
	if got := bureauTab.text(testid("dash-date")); got != friday {
		t.Fatalf("on a Sunday the dashboard shows %s, want the Friday %s", got, friday)
	}
}
