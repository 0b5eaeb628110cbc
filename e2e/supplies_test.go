package e2e

import (
	"fmt"
	"strings"
	"testing"

	"campusguard"
)

// TestSuppliesFlow: a school's clerk books an issue in a few taps on a
// phone-sized window; the bureau, at its desk, sees the school's balance
// change and the school among the low-stock ones, and confirms the
// proposed distribution from the warehouse in one action.
func TestSuppliesFlow(t *testing.T) {
	sys := sysCtx(t)
	root := rootRegion(t)
	day := campusguard.Today(store.Now())
	// The demo county's best-stocked school that is open today (the
	// readiness tests may have put the county under phased reopening):
	// not one of its low ones, and one that uses masks.
	pic, err := store.SupplyPicture(sys, root, day)
	if err != nil || len(pic.Schools) == 0 {
		t.Fatalf("SupplyPicture = %v", err)
	}
	items, err := store.SupplyItems(sys, root)
	if err != nil {
		t.Fatal(err)
	}
	mask := items[0]
	var school *campusguard.Org
	var lines []campusguard.StockLine
	for i := len(pic.Schools) - 1; i >= 0 && school == nil; i-- {
		ls, err := store.Stock(sys, pic.Schools[i].SchoolID, day)
		if err != nil {
			t.Fatal(err)
		}
		if len(ls) > 0 && ls[0].ItemID == mask.ID && ls[0].Cover.DailyUse > 0 && !ls[0].Low {
			if school, err = store.FindOrgByID(sys, pic.Schools[i].SchoolID); err != nil {
				t.Fatal(err)
			}
			lines = ls
		}
	}
	if school == nil {
		t.Fatalf("no school of the demo county uses masks today: %+v", pic.Schools)
	}
	// Ten more days of masks by the school's norm, and plenty in the
	// warehouse.
	daily := lines[0].Cover.DailyUse
	before := lines[0].Balance
	target := before + daily*10
	if _, err := store.BookMovement(sys, campusguard.MovementInput{Kind: campusguard.Receipt, HolderID: school.ID, ItemID: mask.ID,
		Quantity: daily * 10, Party: "e2e"}); err != nil {
		t.Fatal(err)
	}
	if _, err := store.BookMovement(sys, campusguard.MovementInput{Kind: campusguard.Receipt, HolderID: root, ItemID: mask.ID,
		Quantity: campusguard.Units(1_000_000), Party: "e2e"}); err != nil {
		t.Fatal(err)
	}
	clerk := signIn(t, "e2e-supply-clerk", campusguard.Grant{Role: campusguard.HealthOffice, OrgID: school.ID})

	// The clerk, on a phone: the first item (masks), a quantity, the
	// first target chip already chosen, one tap.
	b := newTabAs(t, phone, acceptChinese, clerk)
	page := fmt.Sprintf("/orgs/%d/supplies", school.ID)
	b.open(page)
	if got := b.texts(testid("supply-balance"))[0]; got != target.String() {
		t.Fatalf("balance on the phone = %q, want %s", got, target)
	}
	issue := target - daily*3 // all but three days' worth go out: the school is low
	b.typeIn(testid("supply-quantity"), issue.String())
	b.follow(testid("supply-issue-submit"))
	if got := b.text(testid("notice")); got != "已登记" {
		t.Errorf("notice after the issue = %q", got)
	}
	left := target - issue
	if got := b.texts(testid("supply-balance"))[0]; got != left.String() {
		t.Errorf("balance after the issue = %q, want %s", got, left)
	}
	if got := b.texts(testid("supply-move-kind"))[0]; got != "发放" {
		t.Errorf("latest ledger line = %q, want 发放", got)
	}
	if sw, iw := b.overflow(); sw > iw {
		t.Errorf("the clerk's page is %d px wide in a %d px window", sw, iw)
	}

	// The bureau, at its desk: the picture, the school low, its balance.
	d := newTab(t, desktop, acceptChinese)
	d.open(fmt.Sprintf("/orgs/%d/supplies/picture", root))
	if got := d.text(testid("supply-tonnes")); got == "" || got == "0.000" {
		t.Errorf("tonnes = %q", got)
	}
	low := false
	for i, name := range d.texts(testid("supply-school-link")) {
		if name == school.Name {
			low = strings.Contains(d.texts(testid("supply-school-cover"))[i], "不足")
		}
	}
	if !low {
		t.Errorf("%s is not shown low on the picture", school.Name)
	}
	d.open(page)
	if got := d.texts(testid("supply-balance"))[0]; got != left.String() {
		t.Errorf("the bureau sees %q, want %s", got, left)
	}
	d.open(fmt.Sprintf("/orgs/%d/supplies/picture", root))
	if d.count(testid("supply-proposal-line")) == 0 {
		t.Fatal("no proposed transfer")
	}
	d.follow(testid("supply-proposal-confirm"))
	if got := d.text(testid("notice")); got != "调拨方案已执行" {
		t.Errorf("notice after confirming = %q", got)
	}
	d.open(page)
	if got, _ := campusguard.ParseQty(d.texts(testid("supply-balance"))[0]); got <= left {
		t.Errorf("after the distribution the school holds %s, want more than %s", got, left)
	}
}
