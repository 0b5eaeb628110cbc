package app

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"

	"campusguard"
	"campusguard/internal/demo"
	"campusguard/internal/sqlstore"
)

// DemoTraining gives the demo county one round of staff training (issue
// 14): at every school, a week ago (or on the term's first day, if the
// term is younger), a session on the first required topic, which about
// one staff member in six missed; and at the first school a health
// education session for its first class. Coverage is therefore high but
// never complete, and every school has people never trained this term.
// Deterministic by the demo's seed.
func DemoTraining(ctx context.Context, s *sqlstore.Store, cfg demo.Config) error {
	ctx = campusguard.WithActorName(campusguard.SystemContext(ctx, "demo"), "校医（演示）")
	regions, err := rootRegions(ctx, s)
	if err != nil {
		return err
	}
	term := campusguard.TermOf(cfg.Today)
	day := cfg.Today.AddDays(-7)
	if day.Before(term.Start()) {
		day = term.Start()
	}
	for _, r := range regions {
		topics, err := s.TrainingTopics(ctx, r.ID, term)
		if err != nil {
			return err
		}
		kind := campusguard.KindSchool
		schools, _, err := s.FindOrgs(ctx, campusguard.OrgFilter{Under: &r.ID, Kind: &kind, Limit: 100000})
		if err != nil {
			return err
		}
		slices.SortFunc(schools, func(a, b *campusguard.Org) int { return int(a.ID - b.ID) })
		for i, sch := range schools {
			if err := demoSchoolTraining(ctx, s, cfg, sch, topics[0].Code, day, i == 0); err != nil {
				return fmt.Errorf("demo training at %s: %w", sch.Name, err)
			}
		}
	}
	return nil
}

func demoSchoolTraining(ctx context.Context, s *sqlstore.Store, cfg demo.Config, sch *campusguard.Org, topic string,
	day campusguard.Date, classToo bool) error {
	rng := rand.New(rand.NewPCG(cfg.Seed, uint64(sch.ID)+14))
	roster, err := s.TrainingRoster(ctx, sch.ID, campusguard.StaffTraining, nil)
	if err != nil {
		return err
	}
	if len(roster.People) == 0 {
		return nil
	}
	x := &campusguard.TrainingSession{SchoolID: sch.ID, Kind: campusguard.StaffTraining, Topic: topic, Day: day,
		Trainer: "县疾控中心 张医生", Notes: "全体教职工培训（演示）", AttendeeIDs: []int64{}}
	missed := 0
	for _, p := range roster.People {
		if rng.IntN(6) == 0 || missed == 0 && len(x.AttendeeIDs) == len(roster.People)-1 {
			missed++ // about one in six misses it, and never nobody
			continue
		}
		x.AttendeeIDs = append(x.AttendeeIDs, p.ID)
	}
	if err := s.CreateTrainingSession(ctx, x); err != nil {
		return err
	}
	if !classToo {
		return nil
	}
	class, err := s.TrainingRoster(ctx, sch.ID, campusguard.HealthEducation, nil)
	if err != nil || class.ClassID == nil {
		return err
	}
	he := &campusguard.TrainingSession{SchoolID: sch.ID, Kind: campusguard.HealthEducation, Topic: campusguard.TopicOther,
		Title: "七步洗手法与正确佩戴口罩", Day: day, Trainer: "班主任", ClassID: class.ClassID, AttendeeIDs: []int64{}}
	for _, p := range class.People {
		he.AttendeeIDs = append(he.AttendeeIDs, p.ID)
	}
	return s.CreateTrainingSession(ctx, he)
}
