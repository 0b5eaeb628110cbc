package app_test

import (
	"context"
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/app"
	"campusguard/internal/demo"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// TestDemoTraining: the demo's round of staff training reaches every
// school with staff, with incomplete attendance (coverage of the first
// topic between none and all, people never trained at every school), and
// the same seed gives the same round.
func TestDemoTraining(t *testing.T) {
	var first []int
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := campusguard.SystemContext(context.Background(), "test")
		monday := time.Date(2026, 11, 30, 9, 0, 0, 0, campusguard.China)
		s.Now = func() time.Time { return monday }
		today := campusguard.DateOf(monday)
		cfg := demo.Config{Seed: 1, Students: 3000, Today: today, HistoryDays: 30}
		if _, err := app.BuildDemo(ctx, s, cfg); err != nil {
			t.Fatal(err)
		}
		if err := app.DemoTraining(ctx, s, cfg); err != nil {
			t.Fatal(err)
		}
		county, err := s.FindOrgByID(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		rc, err := s.RegionTrainingCoverage(ctx, county.ID, campusguard.TermOf(today))
		if err != nil || len(rc.Schools) == 0 {
			t.Fatalf("RegionTrainingCoverage = %v, %v", rc, err)
		}
		var got []int
		for _, l := range rc.Schools {
			got = append(got, l.Trained[0])
			if l.Staff == 0 {
				continue
			}
			if l.Sessions != 1 || l.Trained[0] == 0 || l.Trained[0] >= l.Staff || l.NeverTrained != l.Staff-l.Trained[0] {
				t.Errorf("%s: %d sessions, %d of %d trained, %d never", l.Name, l.Sessions, l.Trained[0], l.Staff, l.NeverTrained)
			}
		}
		if rc.Trained[0] == 0 || rc.Trained[0] >= rc.Staff {
			t.Errorf("the county: %d of %d trained", rc.Trained[0], rc.Staff)
		}
		health := 0
		for _, l := range rc.Schools {
			sessions, err := s.FindTrainingSessions(ctx, l.SchoolID, campusguard.TermOf(today))
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range sessions {
				if x.Kind == campusguard.HealthEducation && x.Attended > 0 {
					health++
				}
			}
		}
		if health != 1 {
			t.Errorf("%d health education sessions with students, want 1", health)
		}
		if first == nil {
			first = got
		} else if len(first) != len(got) || first[0] != got[0] || first[len(first)-1] != got[len(got)-1] {
			t.Errorf("the same seed gave another round: %v then %v", first, got)
		}
	})
}
