package sqlstore

import (
	"context"
	"fmt"

	"campusguard"
)

// childRollupsQuery reads the day ($1) figures of the children of a node
// from the roll-up rows kept as checks arrive, never from raw checks; a
// child with no row that day reads as zeros. The WHERE clause (%s) picks
// the children. They come grade by grade (their parent's grade year and
// name), then by name and id: a region's children by name, a school's
// classes grade by grade.
const childRollupsQuery = `SELECT c.id, COALESCE(r.expected, 0), COALESCE(r.reported, 0), COALESCE(r.abnormal, 0),
	COALESCE(r.fever, 0), COALESCE(r.absent, 0), COALESCE(r.ill_absent, 0), COALESCE(r.open_followups, 0)
	FROM orgs c JOIN orgs p ON p.id = c.parent_id
	LEFT JOIN rollups r ON r.org_id = c.id AND r.day = $1
	WHERE %s
	ORDER BY p.grade_year, p.name, c.name, c.id`

// ChildRollups returns the day's figures of each child of an org node that
// has figures of its own: a region's direct children (sub-regions and
// schools), a school's classes (grades keep no roll-ups, so a school skips
// them), a grade's classes, and nothing for a class. A child with no
// figures that day has zeros. Missing is Expected − Reported, never below
// zero. Unauthenticated without an actor, NotFound when the node does not
// exist or is out of the actor's scope.
func (s *Store) ChildRollups(ctx context.Context, orgID int64, day campusguard.Date) ([]campusguard.Rollup, error) {
	o, err := s.FindOrgByID(ctx, orgID)
	if err != nil {
		return nil, err
	}
	var where string
	args := []any{day}
	switch o.Kind {
	case campusguard.KindRegion, campusguard.KindGrade:
		where = "c.parent_id = $2"
		args = append(args, o.ID)
	case campusguard.KindSchool:
		lo, hi := subtree(o.Path)
		where = "c.kind = 'class' AND c.path > $2 AND c.path < $3"
		args = append(args, lo, hi)
	default:
		return []campusguard.Rollup{}, nil
	}
	rows, err := s.read.QueryContext(ctx, fmt.Sprintf(childRollupsQuery, where), args...)
	if err != nil {
		return nil, fmt.Errorf("child rollups of %d: %w", orgID, err)
	}
	defer rows.Close()
	out := []campusguard.Rollup{}
	for rows.Next() {
		r := campusguard.Rollup{Day: day}
		if err := rows.Scan(&r.OrgID, &r.Expected, &r.Reported, &r.Abnormal, &r.Fever, &r.Absent, &r.IllAbsent,
			&r.OpenFollowUps); err != nil {
			return nil, err
		}
		r.Missing = max(r.Expected-r.Reported, 0)
		out = append(out, r)
	}
	return out, rows.Err()
}
