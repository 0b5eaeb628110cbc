package sqlstore_test

import (
	"testing"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// TestOutageIsNotNotFound: when the database cannot be read, the lookups
// that decide scope answer an internal error (logged, "internal error"),
// not NotFound: an outage must not look like a missing record.
func TestOutageIsNotNotFound(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustWorld(t, s)
		admin := sqlstoretest.ActorCtx(t, s, sqlstoretest.MustUser(t, s, campusguard.Grant{Role: campusguard.RegionAdmin, OrgID: w.county.ID}))
		name := "新名字"
		// Before the outage, the same calls find their records.
		if _, err := s.ExportPersonFile(ctx, w.student.ID); err != nil {
			t.Fatalf("ExportPersonFile before the outage = %v", err)
		}
		if err := s.DB().Close(); err != nil {
			t.Fatal(err)
		}
		for call, f := range map[string]func() error{
			"UpdatePerson": func() error {
				_, err := s.UpdatePerson(admin, w.student.ID, campusguard.PersonUpdate{Name: &name})
				return err
			},
			"ExportPersonFile": func() error { _, err := s.ExportPersonFile(ctx, w.student.ID); return err },
			"CaseContacts":     func() error { _, err := s.CaseContacts(admin, 1); return err },
			"RegionPolicy":     func() error { _, err := s.RegionPolicy(admin, w.county.ID); return err },
			// The lookups of issues 11, 13 and 17, which had brought the
			// pattern back (this session).
			"FindAlert":   func() error { _, _, err := s.FindAlert(admin, 1); return err },
			"AlertSeries": func() error { _, err := s.AlertSeries(admin, 1); return err },
			"FindFindings": func() error {
				_, _, err := s.FindFindings(admin, campusguard.FindingFilter{OrgID: w.county.ID, Limit: 10})
				return err
			},
			"QualitySummaries": func() error { _, err := s.QualitySummaries(admin, w.county.ID); return err },
			"RegionReadiness":  func() error { _, err := s.RegionReadiness(admin, w.county.ID); return err },
			"OpenFigures":      func() error { _, err := s.OpenFigures(admin, w.county.ID, campusguard.Today(s.Now())); return err },
			"Suspensions":      func() error { _, err := s.Suspensions(admin, w.county.ID, campusguard.Today(s.Now())); return err },
			"ClassILI":         func() error { _, err := s.ClassILI(admin, w.county.ID, campusguard.Today(s.Now())); return err },
			"SchoolDeadlines":  func() error { _, err := s.SchoolDeadlines(admin, w.school.ID); return err },
		} {
			err := f()
			if err == nil || campusguard.ErrorCode(err) == campusguard.NotFound {
				t.Errorf("%s with the database closed = %v (%s), want an internal error", call, err, campusguard.ErrorCode(err))
			}
		}
	})
}
