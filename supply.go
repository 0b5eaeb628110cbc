package campusguard

import (
	"context"
	"encoding/json"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Supplies (SPEC §6): a catalogue per region, a ledger per school and per
// region warehouse that never goes negative, days of cover, low stock, and
// the county's picture in tonnes.

// Qty is an exact decimal quantity with three places: 1.5 litres is
// Qty(1500). Quantities, unit weights and norms are never floats: sums over
// thousands of movements must come out to the last millilitre.
type Qty int64

// QtyScale is the number of Qty in one whole unit.
const QtyScale = 1000

// maxQty bounds a single quantity: a trillion units is not a delivery.
const maxQty = Qty(1_000_000_000_000 * QtyScale)

// Units returns n whole units as a Qty.
func Units(n int64) Qty { return Qty(n * QtyScale) }

// ParseQty parses a decimal such as "12", "12.5", "0.125" or "-3": at most
// three decimal places, no exponent, no thousands separators.
func ParseQty(s string) (Qty, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 24 {
		return 0, false
	}
	neg := false
	switch s[0] {
	case '-':
		neg, s = true, s[1:]
	case '+':
		s = s[1:]
	}
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" && frac == "" || hasDot && frac == "" || len(frac) > 3 {
		return 0, false
	}
	if whole == "" {
		whole = "0"
	}
	for _, part := range []string{whole, frac} {
		for i := 0; i < len(part); i++ {
			if part[i] < '0' || part[i] > '9' {
				return 0, false
			}
		}
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w > int64(maxQty/QtyScale) {
		return 0, false
	}
	f := int64(0)
	if frac != "" {
		f, _ = strconv.ParseInt((frac + "00")[:3], 10, 64)
	}
	q := Qty(w*QtyScale + f)
	if neg {
		q = -q
	}
	return q, true
}

// String writes q with no more decimals than it needs: "12", "12.5".
func (q Qty) String() string {
	neg := q < 0
	u := uint64(q)
	if neg {
		u = uint64(-q)
	}
	s := strconv.FormatUint(u/QtyScale, 10)
	if f := u % QtyScale; f != 0 {
		fs := strconv.FormatUint(f+QtyScale, 10)[1:]
		s += "." + strings.TrimRight(fs, "0")
	}
	if neg {
		s = "-" + s
	}
	return s
}

// MarshalJSON writes q as a JSON string, "12.5": a JSON number would be
// read back as a float by most clients.
func (q Qty) MarshalJSON() ([]byte, error) { return json.Marshal(q.String()) }

// UnmarshalJSON reads a string "12.5" or a number 12.5, from its text, never
// through a float.
func (q *Qty) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	if strings.HasPrefix(s, `"`) {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
	}
	v, ok := ParseQty(s)
	if !ok {
		return Errorf(Invalid, "error.type_quantity")
	}
	*q = v
	return nil
}

// mulQty returns a*b in Qty (both scaled), rounded half up, and whether it
// fits.
func mulQty(a, b Qty) (Qty, bool) {
	p := new(big.Int).Mul(big.NewInt(int64(a)), big.NewInt(int64(b)))
	p.Add(p, big.NewInt(QtyScale/2))
	p.Quo(p, big.NewInt(QtyScale))
	if !p.IsInt64() {
		return 0, false
	}
	return Qty(p.Int64()), true
}

// Tonnes writes a weight given in kilograms as tonnes with three decimals,
// "10.254".
func Tonnes(kg Qty) string {
	t := (int64(kg) + QtyScale/2) / QtyScale // whole kilograms, rounded
	neg := t < 0
	if neg {
		t = -t
	}
	s := strconv.FormatInt(t/1000, 10) + "." + strconv.FormatInt(t%1000+1000, 10)[1:]
	if neg {
		s = "-" + s
	}
	return s
}

// SupplyUnit is the unit an item is counted in.
type SupplyUnit string

// The units of the catalogue.
const (
	UnitPiece  SupplyUnit = "piece"
	UnitBottle SupplyUnit = "bottle"
	UnitLitre  SupplyUnit = "litre"
	UnitBox    SupplyUnit = "box"
	UnitPair   SupplyUnit = "pair"
)

