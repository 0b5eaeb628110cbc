package sqlstore_test

import (
	"database/sql"
	"fmt"
	"regexp"
	"strconv"
	"strings"
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
			// The best straight SQL for the same rows and counters: rows
			// batched the way each database takes them fastest (prepared
			// one-row inserts on SQLite, multi-row VALUES on PostgreSQL),
			// each roll-up node's counts summed in Go and written once.
			db := s.WriteDB()
			for b.Loop() {
				batch++
				d := day.AddDays(batch)
				now := s.Now().UTC()
				tx, err := db.Begin()
				if err != nil {
					b.Fatal(err)
				}
				type counts struct{ reported, fever int }
				nodes := map[int64]*counts{}
				checkRows := make([][]any, len(people))
				dayRows := make([][]any, len(people))
				for i, p := range people {
					t := 36.0 + float64(i%15)/10
					fever := t >= 37.3
					checkRows[i] = []any{p.RegionID, p.ID, p.SchoolID, *p.ClassID, d, now, t, fmt.Sprintf("r%d-%d", batch, i), fever}
					dayRows[i] = []any{p.RegionID, p.ID, d, *p.ClassID, p.SchoolID, fever}
					for _, o := range orgs[p.ID] {
						if nodes[o] == nil {
							nodes[o] = &counts{}
						}
						nodes[o].reported++
						if fever {
							nodes[o].fever++
						}
					}
				}
				rawInsert(b, tx, s.Dialect() == "postgres", `INSERT INTO checks (region_id, person_id, school_id, class_id, day, kind, at,
					temperature, client_key, version, current, fever, abnormal) VALUES `, `($1, $2, $3, $4, $5, 'gate', $6, $7, $8, 1, TRUE, $9, $9)`,
					"", checkRows)
				rawInsert(b, tx, s.Dialect() == "postgres", `INSERT INTO person_days (region_id, person_id, day, class_id, school_id, reported,
					abnormal, fever, absent, ill_absent) VALUES `, `($1, $2, $3, $4, $5, TRUE, $6, $6, FALSE, FALSE)`,
					` ON CONFLICT (person_id, day) DO UPDATE SET reported = TRUE, abnormal = excluded.abnormal, fever = excluded.fever`, dayRows)
				ru, err := tx.Prepare(`INSERT INTO rollups (region_id, org_id, day, reported, abnormal, fever) VALUES ($1, $2, $3, $4, $5, $5)
					ON CONFLICT (org_id, day) DO UPDATE SET reported = rollups.reported + excluded.reported,
					abnormal = rollups.abnormal + excluded.abnormal, fever = rollups.fever + excluded.fever`)
				if err != nil {
					b.Fatal(err)
				}
				for o, c := range nodes {
					if _, err := ru.Exec(people[0].RegionID, o, d, c.reported, c.fever); err != nil {
						b.Fatal(err)
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

var param = regexp.MustCompile(`\$[0-9]+`)

// rawInsert writes rows with head+values(+suffix): one multi-row statement
// when multi (PostgreSQL's fastest), else a prepared one-row statement
// (SQLite's fastest: it looks $N up linearly, so thousands of parameters
// in one statement cost quadratic time).
func rawInsert(b *testing.B, tx *sql.Tx, multi bool, head, values, suffix string, rows [][]any) {
	b.Helper()
	if !multi {
		st, err := tx.Prepare(head + values + suffix)
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range rows {
			if _, err := st.Exec(r...); err != nil {
				b.Fatal(err)
			}
		}
		return
	}
	var q strings.Builder
	q.WriteString(head)
	var args []any
	for i, r := range rows {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString(param.ReplaceAllStringFunc(values, func(m string) string {
			j, _ := strconv.Atoi(m[1:])
			return "$" + strconv.Itoa(len(args)+j)
		}))
		args = append(args, r...)
	}
	q.WriteString(suffix)
	if _, err := tx.Exec(q.String(), args...); err != nil {
		b.Fatal(err)
	}
}
