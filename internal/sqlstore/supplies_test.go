package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// supplyNow is a Tuesday morning in China.
var supplyNow = time.Date(2026, time.March, 10, 10, 0, 0, 0, campusguard.China)

var supplyToday = campusguard.Today(supplyNow)

func qty(s string) campusguard.Qty {
	q, ok := campusguard.ParseQty(s)
	if !ok {
		panic(s)
	}
	return q
}

// supplyWorld is a tree, its catalogue and a few actors.
type supplyWorld struct {
	tr      *sqlstoretest.Tree
	items   map[string]*campusguard.SupplyItem
	bureau  context.Context // region admin of the county
	officer context.Context // health officer of the school
}

func newSupplyWorld(t *testing.T, s *sqlstore.Store) *supplyWorld {
	t.Helper()
	s.Now = func() time.Time { return supplyNow }
	w := &supplyWorld{tr: sqlstoretest.MustTree(t, s), items: map[string]*campusguard.SupplyItem{}}
	items, err := s.SupplyItems(ctx, w.tr.County.ID)
	if err != nil || len(items) != len(campusguard.DefaultSupplyItems()) {
		t.Fatalf("SupplyItems = %d items, %v", len(items), err)
	}
	for _, it := range items {
		w.items[it.Code] = it
	}
	w.bureau = sqlstoretest.ActorCtx(t, s, sqlstoretest.MustUser(t, s, campusguard.Grant{Role: campusguard.RegionAdmin, OrgID: w.tr.County.ID}))
	w.officer = sqlstoretest.ActorCtx(t, s, sqlstoretest.MustUser(t, s, campusguard.Grant{Role: campusguard.HealthOffice, OrgID: w.tr.School.ID}))
	return w
}

func mustBook(t *testing.T, s *sqlstore.Store, c context.Context, in campusguard.MovementInput) []*campusguard.Movement {
	t.Helper()
	ms, err := s.BookMovement(c, in)
	if err != nil {
		t.Fatalf("BookMovement(%+v) = %v", in, err)
	}
	return ms
}

func balance(t *testing.T, s *sqlstore.Store, holder, item int64, day campusguard.Date) campusguard.Qty {
	t.Helper()
	lines, err := s.Stock(ctx, holder, day)
	if err != nil {
		t.Fatalf("Stock(%d, %s) = %v", holder, day, err)
	}
	for _, l := range lines {
		if l.ItemID == item {
			return l.Balance
		}
	}
	t.Fatalf("Stock(%d) has no item %d", holder, item)
	return 0
}

func countMovements(t *testing.T, s *sqlstore.Store) int {
	t.Helper()
	var n int
	if err := s.DB().QueryRow(`SELECT COUNT(*) FROM supply_movements`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestSupplyNeverNegativeConcurrent: many clerks issue against one balance
// at the same moment; what is accepted never exceeds the stock, every
// refusal names the item and the balance, and the ledger agrees with the
// running balance.
func TestSupplyNeverNegativeConcurrent(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := newSupplyWorld(t, s)
		mask := w.items["mask_surgical"]
		mustBook(t, s, w.officer, campusguard.MovementInput{Kind: campusguard.Receipt, HolderID: w.tr.School.ID, ItemID: mask.ID,
			Quantity: qty("100"), Party: "县教育局"})
		const clerks = 40
		var wg sync.WaitGroup
		var mu sync.Mutex
		accepted, refused := campusguard.Qty(0), 0
		start := make(chan struct{})
		for i := 0; i < clerks; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, err := s.BookMovement(w.officer, campusguard.MovementInput{Kind: campusguard.Issue, HolderID: w.tr.School.ID,
					ItemID: mask.ID, Quantity: qty("7"), Party: "1班"})
				mu.Lock()
				defer mu.Unlock()
				switch campusguard.ErrorCode(err) {
				case "":
					accepted += qty("7")
				case campusguard.Conflict:
					refused++
					var e *campusguard.Error
					if !asError(err, &e) || e.Message != "error.supply_short" || e.Args[0] != mask.Name {
						t.Errorf("refusal = %v, want error.supply_short naming %s", err, mask.Name)
					}
				default:
					t.Errorf("issue: %v", err)
				}
			}()
		}
		close(start)
		wg.Wait()
		// Serialised bookings fill the stock until less than 7 is left.
		if accepted != qty("98") || refused != clerks-14 {
			t.Errorf("accepted %s in %d refusals, want 98 and %d", accepted, refused, clerks-14)
		}
		if got := balance(t, s, w.tr.School.ID, mask.ID, supplyToday); got != qty("2") {
			t.Errorf("balance = %s, want 2", got)
		}
		var ledger, running int64
		s.DB().QueryRow(`SELECT SUM(delta) FROM supply_movements WHERE holder_id = $1 AND item_id = $2`, w.tr.School.ID, mask.ID).Scan(&ledger)
		s.DB().QueryRow(`SELECT balance FROM supply_stock WHERE holder_id = $1 AND item_id = $2`, w.tr.School.ID, mask.ID).Scan(&running)
		if ledger != running || ledger != int64(qty("2")) {
			t.Errorf("ledger %d, running balance %d, want both 2000", ledger, running)
		}
	})
}