// SupplyUnits lists every unit.
var SupplyUnits = []SupplyUnit{UnitPiece, UnitBottle, UnitLitre, UnitBox, UnitPair}

// ValidSupplyUnit reports whether u is a known unit.
func ValidSupplyUnit(u SupplyUnit) bool { return slices.Contains(SupplyUnits, u) }

// SupplyItem is one item of a region's catalogue.
type SupplyItem struct {
	ID         int64      `json:"id"`
	RegionID   int64      `json:"region_id"`
	Code       string     `json:"code"` // "mask_surgical"; the standard items' codes name their translations
	Name       string     `json:"name"`
	Unit       SupplyUnit `json:"unit"`
	UnitWeight Qty        `json:"unit_weight_kg"` // kilograms per unit
	// Norm is what one person needs per school day (masks per student), or
	// nil where no per-person norm applies (thermometers).
	Norm      *Qty `json:"norm_per_person_day"`
	Essential bool `json:"essential"` // counts in the shortage ranking
}

// MaxSupplyName bounds an item's name and the free-text fields of a
// movement, in characters.
const MaxSupplyName = 60

// Validate checks an item of the catalogue.
func (it *SupplyItem) Validate() error {
	var fe fieldErrors
	it.Name = strings.TrimSpace(it.Name)
	it.Code = strings.TrimSpace(it.Code)
	if it.Name == "" {
		fe.add("name", "error.required")
	} else if utf8.RuneCountInString(it.Name) > MaxSupplyName {
		fe.add("name", "error.too_long", MaxSupplyName)
	}
	if it.Code == "" {
		fe.add("code", "error.required")
	} else if len(it.Code) > 32 || strings.IndexFunc(it.Code, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_')
	}) >= 0 {
		fe.add("code", "error.supply_code")
	}
	if !ValidSupplyUnit(it.Unit) {
		fe.add("unit", "error.bad_choice")
	}
	if it.UnitWeight <= 0 || it.UnitWeight > Units(1000) {
		fe.add("unit_weight_kg", "error.supply_weight")
	}
	if it.Norm != nil && (*it.Norm <= 0 || *it.Norm > Units(100)) {
		fe.add("norm_per_person_day", "error.supply_norm")
	}
	return fe.err()
}

// DefaultSupplyItems is the catalogue a region starts with: the prevention
// supplies of the reopening guidance, with their units, unit weights in
// kilograms and per-person norms per school day.
func DefaultSupplyItems() []SupplyItem {
	n := func(s string) *Qty { q, _ := ParseQty(s); return &q }
	w := func(s string) Qty { q, _ := ParseQty(s); return q }
	return []SupplyItem{
		{Code: "mask_surgical", Name: "医用外科口罩", Unit: UnitPiece, UnitWeight: w("0.004"), Norm: n("2"), Essential: true},
		{Code: "mask_n95", Name: "N95口罩", Unit: UnitPiece, UnitWeight: w("0.012")},
		{Code: "thermometer", Name: "额温枪", Unit: UnitPiece, UnitWeight: w("0.15"), Essential: true},
		{Code: "alcohol_75", Name: "75%酒精", Unit: UnitLitre, UnitWeight: w("0.9"), Norm: n("0.005"), Essential: true},
		{Code: "bleach_84", Name: "84消毒液", Unit: UnitBottle, UnitWeight: w("0.55"), Norm: n("0.002"), Essential: true},
		{Code: "hand_sanitizer", Name: "免洗洗手液", Unit: UnitBottle, UnitWeight: w("0.3"), Norm: n("0.002")},
		{Code: "chlorine_tablet", Name: "含氯消毒片", Unit: UnitBox, UnitWeight: w("0.2")},
		{Code: "gloves", Name: "一次性手套", Unit: UnitBox, UnitWeight: w("0.5")},
		{Code: "protective_suit", Name: "防护服", Unit: UnitPiece, UnitWeight: w("0.45")},
		{Code: "face_shield", Name: "防护面屏", Unit: UnitPiece, UnitWeight: w("0.1")},
	}
}

// MovementKind is what a ledger line records.
type MovementKind string

