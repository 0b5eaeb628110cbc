package web

import (
	"net/url"
	"testing"
	"time"

	"campusguard"
)

// FuzzParseTaken: whatever a form sends as its day and time taken, the
// parser either names the bad field or returns a real day, and a time only
// when one was sent; a day other than today always comes with a time.
func FuzzParseTaken(f *testing.F) {
	f.Add("2026-12-07", "2026-12-07T06:31:05.123Z")
	f.Add("", "")
	f.Add("2026-02-30", "")
	f.Add("2026-12-06", "")
	f.Add("2026-12-07", "yesterday")
	f.Add("0000-01-01", "0001-01-01T00:00:00Z")
	today := campusguard.Date{Year: 2026, Month: time.December, Day: 7}
	f.Fuzz(func(t *testing.T, day, taken string) {
		d, at, fe := parseTaken(url.Values{"day": {day}, "taken_at": {taken}}, today)
		if fe != nil {
			if fe.Field != "day" && fe.Field != "taken_at" {
				t.Fatalf("parseTaken(%q, %q) names field %q", day, taken, fe.Field)
			}
			return
		}
		if d.IsZero() {
			t.Fatalf("parseTaken(%q, %q) = no day and no error", day, taken)
		}
		if d != today && at.IsZero() {
			t.Fatalf("parseTaken(%q, %q) = %v without a time", day, taken, d)
		}
		if taken == "" && !at.IsZero() {
			t.Fatalf("parseTaken(%q, %q) made up a time %v", day, taken, at)
		}
	})
}
