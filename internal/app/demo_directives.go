package app

import (
	"context"
	"slices"

	"campusguard"
	"campusguard/internal/demo"
	"campusguard/internal/sqlstore"
)

// DemoDirectives gives each demo region with a few schools a directive of
// issue 12 (日部署、日調度) sent to all its schools, due in three days, with
// a completion report required: most schools have acknowledged it, some
// have reported it done, the rest have not answered, so the region's page
// shows who has not and the reminder has someone to remind.
func DemoDirectives(ctx context.Context, s *sqlstore.Store, cfg demo.Config) error {
	sys := campusguard.SystemContext(ctx, "demo")
	regions, err := rootRegions(campusguard.WithActorName(sys, "教育局（演示）"), s)
	if err != nil {
		return err
	}
	for _, r := range regions {
		bureau := campusguard.WithActorName(sys, r.Name+"教育局（演示）")
		kind := campusguard.KindSchool
		schools, _, err := s.FindOrgs(bureau, campusguard.OrgFilter{Under: &r.ID, Kind: &kind, Limit: 10000})
		if err != nil {
			return err
		}
		if len(schools) < 4 {
			continue
		}
		slices.SortFunc(schools, func(a, b *campusguard.Org) int { return int(a.ID - b.ID) })
		d := &campusguard.Directive{RegionID: r.ID, Title: "关于开展校园环境卫生整治和全面消杀的通知",
			Text:     "各学校：\n请于截止日期前完成教室、宿舍、食堂、卫生间等公共区域的全面消杀，做好通风和消杀记录，并上传消杀记录照片。",
			Deadline: cfg.Today.AddDays(3), ReportRequired: true, Target: campusguard.TargetAll}
		if err := s.SendDirective(bureau, d); err != nil {
			return err
		}
		// Eight in ten acknowledge; three in ten have reported it done.
		for i, sch := range schools {
			school := campusguard.WithActorName(sys, sch.Name+"校长（演示）")
			switch {
			case i%10 < 3:
				err = s.CompleteDirective(school, d.ID, sch.ID, "已完成全校公共区域消杀，消杀记录已存档。", nil)
			case i%10 < 8:
				err = s.AcknowledgeDirective(school, d.ID, sch.ID)
			}
			if err != nil {
				return err
			}
		}
	}
	return nil
}
