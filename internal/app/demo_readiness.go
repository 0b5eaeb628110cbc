package app

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"slices"
	"time"

	"campusguard"
	"campusguard/internal/demo"
	"campusguard/internal/sqlstore"
)

// DemoReadiness gives the demo county every stage of issue 11: schools
// approved on two dates within two phases (graduating grades first, then
// every grade), one school with returned items, one still in review, one
// without a plan, a class that reached the influenza-like illness criteria
// today and is suspended, and a class that was suspended and has resumed.
// The phases and approvals lie before the history, so the history's days
// stay as they were; today follows who is open.
func DemoReadiness(ctx context.Context, s *sqlstore.Store, cfg demo.Config) error {
	ctx = campusguard.WithActorName(campusguard.SystemContext(ctx, "demo"), "教育局（演示）")
	regions, err := rootRegions(ctx, s)
	if err != nil {
		return err
	}
	photo, err := demoPhoto()
	if err != nil {
		return err
	}
	plan := []byte("%PDF-1.4\n% 学校疫情防控方案（演示）\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
	today, h := cfg.Today, cfg.HistoryDays
	for _, r := range regions {
		kind := campusguard.KindSchool
		schools, _, err := s.FindOrgs(ctx, campusguard.OrgFilter{Under: &r.ID, Kind: &kind, Limit: 10000})
		if err != nil {
			return err
		}
		if len(schools) < 4 {
			continue
		}
		slices.SortFunc(schools, func(a, b *campusguard.Org) int { return int(a.ID - b.ID) })
		var seeds []sqlstore.ReadinessSeed
		for i, sch := range schools {
			sd := sqlstore.ReadinessSeed{SchoolID: sch.ID, Stage: "approved", Plans: true, Day: today.AddDays(-h - 12)}
			if i%2 == 1 {
				sd.Day = today.AddDays(-h - 6)
			}
			switch i {
			case 0:
				sd.Stage = "returned"
			case 1:
				sd.Stage = "submitted"
			case 2:
				sd.Plans = false
			}
			sd.At = sd.Day.AddDays(-3).Time().Add(2 * time.Hour) // 10:00 in China
			seeds = append(seeds, sd)
		}
		if err := s.SeedReadiness(ctx, r.ID, seeds, photo, plan); err != nil {
			return fmt.Errorf("demo readiness: %w", err)
		}
		first := map[campusguard.SchoolType][]int{campusguard.Junior: {3}, campusguard.Senior: {3}, campusguard.Vocational: {3}}
		for _, t := range campusguard.SchoolTypes {
			lo, hi := campusguard.GradeYears(t)
			var all []int
			for g := lo; g <= hi; g++ {
				all = append(all, g)
			}
			if gs, ok := first[t]; ok {
				if err := s.SetPhase(ctx, &campusguard.Phase{RegionID: r.ID, Name: "第一批（毕业年级）", SchoolType: t, Grades: gs,
					Start: today.AddDays(-h - 10)}); err != nil {
					return err
				}
			}
			if err := s.SetPhase(ctx, &campusguard.Phase{RegionID: r.ID, Name: "第二批（全部年级）", SchoolType: t, Grades: all,
				Start: today.AddDays(-h - 4)}); err != nil {
				return err
			}
		}
		if err := demoSuspensions(ctx, s, schools[3:], today); err != nil {
			return err
		}
	}
	return nil
}

// demoSuspensions finds two classes of ten or more students in the first
// approved primary school: the first gets five new cases of influenza-like
// illness today and is suspended; the second was suspended a week ago and
// has resumed.
func demoSuspensions(ctx context.Context, s *sqlstore.Store, schools []*campusguard.Org, today campusguard.Date) error {
	// Primary schools first, then the others.
	ordered := slices.Clone(schools)
	slices.SortStableFunc(ordered, func(a, b *campusguard.Org) int {
		return btoi(a.SchoolType != campusguard.Primary) - btoi(b.SchoolType != campusguard.Primary)
	})
	student := campusguard.Student
	var classes []*campusguard.Org
	var people []*campusguard.Person
	for _, sch := range ordered {
		kind := campusguard.KindClass
		cs, _, err := s.FindOrgs(ctx, campusguard.OrgFilter{Under: &sch.ID, Kind: &kind, Limit: 100})
		if err != nil {
			return err
		}
		if len(cs) < 2 {
			continue
		}
		ps, _, err := s.FindPeople(ctx, campusguard.PersonFilter{ClassID: &cs[0].ID, Kind: &student, Limit: 5})
		if err != nil {
			return err
		}
		if len(ps) == 5 {
			classes, people = cs, ps
			break
		}
	}
	if classes == nil {
		return nil
	}
	for i, p := range people {
		t := 38.4 + float64(i)/10
		if _, _, err := s.RecordCheck(ctx, &campusguard.Check{PersonID: p.ID, Day: today, Kind: campusguard.HomeCheck, Temperature: &t,
			Symptoms: []campusguard.Symptom{campusguard.SymCough, campusguard.SymSoreThroat}, ClientKey: fmt.Sprintf("demo-ili-%d", p.ID),
			Note: "发热伴咳嗽、咽痛"}); err != nil {
			return fmt.Errorf("demo ili: %w", err)
		}
	}
	if err := s.Suspend(ctx, &campusguard.Suspension{OrgID: classes[0].ID, Start: today,
		Reason: "流感样病例暴发：单日新发5例（达到停课标准），校长决定停课"}); err != nil {
		return fmt.Errorf("demo suspension: %w", err)
	}
	past := &campusguard.Suspension{OrgID: classes[1].ID, Start: today.AddDays(-8), Reason: "流感样病例现症比例达30%，停课4天"}
	if err := s.Suspend(ctx, past); err != nil {
		return fmt.Errorf("demo suspension: %w", err)
	}
	return s.Resume(ctx, past.ID, today.AddDays(-4), "停课期满，连续4天无新发病例，经校医复核后复课")
}

// demoPhoto draws the evidence photo of the demo: a gate's temperature
// lane, as a 640×480 PNG.
func demoPhoto() ([]byte, error) {
	img := image.NewRGBA(image.Rect(0, 0, 640, 480))
	for y := 0; y < 480; y++ {
		for x := 0; x < 640; x++ {
			c := color.RGBA{uint8(200 - y/4), uint8(220 - y/6), 235, 255}
			if y > 300 {
				c = color.RGBA{160, 160, 150, 255}
			}
			if x > 260 && x < 380 && y > 180 && y < 420 {
				c = color.RGBA{30, 120, 200, 255}
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	err := png.Encode(&b, img)
	return b.Bytes(), err
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