func asError(err error, e **campusguard.Error) bool {
	var x *campusguard.Error
	ok := err != nil && errors.As(err, &x)
	*e = x
	return ok
}

// TestSupplyBalanceAtDate: random receipts, issues (back-dated too) and
// stock-takes over a month; the balance at every day equals the sum of the
// accepted movements up to it, and a movement is refused exactly when it
// would take some day's balance below zero.
func TestSupplyBalanceAtDate(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := newSupplyWorld(t, s)
		seed := uint64(time.Now().UnixNano())
		t.Logf("seed %d", seed)
		rng := rand.New(rand.NewPCG(seed, 13))
		item := w.items["alcohol_75"]
		first := supplyToday.AddDays(-29)
		type line struct {
			day   campusguard.Date
			delta campusguard.Qty
		}
		var booked []line
		at := func(d campusguard.Date) campusguard.Qty {
			var sum campusguard.Qty
			for _, l := range booked {
				if !d.Before(l.day) {
					sum += l.delta
				}
			}
			return sum
		}
		fits := func(day campusguard.Date, delta campusguard.Qty) bool {
			for d := day; !supplyToday.Before(d); d = d.AddDays(1) {
				if at(d)+delta < 0 {
					return false
				}
			}
			return true
		}
		for i := 0; i < 120; i++ {
			day := first.AddDays(rng.IntN(30))
			q := campusguard.Qty(rng.IntN(20_000) + 1) // 0.001 to 20 litres
			in := campusguard.MovementInput{HolderID: w.tr.School.ID, ItemID: item.ID, Day: day, Quantity: q}
			var delta campusguard.Qty
			switch r := rng.IntN(10); {
			case r < 4:
				in.Kind, delta = campusguard.Receipt, q
			case r < 9:
				in.Kind, delta = campusguard.Issue, -q
			default:
				in.Kind, in.Reason = campusguard.InputStockTake, "盘点"
				delta = q - at(day)
			}
			want := delta >= 0 || fits(day, delta)
			ms, err := s.BookMovement(w.officer, in)
			if (err == nil) != want {
				t.Fatalf("step %d: %s %s on %s: err %v, want accepted %v", i, in.Kind, q, day, err, want)
			}
			if err != nil && campusguard.ErrorCode(err) != campusguard.Conflict {
				t.Fatalf("step %d: %v", i, err)
			}
			if err == nil && delta != 0 {
				if len(ms) != 1 || ms[0].Delta != delta {
					t.Fatalf("step %d: booked %+v, want one line of %s", i, ms, delta)
				}
				booked = append(booked, line{day, delta})
			}
		}
		for d := first.AddDays(-1); !supplyToday.Before(d); d = d.AddDays(1) {
			if got, want := balance(t, s, w.tr.School.ID, item.ID, d), at(d); got != want {
				t.Errorf("balance on %s = %s, want %s", d, got, want)
			}
		}
	})
}

