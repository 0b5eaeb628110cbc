package sqlstore_test

import (
	"testing"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// TestReinspections: a flagged critical finding of an unannounced visit
// leads, when the visit closes, to a re-inspection due a week after its
// deadline, which the school does not see until the next visit carries it
// out; the region flags a serious finding afterwards, and clears it; a
// minor finding is refused the flag, naming the field.
func TestReinspections(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustInspectWorld(t, s)
		in := w.plan(t, s, false)
		v := w.visit(t, s, in, w.school, w.today)
		dl := w.today.AddDays(3)
		minor := &campusguard.InspectionFinding{Severity: campusguard.SeverityMinor, Note: "洗手液不足", Reinspect: true}
		wantCode(t, "AddFinding(minor, reinspect)", s.AddFinding(w.inspector, v.ID, minor), campusguard.Invalid, "reinspect")
		minor.Reinspect = false
		if err := s.AddFinding(w.inspector, v.ID, minor); err != nil {
			t.Fatal(err)
		}
		crit := &campusguard.InspectionFinding{Severity: campusguard.SeverityCritical, Note: "留观室被占用", Deadline: &dl,
			Responsible: "张校长", Reinspect: true}
		if err := s.AddFinding(w.inspector, v.ID, crit); err != nil {
			t.Fatal(err)
		}
		serious := w.finding(t, s, v, campusguard.SeveritySerious, dl)
		open := true
		due := func(org int64) []*campusguard.Reinspection {
			t.Helper()
			xs, err := s.FindReinspections(w.bureau, campusguard.ReinspectionFilter{OrgID: org, Open: &open})
			if err != nil {
				t.Fatalf("FindReinspections = %v", err)
			}
			return xs
		}
		if xs := due(w.county.ID); len(xs) != 0 {
			t.Fatalf("re-inspections before the visit closed: %d", len(xs))
		}
		w.carryOut(t, s, v)
		xs := due(w.county.ID)
		if len(xs) != 1 || xs[0].FindingID != crit.ID || xs[0].Due != dl.AddDays(campusguard.ReinspectAfterDays) || xs[0].Announced ||
			xs[0].Overdue || xs[0].SchoolID != w.school.ID {
			t.Fatalf("re-inspections = %+v", xs)
		}
		// Overdue once its day has passed.
		later, err := s.FindReinspections(w.inspector, campusguard.ReinspectionFilter{OrgID: w.county.ID,
			Today: xs[0].Due.AddDays(1)})
		if err != nil || len(later) != 1 || !later[0].Overdue {
			t.Fatalf("re-inspections after the due day = %+v, %v", later, err)
		}
		// The school sees nothing of it: every school-level role.
		for r, actx := range w.schoolRoles {
			got, err := s.FindReinspections(actx, campusguard.ReinspectionFilter{OrgID: w.school.ID})
			if len(got) != 0 || (err != nil && campusguard.ErrorCode(err) != campusguard.NotFound) {
				t.Errorf("FindReinspections(%s) = %d, %v", r, len(got), err)
			}
		}
		_, err = s.FindReinspections(w.otherBureau, campusguard.ReinspectionFilter{OrgID: w.county.ID})
		wantCode(t, "FindReinspections(other county)", err, campusguard.NotFound, "")

		// The region flags the serious finding afterwards; a minor one is
		// refused; the principal may not.
		_, err = s.SetReinspect(w.bureau, minor.ID, true)
		wantCode(t, "SetReinspect(minor)", err, campusguard.Invalid, "reinspect")
		_, err = s.SetReinspect(w.schoolRoles[campusguard.SchoolAdmin], serious.ID, true)
		wantCode(t, "SetReinspect(principal)", err, campusguard.Forbidden, "")
		_, err = s.SetReinspect(w.otherBureau, serious.ID, true)
		wantCode(t, "SetReinspect(other county)", err, campusguard.NotFound, "")
		if f, err := s.SetReinspect(w.bureau, serious.ID, true); err != nil || !f.Reinspect {
			t.Fatalf("SetReinspect = %+v, %v", f, err)
		}
		if xs := due(w.county.ID); len(xs) != 2 {
			t.Fatalf("re-inspections after flagging = %d, want 2", len(xs))
		}
		if _, err := s.SetReinspect(w.bureau, serious.ID, false); err != nil {
			t.Fatal(err)
		}
		if xs := due(w.county.ID); len(xs) != 1 {
			t.Fatalf("re-inspections after clearing = %d, want 1", len(xs))
		}

		// The next visit to the school carries it out; now the school sees it.
		v2 := w.visit(t, s, in, w.school, w.today.AddDays(2))
		w.carryOut(t, s, v2)
		if xs := due(w.county.ID); len(xs) != 0 {
			t.Fatalf("re-inspections due after the second visit = %d", len(xs))
		}
		done, err := s.FindReinspections(w.schoolRoles[campusguard.SchoolAdmin], campusguard.ReinspectionFilter{OrgID: w.school.ID})
		if err != nil || len(done) != 1 || done[0].VisitID == nil || *done[0].VisitID != v2.ID || done[0].DoneAt == nil {
			t.Fatalf("principal's re-inspections once carried out = %+v, %v", done, err)
		}
	})
}
