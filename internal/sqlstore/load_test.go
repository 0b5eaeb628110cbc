package sqlstore_test

import (
	"testing"

	"campusguard"
	"campusguard/internal/demo"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"

	"github.com/google/go-cmp/cmp"
)

// loadDemo loads a demo county of n students and returns its summary.
func loadDemo(tb testing.TB, s *sqlstore.Store, n int) demo.Summary {
	tb.Helper()
	return loadDemoHistory(tb, s, n, 0)
}

// loadDemoHistory loads a demo county with days of daily checks.
func loadDemoHistory(tb testing.TB, s *sqlstore.Store, n, days int) demo.Summary {
	tb.Helper()
	var sum demo.Summary
	today, _ := campusguard.ParseDate("2026-11-30")
	err := s.Load(ctx, func(load func(*sqlstore.Batch) error) error {
		var err error
		sum, err = demo.Generate(demo.Config{Seed: 7, Students: n, Today: today, HistoryDays: days}, func(b *demo.Batch) error {
			sb := &sqlstore.Batch{Orgs: b.Orgs, Places: b.Places, Routes: b.Routes, People: b.People, Guardians: b.Guardians,
				Checks: b.Checks}
			for _, l := range b.Links {
				sb.Links = append(sb.Links, sqlstore.GuardianLink{GuardianID: l.GuardianID, StudentID: l.StudentID, Relation: l.Relation})
			}
			for _, t := range b.Teaching {
				sb.Teaching = append(sb.Teaching, sqlstore.ClassTeacher{ClassID: t.ClassID, StaffID: t.StaffID})
			}
			return load(sb)
		})
		return err
	})
	if err != nil {
		tb.Fatalf("Load(demo %d) = %v", n, err)
	}
	return sum
}

func TestLoadDemo(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		sum := loadDemo(t, s, 3000)
		root, err := s.FindOrgByID(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		counts, err := s.OrgCounts(ctx, root.ID)
		if err != nil {
			t.Fatal(err)
		}
		if counts.Schools != sum.Schools || counts.Classes != sum.Classes || counts.Students != sum.Students || counts.Staff != sum.Staff {
			t.Errorf("OrgCounts(root) = %+v, want the generated %+v", counts, sum)
		}
		if n := countRows(t, s, "guardians"); n != sum.Guardians {
			t.Errorf("guardians = %d, want %d", n, sum.Guardians)
		}
		// A second load is refused: the ids would collide.
		if err := s.Load(ctx, func(func(*sqlstore.Batch) error) error { return nil }); campusguard.ErrorCode(err) != campusguard.Conflict {
			t.Errorf("Load(non-empty) = %v, want Conflict", err)
		}
		// New rows continue after the loaded ids (PostgreSQL's identity was reset).
		o := &campusguard.Org{Kind: campusguard.KindSchool, SchoolType: campusguard.Primary, Name: "新建小学", ParentID: &root.ID}
		if err := s.CreateOrg(ctx, o); err != nil {
			t.Fatalf("CreateOrg after load = %v", err)
		}
		kind := campusguard.Student
		people, _, err := s.FindPeople(ctx, campusguard.PersonFilter{Kind: &kind, Limit: 1})
		if err != nil || len(people) != 1 {
			t.Fatalf("FindPeople = %v, %v", people, err)
		}
		f, err := s.FindPersonFile(ctx, people[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if f.Class == nil || f.Grade == nil || len(f.Guardians) == 0 || len(f.Path) == 0 {
			t.Errorf("FindPersonFile(demo student) = %+v, want class, grade, guardians and path", f)
		}
	})
}

// BenchmarkLoadDemo measures building the default demo county.
// go test -run NONE -bench LoadDemo -benchtime 1x ./internal/sqlstore
func BenchmarkLoadDemo(b *testing.B) {
	for _, d := range sqlstoretest.Dialects(b) {
		b.Run(d, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				s := sqlstoretest.OpenDialect(b, d)
				b.StartTimer()
				sum := loadDemo(b, s, demo.DefaultStudents)
				b.ReportMetric(float64(sum.Students), "students")
			}
		})
	}
}

// TestLoadDemoHistory: the history loaded in bulk has the figures that
// recording its checks one by one would have given: a rebuild from the raw
// checks changes nothing; and the outbreak shows in the county's fevers.
func TestLoadDemoHistory(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		loadDemoHistory(t, s, 3000, 14)
		from, _ := campusguard.ParseDate("2026-11-16")
		to, _ := campusguard.ParseDate("2026-11-29")
		before, err := s.Rollups(ctx, 1, from, to)
		if err != nil || len(before) < 8 {
			t.Fatalf("Rollups(root, two weeks) = %d days, %v; want the school days", len(before), err)
		}
		fevers := 0
		for _, r := range before {
			if r.Expected != 3000 || r.Reported < 2700 || r.Reported > r.Expected {
				t.Errorf("%s: %+v; want 3000 expected and about 97 %% reported", r.Day, r)
			}
			fevers += r.Fever
		}
		if fevers < 8 {
			t.Errorf("fevers over the history = %d; the outbreak's cases are missing", fevers)
		}
		// Rebuilding is slow (a person at a time): the first day, and the
		// last two, which hold the outbreak and the open follow-ups.
		for _, r := range []campusguard.Rollup{before[0], before[len(before)-2], before[len(before)-1]} {
			if err := s.RebuildRollups(ctx, 1, r.Day); err != nil {
				t.Fatal(err)
			}
		}
		after, _ := s.Rollups(ctx, 1, from, to)
		if diff := cmp.Diff(before, after); diff != "" {
			t.Errorf("rebuilt history differs (-loaded +rebuilt):\n%s", diff)
		}
	})
}
