package sqlstore_test

import (
	"context"
	"testing"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// TestGuardianPhoneDoesNotCrossSchools: the second school adds a guardian
// with the phone of the first school's parent (who has an account). It is
// refused: the parent is not renamed and their account gets no child. A
// roster of the second school with that phone neither renames nor links.
// The parent's own binding code still links the child.
func TestGuardianPhoneDoesNotCrossSchools(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustWorld(t, s)
		u := guardianUser(t, s, w) // w.guardianPhone: an account, with w.student of school 1
		admin2 := sqlstoretest.ActorCtx(t, s, sqlstoretest.MustUser(t, s, campusguard.Grant{Role: campusguard.SchoolAdmin, OrgID: w.school2.ID}))
		err := s.AddGuardian(admin2, w.student2.ID, &campusguard.Guardian{Name: "冒名者", Phone: w.guardianPhone, Relation: "父亲"})
		if campusguard.ErrorCode(err) != campusguard.Conflict {
			t.Fatalf("AddGuardian(another school's parent's phone) = %v, want Conflict", err)
		}
		check := func(when string) {
			t.Helper()
			var name string
			s.DB().QueryRow(`SELECT name FROM guardians WHERE phone = $1`, w.guardianPhone).Scan(&name)
			if name != "家长" {
				t.Errorf("%s: guardian renamed to %q", when, name)
			}
			if a := mustActor(t, s, u); len(a.GuardianOf) != 1 || a.GuardianOf[0] != w.student.ID {
				t.Errorf("%s: the parent's account has children %v, want only %d", when, a.GuardianOf, w.student.ID)
			}
		}
		check("after AddGuardian")

		row := studentRow(2, "S0002", w.student2.Name, w.student2.IDNumber, "1班")
		row.Number, row.GuardianName, row.GuardianPhone = w.student2.Number, "冒名者", w.guardianPhone
		if _, err := s.ImportRoster(admin2, w.school2.ID, []campusguard.RosterRow{row}); err != nil {
			t.Fatalf("ImportRoster = %v", err)
		}
		check("after ImportRoster")

		// A guardian of the same school without an account still links
		// by phone (a sibling).
		if err := s.AddGuardian(admin2, w.student2.ID, &campusguard.Guardian{Name: "二小家长", Phone: "13911112222", Relation: "母亲"}); err != nil {
			t.Fatal(err)
		}
		sib := &campusguard.Person{SchoolID: w.school2.ID, Kind: campusguard.Student, Name: "弟弟", Number: "N99", ClassID: &w.class2.ID}
		if err := s.CreatePerson(ctx, sib); err != nil {
			t.Fatal(err)
		}
		if err := s.AddGuardian(admin2, sib.ID, &campusguard.Guardian{Name: "二小家长", Phone: "13911112222", Relation: "母亲"}); err != nil {
			t.Errorf("AddGuardian(same school's guardian, a sibling) = %v", err)
		}

		// The parent's own code links the child.
		codes, err := s.IssueBindingCodes(ctx, w.class2.ID)
		if err != nil {
			t.Fatal(err)
		}
		var code string
		for _, c := range codes {
			if c.StudentID == w.student2.ID {
				code = c.Code
			}
		}
		su := campusguard.GuardianSignup{Code: code, Name: "家长", Phone: w.guardianPhone, Relation: "母亲", Password: sqlstoretest.Password}
		if _, err := s.RedeemBindingCode(context.Background(), su, "10.0.0.9"); err != nil {
			t.Fatalf("RedeemBindingCode(the parent's own) = %v", err)
		}
		if a := mustActor(t, s, u); len(a.GuardianOf) != 2 {
			t.Errorf("after the parent's own code, children = %v, want 2", a.GuardianOf)
		}
	})
}
