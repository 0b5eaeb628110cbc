package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// TestHomeReportTooOld: a home report sent for a day more than
// campusguard.MaxCheckAgeDays back (a phone's queue, the day and time it
// was taken) is refused on the form, naming the day, and stores nothing.
func TestHomeReportTooOld(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		srv := newServer(t, s)
		guardian := mustGuardian(t, s, f.class1, f.student.ID, "13805967777")
		day := campusguard.OldestCheckDay(time.Now()).AddDays(-1)
		taken := time.Date(day.Year, day.Month, day.Day, 8, 0, 0, 0, campusguard.China)
		before := countChecks(t, s, campusguard.CheckFilter{PersonID: &f.student.ID})
		p := guardian.post(t, srv.URL+"/people/"+itoa(f.student.ID)+"/home-report", url.Values{"client_key": {"old-day"},
			"temperature": {"36.6"}, "day": {day.String()}, "taken_at": {taken.UTC().Format(time.RFC3339)}})
		if p.status != http.StatusUnprocessableEntity {
			t.Fatalf("home report for %s = %d:\n%s", day, p.status, p.body)
		}
		got := p.texts(t, testid("field-error"))
		if len(got) != 1 || !strings.Contains(got[0], "7 天以前") {
			t.Errorf("errors = %q, want the day refused", got)
		}
		if n := countChecks(t, s, campusguard.CheckFilter{PersonID: &f.student.ID}); n != before {
			t.Errorf("checks after the refusal = %d, want %d", n, before)
		}
	})
}
