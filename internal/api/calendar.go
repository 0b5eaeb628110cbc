package api

import (
	"fmt"
	"net/http"

	"campusguard"
)

// maxCalendarDays is the longest range of days one calendar request reads.
const maxCalendarDays = 800

// calendar returns the calendar service, or a 404 when the program runs
// without one.
func (s *Server) calendar() (campusguard.CalendarService, error) {
	if s.Calendar == nil {
		return nil, campusguard.Errorf(campusguard.NotFound, "error.not_found")
	}
	return s.Calendar, nil
}

// handleCalendarIndex handles "GET /api/v1/orgs/{id}/calendar?from=&to=":
// a top-level region's days off and make-up days from from (30 days
// before today when left out) to to (365 days after today when left out),
// by day, at most maxCalendarDays. Everyone with a grant in the region
// reads them.
func (s *Server) handleCalendarIndex(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	q := newQuery(r)
	from, to := q.date("from"), q.date("to")
	if err := q.err(); err != nil {
		return err
	}
	cal, err := s.calendar()
	if err != nil {
		return err
	}
	if from == nil {
		d := today().AddDays(-30)
		from = &d
	}
	if to == nil {
		d := today().AddDays(365)
		to = &d
	}
	last := from.AddDays(maxCalendarDays - 1)
	if to.Before(*from) || last.Before(*to) {
		return campusguard.InvalidFields([]campusguard.FieldError{{Field: "to", Msg: "error.range",
			Args: []any{from.String(), last.String()}}})
	}
	days, err := cal.CalendarDays(r.Context(), id, *from, *to)
	if err != nil {
		return err
	}
	return ok(w, newItems(days))
}

// calendarInput is the body of "PUT /api/v1/orgs/{id}/calendar/{day}".
type calendarInput struct {
	Kind campusguard.CalendarKind `json:"kind"`
	Name string                   `json:"name"`
}

// handleCalendarSet handles "PUT /api/v1/orgs/{id}/calendar/{day}": sets
// the exception of a day of a top-level region's calendar, or replaces
// it, and answers it as stored. Region admins of the region only; the
// service checks the day, kind and name.
func (s *Server) handleCalendarSet(w http.ResponseWriter, r *http.Request) error {
	id, day, err := pathIDAndPathDay(r)
	if err != nil {
		return err
	}
	var in calendarInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	cal, err := s.calendar()
	if err != nil {
		return err
	}
	if err := cal.SetCalendarDay(r.Context(), campusguard.CalendarDay{RegionID: id, Day: day, Kind: in.Kind,
		Name: in.Name}); err != nil {
		return err
	}
	days, err := cal.CalendarDays(r.Context(), id, day, day)
	if err != nil {
		return err
	}
	if len(days) != 1 {
		return fmt.Errorf("calendar: %d days stored for %s after setting it", len(days), day)
	}
	return ok(w, days[0])
}

// handleCalendarDelete handles "DELETE /api/v1/orgs/{id}/calendar/{day}":
// removes the exception of a day, which becomes an ordinary weekday or
// weekend day again; 404 when there is none. Region admins of the region
// only.
func (s *Server) handleCalendarDelete(w http.ResponseWriter, r *http.Request) error {
	id, day, err := pathIDAndPathDay(r)
	if err != nil {
		return err
	}
	cal, err := s.calendar()
	if err != nil {
		return err
	}
	if err := cal.DeleteCalendarDay(r.Context(), id, day); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
