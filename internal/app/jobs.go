package app

import (
	"context"
	"fmt"
	"time"

	"campusguard"
	"campusguard/internal/jobs"
	"campusguard/internal/sqlstore"
)

// China is the schools' time zone: a school day starts at midnight there.
var China = time.FixedZone("CST", 8*3600)

// scheduled returns the program's jobs.
func scheduled(s *sqlstore.Store) []jobs.Job {
	return []jobs.Job{
		{Name: "open-day", Every: 30 * time.Minute, Run: func(ctx context.Context) error {
			return OpenToday(ctx, s, time.Now())
		}},
	}
}

// OpenToday sets today's expected counts in every tree, so the day's
// figures read "missing" for everyone who has not reported yet. It runs at
// start and every half hour; it is idempotent.
func OpenToday(ctx context.Context, s *sqlstore.Store, now time.Time) error {
	ctx = campusguard.SystemContext(ctx, "job open-day")
	kind := campusguard.KindRegion
	regions, _, err := s.FindOrgs(ctx, campusguard.OrgFilter{Kind: &kind, Limit: 1000})
	if err != nil {
		return err
	}
	today := campusguard.DateOf(now.In(China))
	for _, r := range regions {
		if r.ParentID != nil {
			continue
		}
		if err := s.OpenDay(ctx, r.ID, today); err != nil {
			return fmt.Errorf("open %s for %s: %w", today, r.Name, err)
		}
	}
	return nil
}
