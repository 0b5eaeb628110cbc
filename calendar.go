package campusguard

import (
	"context"
	"time"
	"unicode/utf8"
)

// A school week runs Monday to Friday. A region's calendar holds the
// exceptions the education bureau announces each term: a public holiday
// or a day the schools close on a weekday, and a make-up school day (调休)
// on a Saturday or Sunday. Nothing is expected of anyone on a day off: no
// day is opened, nobody is reminded, the statistics skip it.

// CalendarKind is what an exception makes of its day.
type CalendarKind string

const (
	DayOff        CalendarKind = "off"    // no school on a weekday
	MakeUpDay     CalendarKind = "school" // school on a weekend day
	calendarLimit              = 400      // days ahead or back a region may set
)

// CalendarKinds are the kinds an exception may have.
var CalendarKinds = []CalendarKind{DayOff, MakeUpDay}

// CalendarDay is one exception of a region's calendar.
type CalendarDay struct {
	RegionID int64        `json:"region_id"`
	Day      Date         `json:"day"`
	Kind     CalendarKind `json:"kind"`
	Name     string       `json:"name"` // 国庆节, 运动会, 国庆调休
}

// MaxCalendarName is the longest name of an exception, in characters.
const MaxCalendarName = 40

// Validate checks an exception against today: a known kind, a day off on
// a weekday and a make-up day on a weekend (anything else changes
// nothing), within a year or so of today, and a short name.
func (c CalendarDay) Validate(today Date) error {
	var fields []FieldError
	switch {
	case c.Day.IsZero():
		fields = append(fields, FieldError{Field: "day", Msg: "error.required"})
	case c.Day.Before(today.AddDays(-calendarLimit)) || today.AddDays(calendarLimit).Before(c.Day):
		fields = append(fields, FieldError{Field: "day", Msg: "error.calendar_range", Args: []any{calendarLimit}})
	case c.Kind == DayOff && weekend(c.Day):
		fields = append(fields, FieldError{Field: "day", Msg: "error.calendar_off_weekend"})
	case c.Kind == MakeUpDay && !weekend(c.Day):
		fields = append(fields, FieldError{Field: "day", Msg: "error.calendar_makeup_weekday"})
	}
	if c.Kind != DayOff && c.Kind != MakeUpDay {
		fields = append(fields, FieldError{Field: "kind", Msg: "error.bad_choice"})
	}
	if utf8.RuneCountInString(c.Name) > MaxCalendarName {
		fields = append(fields, FieldError{Field: "name", Msg: "error.too_long", Args: []any{MaxCalendarName}})
	}
	if len(fields) > 0 {
		return InvalidFields(fields)
	}
	return nil
}

func weekend(d Date) bool {
	wd := d.Time().Weekday()
	return wd == time.Saturday || wd == time.Sunday
}

// CalendarService keeps a top-level region's school calendar.
type CalendarService interface {
	// CalendarDays returns the exceptions from from to to, by day: for
	// everyone with a grant in the region; NotFound otherwise and for a
	// node that is not a top-level region.
	CalendarDays(ctx context.Context, regionID int64, from, to Date) ([]CalendarDay, error)
	// SetCalendarDay sets or replaces the exception of its day: region
	// admins of the region only (Forbidden for other roles); Invalid with
	// the fields named for a bad one.
	SetCalendarDay(ctx context.Context, c CalendarDay) error
	// DeleteCalendarDay removes the exception of a day; NotFound when
	// there is none.
	DeleteCalendarDay(ctx context.Context, regionID int64, day Date) error
}

// Calendar is a region's exceptions by day.
type Calendar map[Date]CalendarKind

// CalendarOf returns the calendar of the exceptions days.
func CalendarOf(days []CalendarDay) Calendar {
	cal := make(Calendar, len(days))
	for _, d := range days {
		cal[d.Day] = d.Kind
	}
	return cal
}

// SchoolDay reports whether schools open on d: a weekday that is not a day
// off, or a make-up day.
func (c Calendar) SchoolDay(d Date) bool {
	if k, ok := c[d]; ok {
		return k == MakeUpDay
	}
	return !weekend(d)
}

// ShownDay is the day the daily pages show by default on day d: d itself on
// a school day, else the last school day before it (a Saturday shows the
// Friday, the day after a holiday week the last day of term), so that a day
// off is never counted as a day nobody reported. It looks back at most 60
// days and returns d when it finds no school day; off says d is a day off.
func (c Calendar) ShownDay(d Date) (shown Date, off bool) {
	if c.SchoolDay(d) {
		return d, false
	}
	for i := 1; i <= 60; i++ {
		if p := d.AddDays(-i); c.SchoolDay(p) {
			return p, true
		}
	}
	return d, true
}
