package sqlstore

import (
	"context"
	"fmt"

	"campusguard"
)

// SupplyHeadcounts returns the open headcount of every school of a
// top-level region today: for the demo and the jobs; the system only.
func (s *Store) SupplyHeadcounts(ctx context.Context, regionID int64) (map[int64]int, error) {
	if a, err := campusguard.RequireActor(ctx); err != nil || !a.System {
		return nil, forbidden()
	}
	root, err := findOrgByID(ctx, s.read, regionID)
	if err != nil {
		return nil, err
	}
	lo, hi := subtree(root.Path)
	return openHeadcounts(ctx, s.read, regionID, lo, hi, campusguard.Today(s.Now()))
}

// LoadSupplyMovements writes a generated history of ledger lines of a
// top-level region at once and sets the running balances from them: the
// demo's, whose generator keeps every balance at or above zero on every
// day. The system only.
func (s *Store) LoadSupplyMovements(ctx context.Context, regionID int64, ms []campusguard.Movement) error {
	if a, err := campusguard.RequireActor(ctx); err != nil || !a.System {
		return forbidden()
	}
	return s.inTx(ctx, func(tx *Tx) error {
		err := insertMany(ctx, tx, "supply_movements", []string{"region_id", "holder_id", "item_id", "day", "kind", "delta", "party",
			"batch", "expiry", "reason", "counterpart_id", "created_by", "created_at"}, len(ms), func(i int) []any {
			m := ms[i]
			return []any{regionID, m.HolderID, m.ItemID, m.Day, string(m.Kind), int64(m.Delta), m.Party, m.Batch, m.Expiry, m.Reason,
				nullID(m.CounterpartID), m.CreatedBy, tx.now}
		}, "")
		if err != nil {
			return fmt.Errorf("load supplies: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM supply_stock WHERE region_id = $1`, regionID); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO supply_stock (region_id, holder_id, item_id, balance)
			SELECT region_id, holder_id, item_id, SUM(delta) FROM supply_movements WHERE region_id = $1
			GROUP BY region_id, holder_id, item_id`, regionID)
		return err
	})
}
