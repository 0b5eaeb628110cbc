package e2e

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"campusguard"
)

// TestILIReturnAtTheGate: a student whose check shows influenza-like
// illness is flagged at the gate's search with when they may return; the
// school doctor records a doctor's note on the student's file, and the
// gate lets the student in.
func TestILIReturnAtTheGate(t *testing.T) {
	if skipReason != "" {
		t.Skip(skipReason)
	}
	sys := sysCtx(t)
	at := time.Date(demoToday.Year, demoToday.Month, demoToday.Day, 9, 40, 0, 0, campusguard.China)
	e2eClock.set(t, at)
	root := rootRegion(t)
	junior := campusguard.Junior
	schools, _, err := store.FindOrgs(sys, campusguard.OrgFilter{Under: &root, Kind: ptr(campusguard.KindSchool), SchoolType: &junior, Limit: 1})
	if err != nil || len(schools) != 1 {
		t.Fatalf("a junior school: %v", err)
	}
	school := schools[0]
	students, _, err := store.FindPeople(sys, campusguard.PersonFilter{Under: &school.ID, Kind: ptr(campusguard.Student), Limit: 1})
	if err != nil || len(students) != 1 {
		t.Fatalf("a student: %v", err)
	}
	st := students[0]
	temp := 38.7
	if _, _, err := store.RecordCheck(sys, &campusguard.Check{PersonID: st.ID, Day: demoToday, Kind: campusguard.HomeCheck,
		ClientKey: "e2e-ili-return", Temperature: &temp, Symptoms: []campusguard.Symptom{campusguard.SymCough}}); err != nil {
		t.Fatal(err)
	}
	gate := newTabAs(t, phone, "zh-CN", signIn(t, "e2e-ili-gate", campusguard.Grant{Role: campusguard.GateStaff, OrgID: school.ID}))
	search := func() {
		t.Helper()
		gate.open(orgPath(school.ID) + "/gate")
		gate.typeIn(testid("gate-search"), st.Number)
		gate.waitFor("the search result", `document.querySelectorAll("[data-testid=gate-pick]").length === 1`)
	}
	search()
	if got := gate.text(testid("gate-pick-ili-return")); !strings.Contains(got, "09:40") {
		t.Fatalf("the gate's flag says %q, want the return 48 hours after 09:40", got)
	}

	e2eClock.set(t, at.Add(time.Minute))
	doctor := newTabAs(t, phone, "zh-CN", signIn(t, "e2e-ili-doctor", campusguard.Grant{Role: campusguard.HealthOffice, OrgID: school.ID}))
	doctor.open("/people/" + strconv.FormatInt(st.ID, 10))
	if n := doctor.count(testid("ili-held")); n != 1 {
		t.Fatalf("the student's file shows %d ILI flags", n)
	}
	doctor.typeIn(testid("return-note-text"), "县医院复课证明")
	doctor.follow(testid("return-note-submit"))
	if got := doctor.attrs(testid("ili-cleared"), "data-by"); len(got) != 1 || got[0] != "note" {
		t.Fatalf("after the note the file shows %v", got)
	}
	search()
	if n := gate.count(testid("gate-pick-ili")); n != 0 {
		t.Fatalf("the gate still flags the student after the doctor's note")
	}
}