// The kinds of movement. A transfer is two lines, one out of the source and
// one into the destination, written together. A reversal undoes a line
// with its opposite.
const (
	Receipt     MovementKind = "receipt"
	Issue       MovementKind = "issue"
	TransferOut MovementKind = "transfer_out"
	TransferIn  MovementKind = "transfer_in"
	Adjustment  MovementKind = "adjustment" // a stock-take's difference
	Reversal    MovementKind = "reversal"
)

// MovementKinds lists every kind.
var MovementKinds = []MovementKind{Receipt, Issue, TransferOut, TransferIn, Adjustment, Reversal}

// IssueTargets are the places an issue goes to, by their message keys; a
// class is named instead by its name.
var IssueTargets = []string{"class", "isolation_room", "canteen", "gate", "dormitory", "staff", "other"}

// Movement is one line of a ledger: never edited, reversed by another.
type Movement struct {
	ID       int64        `json:"id"`
	RegionID int64        `json:"region_id"`
	HolderID int64        `json:"holder_id"` // a school, or a region's warehouse
	ItemID   int64        `json:"item_id"`
	Day      Date         `json:"day"`
	Kind     MovementKind `json:"kind"`
	Delta    Qty          `json:"delta"`           // signed: what the balance changed by
	Party    string       `json:"party,omitempty"` // from whom (receipt), to whom (issue)
	Batch    string       `json:"batch,omitempty"`
	Expiry   Date         `json:"expiry,omitempty"`
	Reason   string       `json:"reason,omitempty"`
	// CounterpartID is the other holder of a transfer; ReversesID the line
	// a reversal undoes.
	CounterpartID *int64    `json:"counterpart_id"`
	ReversesID    *int64    `json:"reverses_id"`
	CreatedBy     string    `json:"created_by"`
	CreatedAt     time.Time `json:"created_at"`

	// Filled by list queries.
	ItemName   string `json:"item_name,omitempty"`
	HolderName string `json:"holder_name,omitempty"`
}

// MovementInput is what a clerk books: a receipt, an issue, a transfer or
// a stock-take, before the store turns it into ledger lines.
type MovementInput struct {
	Kind     MovementKind `json:"kind"` // receipt, issue, transfer or stocktake
	HolderID int64        `json:"holder_id"`
	ItemID   int64        `json:"item_id"`
	Unit     SupplyUnit   `json:"unit,omitempty"` // when given, it must be the item's
	Quantity Qty          `json:"quantity"`       // counted quantity for a stock-take
	Day      Date         `json:"day,omitempty"`  // today when left out
	Party    string       `json:"party,omitempty"`
	Batch    string       `json:"batch,omitempty"`
	Expiry   Date         `json:"expiry,omitempty"`
	Reason   string       `json:"reason,omitempty"`
	ToID     int64        `json:"to_id,omitempty"` // a transfer's destination
}

// The kinds of input that are not ledger kinds themselves.
const (
	InputTransfer  MovementKind = "transfer"
	InputStockTake MovementKind = "stocktake"
)

// BookableKinds are the kinds of MovementInput.
var BookableKinds = []MovementKind{Receipt, Issue, InputTransfer, InputStockTake}

// maxBackDays is how far back a movement may be booked.
const maxBackDays = 366

