package api

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// calendarWorld is a tree with a second county, and clients over a store
// that keeps the calendar.
type calendarWorld struct {
	tr  *sqlstoretest.Tree
	far *campusguard.Org // another county
	c   *client
	// admin is a region admin of the county, signed in with a session;
	// officer the school's health officer; viewer a region viewer of the
	// county; farAdmin a region admin of the other county.
	admin, officer, viewer, farAdmin *client
	// wed, sat and sun are the next Wednesday, Saturday and Sunday after
	// today in China.
	wed, sat, sun campusguard.Date
}

// nextWeekday returns the first day after d that falls on wd.
func nextWeekday(d campusguard.Date, wd time.Weekday) campusguard.Date {
	d = d.AddDays(1)
	for d.Time().Weekday() != wd {
		d = d.AddDays(1)
	}
	return d
}

func mustCalendarWorld(t *testing.T, s *sqlstore.Store) *calendarWorld {
	t.Helper()
	tr := mustTree(t, s)
	far := &campusguard.Org{Kind: campusguard.KindRegion, Level: campusguard.LevelCounty, Name: "诏安县"}
	if err := s.CreateOrg(ctx, far); err != nil {
		t.Fatalf("CreateOrg(%s) = %v", far.Name, err)
	}
	c := newClient(t, Config{Orgs: s, People: s, Access: s, Health: s, Cases: s, Inbox: s, Webhooks: s, Alerts: s,
		Calendar: s, Dashboards: s}, s)
	admin, _ := c.signedIn(t, s, campusguard.Grant{Role: campusguard.RegionAdmin, OrgID: tr.County.ID})
	td := campusguard.Today(time.Now())
	return &calendarWorld{tr: tr, far: far, c: c,
		admin:    admin,
		officer:  c.as(t, s, campusguard.HealthOffice, tr.School),
		viewer:   c.as(t, s, campusguard.RegionViewer, tr.County),
		farAdmin: c.as(t, s, campusguard.RegionAdmin, far),
		wed:      nextWeekday(td, time.Wednesday),
		sat:      nextWeekday(td, time.Saturday),
		sun:      nextWeekday(td, time.Sunday),
	}
}

// calendarPath returns the calendar URL of org, with "/day" when day is set.
func calendarPath(org *campusguard.Org, day string) string {
	if day == "" {
		return fmt.Sprintf("/api/v1/orgs/%d/calendar", org.ID)
	}
	return fmt.Sprintf("/api/v1/orgs/%d/calendar/%s", org.ID, day)
}

// list reads the county's calendar as who with the query, wanting 200.
func (w *calendarWorld) list(t *testing.T, who *client, query string) []campusguard.CalendarDay {
	t.Helper()
	r := who.get(calendarPath(w.tr.County, "") + query)
	wantStatus(t, r, http.StatusOK)
	var got items[campusguard.CalendarDay]
	r.JSON(t, &got)
	if got.Items == nil {
		t.Errorf("GET calendar%s: items = null, want a list: %s", query, r.Body)
	}
	return got.Items
}

// byDay returns the days sorted by day.
func byDay(days ...campusguard.CalendarDay) []campusguard.CalendarDay {
	out := slices.Clone(days)
	slices.SortFunc(out, func(a, b campusguard.CalendarDay) int { return a.Day.Compare(b.Day) })
	return out
}

