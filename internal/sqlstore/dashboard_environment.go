package sqlstore

import (
	"context"

	"campusguard"
)

// Environment on the dashboard and in the briefing (issue 14): each
// school's compliance over the week before the day.

// addEnvRates sets each school's compliance over campusguard.EnvWeek(day)
// under the node, for readers of the environment figures there.
func addEnvRates(ctx context.Context, q queryer, a *campusguard.Actor, o *campusguard.Org, day campusguard.Date,
	byID map[int64]*campusguard.SchoolStatus) error {
	if !a.Can(campusguard.ReadEnvironment, o.Path) || (o.Kind != campusguard.KindRegion && o.Kind != campusguard.KindSchool) {
		return nil
	}
	from, to := campusguard.EnvWeek(day)
	c, err := envCompliance(ctx, q, o, from, to)
	if err != nil {
		return err
	}
	for _, l := range c.Schools {
		if r, ok := l.Total.Rate(); ok {
			if st := byID[l.SchoolID]; st != nil {
				st.EnvRate = &r
			}
		}
	}
	return nil
}

// briefEnvironment is a region's compliance for its briefing of day.
func briefEnvironment(ctx context.Context, q queryer, o *campusguard.Org, day campusguard.Date) (*campusguard.BriefingEnv, error) {
	from, to := campusguard.EnvWeek(day)
	c, err := envCompliance(ctx, q, o, from, to)
	if err != nil {
		return nil, err
	}
	return campusguard.BriefEnv(c), nil
}