// Validate checks an input against today, without the database: a known
// kind, a positive quantity (a stock-take may count zero), no day in the
// future, a receipt's expiry not in the past, a transfer to another holder.
// The store checks the item, the unit and the balance.
func (in *MovementInput) Validate(today Date) error {
	var fe fieldErrors
	in.Party = strings.TrimSpace(in.Party)
	in.Batch = strings.TrimSpace(in.Batch)
	in.Reason = strings.TrimSpace(in.Reason)
	if !slices.Contains(BookableKinds, in.Kind) {
		fe.add("kind", "error.bad_choice")
	}
	if in.ItemID <= 0 {
		fe.add("item_id", "error.required")
	}
	switch {
	case in.Kind == InputStockTake && in.Quantity < 0:
		fe.add("quantity", "error.supply_quantity_negative")
	case in.Kind != InputStockTake && in.Quantity <= 0:
		fe.add("quantity", "error.supply_quantity_positive")
	case in.Quantity > maxQty:
		fe.add("quantity", "error.supply_quantity_large")
	}
	if in.Day.IsZero() {
		in.Day = today
	} else if today.Before(in.Day) {
		fe.add("day", "error.supply_day_future")
	} else if in.Day.Before(today.AddDays(-maxBackDays)) {
		fe.add("day", "error.supply_day_old", maxBackDays)
	}
	if in.Kind == Receipt && !in.Expiry.IsZero() && in.Expiry.Before(today) {
		fe.add("expiry", "error.supply_expired")
	}
	if in.Kind == InputTransfer {
		switch {
		case in.ToID <= 0:
			fe.add("to_id", "error.required")
		case in.ToID == in.HolderID:
			fe.add("to_id", "error.supply_same_holder")
		}
	}
	if in.Kind == InputStockTake && in.Reason == "" {
		fe.add("reason", "error.required")
	}
	for _, f := range []struct{ name, v string }{{"party", in.Party}, {"batch", in.Batch}, {"reason", in.Reason}} {
		if utf8.RuneCountInString(f.v) > MaxSupplyName {
			fe.add(f.name, "error.too_long", MaxSupplyName)
		}
	}
	return fe.err()
}

// CheckItemUnit refuses a unit that is not the item's.
func CheckItemUnit(it *SupplyItem, unit SupplyUnit) error {
	if unit != "" && unit != it.Unit {
		return InvalidFields([]FieldError{{Field: "unit", Msg: "error.supply_unit", Args: []any{string(it.Unit)}}})
	}
	return nil
}

// DayDelta is what a holder's balance of one item changed by on one day.
type DayDelta struct {
	Day   Date
	Delta Qty
}

// CheckNeverNegative decides whether a movement of delta on day may be
// booked: before is the balance at the end of the day before, later the
// changes of that day and every day after it, by day. The balance must not
// go below zero on any day from day on, so an issue booked back-dated
// cannot make yesterday's already-booked issue a negative one. It returns
// the lowest balance the item would reach and whether that is allowed.
func CheckNeverNegative(before Qty, day Date, delta Qty, later []DayDelta) (lowest Qty, ok bool) {
	bal, i := before, 0
	for i < len(later) && !day.Before(later[i].Day) { // the day's own changes
		bal += later[i].Delta
		i++
	}
	bal += delta
	lowest = bal
	for ; i < len(later); i++ {
		bal += later[i].Delta
		lowest = min(lowest, bal)
	}
	return lowest, lowest >= 0
}

// ShortStock is the error for an issue or a transfer beyond the balance:
// it names the item and what there is.
func ShortStock(item string, unit SupplyUnit, balance Qty) *Error {
	return &Error{Code: Conflict, Message: "error.supply_short", Args: []any{item, balance.String()},
		Fields: []FieldError{{Field: "quantity", Msg: "error.supply_short", Args: []any{item, balance.String()}}}}
}

// StockTakeDelta is the adjustment a stock-take books: counted minus the
// balance.
func StockTakeDelta(balance, counted Qty) Qty { return counted - balance }

// Cover is days of cover of one item at one holder, in tenths of a day.
// Unlimited means nothing is used: no issues and no norm.
type Cover struct {
	Tenths    int64 `json:"tenths"`
	Unlimited bool  `json:"unlimited"`
	// DailyUse is what counts as a day's use: the larger of the average
	// daily issue and headcount times the norm.
	DailyUse Qty `json:"daily_use"`
}

// Days writes the cover as "6.5", or "∞".
func (c Cover) Days() string {
	if c.Unlimited {
		return "∞"
	}
	return strconv.FormatInt(c.Tenths/10, 10) + "." + strconv.FormatInt(c.Tenths%10, 10)
}

// Less reports whether c is fewer days than d.
func (c Cover) Less(d Cover) bool {
	switch {
	case c.Unlimited:
		return false
	case d.Unlimited:
		return true
	}
	return c.Tenths < d.Tenths
}

// CoverWindow is the number of school days whose issues give the average
// daily use.
const CoverWindow = 14

// DefaultLowDays is the cover below which stock is low, unless the region
// sets its own; DefaultTargetDays the cover a distribution aims for.
const (
	DefaultLowDays    = 7
	DefaultTargetDays = 14
)

