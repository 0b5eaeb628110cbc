package web_test

import (
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
	"campusguard/internal/web"
)

// TestInspectorPagesMatrix: every role against the visits of the day and
// the inspection checklist's page. Those who inspect have both; the
// region's readers (the CDC) read the checklist only; every school-level
// account and a guardian get 404 from both, out of scope as everywhere.
func TestInspectorPagesMatrix(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		now := time.Date(2026, 12, 7, 9, 0, 0, 0, campusguard.China)
		s.Now = func() time.Time { return now }
		srv := newServerWith(t, s, web.Config{Orgs: s, People: s, Access: s, Health: s, Inbox: s, Hooks: s, Settings: s,
			Cases: s, Alerts: s, Calendar: s, Dashboards: s, Policy: s, Transport: s, Export: s, Files: s, Readiness: s,
			Inspections: s, Logger: textLogger(testWriter{t}), Now: func() time.Time { return now }}).URL
		checklist := srv + "/orgs/" + itoa(f.county.ID) + "/inspection-checklist"
		for _, c := range []struct {
			role            string
			b               *browser
			visits, reading int
		}{
			{"admin", signIn(t, s, campusguard.Grant{Role: campusguard.SystemAdmin}), 200, 200},
			{"bureau", signIn(t, s, grant(campusguard.RegionAdmin, f.county)), 200, 200},
			{"cdc", signIn(t, s, grant(campusguard.RegionViewer, f.county)), 404, 200},
			{"inspector", signIn(t, s, grant(campusguard.Inspector, f.county)), 200, 200},
			{"principal", signIn(t, s, grant(campusguard.SchoolAdmin, f.school)), 404, 404},
			{"doctor", signIn(t, s, grant(campusguard.HealthOffice, f.school)), 404, 404},
			{"teacher", signIn(t, s, grant(campusguard.ClassTeacher, f.class1)), 404, 404},
			{"gate", signIn(t, s, grant(campusguard.GateStaff, f.school)), 404, 404},
			{"staff", signIn(t, s, grant(campusguard.StaffMember, f.school)), 404, 404},
			{"parent", mustGuardian(t, s, f.class1, f.student.ID, "13800001111"), 404, 404},
			{"other county's inspector", signIn(t, s, grant(campusguard.Inspector, f.other)), 200, 404},
		} {
			if g := c.b.get(t, srv+"/visits"); g.status != c.visits {
				t.Errorf("%s GET /visits = %d, want %d", c.role, g.status, c.visits)
			}
			if g := c.b.get(t, checklist); g.status != c.reading {
				t.Errorf("%s GET the checklist = %d, want %d", c.role, g.status, c.reading)
			}
		}
	})
}
