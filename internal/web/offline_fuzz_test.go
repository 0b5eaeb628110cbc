package web

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"campusguard"
)

// FuzzParseTaken: whatever a form sends as its day, time taken and time
// sent, the parser either names the bad field or returns a real day, and a
// time only when one was sent; a day other than today always comes with a
// time; a time corrected by the phone's clock error is never after now.
func FuzzParseTaken(f *testing.F) {
	f.Add("2026-12-07", "2026-12-07T06:31:05.123Z", "")
	f.Add("2026-12-07", "2026-12-07T06:31:05.123Z", "2026-12-07T06:41:05Z")
	f.Add("", "", "")
	f.Add("2026-02-30", "", "")
	f.Add("2026-12-06", "", "x")
	f.Add("2026-12-07", "yesterday", "")
	f.Add("0000-01-01", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z")
	today := campusguard.Date{Year: 2026, Month: time.December, Day: 7}
	now := time.Date(2026, time.December, 7, 9, 30, 0, 0, campusguard.China)
	f.Fuzz(func(t *testing.T, day, taken, sent string) {
		d, at, fe := parseTaken(url.Values{"day": {day}, "taken_at": {taken}, "sent_at": {sent}}, today, now)
		if fe != nil {
			if fe.Field != "day" && fe.Field != "taken_at" && fe.Field != "sent_at" {
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
		if s, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(sent)); err == nil && !at.IsZero() {
			if tk, _ := time.Parse(time.RFC3339Nano, strings.TrimSpace(taken)); !s.Before(tk) && at.After(now) {
				t.Fatalf("parseTaken(%q, %q, sent %q) = %v, after now %v", day, taken, sent, at, now)
			}
		}
	})
}

// TestParseTakenCorrectsClock: the phone's clock error, measured when it
// sends, is taken out of the moment it recorded.
func TestParseTakenCorrectsClock(t *testing.T) {
	today := campusguard.Date{Year: 2026, Month: time.December, Day: 7}
	now := time.Date(2026, time.December, 7, 9, 30, 0, 0, campusguard.China)
	iso := func(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }
	for _, c := range []struct {
		name        string
		taken, sent time.Time
		want        time.Time
	}{
		{"ten minutes fast, sent at once", now.Add(10 * time.Minute), now.Add(10 * time.Minute), now},
		{"a day behind, queued two hours", now.Add(-26 * time.Hour), now.Add(-24 * time.Hour), now.Add(-2 * time.Hour)},
		{"right, queued an hour", now.Add(-time.Hour), now, now.Add(-time.Hour)},
		{"set back between taking and sending", now, now.Add(-time.Hour), now},
	} {
		_, at, fe := parseTaken(url.Values{"day": {today.String()}, "taken_at": {iso(c.taken)}, "sent_at": {iso(c.sent)}}, today, now)
		if fe != nil || !at.Equal(c.want) {
			t.Errorf("%s: %v, %v; want %v", c.name, at, fe, c.want)
		}
	}
	if _, _, fe := parseTaken(url.Values{"taken_at": {iso(now)}, "sent_at": {"soon"}}, today, now); fe == nil || fe.Field != "sent_at" {
		t.Errorf("a bad sent_at: %v, want it named", fe)
	}
}
