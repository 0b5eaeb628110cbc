package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"campusguard"
)

// openHeadcounts returns, per school of the subtree [lo, hi), how many
// people a day of school expects on day, as the readiness work decides
// it (issue 11): the active students of the classes open that day, and
// the active staff of a school with at least one open class. A region not
// under reopening control has every class open but those suspended.
//
// The open-day job has already counted the students of open classes of
// each school day (the roll-ups' expected, recounted at once when who is
// open changes): the count of the last school day up to day is read from
// there. Only when that day has no roll-ups (the job has not run) are
// the classes counted here, which on a city of 25,000 classes costs
// seconds.
func openHeadcounts(ctx context.Context, q queryer, regionID int64, lo, hi string, day campusguard.Date) (map[int64]int, error) {
	out, err := rollupHeadcounts(ctx, q, regionID, lo, hi, day)
	if err != nil || out == nil {
		if err == nil {
			out, err = countedHeadcounts(ctx, q, regionID, lo, hi, day)
		}
		if err != nil {
			return nil, err
		}
	}
	// The staff of each school with an open class, through the (school,
	// kind) index: a few dozen rows a school.
	rows, err := q.QueryContext(ctx, `SELECT o.id, (SELECT COUNT(*) FROM people p WHERE p.school_id = o.id AND p.kind = 'staff'
		AND p.active = TRUE) FROM orgs o WHERE o.region_id = $1 AND o.kind = 'school' AND o.path >= $2 AND o.path < $3`,
		regionID, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("headcounts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		if _, ok := out[id]; ok { // the school has an open class
			out[id] += n
		}
	}
	return out, rows.Err()
}

