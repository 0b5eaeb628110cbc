package campusguard

import (
	"testing"
	"time"
)

func TestTakenTime(t *testing.T) {
	day := Date{2026, time.December, 7}
	// 10:00 in China on the 7th.
	now := time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC)
	at := func(h, m int) time.Time { return time.Date(2026, 12, 7, h, m, 0, 0, China) }
	tests := []struct {
		name  string
		day   Date
		taken time.Time
		now   time.Time
		want  time.Time
		field string
	}{
		{"none given is now", day, time.Time{}, now, now, ""},
		{"earlier that morning", day, at(7, 5), now, at(7, 5).UTC(), ""},
		{"first instant of the day", day, at(0, 0), now, at(0, 0).UTC(), ""},
		{"a second before the day", day, at(0, 0).Add(-time.Second), now, time.Time{}, "taken_at"},
		{"the day after", day.AddDays(-1), at(7, 0), now, time.Time{}, "taken_at"},
		{"within the clock skew is now", day, now.Add(ClockSkew), now, now, ""},
		{"beyond the clock skew", day, now.Add(ClockSkew + time.Second), now, time.Time{}, "taken_at"},
		{"a day in the future", day.AddDays(1), time.Time{}, now, time.Time{}, "day"},
		{"no day", Date{}, time.Time{}, now, time.Time{}, "day"},
		{"six days late", day.AddDays(-6), at(7, 0).AddDate(0, 0, -6), now, at(7, 0).AddDate(0, 0, -6).UTC(), ""},
		{"eight days late", day.AddDays(-8), at(7, 0).AddDate(0, 0, -8), now, time.Time{}, "taken_at"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := TakenTime(tt.day, tt.taken, tt.now)
			if tt.field != "" {
				fs := ErrorFields(err)
				if len(fs) != 1 || fs[0].Field != tt.field {
					t.Fatalf("TakenTime(%v, %v) = %v, %v; want an error on %s", tt.day, tt.taken, got, err, tt.field)
				}
				return
			}
			if err != nil || !got.Equal(tt.want) {
				t.Fatalf("TakenTime(%v, %v) = %v, %v; want %v", tt.day, tt.taken, got, err, tt.want)
			}
		})
	}
}
