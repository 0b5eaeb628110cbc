package app

import (
	"context"
	"fmt"
	"slices"
	"time"

	"campusguard"
	"campusguard/internal/demo"
	"campusguard/internal/sqlstore"
)

// DemoDrills gives every top-level region of the demo two drills of issue
// 14 (應急演練), deterministic: ten days ago, at the principal's school, a
// fever at the gate with a case injected on a student of the story class,
// reported after 6 minutes and isolated after 11, then finished; five
// days ago, at the next school, a suspected case in class whose problem
// found became a rectification item due in a week. The other schools have
// no drill this term, so the region's page has some to list.
func DemoDrills(ctx context.Context, s *sqlstore.Store, cfg demo.Config) error {
	sys := campusguard.SystemContext(ctx, "demo")
	regions, err := rootRegions(sys, s)
	if err != nil {
		return err
	}
	clock := s.Now
	defer func() { s.Now = clock }()
	for _, r := range regions {
		if err := demoRegionDrills(sys, s, cfg, r); err != nil {
			return fmt.Errorf("demo drills of %s: %w", r.Name, err)
		}
	}
	return nil
}

func demoRegionDrills(sys context.Context, s *sqlstore.Store, cfg demo.Config, r *campusguard.Org) error {
	kind := campusguard.KindSchool
	schools, _, err := s.FindOrgs(sys, campusguard.OrgFilter{Under: &r.ID, Kind: &kind, Limit: 10000})
	if err != nil || len(schools) < 2 {
		return err
	}
	slices.SortFunc(schools, func(a, b *campusguard.Org) int { return int(a.ID - b.ID) })
	school, class, err := demoStoryClass(sys, s, r.ID)
	if err != nil {
		return err
	}
	student := campusguard.Student
	kids, _, err := s.FindPeople(sys, campusguard.PersonFilter{ClassID: &class.ID, Kind: &student, Limit: 1})
	if err != nil || len(kids) == 0 {
		return err
	}
	// at sets the store's clock to hour:minute of day in China.
	at := func(day campusguard.Date, hour, minute int) {
		t := time.Date(day.Year, day.Month, day.Day, hour, minute, 0, 0, campusguard.China)
		s.Now = func() time.Time { return t }
	}
	head := campusguard.WithActorName(sys, school.Name+"校长（演示）")
	doctor := campusguard.WithActorName(sys, school.Name+"校医（演示）")

	day := cfg.Today.AddDays(-10)
	at(day, 9, 0)
	d, err := s.PlanDrill(head, campusguard.NewDrill{SchoolID: school.ID, Scenario: campusguard.ScenarioGateFever, PlannedDay: day,
		Participants: "校门值守人员、校医、班主任", ParticipantCount: 12})
	if err != nil {
		return err
	}
	at(day, 10, 0)
	if _, err := s.StartDrill(head, d.ID); err != nil {
		return err
	}
	at(day, 10, 2)
	k, err := s.InjectDrillCase(head, d.ID, campusguard.DrillInjection{PersonID: kids[0].ID})
	if err != nil {
		return err
	}
	at(day, 10, 8)
	if _, err := s.MoveCase(doctor, k.ID, campusguard.Transition{To: campusguard.CaseReported, Note: "演练：已电话报告教育局"}); err != nil {
		return err
	}
	at(day, 10, 13)
	if _, err := s.MoveCase(doctor, k.ID, campusguard.Transition{To: campusguard.CaseIsolated, Isolation: campusguard.IsolationRoom,
		Note: "演练：已带至留观室"}); err != nil {
		return err
	}
	at(day, 10, 30)
	if _, err := s.FinishDrill(head, d.ID, nil); err != nil {
		return err
	}

	// The next school's drill: a problem found, an item to put right.
	var next *campusguard.Org
	for _, o := range schools {
		if o.ID != school.ID {
			next = o
			break
		}
	}
	head2 := campusguard.WithActorName(sys, next.Name+"校长（演示）")
	day = cfg.Today.AddDays(-5)
	at(day, 14, 0)
	d2, err := s.PlanDrill(head2, campusguard.NewDrill{SchoolID: next.ID, Scenario: campusguard.ScenarioClassSuspected, PlannedDay: day,
		Participants: "七年级班主任、校医", ParticipantCount: 8})
	if err != nil {
		return err
	}
	at(day, 15, 0)
	if _, err := s.StartDrill(head2, d2.ID); err != nil {
		return err
	}
	at(day, 15, 40)
	_, err = s.FinishDrill(head2, d2.ID, []campusguard.DrillProblemInput{{Problem: "留观室钥匙由专人保管，演练时找不到，延误转移",
		Severity: campusguard.SeveritySerious, Deadline: cfg.Today.AddDays(2), Responsible: "总务主任"}})
	return err
}
