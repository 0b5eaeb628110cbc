package api

import (
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/sqlstore"
)

// onCheckDay sets the store's and the API's clock to 10:00 in China on the
// day after checkDay, until the test ends: the tests that post checks for
// checkDay (a fixed Monday) stay inside the days a check may be recorded
// for (campusguard.MaxCheckAgeDays) whatever the real date.
func onCheckDay(t *testing.T, s *sqlstore.Store) {
	t.Helper()
	day, err := campusguard.ParseDate(checkDay)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(day.Year, day.Month, day.Day+1, 10, 0, 0, 0, campusguard.China)
	oldStore, oldAPI := s.Now, clock
	s.Now = func() time.Time { return at }
	clock = s.Now
	t.Cleanup(func() { s.Now, clock = oldStore, oldAPI })
}
