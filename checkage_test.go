package campusguard

import (
	"testing"
	"time"
)

// TestCheckDayAllowed: a person or device may report today and the
// MaxCheckAgeDays before it, in China's calendar; the system is not bound.
func TestCheckDayAllowed(t *testing.T) {
	// 01:30 in China on 8 December is still 7 December in UTC.
	now := time.Date(2026, 12, 7, 17, 30, 0, 0, time.UTC)
	person := &Actor{Name: "班主任", Grants: []Grant{{Role: ClassTeacher}}}
	system := &Actor{Name: "demo", System: true}
	day := func(s string) Date {
		d, err := ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	if MaxCheckAgeDays != 7 {
		t.Fatalf("MaxCheckAgeDays = %d, want 7 (MaxQueueAge in days)", MaxCheckAgeDays)
	}
	if got := OldestCheckDay(now); got != day("2026-12-01") {
		t.Errorf("OldestCheckDay = %s, want 2026-12-01", got)
	}
	for _, c := range []struct {
		day    string
		actor  *Actor
		refuse bool
	}{
		{"2026-12-08", person, false}, // today in China
		{"2026-12-01", person, false}, // the limit
		{"2026-11-30", person, true},  // a day past it
		{"1990-01-01", person, true},
		{"2026-11-30", system, false}, // history loaders, demo
		{"1990-01-01", system, false},
	} {
		err := CheckDayAllowed(c.actor, day(c.day), now)
		if !c.refuse {
			if err != nil {
				t.Errorf("CheckDayAllowed(%s, system %v) = %v", c.day, c.actor.System, err)
			}
			continue
		}
		f := ErrorFields(err)
		if ErrorCode(err) != Invalid || len(f) != 1 || f[0].Field != "day" || f[0].Msg != "error.day_too_old" {
			t.Errorf("CheckDayAllowed(%s) = %v, want Invalid day error.day_too_old", c.day, err)
		}
	}
}
