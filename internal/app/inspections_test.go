package app_test

import (
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/app"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// TestRectifyOverdueToday: the job tells of an item the day after its
// deadline, in China's calendar, and only once however often it runs.
func TestRectifyOverdueToday(t *testing.T) {
	s := sqlstoretest.Open(t)
	ctx := sqlstoretest.Ctx
	monday := time.Date(2026, 12, 7, 10, 0, 0, 0, campusguard.China)
	s.Now = func() time.Time { return monday }
	tr := sqlstoretest.MustTree(t, s)
	day := campusguard.DateOf(monday)
	in := &campusguard.Inspection{RegionID: tr.County.ID, Title: "本周检查", Team: "第一组", Announced: true, From: day, To: day,
		Members: []campusguard.TeamMember{{Name: "王督学", Agency: campusguard.AgencyEducation}}}
	if err := s.CreateInspection(ctx, in); err != nil {
		t.Fatal(err)
	}
	v, err := s.AddVisit(ctx, in.ID, tr.School.ID, day)
	if err != nil {
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
	overdueSteps := func() int {
		t.Helper()
		items, err := s.FindRectifications(ctx, campusguard.RectFilter{OrgID: tr.School.ID})
		if err != nil || len(items) != 1 {
			t.Fatalf("FindRectifications = %d, %v", len(items), err)
		}
		x, err := s.FindRectification(ctx, items[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range x.History {
			if e.Event == "overdue" {
				n++
			}
		}
		return n
	}
	for _, c := range []struct {
		now  time.Time
		want int
	}{
		{time.Date(2026, 12, 7, 15, 59, 0, 0, time.UTC), 0}, // 23:59 in China: still the deadline day
		{time.Date(2026, 12, 7, 16, 1, 0, 0, time.UTC), 1},  // 00:01 the next day in China
		{time.Date(2026, 12, 8, 9, 0, 0, 0, time.UTC), 1},   // again: told once
	} {
		if err := app.RectifyOverdueToday(ctx, s, c.now); err != nil {
			t.Fatal(err)
		}
		if got := overdueSteps(); got != c.want {
			t.Errorf("after RectifyOverdueToday(%s): %d overdue steps, want %d", c.now, got, c.want)
		}
	}
}
