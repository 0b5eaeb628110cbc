package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// TestCheckDayLimit: a person or a device records checks for today and the
// campusguard.MaxCheckAgeDays before it, not a day more; the refusal names
// "day" and stores nothing; in a device batch only that row is refused.
// The system (demo generation, history) is not bounded.
func TestCheckDayLimit(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		now := time.Date(2026, 12, 8, 2, 0, 0, 0, time.UTC) // 10:00 in China
		s.Now = func() time.Time { return now }
		w := mustWorld(t, s)
		admin := sqlstoretest.ActorCtx(t, s, sqlstoretest.MustUser(t, s, campusguard.Grant{Role: campusguard.SchoolAdmin, OrgID: w.school.ID}))
		secret, _, err := s.CreateToken(admin, "东门测温门", campusguard.GateStaff, w.school.ID)
		if err != nil {
			t.Fatal(err)
		}
		a, err := s.TokenActor(context.Background(), secret, "10.2.2.2")
		if err != nil {
			t.Fatal(err)
		}
		device := campusguard.WithActor(context.Background(), a)
		limit, past := mustDate("2026-12-01"), mustDate("2026-11-30")
		if got := campusguard.OldestCheckDay(now); got != limit {
			t.Fatalf("OldestCheckDay = %s, want %s", got, limit)
		}
		reading := func(day campusguard.Date, key string) *campusguard.Check {
			return &campusguard.Check{PersonID: w.student.ID, Day: day, Kind: campusguard.GateCheck, Temperature: f64(36.5), ClientKey: key}
		}
		tooOld := func(err error) bool {
			f := campusguard.ErrorFields(err)
			return campusguard.ErrorCode(err) == campusguard.Invalid && len(f) == 1 && f[0].Field == "day" && f[0].Msg == "error.day_too_old"
		}

		if _, created, err := s.RecordCheck(device, reading(limit, "edge")); err != nil || !created {
			t.Errorf("RecordCheck(the limit day) = %v, %v", created, err)
		}
		if _, _, err := s.RecordCheck(device, reading(past, "past")); !tooOld(err) {
			t.Errorf("RecordCheck(a day past the limit) = %v, want Invalid day error.day_too_old", err)
		}
		if _, _, err := s.RecordCheck(device, reading(mustDate("1990-01-01"), "1990")); !tooOld(err) {
			t.Errorf("RecordCheck(1990) = %v, want Invalid day", err)
		}
		if n := countRows(t, s, "checks"); n != 1 {
			t.Errorf("checks stored = %d, want 1", n)
		}

		// A device's batch: only the old row is refused, by its index.
		res, err := s.RecordChecks(device, []*campusguard.Check{reading(limit, "b1"), reading(past, "b2"),
			reading(campusguard.Today(now), "b3")})
		if err != nil {
			t.Fatal(err)
		}
		if res.Failed != 1 || len(res.Errors) != 1 || res.Errors[0].Row != 2 || res.Errors[0].Field != "day" ||
			res.Errors[0].Msg != "error.day_too_old" {
			t.Errorf("batch = %+v, want row 2 refused for its day", res)
		}
		if n := countRows(t, s, "checks"); n != 3 {
			t.Errorf("checks stored after the batch = %d, want 3", n)
		}

		// The system loads history of any age.
		if _, created, err := s.RecordCheck(ctx, reading(past, "history")); err != nil || !created {
			t.Errorf("system RecordCheck(a day past the limit) = %v, %v", created, err)
		}
	})
}

// onCheckDay sets the store's clock to 10:00 in China on the day after
// checkDay (a fixed Monday), so a test that records checks for checkDay as
// a person or device stays inside campusguard.MaxCheckAgeDays whatever
// the real date.
func onCheckDay(s *sqlstore.Store) {
	at := time.Date(checkDay.Year, checkDay.Month, checkDay.Day+1, 10, 0, 0, 0, campusguard.China)
	s.Now = func() time.Time { return at }
}
