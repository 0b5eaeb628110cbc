package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"

	"github.com/google/go-cmp/cmp"
)

var checkDay, _ = campusguard.ParseDate("2026-11-30")

func f64(v float64) *float64 { return &v }

func TestRecordCheck(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustWorld(t, s)
		if err := s.OpenDay(ctx, w.county.ID, checkDay); err != nil {
			t.Fatal(err)
		}
		home := &campusguard.Check{PersonID: w.student.ID, Day: checkDay, Kind: campusguard.HomeCheck,
			Temperature: f64(37.5), Symptoms: []campusguard.Symptom{campusguard.SymCough}, ClientKey: "phone-1"}
		got, created, err := s.RecordCheck(ctx, home)
		if err != nil || !created || !got.Fever || !got.Abnormal || got.Version != 1 {
			t.Fatalf("RecordCheck = %+v, %v, %v; want a new abnormal fever check", got, created, err)
		}
		// A retry with the same key changes nothing.
		retry := *home
		retry.ID = 0
		again, created, err := s.RecordCheck(ctx, &retry)
		if err != nil || created || again.ID != got.ID {
			t.Errorf("RecordCheck(retry) = %d, created %v, %v; want the stored %d", again.ID, created, err, got.ID)
		}
		want := func(org int64, r campusguard.Rollup) {
			t.Helper()
			rs, err := s.Rollups(ctx, org, checkDay, checkDay)
			if err != nil || len(rs) != 1 {
				t.Fatalf("Rollups(%d) = %v, %v", org, rs, err)
			}
			r.OrgID, r.Day = org, checkDay
			if diff := cmp.Diff(r, rs[0]); diff != "" {
				t.Errorf("Rollups(%d) (-want +got):\n%s", org, diff)
			}
		}
		want(w.class.ID, campusguard.Rollup{Expected: 1, Reported: 1, Abnormal: 1, Fever: 1})
		want(w.county.ID, campusguard.Rollup{Expected: 3 - 1, Reported: 1, Missing: 1, Abnormal: 1, Fever: 1})
		// A correction is a new version; the old one is kept.
		fix := &campusguard.Check{PersonID: w.student.ID, Day: checkDay, Kind: campusguard.HomeCheck, Temperature: f64(36.6), ClientKey: "phone-2"}
		got2, _, err := s.RecordCheck(ctx, fix)
		if err != nil || got2.Version != 2 || got2.Supersedes == nil || *got2.Supersedes != got.ID {
			t.Fatalf("RecordCheck(correction) = %+v, %v", got2, err)
		}
		all, _, _ := s.FindChecks(ctx, campusguard.CheckFilter{PersonID: &w.student.ID, History: true})
		if len(all) != 2 {
			t.Errorf("history = %d checks, want 2", len(all))
		}
		want(w.class.ID, campusguard.Rollup{Expected: 1, Reported: 1})
		// The same key with other content is not a retry: refused.
		changed := *home
		changed.ID, changed.Temperature = 0, f64(36.9)
		if _, _, err := s.RecordCheck(ctx, &changed); campusguard.ErrorCode(err) != campusguard.Conflict {
			t.Errorf("RecordCheck(same key, other temperature) = %v, want Conflict", err)
		}
		// The same key for another person is refused.
		other := &campusguard.Check{PersonID: w.student2.ID, Day: checkDay, Kind: campusguard.HomeCheck, Temperature: f64(36.6), ClientKey: "phone-2"}
		if _, _, err := s.RecordCheck(ctx, other); campusguard.ErrorCode(err) != campusguard.Conflict {
			t.Errorf("RecordCheck(reused key) = %v, want Conflict", err)
		}
	})
}

