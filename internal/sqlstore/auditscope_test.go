package sqlstore_test

import (
	"context"
	"testing"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// TestAuditScopedToSubtree: a town's admin reads the audit lines about its
// own town's orgs and people, not the rest of the county's; the county's
// admin reads them all.
func TestAuditScopedToSubtree(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		tr := mustTree(t, s) // County > Town > School, Other
		town2 := &campusguard.Org{Kind: campusguard.KindRegion, Level: campusguard.LevelTown, Name: "火田镇", ParentID: &tr.County.ID}
		if err := s.CreateOrg(ctx, town2); err != nil {
			t.Fatal(err)
		}
		school2 := &campusguard.Org{Kind: campusguard.KindSchool, SchoolType: campusguard.Primary, Name: "火田小学", ParentID: &town2.ID}
		if err := s.CreateOrg(ctx, school2); err != nil {
			t.Fatal(err)
		}
		in := &campusguard.Person{SchoolID: tr.School.ID, Kind: campusguard.Staff, Name: "本镇老师", Number: "T1", Role: campusguard.RoleTeacher}
		out := &campusguard.Person{SchoolID: school2.ID, Kind: campusguard.Staff, Name: "外镇老师", Number: "T2", Role: campusguard.RoleTeacher}
		for _, p := range []*campusguard.Person{in, out} {
			if err := s.CreatePerson(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		townAdmin := sqlstoretest.ActorCtx(t, s, sqlstoretest.MustUser(t, s, campusguard.Grant{Role: campusguard.RegionAdmin, OrgID: tr.Town.ID}))
		countyAdmin := sqlstoretest.ActorCtx(t, s, sqlstoretest.MustUser(t, s, campusguard.Grant{Role: campusguard.RegionAdmin, OrgID: tr.County.ID}))
		objects := func(c context.Context) map[string]bool {
			t.Helper()
			entries, _, err := s.FindAudit(c, campusguard.AuditFilter{Limit: 500})
			if err != nil {
				t.Fatal(err)
			}
			m := map[string]bool{}
			for _, e := range entries {
				m[e.Object] = true
			}
			return m
		}
		town, county := objects(townAdmin), objects(countyAdmin)
		for _, o := range []string{"person:" + itoa(int(out.ID)), "org:" + itoa(int(school2.ID)), "org:" + itoa(int(town2.ID))} {
			if town[o] {
				t.Errorf("the town's admin reads the line about %s of another town", o)
			}
			if !county[o] {
				t.Errorf("the county's admin does not read the line about %s", o)
			}
		}
		for _, o := range []string{"person:" + itoa(int(in.ID)), "org:" + itoa(int(tr.School.ID))} {
			if !town[o] {
				t.Errorf("the town's admin does not read the line about %s of its own town (has %v)", o, town)
			}
		}
	})
}
