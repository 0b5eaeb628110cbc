package sqlstore_test

import (
	"context"
	"testing"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// TestPrincipalCannotTakeOverCountyAdmin: an account that is region admin
// of the county and also staff at a school is out of the principal's
// reach. Resetting its password or giving it a grant is refused and
// changes nothing; the old password still signs in. The county admin may.
func TestPrincipalCannotTakeOverCountyAdmin(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustWorld(t, s)
		principal := sqlstoretest.MustUser(t, s, campusguard.Grant{Role: campusguard.SchoolAdmin, OrgID: w.school.ID})
		dual := sqlstoretest.MustUser(t, s, campusguard.Grant{Role: campusguard.RegionAdmin, OrgID: w.county.ID},
			campusguard.Grant{Role: campusguard.StaffMember, OrgID: w.school.ID})
		teacher := sqlstoretest.MustUser(t, s, campusguard.Grant{Role: campusguard.StaffMember, OrgID: w.school.ID})
		pctx := sqlstoretest.ActorCtx(t, s, principal)

		const stolen = "taken-over-123"
		if err := s.ResetPassword(pctx, dual.ID, stolen); campusguard.ErrorCode(err) != campusguard.Forbidden {
			t.Fatalf("principal ResetPassword(county admin) = %v, want Forbidden", err)
		}
		if _, err := s.Login(context.Background(), dual.Login, stolen, "127.0.0.1"); err == nil {
			t.Fatal("the principal's password signs in as the county admin")
		}
		if _, err := s.Login(context.Background(), dual.Login, sqlstoretest.Password, "127.0.0.1"); err != nil {
			t.Fatalf("the county admin's own password no longer signs in: %v", err)
		}
		err := s.AddGrant(pctx, dual.ID, campusguard.Grant{Role: campusguard.SchoolAdmin, OrgID: w.school.ID})
		if campusguard.ErrorCode(err) != campusguard.Forbidden {
			t.Fatalf("principal AddGrant(county admin) = %v, want Forbidden", err)
		}
		if u, err := s.FindUserByID(sqlstoretest.Ctx, dual.ID); err != nil || len(u.Grants) != 2 {
			t.Fatalf("county admin's grants after refused AddGrant = %+v, %v; want 2", u, err)
		}
		// The principal still manages a plain staff member of the school.
		if err := s.ResetPassword(pctx, teacher.ID, "new-password-42"); err != nil {
			t.Fatalf("principal ResetPassword(own staff) = %v", err)
		}
		// And the county admin manages the dual account.
		cadmin := sqlstoretest.MustUser(t, s, campusguard.Grant{Role: campusguard.RegionAdmin, OrgID: w.county.ID})
		if err := s.ResetPassword(sqlstoretest.ActorCtx(t, s, cadmin), dual.ID, "new-password-42"); err != nil {
			t.Fatalf("county admin ResetPassword(dual) = %v", err)
		}
	})
}