// TestCalendarLife: a region admin sets a day off on a weekday and a
// make-up day on a Saturday, lists them, replaces one and deletes one.
func TestCalendarLife(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustCalendarWorld(t, s)
		county := w.tr.County
		if got := w.list(t, w.admin, ""); len(got) != 0 {
			t.Errorf("empty calendar = %+v, want none", got)
		}

		off := campusguard.CalendarDay{RegionID: county.ID, Day: w.wed, Kind: campusguard.DayOff, Name: "国庆节"}
		makeUp := campusguard.CalendarDay{RegionID: county.ID, Day: w.sat, Kind: campusguard.MakeUpDay, Name: "国庆调休"}
		for _, tt := range []struct {
			body map[string]any
			want campusguard.CalendarDay
		}{
			{map[string]any{"kind": "off", "name": "  国庆节 "}, off},
			{map[string]any{"kind": "school", "name": "国庆调休"}, makeUp},
		} {
			r := w.admin.send("PUT", calendarPath(county, tt.want.Day.String()), tt.body)
			wantStatus(t, r, http.StatusOK)
			var got campusguard.CalendarDay
			if r.JSON(t, &got); got != tt.want {
				t.Errorf("PUT %s %v = %+v, want %+v", tt.want.Day, tt.body, got, tt.want)
			}
		}
		if got, want := w.list(t, w.admin, ""), byDay(off, makeUp); !slices.Equal(got, want) {
			t.Errorf("calendar = %+v, want %+v", got, want)
		}
		if school, err := s.SchoolDay(ctx, county.ID, w.wed); err != nil || school {
			t.Errorf("SchoolDay(%s) = %v, %v; want a day off", w.wed, school, err)
		}
		if school, err := s.SchoolDay(ctx, county.ID, w.sat); err != nil || !school {
			t.Errorf("SchoolDay(%s) = %v, %v; want a make-up day", w.sat, school, err)
		}

		// The range filter.
		first, last := byDay(off, makeUp)[0].Day, byDay(off, makeUp)[1].Day
		for _, tt := range []struct {
			query string
			want  []campusguard.CalendarDay
		}{
			{fmt.Sprintf("?from=%s&to=%s", w.wed, w.wed), []campusguard.CalendarDay{off}},
			{fmt.Sprintf("?from=%s&to=%s", w.sat, w.sat), []campusguard.CalendarDay{makeUp}},
			{fmt.Sprintf("?from=%s", last), []campusguard.CalendarDay{byDay(off, makeUp)[1]}},
			{fmt.Sprintf("?to=%s", first), []campusguard.CalendarDay{byDay(off, makeUp)[0]}},
			{fmt.Sprintf("?from=%s&to=%s", first, last), byDay(off, makeUp)},
			{fmt.Sprintf("?from=%s", last.AddDays(1)), []campusguard.CalendarDay{}},
			{fmt.Sprintf("?to=%s", first.AddDays(-1)), []campusguard.CalendarDay{}},
		} {
			if got := w.list(t, w.admin, tt.query); !slices.Equal(got, tt.want) {
				t.Errorf("calendar%s = %+v, want %+v", tt.query, got, tt.want)
			}
		}

		// Replacing a day's exception keeps one per day.
		r := w.admin.send("PUT", calendarPath(county, w.wed.String()), map[string]any{"kind": "off", "name": "运动会"})
		wantStatus(t, r, http.StatusOK)
		off.Name = "运动会"
		var got campusguard.CalendarDay
		if r.JSON(t, &got); got != off {
			t.Errorf("replaced day = %+v, want %+v", got, off)
		}
		r = w.admin.send("PUT", calendarPath(county, w.sat.String()), map[string]any{"kind": "school"})
		wantStatus(t, r, http.StatusOK)
		makeUp.Name = ""
		if r.JSON(t, &got); got != makeUp || !strings.Contains(string(r.Body), `"name":""`) {
			t.Errorf("make-up day without a name = %+v (%s), want %+v", got, r.Body, makeUp)
		}
		if got, want := w.list(t, w.viewer, ""), byDay(off, makeUp); !slices.Equal(got, want) {
			t.Errorf("calendar after replacing = %+v, want %+v", got, want)
		}

		// Deleting.
		r = w.admin.send("DELETE", calendarPath(county, w.sat.String()), nil)
		wantStatus(t, r, http.StatusNoContent)
		if len(r.Body) != 0 {
			t.Errorf("DELETE answered a body: %s", r.Body)
		}
		if got, want := w.list(t, w.admin, ""), []campusguard.CalendarDay{off}; !slices.Equal(got, want) {
			t.Errorf("calendar after deleting = %+v, want %+v", got, want)
		}
		if school, err := s.SchoolDay(ctx, county.ID, w.sat); err != nil || school {
			t.Errorf("SchoolDay(%s) after deleting = %v, %v; want an ordinary Saturday", w.sat, school, err)
		}
		wantError(t, w.admin.send("DELETE", calendarPath(county, w.sat.String()), nil), http.StatusNotFound, campusguard.NotFound)
		wantError(t, w.admin.send("DELETE", calendarPath(county, w.sun.String()), nil), http.StatusNotFound, campusguard.NotFound)
		if got, want := w.list(t, w.admin, ""), []campusguard.CalendarDay{off}; !slices.Equal(got, want) {
			t.Errorf("calendar after a second delete = %+v, want %+v", got, want)
		}
	})
}

