package app_test

import (
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/app"
	"campusguard/internal/sqlstore/sqlstoretest"
)

func TestOpenToday(t *testing.T) {
	s := sqlstoretest.Open(t)
	ctx := sqlstoretest.Ctx
	if err := app.BuildDemoForTest(ctx, s, 800); err != nil {
		t.Fatal(err)
	}
	// 23:30 UTC is already the next morning in China.
	now := time.Date(2026, 11, 29, 23, 30, 0, 0, time.UTC)
	if err := app.OpenToday(ctx, s, now); err != nil {
		t.Fatal(err)
	}
	day, _ := campusguard.ParseDate("2026-11-30")
	rs, err := s.Rollups(ctx, 1, day, day)
	if err != nil || len(rs) != 1 || rs[0].Expected != 800 || rs[0].Missing != 800 {
		t.Errorf("Rollups(root, %s) = %+v, %v; want 800 expected and missing", day, rs, err)
	}
	if err := app.OpenToday(ctx, s, now); err != nil {
		t.Errorf("OpenToday again = %v; it must be idempotent", err)
	}
}

// TestRemindMissingSchedule: reminders go out on weekdays after 07:30 in
// China, once per class, never at the weekend.
func TestRemindMissingSchedule(t *testing.T) {
	s := sqlstoretest.Open(t)
	ctx := sqlstoretest.Ctx
	if err := app.BuildDemoForTest(ctx, s, 800); err != nil {
		t.Fatal(err)
	}
	count := func() int {
		var n int
		if err := s.DB().QueryRow(`SELECT COUNT(*) FROM reminders`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	cst := campusguard.China
	sat := time.Date(2026, 11, 28, 9, 0, 0, 0, cst) // a Saturday
	if err := app.OpenToday(ctx, s, sat); err != nil {
		t.Fatal(err)
	}
	if err := app.RemindMissing(ctx, s, sat); err != nil || count() != 0 {
		t.Fatalf("Saturday: %d reminders, %v", count(), err)
	}
	early := time.Date(2026, 11, 30, 7, 0, 0, 0, cst) // Monday, before 07:30
	if err := app.OpenToday(ctx, s, early); err != nil {
		t.Fatal(err)
	}
	if err := app.RemindMissing(ctx, s, early); err != nil || count() != 0 {
		t.Fatalf("07:00: %d reminders, %v", count(), err)
	}
	late := early.Add(time.Hour)
	if err := app.RemindMissing(ctx, s, late); err != nil || count() == 0 {
		t.Fatalf("08:00: %d reminders, %v; want every class", count(), err)
	}
	n := count()
	if err := app.RemindMissing(ctx, s, late.Add(10*time.Minute)); err != nil || count() != n {
		t.Errorf("again: %d reminders, want %d", count(), n)
	}
}

// TestBriefToday: the morning job makes each region's briefing once, after
// 08:30 in China.
func TestBriefToday(t *testing.T) {
	s := sqlstoretest.Open(t)
	ctx := sqlstoretest.Ctx
	if err := app.BuildDemoForTest(ctx, s, 800); err != nil {
		t.Fatal(err)
	}
	day, _ := campusguard.ParseDate("2026-11-30")
	early := time.Date(2026, 11, 30, 8, 0, 0, 0, campusguard.China)
	if err := app.BriefToday(ctx, s, early); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FindBriefing(ctx, 1, day); campusguard.ErrorCode(err) != campusguard.NotFound {
		t.Fatalf("briefing before 08:30 = %v, want none", err)
	}
	s.Now = func() time.Time { return early.Add(time.Hour) }
	if err := app.BriefToday(ctx, s, early.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	b, err := s.FindBriefing(ctx, 1, day)
	if err != nil || b.Today.Expected != 0 && b.Today.Expected != 800 {
		t.Fatalf("briefing = %+v, %v", b, err)
	}
	s.Now = func() time.Time { return early.Add(2 * time.Hour) }
	if err := app.BriefToday(ctx, s, early.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if again, _ := s.FindBriefing(ctx, 1, day); !again.GeneratedAt.Equal(b.GeneratedAt) {
		t.Error("the job made the briefing again")
	}
}

// TestOpenTodaySkipsWeekends: nobody is expected on a Saturday, so the
// weekend's pages show no day instead of every student missing.
func TestOpenTodaySkipsWeekends(t *testing.T) {
	s := sqlstoretest.Open(t)
	ctx := sqlstoretest.Ctx
	if err := app.BuildDemoForTest(ctx, s, 800); err != nil {
		t.Fatal(err)
	}
	sat := time.Date(2026, 11, 28, 9, 0, 0, 0, campusguard.China)
	if err := app.OpenToday(ctx, s, sat); err != nil {
		t.Fatal(err)
	}
	day, _ := campusguard.ParseDate("2026-11-28")
	if rs, err := s.Rollups(ctx, 1, day, day); err != nil || len(rs) != 0 {
		t.Errorf("Rollups(Saturday) = %+v, %v; want none", rs, err)
	}
}
