package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"campusguard"
)

// Re-inspections (issue 12). Opened when a visit with flagged findings
// closes, or when the region flags a finding of a closed visit; carried
// out by the next visit to the school that closes. One hidden from the
// school (unannounced, not carried out) is so by reinspectionScope, the
// condition every query on them carries.

// reinspectionScope is visitScope for re-inspections ri at schools s.
func reinspectionScope(a *campusguard.Actor, arg func(any) string) string {
	return "((" + scopeCond(a, campusguard.ReadInspections, "s.path", arg) + " OR " +
		scopeCond(a, campusguard.ReadRectifying, "s.path", arg) + ") AND (ri.announced = TRUE OR ri.done_at IS NOT NULL OR " +
		scopeCond(a, campusguard.SeeUnannounced, "s.path", arg) + "))"
}

// openReinspection opens the re-inspection of a flagged finding of the
// visit r, once.
func openReinspection(ctx context.Context, tx *Tx, r visitRow, f campusguard.InspectionFinding) error {
	due := campusguard.ReinspectionDue(r.v.Day, f.Deadline)
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO reinspections (region_id, school_id, finding_id, announced, due, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (finding_id) DO NOTHING RETURNING id`,
		r.v.RegionID, r.v.SchoolID, f.ID, r.v.Announced, due, tx.now).Scan(&id)
	if err == sql.ErrNoRows {
		return nil // opened before
	}
	if err != nil {
		return fmt.Errorf("open reinspection: %w", err)
	}
	return audit(ctx, tx, r.v.RegionID, "open_reinspection", "reinspection:"+strconv.FormatInt(id, 10),
		"finding "+strconv.FormatInt(f.ID, 10)+" due "+due.String())
}

// carryOutReinspections marks the school's open re-inspections of other
// visits' findings as carried out by the visit r, which is closing.
func carryOutReinspections(ctx context.Context, tx *Tx, r visitRow) error {
	rows, err := tx.QueryContext(ctx, `SELECT ri.id FROM reinspections ri JOIN inspection_findings f ON f.id = ri.finding_id
		WHERE ri.school_id = $1 AND ri.done_at IS NULL AND f.visit_id <> $2 ORDER BY ri.id`, r.v.SchoolID, r.v.ID)
	if err != nil {
		return fmt.Errorf("carry out reinspections: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := tx.ExecContext(ctx, `UPDATE reinspections SET visit_id = $1, done_at = $2 WHERE id = $3`, r.v.ID, tx.now, id); err != nil {
			return fmt.Errorf("carry out reinspection: %w", err)
		}
		if err := audit(ctx, tx, r.v.RegionID, "reinspection_done", "reinspection:"+strconv.FormatInt(id, 10),
			"visit "+strconv.FormatInt(r.v.ID, 10)); err != nil {
			return err
		}
	}
	return nil
}

// SetReinspect sets or clears a finding's re-inspection flag. On a closed
// visit, setting it opens the re-inspection at once; clearing it drops one
// not yet carried out.
func (s *Store) SetReinspect(ctx context.Context, findingID int64, reinspect bool) (*campusguard.InspectionFinding, error) {
	var visitID int64
	err := s.read.QueryRowContext(ctx, `SELECT visit_id FROM inspection_findings WHERE id = $1`, findingID).Scan(&visitID)
	if err == sql.ErrNoRows {
		return nil, notFound("finding")
	}
	if err != nil {
		return nil, fmt.Errorf("set reinspect: %w", err)
	}
	var out *campusguard.InspectionFinding
	err = s.visitWrite(ctx, visitID, func(tx *Tx, r visitRow) error {
		fs, err := visitFindings(ctx, tx, visitID)
		if err != nil {
			return err
		}
		for i := range fs {
			if fs[i].ID == findingID {
				out = &fs[i]
			}
		}
		if out == nil {
			return notFound("finding")
		}
		if err := campusguard.CheckReinspectFlag(out.Severity, reinspect); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE inspection_findings SET reinspect = $1 WHERE id = $2`, reinspect, findingID); err != nil {
			return fmt.Errorf("set reinspect: %w", err)
		}
		out.Reinspect = reinspect
		if reinspect && r.v.Closed() {
			if err := openReinspection(ctx, tx, r, *out); err != nil {
				return err
			}
		}
		if !reinspect {
			if _, err := tx.ExecContext(ctx, `DELETE FROM reinspections WHERE finding_id = $1 AND done_at IS NULL`, findingID); err != nil {
				return fmt.Errorf("set reinspect: %w", err)
			}
		}
		return audit(ctx, tx, r.v.RegionID, "set_reinspect", "finding:"+strconv.FormatInt(findingID, 10), strconv.FormatBool(reinspect))
	})
	return out, err
}

// FindReinspections lists the re-inspections under a node the actor sees:
// those not carried out first, the earliest due first.
func (s *Store) FindReinspections(ctx context.Context, f campusguard.ReinspectionFilter) ([]*campusguard.Reinspection, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	o, err := findOrgByID(ctx, s.read, f.OrgID)
	if err != nil || (!a.Can(campusguard.ReadInspections, o.Path) && !a.Can(campusguard.ReadRectifying, o.Path)) {
		return nil, notFound("org")
	}
	today := f.Today
	if today.IsZero() {
		today = campusguard.Today(s.Now())
	}
	var c conds
	lo, hi := subtree(o.Path)
	c.and("ri.region_id = "+c.arg(o.RegionID), "s.path >= "+c.arg(lo), "s.path < "+c.arg(hi), reinspectionScope(a, c.arg))
	if f.Open != nil {
		if *f.Open {
			c.and("ri.done_at IS NULL")
		} else {
			c.and("ri.done_at IS NOT NULL")
		}
	}
	rows, err := s.read.QueryContext(ctx, `SELECT ri.id, ri.region_id, ri.school_id, s.name, ri.finding_id, f.visit_id, f.severity, f.note,
		ri.announced, ri.due, ri.created_at, ri.visit_id, ri.done_at FROM reinspections ri JOIN orgs s ON s.id = ri.school_id
		JOIN inspection_findings f ON f.id = ri.finding_id WHERE `+c.where()+`
		ORDER BY CASE WHEN ri.done_at IS NULL THEN 0 ELSE 1 END, ri.due, ri.id LIMIT 1000`, c.args...)
	if err != nil {
		return nil, fmt.Errorf("find reinspections: %w", err)
	}
	defer rows.Close()
	out := []*campusguard.Reinspection{}
	for rows.Next() {
		x := &campusguard.Reinspection{}
		var visit sql.NullInt64
		var done sql.NullTime
		if err := rows.Scan(&x.ID, &x.RegionID, &x.SchoolID, &x.SchoolName, &x.FindingID, &x.FromVisit, &x.Severity, &x.Problem,
			&x.Announced, &x.Due, &x.CreatedAt, &visit, &done); err != nil {
			return nil, err
		}
		x.VisitID = idPtr(visit)
		if done.Valid {
			t := done.Time
			x.DoneAt = &t
		}
		x.Overdue = x.DoneAt == nil && x.Due.Before(today)
		out = append(out, x)
	}
	return out, rows.Err()
}
