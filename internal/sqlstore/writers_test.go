package sqlstore_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"

	"github.com/google/go-cmp/cmp"
)

// TestSeveralWritersMatchRebuild: several stores on one PostgreSQL
// database, as several servers behind a load balancer, each with its own
// group committer, record a random mix of checks for a few students at
// once: checks of different kinds for the same student and day race each
// other all the time. The roll-ups kept write by write must still equal a
// rebuild from the raw rows, and every person's day must be the summary of
// their current checks.
func TestSeveralWritersMatchRebuild(t *testing.T) {
	for _, d := range sqlstoretest.Dialects(t) {
		if d != "postgres" {
			continue // SQLite has one writer per file: nothing to race
		}
		t.Run(d, func(t *testing.T) {
			dsn := sqlstoretest.NewDSN(t, d)
			const servers = 4
			var stores []*sqlstore.Store
			for i := range servers {
				s, err := sqlstore.Open(ctx, dsn)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { s.Close() })
				if i%2 == 1 {
					// Half the servers write statement by statement, half in
					// a pipeline: the two ways must agree with each other too.
					sqlstore.Unpipelined(s)
				}
				if i == 0 {
					if _, err := s.Migrate(ctx); err != nil {
						t.Fatal(err)
					}
				}
				stores = append(stores, s)
			}
			s := stores[0]
			w := mustWorld(t, s)
			// Few students, so that the writers meet on the same person-days.
			var students []*campusguard.Person
			for i := 0; i < 6; i++ {
				sch, class := w.school, w.class
				if i%2 == 1 {
					sch, class = w.school2, w.class2
				}
				p := &campusguard.Person{SchoolID: sch.ID, Kind: campusguard.Student, Name: "学生", Number: fmt.Sprint("W", i), ClassID: &class.ID}
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
			rng := rand.New(rand.NewPCG(uint64(rand.Int64()), 15))
			kinds := []campusguard.CheckKind{campusguard.HomeCheck, campusguard.GateCheck, campusguard.MorningCheck, campusguard.NoonCheck}
			random := func(i int) *campusguard.Check {
				p := students[rng.IntN(len(students))]
				c := &campusguard.Check{PersonID: p.ID, Day: days[rng.IntN(2)], Kind: kinds[rng.IntN(len(kinds))], ClientKey: fmt.Sprint("w", i)}
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
				return c
			}
			// Rounds of concurrent single submissions and device batches,
			// each sent to a random server.
			n := 0
			for round := 0; round < 30; round++ {
				var wg sync.WaitGroup
				var mu sync.Mutex
				var errs []error
				for k := 0; k < 12; k++ {
					srv := stores[rng.IntN(servers)]
					if rng.IntN(3) == 0 {
						batch := []*campusguard.Check{random(n), random(n + 1), random(n + 2)}
						n += 3
						wg.Go(func() {
							res, err := srv.RecordChecks(ctx, batch)
							if err == nil && res.Failed != 0 {
								err = fmt.Errorf("RecordChecks: %+v", res)
							}
							mu.Lock()
							errs = append(errs, err)
							mu.Unlock()
						})
						continue
					}
					c := random(n)
					n++
					wg.Go(func() {
						_, _, err := srv.RecordCheck(ctx, c)
						mu.Lock()
						errs = append(errs, err)
						mu.Unlock()
					})
				}
				wg.Wait()
				if err := errors.Join(errs...); err != nil {
					t.Fatalf("round %d: %v", round, err)
				}
			}
			// Each person's day is the summary of their current checks.
			for _, p := range students {
				for _, d := range days {
					cur, _, err := s.FindChecks(ctx, campusguard.CheckFilter{PersonID: &p.ID, Day: &d, Limit: 100})
					if err != nil {
						t.Fatal(err)
					}
					kinds := map[campusguard.CheckKind]bool{}
					for _, c := range cur {
						if kinds[c.Kind] {
							t.Errorf("person %d, %s: two current %s checks", p.ID, d, c.Kind)
						}
						kinds[c.Kind] = true
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
				t.Errorf("roll-ups kept by %d concurrent writers differ from rebuilt ones (-incremental +rebuilt):\n%s", servers, diff)
			}
			// On PostgreSQL checks and person_days carry no foreign keys to
			// people and orgs (migration 0033): the writers keep them whole.
			var orphans int
			err := s.DB().QueryRowContext(ctx, `SELECT
				(SELECT COUNT(*) FROM checks c WHERE NOT EXISTS (SELECT 1 FROM people p WHERE p.id = c.person_id AND p.school_id = c.school_id
					AND p.class_id IS NOT DISTINCT FROM c.class_id))
				+ (SELECT COUNT(*) FROM checks c WHERE c.class_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM orgs o WHERE o.id = c.class_id))
				+ (SELECT COUNT(*) FROM person_days d WHERE NOT EXISTS (SELECT 1 FROM people p WHERE p.id = d.person_id AND p.school_id = d.school_id))`).Scan(&orphans)
			if err != nil {
				t.Fatal(err)
			}
			if orphans != 0 {
				t.Errorf("%d checks or person-days name a person, school or class that is not theirs", orphans)
			}
		})
	}
}
