package campusguard

import (
	"testing"
	"time"
)

func TestRoleMatrix(t *testing.T) {
	// Read-only roles never write; every role that writes can also read.
	for _, r := range []AccessRole{RegionViewer, Inspector, GateStaff, HealthOffice} {
		if RoleCan(r, WriteOrg) || RoleCan(r, WritePerson) {
			t.Errorf("RoleCan(%s, write) = true, want read-only", r)
		}
	}
	for _, r := range AccessRoles {
		if (RoleCan(r, WriteOrg) || RoleCan(r, WritePerson)) && !RoleCan(r, ReadOrg) {
			t.Errorf("%s writes but cannot read", r)
		}
		if RoleCan(r, ReadPersonFile) && !RoleCan(r, ListPeople) {
			t.Errorf("%s reads files but cannot list people", r)
		}
	}
	if RoleCan(GateStaff, ReadPersonFile) || !RoleCan(GateStaff, ListPeople) {
		t.Errorf("gate staff: want names and numbers only")
	}
	if !RoleCan(ClassTeacher, SeeContacts) || RoleCan(RegionViewer, SeeContacts) {
		t.Errorf("contacts: want class teachers yes, viewers no")
	}
}

func TestActorScope(t *testing.T) {
	teacher := &Actor{Grants: []Grant{{Role: ClassTeacher, OrgPath: "/1/2/3/4/"}}}
	tests := []struct {
		path string
		act  Action
		want bool
	}{
		{"/1/2/3/4/", ReadOrg, true},
		{"/1/2/3/4/", ReadPersonFile, true},
		{"/1/2/3/", ReadOrg, false},       // the grade above
		{"/1/2/3/40/", ReadOrg, false},    // a class whose id starts alike
		{"/1/2/3/4/", WritePerson, false}, // teachers do not edit rosters
	}
	for _, tt := range tests {
		if got := teacher.Can(tt.act, tt.path); got != tt.want {
			t.Errorf("teacher.Can(%s, %s) = %v, want %v", tt.act, tt.path, got, tt.want)
		}
	}
	var nobody *Actor
	if nobody.Can(ReadOrg, "/1/") || nobody.CanPerson(ReadPersonFile, 1, "/1/") {
		t.Errorf("a nil actor can do something")
	}
	child := int64(7)
	parent := &Actor{GuardianOf: []int64{child}}
	if !parent.CanPerson(ReadPersonFile, child, "/1/2/") || parent.CanPerson(ReadPersonFile, 8, "/1/2/") || parent.CanPerson(WritePerson, child, "/1/2/") {
		t.Errorf("guardian: want read of own child only")
	}
	paths, all := teacher.Scopes(ListPeople)
	if all || len(paths) != 1 || paths[0] != "/1/2/3/4/" {
		t.Errorf("Scopes = %v, %v", paths, all)
	}
	if _, all := (&Actor{System: true}).Scopes(ListPeople); !all {
		t.Errorf("the system is not everywhere")
	}
}

func TestValidatePassword(t *testing.T) {
	for pw, ok := range map[string]bool{"short1": false, "onlyletterslong": false, "1234567890": false,
		"letters-and-dash": true, "abc12345678": true, "正确的马电池订书钉42": true} {
		if got := ValidatePassword(pw) == nil; got != ok {
			t.Errorf("ValidatePassword(%q) ok = %v, want %v", pw, got, ok)
		}
	}
}

func TestThrottleDelay(t *testing.T) {
	for n, want := range map[int]time.Duration{0: 0, 2: 0, 3: 2 * time.Second, 4: 4 * time.Second, 5: 8 * time.Second, 40: 15 * time.Minute} {
		if got := ThrottleDelay(n); got != want {
			t.Errorf("ThrottleDelay(%d) = %v, want %v", n, got, want)
		}
	}
}
