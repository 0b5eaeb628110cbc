package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"

	"campusguard"
)

// Supplies (issue 13): the catalogue, the ledgers, balances and cover.
//
// Every booking first adds its delta to the holder's row of supply_stock
// with an upsert that returns the new balance. On PostgreSQL that row lock
// makes every other booking against the same balance wait until this one
// commits or rolls back, and then see its result; on SQLite the one writer
// serialises them anyway. So the never-negative check reads a balance no
// concurrent booking can change under it, with no row-locking clause.

// supplyHolder returns a holder (a school, or a region's warehouse) the
// actor may read; NotFound otherwise.
func supplyHolder(ctx context.Context, q queryer, a *campusguard.Actor, id int64) (*campusguard.Org, error) {
	o, err := findOrgByID(ctx, q, id)
	if campusguard.ErrorCode(err) == campusguard.NotFound {
		return nil, notFound("holder")
	}
	if err != nil {
		return nil, err
	}
	if (o.Kind != campusguard.KindSchool && o.Kind != campusguard.KindRegion) || !a.Can(campusguard.ReadSupplies, o.Path) {
		return nil, notFound("holder")
	}
	return o, nil
}

// canBook reports whether the actor may book at the holder: WriteSupplies
// at a school, ManageSupplies at a region's warehouse.
func canBook(a *campusguard.Actor, o *campusguard.Org) bool {
	if o.Kind == campusguard.KindRegion {
		return a.Can(campusguard.ManageSupplies, o.Path)
	}
	return a.Can(campusguard.WriteSupplies, o.Path)
}

const supplyItemColumns = `id, region_id, code, name, unit, unit_weight, norm, essential`

func scanSupplyItem(row interface{ Scan(...any) error }) (*campusguard.SupplyItem, error) {
	var it campusguard.SupplyItem
	var norm sql.NullInt64
	if err := row.Scan(&it.ID, &it.RegionID, &it.Code, &it.Name, &it.Unit, &it.UnitWeight, &norm, &it.Essential); err != nil {
		return nil, err
	}
	if norm.Valid {
		n := campusguard.Qty(norm.Int64)
		it.Norm = &n
	}
	return &it, nil
}

