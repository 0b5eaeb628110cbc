package sqlstore_test

import (
	"testing"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// TestImportRosterErrorsCapped: a roster of 5,000 bad rows answers the
// first 200 errors and the count of the rest, and imports nothing.
func TestImportRosterErrorsCapped(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		tr := mustTree(t, s)
		rows := make([]campusguard.RosterRow, 5000)
		for i := range rows {
			rows[i] = studentRow(i+2, "S"+pad3(i/1000)+pad3(i%1000), "无班"+itoa(i), "", "9班") // no such class
		}
		_, err := s.ImportRoster(ctx, tr.School.ID, rows)
		fe := campusguard.ErrorFields(err)
		if campusguard.ErrorCode(err) != campusguard.Invalid || len(fe) != campusguard.MaxFieldErrors+1 {
			t.Fatalf("ImportRoster(5000 bad rows) = %d field errors (%v), want %d", len(fe), campusguard.ErrorCode(err), campusguard.MaxFieldErrors+1)
		}
		if fe[0].Row != 2 || fe[campusguard.MaxFieldErrors-1].Row != campusguard.MaxFieldErrors+1 {
			t.Errorf("listed rows %d..%d, want the first: 2..%d", fe[0].Row, fe[campusguard.MaxFieldErrors-1].Row, campusguard.MaxFieldErrors+1)
		}
		last := fe[campusguard.MaxFieldErrors]
		if last.Field != "file" || last.Msg != "error.more_errors" || len(last.Args) != 1 || last.Args[0] != 5000-campusguard.MaxFieldErrors {
			t.Errorf("last field error = %+v, want the count of the other %d", last, 5000-campusguard.MaxFieldErrors)
		}
		people, _, err := s.FindPeople(ctx, campusguard.PersonFilter{SchoolID: &tr.School.ID})
		if err != nil || len(people) != 0 {
			t.Errorf("people after a refused import = %d, %v; want none", len(people), err)
		}
	})
}
