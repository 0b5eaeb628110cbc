package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// TestFeverThreshold: a region's threshold judges the checks recorded after
// it is set, at once, and opens cases by it; a threshold out of range, or
// finer than a tenth, is refused and changes nothing; only the region's
// admins set it, and it is audited.
func TestFeverThreshold(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		tr := sqlstoretest.MustTree(t, s)
		admin := sqlstoretest.ActorCtx(t, s, sqlstoretest.MustUser(t, s, campusguard.Grant{Role: campusguard.RegionAdmin, OrgID: tr.County.ID}))
		viewer := sqlstoretest.ActorCtx(t, s, sqlstoretest.MustUser(t, s, campusguard.Grant{Role: campusguard.RegionViewer, OrgID: tr.County.ID, Duty: campusguard.DutyCDC}))
		n := 0
		fever := func(temp float64) bool {
			t.Helper()
			n++
			p := &campusguard.Person{SchoolID: tr.School.ID, Kind: campusguard.Student, Name: "学生", Number: "F" + itoa(n), ClassID: &tr.Class1.ID}
			if err := s.CreatePerson(ctx, p); err != nil {
				t.Fatal(err)
			}
			c, _, err := s.RecordCheck(ctx, &campusguard.Check{PersonID: p.ID, Day: checkDay, Kind: campusguard.GateCheck,
				Temperature: &temp, ClientKey: "fever-" + itoa(n)})
			if err != nil {
				t.Fatal(err)
			}
			cases, _, err := s.FindCases(ctx, campusguard.CaseFilter{PersonID: &p.ID})
			if err != nil || (len(cases) == 1) != c.Fever {
				t.Errorf("a check of %.1f: fever %v but %d cases (%v)", temp, c.Fever, len(cases), err)
			}
			return c.Fever
		}
		if th, err := s.FeverThreshold(viewer, tr.County.ID); err != nil || th != 37.3 {
			t.Fatalf("FeverThreshold = %v, %v; want the default", th, err)
		}
		if !fever(37.3) || fever(37.2) {
			t.Errorf("at the default 37.3: 37.3 must be a fever, 37.2 not")
		}
		if err := s.SetFeverThreshold(admin, tr.County.ID, 37.5); err != nil {
			t.Fatal(err)
		}
		if fever(37.4) || !fever(37.5) {
			t.Errorf("at 37.5: 37.4 must not be a fever, 37.5 must")
		}
		for _, bad := range []float64{36.9, 38.6, 37.45, -1} {
			if err := s.SetFeverThreshold(admin, tr.County.ID, bad); campusguard.ErrorCode(err) != campusguard.Invalid ||
				campusguard.ErrorFields(err)[0].Field != "fever_threshold" {
				t.Errorf("SetFeverThreshold(%v) = %v, want Invalid on fever_threshold", bad, err)
			}
		}
		if err := s.SetFeverThreshold(viewer, tr.County.ID, 37.0); campusguard.ErrorCode(err) != campusguard.Forbidden {
			t.Errorf("SetFeverThreshold(viewer) = %v, want Forbidden", err)
		}
		if th, _ := s.FeverThreshold(viewer, tr.County.ID); th != 37.5 {
			t.Errorf("after refused settings the threshold is %v, want 37.5", th)
		}
		action := "set_fever_threshold"
		if e, _, err := s.FindAudit(admin, campusguard.AuditFilter{Action: &action}); err != nil || len(e) != 1 || e[0].Detail != "37.5" {
			t.Errorf("audit = %v, %v", e, err)
		}
	})
}

