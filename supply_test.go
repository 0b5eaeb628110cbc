package campusguard

import (
	"encoding/json"
	"testing"
	"time"
)

func q(s string) Qty {
	v, ok := ParseQty(s)
	if !ok {
		panic("bad qty " + s)
	}
	return v
}

func TestParseQty(t *testing.T) {
	tests := []struct {
		in   string
		want Qty
		ok   bool
	}{
		{"12", 12000, true}, {"12.5", 12500, true}, {"0.125", 125, true}, {".5", 500, true}, {"-3", -3000, true},
		{"+2.01", 2010, true}, {" 7 ", 7000, true}, {"0", 0, true},
		{"", 0, false}, {"1.2345", 0, false}, {"abc", 0, false}, {"1e3", 0, false}, {"1,000", 0, false},
		{"NaN", 0, false}, {".", 0, false}, {"-", 0, false}, {"1.", 0, false}, {"99999999999999999999", 0, false},
	}
	for _, tt := range tests {
		got, ok := ParseQty(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseQty(%q) = %d, %v, want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestQtyString(t *testing.T) {
	for in, want := range map[Qty]string{12000: "12", 12500: "12.5", 125: "0.125", -3010: "-3.01", 0: "0"} {
		if got := in.String(); got != want {
			t.Errorf("Qty(%d).String() = %q, want %q", in, got, want)
		}
	}
	// JSON: a string out, a string or a number in, never a float on the way.
	b, _ := json.Marshal(struct{ Q Qty }{q("0.1")})
	if string(b) != `{"Q":"0.1"}` {
		t.Errorf("json = %s", b)
	}
	var v struct{ Q Qty }
	if err := json.Unmarshal([]byte(`{"Q":0.3}`), &v); err != nil || v.Q != 300 {
		t.Errorf("unmarshal 0.3 = %d, %v", v.Q, err)
	}
	if err := json.Unmarshal([]byte(`{"Q":"x"}`), &v); err == nil {
		t.Errorf("unmarshal \"x\" succeeded")
	}
	// 0.1 + 0.2 is exactly 0.3: what floats get wrong.
	if q("0.1")+q("0.2") != q("0.3") {
		t.Errorf("0.1 + 0.2 != 0.3")
	}
}

func FuzzParseQty(f *testing.F) {
	for _, s := range []string{"12", "12.5", "-0.001", "1e3", ".5", "", "١٢"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, ok := ParseQty(s)
		if !ok {
			return
		}
		back, ok := ParseQty(v.String())
		if !ok || back != v {
			t.Fatalf("ParseQty(%q) = %d, but %q reads back as %d", s, v, v.String(), back)
		}
	})
}

func TestTonnes(t *testing.T) {
	for kg, want := range map[Qty]string{q("10254.4"): "10.254", q("999.5"): "1.000", 0: "0.000", q("12"): "0.012"} {
		if got := Tonnes(kg); got != want {
			t.Errorf("Tonnes(%s) = %q, want %q", kg, got, want)
		}
	}
}

func TestCheckNeverNegative(t *testing.T) {
	d := func(n int) Date { return Date{2026, time.March, n} }
	tests := []struct {
		name   string
		before Qty
		day    Date
		delta  Qty
		later  []DayDelta
		lowest Qty
		ok     bool
	}{
		{"exactly all", q("10"), d(5), q("-10"), nil, 0, true},
		{"one beyond", q("10"), d(5), q("-10.001"), nil, q("-0.001"), false},
		{"same-day receipt counts", q("0"), d(5), q("-4"), []DayDelta{{d(5), q("5")}}, q("1"), true},
		{"back-dated issue breaks a later one", q("10"), d(3), q("-5"), []DayDelta{{d(4), q("-8")}}, q("-3"), false},
		{"back-dated receipt", q("0"), d(3), q("5"), []DayDelta{{d(4), q("-2")}}, q("3"), true},
		{"later receipt does not excuse", q("1"), d(3), q("-2"), []DayDelta{{d(4), q("5")}}, q("-1"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lowest, ok := CheckNeverNegative(tt.before, tt.day, tt.delta, tt.later)
			if lowest != tt.lowest || ok != tt.ok {
				t.Errorf("CheckNeverNegative = %s, %v, want %s, %v", lowest, ok, tt.lowest, tt.ok)
			}
		})
	}
}

func TestCoverOf(t *testing.T) {
	two := q("2")
	tests := []struct {
		name      string
		balance   Qty
		issued    Qty
		headcount int
		norm      *Qty
		want      string
		low       bool
	}{
		{"nothing used", q("100"), 0, 0, nil, "∞", false},
		{"exactly seven days by use", q("70"), q("140"), 0, nil, "7.0", false},
		{"just under seven", q("69.999"), q("140"), 0, nil, "6.9", true},
		{"norm is the larger use", q("1400"), q("140"), 100, &two, "7.0", false},
		{"norm just under", q("1399"), q("140"), 100, &two, "6.9", true},
		{"use is the larger", q("70"), q("1400"), 1, &two, "0.7", true},
		{"empty", 0, q("14"), 0, nil, "0.0", true},
		{"norm without anybody", q("5"), 0, 0, &two, "∞", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := CoverOf(tt.balance, tt.issued, tt.headcount, tt.norm)
			if c.Days() != tt.want || c.Low(DefaultLowDays) != tt.low {
				t.Errorf("CoverOf(%s, %s, %d) = %s low %v, want %s low %v", tt.balance, tt.issued, tt.headcount, c.Days(),
					c.Low(DefaultLowDays), tt.want, tt.low)
			}
		})
	}
}

func TestCoverNeed(t *testing.T) {
	c := CoverOf(q("10"), q("28"), 0, nil) // 2 a day
	if got := c.Need(q("10"), 14); got != q("18") {
		t.Errorf("Need = %s, want 18", got)
	}
	c = CoverOf(q("10"), q("14.7"), 0, nil) // 1.05 a day: 14.7 for 14 days, 4.7 short, rounded up to 5
	if got := c.Need(q("10"), 14); got != q("5") {
		t.Errorf("Need = %s, want 5", got)
	}
	if got := c.Need(q("100"), 14); got != 0 {
		t.Errorf("Need above target = %s, want 0", got)
	}
	if got := (Cover{Unlimited: true}).Need(0, 14); got != 0 {
		t.Errorf("Need unlimited = %s, want 0", got)
	}
}

func TestMovementInputValidate(t *testing.T) {
	today := Date{2026, time.March, 2}
	tests := []struct {
		name  string
		in    MovementInput
		field string
	}{
		{"zero quantity", MovementInput{Kind: Issue, HolderID: 1, ItemID: 1}, "quantity"},
		{"negative quantity", MovementInput{Kind: Receipt, HolderID: 1, ItemID: 1, Quantity: -1}, "quantity"},
		{"no item", MovementInput{Kind: Issue, HolderID: 1, Quantity: 1}, "item_id"},
		{"unknown kind", MovementInput{Kind: "gift", HolderID: 1, ItemID: 1, Quantity: 1}, "kind"},
		{"to itself", MovementInput{Kind: InputTransfer, HolderID: 1, ToID: 1, ItemID: 1, Quantity: 1}, "to_id"},
		{"expired receipt", MovementInput{Kind: Receipt, HolderID: 1, ItemID: 1, Quantity: 1, Expiry: today.AddDays(-1)}, "expiry"},
		{"future day", MovementInput{Kind: Issue, HolderID: 1, ItemID: 1, Quantity: 1, Day: today.AddDays(1)}, "day"},
		{"stock-take without reason", MovementInput{Kind: InputStockTake, HolderID: 1, ItemID: 1}, "reason"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.in.Validate(today)
			found := false
			for _, f := range ErrorFields(err) {
				found = found || f.Field == tt.field
			}
			if !found {
				t.Errorf("Validate() = %v, want an error on %s", err, tt.field)
			}
		})
	}
	ok := MovementInput{Kind: Receipt, HolderID: 1, ItemID: 1, Quantity: 1, Expiry: today}
	if err := ok.Validate(today); err != nil || ok.Day != today {
		t.Errorf("Validate(good) = %v, day %s", err, ok.Day)
	}
	st := MovementInput{Kind: InputStockTake, HolderID: 1, ItemID: 1, Reason: "月末盘点"}
	if err := st.Validate(today); err != nil {
		t.Errorf("Validate(stock-take of zero) = %v", err)
	}
	if err := CheckItemUnit(&SupplyItem{Unit: UnitLitre}, UnitBox); ErrorCode(err) != Invalid {
		t.Errorf("CheckItemUnit(wrong unit) = %v", err)
	}
}