// TestSupplyTransfer: a transfer is two lines or none; beyond the balance,
// to the same holder, or to a holder out of the region, nothing changes;
// a confirmed distribution books all its lines or none, naming the bad row.
func TestSupplyTransfer(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := newSupplyWorld(t, s)
		mask := w.items["mask_surgical"]
		county, school, other := w.tr.County.ID, w.tr.School.ID, w.tr.Other.ID
		mustBook(t, s, w.bureau, campusguard.MovementInput{Kind: campusguard.Receipt, HolderID: county, ItemID: mask.ID,
			Quantity: qty("1000"), Party: "供应商", Batch: "B1", Expiry: supplyToday.AddDays(20)})
		ms := mustBook(t, s, w.bureau, campusguard.MovementInput{Kind: campusguard.InputTransfer, HolderID: county, ToID: school,
			ItemID: mask.ID, Quantity: qty("300")})
		if len(ms) != 2 || ms[0].Delta != -qty("300") || ms[1].Delta != qty("300") || ms[1].HolderID != school {
			t.Fatalf("transfer = %+v", ms)
		}
		n := countMovements(t, s)
		for _, in := range []campusguard.MovementInput{
			{Kind: campusguard.InputTransfer, HolderID: county, ToID: school, ItemID: mask.ID, Quantity: qty("700.001")},
			{Kind: campusguard.InputTransfer, HolderID: school, ToID: school, ItemID: mask.ID, Quantity: qty("1")},
			{Kind: campusguard.InputTransfer, HolderID: school, ToID: other, ItemID: mask.ID, Quantity: qty("300.5")},
		} {
			if _, err := s.BookMovement(w.bureau, in); err == nil {
				t.Errorf("BookMovement(%+v) succeeded", in)
			}
		}
		if got := countMovements(t, s); got != n {
			t.Errorf("refused transfers wrote %d lines", got-n)
		}
		if a, b := balance(t, s, county, mask.ID, supplyToday), balance(t, s, school, mask.ID, supplyToday); a != qty("700") || b != qty("300") {
			t.Errorf("balances %s, %s, want 700, 300", a, b)
		}
		// A school's clerk does not move stock to another school.
		if _, err := s.BookMovement(w.officer, campusguard.MovementInput{Kind: campusguard.InputTransfer, HolderID: school, ToID: other,
			ItemID: mask.ID, Quantity: qty("1")}); campusguard.ErrorCode(err) != campusguard.Forbidden {
			t.Errorf("clerk's transfer = %v, want forbidden", err)
		}
		// A distribution: the second line is beyond the warehouse.
		_, err := s.ConfirmTransfers(w.bureau, county, []campusguard.TransferLine{
			{FromID: county, ToID: other, ItemID: mask.ID, Quantity: qty("200")},
			{FromID: county, ToID: school, ItemID: mask.ID, Quantity: qty("600")},
		})
		fields := campusguard.ErrorFields(err)
		if campusguard.ErrorCode(err) != campusguard.Invalid || len(fields) != 1 || fields[0].Row != 2 {
			t.Errorf("ConfirmTransfers(too much) = %v, want row 2 named", err)
		}
		if got := countMovements(t, s); got != n {
			t.Errorf("a refused distribution wrote %d lines", got-n)
		}
		ms, err = s.ConfirmTransfers(w.bureau, county, []campusguard.TransferLine{
			{FromID: county, ToID: other, ItemID: mask.ID, Quantity: qty("200")},
			{FromID: county, ToID: school, ItemID: mask.ID, Quantity: qty("500")},
		})
		if err != nil || len(ms) != 4 || balance(t, s, county, mask.ID, supplyToday) != 0 {
			t.Errorf("ConfirmTransfers = %d lines, %v", len(ms), err)
		}
		// Reversing a transfer line undoes both lines, once.
		rev, err := s.ReverseMovement(w.bureau, ms[0].ID, "录错")
		if err != nil || len(rev) != 2 || balance(t, s, other, mask.ID, supplyToday) != 0 || balance(t, s, county, mask.ID, supplyToday) != qty("200") {
			t.Errorf("ReverseMovement = %+v, %v", rev, err)
		}
		if _, err := s.ReverseMovement(w.bureau, ms[0].ID, "again"); campusguard.ErrorCode(err) != campusguard.Conflict {
			t.Errorf("ReverseMovement twice = %v, want conflict", err)
		}
	})
}

