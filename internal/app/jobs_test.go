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

// TestCalendarDays: the region's calendar decides which days open: a day
// off on a Monday opens nothing and reminds nobody, a make-up Saturday
// opens and reminds, and a day set off after it opened shows nobody
// expected at once.
func TestCalendarDays(t *testing.T) {
	s := sqlstoretest.Open(t)
	ctx := sqlstoretest.Ctx
	if err := app.BuildDemoForTest(ctx, s, 800); err != nil {
		t.Fatal(err)
	}
	cst := campusguard.China
	set := func(day string, kind campusguard.CalendarKind, name string) campusguard.Date {
		t.Helper()
		d, _ := campusguard.ParseDate(day)
		if err := s.SetCalendarDay(ctx, campusguard.CalendarDay{RegionID: 1, Day: d, Kind: kind, Name: name}); err != nil {
			t.Fatalf("SetCalendarDay(%s %s) = %v", day, kind, err)
		}
		return d
	}
	expected := func(d campusguard.Date) int {
		t.Helper()
		rs, err := s.Rollups(ctx, 1, d, d)
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) == 0 {
			return 0
		}
		return rs[0].Expected
	}
	reminders := func(d campusguard.Date) int {
		t.Helper()
		var n int
		if err := s.DB().QueryRow(`SELECT COUNT(*) FROM reminders WHERE day = $1`, d).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	// A day off on a Monday: not opened, nobody reminded.
	mon := set("2026-12-07", campusguard.DayOff, "测试放假")
	at := time.Date(2026, 12, 7, 8, 0, 0, 0, cst)
	if err := app.OpenToday(ctx, s, at); err != nil {
		t.Fatal(err)
	}
	if err := app.RemindMissing(ctx, s, at); err != nil {
		t.Fatal(err)
	}
	if n, r := expected(mon), reminders(mon); n != 0 || r != 0 {
		t.Errorf("day off: %d expected, %d reminders; want none", n, r)
	}

	// A make-up Saturday: opened, and its missing reports reminded.
	sat := set("2026-12-12", campusguard.MakeUpDay, "调休上学")
	at = time.Date(2026, 12, 12, 8, 0, 0, 0, cst)
	if err := app.OpenToday(ctx, s, at); err != nil {
		t.Fatal(err)
	}
	if err := app.RemindMissing(ctx, s, at); err != nil {
		t.Fatal(err)
	}
	if n, r := expected(sat), reminders(sat); n != 800 || r == 0 {
		t.Errorf("make-up Saturday: %d expected, %d reminders; want 800 and every class", n, r)
	}
	// Taking the make-up day back closes it again.
	if err := s.DeleteCalendarDay(ctx, 1, sat); err != nil {
		t.Fatal(err)
	}
	if n := expected(sat); n != 0 {
		t.Errorf("make-up day removed: %d expected, want 0", n)
	}

	// A Tuesday opened, then declared a day off: nobody expected any more.
	tue, _ := campusguard.ParseDate("2026-12-08")
	if err := app.OpenToday(ctx, s, time.Date(2026, 12, 8, 6, 0, 0, 0, cst)); err != nil {
		t.Fatal(err)
	}
	if n := expected(tue); n != 800 {
		t.Fatalf("Tuesday opened: %d expected, want 800", n)
	}
	set("2026-12-08", campusguard.DayOff, "临时停课")
	if n := expected(tue); n != 0 {
		t.Errorf("Tuesday set off after opening: %d expected, want 0", n)
	}
	if ok, err := s.SchoolDay(ctx, 1, tue); err != nil || ok {
		t.Errorf("SchoolDay(Tuesday off) = %v, %v", ok, err)
	}
}
