package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"campusguard"
	"campusguard/internal/i18n"
)

// ---- A region's school calendar, on its settings page ----

// The days of the calendar section: from a month back to a year ahead.
const (
	calendarBack  = 30
	calendarAhead = 365
)

// calendarKindKey is the message key of an exception's kind.
func calendarKindKey(k campusguard.CalendarKind) string { return "calendar.kind." + string(k) }

// weekdayKey is the message key of a day of the week, Sunday 0.
func weekdayKey(wd time.Weekday) string { return "weekday." + strconv.Itoa(int(wd)) }

// calendarDynamicKeys returns the keys the calendar section builds from
// domain values.
func calendarDynamicKeys() []string {
	var keys []string
	for _, k := range campusguard.CalendarKinds {
		keys = append(keys, calendarKindKey(k))
	}
	for wd := time.Sunday; wd <= time.Saturday; wd++ {
		keys = append(keys, weekdayKey(wd))
	}
	return keys
}

// calendarFields names the store's fields of an exception as the form
// labels them: "name" is not a person's name here.
var calendarFields = map[string]string{"kind": "calendar_kind", "name": "calendar_name"}

func calendarURL(regionID int64) string { return orgURL(regionID) + "/calendar" }

// calendarSection is the settings page's calendar: the exceptions near
// today and the form that adds one.
type calendarSection struct {
	Rows []calendarRow
	Form *calendarForm
}

// calendarRow is one exception in the table.
type calendarRow struct {
	Day       string // ISO, as the form takes it
	Weekday   string
	Kind      campusguard.CalendarKind
	KindText  string
	Name      string
	DeleteURL string
}

// calendarForm is the form that sets an exception, as typed.
type calendarForm struct {
	formState
	Action  string
	Day     string
	Name    string
	MaxName int
	Kinds   []choice
}

// setKinds lays out the kind choices with kind checked.
func (f *calendarForm) setKinds(l i18n.Lang, kind string) {
	f.Kinds = f.Kinds[:0]
	for _, k := range campusguard.CalendarKinds {
		f.Kinds = append(f.Kinds, choice{Value: string(k), Label: tr(l, calendarKindKey(k)), Checked: string(k) == kind})
	}
}

// calendarSettings fills the calendar section of the settings page, for
// the region admins of the region; others, and a server without a
// calendar, get none.
func (s *Server) calendarSettings(ctx context.Context, p *settingsPage) error {
	if s.Calendar == nil || !campusguard.ActorFrom(ctx).Can(campusguard.ManageUsers, p.Region.Path) {
		return nil
	}
	today := s.today()
	days, err := s.Calendar.CalendarDays(ctx, p.Region.ID, today.AddDays(-calendarBack), today.AddDays(calendarAhead))
	if err != nil {
		return err
	}
	c := &calendarSection{Form: &calendarForm{Action: calendarURL(p.Region.ID), MaxName: campusguard.MaxCalendarName}}
	c.Form.setKinds(p.Lang, string(campusguard.DayOff))
	for _, d := range days {
		c.Rows = append(c.Rows, calendarRow{Day: d.Day.String(), Weekday: p.T(weekdayKey(d.Day.Time().Weekday())),
			Kind: d.Kind, KindText: p.T(calendarKindKey(d.Kind)), Name: d.Name,
			DeleteURL: calendarURL(p.Region.ID) + "/" + d.Day.String() + "/delete"})
	}
	p.Calendar = c
	return nil
}

// calendarNotice is the notice of the settings page after a change of
// the calendar (?calendar=saved or deleted), or "".
func calendarNotice(p *settingsPage, r *http.Request) string {
	switch r.URL.Query().Get("calendar") {
	case "saved":
		return p.T("settings.calendar.saved")
	case "deleted":
		return p.T("settings.calendar.deleted")
	}
	return ""
}

// handleCalendarSet handles "POST /orgs/{id}/calendar": a region admin
// sets the exception of a day, or replaces it, and comes back to the
// settings page. A refused form shows the page again with the errors and
// what was typed, and changes nothing; anybody else gets the store's
// answer.
func (s *Server) handleCalendarSet(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if s.Calendar == nil {
		return errNotFound
	}
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	typed := strings.TrimSpace(r.PostForm.Get("day"))
	c := campusguard.CalendarDay{RegionID: id, Kind: campusguard.CalendarKind(r.PostForm.Get("kind")),
		Name: strings.TrimSpace(r.PostForm.Get("name"))}
	var setErr error
	if typed != "" { // an empty day is the store's "required"
		c.Day, setErr = campusguard.ParseDate(typed)
		if setErr != nil {
			setErr = campusguard.InvalidFields([]campusguard.FieldError{{Field: "day", Msg: "error.type_date"}})
		}
	}
	if setErr == nil {
		if setErr = s.Calendar.SetCalendarDay(r.Context(), c); setErr == nil {
			s.Logger.Info("calendar day set", "region", id, "day", c.Day.String(), "kind", string(c.Kind),
				"by", campusguard.ActorName(r.Context()))
			return seeOther(w, r, settingsURL(id)+"?calendar=saved#calendar")
		}
	}
	if campusguard.ErrorCode(setErr) != campusguard.Invalid {
		return setErr // not a region admin of a top-level region: NotFound or Forbidden
	}
	p, err := s.settingsPageFor(r)
	if err != nil {
		return err
	}
	if err := s.loadSettings(r.Context(), p); err != nil {
		return err
	}
	if p.Calendar == nil {
		return setErr
	}
	f := p.Calendar.Form
	status, ok := formFailedAs(p.Lang, setErr, &f.formState, calendarFields)
	if !ok {
		return setErr
	}
	f.Day, f.Name = typed, c.Name
	f.setKinds(p.Lang, string(c.Kind))
	return s.render(w, r, status, "settings", p)
}

// handleCalendarDelete handles "POST /orgs/{id}/calendar/{day}/delete": a
// region admin removes the exception of a day.
func (s *Server) handleCalendarDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if s.Calendar == nil {
		return errNotFound
	}
	day, err := campusguard.ParseDate(r.PathValue("day"))
	if err != nil {
		return errNotFound
	}
	if err := s.Calendar.DeleteCalendarDay(r.Context(), id, day); err != nil {
		return err
	}
	s.Logger.Info("calendar day deleted", "region", id, "day", day.String(), "by", campusguard.ActorName(r.Context()))
	return seeOther(w, r, settingsURL(id)+"?calendar=deleted#calendar")
}
