package app

import (
	"context"
	"fmt"
	"time"

	"campusguard"
	"campusguard/internal/sqlstore"
)

// RectifyOverdueToday tells of the rectification items of every top-level
// region past their deadline as of today in China: once per item, however
// often it runs (issue 12).
func RectifyOverdueToday(ctx context.Context, s *sqlstore.Store, now time.Time) error {
	ctx = campusguard.SystemContext(ctx, "job rectification-overdue")
	regions, err := rootRegions(ctx, s)
	if err != nil {
		return err
	}
	for _, r := range regions {
		if _, err := s.NotifyOverdue(ctx, r.ID, campusguard.Today(now)); err != nil {
			return fmt.Errorf("overdue rectification in %s: %w", r.Name, err)
		}
	}
	return nil
}