func TestRecordCheckRefused(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		onCheckDay(s)
		w := mustWorld(t, s)
		gate := sqlstoretest.ActorCtx(t, s, sqlstoretest.MustUser(t, s, campusguard.Grant{Role: campusguard.GateStaff, OrgID: w.school.ID}))
		tests := []struct {
			name string
			ctx  context.Context
			c    campusguard.Check
			code campusguard.Code
		}{
			{"temperature out of range", ctx, campusguard.Check{PersonID: w.student.ID, Kind: campusguard.GateCheck, Temperature: f64(45)}, campusguard.Invalid},
			{"unknown student", ctx, campusguard.Check{PersonID: 99999, Kind: campusguard.GateCheck, Temperature: f64(36.5)}, campusguard.NotFound},
			{"another school's student", gate, campusguard.Check{PersonID: w.student2.ID, Kind: campusguard.GateCheck, Temperature: f64(36.5)}, campusguard.NotFound},
			{"a kind the gate may not record", gate, campusguard.Check{PersonID: w.student.ID, Kind: campusguard.MorningCheck, Attendance: campusguard.Present}, campusguard.Forbidden},
			{"anonymous", context.Background(), campusguard.Check{PersonID: w.student.ID, Kind: campusguard.GateCheck, Temperature: f64(36.5)}, campusguard.Unauthenticated},
		}
		for i, tt := range tests {
			c := tt.c
			c.Day, c.ClientKey = checkDay, fmt.Sprint("k", i)
			if _, _, err := s.RecordCheck(tt.ctx, &c); campusguard.ErrorCode(err) != tt.code {
				t.Errorf("%s: RecordCheck = %v, want %s", tt.name, err, tt.code)
			}
		}
		if n := countRows(t, s, "checks"); n != 0 {
			t.Errorf("checks = %d after refused submissions, want 0", n)
		}
		ok := &campusguard.Check{PersonID: w.student.ID, Day: checkDay, Kind: campusguard.GateCheck, Temperature: f64(36.5), ClientKey: "gate-1"}
		if _, _, err := s.RecordCheck(gate, ok); err != nil {
			t.Errorf("RecordCheck(gate, own school) = %v", err)
		}
	})
}

