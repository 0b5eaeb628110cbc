package app

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"campusguard"
	"campusguard/internal/demo"
	"campusguard/internal/sqlstore"
)

// Demo inspections (issue 12): a month of joint inspections, the 30 days
// before the demo's today, by two teams of four agencies, one announced
// (明查) and one unannounced (暗访). Every closed visit found something, of
// each severity in turn, and its rectification item stands at one of the
// item's states: open, answered, returned, closed, or overdue. Today the
// announced team visits a school (the inspector's visit of the day), and
// the unannounced team has a visit planned at the principal's school that
// no school account sees. The principal's school holds a returned item to
// answer again.
//
// Each step goes through the store's own methods at the time it would
// have happened (the store's clock is moved for it and put back), so the
// audit log, the items' histories and the inbox read as a month's work.

// demoInspector and demoPrincipal are the names the steps are signed with.
const (
	demoInspector = "督查组（演示）"
	demoPrincipal = "校长（演示）"
)

// demoTeams are the two joint teams: each member's agency recorded.
var demoTeams = []struct {
	title, team string
	announced   bool
	members     []campusguard.TeamMember
}{
	{"本月疫情防控联合督查（明查）", "第一联合督查组", true, []campusguard.TeamMember{
		{Name: "王建国", Agency: campusguard.AgencyEducation}, {Name: "李卫东", Agency: campusguard.AgencyHealth},
		{Name: "赵敏", Agency: campusguard.AgencyMarket}, {Name: "陈警官", Agency: campusguard.AgencyPolice}}},
	{"本月疫情防控专项暗访", "第二联合督查组", false, []campusguard.TeamMember{
		{Name: "刘志强", Agency: campusguard.AgencyEducation}, {Name: "孙丽", Agency: campusguard.AgencyHealth},
		{Name: "周海", Agency: campusguard.AgencyMarket}, {Name: "吴警官", Agency: campusguard.AgencyPolice}}},
}

// demoProblems are the findings, one per checklist code; a visit draws one.
var demoProblems = []struct{ code, note string }{
	{"G1", "校门测温登记表缺少当日下午时段记录"},
	{"H1", "临时留观室堆放杂物，未配备消毒剂"},
	{"E1", "三个教室本周通风记录空缺"},
	{"E2", "公共区域消毒液配比记录与实际不符"},
	{"L1", "食堂食品留样不足48小时，留样记录不全"},
	{"H2", "防疫物资台账与库存不一致，体温计数量不足"},
	{"L2", "宿舍晨检记录两天未填写"},
	{"G2", "因病缺勤追踪登记有三人未追踪到原因"},
}

// demoOutcomes is what became of each closed visit's item, in order; the
// first goes to the principal's school.
var demoOutcomes = []campusguard.RectState{campusguard.RectReturned, campusguard.RectClosed, "overdue", campusguard.RectAnswered,
	campusguard.RectOpen, campusguard.RectClosed, "overdue", campusguard.RectReturned, campusguard.RectAnswered, campusguard.RectClosed,
	campusguard.RectOpen, campusguard.RectClosed}

// DemoInspections gives every top-level region of the demo a month of
// inspections; see above. It needs the demo county built first.
func DemoInspections(ctx context.Context, s *sqlstore.Store, cfg demo.Config) error {
	ctx = campusguard.WithActorName(campusguard.SystemContext(ctx, "demo"), demoInspector)
	regions, err := rootRegions(ctx, s)
	if err != nil {
		return err
	}
	clock := s.Now
	defer func() { s.Now = clock }()
	for _, r := range regions {
		if err := demoRegionInspections(ctx, s, cfg, r); err != nil {
			return fmt.Errorf("demo inspections of %s: %w", r.Name, err)
		}
	}
	return nil
}

