package sqlstore

import (
	"context"
	"fmt"

	"campusguard"
)

// LoadSpaces writes a top-level region's spaces at once and returns all
// of the region's spaces with their ids and schedules: the demo's, which
// would otherwise wait for a transaction per room. The system only.
func (s *Store) LoadSpaces(ctx context.Context, regionID int64, spaces []*campusguard.Space) ([]*campusguard.Space, error) {
	if a, err := campusguard.RequireActor(ctx); err != nil || !a.System {
		return nil, forbidden()
	}
	for _, sp := range spaces {
		if err := sp.Validate(); err != nil {
			return nil, err
		}
	}
	err := s.inTx(ctx, func(tx *Tx) error {
		err := insertMany(ctx, tx, "env_spaces", []string{"region_id", "school_id", "kind", "name", "class_id", "bus_route_id", "created_at"},
			len(spaces), func(i int) []any {
				sp := spaces[i]
				return []any{regionID, sp.SchoolID, string(sp.Kind), sp.Name, nullID(sp.ClassID), nullID(sp.BusRouteID), tx.now}
			}, "")
		if err != nil {
			return fmt.Errorf("load spaces: %w", err)
		}
		return audit(ctx, tx, regionID, "create_space", "org:"+fmt.Sprint(regionID), fmt.Sprintf("demo: %d spaces", len(spaces)))
	})
	if err != nil {
		return nil, err
	}
	var c conds
	c.and("e.region_id = " + c.arg(regionID))
	return loadSpaces(ctx, s.read, regionID, &c)
}

// LoadEnvLogs writes a generated history of a region's logs at once: the
// demo's. The system only.
func (s *Store) LoadEnvLogs(ctx context.Context, regionID int64, logs []campusguard.EnvLog) error {
	if a, err := campusguard.RequireActor(ctx); err != nil || !a.System {
		return forbidden()
	}
	return s.inTx(ctx, func(tx *Tx) error {
		err := insertMany(ctx, tx, "env_logs", []string{"region_id", "school_id", "space_id", "task", "day", "at", "by_name", "created_at"},
			len(logs), func(i int) []any {
				l := logs[i]
				return []any{regionID, l.SchoolID, l.SpaceID, string(l.Task), l.Day, l.At.UTC(), l.By, l.At.UTC()}
			}, "")
		if err != nil {
			return fmt.Errorf("load env logs: %w", err)
		}
		return audit(ctx, tx, regionID, "log_environment", "org:"+fmt.Sprint(regionID), fmt.Sprintf("demo: %d logs", len(logs)))
	})
}
