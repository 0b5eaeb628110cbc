package campusguard

import "testing"

// TestMaskForNotReversible: no reader without RevealIdentity's audit sees
// both the birth date and any character of the ID number: a file reader
// sees the birth date and a hidden number, a gate or inspector the last 4
// characters and no birth date.
func TestMaskForNotReversible(t *testing.T) {
	const class = "/1/2/3/4/"
	p := &Person{ID: 7, Kind: Student, Name: "陈晓明", IDNumber: "350622201903070012", Birth: Date{2019, 3, 7}, Phone: "13805961234"}
	for _, c := range []struct {
		name      string
		a         *Actor
		id        string
		birthSeen bool
	}{
		{"class teacher", &Actor{Grants: []Grant{{Role: ClassTeacher, OrgPath: class}}}, "******************", true},
		{"school admin", &Actor{Grants: []Grant{{Role: SchoolAdmin, OrgPath: "/1/2/"}}}, "******************", true},
		{"health liaison", &Actor{Grants: []Grant{{Role: RegionViewer, OrgPath: "/1/", Duty: DutyHealth}}}, "******************", true},
		{"gate", &Actor{Grants: []Grant{{Role: GateStaff, OrgPath: "/1/2/"}}}, "**************0012", false},
		{"inspector", &Actor{Grants: []Grant{{Role: Inspector, OrgPath: "/1/"}}}, "**************0012", false},
	} {
		q := c.a.MaskFor(p, class)
		if q.IDNumber != c.id {
			t.Errorf("%s: ID number shown as %q, want %q", c.name, q.IDNumber, c.id)
		}
		if got := !q.Birth.IsZero(); got != c.birthSeen {
			t.Errorf("%s: birth date shown = %v, want %v", c.name, got, c.birthSeen)
		}
		if !q.Birth.IsZero() && q.IDNumber != HideIDNumber(p.IDNumber) {
			t.Errorf("%s: sees the birth date and ID characters %q", c.name, q.IDNumber)
		}
	}
	if p.IDNumber != "350622201903070012" || p.Birth.IsZero() {
		t.Error("MaskFor changed the person it was given")
	}
}