func TestSupplyItemValidate(t *testing.T) {
	for _, it := range DefaultSupplyItems() {
		if err := it.Validate(); err != nil {
			t.Errorf("default item %s: %v", it.Code, err)
		}
	}
	bad := SupplyItem{Code: "Bad Code", Unit: "drum"}
	if n := len(ErrorFields(bad.Validate())); n != 4 {
		t.Errorf("Validate(bad) gave %d fields, want 4 (name, code, unit, weight)", n)
	}
}

func TestShortageRankingAndProposal(t *testing.T) {
	lines := []StockLine{
		{HolderID: 1, HolderName: "甲", ItemID: 10, ItemName: "口罩", Balance: q("50"), Cover: Cover{Tenths: 50, DailyUse: q("10")}},
		{HolderID: 1, HolderName: "甲", ItemID: 11, ItemName: "酒精", Balance: q("50"), Cover: Cover{Tenths: 200, DailyUse: q("2.5")}},
		{HolderID: 2, HolderName: "乙", ItemID: 10, ItemName: "口罩", Balance: q("20"), Cover: Cover{Tenths: 20, DailyUse: q("10")}},
		{HolderID: 3, HolderName: "丙", ItemID: 10, ItemName: "口罩", Balance: q("5"), Cover: Cover{Unlimited: true}},
		{HolderID: 9, ItemID: 10, Warehouse: true, Balance: q("100")},
	}
	for i := range lines {
		lines[i].Need = lines[i].Cover.Need(lines[i].Balance, 14)
	}
	names := map[int64]string{1: "甲", 2: "乙", 3: "丙"}
	rank := ShortageRanking(lines, map[int64]bool{10: true, 11: true}, names, 7)
	if len(rank) != 3 || rank[0].SchoolID != 2 || rank[1].SchoolID != 1 || rank[2].SchoolID != 3 {
		t.Fatalf("ShortageRanking = %+v, want 乙, 甲, 丙", rank)
	}
	if !rank[0].Low || rank[1].ItemName != "口罩" || rank[2].Low {
		t.Errorf("ShortageRanking = %+v", rank)
	}
	// 乙 needs 120, 甲 90: the warehouse's 100 go to 乙 first.
	p := ProposeDistribution(9, map[int64]Qty{10: q("100")}, lines)
	if len(p) != 1 || p[0].ToID != 2 || p[0].Quantity != q("100") {
		t.Errorf("ProposeDistribution = %+v, want 100 to 乙", p)
	}
	p = ProposeDistribution(9, map[int64]Qty{10: q("500")}, lines)
	if len(p) != 2 || p[0].ToID != 2 || p[0].Quantity != q("120") || p[1].ToID != 1 || p[1].Quantity != q("90") {
		t.Errorf("ProposeDistribution = %+v, want 120 to 乙, 90 to 甲", p)
	}
}
