package sqlstore_test

import (
	"cmp"
	"context"
	"slices"
	"testing"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"

	gocmp "github.com/google/go-cmp/cmp"
)

func TestChildRollups(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		tr := sqlstoretest.MustTree(t, s)
		// A third class with no students keeps no roll-up row at all.
		empty := &campusguard.Org{Kind: campusguard.KindClass, Name: "3班", ParentID: &tr.Grade.ID}
		if err := s.CreateOrg(ctx, empty); err != nil {
			t.Fatal(err)
		}
		student := func(sch, class *campusguard.Org, number string) *campusguard.Person {
			t.Helper()
			p := &campusguard.Person{SchoolID: sch.ID, Kind: campusguard.Student, Name: "学生" + number, Number: number, ClassID: &class.ID}
			if err := s.CreatePerson(ctx, p); err != nil {
				t.Fatal(err)
			}
			return p
		}
		a1, a2 := student(tr.School, tr.Class1, "A1"), student(tr.School, tr.Class1, "A2")
		b1 := student(tr.School, tr.Class2, "B1")
		student(tr.Other, tr.OtherClass, "O1")
		if err := s.OpenDay(ctx, tr.County.ID, checkDay); err != nil {
			t.Fatal(err)
		}
		record := func(c *campusguard.Check) {
			t.Helper()
			if _, _, err := s.RecordCheck(ctx, c); err != nil {
				t.Fatalf("RecordCheck(%s) = %v", c.ClientKey, err)
			}
		}
		record(&campusguard.Check{PersonID: a1.ID, Day: checkDay, Kind: campusguard.GateCheck, Temperature: f64(38.2), ClientKey: "c1"})
		record(&campusguard.Check{PersonID: a2.ID, Day: checkDay, Kind: campusguard.HomeCheck, Temperature: f64(36.6),
			Symptoms: []campusguard.Symptom{campusguard.SymCough}, ClientKey: "c2"})
		record(&campusguard.Check{PersonID: b1.ID, Day: checkDay, Kind: campusguard.MorningCheck, Attendance: campusguard.Absent,
			AbsenceReason: campusguard.AbsentIll, ClientKey: "c3"})

		children := func(ctx context.Context, org *campusguard.Org, day campusguard.Date) []campusguard.Rollup {
			t.Helper()
			rs, err := s.ChildRollups(ctx, org.ID, day)
			if err != nil {
				t.Fatalf("ChildRollups(%s, %s) = %v", org.Name, day, err)
			}
			return rs
		}
		row := func(org *campusguard.Org, r campusguard.Rollup) campusguard.Rollup {
			r.OrgID, r.Day = org.ID, checkDay
			return r
		}
		schoolFigures := campusguard.Rollup{Expected: 3, Reported: 2, Missing: 1, Abnormal: 2, Fever: 1, Absent: 1,
			IllAbsent: 1, OpenFollowUps: 1}
		byID := func(rs []campusguard.Rollup) []campusguard.Rollup {
			// Names sort by each database's collation; compare by id.
			out := slices.Clone(rs)
			slices.SortFunc(out, func(a, b campusguard.Rollup) int { return cmp.Compare(a.OrgID, b.OrgID) })
			return out
		}
		for _, tc := range []struct {
			name string
			org  *campusguard.Org
			want []campusguard.Rollup
		}{
			{"school: its classes, the empty one with zeros", tr.School, []campusguard.Rollup{
				row(tr.Class1, campusguard.Rollup{Expected: 2, Reported: 2, Abnormal: 2, Fever: 1}),
				row(tr.Class2, campusguard.Rollup{Expected: 1, Missing: 1, Absent: 1, IllAbsent: 1, OpenFollowUps: 1}),
				row(empty, campusguard.Rollup{}),
			}},
			{"grade: its classes", tr.Grade, []campusguard.Rollup{
				row(tr.Class1, campusguard.Rollup{Expected: 2, Reported: 2, Abnormal: 2, Fever: 1}),
				row(tr.Class2, campusguard.Rollup{Expected: 1, Missing: 1, Absent: 1, IllAbsent: 1, OpenFollowUps: 1}),
				row(empty, campusguard.Rollup{}),
			}},
			{"town: its schools", tr.Town, []campusguard.Rollup{
				row(tr.School, schoolFigures),
				row(tr.Other, campusguard.Rollup{Expected: 1, Missing: 1}),
			}},
			{"county: its town", tr.County, []campusguard.Rollup{
				row(tr.Town, schoolFigures.Add(campusguard.Rollup{Expected: 1, Missing: 1})),
			}},
			{"class: nothing", tr.Class1, []campusguard.Rollup{}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got := children(ctx, tc.org, checkDay)
				if diff := gocmp.Diff(tc.want, byID(got)); diff != "" {
					t.Errorf("ChildRollups(%s) (-want +got):\n%s", tc.org.Name, diff)
				}
			})
		}
		// A school's classes come grade by grade, by name.
		var order []int64
		for _, r := range children(ctx, tr.School, checkDay) {
			order = append(order, r.OrgID)
		}
		if want := []int64{tr.Class1.ID, tr.Class2.ID, empty.ID}; !slices.Equal(order, want) {
			t.Errorf("ChildRollups(school) order = %v, want %v", order, want)
		}

		// A day nobody opened: each child with zeros, and a report on it
		// (nobody expected) never makes Missing negative.
		next := checkDay.AddDays(1)
		record(&campusguard.Check{PersonID: a1.ID, Day: next, Kind: campusguard.HomeCheck, Temperature: f64(36.5), ClientKey: "n1"})
		got := children(ctx, tr.School, next)
		want := []campusguard.Rollup{{OrgID: tr.Class1.ID, Day: next, Reported: 1}, {OrgID: tr.Class2.ID, Day: next},
			{OrgID: empty.ID, Day: next}}
		if diff := gocmp.Diff(want, got); diff != "" {
			t.Errorf("ChildRollups(school, unopened day) (-want +got):\n%s", diff)
		}

		// Scope: a class teacher reads neither its own school's classes nor
		// a sibling school; a principal reads its school, not the other.
		teacher := sqlstoretest.ActorCtx(t, s, sqlstoretest.MustUser(t, s, campusguard.Grant{Role: campusguard.ClassTeacher, OrgID: tr.Class1.ID}))
		principal := sqlstoretest.ActorCtx(t, s, sqlstoretest.MustUser(t, s, campusguard.Grant{Role: campusguard.SchoolAdmin, OrgID: tr.School.ID}))
		if diff := gocmp.Diff(children(ctx, tr.School, checkDay), children(principal, tr.School, checkDay)); diff != "" {
			t.Errorf("ChildRollups(principal) differs from the system's (-system +principal):\n%s", diff)
		}
		if got := children(teacher, tr.Class1, checkDay); len(got) != 0 {
			t.Errorf("ChildRollups(teacher, own class) = %+v, want none", got)
		}
		for _, tc := range []struct {
			name string
			ctx  context.Context
			org  int64
			code campusguard.Code
		}{
			{"teacher, sibling school", teacher, tr.Other.ID, campusguard.NotFound},
			{"teacher, own school", teacher, tr.School.ID, campusguard.NotFound},
			{"principal, sibling school", principal, tr.Other.ID, campusguard.NotFound},
			{"principal, the town", principal, tr.Town.ID, campusguard.NotFound},
			{"no such org", ctx, 999999, campusguard.NotFound},
			{"no actor", context.Background(), tr.School.ID, campusguard.Unauthenticated},
		} {
			if rs, err := s.ChildRollups(tc.ctx, tc.org, checkDay); campusguard.ErrorCode(err) != tc.code {
				t.Errorf("ChildRollups(%s) = %+v, %v; want %s", tc.name, rs, err, tc.code)
			}
		}
	})
}