// CoverOf computes days of cover: balance over the daily use, where the
// daily use is the larger of the average issue over the last CoverWindow
// school days (issued is their total) and headcount times norm, so the
// smaller cover counts. Days are rounded down to the tenth.
func CoverOf(balance, issued Qty, headcount int, norm *Qty) Cover {
	use := Qty(0)
	if issued > 0 {
		use = (issued + CoverWindow - 1) / CoverWindow // rounded up: the cover is never overstated
	}
	if norm != nil && headcount > 0 {
		if byNorm, ok := mulQty(Units(int64(headcount)), *norm); ok && byNorm > use {
			use = byNorm
		}
	}
	if use <= 0 {
		return Cover{Unlimited: true}
	}
	if balance <= 0 {
		return Cover{DailyUse: use}
	}
	t := new(big.Int).Mul(big.NewInt(int64(balance)), big.NewInt(10))
	t.Quo(t, big.NewInt(int64(use)))
	return Cover{Tenths: t.Int64(), DailyUse: use}
}

// Low reports whether the cover is below lowDays days.
func (c Cover) Low(lowDays int) bool { return !c.Unlimited && c.Tenths < int64(lowDays)*10 }

// Need returns what brings a holder to targetDays of cover: the daily use
// times the days, less the balance, rounded up to a whole unit, or zero.
func (c Cover) Need(balance Qty, targetDays int) Qty {
	if c.Unlimited {
		return 0
	}
	want := c.DailyUse * Qty(targetDays)
	if want <= balance {
		return 0
	}
	n := want - balance
	if r := n % QtyScale; r != 0 {
		n += QtyScale - r
	}
	return n
}

// SupplySettings are a region's thresholds.
type SupplySettings struct {
	RegionID   int64 `json:"region_id"`
	LowDays    int   `json:"low_days"`    // below this cover, stock is low
	TargetDays int   `json:"target_days"` // a distribution brings schools to this
}

// Validate checks the thresholds: 1 to 90 days, the target not below the
// low mark.
func (s SupplySettings) Validate() error {
	var fe fieldErrors
	if s.LowDays < 1 || s.LowDays > 90 {
		fe.add("low_days", "error.range", 1, 90)
	}
	if s.TargetDays < 1 || s.TargetDays > 180 {
		fe.add("target_days", "error.range", 1, 180)
	} else if s.TargetDays < s.LowDays {
		fe.add("target_days", "error.supply_target_low")
	}
	return fe.err()
}

// StockLine is one holder's balance of one item with its cover.
type StockLine struct {
	HolderID   int64      `json:"holder_id"`
	HolderName string     `json:"holder_name"`
	Warehouse  bool       `json:"warehouse"`
	ItemID     int64      `json:"item_id"`
	ItemCode   string     `json:"item_code"`
	ItemName   string     `json:"item_name"`
	Unit       SupplyUnit `json:"unit"`
	Balance    Qty        `json:"balance"`
	Issued     Qty        `json:"issued_window"` // issued over the last CoverWindow school days
	Headcount  int        `json:"headcount"`
	Cover      Cover      `json:"cover"`
	Low        bool       `json:"low"`
	Need       Qty        `json:"need"` // to reach the target cover
}

// ItemTotal is one item over a region: the quantity and its weight.
type ItemTotal struct {
	ItemID   int64      `json:"item_id"`
	ItemCode string     `json:"item_code"`
	ItemName string     `json:"item_name"`
	Unit     SupplyUnit `json:"unit"`
	Balance  Qty        `json:"balance"`
	WeightKg Qty        `json:"weight_kg"`
	Need     Qty        `json:"need"`
	Expiring Qty        `json:"expiring"` // within ExpiryWindow days
}

// SchoolShortage is a school in the shortage ranking: its fewest days of
// cover of any essential item.
type SchoolShortage struct {
	SchoolID int64  `json:"school_id"`
	Name     string `json:"name"`
	ItemName string `json:"item_name"` // the item that runs out first
	Cover    Cover  `json:"cover"`
	Low      bool   `json:"low"`
	LowItems int    `json:"low_items"`
}