// TestDeadlines: a region's defaults and a school's own deadlines, with the
// bounds and who may set them; a sign-off after the school's deadline is
// late.
func TestDeadlines(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		tr := sqlstoretest.MustTree(t, s)
		admin := sqlstoretest.ActorCtx(t, s, sqlstoretest.MustUser(t, s, campusguard.Grant{Role: campusguard.RegionAdmin, OrgID: tr.County.ID}))
		principal := sqlstoretest.ActorCtx(t, s, sqlstoretest.MustUser(t, s, campusguard.Grant{Role: campusguard.SchoolAdmin, OrgID: tr.School.ID}))
		other := sqlstoretest.ActorCtx(t, s, sqlstoretest.MustUser(t, s, campusguard.Grant{Role: campusguard.SchoolAdmin, OrgID: tr.Other.ID}))
		clock := func(s string) *campusguard.Clock { c, _ := campusguard.ParseClock(s); return &c }
		if _, err := s.SetDeadlines(admin, tr.County.ID, campusguard.DeadlinesUpdate{SignOffBy: clock("09:00")}); err != nil {
			t.Fatal(err)
		}
		d, err := s.SetDeadlines(principal, tr.School.ID, campusguard.DeadlinesUpdate{ReportBy: clock("07:30")})
		if err != nil || d.Deadlines != (campusguard.Deadlines{ReportBy: 450, SignOffBy: 540}) || !d.OwnReport || d.OwnSignOff {
			t.Fatalf("SetDeadlines(school) = %+v, %v", d, err)
		}
		if d, err := s.SchoolDeadlines(principal, tr.Class1.ID); err != nil || d.Deadlines.ReportBy != 450 {
			t.Errorf("SchoolDeadlines(a class) = %+v, %v; want its school's", d, err)
		}
		for _, tc := range []struct {
			name string
			ctx  context.Context
			org  int64
			u    campusguard.DeadlinesUpdate
			code campusguard.Code
		}{
			{"reports due at 04:00", principal, tr.School.ID, campusguard.DeadlinesUpdate{ReportBy: clock("04:00")}, campusguard.Invalid},
			{"a sign-off before the reports", principal, tr.School.ID, campusguard.DeadlinesUpdate{SignOffBy: clock("07:00")}, campusguard.Invalid},
			{"another school's", other, tr.School.ID, campusguard.DeadlinesUpdate{ReportBy: clock("08:00")}, campusguard.NotFound},
			{"the county's, by a principal", principal, tr.County.ID, campusguard.DeadlinesUpdate{ReportBy: clock("08:00")}, campusguard.NotFound},
			{"a town", admin, tr.Town.ID, campusguard.DeadlinesUpdate{ReportBy: clock("08:00")}, campusguard.NotFound},
		} {
			if _, err := s.SetDeadlines(tc.ctx, tc.org, tc.u); campusguard.ErrorCode(err) != tc.code {
				t.Errorf("SetDeadlines(%s) = %v, want %s", tc.name, err, tc.code)
			}
		}
		if d, _ := s.SchoolDeadlines(principal, tr.School.ID); d.Deadlines.ReportBy != 450 || d.Deadlines.SignOffBy != 540 {
			t.Errorf("after refused changes: %+v", d.Deadlines)
		}
		// Signed at 09:30 against the county's 09:00: late; the other school
		// has not signed.
		s.Now = func() time.Time {
			return time.Date(checkDay.Year, checkDay.Month, checkDay.Day, 9, 30, 0, 0, campusguard.China)
		}
		if _, err := s.SignOffDay(principal, tr.School.ID, checkDay, ""); err != nil {
			t.Fatal(err)
		}
		list, err := s.SignOffs(admin, tr.County.ID, checkDay)
		if err != nil || len(list) != 2 {
			t.Fatalf("SignOffs = %v, %v", list, err)
		}
		for _, so := range list {
			switch so.SchoolID {
			case tr.School.ID:
				if !so.Signed || !so.Late || so.Deadline != 540 {
					t.Errorf("the school's sign-off = %+v, want late against 09:00", so)
				}
			case tr.Other.ID:
				if so.Signed || so.Late {
					t.Errorf("the other school = %+v, want unsigned, not late", so)
				}
			}
		}
	})
}