// rollupHeadcounts reads the students expected at each school of the
// subtree on the last school day up to day, from the roll-ups; nil when
// that day has none.
func rollupHeadcounts(ctx context.Context, q queryer, regionID int64, lo, hi string, day campusguard.Date) (map[int64]int, error) {
	days, err := schoolDays(ctx, q, regionID, day.AddDays(-21), day)
	if err != nil || len(days) == 0 {
		return nil, err
	}
	last := days[len(days)-1]
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM rollups WHERE org_id = $1 AND day = $2`, regionID, last).Scan(&n); err != nil {
		return nil, fmt.Errorf("headcounts: %w", err)
	}
	if n == 0 {
		return nil, nil
	}
	rows, err := q.QueryContext(ctx, `SELECT r.org_id, r.expected FROM rollups r JOIN orgs o ON o.id = r.org_id
		WHERE r.region_id = $1 AND r.day = $2 AND o.kind = 'school' AND o.path >= $3 AND o.path < $4`, regionID, last, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("headcounts: %w", err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		if n > 0 {
			out[id] = n
		}
	}
	return out, rows.Err()
}

// countedHeadcounts counts the students of the classes open on day.
func countedHeadcounts(ctx context.Context, q queryer, regionID int64, lo, hi string, day campusguard.Date) (map[int64]int, error) {
	open, err := loadOpenness(ctx, q, regionID, day)
	if err != nil {
		return nil, err
	}
	classes, err := regionClasses(ctx, q, regionID)
	if err != nil {
		return nil, err
	}
	out := map[int64]int{}
	for _, c := range classes {
		if c.path < lo || c.path >= hi || c.students == 0 || !open.ClassOpen(c.schoolID, c.schoolType, c.grade, c.path, day) {
			continue
		}
		out[c.schoolID] += c.students
	}
	return out, nil
}

// coverWindow returns the first and last day of the CoverWindow school
// days before day, by the region's calendar.
func coverWindow(ctx context.Context, q queryer, regionID int64, day campusguard.Date) (from, to campusguard.Date, err error) {
	cal, err := calendar(ctx, q, regionID, day.AddDays(-90), day)
	if err != nil {
		return from, to, err
	}
	to = day.AddDays(-1)
	from = to
	n := 0
	for d := to; n < campusguard.CoverWindow && !d.Before(day.AddDays(-90)); d = d.AddDays(-1) {
		if cal.SchoolDay(d) {
			n++
			from = d
		}
	}
	return from, to, nil
}

// supplyBalancesQuery is the one query the picture needs: every holder's
// balance of every item at the end of a day ($4), and what it issued in
// the cover window ($2 to $3), for the holders of a subtree ($5, $6).
const supplyBalancesQuery = `SELECT m.holder_id, m.item_id, SUM(m.delta),
	SUM(CASE WHEN m.kind = 'issue' AND m.day >= $2 AND m.day <= $3 THEN -m.delta ELSE 0 END)
	FROM supply_movements m JOIN orgs h ON h.id = m.holder_id
	WHERE m.region_id = $1 AND m.day <= $4 AND h.path >= $5 AND h.path < $6
	GROUP BY m.holder_id, m.item_id`

// SupplyBalancesQuery returns the picture's one query and its arguments for
// a region at day, for the benchmark that compares the page with it.
func (s *Store) SupplyBalancesQuery(ctx context.Context, regionID int64, day campusguard.Date) (string, []any, error) {
	o, err := findOrgByID(ctx, s.read, regionID)
	if err != nil {
		return "", nil, err
	}
	from, to, err := coverWindow(ctx, s.read, o.RegionID, day)
	if err != nil {
		return "", nil, err
	}
	lo, hi := subtree(o.Path)
	return supplyBalancesQuery, []any{o.RegionID, from, to, day, lo, hi}, nil
}

// holderInfo is a holder as the lines name it.
type holderInfo struct {
	id        int64
	name      string
	path      string
	warehouse bool
}

// supplyLines computes the lines of every school of the subtree at o (and
// of every region warehouse there that holds stock), or of one holder when
// only is set, at the end of day.
func supplyLines(ctx context.Context, q queryer, o *campusguard.Org, day campusguard.Date, only *int64) ([]campusguard.StockLine,
	[]*campusguard.SupplyItem, map[int64]holderInfo, campusguard.SupplySettings, error) {
	st, err := supplySettings(ctx, q, o.RegionID)
	if err != nil {
		return nil, nil, nil, st, err
	}
	items, err := supplyItems(ctx, q, o.RegionID)
	if err != nil {
		return nil, nil, nil, st, err
	}
	from, to, err := coverWindow(ctx, q, o.RegionID, day)
	if err != nil {
		return nil, nil, nil, st, err
	}
	lo, hi := subtree(o.Path)
	type key struct{ holder, item int64 }
	bal := map[key][2]campusguard.Qty{}
	rows, err := q.QueryContext(ctx, supplyBalancesQuery, o.RegionID, from, to, day, lo, hi)
	if err != nil {
		return nil, nil, nil, st, fmt.Errorf("supply balances: %w", err)
	}
	for rows.Next() {
		var k key
		var b, iss campusguard.Qty
		if err := rows.Scan(&k.holder, &k.item, &b, &iss); err != nil {
			rows.Close()
			return nil, nil, nil, st, err
		}
		if only == nil || *only == k.holder {
			bal[k] = [2]campusguard.Qty{b, iss}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, nil, st, err
	}
	// The holders: every school of the subtree (one without stock has
	// none of it, which counts), and the regions that hold stock.
	holders := map[int64]holderInfo{}
	hrows, err := q.QueryContext(ctx, `SELECT id, name, path, kind FROM orgs WHERE region_id = $1 AND path >= $2 AND path < $3
		AND kind IN ('school', 'region') ORDER BY path`, o.RegionID, lo, hi)
	if err != nil {
		return nil, nil, nil, st, err
	}
	var order []int64
	for hrows.Next() {
		var h holderInfo
		var kind campusguard.OrgKind
		if err := hrows.Scan(&h.id, &h.name, &h.path, &kind); err != nil {
			hrows.Close()
			return nil, nil, nil, st, err
		}
		if only != nil && *only != h.id {
			continue
		}
		h.warehouse = kind == campusguard.KindRegion
		holders[h.id] = h
		order = append(order, h.id)
	}
	hrows.Close()
	if err := hrows.Err(); err != nil {
		return nil, nil, nil, st, err
	}
	heads, err := openHeadcounts(ctx, q, o.RegionID, lo, hi, day)
	if err != nil {
		return nil, nil, nil, st, err
	}
	var lines []campusguard.StockLine
	for _, hid := range order {
		h := holders[hid]
		if h.warehouse {
			has := false
			for _, it := range items {
				_, ok := bal[key{hid, it.ID}]
				has = has || ok
			}
			if !has && (only == nil || *only != hid) {
				continue
			}
		}
		for _, it := range items {
			v := bal[key{hid, it.ID}]
			l := campusguard.StockLine{HolderID: hid, HolderName: h.name, Warehouse: h.warehouse, ItemID: it.ID, ItemCode: it.Code,
				ItemName: it.Name, Unit: it.Unit, Balance: v[0], Issued: v[1]}
			norm := it.Norm
			if !h.warehouse {
				l.Headcount = heads[hid]
			} else {
				norm = nil // a warehouse serves schools, nobody eats from it
			}
			l.Cover = campusguard.CoverOf(l.Balance, l.Issued, l.Headcount, norm)
			if !h.warehouse {
				l.Low = l.Cover.Low(st.LowDays)
				l.Need = l.Cover.Need(l.Balance, st.TargetDays)
			}
			lines = append(lines, l)
		}
	}
	return lines, items, holders, st, nil
}

// Stock returns a holder's balances at the end of day, with cover.
func (s *Store) Stock(ctx context.Context, holderID int64, day campusguard.Date) ([]campusguard.StockLine, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	h, err := supplyHolder(ctx, s.read, a, holderID)
	if err != nil {
		return nil, err
	}
	if _, err := s.catalogue(ctx, h.RegionID); err != nil {
		return nil, err
	}
	lines, _, _, _, err := supplyLines(ctx, s.read, h, day, &h.ID)
	return lines, err
}

// SupplyPicture returns a region's picture at the end of day.
func (s *Store) SupplyPicture(ctx context.Context, regionID int64, day campusguard.Date) (*campusguard.SupplyPicture, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	o, err := supplyHolder(ctx, s.read, a, regionID)
	if err != nil || o.Kind != campusguard.KindRegion {
		return nil, notFound("region")
	}
	if _, err := s.catalogue(ctx, o.RegionID); err != nil {
		return nil, err
	}
	return supplyPicture(ctx, s.read, o, day)
}

func supplyPicture(ctx context.Context, q queryer, o *campusguard.Org, day campusguard.Date) (*campusguard.SupplyPicture, error) {
	lines, items, holders, st, err := supplyLines(ctx, q, o, day, nil)
	if err != nil {
		return nil, err
	}
	p := &campusguard.SupplyPicture{RegionID: o.ID, Day: day, Settings: st}
	essential := map[int64]bool{}
	names := map[int64]string{}
	for id, h := range holders {
		names[id] = h.name
	}
	idx := map[int64]int{}
	for i, it := range items {
		essential[it.ID] = it.Essential
		idx[it.ID] = i
		p.Items = append(p.Items, campusguard.ItemTotal{ItemID: it.ID, ItemCode: it.Code, ItemName: it.Name, Unit: it.Unit})
	}
	available := map[int64]campusguard.Qty{}
	balances := map[[2]int64]campusguard.Qty{}
	for _, l := range lines {
		t := &p.Items[idx[l.ItemID]]
		t.Balance += l.Balance
		t.Need += l.Need
		if l.Warehouse && l.HolderID == o.ID {
			available[l.ItemID] = l.Balance
		}
		balances[[2]int64{l.HolderID, l.ItemID}] = l.Balance
	}
	for i := range p.Items {
		t := &p.Items[i]
		t.WeightKg = weightOf(t.Balance, items[i].UnitWeight)
		p.WeightKg += t.WeightKg
	}
	p.Tonnes = campusguard.Tonnes(p.WeightKg)
	p.Schools = campusguard.ShortageRanking(lines, essential, names, st.LowDays)
	for _, sc := range p.Schools {
		if sc.Low {
			p.LowSchools++
		}
	}
	p.Proposal = campusguard.ProposeDistribution(o.ID, available, lines)
	if p.Proposal == nil {
		p.Proposal = []campusguard.TransferLine{}
	}
	// Expiring batches: receipts whose expiry falls within the window,
	// at most what their holder still has of the item.
	lo, hi := subtree(o.Path)
	rows, err := q.QueryContext(ctx, `SELECT m.holder_id, h.name, m.item_id, i.name, m.batch, m.expiry, SUM(m.delta)
		FROM supply_movements m JOIN orgs h ON h.id = m.holder_id JOIN supply_items i ON i.id = m.item_id
		WHERE m.region_id = $1 AND m.kind = 'receipt' AND m.expiry >= $2 AND m.expiry <= $3 AND m.day <= $4
		AND h.path >= $5 AND h.path < $6
		GROUP BY m.holder_id, h.name, m.item_id, i.name, m.batch, m.expiry ORDER BY m.expiry, h.name`,
		o.RegionID, day, day.AddDays(campusguard.ExpiryWindow), day, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("expiring: %w", err)
	}
	defer rows.Close()
	p.Expiring = []campusguard.ExpiringBatch{}
	for rows.Next() {
		var e campusguard.ExpiringBatch
		if err := rows.Scan(&e.HolderID, &e.HolderName, &e.ItemID, &e.ItemName, &e.Batch, &e.Expiry, &e.Quantity); err != nil {
			return nil, err
		}
		e.Quantity = min(e.Quantity, balances[[2]int64{e.HolderID, e.ItemID}])
		if e.Quantity <= 0 {
			continue
		}
		p.Items[idx[e.ItemID]].Expiring += e.Quantity
		p.Expiring = append(p.Expiring, e)
	}
	return p, rows.Err()
}

// weightOf returns the weight in kilograms of qty units of unit weight w,
// rounded to the gram.
func weightOf(qty, w campusguard.Qty) campusguard.Qty {
	return campusguard.Qty((int64(qty)*int64(w) + campusguard.QtyScale/2) / campusguard.QtyScale)
}

// ConfirmTransfers books every line as a transfer in one transaction:
// all or none, every refused line named by its row.
func (s *Store) ConfirmTransfers(ctx context.Context, regionID int64, lines []campusguard.TransferLine) ([]*campusguard.Movement, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	if len(lines) == 0 {
		return nil, campusguard.InvalidFields([]campusguard.FieldError{{Field: "lines", Msg: "error.required"}})
	}
	var out []*campusguard.Movement
	err = s.inTx(ctx, func(tx *Tx) error {
		o, err := supplyHolder(ctx, tx, a, regionID)
		if err != nil || o.Kind != campusguard.KindRegion {
			return notFound("region")
		}
		if !a.Can(campusguard.ManageSupplies, o.Path) {
			return forbidden()
		}
		lo, hi := subtree(o.Path)
		var fields []campusguard.FieldError
		for i, l := range lines {
			in := campusguard.MovementInput{Kind: campusguard.InputTransfer, HolderID: l.FromID, ToID: l.ToID, ItemID: l.ItemID,
				Quantity: l.Quantity, Reason: "distribution"}
			bad := func(field, key string) {
				fields = append(fields, campusguard.FieldError{Row: i + 1, Field: field, Msg: key})
			}
			from, err1 := findOrgByID(ctx, tx, l.FromID)
			to, err2 := findOrgByID(ctx, tx, l.ToID)
			if err1 != nil || from.Path < lo || from.Path >= hi {
				bad("from_id", "error.supply_unknown_holder")
				continue
			}
			if err2 != nil || to.Path < lo || to.Path >= hi || to.Kind != campusguard.KindSchool {
				bad("to_id", "error.supply_unknown_holder")
				continue
			}
			ms, err := s.bookInput(ctx, tx, in)
			switch campusguard.ErrorCode(err) {
			case "":
				out = append(out, ms...)
			case campusguard.Invalid, campusguard.Conflict:
				for _, f := range campusguard.ErrorFields(err) {
					f.Row = i + 1
					fields = append(fields, f)
				}
			default:
				return err
			}
		}
		if len(fields) > 0 {
			return campusguard.InvalidFields(fields)
		}
		return nil
	})
	return out, err
}

// Roles told of low stock: the school's principal and health officer,
// and the education bureau above it.
var lowStockRoles = []campusguard.AccessRole{campusguard.SchoolAdmin, campusguard.HealthOffice, campusguard.RegionAdmin}

// DetectLowStock opens a low-stock alert for every school and item of a
// top-level region below its low mark at day that has none open, with a
// message in the school's and the region's inbox, and closes the alerts
// of those that recovered: once per item and school until it recovers.
// The system only; it returns how many it opened and closed.
func (s *Store) DetectLowStock(ctx context.Context, regionID int64, day campusguard.Date) (opened, recovered int, err error) {
	if a, err := campusguard.RequireActor(ctx); err != nil || !a.System {
		return 0, 0, forbidden()
	}
	root, err := findOrgByID(ctx, s.read, regionID)
	if err != nil {
		return 0, 0, err
	}
	if _, err := s.catalogue(ctx, regionID); err != nil {
		return 0, 0, err
	}
	// Computed outside the transaction: the writer waits for none of it.
	lines, _, holders, _, err := supplyLines(ctx, s.read, root, day, nil)
	if err != nil {
		return 0, 0, err
	}
	type key struct{ holder, item int64 }
	low := map[key]campusguard.StockLine{}
	for _, l := range lines {
		if l.Low {
			low[key{l.HolderID, l.ItemID}] = l
		}
	}
	err = s.inTx(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, holder_id, item_id FROM supply_alerts WHERE region_id = $1
			AND recovered_at IS NULL`, regionID)
		if err != nil {
			return err
		}
		open := map[key]int64{}
		for rows.Next() {
			var id int64
			var k key
			if err := rows.Scan(&id, &k.holder, &k.item); err != nil {
				rows.Close()
				return err
			}
			open[k] = id
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		var fresh []key
		for k := range low {
			if _, ok := open[k]; !ok {
				fresh = append(fresh, k)
			}
		}
		slices.SortFunc(fresh, func(a, b key) int {
			if a.holder != b.holder {
				return int(a.holder - b.holder)
			}
			return int(a.item - b.item)
		})
		for _, k := range fresh {
			l := low[k]
			if _, err := tx.ExecContext(ctx, `INSERT INTO supply_alerts (region_id, holder_id, item_id, day, opened_at)
				VALUES ($1, $2, $3, $4, $5)`, regionID, k.holder, k.item, day, tx.now); err != nil {
				return err
			}
			h := holders[k.holder]
			if err := notify(ctx, tx, regionID, h.path, lowStockRoles, "supply_low", "notify.supply_low",
				[]string{h.name, l.ItemName, l.Cover.Days()}, "/orgs/"+strconv.FormatInt(k.holder, 10)+"/supplies"); err != nil {
				return err
			}
			opened++
		}
		for k, id := range open {
			if _, still := low[k]; still {
				continue
			}
			if _, err := tx.ExecContext(ctx, `UPDATE supply_alerts SET recovered_at = $1 WHERE id = $2`, tx.now, id); err != nil {
				return err
			}
			recovered++
		}
		return nil
	})
	return opened, recovered, err
}

