package campusguard

import (
	"testing"
	"time"
)

// TestCalendar: weekdays are school days but the days off, weekends are
// not but the make-up days; an exception that changes nothing, or lies
// far from today, or is badly named, is refused with its field.
func TestCalendar(t *testing.T) {
	day := func(s string) Date {
		d, err := ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	wed, sat, sun := day("2026-12-02"), day("2026-12-05"), day("2026-12-06")
	cal := Calendar{wed: DayOff, sat: MakeUpDay}
	for d, want := range map[Date]bool{wed: false, day("2026-12-03"): true, sat: true, sun: false} {
		if got := cal.SchoolDay(d); got != want {
			t.Errorf("SchoolDay(%s) = %v, want %v", d, got, want)
		}
	}
	if !(Calendar{}).SchoolDay(wed) || (Calendar{}).SchoolDay(sat) {
		t.Error("an empty calendar is Monday to Friday")
	}

	today := day("2026-11-30")
	long := ""
	for range MaxCalendarName + 1 {
		long += "节"
	}
	for _, c := range []struct {
		in    CalendarDay
		field string // "" when valid
	}{
		{CalendarDay{Day: wed, Kind: DayOff, Name: "国庆节"}, ""},
		{CalendarDay{Day: sat, Kind: MakeUpDay, Name: "国庆调休"}, ""},
		{CalendarDay{Day: sun, Kind: DayOff}, "day"},
		{CalendarDay{Day: wed, Kind: MakeUpDay}, "day"},
		{CalendarDay{Day: wed, Kind: "holiday"}, "kind"},
		{CalendarDay{Kind: DayOff}, "day"},
		{CalendarDay{Day: today.AddDays(401), Kind: DayOff}, "day"},
		{CalendarDay{Day: today.AddDays(-401), Kind: DayOff}, "day"},
		{CalendarDay{Day: wed, Kind: DayOff, Name: long}, "name"},
	} {
		err := c.in.Validate(today)
		fields := ErrorFields(err)
		switch {
		case c.field == "" && err != nil:
			t.Errorf("%+v: %v, want valid", c.in, err)
		case c.field != "" && (len(fields) == 0 || fields[0].Field != c.field):
			t.Errorf("%+v: %v, want an error on %s", c.in, err, c.field)
		}
	}
}

// TestShownDay: a day off shows the last school day before it, a school day
// itself, whatever the calendar's exceptions say.
func TestShownDay(t *testing.T) {
	d := func(m time.Month, day int) Date { return Date{Year: 2026, Month: m, Day: day} }
	cal := CalendarOf([]CalendarDay{
		{Day: d(time.October, 1), Kind: DayOff}, {Day: d(time.October, 2), Kind: DayOff},
		{Day: d(time.October, 10), Kind: MakeUpDay},
	})
	for _, tc := range []struct {
		day, want Date
		off       bool
	}{
		{d(time.December, 4), d(time.December, 4), false}, // a Friday
		{d(time.December, 5), d(time.December, 4), true},  // Saturday: the Friday
		{d(time.December, 6), d(time.December, 4), true},  // Sunday: the Friday
		{d(time.December, 7), d(time.December, 7), false}, // Monday
		{d(time.October, 2), d(time.September, 30), true}, // a holiday after a holiday: the last day of term
		{d(time.October, 4), d(time.September, 30), true}, // the Sunday after
		{d(time.October, 10), d(time.October, 10), false}, // a Saturday make-up day
		{d(time.October, 11), d(time.October, 10), true},  // the Sunday after it
	} {
		got, off := cal.ShownDay(tc.day)
		if got != tc.want || off != tc.off {
			t.Errorf("ShownDay(%s) = %s, %v; want %s, %v", tc.day, got, off, tc.want, tc.off)
		}
	}
}
