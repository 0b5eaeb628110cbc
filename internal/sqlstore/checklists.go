package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"campusguard"
)

// checklistTables are where one kind of versioned, region-owned checklist
// is kept: the readiness review's (issue 11) and the inspections' (issue
// 12) are stored alike, each version a row and its items rows of their
// own. The table names are constants of the package, never input.
type checklistTables struct {
	what   string // for errors
	lists  string
	items  string
	preset func() []campusguard.ChecklistItem // the version a region has before it stores its own
}

var (
	readinessLists  = checklistTables{"checklist", "checklists", "checklist_items", campusguard.DefaultChecklist}
	inspectionLists = checklistTables{"inspection checklist", "inspection_checklists", "inspection_checklist_items",
		campusguard.DefaultInspectionChecklist}
)

// current reads the newest stored version of a region's checklist; the
// preset one, unstored (ID 0, version 1), when it has none.
func (k checklistTables) current(ctx context.Context, q queryer, regionID int64) (*campusguard.Checklist, error) {
	c := &campusguard.Checklist{RegionID: regionID}
	err := q.QueryRowContext(ctx, `SELECT id, version, created_at, created_by FROM `+k.lists+` WHERE region_id = $1
		ORDER BY version DESC LIMIT 1`, regionID).Scan(&c.ID, &c.Version, &c.CreatedAt, &c.CreatedBy)
	if err == sql.ErrNoRows {
		c.Version, c.CreatedBy, c.Items = 1, "system", k.preset()
		return c, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", k.what, err)
	}
	c.Items, err = k.itemsOf(ctx, q, c.ID)
	return c, err
}

// itemsOf reads one version's items, in order.
func (k checklistTables) itemsOf(ctx context.Context, q queryer, id int64) ([]campusguard.ChecklistItem, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, code, section, title FROM `+k.items+` WHERE checklist_id = $1
		ORDER BY position`, id)
	if err != nil {
		return nil, fmt.Errorf("%s items: %w", k.what, err)
	}
	defer rows.Close()
	var out []campusguard.ChecklistItem
	for rows.Next() {
		var it campusguard.ChecklistItem
		if err := rows.Scan(&it.ID, &it.Code, &it.Section, &it.Title); err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// store keeps items as the next version of a region's checklist.
func (k checklistTables) store(ctx context.Context, tx *Tx, regionID int64, items []campusguard.ChecklistItem) (*campusguard.Checklist, error) {
	c := &campusguard.Checklist{RegionID: regionID, CreatedAt: tx.now, CreatedBy: campusguard.ActorName(ctx)}
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) + 1 FROM `+k.lists+` WHERE region_id = $1`,
		regionID).Scan(&c.Version); err != nil {
		return nil, err
	}
	if err := tx.QueryRowContext(ctx, `INSERT INTO `+k.lists+` (region_id, version, created_at, created_by)
		VALUES ($1, $2, $3, $4) RETURNING id`, regionID, c.Version, tx.now, c.CreatedBy).Scan(&c.ID); err != nil {
		return nil, fmt.Errorf("store %s: %w", k.what, err)
	}
	for i, it := range items {
		if err := tx.QueryRowContext(ctx, `INSERT INTO `+k.items+` (region_id, checklist_id, position, code, section, title)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, regionID, c.ID, i, it.Code, it.Section, it.Title).Scan(&it.ID); err != nil {
			return nil, fmt.Errorf("store %s: %w", k.what, err)
		}
		c.Items = append(c.Items, it)
	}
	return c, nil
}