// ExpiryWindow is how many days ahead expiring stock is listed.
const ExpiryWindow = 30

// ExpiringBatch is a received batch whose expiry falls within the window.
type ExpiringBatch struct {
	HolderID   int64  `json:"holder_id"`
	HolderName string `json:"holder_name"`
	ItemID     int64  `json:"item_id"`
	ItemName   string `json:"item_name"`
	Batch      string `json:"batch"`
	Expiry     Date   `json:"expiry"`
	Quantity   Qty    `json:"quantity"` // received, at most what the holder still has
}

// TransferLine is one proposed or confirmed transfer.
type TransferLine struct {
	FromID   int64  `json:"from_id"`
	ToID     int64  `json:"to_id"`
	ToName   string `json:"to_name,omitempty"`
	ItemID   int64  `json:"item_id"`
	ItemName string `json:"item_name,omitempty"`
	Quantity Qty    `json:"quantity"`
}

// SupplyPicture is a region's supplies at a glance: the county's picture.
type SupplyPicture struct {
	RegionID   int64            `json:"region_id"`
	Day        Date             `json:"day"`
	Settings   SupplySettings   `json:"settings"`
	Items      []ItemTotal      `json:"items"`
	WeightKg   Qty              `json:"weight_kg"`
	Tonnes     string           `json:"tonnes"`
	Schools    []SchoolShortage `json:"schools"` // fewest days first
	LowSchools int              `json:"low_schools"`
	Expiring   []ExpiringBatch  `json:"expiring"`
	Proposal   []TransferLine   `json:"proposal"` // from the region's warehouse
}