// TestCalendarInput: bad days, kinds, names, bodies and ranges are
// refused, naming the field, and change nothing.
func TestCalendarInput(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustCalendarWorld(t, s)
		county := w.tr.County
		wed := calendarPath(county, w.wed.String())
		r := w.admin.send("PUT", wed, map[string]any{"kind": "off", "name": "国庆节"})
		wantStatus(t, r, http.StatusOK)
		want := []campusguard.CalendarDay{{RegionID: county.ID, Day: w.wed, Kind: campusguard.DayOff, Name: "国庆节"}}

		far := today().AddDays(401)
		for _, tt := range []struct {
			name   string
			path   string
			body   any
			status int
			fields []string
		}{
			{"kind holiday", wed, map[string]any{"kind": "holiday", "name": "国庆节"}, http.StatusUnprocessableEntity, []string{"kind"}},
			{"no kind", wed, map[string]any{"name": "国庆节"}, http.StatusUnprocessableEntity, []string{"kind"}},
			{"a day off on a Sunday", calendarPath(county, w.sun.String()), map[string]any{"kind": "off", "name": "周日"},
				http.StatusUnprocessableEntity, []string{"day"}},
			{"a make-up day on a Wednesday", wed, map[string]any{"kind": "school", "name": "调休"},
				http.StatusUnprocessableEntity, []string{"day"}},
			{"a day too far ahead", calendarPath(county, far.String()), map[string]any{"kind": "off"},
				http.StatusUnprocessableEntity, []string{"day"}},
			{"a name of 41 characters", wed, map[string]any{"kind": "off", "name": strings.Repeat("节", 41)},
				http.StatusUnprocessableEntity, []string{"name"}},
			{"kind and name bad", wed, map[string]any{"kind": "holiday", "name": strings.Repeat("节", 41)},
				http.StatusUnprocessableEntity, []string{"kind", "name"}},
			{"a bad day in the path", calendarPath(county, "2026-13-01"), map[string]any{"kind": "off"},
				http.StatusBadRequest, []string{"day"}},
			{"not a day in the path", calendarPath(county, "国庆"), map[string]any{"kind": "off"},
				http.StatusBadRequest, []string{"day"}},
			{"an unknown field", wed, map[string]any{"kind": "off", "name": "国庆节", "note": "放假"},
				http.StatusBadRequest, []string{"note"}},
			{"a name of the wrong type", wed, map[string]any{"kind": "off", "name": 1001}, http.StatusBadRequest, []string{"name"}},
			{"not JSON", wed, "{kind", http.StatusBadRequest, nil},
			{"a bad id", "/api/v1/orgs/x/calendar/" + w.wed.String(), map[string]any{"kind": "off"}, http.StatusBadRequest, []string{"id"}},
		} {
			t.Run(tt.name, func(t *testing.T) {
				e := wantError(t, w.admin.send("PUT", tt.path, tt.body), tt.status, campusguard.Invalid)
				if tt.fields != nil {
					wantFields(t, e, tt.fields...)
				}
			})
		}
		wantFields(t, wantError(t, w.admin.send("DELETE", calendarPath(county, "2026-02-30"), nil),
			http.StatusBadRequest, campusguard.Invalid), "day")
		if got := w.list(t, w.admin, fmt.Sprintf("?from=%s&to=%s", today().AddDays(-399), today().AddDays(400))); !slices.Equal(got, want) {
			t.Errorf("calendar after refused changes = %+v, want %+v", got, want)
		}

		// Ranges.
		td := today()
		for _, tt := range []struct {
			query  string
			status int
			field  string
		}{
			{fmt.Sprintf("?from=%s&to=%s", td.AddDays(1), td), http.StatusUnprocessableEntity, "to"},
			{fmt.Sprintf("?from=%s&to=%s", td, td.AddDays(800)), http.StatusUnprocessableEntity, "to"},
			{fmt.Sprintf("?from=%s", td.AddDays(366)), http.StatusUnprocessableEntity, "to"},
			{"?from=30/11/2026", http.StatusBadRequest, "from"},
			{"?to=tomorrow", http.StatusBadRequest, "to"},
		} {
			e := wantError(t, w.admin.get(calendarPath(county, "")+tt.query), tt.status, campusguard.Invalid)
			wantFields(t, e, tt.field)
		}
		// 800 days from the first to the last is the longest range.
		if got := w.list(t, w.admin, fmt.Sprintf("?from=%s&to=%s", w.wed.AddDays(-799), w.wed)); !slices.Equal(got, want) {
			t.Errorf("calendar over 800 days = %+v, want %+v", got, want)
		}
	})
}

