package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
	"campusguard/internal/web"
)

// TestDayOffShowsLastSchoolDay: on a Saturday the county's page and its
// dashboard show the Friday and say so; on the Friday they show it without
// a note. A bad or future ?day= is an error naming the field, not today.
func TestDayOffShowsLastSchoolDay(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustDashFixture(t, s)
		friday := time.Date(2026, time.December, 4, 9, 30, 0, 0, campusguard.China)
		for _, tc := range []struct {
			name string
			now  time.Time
			off  bool
		}{{"saturday", friday.AddDate(0, 0, 1), true}, {"sunday", friday.AddDate(0, 0, 2), true}, {"friday", friday, false}} {
			t.Run(tc.name, func(t *testing.T) {
				now := tc.now
				srv := newServerWith(t, s, web.Config{Orgs: s, People: s, Access: s, Health: s, Cases: s, Alerts: s,
					Calendar: s, Dashboards: s, Logger: discardLogger(), Now: func() time.Time { return now }})
				admin := signIn(t, s, grant(campusguard.RegionAdmin, f.county))
				for _, path := range []string{"/orgs/" + itoa(f.county.ID), "/orgs/" + itoa(f.county.ID) + "/dashboard"} {
					pg := admin.get(t, srv.URL+path)
					if pg.status != http.StatusOK {
						t.Fatalf("GET %s = %d", path, pg.status)
					}
					notes := pg.all(t, testid("day-off"))
					if !tc.off {
						if len(notes) != 0 {
							t.Errorf("%s on a school day: a day-off note %q", path, pg.text(t, testid("day-off")))
						}
						continue
					}
					if note := pg.text(t, testid("day-off")); !strings.Contains(note, "2026-12-04") ||
						!strings.Contains(note, campusguard.DateOf(now.In(campusguard.China)).String()) {
						t.Errorf("%s: note %q, want it to name today and 2026-12-04", path, note)
					}
				}
				dash := admin.get(t, srv.URL+"/orgs/"+itoa(f.county.ID)+"/dashboard")
				if got := dash.text(t, testid("dash-date")); got != "2026-12-04" {
					t.Errorf("dashboard shows %s, want the last school day 2026-12-04", got)
				}
				for _, bad := range []string{"not-a-day", "2026-13-01", "2027-01-01"} {
					pg := admin.get(t, srv.URL+"/orgs/"+itoa(f.county.ID)+"/dashboard?day="+bad)
					if pg.status != http.StatusUnprocessableEntity {
						t.Errorf("?day=%s = %d, want 422", bad, pg.status)
					}
				}
			})
		}
	})
}
