package sqlstore_test

import (
	"testing"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// TestMaskingNotReversible: what each role reads of a student never holds
// both the birth date and a character of the ID number, and a search by an
// exact ID number is refused to roles that may not reveal numbers and
// audited for those that may.
func TestMaskingNotReversible(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustWorld(t, s)
		real := w.student.IDNumber
		as := func(r campusguard.AccessRole, o *campusguard.Org) *campusguard.User {
			return sqlstoretest.MustUser(t, s, campusguard.Grant{Role: r, OrgID: o.ID})
		}
		gate := sqlstoretest.ActorCtx(t, s, as(campusguard.GateStaff, w.school))
		teacher := sqlstoretest.ActorCtx(t, s, as(campusguard.ClassTeacher, w.class))
		officer := sqlstoretest.ActorCtx(t, s, as(campusguard.HealthOffice, w.school))
		officer2 := sqlstoretest.ActorCtx(t, s, as(campusguard.HealthOffice, w.school2))

		p, err := s.FindPersonByID(gate, w.student.ID)
		if err != nil {
			t.Fatal(err)
		}
		if p.IDNumber != campusguard.MaskIDNumber(real) || !p.Birth.IsZero() {
			t.Errorf("gate reads ID %q and birth %v; want %q and no birth date", p.IDNumber, p.Birth, campusguard.MaskIDNumber(real))
		}
		for name, read := range map[string]func() (*campusguard.Person, error){
			"teacher": func() (*campusguard.Person, error) { return s.FindPersonByID(teacher, w.student.ID) },
			"officer": func() (*campusguard.Person, error) { return s.FindPersonByID(officer, w.student.ID) },
		} {
			p, err := read()
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if p.IDNumber != campusguard.HideIDNumber(real) || p.Birth.IsZero() {
				t.Errorf("%s reads ID %q and birth %v; want it hidden and the birth date", name, p.IDNumber, p.Birth)
			}
		}

		search := func(q string) campusguard.PersonFilter { return campusguard.PersonFilter{Query: &q} }
		if _, _, err := s.FindPeople(gate, search(real)); campusguard.ErrorCode(err) != campusguard.Invalid {
			t.Errorf("gate FindPeople(q=exact ID) = %v, want Invalid", err)
		}
		if _, _, err := s.FindPeople(teacher, search(real)); campusguard.ErrorCode(err) != campusguard.Invalid {
			t.Errorf("teacher FindPeople(q=exact ID) = %v, want Invalid", err)
		}
		// A name search still works for the gate.
		if got, _, err := s.FindPeople(gate, search(w.student.Name)); err != nil || len(got) != 1 {
			t.Errorf("gate FindPeople(q=name) = %d people, %v; want 1", len(got), err)
		}
		// The officer finds by ID in the school, and the search is audited;
		// the other school's officer does not find this student by ID.
		if got, _, err := s.FindPeople(officer, search(real)); err != nil || len(got) != 1 || got[0].ID != w.student.ID {
			t.Fatalf("officer FindPeople(q=exact ID) = %v, %v; want the student", got, err)
		}
		if got, _, err := s.FindPeople(officer2, search(real)); err != nil || len(got) != 0 {
			t.Errorf("other school's officer FindPeople(q=exact ID) = %d people, %v; want none", len(got), err)
		}
		action := "search_id_number"
		entries, _, err := s.FindAudit(sqlstoretest.Ctx, campusguard.AuditFilter{Action: &action})
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 2 || entries[0].Object == entries[1].Object {
			t.Errorf("audited ID searches = %+v; want 2 (one found, one not)", entries)
		}
	})
}