// supplyItems reads a region's catalogue, by code; no access check.
func supplyItems(ctx context.Context, q queryer, regionID int64) ([]*campusguard.SupplyItem, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+supplyItemColumns+` FROM supply_items WHERE region_id = $1 ORDER BY id`, regionID)
	if err != nil {
		return nil, fmt.Errorf("supply items: %w", err)
	}
	defer rows.Close()
	out := []*campusguard.SupplyItem{}
	for rows.Next() {
		it, err := scanSupplyItem(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// catalogue returns a region's catalogue, writing the default one first
// when the region has none yet.
func (s *Store) catalogue(ctx context.Context, regionID int64) ([]*campusguard.SupplyItem, error) {
	items, err := supplyItems(ctx, s.read, regionID)
	if err != nil || len(items) > 0 {
		return items, err
	}
	if err := s.inTx(ctx, func(tx *Tx) error { return seedCatalogue(ctx, tx, regionID) }); err != nil {
		return nil, err
	}
	return supplyItems(ctx, s.read, regionID)
}

// seedCatalogue writes the default items a region lacks.
func seedCatalogue(ctx context.Context, tx *Tx, regionID int64) error {
	for _, it := range campusguard.DefaultSupplyItems() {
		if _, err := tx.ExecContext(ctx, `INSERT INTO supply_items (region_id, code, name, unit, unit_weight, norm, essential,
			created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (region_id, code) DO NOTHING`,
			regionID, it.Code, it.Name, string(it.Unit), int64(it.UnitWeight), nullQty(it.Norm), it.Essential, tx.now); err != nil {
			return fmt.Errorf("seed catalogue: %w", err)
		}
	}
	return nil
}

func nullQty(q *campusguard.Qty) any {
	if q == nil {
		return nil
	}
	return int64(*q)
}

// SupplyItems lists a region's catalogue, creating the default one on
// first use: everyone who reads supplies anywhere in the region.
func (s *Store) SupplyItems(ctx context.Context, regionID int64) ([]*campusguard.SupplyItem, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	root, err := findOrgByID(ctx, s.read, regionID)
	if err != nil || root.ParentID != nil || !readsSupplies(a, root.Path) {
		return nil, notFound("region")
	}
	return s.catalogue(ctx, regionID)
}

// readsSupplies reports whether the actor reads supplies anywhere in the
// tree at root.
func readsSupplies(a *campusguard.Actor, root string) bool {
	paths, all := a.Scopes(campusguard.ReadSupplies)
	if all {
		return true
	}
	for _, p := range paths {
		if len(p) >= len(root) && p[:len(root)] == root || len(root) >= len(p) && root[:len(p)] == p {
			return true
		}
	}
	return false
}

// CreateSupplyItem adds an item to a top-level region's catalogue: its
// region admins. Conflict for a code the region has.
func (s *Store) CreateSupplyItem(ctx context.Context, it *campusguard.SupplyItem) error {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return err
	}
	if _, err := s.catalogue(ctx, it.RegionID); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *Tx) error {
		root, err := findOrgByID(ctx, tx, it.RegionID)
		if err != nil || root.ParentID != nil || !readsSupplies(a, root.Path) {
			return notFound("region")
		}
		if !a.Can(campusguard.ManageSupplies, root.Path) {
			return forbidden()
		}
		if err := it.Validate(); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM supply_items WHERE region_id = $1 AND code = $2`,
			it.RegionID, it.Code).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return campusguard.InvalidFields([]campusguard.FieldError{{Field: "code", Msg: "error.supply_code_taken"}})
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO supply_items (region_id, code, name, unit, unit_weight, norm, essential,
			created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, it.RegionID, it.Code, it.Name, string(it.Unit),
			int64(it.UnitWeight), nullQty(it.Norm), it.Essential, tx.now).Scan(&it.ID); err != nil {
			return fmt.Errorf("create supply item: %w", err)
		}
		return audit(ctx, tx, it.RegionID, "create_supply_item", "org:"+strconv.FormatInt(it.RegionID, 10), it.Code)
	})
}

// findSupplyItem returns an item of the region, or an Invalid error on
// field (for a booking, an unknown item is bad input).
func findSupplyItem(ctx context.Context, q queryer, regionID, id int64, field string) (*campusguard.SupplyItem, error) {
	it, err := scanSupplyItem(q.QueryRowContext(ctx, `SELECT `+supplyItemColumns+` FROM supply_items WHERE id = $1 AND region_id = $2`,
		id, regionID))
	if err == sql.ErrNoRows {
		return nil, campusguard.InvalidFields([]campusguard.FieldError{{Field: field, Msg: "error.supply_unknown_item"}})
	}
	return it, err
}

// lockStock takes the row lock of a holder's balance of an item (creating
// the row at zero) and returns the balance.
func lockStock(ctx context.Context, tx *Tx, region, holder, item int64) (campusguard.Qty, error) {
	var bal campusguard.Qty
	err := tx.QueryRowContext(ctx, `INSERT INTO supply_stock (region_id, holder_id, item_id, balance) VALUES ($1, $2, $3, 0)
		ON CONFLICT (holder_id, item_id) DO UPDATE SET balance = supply_stock.balance RETURNING balance`, region, holder, item).Scan(&bal)
	if err != nil {
		return 0, fmt.Errorf("lock stock: %w", err)
	}
	return bal, nil
}

// book writes one ledger line at a holder whose stock row the transaction
// holds, after checking that no day's balance goes below zero from the
// line's day on.
func book(ctx context.Context, tx *Tx, m *campusguard.Movement, it *campusguard.SupplyItem) error {
	var bal campusguard.Qty
	if err := tx.QueryRowContext(ctx, `INSERT INTO supply_stock (region_id, holder_id, item_id, balance) VALUES ($1, $2, $3, $4)
		ON CONFLICT (holder_id, item_id) DO UPDATE SET balance = supply_stock.balance + excluded.balance RETURNING balance`,
		m.RegionID, m.HolderID, m.ItemID, int64(m.Delta)).Scan(&bal); err != nil {
		return fmt.Errorf("book: %w", err)
	}
	if m.Delta < 0 {
		var later int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM supply_movements WHERE holder_id = $1 AND item_id = $2 AND day > $3`,
			m.HolderID, m.ItemID, m.Day).Scan(&later); err != nil {
			return err
		}
		lowest := bal
		if later > 0 { // back-dated: every day's balance from the line's day on
			var before campusguard.Qty
			if err := tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(delta), 0) FROM supply_movements WHERE holder_id = $1
				AND item_id = $2 AND day < $3`, m.HolderID, m.ItemID, m.Day).Scan(&before); err != nil {
				return err
			}
			days, err := dayDeltas(ctx, tx, m.HolderID, m.ItemID, m.Day)
			if err != nil {
				return err
			}
			lowest, _ = campusguard.CheckNeverNegative(before, m.Day, m.Delta, days)
		}
		if lowest < 0 {
			// Give the row its balance back: an import goes on checking its
			// other rows in this transaction before it rolls back.
			if _, err := tx.ExecContext(ctx, `UPDATE supply_stock SET balance = balance - $1 WHERE holder_id = $2 AND item_id = $3`,
				int64(m.Delta), m.HolderID, m.ItemID); err != nil {
				return err
			}
			return campusguard.ShortStock(it.Name, it.Unit, lowest-m.Delta)
		}
	}
	err := tx.QueryRowContext(ctx, `INSERT INTO supply_movements (region_id, holder_id, item_id, day, kind, delta, party, batch,
		expiry, reason, counterpart_id, reverses_id, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11,
		$12, $13, $14) RETURNING id`, m.RegionID, m.HolderID, m.ItemID, m.Day, string(m.Kind), int64(m.Delta), m.Party, m.Batch,
		m.Expiry, m.Reason, nullID(m.CounterpartID), nullID(m.ReversesID), m.CreatedBy, tx.now).Scan(&m.ID)
	if err != nil {
		return fmt.Errorf("book: %w", err)
	}
	m.CreatedAt = tx.now
	m.ItemName = it.Name
	return nil
}

// dayDeltas returns a holder's changes of an item by day from day on.
func dayDeltas(ctx context.Context, q queryer, holder, item int64, day campusguard.Date) ([]campusguard.DayDelta, error) {
	rows, err := q.QueryContext(ctx, `SELECT day, SUM(delta) FROM supply_movements WHERE holder_id = $1 AND item_id = $2
		AND day >= $3 GROUP BY day ORDER BY day`, holder, item, day)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []campusguard.DayDelta
	for rows.Next() {
		var d campusguard.DayDelta
		if err := rows.Scan(&d.Day, &d.Delta); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// BookMovement books one input: a receipt, an issue, a transfer (two
// lines, atomically) or a stock-take (an adjustment, or nothing when the
// count agrees).
func (s *Store) BookMovement(ctx context.Context, in campusguard.MovementInput) ([]*campusguard.Movement, error) {
	var out []*campusguard.Movement
	err := s.inTx(ctx, func(tx *Tx) error {
		var err error
		out, err = s.bookInput(ctx, tx, in)
		return err
	})
	return out, err
}

// bookInput checks access, then the input, then books it in tx.
func (s *Store) bookInput(ctx context.Context, tx *Tx, in campusguard.MovementInput) ([]*campusguard.Movement, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	holder, err := supplyHolder(ctx, tx, a, in.HolderID)
	if err != nil {
		return nil, err
	}
	var to *campusguard.Org
	if in.Kind == campusguard.InputTransfer {
		if !a.Can(campusguard.ManageSupplies, holder.Path) {
			return nil, forbidden()
		}
		if in.ToID > 0 && in.ToID != in.HolderID {
			if to, err = supplyHolder(ctx, tx, a, in.ToID); err != nil || to.RegionID != holder.RegionID {
				return nil, campusguard.InvalidFields([]campusguard.FieldError{{Field: "to_id", Msg: "error.supply_unknown_holder"}})
			}
			if !a.Can(campusguard.ManageSupplies, to.Path) {
				return nil, forbidden()
			}
		}
	} else if !canBook(a, holder) {
		return nil, forbidden()
	}
	if err := in.Validate(campusguard.Today(tx.now)); err != nil {
		return nil, err
	}
	it, err := findSupplyItem(ctx, tx, holder.RegionID, in.ItemID, "item_id")
	if err != nil {
		return nil, err
	}
	if err := campusguard.CheckItemUnit(it, in.Unit); err != nil {
		return nil, err
	}
	by := campusguard.ActorName(ctx)
	if a.Name != "" {
		by = a.Name
	}
	m := &campusguard.Movement{RegionID: holder.RegionID, HolderID: holder.ID, ItemID: it.ID, Day: in.Day, Party: in.Party,
		Batch: in.Batch, Expiry: in.Expiry, Reason: in.Reason, CreatedBy: by, HolderName: holder.Name}
	var out []*campusguard.Movement
	switch in.Kind {
	case campusguard.Receipt:
		m.Kind, m.Delta = campusguard.Receipt, in.Quantity
		if err := book(ctx, tx, m, it); err != nil {
			return nil, err
		}
		out = append(out, m)
	case campusguard.Issue:
		m.Kind, m.Delta = campusguard.Issue, -in.Quantity
		if err := book(ctx, tx, m, it); err != nil {
			return nil, err
		}
		out = append(out, m)
	case campusguard.InputStockTake:
		if _, err := lockStock(ctx, tx, holder.RegionID, holder.ID, it.ID); err != nil {
			return nil, err
		}
		var at campusguard.Qty
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(delta), 0) FROM supply_movements WHERE holder_id = $1
			AND item_id = $2 AND day <= $3`, holder.ID, it.ID, in.Day).Scan(&at); err != nil {
			return nil, err
		}
		d := campusguard.StockTakeDelta(at, in.Quantity)
		if d == 0 {
			break
		}
		m.Kind, m.Delta = campusguard.Adjustment, d
		if err := book(ctx, tx, m, it); err != nil {
			return nil, err
		}
		out = append(out, m)
	case campusguard.InputTransfer:
		pair, err := transfer(ctx, tx, holder, to, it, in.Quantity, in.Day, in.Reason, by)
		if err != nil {
			return nil, err
		}
		out = pair
	}
	for _, m := range out {
		if err := audit(ctx, tx, m.RegionID, "book_supply", "org:"+strconv.FormatInt(m.HolderID, 10),
			string(m.Kind)+" "+it.Code+" "+m.Delta.String()); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// transfer books a transfer: one line out of from, one into to, linked.
// The two stock rows are locked in id order, so two opposite transfers
// cannot deadlock.
func transfer(ctx context.Context, tx *Tx, from, to *campusguard.Org, it *campusguard.SupplyItem, qty campusguard.Qty,
	day campusguard.Date, reason, by string) ([]*campusguard.Movement, error) {
	ids := []int64{from.ID, to.ID}
	slices.Sort(ids)
	for _, id := range ids {
		if _, err := lockStock(ctx, tx, from.RegionID, id, it.ID); err != nil {
			return nil, err
		}
	}
	out := &campusguard.Movement{RegionID: from.RegionID, HolderID: from.ID, ItemID: it.ID, Day: day, Kind: campusguard.TransferOut,
		Delta: -qty, Party: to.Name, Reason: reason, CounterpartID: &to.ID, CreatedBy: by, HolderName: from.Name}
	if err := book(ctx, tx, out, it); err != nil {
		return nil, err
	}
	in := &campusguard.Movement{RegionID: from.RegionID, HolderID: to.ID, ItemID: it.ID, Day: day, Kind: campusguard.TransferIn,
		Delta: qty, Party: from.Name, Reason: reason, CounterpartID: &from.ID, CreatedBy: by, HolderName: to.Name}
	if err := book(ctx, tx, in, it); err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE supply_movements SET pair_id = $1 WHERE id = $2`, in.ID, out.ID); err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE supply_movements SET pair_id = $1 WHERE id = $2`, out.ID, in.ID); err != nil {
		return nil, err
	}
	return []*campusguard.Movement{out, in}, nil
}