func demoRegionInspections(ctx context.Context, s *sqlstore.Store, cfg demo.Config, r *campusguard.Org) error {
	rng := rand.New(rand.NewPCG(cfg.Seed, uint64(r.ID)+12))
	today := cfg.Today
	kind := campusguard.KindSchool
	schools, _, err := s.FindOrgs(ctx, campusguard.OrgFilter{Under: &r.ID, Kind: &kind, Limit: 10000})
	if err != nil {
		return err
	}
	if len(schools) < 2 {
		return nil
	}
	slices.SortFunc(schools, func(a, b *campusguard.Org) int { return int(a.ID - b.ID) })
	principal, _, err := demoStoryClass(ctx, s, r.ID)
	if err != nil {
		return err
	}
	// The principal's school first, then the others in a seeded order.
	others := slices.DeleteFunc(slices.Clone(schools), func(o *campusguard.Org) bool { return o.ID == principal.ID })
	rng.Shuffle(len(others), func(i, j int) { others[i], others[j] = others[j], others[i] })
	order := append([]*campusguard.Org{principal}, others...)

	// at runs fn with the store's clock at hour:00 of day in China.
	at := func(day campusguard.Date, hour int, fn func() error) error {
		t := day.Time().Add(time.Duration(hour-8) * time.Hour)
		s.Now = func() time.Time { return t }
		return fn()
	}
	// The working days of the month, oldest first; the visits fall on
	// them (inspections go on before a school reopens, so not the term's
	// days: the readiness work is what they check).
	var days []campusguard.Date
	for d := today.AddDays(-30); d.Before(today); d = d.AddDays(1) {
		if wd := d.Time().Weekday(); wd != time.Saturday && wd != time.Sunday {
			days = append(days, d)
		}
	}
	var ins []*campusguard.Inspection
	for _, tm := range demoTeams {
		in := &campusguard.Inspection{RegionID: r.ID, Title: tm.title, Team: tm.team, Announced: tm.announced,
			From: today.AddDays(-30), To: today.AddDays(7), Members: slices.Clone(tm.members)}
		if err := at(today.AddDays(-31), 9, func() error { return s.CreateInspection(ctx, in) }); err != nil {
			return err
		}
		ins = append(ins, in)
	}
	photo, err := demoPhoto()
	if err != nil {
		return err
	}
	var photoID int64
	if err := at(days[0], 8, func() error {
		f, err := s.PutFile(ctx, campusguard.Upload{OrgID: r.ID, Name: "现场照片.png", Data: photo})
		if err == nil {
			photoID = f.ID
		}
		return err
	}); err != nil {
		return err
	}

	visits := len(demoOutcomes)
	for i := 0; i < visits; i++ {
		sch, in := order[i%len(order)], ins[i%2]
		outcome := demoOutcomes[i]
		// Spread the visits over the month's school days, the oldest
		// first; an overdue item needs a visit more than a week ago.
		day := days[min(len(days)-1, i*len(days)/visits)]
		if outcome == "overdue" && !day.Before(today.AddDays(-8)) {
			day = days[0]
		}
		sev := campusguard.FindingSeverities[i%3]
		prob := demoProblems[rng.IntN(len(demoProblems))]
		deadline := day.AddDays(7)
		if outcome != "overdue" && deadline.Before(today) {
			deadline = today.AddDays(3 + i%5)
		}
		responsible := sch.Principal
		if responsible == "" {
			responsible = "校长"
		}
		item, err := demoVisit(ctx, s, at, in, sch, day, prob.code, &campusguard.InspectionFinding{Code: prob.code, Severity: sev,
			Note: prob.note, FileIDs: []int64{photoID}, Deadline: &deadline, Responsible: responsible,
			Reinspect: sev == campusguard.SeverityCritical})
		if err != nil {
			return err
		}
		if err := demoOutcome(ctx, s, at, sch, item, day, outcome, photo); err != nil {
			return err
		}
	}

	// Today's visits: the announced team at the next school (the
	// inspector's visit of the day), and the unannounced team planned at
	// the principal's school later this week, hidden from every school
	// account until it is carried out.
	plan := func(in *campusguard.Inspection, sch *campusguard.Org, day campusguard.Date) error {
		return at(today.AddDays(-31), 10, func() error {
			_, err := s.AddVisit(ctx, in.ID, sch.ID, day)
			return err
		})
	}
	if err := plan(ins[0], order[visits%len(order)], today); err != nil {
		return err
	}
	if err := plan(ins[1], principal, today.AddDays(2)); err != nil {
		return err
	}
	if err := at(today, 6, func() error {
		_, err := s.NotifyOverdue(ctx, r.ID, today)
		return err
	}); err != nil {
		return err
	}
	return demoAccountability(ctx, s, at, r, today)
}

