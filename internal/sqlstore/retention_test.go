package sqlstore_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"

	gocmp "github.com/google/go-cmp/cmp"
)

// allRollups reads every roll-up row, in order.
func allRollups(t *testing.T, s *sqlstore.Store) []string {
	t.Helper()
	rows, err := s.DB().Query(`SELECT org_id, day, expected, reported, abnormal, fever, absent, ill_absent, open_followups
		FROM rollups ORDER BY org_id, day`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var org int64
		var day campusguard.Date
		var n [7]int
		if err := rows.Scan(&org, &day, &n[0], &n[1], &n[2], &n[3], &n[4], &n[5], &n[6]); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprint(org, " ", day, " ", n))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func countWhere(t *testing.T, s *sqlstore.Store, query string, args ...any) int {
	t.Helper()
	var n int
	if err := s.DB().QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// TestRetention runs the retention job with a fake clock: the daily checks,
// people's days and follow-ups of a day past the period are gone, but for
// the check an open case holds; a case closed past its period is gone with
// its steps; a student who left is anonymised, guardian and account too;
// recent rows stay; the roll-ups and the figures read from them are the
// same; and one audit line says what was done. A second run does nothing.
func TestRetention(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		old := sqlstore.RetentionBatch
		sqlstore.RetentionBatch = 2 // many small batches
		t.Cleanup(func() { sqlstore.RetentionBatch = old })

		// Spring 2025: a school day of checks.
		clock := time.Date(2025, 3, 3, 8, 0, 0, 0, campusguard.China)
		s.Now = func() time.Time { return clock }
		oldDay := campusguard.Today(clock)
		tr := sqlstoretest.MustTree(t, s)
		student := func(n int, class *campusguard.Org) *campusguard.Person {
			p := &campusguard.Person{SchoolID: tr.School.ID, Kind: campusguard.Student, Name: fmt.Sprintf("学生%d", n),
				Number: fmt.Sprintf("S%d", n), ClassID: &class.ID, IDNumber: sqlstoretest.ValidID("2016-05-01", n),
				Town: "云陵镇", Village: "下坂村"}
			if err := s.CreatePerson(sqlstoretest.Ctx, p); err != nil {
				t.Fatal(err)
			}
			return p
		}
		stays, leaves, held := student(1, tr.Class1), student(2, tr.Class1), student(3, tr.Class2)
		if err := s.AddGuardian(sqlstoretest.Ctx, leaves.ID, &campusguard.Guardian{Name: "离校生家长", Phone: "13900001111", Relation: "母亲"}); err != nil {
			t.Fatal(err)
		}
		codes, err := s.IssueBindingCodes(sqlstoretest.Ctx, tr.Class1.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.OpenDay(sqlstoretest.Ctx, tr.County.ID, oldDay); err != nil {
			t.Fatal(err)
		}
		record := func(c *campusguard.Check) {
			t.Helper()
			if _, _, err := s.RecordCheck(sqlstoretest.Ctx, c); err != nil {
				t.Fatalf("RecordCheck(%s) = %v", c.ClientKey, err)
			}
		}
		record(&campusguard.Check{PersonID: stays.ID, Day: oldDay, Kind: campusguard.HomeCheck, Temperature: f64(38.4), ClientKey: "o1"})
		record(&campusguard.Check{PersonID: stays.ID, Day: oldDay, Kind: campusguard.HomeCheck, Temperature: f64(36.5), ClientKey: "o1b"}) // a correction
		record(&campusguard.Check{PersonID: leaves.ID, Day: oldDay, Kind: campusguard.MorningCheck, Attendance: campusguard.Absent,
			AbsenceReason: campusguard.AbsentIll, ClientKey: "o2"})
		record(&campusguard.Check{PersonID: held.ID, Day: oldDay, Kind: campusguard.GateCheck, Temperature: f64(38.9), ClientKey: "o3"})
		// The case of the first fever is followed to its end; the other
		// stays open and holds its check.
		cases, _, err := s.FindCases(sqlstoretest.Ctx, campusguard.CaseFilter{Limit: 10})
		if err != nil || len(cases) != 2 {
			t.Fatalf("FindCases = %d, %v; want 2", len(cases), err)
		}
		var closed, open *campusguard.Case
		for _, k := range cases {
			if k.PersonID == stays.ID {
				closed = k
			} else {
				open = k
			}
		}
		for _, step := range []campusguard.Transition{{To: campusguard.CaseReported, Note: "已报告"},
			{To: campusguard.CaseIsolated, Isolation: campusguard.IsolationHome}, {To: campusguard.CaseReferred},
			{To: campusguard.CaseOutcome, Outcome: campusguard.OutcomeRuledOut}, {To: campusguard.CaseCleared, Certificate: "复课证明001"},
			{To: campusguard.CaseClosed}} {
			if _, err := s.MoveCase(sqlstoretest.Ctx, closed.ID, step); err != nil {
				t.Fatalf("MoveCase(%s) = %v", step.To, err)
			}
		}
		// The next day the student leaves the school.
		clock = clock.Add(24 * time.Hour)
		inactive := false
		if _, err := s.UpdatePerson(sqlstoretest.Ctx, leaves.ID, campusguard.PersonUpdate{Active: &inactive}); err != nil {
			t.Fatal(err)
		}
		// 800 days later, a recent day of checks.
		clock = clock.Add(799 * 24 * time.Hour)
		newDay := campusguard.Today(clock).AddDays(-10)
		record(&campusguard.Check{PersonID: stays.ID, Day: newDay, Kind: campusguard.HomeCheck, Temperature: f64(36.6), ClientKey: "n1"})
		record(&campusguard.Check{PersonID: held.ID, Day: newDay, Kind: campusguard.MorningCheck, Attendance: campusguard.Absent,
			AbsenceReason: campusguard.AbsentIll, ClientKey: "n2"})

		rollups := allRollups(t, s)
		figures := func() []campusguard.Rollup {
			rs, err := s.Rollups(sqlstoretest.Ctx, tr.County.ID, oldDay, newDay)
			if err != nil {
				t.Fatal(err)
			}
			return rs
		}
		before := figures()
		if len(before) != 2 || before[0].Fever != 1 || before[0].IllAbsent != 1 {
			t.Fatalf("figures before = %+v; want the old day's fever (the other corrected) and an illness absence, and the new day", before)
		}

		rep, err := s.RunRetention(sqlstoretest.Ctx, tr.County.ID, clock)
		if err != nil {
			t.Fatalf("RunRetention = %v", err)
		}
		want := campusguard.RetentionReport{RegionID: tr.County.ID, Cutoffs: campusguard.DefaultRetention.Cutoffs(clock),
			Checks: 3, PersonDays: 3, FollowUps: 1, Cases: 1, Anonymised: 1}
		if diff := gocmp.Diff(want, *rep); diff != "" {
			t.Errorf("RunRetention (-want +got):\n%s", diff)
		}
		if n := countWhere(t, s, `SELECT COUNT(*) FROM checks WHERE day = $1`, oldDay); n != 1 {
			t.Errorf("old day's checks left = %d, want 1 (the one the open case holds)", n)
		}
		if n := countWhere(t, s, `SELECT COUNT(*) FROM case_checks WHERE case_id = $1`, open.ID); n != 1 {
			t.Errorf("open case's checks = %d, want 1", n)
		}
		for _, q := range []string{`SELECT COUNT(*) FROM person_days WHERE day = $1`, `SELECT COUNT(*) FROM followups WHERE day = $1`} {
			if n := countWhere(t, s, q, oldDay); n != 0 {
				t.Errorf("%s = %d, want 0", q, n)
			}
		}
		for _, q := range []string{`SELECT COUNT(*) FROM cases WHERE id = $1`, `SELECT COUNT(*) FROM case_steps WHERE case_id = $1`} {
			if n := countWhere(t, s, q, closed.ID); n != 0 {
				t.Errorf("closed case: %s = %d, want 0", q, n)
			}
		}
		if n := countWhere(t, s, `SELECT COUNT(*) FROM checks WHERE day = $1`, newDay); n != 2 {
			t.Errorf("recent checks = %d, want 2", n)
		}
		if n := countWhere(t, s, `SELECT COUNT(*) FROM followups WHERE day = $1`, newDay); n != 1 {
			t.Errorf("recent follow-ups = %d, want 1", n)
		}
		if _, _, err := s.FindCase(sqlstoretest.Ctx, open.ID); err != nil {
			t.Errorf("open case after retention: %v", err)
		}
		if diff := gocmp.Diff(rollups, allRollups(t, s)); diff != "" {
			t.Errorf("roll-ups changed (-before +after):\n%s", diff)
		}
		if diff := gocmp.Diff(before, figures()); diff != "" {
			t.Errorf("figures changed (-before +after):\n%s", diff)
		}

		// The leaver: nothing names them; the one who stays is untouched.
		f, err := s.FindPersonFile(sqlstoretest.Ctx, leaves.ID)
		if err != nil {
			t.Fatal(err)
		}
		p := f.Person
		if p.Name != campusguard.Anonymised || p.IDNumber != "" || p.Town != "" || p.Village != "" || p.Birth != (campusguard.Date{}) ||
			len(f.Guardians) != 0 || len(f.History) != 0 {
			t.Errorf("the leaver's file after retention = %+v, guardians %v, history %v; want nothing that names them", p, f.Guardians, f.History)
		}
		if p.ClassID == nil || *p.ClassID != tr.Class1.ID {
			t.Errorf("the leaver's class = %v, want kept for the figures", p.ClassID)
		}
		if n := countWhere(t, s, `SELECT COUNT(*) FROM guardians WHERE phone = $1`, "13900001111"); n != 0 {
			t.Errorf("the leaver's guardian keeps a phone")
		}
		if n := countWhere(t, s, `SELECT COUNT(*) FROM binding_codes WHERE student_id = $1`, leaves.ID); n != 0 {
			t.Errorf("the leaver's binding codes = %d, want 0 (issued %d)", n, len(codes))
		}
		kept, err := s.FindPersonByID(sqlstoretest.Ctx, stays.ID)
		if err != nil || kept.Name != stays.Name {
			t.Errorf("the student who stays = %+v, %v", kept, err)
		}

		// One audit line with what was done.
		action := "retention"
		entries, _, err := s.FindAudit(sqlstoretest.Ctx, campusguard.AuditFilter{Action: &action})
		if err != nil || len(entries) != 1 {
			t.Fatalf("audit = %v, %v; want one retention line", entries, err)
		}
		var logged campusguard.RetentionReport
		if err := json.Unmarshal([]byte(entries[0].Detail), &logged); err != nil || logged.Checks != 3 || logged.Anonymised != 1 {
			t.Errorf("audit detail = %s (%v)", entries[0].Detail, err)
		}
		if last, err := s.LastRetention(sqlstoretest.Ctx, tr.County.ID); err != nil || !last.Equal(clock.UTC().Truncate(time.Microsecond)) {
			t.Errorf("LastRetention = %v, %v; want %v", last, err, clock.UTC())
		}

		// Again: nothing left to do, and the run is logged again.
		rep, err = s.RunRetention(sqlstoretest.Ctx, tr.County.ID, clock)
		if err != nil || rep.Checks+rep.PersonDays+rep.FollowUps+rep.Cases+rep.Anonymised != 0 {
			t.Errorf("second RunRetention = %+v, %v; want nothing done", rep, err)
		}

		// Only the system runs it.
		admin := sqlstoretest.ActorCtx(t, s, sqlstoretest.MustUser(t, s, campusguard.Grant{Role: campusguard.RegionAdmin, OrgID: tr.County.ID}))
		if _, err := s.RunRetention(admin, tr.County.ID, clock); campusguard.ErrorCode(err) != campusguard.Forbidden {
			t.Errorf("RunRetention(region admin) = %v, want Forbidden", err)
		}
	})
}

// TestRetentionSettings: a region keeps its own periods; one shorter than
// the school year (or absurdly long) is refused and changes nothing; only
// the region's admins set them.
func TestRetentionSettings(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		tr := sqlstoretest.MustTree(t, s)
		admin := sqlstoretest.ActorCtx(t, s, sqlstoretest.MustUser(t, s, campusguard.Grant{Role: campusguard.RegionAdmin, OrgID: tr.County.ID}))
		principal := sqlstoretest.ActorCtx(t, s, sqlstoretest.MustUser(t, s, campusguard.Grant{Role: campusguard.SchoolAdmin, OrgID: tr.School.ID}))
		p, err := s.RegionPolicy(admin, tr.County.ID)
		if err != nil || p.Retention != campusguard.DefaultRetention || p.FeverThreshold != campusguard.DefaultFeverThreshold {
			t.Fatalf("RegionPolicy = %+v, %v; want the defaults", p, err)
		}
		set := campusguard.Retention{Checks: 400, FollowUps: 500, Cases: 1000}
		if err := s.SetRetention(admin, tr.County.ID, set); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name  string
			r     campusguard.Retention
			field string
		}{
			{"checks shorter than the school year", campusguard.Retention{Checks: 364, FollowUps: 500, Cases: 1000}, "checks_days"},
			{"follow-ups of a term", campusguard.Retention{Checks: 400, FollowUps: 180, Cases: 1000}, "followups_days"},
			{"cases kept no time", campusguard.Retention{Checks: 400, FollowUps: 500, Cases: 0}, "cases_days"},
			{"negative", campusguard.Retention{Checks: -1, FollowUps: 500, Cases: 1000}, "checks_days"},
			{"forever", campusguard.Retention{Checks: 400, FollowUps: 500, Cases: 100000}, "cases_days"},
		} {
			err := s.SetRetention(admin, tr.County.ID, tc.r)
			fields := campusguard.ErrorFields(err)
			if campusguard.ErrorCode(err) != campusguard.Invalid || len(fields) != 1 || fields[0].Field != tc.field {
				t.Errorf("SetRetention(%s) = %v, want Invalid on %s", tc.name, err, tc.field)
			}
		}
		if p, _ := s.RegionPolicy(admin, tr.County.ID); p.Retention != set {
			t.Errorf("after refused settings the retention is %+v, want %+v", p.Retention, set)
		}
		if err := s.SetRetention(principal, tr.County.ID, set); campusguard.ErrorCode(err) != campusguard.NotFound {
			t.Errorf("SetRetention(principal) = %v, want NotFound (the county is not theirs to read)", err)
		}
		if err := s.SetRetention(admin, tr.Town.ID, set); campusguard.ErrorCode(err) != campusguard.NotFound {
			t.Errorf("SetRetention(a town) = %v, want NotFound (settings are a top-level region's)", err)
		}
		action := "set_retention"
		if e, _, err := s.FindAudit(admin, campusguard.AuditFilter{Action: &action}); err != nil || len(e) != 1 {
			t.Errorf("audit of set_retention = %d, %v; want 1", len(e), err)
		}
	})
}
