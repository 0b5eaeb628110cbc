package sqlstore

import (
	"context"
	"fmt"
	"slices"

	"campusguard"
)

// Supervision on the dashboard and in the briefing (issue 12).

// addRectItems counts each school's rectification items not closed, and
// those past their deadline on today, under the node at path. Items exist
// only for visits carried out, so no unannounced visit shows through them.
func addRectItems(ctx context.Context, q queryer, a *campusguard.Actor, o *campusguard.Org, today campusguard.Date,
	byID map[int64]*campusguard.SchoolStatus) error {
	if !a.Can(campusguard.ReadRectifying, o.Path) {
		return nil
	}
	lo, hi := subtree(o.Path)
	rows, err := q.QueryContext(ctx, `SELECT r.school_id, COUNT(*), SUM(CASE WHEN r.deadline < $1 THEN 1 ELSE 0 END)
		FROM rectifications r JOIN orgs s ON s.id = r.school_id
		WHERE r.region_id = $2 AND r.state <> 'closed' AND s.path >= $3 AND s.path < $4 GROUP BY r.school_id`,
		today, o.RegionID, lo, hi)
	if err != nil {
		return fmt.Errorf("dashboard rectification items: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var school int64
		var open, overdue int
		if err := rows.Scan(&school, &open, &overdue); err != nil {
			return err
		}
		if st := byID[school]; st != nil {
			st.OpenItems, st.OverdueItems = open, overdue
		}
	}
	return rows.Err()
}

// briefInspections adds to a briefing the region's items overdue on day,
// the longest overdue first, and the inspection coverage of day's month.
func (s *Store) briefInspections(sys context.Context, o *campusguard.Org, day campusguard.Date, b *campusguard.Briefing) error {
	yes := true
	items, err := s.FindRectifications(sys, campusguard.RectFilter{OrgID: o.ID, Overdue: &yes, Today: day})
	if err != nil {
		return err
	}
	// FindRectifications orders by state, then deadline: the longest
	// overdue first across states instead.
	slices.SortStableFunc(items, func(x, y *campusguard.Rectification) int { return x.Deadline.Compare(y.Deadline) })
	b.OverdueItems = items[:min(len(items), campusguard.MaxBriefingItems)]
	from, to := campusguard.MonthOf(day)
	c, err := s.Coverage(sys, o.ID, from, to)
	if err != nil {
		return err
	}
	b.Inspections = campusguard.BriefCoverage(c)
	return nil
}
