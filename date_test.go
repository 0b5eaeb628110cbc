package campusguard

import (
	"fmt"
	"testing"
	"time"
)

// TestDateString checks the hand-written formatter against fmt's, over
// every day of a range of years and the padded edges.
func TestDateString(t *testing.T) {
	check := func(d Date) {
		t.Helper()
		want := fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
		if got := d.String(); got != want {
			t.Fatalf("%#v.String() = %q, want %q", d, got, want)
		}
		text, _ := d.MarshalText()
		if string(text) != want {
			t.Fatalf("%#v.MarshalText() = %q, want %q", d, text, want)
		}
		back, err := ParseDate(want)
		if err != nil || back != d {
			t.Fatalf("ParseDate(%q) = %v, %v; want %v", want, back, err, d)
		}
	}
	for day := time.Date(1995, 1, 1, 0, 0, 0, 0, time.UTC); day.Year() < 2031; day = day.AddDate(0, 0, 1) {
		check(Date{day.Year(), day.Month(), day.Day()})
	}
	for _, y := range []int{1, 9, 10, 99, 100, 999, 1000, 9999} {
		check(Date{y, time.January, 9})
	}
	if s := (Date{}).String(); s != "" {
		t.Fatalf("zero Date = %q, want empty", s)
	}
}
