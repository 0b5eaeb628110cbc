package sqlstore_test

import (
	"testing"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// abnormalIn returns the day's abnormal count of an org's roll-up.
func abnormalIn(t *testing.T, s *sqlstore.Store, org int64) int {
	t.Helper()
	rs, err := s.Rollups(ctx, org, checkDay, checkDay)
	if err != nil || len(rs) != 1 {
		t.Fatalf("Rollups(%d) = %v, %v", org, rs, err)
	}
	return rs[0].Abnormal
}

// A check after its person moved class counts in the new class, though
// an earlier check of the same person and day was recorded (and, on SQLite,
// remembered by the writer's cache) while they were in the old one.
func TestCheckAfterClassMove(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustWorld(t, s)
		other := &campusguard.Org{Kind: campusguard.KindClass, Name: "2班", ParentID: w.class.ParentID}
		if err := s.CreateOrg(ctx, other); err != nil {
			t.Fatal(err)
		}
		if err := s.OpenDay(ctx, w.county.ID, checkDay); err != nil {
			t.Fatal(err)
		}
		record := func(kind campusguard.CheckKind, temp float64, key string) {
			t.Helper()
			c := &campusguard.Check{PersonID: w.student.ID, Day: checkDay, Kind: kind, Temperature: f64(temp), ClientKey: key}
			if kind.ClassCheck() {
				c.Attendance = campusguard.Present
			}
			if _, _, err := s.RecordCheck(ctx, c); err != nil {
				t.Fatalf("RecordCheck(%s) = %v", key, err)
			}
		}
		record(campusguard.HomeCheck, 36.5, "move-1")
		record(campusguard.GateCheck, 36.6, "move-2") // read from the cache on SQLite
		if s.Dialect() == "sqlite" {
			if people, days := sqlstore.WriterCacheSize(s); people == 0 || days == 0 {
				t.Fatalf("the writer's cache holds %d people and %d days after two checks; want them remembered", people, days)
			}
		}
		if _, err := s.UpdatePerson(ctx, w.student.ID, campusguard.PersonUpdate{ClassID: &other.ID}); err != nil {
			t.Fatal(err)
		}
		if people, days := sqlstore.WriterCacheSize(s); people != 0 || days != 0 {
			t.Fatalf("after the move the writer's cache still holds %d people and %d days", people, days)
		}
		record(campusguard.MorningCheck, 38.4, "move-3")
		if got := abnormalIn(t, s, other.ID); got != 1 {
			t.Errorf("the new class counts %d abnormal; want the fever after the move (1)", got)
		}
		if got := abnormalIn(t, s, w.class.ID); got != 0 {
			t.Errorf("the old class counts %d abnormal; want 0", got)
		}
	})
}

// Another connection's commit (the CLI's import on the same file while the
// server runs) is seen by the next check batch, though the writer's cache
// remembered the person from before.
func TestWriterCacheSeesOtherConnections(t *testing.T) {
	s := sqlstoretest.OpenDialect(t, "sqlite")
	w := mustWorld(t, s)
	other := &campusguard.Org{Kind: campusguard.KindClass, Name: "2班", ParentID: w.class.ParentID}
	if err := s.CreateOrg(ctx, other); err != nil {
		t.Fatal(err)
	}
	if err := s.OpenDay(ctx, w.county.ID, checkDay); err != nil {
		t.Fatal(err)
	}
	c := &campusguard.Check{PersonID: w.student.ID, Day: checkDay, Kind: campusguard.HomeCheck, Temperature: f64(36.5), ClientKey: "conn-1"}
	if _, _, err := s.RecordCheck(ctx, c); err != nil {
		t.Fatal(err)
	}
	if people, _ := sqlstore.WriterCacheSize(s); people == 0 {
		t.Fatal("the writer's cache remembered nobody after a check")
	}
	second, err := sqlstore.Open(ctx, s.Target())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := second.UpdatePerson(ctx, w.student.ID, campusguard.PersonUpdate{ClassID: &other.ID}); err != nil {
		t.Fatal(err)
	}
	if err := second.Close(); err != nil {
		t.Fatal(err)
	}
	fever := &campusguard.Check{PersonID: w.student.ID, Day: checkDay, Kind: campusguard.MorningCheck, Temperature: f64(38.4), ClientKey: "conn-2", Attendance: campusguard.Present}
	if _, _, err := s.RecordCheck(ctx, fever); err != nil {
		t.Fatal(err)
	}
	if got := abnormalIn(t, s, other.ID); got != 1 {
		t.Errorf("the class the other connection moved the student to counts %d abnormal; want 1", got)
	}
	if got := abnormalIn(t, s, w.class.ID); got != 0 {
		t.Errorf("the old class counts %d abnormal; want 0 (the cache's stale path was used)", got)
	}
}
