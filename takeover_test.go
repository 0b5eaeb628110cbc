package campusguard

import "testing"

// TestCanManageUser: an actor manages an account only when every grant of
// it lies in the actor's subtree; one grant there is not enough.
func TestCanManageUser(t *testing.T) {
	const county, school, school2 = "/1/", "/1/2/", "/1/3/"
	principal := &Actor{UserID: 1, Grants: []Grant{{Role: SchoolAdmin, OrgPath: school}}}
	countyAdmin := &Actor{UserID: 2, Grants: []Grant{{Role: RegionAdmin, OrgPath: county}}}
	sysAdmin := &Actor{UserID: 3, Grants: []Grant{{Role: SystemAdmin}}}
	teacher := &User{ID: 10, Grants: []Grant{{Role: ClassTeacher, OrgPath: school + "4/"}, {Role: StaffMember, OrgPath: school}}}
	dual := &User{ID: 11, Grants: []Grant{{Role: RegionAdmin, OrgPath: county}, {Role: StaffMember, OrgPath: school}}}
	twoSchools := &User{ID: 12, Grants: []Grant{{Role: StaffMember, OrgPath: school}, {Role: StaffMember, OrgPath: school2}}}
	root := &User{ID: 13, Grants: []Grant{{Role: SystemAdmin}, {Role: StaffMember, OrgPath: school}}}
	guardian := &User{ID: 14}
	for _, c := range []struct {
		name      string
		a         *Actor
		u         *User
		see, mgmt bool
	}{
		{"principal, own teacher", principal, teacher, true, true},
		{"principal, county admin who is staff here", principal, dual, true, false},
		{"principal, staff of two schools", principal, twoSchools, true, false},
		{"principal, system admin who is staff here", principal, root, true, false},
		{"principal, guardian", principal, guardian, false, false},
		{"county admin, dual", countyAdmin, dual, true, true},
		{"county admin, two schools", countyAdmin, twoSchools, true, true},
		{"county admin, system admin", countyAdmin, root, true, false},
		{"system admin, system admin", sysAdmin, root, true, true},
		{"system admin, guardian", sysAdmin, guardian, true, true},
		{"nil actor", nil, teacher, false, false},
	} {
		if got := c.a.CanSeeUser(c.u); got != c.see {
			t.Errorf("%s: CanSeeUser = %v, want %v", c.name, got, c.see)
		}
		if got := c.a.CanManageUser(c.u); got != c.mgmt {
			t.Errorf("%s: CanManageUser = %v, want %v", c.name, got, c.mgmt)
		}
	}
}