// TestRollupsMatchRebuild: after any mix of submissions, corrections and
// absences, the figures kept up to date write by write equal the figures
// recomputed from the raw rows.
func TestRollupsMatchRebuild(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustWorld(t, s)
		// More students, in both classes of the county.
		var students []*campusguard.Person
		for i := 0; i < 12; i++ {
			sch, class := w.school, w.class
			if i%2 == 1 {
				sch, class = w.school2, w.class2
			}
			p := &campusguard.Person{SchoolID: sch.ID, Kind: campusguard.Student, Name: "学生", Number: fmt.Sprint("R", i), ClassID: &class.ID}
			if err := s.CreatePerson(ctx, p); err != nil {
				t.Fatal(err)
			}
			students = append(students, p)
		}
		days := []campusguard.Date{checkDay, checkDay.AddDays(1)}
		for _, d := range days {
			if err := s.OpenDay(ctx, w.county.ID, d); err != nil {
				t.Fatal(err)
			}
		}
		rng := rand.New(rand.NewPCG(42, 7))
		kinds := []campusguard.CheckKind{campusguard.HomeCheck, campusguard.GateCheck, campusguard.MorningCheck, campusguard.NoonCheck}
		var all []*campusguard.Check
		for i := 0; i < 240; i++ {
			p := students[rng.IntN(len(students))]
			c := &campusguard.Check{PersonID: p.ID, Day: days[rng.IntN(2)], Kind: kinds[rng.IntN(len(kinds))], ClientKey: fmt.Sprint("r", i)}
			if c.Kind.ClassCheck() {
				switch rng.IntN(4) {
				case 0:
					c.Attendance, c.AbsenceReason = campusguard.Absent, []campusguard.AbsenceReason{campusguard.AbsentIll, campusguard.AbsentPersonal}[rng.IntN(2)]
				case 1:
					c.Attendance = campusguard.Unwell
				default:
					c.Attendance = campusguard.Present
				}
			}
			if c.Attendance != campusguard.Absent && (!c.Kind.ClassCheck() || rng.IntN(2) == 0) {
				c.Temperature = f64(36 + float64(rng.IntN(25))/10)
			}
			if rng.IntN(5) == 0 {
				c.Symptoms = []campusguard.Symptom{campusguard.SymCough}
			}
			all = append(all, c)
		}
		// The same submissions through every path: one by one, in device
		// batches (with a resent row in each), and concurrently, so that
		// group commit puts several callers in one transaction.
		copyOf := func(c *campusguard.Check) *campusguard.Check { d := *c; d.ID = 0; return &d }
		for start := 0; start < len(all); {
			n := 1 + rng.IntN(12)
			part := all[start:min(start+n, len(all))]
			start += len(part)
			switch rng.IntN(3) {
			case 0:
				for _, c := range part {
					if _, _, err := s.RecordCheck(ctx, c); err != nil {
						t.Fatalf("RecordCheck(%s) = %v", c.ClientKey, err)
					}
				}
			case 1:
				batch := append(slices.Clone(part), copyOf(part[0]))
				res, err := s.RecordChecks(ctx, batch)
				if err != nil || res.Failed != 0 || res.Created != len(part) || res.Duplicate != 1 {
					t.Fatalf("RecordChecks = %+v, %v", res, err)
				}
			default:
				var wg sync.WaitGroup
				errs := make([]error, len(part))
				for i, c := range part {
					wg.Go(func() { _, _, errs[i] = s.RecordCheck(ctx, c) })
				}
				wg.Wait()
				if err := errors.Join(errs...); err != nil {
					t.Fatal(err)
				}
			}
		}
		orgs := []int64{w.county.ID, w.school.ID, w.school2.ID, w.class.ID, w.class2.ID}
		read := func() map[int64][]campusguard.Rollup {
			out := map[int64][]campusguard.Rollup{}
			for _, o := range orgs {
				rs, err := s.Rollups(ctx, o, days[0], days[1])
				if err != nil {
					t.Fatal(err)
				}
				out[o] = rs
			}
			return out
		}
		incremental := read()
		if incremental[w.county.ID][0].Reported == 0 || incremental[w.county.ID][0].Abnormal == 0 {
			t.Fatalf("the random mix produced no reports or no abnormal checks: %+v", incremental[w.county.ID])
		}
		for _, d := range days {
			if err := s.RebuildRollups(ctx, w.county.ID, d); err != nil {
				t.Fatal(err)
			}
		}
		if diff := cmp.Diff(incremental, read()); diff != "" {
			t.Errorf("incremental roll-ups differ from rebuilt ones (-incremental +rebuilt):\n%s", diff)
		}
		// The county's figures are the sum of its schools'.
		for i := range days {
			c, a, b := incremental[w.county.ID][i], incremental[w.school.ID][i], incremental[w.school2.ID][i]
			if c.Reported != a.Reported+b.Reported || c.Fever != a.Fever+b.Fever || c.Absent != a.Absent+b.Absent {
				t.Errorf("day %d: county %+v is not the sum of %+v and %+v", i, c, a, b)
			}
		}
	})
}

// TestRecordChecksBatch: a temperature gate's batch with some bad rows
// stores each good row exactly once and names each bad row by its index.
func TestRecordChecksBatch(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		onCheckDay(s)
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
		reading := func(person int64, temp float64, key string) *campusguard.Check {
			return &campusguard.Check{PersonID: person, Day: checkDay, Kind: campusguard.GateCheck, Temperature: f64(temp), ClientKey: key}
		}
		batch := []*campusguard.Check{
			reading(w.student.ID, 36.5, "g1"),
			reading(w.student.ID, 55.0, "g2"),  // out of range
			reading(w.student2.ID, 36.6, "g3"), // another school
			reading(w.staff.ID, 37.6, "g4"),
			reading(w.student.ID, 36.5, "g1"), // the same reading again
			reading(99999, 36.5, "g5"),        // unknown person
		}
		res, err := s.RecordChecks(device, batch)
		if err != nil {
			t.Fatal(err)
		}
		var rows []string
		for _, e := range res.Errors {
			rows = append(rows, fmt.Sprint(e.Row, " ", e.Field))
		}
		if res.Rows != 6 || res.Created != 2 || res.Duplicate != 1 || res.Failed != 3 ||
			!cmp.Equal(rows, []string{"2 temperature", "3 person_id", "6 person_id"}) {
			t.Errorf("RecordChecks = %+v, errors %v", res, rows)
		}
		if n := countRows(t, s, "checks"); n != 2 {
			t.Errorf("checks stored = %d, want 2", n)
		}
		// Sent again whole, nothing new is stored.
		res, _ = s.RecordChecks(device, batch)
		if res.Created != 0 || res.Duplicate != 3 || countRows(t, s, "checks") != 2 {
			t.Errorf("RecordChecks(again) = %+v, checks %d", res, countRows(t, s, "checks"))
		}
	})
}