// BookMovements books inputs at one holder, all or none: every bad row is
// named, and one refused row changes nothing.
func (s *Store) BookMovements(ctx context.Context, holderID int64, ins []campusguard.MovementInput) ([]*campusguard.Movement, error) {
	var out []*campusguard.Movement
	err := s.inTx(ctx, func(tx *Tx) error {
		var fields []campusguard.FieldError
		out = out[:0]
		for i, in := range ins {
			in.HolderID = holderID
			ms, err := s.bookInput(ctx, tx, in)
			switch campusguard.ErrorCode(err) {
			case "":
				out = append(out, ms...)
				continue
			case campusguard.Invalid, campusguard.Conflict:
				for _, f := range campusguard.ErrorFields(err) {
					f.Row = i + 1
					fields = append(fields, f)
				}
				// Once a row failed, the transaction is rolled back anyway;
				// the other rows are still checked, so all are named.
				continue
			}
			return err
		}
		if len(fields) > 0 {
			return campusguard.InvalidFields(fields)
		}
		return nil
	})
	return out, err
}

const movementColumns = `m.id, m.region_id, m.holder_id, m.item_id, m.day, m.kind, m.delta, m.party, m.batch, m.expiry, m.reason,
	m.counterpart_id, m.reverses_id, m.created_by, m.created_at, i.name, h.name`

