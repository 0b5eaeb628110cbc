package web

import (
	"context"
	"strings"

	"campusguard"
)

// shownDay returns the day the daily figures of o are shown for by default:
// today on a school day of o's region, else the last school day before it
// (campusguard.Calendar.ShownDay), so that a Saturday never counts as a day
// nobody reported. When it is a day off it says so on the page b. A reader
// who may not read the region's calendar (a guardian) gets the weekends
// alone; without the calendar service (Config.Calendar nil) it is today.
func (s *Server) shownDay(ctx context.Context, b *basePage, o *campusguard.Org) campusguard.Date {
	today := s.today()
	if s.Calendar == nil || o == nil {
		return today // without the calendar the pages do not know the school days
	}
	var cal campusguard.Calendar
	days, err := s.Calendar.CalendarDays(ctx, o.RegionID, today.AddDays(-60), today)
	if err == nil {
		cal = campusguard.CalendarOf(days)
	}
	day, off := cal.ShownDay(today)
	if off && b != nil {
		b.DayNote = b.T("day.off_shows", today.String(), day.String())
	}
	return day
}

// shownDayKey keys the day a page shows in its request's context.
type shownDayKey struct{}

// withDay returns ctx carrying the day the page shows.
func withDay(ctx context.Context, d campusguard.Date) context.Context {
	return context.WithValue(ctx, shownDayKey{}, d)
}

// dayOf returns the day the page of ctx shows: the one withDay set, else
// today.
func (s *Server) dayOf(ctx context.Context) campusguard.Date {
	if d, ok := ctx.Value(shownDayKey{}).(campusguard.Date); ok {
		return d
	}
	return s.today()
}

// queryDay reads the ?day= of a daily page: a date not after today. Any
// other value is a clear error naming the field, never a silent today.
func queryDay(v string, today campusguard.Date) (campusguard.Date, error) {
	d, err := campusguard.ParseDate(strings.TrimSpace(v))
	if err != nil {
		return d, campusguard.InvalidFields([]campusguard.FieldError{{Field: "day", Msg: "error.type_date"}})
	}
	if today.Before(d) {
		return d, campusguard.InvalidFields([]campusguard.FieldError{{Field: "day", Msg: "day.error_future", Args: []any{today.String()}}})
	}
	return d, nil
}