// LowStockSchools returns how many items are low at each school of a
// region with an open low-stock alert, for the dashboard and the
// briefing; no access check (callers check the region).
func lowStockSchools(ctx context.Context, q queryer, regionID int64) (map[int64]int, error) {
	rows, err := q.QueryContext(ctx, `SELECT holder_id, COUNT(*) FROM supply_alerts WHERE region_id = $1 AND recovered_at IS NULL
		GROUP BY holder_id`, regionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, rows.Err()
}

// addLowStock counts each school's items with an open low-stock alert on
// its dashboard line.
func addLowStock(ctx context.Context, q queryer, regionID int64, byID map[int64]*campusguard.SchoolStatus) error {
	low, err := lowStockSchools(ctx, q, regionID)
	if err != nil {
		return fmt.Errorf("dashboard low stock: %w", err)
	}
	for id, n := range low {
		if st := byID[id]; st != nil {
			st.LowStock = n
		}
	}
	return nil
}

// briefSupplies adds the supplies to a briefing: the schools with low
// stock (from the dashboard's lines), the batches near expiry and the
// region's tonnes.
func briefSupplies(ctx context.Context, q queryer, o *campusguard.Org, day campusguard.Date, d *campusguard.Dashboard,
	b *campusguard.Briefing) error {
	for _, st := range d.Schools {
		if st.LowStock > 0 {
			b.LowStock = append(b.LowStock, st.Name)
		}
	}
	items, err := supplyItems(ctx, q, o.RegionID)
	if err != nil || len(items) == 0 {
		return err // a region that never used supplies has nothing to brief
	}
	p, err := supplyPicture(ctx, q, o, day)
	if err != nil {
		return err
	}
	b.Expiring, b.SupplyTonnes = p.Expiring, p.Tonnes
	return nil
}