// TestCalendarAccess: everyone with a grant in the region reads its
// calendar; only its region admins change it; other regions, nodes that
// are not top-level regions and anonymous callers get nothing.
func TestCalendarAccess(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustCalendarWorld(t, s)
		tr := w.tr
		wed := calendarPath(tr.County, w.wed.String())
		r := w.admin.send("PUT", wed, map[string]any{"kind": "off", "name": "国庆节"})
		wantStatus(t, r, http.StatusOK)
		want := []campusguard.CalendarDay{{RegionID: tr.County.ID, Day: w.wed, Kind: campusguard.DayOff, Name: "国庆节"}}

		// Readers.
		teacher := w.c.as(t, s, campusguard.ClassTeacher, tr.Class1)
		for name, who := range map[string]*client{"a health officer": w.officer, "a region viewer": w.viewer,
			"a class teacher": teacher, "a town's admin": w.c.as(t, s, campusguard.RegionAdmin, tr.Town)} {
			if got := w.list(t, who, ""); !slices.Equal(got, want) {
				t.Errorf("%s reads %+v, want %+v", name, got, want)
			}
		}

		sat := calendarPath(tr.County, w.sat.String())
		makeUp := map[string]any{"kind": "school", "name": "调休"}
		for _, tt := range []struct {
			name   string
			who    *client
			method string
			path   string
			body   any
			status int
			code   campusguard.Code
		}{
			// Whoever reads the calendar may not write it but a region admin.
			{"a health officer sets", w.officer, "PUT", sat, makeUp, http.StatusForbidden, campusguard.Forbidden},
			{"a health officer deletes", w.officer, "DELETE", wed, nil, http.StatusForbidden, campusguard.Forbidden},
			{"a region viewer sets", w.viewer, "PUT", sat, makeUp, http.StatusForbidden, campusguard.Forbidden},
			{"a region viewer deletes", w.viewer, "DELETE", wed, nil, http.StatusForbidden, campusguard.Forbidden},
			{"another county's admin reads", w.farAdmin, "GET", calendarPath(tr.County, ""), nil, http.StatusNotFound, campusguard.NotFound},
			{"another county's admin sets", w.farAdmin, "PUT", sat, makeUp, http.StatusNotFound, campusguard.NotFound},
			{"another county's admin deletes", w.farAdmin, "DELETE", wed, nil, http.StatusNotFound, campusguard.NotFound},
			{"a town read", w.admin, "GET", calendarPath(tr.Town, ""), nil, http.StatusNotFound, campusguard.NotFound},
			{"a town set", w.admin, "PUT", calendarPath(tr.Town, w.sat.String()), makeUp, http.StatusNotFound, campusguard.NotFound},
			{"a town deleted", w.admin, "DELETE", calendarPath(tr.Town, w.wed.String()), nil, http.StatusNotFound, campusguard.NotFound},
			{"a school read", w.admin, "GET", calendarPath(tr.School, ""), nil, http.StatusNotFound, campusguard.NotFound},
			{"an unknown org", w.admin, "GET", "/api/v1/orgs/999999/calendar", nil, http.StatusNotFound, campusguard.NotFound},
			{"a bad id", w.admin, "GET", "/api/v1/orgs/0/calendar", nil, http.StatusBadRequest, campusguard.Invalid},
			{"anonymous reads", w.c.anonymous(), "GET", calendarPath(tr.County, ""), nil, http.StatusUnauthorized, campusguard.Unauthenticated},
			{"anonymous sets", w.c.anonymous(), "PUT", sat, makeUp, http.StatusUnauthorized, campusguard.Unauthenticated},
			{"anonymous deletes", w.c.anonymous(), "DELETE", wed, nil, http.StatusUnauthorized, campusguard.Unauthenticated},
		} {
			t.Run(tt.name, func(t *testing.T) {
				wantError(t, tt.who.send(tt.method, tt.path, tt.body), tt.status, tt.code)
			})
		}
		if got := w.list(t, w.admin, ""); !slices.Equal(got, want) {
			t.Errorf("calendar after refused changes = %+v, want %+v", got, want)
		}

		// The other county keeps its own calendar.
		r = w.farAdmin.send("PUT", calendarPath(w.far, w.sat.String()), makeUp)
		wantStatus(t, r, http.StatusOK)
		if got := w.list(t, w.admin, ""); !slices.Equal(got, want) {
			t.Errorf("county calendar after the other county's change = %+v, want %+v", got, want)
		}

		// A program without the calendar serves none.
		none := newStoreClient(t, s).as(t, s, campusguard.RegionAdmin, tr.County)
		wantError(t, none.get(calendarPath(tr.County, "")), http.StatusNotFound, campusguard.NotFound)
		wantError(t, none.send("PUT", sat, makeUp), http.StatusNotFound, campusguard.NotFound)
		wantError(t, none.send("DELETE", wed, nil), http.StatusNotFound, campusguard.NotFound)
	})
}