func scanMovement(row interface{ Scan(...any) error }) (*campusguard.Movement, error) {
	var m campusguard.Movement
	var cp, rev sql.NullInt64
	if err := row.Scan(&m.ID, &m.RegionID, &m.HolderID, &m.ItemID, &m.Day, &m.Kind, &m.Delta, &m.Party, &m.Batch, &m.Expiry,
		&m.Reason, &cp, &rev, &m.CreatedBy, &m.CreatedAt, &m.ItemName, &m.HolderName); err != nil {
		return nil, err
	}
	m.CounterpartID, m.ReversesID = idPtr(cp), idPtr(rev)
	m.CreatedAt = m.CreatedAt.UTC()
	return &m, nil
}

// ReverseMovement books the counter-movement of a line (both lines of a
// transfer): the same rights as booking it. Conflict when it is reversed
// already, is a reversal itself, or would take a balance below zero.
func (s *Store) ReverseMovement(ctx context.Context, id int64, reason string) ([]*campusguard.Movement, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	var out []*campusguard.Movement
	err = s.inTx(ctx, func(tx *Tx) error {
		orig, err := scanMovement(tx.QueryRowContext(ctx, `SELECT `+movementColumns+` FROM supply_movements m
			JOIN supply_items i ON i.id = m.item_id JOIN orgs h ON h.id = m.holder_id WHERE m.id = $1`, id))
		if err == sql.ErrNoRows {
			return notFound("movement")
		}
		if err != nil {
			return err
		}
		holder, err := supplyHolder(ctx, tx, a, orig.HolderID)
		if err != nil {
			return notFound("movement")
		}
		lines := []*campusguard.Movement{orig}
		var pair sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT pair_id FROM supply_movements WHERE id = $1`, id).Scan(&pair); err != nil {
			return err
		}
		if pair.Valid {
			if !a.Can(campusguard.ManageSupplies, holder.Path) {
				return forbidden()
			}
			other, err := scanMovement(tx.QueryRowContext(ctx, `SELECT `+movementColumns+` FROM supply_movements m
				JOIN supply_items i ON i.id = m.item_id JOIN orgs h ON h.id = m.holder_id WHERE m.id = $1`, pair.Int64))
			if err != nil {
				return err
			}
			lines = append(lines, other)
		} else if !canBook(a, holder) {
			return forbidden()
		}
		if orig.Kind == campusguard.Reversal {
			return campusguard.Errorf(campusguard.Conflict, "error.supply_reversal_twice")
		}
		var done int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM supply_movements WHERE reverses_id = $1`, id).Scan(&done); err != nil {
			return err
		}
		if done > 0 {
			return campusguard.Errorf(campusguard.Conflict, "error.supply_reversal_twice")
		}
		it, err := findSupplyItem(ctx, tx, orig.RegionID, orig.ItemID, "item_id")
		if err != nil {
			return err
		}
		ids := []int64{}
		for _, l := range lines {
			ids = append(ids, l.HolderID)
		}
		slices.Sort(ids)
		for _, h := range ids {
			if _, err := lockStock(ctx, tx, orig.RegionID, h, it.ID); err != nil {
				return err
			}
		}
		// The line that gave stock back first, so a transfer undone takes
		// nothing the destination does not hold.
		slices.SortFunc(lines, func(x, y *campusguard.Movement) int { return cmp.Compare(x.Delta, y.Delta) })
		for _, l := range lines {
			r := &campusguard.Movement{RegionID: l.RegionID, HolderID: l.HolderID, ItemID: l.ItemID,
				Day: campusguard.Today(tx.now), Kind: campusguard.Reversal, Delta: -l.Delta, Reason: reason, ReversesID: &l.ID,
				CreatedBy: a.Name, HolderName: l.HolderName}
			if r.CreatedBy == "" {
				r.CreatedBy = campusguard.ActorName(ctx)
			}
			if err := book(ctx, tx, r, it); err != nil {
				return err
			}
			out = append(out, r)
			if err := audit(ctx, tx, r.RegionID, "reverse_supply", "org:"+strconv.FormatInt(r.HolderID, 10),
				"movement "+strconv.FormatInt(l.ID, 10)); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// Movements lists a holder's ledger lines, newest first.
func (s *Store) Movements(ctx context.Context, f campusguard.MovementFilter) ([]*campusguard.Movement, int, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, 0, err
	}
	if f.HolderID == nil {
		return nil, 0, campusguard.InvalidFields([]campusguard.FieldError{{Field: "holder_id", Msg: "error.required"}})
	}
	if _, err := supplyHolder(ctx, s.read, a, *f.HolderID); err != nil {
		return nil, 0, err
	}
	var c conds
	c.and("m.holder_id = " + c.arg(*f.HolderID))
	if f.ItemID != nil {
		c.and("m.item_id = " + c.arg(*f.ItemID))
	}
	if f.From != nil {
		c.and("m.day >= " + c.arg(*f.From))
	}
	if f.To != nil {
		c.and("m.day <= " + c.arg(*f.To))
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 100
	}
	rows, err := s.read.QueryContext(ctx, `SELECT `+movementColumns+`, COUNT(*) OVER() FROM supply_movements m
		JOIN supply_items i ON i.id = m.item_id JOIN orgs h ON h.id = m.holder_id WHERE `+c.where()+`
		ORDER BY m.day DESC, m.id DESC LIMIT `+strconv.Itoa(f.Limit)+` OFFSET `+strconv.Itoa(max(f.Offset, 0)), c.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("movements: %w", err)
	}
	defer rows.Close()
	out := []*campusguard.Movement{}
	total := 0
	for rows.Next() {
		var m campusguard.Movement
		var cp, rev sql.NullInt64
		if err := rows.Scan(&m.ID, &m.RegionID, &m.HolderID, &m.ItemID, &m.Day, &m.Kind, &m.Delta, &m.Party, &m.Batch, &m.Expiry,
			&m.Reason, &cp, &rev, &m.CreatedBy, &m.CreatedAt, &m.ItemName, &m.HolderName, &total); err != nil {
			return nil, 0, err
		}
		m.CounterpartID, m.ReversesID = idPtr(cp), idPtr(rev)
		m.CreatedAt = m.CreatedAt.UTC()
		out = append(out, &m)
	}
	return out, total, rows.Err()
}

// SupplySettings returns a region's thresholds, the defaults where it set
// none: for everyone who reads its supplies.
func (s *Store) SupplySettings(ctx context.Context, regionID int64) (campusguard.SupplySettings, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return campusguard.SupplySettings{}, err
	}
	root, err := findOrgByID(ctx, s.read, regionID)
	if err != nil || root.ParentID != nil || !readsSupplies(a, root.Path) {
		return campusguard.SupplySettings{}, notFound("region")
	}
	return supplySettings(ctx, s.read, regionID)
}

func supplySettings(ctx context.Context, q queryer, regionID int64) (campusguard.SupplySettings, error) {
	st := campusguard.SupplySettings{RegionID: regionID, LowDays: campusguard.DefaultLowDays, TargetDays: campusguard.DefaultTargetDays}
	err := q.QueryRowContext(ctx, `SELECT low_days, target_days FROM supply_settings WHERE region_id = $1`, regionID).
		Scan(&st.LowDays, &st.TargetDays)
	if err == sql.ErrNoRows {
		err = nil
	}
	return st, err
}

// SetSupplySettings sets a top-level region's thresholds: its region admins.
func (s *Store) SetSupplySettings(ctx context.Context, st campusguard.SupplySettings) error {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *Tx) error {
		root, err := findOrgByID(ctx, tx, st.RegionID)
		if err != nil || root.ParentID != nil || !readsSupplies(a, root.Path) {
			return notFound("region")
		}
		if !a.Can(campusguard.ManageSupplies, root.Path) {
			return forbidden()
		}
		if err := st.Validate(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO supply_settings (region_id, low_days, target_days, updated_at)
			VALUES ($1, $2, $3, $4) ON CONFLICT (region_id) DO UPDATE SET low_days = excluded.low_days,
			target_days = excluded.target_days, updated_at = excluded.updated_at`, st.RegionID, st.LowDays, st.TargetDays, tx.now); err != nil {
			return err
		}
		return audit(ctx, tx, st.RegionID, "set_supply_settings", "org:"+strconv.FormatInt(st.RegionID, 10),
			fmt.Sprintf("low %d target %d", st.LowDays, st.TargetDays))
	})
}
