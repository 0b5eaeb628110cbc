package app

import (
	"context"
	"fmt"
	"time"

	"campusguard"
	"campusguard/internal/sqlstore"
)

// QualityAt is when, in China, the day's data-quality checks run: after
// the evening checks of the boarders, when the day's data is in.
const QualityAt = 20*time.Hour + 30*time.Minute

// QualityDaily runs each top-level region's data-quality rules for today
// once a day, from QualityAt China time; a region whose run today is in the
// audit log is skipped, so a restart or a second server does not run it
// again (and a run twice changes nothing: findings extend, not repeat).
func QualityDaily(ctx context.Context, s *sqlstore.Store, now time.Time) error {
	local := now.In(campusguard.China)
	midnight := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, campusguard.China)
	if local.Sub(midnight) < QualityAt {
		return nil
	}
	ctx = campusguard.SystemContext(ctx, "job data-quality")
	regions, err := rootRegions(ctx, s)
	if err != nil {
		return err
	}
	for _, r := range regions {
		last, err := s.LastQualityRun(ctx, r.ID, midnight.AddDate(0, 0, 1))
		if err != nil {
			return err
		}
		if !last.Before(midnight.Add(QualityAt)) {
			continue // ran this evening
		}
		if _, err := s.RunQuality(ctx, r.ID, campusguard.DateOf(local)); err != nil {
			return fmt.Errorf("data quality of %s: %w", r.Name, err)
		}
	}
	return nil
}