// TestSupplyBadInput: each bad input is refused naming its field, and
// nothing is written.
func TestSupplyBadInput(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := newSupplyWorld(t, s)
		mask := w.items["mask_surgical"]
		school := w.tr.School.ID
		mustBook(t, s, w.officer, campusguard.MovementInput{Kind: campusguard.Receipt, HolderID: school, ItemID: mask.ID, Quantity: qty("10")})
		n := countMovements(t, s)
		tests := []struct {
			name  string
			in    campusguard.MovementInput
			field string
		}{
			{"zero", campusguard.MovementInput{Kind: campusguard.Issue, HolderID: school, ItemID: mask.ID}, "quantity"},
			{"negative", campusguard.MovementInput{Kind: campusguard.Issue, HolderID: school, ItemID: mask.ID, Quantity: -1}, "quantity"},
			{"unknown item", campusguard.MovementInput{Kind: campusguard.Issue, HolderID: school, ItemID: 99999, Quantity: 1}, "item_id"},
			{"wrong unit", campusguard.MovementInput{Kind: campusguard.Issue, HolderID: school, ItemID: mask.ID, Quantity: 1, Unit: campusguard.UnitLitre}, "unit"},
			{"expired receipt", campusguard.MovementInput{Kind: campusguard.Receipt, HolderID: school, ItemID: mask.ID, Quantity: 1, Expiry: supplyToday.AddDays(-1)}, "expiry"},
			{"stock-take of no item", campusguard.MovementInput{Kind: campusguard.InputStockTake, HolderID: school, ItemID: 99999, Reason: "盘点"}, "item_id"},
			{"beyond balance", campusguard.MovementInput{Kind: campusguard.Issue, HolderID: school, ItemID: mask.ID, Quantity: qty("10.001")}, "quantity"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := s.BookMovement(w.officer, tt.in)
				found := false
				for _, f := range campusguard.ErrorFields(err) {
					found = found || f.Field == tt.field
				}
				if !found {
					t.Errorf("BookMovement = %v, want an error on %s", err, tt.field)
				}
			})
		}
		// An import: all rows or none, every bad row named.
		_, err := s.BookMovements(w.officer, school, []campusguard.MovementInput{
			{Kind: campusguard.Issue, ItemID: mask.ID, Quantity: qty("4")},
			{Kind: campusguard.Issue, ItemID: 99999, Quantity: qty("1")},
			{Kind: campusguard.Issue, ItemID: mask.ID, Quantity: qty("7")},
		})
		rows := map[int]bool{}
		for _, f := range campusguard.ErrorFields(err) {
			rows[f.Row] = true
		}
		if !rows[2] || !rows[3] || rows[1] {
			t.Errorf("BookMovements = %v, want rows 2 and 3 named", err)
		}
		if got := countMovements(t, s); got != n {
			t.Errorf("refused input wrote %d lines", got-n)
		}
	})
}

// TestSupplyRoles: the role matrix of supplies.
func TestSupplyRoles(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := newSupplyWorld(t, s)
		mask := w.items["mask_surgical"]
		mustBook(t, s, w.bureau, campusguard.MovementInput{Kind: campusguard.Receipt, HolderID: w.tr.County.ID, ItemID: mask.ID, Quantity: qty("1000")})
		mustBook(t, s, w.bureau, campusguard.MovementInput{Kind: campusguard.Receipt, HolderID: w.tr.School.ID, ItemID: mask.ID, Quantity: qty("1000")})
		as := func(g campusguard.Grant) context.Context {
			return sqlstoretest.ActorCtx(t, s, sqlstoretest.MustUser(t, s, g))
		}
		county, school, other := w.tr.County.ID, w.tr.School.ID, w.tr.Other.ID
		type want struct{ readSchool, readOther, issue, warehouse, transfer, item campusguard.Code }
		ok := campusguard.Code("")
		nf, fb := campusguard.NotFound, campusguard.Forbidden
		tests := []struct {
			name string
			c    context.Context
			want want
		}{
			{"region admin", w.bureau, want{ok, ok, ok, ok, ok, ok}},
			{"health officer", w.officer, want{ok, nf, ok, nf, fb, fb}},
			{"principal", as(campusguard.Grant{Role: campusguard.SchoolAdmin, OrgID: school}), want{ok, nf, ok, nf, fb, fb}},
			{"class teacher", as(campusguard.Grant{Role: campusguard.ClassTeacher, OrgID: w.tr.Class1.ID}), want{nf, nf, nf, nf, nf, nf}},
			{"gate staff", as(campusguard.Grant{Role: campusguard.GateStaff, OrgID: school}), want{nf, nf, nf, nf, nf, nf}},
			{"inspector", as(campusguard.Grant{Role: campusguard.Inspector, OrgID: county}), want{ok, ok, fb, fb, fb, fb}},
			{"market viewer", as(campusguard.Grant{Role: campusguard.RegionViewer, OrgID: county, Duty: campusguard.DutyMarket}), want{ok, ok, fb, fb, fb, fb}},
			{"police viewer", as(campusguard.Grant{Role: campusguard.RegionViewer, OrgID: county, Duty: campusguard.DutyPolice}), want{nf, nf, nf, nf, nf, nf}},
			{"other school's officer", as(campusguard.Grant{Role: campusguard.HealthOffice, OrgID: other}), want{nf, ok, nf, nf, nf, fb}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := s.Stock(tt.c, school, supplyToday)
				check := func(what string, err error, want campusguard.Code) {
					t.Helper()
					if got := campusguard.ErrorCode(err); got != want {
						t.Errorf("%s: %v, want %q", what, err, want)
					}
				}
				check("read school", err, tt.want.readSchool)
				_, err = s.Stock(tt.c, other, supplyToday)
				check("read other", err, tt.want.readOther)
				_, err = s.BookMovement(tt.c, campusguard.MovementInput{Kind: campusguard.Issue, HolderID: school, ItemID: mask.ID, Quantity: 1})
				check("issue", err, tt.want.issue)
				_, err = s.BookMovement(tt.c, campusguard.MovementInput{Kind: campusguard.Issue, HolderID: county, ItemID: mask.ID, Quantity: 1})
				check("warehouse issue", err, tt.want.warehouse)
				_, err = s.ConfirmTransfers(tt.c, county, []campusguard.TransferLine{{FromID: county, ToID: school, ItemID: mask.ID, Quantity: qty("1")}})
				if tt.want.transfer == fb && campusguard.ErrorCode(err) == nf {
					err = campusguard.Errorf(fb, "") // out of sight is refused too
				}
				check("transfer", err, tt.want.transfer)
				err = s.CreateSupplyItem(tt.c, &campusguard.SupplyItem{RegionID: county, Code: fmt.Sprintf("x%d", time.Now().UnixNano()),
					Name: "测温贴", Unit: campusguard.UnitBox, UnitWeight: qty("0.1")})
				if tt.want.item == fb && campusguard.ErrorCode(err) == nf {
					err = campusguard.Errorf(fb, "")
				}
				if tt.want.item == nf && campusguard.ErrorCode(err) == fb {
					err = campusguard.Errorf(nf, "")
				}
				check("create item", err, tt.want.item)
			})
		}
	})
}