// TestFollowUps: an illness absence opens a follow-up the day's figures
// count; completing it closes it; a correction that takes the absence back
// removes it; a rebuild agrees.
func TestFollowUps(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustWorld(t, s)
		s.OpenDay(ctx, w.county.ID, checkDay)
		teacher := sqlstoretest.ActorCtx(t, s, sqlstoretest.MustUser(t, s, campusguard.Grant{Role: campusguard.ClassTeacher, OrgID: w.class.ID}))
		absent := func(p *campusguard.Person, reason campusguard.AbsenceReason, key string) {
			t.Helper()
			c := &campusguard.Check{PersonID: p.ID, Day: checkDay, Kind: campusguard.MorningCheck, Attendance: campusguard.Absent,
				AbsenceReason: reason, ClientKey: key}
			if _, _, err := s.RecordCheck(ctx, c); err != nil {
				t.Fatalf("RecordCheck(absent) = %v", err)
			}
		}
		open := func(org int64) int {
			rs, _ := s.Rollups(ctx, org, checkDay, checkDay)
			return rs[0].OpenFollowUps
		}
		absent(w.student, campusguard.AbsentIll, "m1")
		absent(w.student2, campusguard.AbsentPersonal, "m2")
		if open(w.county.ID) != 1 || open(w.class.ID) != 1 {
			t.Fatalf("open follow-ups = %d county, %d class; want 1 (the illness absence only)", open(w.county.ID), open(w.class.ID))
		}
		list, err := s.FindFollowUps(teacher, campusguard.FollowUpFilter{OpenOnly: true})
		if err != nil || len(list) != 1 || list[0].PersonID != w.student.ID {
			t.Fatalf("FindFollowUps(teacher) = %+v, %v", list, err)
		}
		bad := campusguard.FollowUpReport{ExpectedReturn: checkDay.AddDays(-1)}
		if _, err := s.CompleteFollowUp(teacher, list[0].ID, bad); campusguard.ErrorCode(err) != campusguard.Invalid {
			t.Errorf("CompleteFollowUp(no diagnosis, return before) = %v, want Invalid", err)
		}
		report := campusguard.FollowUpReport{Symptoms: []campusguard.Symptom{campusguard.SymFever, campusguard.SymCough},
			ClinicVisit: true, Diagnosis: "上呼吸道感染", ExpectedReturn: checkDay.AddDays(2)}
		done, err := s.CompleteFollowUp(teacher, list[0].ID, report)
		if err != nil || !done.Done || done.Diagnosis != "上呼吸道感染" {
			t.Fatalf("CompleteFollowUp = %+v, %v", done, err)
		}
		if open(w.county.ID) != 0 {
			t.Errorf("open follow-ups after completion = %d, want 0", open(w.county.ID))
		}
		// Another illness absence, then corrected: present after all.
		absent(w.student2, campusguard.AbsentIll, "m3")
		if open(w.county.ID) != 1 {
			t.Errorf("open follow-ups = %d, want 1", open(w.county.ID))
		}
		fix := &campusguard.Check{PersonID: w.student2.ID, Day: checkDay, Kind: campusguard.MorningCheck, Attendance: campusguard.Present, ClientKey: "m4"}
		if _, _, err := s.RecordCheck(ctx, fix); err != nil {
			t.Fatal(err)
		}
		if open(w.county.ID) != 0 {
			t.Errorf("open follow-ups after the correction = %d, want 0", open(w.county.ID))
		}
		before, _ := s.Rollups(ctx, w.county.ID, checkDay, checkDay)
		if err := s.RebuildRollups(ctx, w.county.ID, checkDay); err != nil {
			t.Fatal(err)
		}
		after, _ := s.Rollups(ctx, w.county.ID, checkDay, checkDay)
		if diff := cmp.Diff(before, after); diff != "" {
			t.Errorf("rebuild changed the figures (-incremental +rebuilt):\n%s", diff)
		}
		other := sqlstoretest.ActorCtx(t, s, sqlstoretest.MustUser(t, s, campusguard.Grant{Role: campusguard.ClassTeacher, OrgID: w.class2.ID}))
		if _, err := s.CompleteFollowUp(other, list[0].ID, report); campusguard.ErrorCode(err) != campusguard.NotFound {
			t.Errorf("CompleteFollowUp(another class's teacher) = %v, want NotFound", err)
		}
	})
}

