package sqlstore_test

import (
	"fmt"
	"strings"
	"testing"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// TestPipelineMatchesStatements: the same groups of checks, committed in
// a pipeline on one PostgreSQL database and statement by statement on
// another, leave the same rows: checks and person-days, roll-ups, cases
// with their steps and links, events and deliveries, notices and
// follow-ups. The groups hold what takes the pipeline's other ways: a case
// opened and joined within one group, a case joined across groups, a
// correction, an illness absence opening and then dropping its follow-up,
// a reused client key, a case at another school, a fever by the region's
// own threshold.
func TestPipelineMatchesStatements(t *testing.T) {
	for _, d := range sqlstoretest.Dialects(t) {
		if d != "postgres" {
			continue // SQLite has one way
		}
		t.Run(d, func(t *testing.T) {
			var dumps []string
			for _, piped := range []bool{true, false} {
				s := sqlstoretest.OpenDialect(t, d)
				if !piped {
					sqlstore.Unpipelined(s)
				}
				w := mustCaseWorld(t, s)
				if _, err := s.CreateWebhook(ctx, &campusguard.Webhook{Name: "疾控", URL: "https://cdc.example.cn/hook",
					Events: []string{campusguard.EventCaseOpened}, OrgID: w.tr.County.ID}); err != nil {
					t.Fatal(err)
				}
				// The county's own threshold (37.0 °C, not the default 37.3):
				// both ways must judge by it.
				if err := s.SetFeverThreshold(ctx, w.tr.County.ID, 37.0); err != nil {
					t.Fatal(err)
				}
				mk := func(p *campusguard.Person, kind campusguard.CheckKind, key string, temp float64, f func(c *campusguard.Check)) *campusguard.Check {
					c := &campusguard.Check{PersonID: p.ID, Day: checkDay, Kind: kind, ClientKey: key}
					if temp > 0 {
						c.Temperature = f64(temp)
					}
					if f != nil {
						f(c)
					}
					return c
				}
				cough := func(c *campusguard.Check) { c.Symptoms = []campusguard.Symptom{campusguard.SymCough} }
				absentIll := func(c *campusguard.Check) {
					c.Attendance, c.AbsenceReason = campusguard.Absent, campusguard.AbsentIll
				}
				present := func(c *campusguard.Check) { c.Attendance = campusguard.Present }
				groups := [][]*campusguard.Check{
					{
						mk(w.student, campusguard.GateCheck, "g1", 38.2, nil),        // opens a case
						mk(w.classmate, campusguard.GateCheck, "g2", 36.6, nil),      // normal
						mk(w.student, campusguard.HomeCheck, "g3", 37.9, cough),      // joins it, same group
						mk(w.roommate, campusguard.MorningCheck, "g4", 0, absentIll), // opens a follow-up
					},
					{
						mk(w.student, campusguard.NoonCheck, "g5", 38.5, present),     // joins it, later group
						mk(w.classmate, campusguard.GateCheck, "g6", 38.8, nil),       // a correction that opens a case
						mk(w.roommate, campusguard.MorningCheck, "g7", 36.5, present), // drops the follow-up
						mk(w.rider, campusguard.HomeCheck, "g8", 37.1, nil),           // a fever by the county's threshold only
					},
					{
						mk(w.student, campusguard.GateCheck, "g1", 38.2, nil), // the same submission again
						mk(w.other, campusguard.GateCheck, "g9", 39.1, cough), // another school's case
					},
				}
				for i, g := range groups {
					reqErrs, rowErrs, _ := sqlstore.CommitTogether(ctx, s, g)
					for j := range g {
						if reqErrs[j] != nil || rowErrs[j] != nil {
							t.Fatalf("pipelined=%v, group %d, row %d: %v, %v", piped, i, j, reqErrs[j], rowErrs[j])
						}
					}
				}
				dumps = append(dumps, dumpWrites(t, s))
			}
			if dumps[0] != dumps[1] {
				t.Errorf("pipelined and statement by statement differ:\n--- pipelined\n%s\n--- statements\n%s", dumps[0], dumps[1])
			}
			for _, want := range []string{"cases:", "case_checks:", "deliveries:", "notifications:", "followups:"} {
				if !strings.Contains(dumps[0], want) {
					t.Errorf("the dump has no %q part: %s", want, dumps[0])
				}
			}
		})
	}
}

// dumpWrites lists what check groups write, without ids or times (which the
// two ways give out differently), in a fixed order.
func dumpWrites(t *testing.T, s *sqlstore.Store) string {
	t.Helper()
	queries := []struct{ name, sql string }{
		{"checks", `SELECT person_id, day, kind, client_key, version, current, fever, abnormal, COALESCE(temperature, 0), symptoms,
			COALESCE((SELECT o.client_key FROM checks o WHERE o.id = c.supersedes), '') FROM checks c ORDER BY client_key`},
		{"person_days", `SELECT person_id, day, reported, abnormal, fever, absent, ill_absent FROM person_days ORDER BY person_id, day`},
		{"rollups", `SELECT org_id, day, reported, abnormal, fever, absent, ill_absent, open_followups FROM rollups
			ORDER BY org_id, day`},
		{"cases", `SELECT k.person_id, k.state, k.source, k.symptoms, COALESCE(k.temperature, 0), k.onset_day, k.note, c.client_key
			FROM cases k JOIN checks c ON c.id = k.check_id ORDER BY k.person_id`},
		{"case_steps", `SELECT k.person_id, st.from_state, st.to_state, st.by_name, st.note FROM case_steps st
			JOIN cases k ON k.id = st.case_id ORDER BY k.person_id`},
		{"case_checks", `SELECT k.person_id, c.client_key FROM case_checks cc JOIN cases k ON k.id = cc.case_id
			JOIN checks c ON c.id = cc.check_id ORDER BY k.person_id, c.client_key`},
		{"events", `SELECT kind, (payload::jsonb -> 'case' ->> 'person_id'), (payload::jsonb -> 'case' ->> 'symptoms') FROM events
			ORDER BY 2`},
		{"deliveries", `SELECT d.webhook_id, e.kind, (e.payload::jsonb -> 'case' ->> 'person_id') FROM deliveries d
			JOIN events e ON e.id = d.event_id ORDER BY 3`},
		{"notifications", `SELECT user_id, kind, subject, args FROM notifications ORDER BY user_id, args`},
		{"followups", `SELECT person_id, day, done FROM followups ORDER BY person_id, day`},
	}
	var b strings.Builder
	for _, q := range queries {
		rows, err := s.DB().Query(q.sql)
		if err != nil {
			t.Fatalf("%s: %v", q.name, err)
		}
		cols, _ := rows.Columns()
		fmt.Fprintf(&b, "%s:\n", q.name)
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "  %v\n", vals)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
	}
	return b.String()
}