// ShortageRanking ranks schools from their lines: each by its fewest days
// of cover of an essential item, fewest first, ties by name.
func ShortageRanking(lines []StockLine, essential map[int64]bool, names map[int64]string, lowDays int) []SchoolShortage {
	by := map[int64]*SchoolShortage{}
	var order []int64
	for _, l := range lines {
		if l.Warehouse || !essential[l.ItemID] {
			continue
		}
		s := by[l.HolderID]
		if s == nil {
			s = &SchoolShortage{SchoolID: l.HolderID, Name: names[l.HolderID], Cover: Cover{Unlimited: true}}
			by[l.HolderID] = s
			order = append(order, l.HolderID)
		}
		if l.Cover.Less(s.Cover) || s.ItemName == "" && !s.Cover.Less(l.Cover) {
			s.Cover, s.ItemName = l.Cover, l.ItemName
		}
		if l.Cover.Low(lowDays) {
			s.LowItems++
		}
	}
	out := make([]SchoolShortage, 0, len(order))
	for _, id := range order {
		s := by[id]
		s.Low = s.Cover.Low(lowDays)
		out = append(out, *s)
	}
	slices.SortStableFunc(out, func(a, b SchoolShortage) int {
		switch {
		case a.Cover.Less(b.Cover):
			return -1
		case b.Cover.Less(a.Cover):
			return 1
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out
}

// ProposeDistribution shares out a warehouse's stock (available, by item)
// among the schools' needs: for each item the school with the fewest days
// of cover is served first, each up to its need, until the warehouse runs
// out. It proposes nothing the warehouse does not hold.
func ProposeDistribution(warehouseID int64, available map[int64]Qty, lines []StockLine) []TransferLine {
	needy := make([]StockLine, 0, len(lines))
	for _, l := range lines {
		if !l.Warehouse && l.Need > 0 {
			needy = append(needy, l)
		}
	}
	slices.SortStableFunc(needy, func(a, b StockLine) int {
		switch {
		case a.ItemID != b.ItemID:
			if a.ItemID < b.ItemID {
				return -1
			}
			return 1
		case a.Cover.Less(b.Cover):
			return -1
		case b.Cover.Less(a.Cover):
			return 1
		}
		return strings.Compare(a.HolderName, b.HolderName)
	})
	left := map[int64]Qty{}
	for k, v := range available {
		left[k] = v
	}
	var out []TransferLine
	for _, l := range needy {
		q := min(l.Need, left[l.ItemID])
		q -= q % QtyScale // whole units
		if q <= 0 {
			continue
		}
		left[l.ItemID] -= q
		out = append(out, TransferLine{FromID: warehouseID, ToID: l.HolderID, ToName: l.HolderName, ItemID: l.ItemID,
			ItemName: l.ItemName, Quantity: q})
	}
	return out
}

// MovementFilter selects ledger lines. Nil fields do not filter.
type MovementFilter struct {
	HolderID *int64
	ItemID   *int64
	From, To *Date
	Offset   int
	Limit    int
}

// SupplyService keeps the catalogues and the ledgers. Every method reads the
// actor from ctx. Reading needs ReadSupplies on the holder or region;
// booking at a school WriteSupplies; the catalogue, the settings, the
// warehouse and transfers ManageSupplies.
type SupplyService interface {
	// SupplyItems lists a region's catalogue, creating the default one on
	// first use. NotFound outside the actor's scope.
	SupplyItems(ctx context.Context, regionID int64) ([]*SupplyItem, error)
	// CreateSupplyItem adds an item to a region's catalogue. Forbidden,
	// Invalid, Conflict (code).
	CreateSupplyItem(ctx context.Context, it *SupplyItem) error
	// BookMovement books an input: one ledger line, two for a transfer
	// (atomically), none for a stock-take that finds the balance right.
	// Invalid with the fields; Conflict (ShortStock) beyond the balance;
	// Forbidden; NotFound.
	BookMovement(ctx context.Context, in MovementInput) ([]*Movement, error)
	// BookMovements books several inputs at one holder, all or none: an
	// imported stock-take or delivery note. Invalid names every bad row.
	BookMovements(ctx context.Context, holderID int64, ins []MovementInput) ([]*Movement, error)
	// ReverseMovement books the counter-movement of a line. Conflict when
	// it is reversed already or would take the balance below zero.
	ReverseMovement(ctx context.Context, id int64, reason string) ([]*Movement, error)
	// Movements lists ledger lines of a holder, newest first, with the total.
	Movements(ctx context.Context, f MovementFilter) ([]*Movement, int, error)
	// Stock returns the balances of a holder (a school, or a region's
	// warehouse) at the end of day, with cover computed as of that day.
	Stock(ctx context.Context, holderID int64, day Date) ([]StockLine, error)
	// SupplyPicture returns a region's picture: totals, tonnes, the
	// shortage ranking, expiring batches and a proposed distribution from
	// its warehouse.
	SupplyPicture(ctx context.Context, regionID int64, day Date) (*SupplyPicture, error)
	// ConfirmTransfers books every line as a transfer, all or none.
	ConfirmTransfers(ctx context.Context, regionID int64, lines []TransferLine) ([]*Movement, error)
	// SupplySettings and SetSupplySettings read and set a region's
	// thresholds.
	SupplySettings(ctx context.Context, regionID int64) (SupplySettings, error)
	SetSupplySettings(ctx context.Context, s SupplySettings) error
}

// The actions on supplies.
const (
	ReadSupplies   Action = "read_supplies"   // balances, ledgers, cover, the picture
	WriteSupplies  Action = "write_supplies"  // book receipts, issues and stock-takes at a school
	ManageSupplies Action = "manage_supplies" // the catalogue, thresholds, the warehouse, transfers
)

// supplyRoleActions is the supplies' part of the access matrix. A school's
// principal and its health officer (who keeps the prevention supplies)
// book at their school; the education bureau runs the warehouse and moves
// stock between schools; inspectors read.
var supplyRoleActions = map[AccessRole][]Action{
	SystemAdmin:  {ReadSupplies, WriteSupplies, ManageSupplies},
	RegionAdmin:  {ReadSupplies, WriteSupplies, ManageSupplies},
	Inspector:    {ReadSupplies},
	SchoolAdmin:  {ReadSupplies, WriteSupplies},
	HealthOffice: {ReadSupplies, WriteSupplies},
}

// supplyDutyActions: market supervision oversees supplies; the health
// bureau and the CDC read them too. Supplies hold no personal data.
var supplyDutyActions = map[string][]Action{
	DutyMarket: {ReadSupplies},
	DutyHealth: {ReadSupplies},
	DutyCDC:    {ReadSupplies},
}