// demoAccountability records the region's talk with the principal of the
// school whose item is the longest overdue: the demo's accountability
// record (issue 12).
func demoAccountability(ctx context.Context, s *sqlstore.Store, at func(campusguard.Date, int, func() error) error,
	r *campusguard.Org, today campusguard.Date) error {
	yes := true
	items, err := s.FindRectifications(ctx, campusguard.RectFilter{OrgID: r.ID, Overdue: &yes, Today: today})
	if err != nil || len(items) == 0 {
		return err
	}
	oldest := items[0]
	for _, it := range items[1:] {
		if it.Deadline.Before(oldest.Deadline) {
			oldest = it
		}
	}
	return at(today, 9, func() error {
		return s.RecordAccountability(ctx, &campusguard.Accountability{SchoolID: oldest.SchoolID,
			FailureKind: campusguard.FailureRectification, LinkIDs: []int64{oldest.ID},
			Failure: "整改事项逾期未完成，经督促仍未整改到位", PersonName: "学校负责人", Post: "校长",
			Measure: campusguard.MeasureTalk, Day: today, Note: "约谈校长，限期三日内完成整改并书面报告"})
	})
}

// demoVisit plans and carries out a visit: every checklist item passes
// but the finding's, the finding is recorded with its photo, and the visit
// closes, opening the item, whose id it returns.
func demoVisit(ctx context.Context, s *sqlstore.Store, at func(campusguard.Date, int, func() error) error,
	in *campusguard.Inspection, sch *campusguard.Org, day campusguard.Date, failed string, f *campusguard.InspectionFinding) (int64, error) {
	var v *campusguard.Visit
	if err := at(in.From.AddDays(-1), 10, func() (err error) {
		v, err = s.AddVisit(ctx, in.ID, sch.ID, day)
		return err
	}); err != nil {
		return 0, err
	}
	err := at(day, 10, func() error {
		for _, res := range v.Results {
			result, note := campusguard.ResultPass, ""
			switch {
			case res.Item.Code == failed:
				result, note = campusguard.ResultFail, f.Note
			case res.Item.Code == "L2" || res.Item.Code == "L3":
				if sch.SchoolType == campusguard.Primary {
					result = campusguard.ResultNA // no dormitories or buses
				}
			}
			if err := s.RecordResult(ctx, v.ID, res.Item.Code, result, note); err != nil {
				return err
			}
		}
		if err := s.AddFinding(ctx, v.ID, f); err != nil {
			return err
		}
		return s.CloseVisit(ctx, v.ID, "已向学校反馈，限期整改")
	})
	if err != nil {
		return 0, err
	}
	closed, err := s.FindVisit(ctx, v.ID)
	if err != nil || len(closed.FindingList) != 1 || closed.FindingList[0].ItemID == nil {
		return 0, fmt.Errorf("demo visit %d opened no item: %v", v.ID, err)
	}
	return *closed.FindingList[0].ItemID, nil
}

// demoOutcome moves the school's one item to its outcome: answered two
// days after the visit with a photo, then closed or returned a day later.
func demoOutcome(ctx context.Context, s *sqlstore.Store, at func(campusguard.Date, int, func() error) error,
	sch *campusguard.Org, id int64, day campusguard.Date, outcome campusguard.RectState, photo []byte) error {
	if outcome == campusguard.RectOpen || outcome == "overdue" {
		return nil
	}
	school := campusguard.WithActorName(ctx, demoPrincipal)
	if err := at(day.AddDays(2), 15, func() error {
		f, err := s.PutFile(school, campusguard.Upload{OrgID: sch.ID, Name: "整改照片.png", Data: photo})
		if err != nil {
			return err
		}
		return s.AnswerRectification(school, id, "已按要求整改，补齐记录并落实专人负责", []int64{f.ID})
	}); err != nil {
		return err
	}
	switch outcome {
	case campusguard.RectClosed:
		return at(day.AddDays(3), 11, func() error {
			return s.VerifyRectification(ctx, id, campusguard.VerdictAccept, "复查合格")
		})
	case campusguard.RectReturned:
		return at(day.AddDays(3), 11, func() error {
			return s.VerifyRectification(ctx, id, campusguard.VerdictReturn, "佐证材料不足，请补充整改后的现场照片和记录")
		})
	}
	return nil
}
