package sqlstore

import (
	"context"
	"fmt"

	"campusguard"
)

// BusFigures counts the day's current bus checks of each route under an
// org node, from the checks of each school's day (their index); the riders
// from the roster.
func (s *Store) BusFigures(ctx context.Context, orgID int64, day campusguard.Date) ([]*campusguard.BusFigures, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	o, err := s.FindOrgByID(ctx, orgID)
	if err != nil {
		return nil, err
	}
	if !a.Can(campusguard.ReadBusFigures, o.Path) {
		return nil, forbidden()
	}
	lo, hi := subtree(o.Path)
	rows, err := s.read.QueryContext(ctx, `SELECT r.id, r.name, r.plate, s.id, s.name,
		(SELECT COUNT(*) FROM people p WHERE p.bus_route_id = r.id AND p.kind = 'student' AND p.active = $4),
		COUNT(c.id), COALESCE(SUM(CASE WHEN c.fever THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN c.mask = $5 THEN 1 ELSE 0 END), 0)
		FROM bus_routes r JOIN orgs s ON s.id = r.school_id
		LEFT JOIN checks c ON c.school_id = s.id AND c.day = $1 AND c.bus_route_id = r.id AND c.kind = 'bus' AND c.current = $4
		WHERE s.path >= $2 AND s.path < $3
		GROUP BY r.id, r.name, r.plate, s.id, s.name ORDER BY s.name, r.name, r.id`, day, lo, hi, true, false)
	if err != nil {
		return nil, fmt.Errorf("bus figures: %w", err)
	}
	defer rows.Close()
	out := []*campusguard.BusFigures{}
	for rows.Next() {
		var b campusguard.BusFigures
		if err := rows.Scan(&b.RouteID, &b.RouteName, &b.Plate, &b.SchoolID, &b.SchoolName, &b.Riders, &b.Boardings,
			&b.Fever, &b.NoMask); err != nil {
			return nil, err
		}
		out = append(out, &b)
	}
	return out, rows.Err()
}