func TestMissingReports(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustWorld(t, s)
		second := &campusguard.Person{SchoolID: w.school.ID, Kind: campusguard.Student, Name: "第二个", Number: "M2", ClassID: &w.class.ID}
		if err := s.CreatePerson(ctx, second); err != nil {
			t.Fatal(err)
		}
		names := func() []int64 {
			ps, err := s.MissingReports(ctx, w.class.ID, checkDay)
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, p := range ps {
				ids = append(ids, p.ID)
			}
			return ids
		}
		if got := names(); len(got) != 2 {
			t.Fatalf("MissingReports before any report = %v, want both students", got)
		}
		c := &campusguard.Check{PersonID: w.student.ID, Day: checkDay, Kind: campusguard.HomeCheck, Temperature: f64(36.5), ClientKey: "h1"}
		if _, _, err := s.RecordCheck(ctx, c); err != nil {
			t.Fatal(err)
		}
		if got := names(); !cmp.Equal(got, []int64{second.ID}) {
			t.Errorf("MissingReports = %v, want [%d]", got, second.ID)
		}
		teacher := sqlstoretest.ActorCtx(t, s, sqlstoretest.MustUser(t, s, campusguard.Grant{Role: campusguard.ClassTeacher, OrgID: w.class2.ID}))
		if _, err := s.MissingReports(teacher, w.class.ID, checkDay); campusguard.ErrorCode(err) != campusguard.NotFound {
			t.Errorf("MissingReports(another class's teacher) = %v, want NotFound", err)
		}
	})
}

func TestSignOffs(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustWorld(t, s)
		principal := sqlstoretest.ActorCtx(t, s, sqlstoretest.MustUser(t, s, campusguard.Grant{Role: campusguard.SchoolAdmin, OrgID: w.school.ID}))
		teacher := sqlstoretest.ActorCtx(t, s, sqlstoretest.MustUser(t, s, campusguard.Grant{Role: campusguard.ClassTeacher, OrgID: w.class.ID}))
		if _, err := s.SignOffDay(teacher, w.school.ID, checkDay, ""); campusguard.ErrorCode(err) != campusguard.NotFound {
			t.Errorf("SignOffDay(class teacher) = %v, want NotFound (the school is out of its scope)", err)
		}
		if _, err := s.SignOffDay(principal, w.school2.ID, checkDay, ""); campusguard.ErrorCode(err) != campusguard.NotFound {
			t.Errorf("SignOffDay(another school) = %v, want NotFound", err)
		}
		so, err := s.SignOffDay(principal, w.school.ID, checkDay, "零报告")
		if err != nil || !so.Signed || so.Note != "零报告" {
			t.Fatalf("SignOffDay = %+v, %v", so, err)
		}
		if _, err := s.SignOffDay(principal, w.school.ID, checkDay, "更正：零报告"); err != nil {
			t.Errorf("SignOffDay(again) = %v; signing again updates", err)
		}
		list, err := s.SignOffs(ctx, w.county.ID, checkDay)
		if err != nil || len(list) != 2 || list[0].SchoolID != w.school2.ID || list[0].Signed || !list[1].Signed || list[1].Note != "更正：零报告" {
			t.Errorf("SignOffs(county) = %+v, %v; want the unsigned school first", list, err)
		}
	})
}