// TestSupplyCoverAndLowStock: cover from the norm at its edge, the
// low-stock alert once per item and school until it recovers, in the
// school's and the region's inboxes, and the county's picture.
func TestSupplyCoverAndLowStock(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := newSupplyWorld(t, s)
		mask := w.items["mask_surgical"] // norm 2 a day
		school := w.tr.School.ID
		for i := 0; i < 9; i++ { // 9 students and 1 staff: 20 masks a day
			p := &campusguard.Person{SchoolID: school, Kind: campusguard.Student, Name: "学生", Number: fmt.Sprintf("S%d", i), ClassID: &w.tr.Class1.ID}
			if err := s.CreatePerson(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.CreatePerson(ctx, &campusguard.Person{SchoolID: school, Kind: campusguard.Staff, Name: "老师", Number: "T1", Role: campusguard.RoleTeacher}); err != nil {
			t.Fatal(err)
		}
		inactive := &campusguard.Person{SchoolID: school, Kind: campusguard.Student, Name: "离校", Number: "X1", ClassID: &w.tr.Class1.ID}
		if err := s.CreatePerson(ctx, inactive); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpdatePerson(ctx, inactive.ID, campusguard.PersonUpdate{Active: ptrTo(false)}); err != nil {
			t.Fatal(err)
		}
		mustBook(t, s, w.officer, campusguard.MovementInput{Kind: campusguard.Receipt, HolderID: school, ItemID: mask.ID, Quantity: qty("140")})
		line := func() campusguard.StockLine {
			lines, err := s.Stock(w.officer, school, supplyToday)
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range lines {
				if l.ItemID == mask.ID {
					return l
				}
			}
			t.Fatal("no mask line")
			return campusguard.StockLine{}
		}
		if l := line(); l.Headcount != 10 || l.Cover.Days() != "7.0" || l.Low {
			t.Fatalf("at 140 masks: headcount %d, cover %s, low %v; want 10, 7.0, not low", l.Headcount, l.Cover.Days(), l.Low)
		}
		alerts := func() (int, int) {
			t.Helper()
			opened, recovered, err := s.DetectLowStock(ctx, w.tr.County.ID, supplyToday)
			if err != nil {
				t.Fatal(err)
			}
			return opened, recovered
		}
		inboxFor := func(c context.Context) int {
			ns, _, err := s.Inbox(c, false, 0, 100)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, x := range ns {
				if x.Kind == "supply_low" && len(x.Args) > 1 && x.Args[1] == mask.Name {
					n++
				}
			}
			return n
		}
		base, _ := alerts() // other items (no stock at all) are low already
		if base == 0 {
			t.Errorf("a school with no alcohol opened no alert")
		}
		mustBook(t, s, w.officer, campusguard.MovementInput{Kind: campusguard.Issue, HolderID: school, ItemID: mask.ID, Quantity: qty("0.001")})
		if l := line(); l.Cover.Days() != "6.9" || !l.Low {
			t.Fatalf("at 139.999 masks: cover %s, low %v; want 6.9, low", l.Cover.Days(), l.Low)
		}
		if o, _ := alerts(); o != 1 {
			t.Errorf("DetectLowStock opened %d, want 1", o)
		}
		if o, _ := alerts(); o != 0 {
			t.Errorf("DetectLowStock again opened %d, want 0", o)
		}
		if a, b := inboxFor(w.officer), inboxFor(w.bureau); a != 1 || b != 1 {
			t.Errorf("inbox: school %d, region %d messages; want 1 each", a, b)
		}
		p, err := s.SupplyPicture(w.bureau, w.tr.County.ID, supplyToday)
		if err != nil {
			t.Fatal(err)
		}
		// The other school has nobody and uses nothing: it is not short.
		if len(p.Schools) != 2 || p.LowSchools != 1 || p.Schools[0].SchoolID != school || p.Tonnes != "0.001" {
			t.Errorf("picture: %+v, %d low, %s t; want 2 schools, ours first and low, 0.001 t", p.Schools, p.LowSchools, p.Tonnes)
		}
		// The dashboard's line and light, and the briefing.
		d, err := s.Dashboard(w.bureau, w.tr.County.ID, supplyToday)
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range d.Schools {
			if st.SchoolID == school && (st.LowStock == 0 || st.Light == campusguard.LightGreen) {
				t.Errorf("dashboard line: low stock %d, light %s", st.LowStock, st.Light)
			}
		}
		b, err := s.GenerateBriefing(w.bureau, w.tr.County.ID, supplyToday)
		if err != nil {
			t.Fatal(err)
		}
		if len(b.LowStock) != 1 || b.LowStock[0] != w.tr.School.Name || b.SupplyTonnes != "0.001" {
			t.Errorf("briefing: low %v, %s t", b.LowStock, b.SupplyTonnes)
		}
		mustBook(t, s, w.officer, campusguard.MovementInput{Kind: campusguard.Receipt, HolderID: school, ItemID: mask.ID, Quantity: qty("1")})
		if _, r := alerts(); r != 1 {
			t.Errorf("DetectLowStock recovered %d, want 1", r)
		}
		mustBook(t, s, w.officer, campusguard.MovementInput{Kind: campusguard.Issue, HolderID: school, ItemID: mask.ID, Quantity: qty("2")})
		if o, _ := alerts(); o != 1 {
			t.Errorf("low again: opened %d, want 1", o)
		}
		if a := inboxFor(w.officer); a != 2 {
			t.Errorf("inbox after a second drop: %d, want 2", a)
		}
		// Who is open decides the headcount (issue 11): class 1 suspended,
		// its nine students are not expected; class 2's one student and the
		// staff member are; every class suspended, nobody is. (Before the
		// first suspension the classes are counted; from it on, the
		// roll-ups the suspension recounted are read.)
		if err := s.CreatePerson(ctx, &campusguard.Person{SchoolID: school, Kind: campusguard.Student, Name: "二班学生", Number: "S2-1",
			ClassID: &w.tr.Class2.ID}); err != nil {
			t.Fatal(err)
		}
		if l := line(); l.Headcount != 11 {
			t.Errorf("a student in class 2: headcount %d, want 11", l.Headcount)
		}
		class := &campusguard.Suspension{OrgID: w.tr.Class1.ID, Start: supplyToday, Reason: "流感样病例暴发"}
		if err := s.Suspend(w.bureau, class); err != nil {
			t.Fatal(err)
		}
		if l := line(); l.Headcount != 2 {
			t.Errorf("class 1 suspended: headcount %d, want 2 (class 2's student and the staff member)", l.Headcount)
		}
		if err := s.Suspend(w.bureau, &campusguard.Suspension{OrgID: w.tr.Class2.ID, Start: supplyToday, Reason: "流感样病例暴发"}); err != nil {
			t.Fatal(err)
		}
		if l := line(); l.Headcount != 0 {
			t.Errorf("every class suspended: headcount %d, want 0", l.Headcount)
		}
		if err := s.Resume(w.bureau, class.ID, supplyToday, "连续4天无新发病例"); err != nil {
			t.Fatal(err)
		}
		if l := line(); l.Headcount != 10 {
			t.Errorf("class 1 resumed: headcount %d, want 10", l.Headcount)
		}
	})
}
