package app

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"campusguard"
	"campusguard/internal/demo"
	"campusguard/internal/sqlstore"
)

// Demo environment (issue 14, first part): every school's spaces (a
// classroom per class, the canteen, the toilets, the isolation room, up to
// six dormitory rooms of a boarding school, a bus per route) on the
// region's default schedules, and a month of ventilation and disinfection
// logs with gaps: most schools keep nearly every log, a few miss one in
// four or more. Today's logs stop at the demo's clock, so the overdue
// lists have something in them. Deterministic by the demo's seed.

// demoEnvDays is how many days of logs the demo writes, today included.
const demoEnvDays = 30

// demoDiligence is the share of due logs a school keeps, drawn per school:
// most keep nearly all, some fall behind.
var demoDiligence = []float64{1, 0.98, 0.97, 0.95, 0.95, 0.92, 0.9, 0.85, 0.75, 0.6}

// DemoEnvironment builds the spaces and logs of every top-level region of
// the demo; it needs the demo county built first.
func DemoEnvironment(ctx context.Context, s *sqlstore.Store, cfg demo.Config) error {
	ctx = campusguard.SystemContext(ctx, "demo")
	regions, err := rootRegions(ctx, s)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 14))
	for _, r := range regions {
		if err := demoRegionEnvironment(ctx, s, cfg, r, rng); err != nil {
			return fmt.Errorf("demo environment of %s: %w", r.Name, err)
		}
	}
	return nil
}

func demoRegionEnvironment(ctx context.Context, s *sqlstore.Store, cfg demo.Config, region *campusguard.Org, rng *rand.Rand) error {
	schoolKind, gradeKind, classKind := campusguard.KindSchool, campusguard.KindGrade, campusguard.KindClass
	var schools []*campusguard.Org
	for {
		page, total, err := s.FindOrgs(ctx, campusguard.OrgFilter{Under: &region.ID, Kind: &schoolKind, Limit: 1000, Offset: len(schools)})
		if err != nil {
			return err
		}
		schools = append(schools, page...)
		if len(page) == 0 || len(schools) >= total {
			break
		}
	}
	var spaces []*campusguard.Space
	add := func(sp *campusguard.Space) { spaces = append(spaces, sp) }
	for _, sch := range schools {
		grades, _, err := s.FindOrgs(ctx, campusguard.OrgFilter{ParentID: &sch.ID, Kind: &gradeKind, Limit: 100})
		if err != nil {
			return err
		}
		for _, g := range grades {
			classes, _, err := s.FindOrgs(ctx, campusguard.OrgFilter{ParentID: &g.ID, Kind: &classKind, Limit: 200})
			if err != nil {
				return err
			}
			for _, c := range classes {
				add(&campusguard.Space{SchoolID: sch.ID, Kind: campusguard.SpaceClassroom, Name: g.Name + c.Name + "教室", ClassID: &c.ID})
			}
		}
		add(&campusguard.Space{SchoolID: sch.ID, Kind: campusguard.SpaceCanteen, Name: "学生食堂"})
		add(&campusguard.Space{SchoolID: sch.ID, Kind: campusguard.SpaceToilet, Name: "教学楼厕所"})
		add(&campusguard.Space{SchoolID: sch.ID, Kind: campusguard.SpaceToilet, Name: "操场厕所"})
		add(&campusguard.Space{SchoolID: sch.ID, Kind: campusguard.SpaceIsolation, Name: "临时留观室"})
		if sch.Boarding {
			rooms, err := s.FindPlaces(ctx, sch.ID, campusguard.PlaceDormRoom)
			if err != nil {
				return err
			}
			for _, p := range rooms[:min(6, len(rooms))] {
				add(&campusguard.Space{SchoolID: sch.ID, Kind: campusguard.SpaceDormitory, Name: "宿舍" + p.Name})
			}
		}
		routes, err := s.FindBusRoutes(ctx, sch.ID)
		if err != nil {
			return err
		}
		for _, rt := range routes {
			add(&campusguard.Space{SchoolID: sch.ID, Kind: campusguard.SpaceBus, Name: "校车" + rt.Name, BusRouteID: &rt.ID})
		}
	}
	saved, err := s.LoadSpaces(ctx, region.ID, spaces)
	if err != nil {
		return err
	}
	now := s.Now()
	from := cfg.Today.AddDays(-(demoEnvDays - 1))
	days, err := s.CalendarDays(ctx, region.ID, from, cfg.Today)
	if err != nil {
		return err
	}
	cal := campusguard.CalendarOf(days)
	diligence := map[int64]float64{}
	for _, sch := range schools {
		diligence[sch.ID] = demoDiligence[rng.IntN(len(demoDiligence))]
	}
	var logs []campusguard.EnvLog
	span := campusguard.EnvDayEnd.On(cfg.Today).Sub(campusguard.EnvDayStart.On(cfg.Today))
	for _, sp := range saved {
		by := "保洁员"
		if sp.Kind == campusguard.SpaceClassroom {
			by = "值日教师"
		}
		for d := from; !cfg.Today.Before(d); d = d.AddDays(1) {
			if !cal.SchoolDay(d) {
				continue
			}
			for _, t := range campusguard.EnvTasks {
				n := sp.Schedule.Due(t)
				for k := 1; k <= n; k++ {
					// The k-th log is done in the hour before it falls due.
					at := campusguard.EnvDayStart.On(d).Add(span*time.Duration(k)/time.Duration(n) - time.Duration(5+rng.IntN(55))*time.Minute)
					if rng.Float64() >= diligence[sp.SchoolID] || at.After(now) {
						continue
					}
					logs = append(logs, campusguard.EnvLog{SchoolID: sp.SchoolID, SpaceID: sp.ID, Task: t, Day: d, At: at, By: by})
				}
			}
		}
	}
	return s.LoadEnvLogs(ctx, region.ID, logs)
}
