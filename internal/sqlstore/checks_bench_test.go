package sqlstore_test

import (
	"fmt"
	"testing"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// benchStudents loads a 3,000-student demo county and returns its students
// with their class paths.
func benchStudents(b *testing.B, s *sqlstore.Store) ([]*campusguard.Person, map[int64][]int64) {
	b.Helper()
	loadDemo(b, s, 3000)
	kind := campusguard.Student
	people, _, err := s.FindPeople(ctx, campusguard.PersonFilter{Kind: &kind, Limit: 1000})
	if err != nil {
		b.Fatal(err)
	}
	orgs := map[int64][]int64{}
	for _, p := range people {
		var path string
		if err := s.DB().QueryRow(`SELECT path FROM orgs WHERE id = $1`, *p.ClassID).Scan(&path); err != nil {
			b.Fatal(err)
		}
		orgs[p.ID] = campusguard.PathIDs(path)
	}
	return people, orgs
}

// BenchmarkDeviceBatch1000 compares a temperature gate's batch of 1,000
// readings through RecordChecks (validation, idempotency, versions, the
// person's day, roll-ups) with the same rows and the same counters written
// by straight SQL in one transaction. Issue 4's target: at least 50 %.
//
//	go test -run NONE -bench DeviceBatch1000 -count 6 ./internal/sqlstore
func BenchmarkDeviceBatch1000(b *testing.B) {
	for _, d := range sqlstoretest.Dialects(b) {
		s := sqlstoretest.OpenDialect(b, d)
		people, orgs := benchStudents(b, s)
		day, _ := campusguard.ParseDate("2026-11-30")
		batch := 0
		b.Run(d+"/RecordChecks", func(b *testing.B) {
			for b.Loop() {
				batch++
				checks := make([]*campusguard.Check, len(people))
				for i, p := range people {
					t := 36.0 + float64(i%15)/10
					checks[i] = &campusguard.Check{PersonID: p.ID, Day: day.AddDays(batch), Kind: campusguard.GateCheck, Temperature: &t,
						ClientKey: fmt.Sprintf("b%d-%d", batch, i)}
				}
				res, err := s.RecordChecks(ctx, checks)
				if err != nil || res.Created != len(people) {
					b.Fatalf("RecordChecks = %+v, %v", res, err)
				}
			}
			b.ReportMetric(float64(b.N*len(people))/b.Elapsed().Seconds(), "rows/s")
		})
		b.Run(d+"/RawSQL", func(b *testing.B) {
			db := s.WriteDB()
			for b.Loop() {
				batch++
				tx, err := db.Begin()
				if err != nil {
					b.Fatal(err)
				}
				ins, _ := tx.Prepare(`INSERT INTO checks (region_id, person_id, school_id, class_id, day, kind, at, temperature,
					client_key, version, current, fever, abnormal) VALUES ($1, $2, $3, $4, $5, 'gate', $6, $7, $8, 1, TRUE, $9, $9)`)
				pd, _ := tx.Prepare(`INSERT INTO person_days (region_id, person_id, day, class_id, school_id, reported, abnormal, fever,
					absent, ill_absent) VALUES ($1, $2, $3, $4, $5, TRUE, $6, $6, FALSE, FALSE) ON CONFLICT (person_id, day) DO UPDATE SET
					reported = TRUE, abnormal = excluded.abnormal, fever = excluded.fever`)
				ru, _ := tx.Prepare(`INSERT INTO rollups (region_id, org_id, day, reported, abnormal, fever) VALUES ($1, $2, $3, 1, $4, $4)
					ON CONFLICT (org_id, day) DO UPDATE SET reported = rollups.reported + 1,
					abnormal = rollups.abnormal + excluded.abnormal, fever = rollups.fever + excluded.fever`)
				d := day.AddDays(batch)
				for i, p := range people {
					t := 36.0 + float64(i%15)/10
					fever := t >= 37.3
					f := 0
					if fever {
						f = 1
					}
					if _, err := ins.Exec(p.RegionID, p.ID, p.SchoolID, *p.ClassID, d, s.Now().UTC(), t, fmt.Sprintf("r%d-%d", batch, i), fever); err != nil {
						b.Fatal(err)
					}
					if _, err := pd.Exec(p.RegionID, p.ID, d, *p.ClassID, p.SchoolID, fever); err != nil {
						b.Fatal(err)
					}
					for _, o := range orgs[p.ID] {
						if _, err := ru.Exec(p.RegionID, o, d, f); err != nil {
							b.Fatal(err)
						}
					}
				}
				if err := tx.Commit(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*len(people))/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
