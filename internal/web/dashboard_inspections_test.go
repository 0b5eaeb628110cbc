package web_test

import (
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
	"campusguard/internal/web"
)

// TestDashboardItems: the region's dashboard shows a school's open and
// overdue rectification items on its line, and the briefing the overdue
// items and the month's coverage. The item was due on Friday; looked at
// on the Monday after (a school day) and on the Sunday (a day off).
func TestDashboardItems(t *testing.T) {
	friday := time.Date(2026, 12, 4, 10, 0, 0, 0, campusguard.China)
	for _, c := range []struct {
		name string
		now  time.Time
	}{
		{"school day", friday.AddDate(0, 0, 3)},
		{"day off", friday.AddDate(0, 0, 2)},
	} {
		t.Run(c.name, func(t *testing.T) {
			sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
				f := mustFixture(t, s)
				now := friday
				s.Now = func() time.Time { return now }
				day := campusguard.DateOf(friday)
				in := &campusguard.Inspection{RegionID: f.county.ID, Title: "本月明查", Team: "第一组", Announced: true, From: day.AddDays(-3), To: day,
					Members: []campusguard.TeamMember{{Name: "王督学", Agency: campusguard.AgencyEducation}}}
				if err := s.CreateInspection(ctx, in); err != nil {
					t.Fatal(err)
				}
				v, err := s.AddVisit(ctx, in.ID, f.school.ID, day)
				if err != nil {
					t.Fatal(err)
				}
				if err := s.AddFinding(ctx, v.ID, &campusguard.InspectionFinding{Severity: campusguard.SeverityCritical, Note: "留观室堆放杂物",
					Deadline: &day, Responsible: "林校长"}); err != nil {
					t.Fatal(err)
				}
				for _, r := range v.Results {
					if err := s.RecordResult(ctx, v.ID, r.Item.Code, campusguard.ResultPass, ""); err != nil {
						t.Fatal(err)
					}
				}
				if err := s.CloseVisit(ctx, v.ID, ""); err != nil {
					t.Fatal(err)
				}
				now = c.now
				srv := newServerWith(t, s, web.Config{Orgs: s, People: s, Access: s, Health: s, Inbox: s, Hooks: s, Settings: s,
					Cases: s, Alerts: s, Calendar: s, Dashboards: s, Policy: s, Transport: s, Export: s, Files: s, Readiness: s,
					Inspections: s, Logger: textLogger(testWriter{t}), Now: func() time.Time { return c.now }}).URL
				bureau := signIn(t, s, grant(campusguard.RegionAdmin, f.county))
				p := bureau.get(t, srv+"/orgs/"+itoa(f.county.ID)+"/dashboard")
				items := p.all(t, testid("row-items"))
				if p.status != 200 || len(items) != 1 || attr(items[0], "data-open") != "1" || attr(items[0], "data-overdue") != "1" {
					t.Fatalf("GET dashboard = %d, %d item notes", p.status, len(items))
				}
				today := campusguard.DateOf(c.now)
				if _, err := s.GenerateBriefing(ctx, f.county.ID, today); err != nil {
					t.Fatal(err)
				}
				b := bureau.get(t, srv+"/orgs/"+itoa(f.county.ID)+"/briefings/"+today.String())
				sec := b.all(t, testid("briefing-inspections"))
				if b.status != 200 || len(sec) != 1 || attr(sec[0], "data-inspected") != "1" || attr(sec[0], "data-announced") != "1" ||
					len(b.all(t, testid("briefing-item"))) != 1 {
					t.Fatalf("GET briefing = %d: %d supervision sections, %d items", b.status, len(sec), len(b.all(t, testid("briefing-item"))))
				}
			})
		})
	}
}
