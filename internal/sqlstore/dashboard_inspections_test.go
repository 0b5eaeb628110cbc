package sqlstore_test

import (
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// TestDashboardRectItems: a school's items not closed, and those overdue,
// show on its dashboard line, for readers of items only; the briefing
// lists the overdue items and the month's inspection coverage. The item
// is due on Monday: on Monday it is open, on Tuesday overdue, and closed
// it counts no more.
func TestDashboardRectItems(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := sqlstoretest.Ctx
		monday := time.Date(2026, 12, 7, 10, 0, 0, 0, campusguard.China)
		now := monday
		s.Now = func() time.Time { return now }
		tr := sqlstoretest.MustTree(t, s)
		day := campusguard.DateOf(monday)
		in := &campusguard.Inspection{RegionID: tr.County.ID, Title: "本月暗访", Team: "第二组", Announced: false, From: day.AddDays(-6), To: day,
			Members: []campusguard.TeamMember{{Name: "王督学", Agency: campusguard.AgencyEducation}, {Name: "李警官", Agency: campusguard.AgencyPolice}}}
		if err := s.CreateInspection(ctx, in); err != nil {
			t.Fatal(err)
		}
		v, err := s.AddVisit(ctx, in.ID, tr.School.ID, day)
		if err != nil {
			t.Fatal(err)
		}
		// Planned but not carried out at the other school: no coverage.
		if _, err := s.AddVisit(ctx, in.ID, tr.Other.ID, day); err != nil {
			t.Fatal(err)
		}
		if err := s.AddFinding(ctx, v.ID, &campusguard.InspectionFinding{Severity: campusguard.SeveritySerious, Note: "消毒记录缺失",
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
		line := func(ctxAs string, open, overdue int) {
			t.Helper()
			c := ctx
			if ctxAs == "gate" {
				c = sqlstoretest.ActorCtx(t, s, sqlstoretest.MustUser(t, s, campusguard.Grant{Role: campusguard.GateStaff, OrgID: tr.School.ID}))
			}
			org := tr.County.ID
			if ctxAs == "gate" {
				org = tr.School.ID
			}
			d, err := s.Dashboard(c, org, campusguard.DateOf(now))
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, st := range d.Schools {
				found = found || st.SchoolID == tr.School.ID
				if st.SchoolID == tr.School.ID && (st.OpenItems != open || st.OverdueItems != overdue) {
					t.Errorf("%s on %s: the school's items %d open, %d overdue; want %d, %d", ctxAs, now, st.OpenItems, st.OverdueItems, open, overdue)
				}
				if st.SchoolID == tr.Other.ID && st.OpenItems+st.OverdueItems != 0 {
					t.Errorf("the other school shows items")
				}
			}
			if !found {
				t.Errorf("%s: the dashboard has no line for the school", ctxAs)
			}
		}
		line("region", 1, 0)
		now = monday.AddDate(0, 0, 1)
		line("region", 1, 1)
		line("gate", 0, 0) // the gate reads the school, not its items

		b, err := s.GenerateBriefing(ctx, tr.County.ID, campusguard.DateOf(now))
		if err != nil {
			t.Fatal(err)
		}
		if len(b.OverdueItems) != 1 || b.OverdueItems[0].SchoolID != tr.School.ID {
			t.Errorf("the briefing's overdue items = %+v", b.OverdueItems)
		}
		want := campusguard.BriefingCoverage{From: campusguard.Date{Year: 2026, Month: 12, Day: 1}, To: campusguard.Date{Year: 2026, Month: 12, Day: 31},
			Schools: 2, Inspected: 1, Announced: 0, Unannounced: 1}
		if b.Inspections == nil || *b.Inspections != want {
			t.Errorf("the briefing's coverage = %+v, want %+v", b.Inspections, want)
		}
		got, err := s.FindBriefing(ctx, tr.County.ID, campusguard.DateOf(now))
		if err != nil || len(got.OverdueItems) != 1 || got.Inspections == nil {
			t.Errorf("the stored briefing lost the supervision: %+v, %v", got, err)
		}

		items, err := s.FindRectifications(ctx, campusguard.RectFilter{OrgID: tr.School.ID})
		if err != nil || len(items) != 1 {
			t.Fatal(err)
		}
		if err := s.AnswerRectification(ctx, items[0].ID, "已补齐", nil); err != nil {
			t.Fatal(err)
		}
		if err := s.VerifyRectification(ctx, items[0].ID, campusguard.VerdictAccept, ""); err != nil {
			t.Fatal(err)
		}
		line("region", 0, 0)
	})
}
