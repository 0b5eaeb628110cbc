package app

import (
	"context"
	"fmt"
	"slices"

	"campusguard"

	"campusguard/internal/demo"
	"campusguard/internal/sqlstore"
)

// BuildDemo generates the county and loads it in one transaction.
func BuildDemo(ctx context.Context, store *sqlstore.Store, cfg demo.Config) (demo.Summary, error) {
	return BuildDemoWith(ctx, store, cfg, nil)
}

// DemoProgress is told what BuildDemoWith has done: the schools loaded so
// far (step "schools"), then the steps "cases" and "alerts" as they start.
type DemoProgress func(step string, schools int)

// BuildDemoWith is BuildDemo telling progress (nil: no one) how it goes,
// so that a person waiting sees it move.
func BuildDemoWith(ctx context.Context, store *sqlstore.Store, cfg demo.Config, progress DemoProgress) (demo.Summary, error) {
	if progress == nil {
		progress = func(string, int) {}
	}
	var sum demo.Summary
	schools := 0
	err := store.Load(ctx, func(load func(*sqlstore.Batch) error) error {
		var err error
		sum, err = demo.Generate(cfg, func(b *demo.Batch) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			for _, o := range b.Orgs {
				if o.Kind == campusguard.KindSchool {
					schools++
					progress("schools", schools)
				}
			}
			sb := &sqlstore.Batch{Orgs: b.Orgs, Places: b.Places, Routes: b.Routes, People: b.People, Guardians: b.Guardians,
				Checks: b.Checks, Calendar: b.Calendar}
			sb.Links = make([]sqlstore.GuardianLink, len(b.Links))
			for i, l := range b.Links {
				sb.Links[i] = sqlstore.GuardianLink{GuardianID: l.GuardianID, StudentID: l.StudentID, Relation: l.Relation}
			}
			sb.Teaching = make([]sqlstore.ClassTeacher, len(b.Teaching))
			for i, t := range b.Teaching {
				sb.Teaching[i] = sqlstore.ClassTeacher{ClassID: t.ClassID, StaffID: t.StaffID}
			}
			return load(sb)
		})
		return err
	})
	if err != nil {
		return sum, err
	}
	progress("cases", schools)
	if err := demoCases(ctx, store); err != nil {
		return sum, err
	}
	if err := demoQuality(ctx, store, cfg); err != nil {
		return sum, err
	}
	progress("alerts", schools)
	if err := demoAlerts(ctx, store, cfg); err != nil {
		return sum, err
	}
	return sum, demoSupplies(ctx, store, cfg)
}

// demoAlerts runs the early warning on each school day of the history in
// turn, as the daily job would have: the outbreak raises its alerts on the
// days they first fire and updates them on the days after.
func demoAlerts(ctx context.Context, s *sqlstore.Store, cfg demo.Config) error {
	ctx = campusguard.SystemContext(ctx, "demo")
	regions, err := rootRegions(ctx, s)
	if err != nil {
		return err
	}
	for _, r := range regions {
		days, err := s.TermDays(ctx, r.ID, cfg.Today.AddDays(-cfg.HistoryDays), cfg.Today)
		if err != nil {
			return err
		}
		for _, d := range days {
			if _, _, err := s.DetectAlerts(ctx, r.ID, d); err != nil {
				return fmt.Errorf("demo alerts %s: %w", d, err)
			}
		}
	}
	return nil
}

// demoCases opens the cases the history's fevers would have opened and
// moves them along, so the demo shows a case in every state: the oldest
// closed, then cleared, one confirmed (with close contacts), referred,
// isolated, reported, and the newest still waiting to be reported.
func demoCases(ctx context.Context, s *sqlstore.Store) error {
	ctx = campusguard.WithActorName(campusguard.SystemContext(ctx, "demo"), "王校医（演示）")
	regions, err := rootRegions(ctx, s)
	if err != nil {
		return err
	}
	for _, r := range regions {
		if _, err := s.OpenHistoryCases(ctx, r.ID); err != nil {
			return fmt.Errorf("demo cases: %w", err)
		}
	}
	cases, _, err := s.FindCases(ctx, campusguard.CaseFilter{Open: true, Limit: 500})
	if err != nil {
		return err
	}
	slices.Reverse(cases) // oldest first
	type step = campusguard.Transition
	line := []step{
		{To: campusguard.CaseReported, Note: "已电话报告县教育局、县疾控中心"},
		{To: campusguard.CaseIsolated, Isolation: campusguard.IsolationRoom, Note: "留观室观察，家长已接回"},
		{To: campusguard.CaseReferred, Note: "县医院发热门诊就诊"},
		{To: campusguard.CaseOutcome, Outcome: campusguard.OutcomeRuledOut},
		{To: campusguard.CaseCleared, Certificate: "云医复字〔2026〕031号", Note: "复课证明已查验"},
		{To: campusguard.CaseClosed, Note: "结案"},
	}
	// How far along each case goes, oldest first; the rest stay detected.
	plan := []struct {
		steps   int
		outcome campusguard.Outcome
	}{
		{6, campusguard.OutcomeRuledOut}, {5, campusguard.OutcomeSuspected}, {4, campusguard.OutcomeConfirmed},
		{3, ""}, {2, ""}, {1, ""},
	}
	for i, k := range cases {
		if i >= len(plan) {
			break
		}
		for j := 0; j < plan[i].steps; j++ {
			t := line[j]
			if t.To == campusguard.CaseOutcome {
				t.Outcome = plan[i].outcome
			}
			if _, err := s.MoveCase(ctx, k.ID, t); err != nil {
				return fmt.Errorf("demo case %d: %w", k.ID, err)
			}
		}
	}
	return nil
}
