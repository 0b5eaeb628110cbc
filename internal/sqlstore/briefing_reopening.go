package sqlstore

import (
	"context"

	"campusguard"
)

// briefReopening is the reopening a briefing of day keeps: the region's
// open classes and students on day, and its schools by reopening status,
// their reviews as they stand when it is generated and their classes open
// on day. ctx acts as the system.
func (s *Store) briefReopening(ctx context.Context, o *campusguard.Org, day campusguard.Date) (*campusguard.BriefingReopening, error) {
	f, err := s.OpenFigures(ctx, o.ID, day)
	if err != nil {
		return nil, err
	}
	lines, err := regionReadiness(ctx, s.read, o, campusguard.Today(s.Now()), day)
	if err != nil {
		return nil, err
	}
	return campusguard.ReopeningOf(f, lines), nil
}
