package sqlstore_test

import (
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"

	"github.com/google/go-cmp/cmp"
)

// TestBriefingKeepsReopening: a stored briefing holds the region's
// reopening of its day (schools by status, open classes and students);
// approvals withdrawn and classes suspended after it change the live
// figures, not the stored ones, until it is generated again.
func TestBriefingKeepsReopening(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustReadyWorld(t, s)
		tr := w.tr
		day := checkDay
		s.Now = func() time.Time { return time.Date(2026, 11, 30, 9, 0, 0, 0, campusguard.China) }
		p1 := &campusguard.Phase{RegionID: tr.County.ID, Name: "第一批", SchoolType: campusguard.Primary, Grades: []int{1}, Start: day}
		if err := s.SetPhase(w.bureau, p1); err != nil {
			t.Fatal(err)
		}
		approve(t, s, w, w.principal, tr.School.ID)
		if err := s.Suspend(w.principal, &campusguard.Suspension{OrgID: tr.Class2.ID, Start: day, Reason: "流感样病例暴发"}); err != nil {
			t.Fatal(err)
		}
		b, err := s.GenerateBriefing(w.bureau, tr.County.ID, day)
		if err != nil {
			t.Fatal(err)
		}
		wantFigs := campusguard.OpenFigures{Classes: 3, OpenClasses: 1, Students: 7, OpenStudents: 3, Suspended: 1}
		wantCounts := map[string]int{"not_submitted": 1, "in_review": 0, "approved": 0, "partly_open": 1, "open": 0, "suspended": 1}
		check := func(what string, b *campusguard.Briefing, figs campusguard.OpenFigures, counts map[string]int) {
			t.Helper()
			if b.Reopening == nil {
				t.Fatalf("%s: no reopening", what)
			}
			if diff := cmp.Diff(figs, b.Reopening.Figures); diff != "" {
				t.Errorf("%s: figures (-want +got):\n%s", what, diff)
			}
			if diff := cmp.Diff(counts, b.Reopening.Counts); diff != "" {
				t.Errorf("%s: counts (-want +got):\n%s", what, diff)
			}
			if len(b.Reopening.Schools) != 2 {
				t.Errorf("%s: %d schools' lines, want 2", what, len(b.Reopening.Schools))
			}
		}
		check("generated", b, wantFigs, wantCounts)
		// The approval withdrawn and the suspension lifted after it.
		if err := s.WithdrawApproval(w.bureau, tr.School.ID, "复核不合格"); err != nil {
			t.Fatal(err)
		}
		live, err := s.OpenFigures(w.bureau, tr.County.ID, day)
		if err != nil || live.OpenClasses != 0 {
			t.Fatalf("live OpenFigures after the withdrawal = %+v, %v", live, err)
		}
		for _, who := range []string{"bureau", "inspector"} {
			ctx := w.bureau
			if who == "inspector" {
				ctx = w.inspect
			}
			stored, err := s.FindBriefing(ctx, tr.County.ID, day)
			if err != nil {
				t.Fatal(err)
			}
			check("stored, read by the "+who, stored, wantFigs, wantCounts)
		}
		again, err := s.GenerateBriefing(w.bureau, tr.County.ID, day)
		if err != nil {
			t.Fatal(err)
		}
		check("generated again", again, campusguard.OpenFigures{Classes: 3, Students: 7, Suspended: 1},
			map[string]int{"not_submitted": 1, "in_review": 1, "approved": 0, "partly_open": 0, "open": 0, "suspended": 1})
	})
}
