package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
	"campusguard/internal/web"
)

// nextWeekday returns the first day after today that falls on wd.
func nextWeekday(wd time.Weekday) campusguard.Date {
	d := today().AddDays(1)
	for d.Time().Weekday() != wd {
		d = d.AddDays(1)
	}
	return d
}

// newCalendarServer serves the pages with the school calendar.
func newCalendarServer(tb testing.TB, s *sqlstore.Store) string {
	tb.Helper()
	return newServerWith(tb, s, web.Config{Orgs: s, People: s, Access: s, Health: s, Inbox: s, Hooks: s, Settings: s,
		Cases: s, Alerts: s, Calendar: s, Dashboards: s, Logger: discardLogger()}).URL
}

// TestCalendarSettings: a region admin keeps the county's school calendar
// on its settings page: adds a day off and a make-up day, replaces one,
// deletes one; a refused form shows the page again and changes nothing.
func TestCalendarSettings(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		base := newCalendarServer(t, s)
		admin := signIn(t, s, grant(campusguard.RegionAdmin, f.county))
		settings := base + "/orgs/" + itoa(f.county.ID) + "/settings"
		wed, sat, sun := nextWeekday(time.Wednesday), nextWeekday(time.Saturday), nextWeekday(time.Sunday)
		stored := func() []campusguard.CalendarDay {
			t.Helper()
			days, err := s.CalendarDays(campusguard.SystemContext(ctx, "test"), f.county.ID, today().AddDays(-400), today().AddDays(400))
			if err != nil {
				t.Fatal(err)
			}
			return days
		}
		row := func(d campusguard.Date) string { return testid("calendar-row") + `[data-day="` + d.String() + `"] ` }

		p := admin.get(t, settings)
		if p.status != http.StatusOK {
			t.Fatalf("GET settings = %d", p.status)
		}
		if got := p.text(t, testid("calendar")+" h2"); got != "校历（放假与调休）" {
			t.Errorf("calendar heading = %q", got)
		}
		if n := len(p.all(t, testid("calendar-none"))); n != 1 {
			t.Errorf("empty calendar: %d empty states", n)
		}
		form := attr(find(t, p.doc, testid("calendar-form")), "action")
		if form != "/orgs/"+itoa(f.county.ID)+"/calendar" {
			t.Fatalf("calendar form action = %q", form)
		}
		if got := attr(find(t, p.doc, testid("calendar-name-input")), "maxlength"); got != "40" {
			t.Errorf("name maxlength = %q", got)
		}
		if n := len(p.all(t, testid("calendar-kind-off")+"[checked]")); n != 1 {
			t.Errorf("day off not the default kind")
		}

		// A day off on a Wednesday and a make-up day on a Saturday.
		for _, c := range []url.Values{
			{"day": {wed.String()}, "kind": {"off"}, "name": {"运动会"}},
			{"day": {sat.String()}, "kind": {"school"}, "name": {"国庆调休"}},
		} {
			r := admin.post(t, base+form, c)
			if want := "/orgs/" + itoa(f.county.ID) + "/settings?calendar=saved#calendar"; r.status != http.StatusSeeOther ||
				r.header.Get("Location") != want {
				t.Fatalf("POST %v = %d to %q, want 303 to %q:\n%s", c, r.status, r.header.Get("Location"), want, r.body)
			}
		}
		p = admin.get(t, settings+"?calendar=saved")
		if got := p.text(t, testid("notice")); got != "校历已保存" {
			t.Errorf("notice = %q", got)
		}
		if n := len(p.all(t, testid("calendar-row"))); n != 2 {
			t.Fatalf("%d rows, want 2", n)
		}
		if n := len(p.all(t, testid("calendar-none"))); n != 0 {
			t.Errorf("the empty state shows with rows")
		}
		for _, want := range []struct {
			day              campusguard.Date
			text, kind, name string
		}{
			{wed, wed.String() + " 周三", "放假", "运动会"},
			{sat, sat.String() + " 周六", "调休上学", "国庆调休"},
		} {
			if got := p.text(t, row(want.day)+testid("calendar-day")); got != want.text {
				t.Errorf("day = %q, want %q", got, want.text)
			}
			if got := p.text(t, row(want.day)+testid("calendar-kind")); got != want.kind {
				t.Errorf("%s kind = %q, want %q", want.day, got, want.kind)
			}
			if got := p.text(t, row(want.day)+testid("calendar-name")); got != want.name {
				t.Errorf("%s name = %q, want %q", want.day, got, want.name)
			}
		}

		// The same day again replaces it.
		if r := admin.post(t, base+form, url.Values{"day": {wed.String()}, "kind": {"off"}, "name": {"秋假"}}); r.status != http.StatusSeeOther {
			t.Fatalf("replace = %d:\n%s", r.status, r.body)
		}
		p = admin.get(t, settings)
		if n := len(p.all(t, testid("calendar-row"))); n != 2 {
			t.Errorf("after replacing: %d rows, want 2", n)
		}
		if got := p.text(t, row(wed)+testid("calendar-name")); got != "秋假" {
			t.Errorf("replaced name = %q", got)
		}
		want := []campusguard.CalendarDay{
			{RegionID: f.county.ID, Day: wed, Kind: campusguard.DayOff, Name: "秋假"},
			{RegionID: f.county.ID, Day: sat, Kind: campusguard.MakeUpDay, Name: "国庆调休"},
		}
		if sat.Before(wed) {
			want[0], want[1] = want[1], want[0]
		}
		if got := stored(); len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
			t.Fatalf("stored = %+v, want %+v", got, want)
		}

		// Refused forms: the page again with the errors and what was typed.
		for _, bad := range []struct {
			form        url.Values
			field, errs string
		}{
			{url.Values{"day": {sun.String()}, "kind": {"off"}, "name": {"周日"}}, "calendar-day-input", "本来就不上学"},
			{url.Values{"day": {wed.String()}, "kind": {"school"}, "name": {""}}, "calendar-day-input", "只能设在周六或周日"},
			{url.Values{"day": {""}, "kind": {"off"}, "name": {"空"}}, "calendar-day-input", "日期 必填"},
			{url.Values{"day": {"2026-02-30"}, "kind": {"off"}, "name": {"错"}}, "calendar-day-input", "应为日期"},
			{url.Values{"day": {wed.AddDays(7).String()}, "kind": {"off"}, "name": {strings.Repeat("假", 41)}}, "calendar-name-input", "名称 不能超过 40 个字"},
			{url.Values{"day": {wed.AddDays(7).String()}, "kind": {"holiday"}, "name": {"x"}}, "calendar-kind-off", "类型 不是可选的值"},
		} {
			r := admin.post(t, base+form, bad.form)
			if r.status != http.StatusUnprocessableEntity {
				t.Fatalf("POST %v = %d, want 422:\n%s", bad.form, r.status, r.body)
			}
			if errs := strings.Join(r.texts(t, testid("field-error")), " | "); !strings.Contains(errs, bad.errs) {
				t.Errorf("POST %v: errors = %q, want %q", bad.form, errs, bad.errs)
			}
			if got := attr(find(t, r.doc, testid(bad.field)), "aria-invalid"); got != "true" {
				t.Errorf("POST %v: %s not marked invalid", bad.form, bad.field)
			}
			if got := attr(find(t, r.doc, testid("calendar-day-input")), "value"); got != bad.form.Get("day") {
				t.Errorf("POST %v: day shows %q", bad.form, got)
			}
			if got := attr(find(t, r.doc, testid("calendar-name-input")), "value"); got != bad.form.Get("name") {
				t.Errorf("POST %v: name shows %q", bad.form, got)
			}
			if k := bad.form.Get("kind"); k == "off" || k == "school" {
				if n := len(r.all(t, testid("calendar-kind-"+k)+"[checked]")); n != 1 {
					t.Errorf("POST %v: kind %s not kept", bad.form, k)
				}
			}
			if n := len(r.all(t, testid("calendar-row"))); n != 2 {
				t.Errorf("POST %v: the page shows %d rows", bad.form, n)
			}
			if n := len(r.all(t, testid("rules-form"))); n != 1 {
				t.Errorf("POST %v: the rest of the settings page is missing", bad.form)
			}
		}
		if got := stored(); len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
			t.Fatalf("refused forms changed the calendar: %+v", got)
		}

		// Delete the make-up day.
		del := attr(find(t, p.doc, row(sat)+testid("calendar-delete-form")), "action")
		if wantDel := "/orgs/" + itoa(f.county.ID) + "/calendar/" + sat.String() + "/delete"; del != wantDel {
			t.Fatalf("delete action = %q, want %q", del, wantDel)
		}
		if n := len(p.all(t, row(sat)+testid("calendar-delete"))); n != 1 {
			t.Errorf("no delete button")
		}
		r := admin.post(t, base+del, nil)
		if wantLoc := "/orgs/" + itoa(f.county.ID) + "/settings?calendar=deleted#calendar"; r.status != http.StatusSeeOther ||
			r.header.Get("Location") != wantLoc {
			t.Fatalf("delete = %d to %q", r.status, r.header.Get("Location"))
		}
		p = admin.get(t, settings+"?calendar=deleted")
		if got := p.text(t, testid("notice")); got != "已删除这一天的设置" {
			t.Errorf("notice = %q", got)
		}
		if got := p.texts(t, testid("calendar-name")); len(got) != 1 || got[0] != "秋假" {
			t.Errorf("after deleting: names %v", got)
		}
		if got := stored(); len(got) != 1 || got[0].Day != wed {
			t.Errorf("after deleting: stored %+v", got)
		}
		if r := admin.post(t, base+del, nil); r.status != http.StatusNotFound {
			t.Errorf("deleting it again = %d, want 404", r.status)
		}
		if r := admin.post(t, base+"/orgs/"+itoa(f.county.ID)+"/calendar/someday/delete", nil); r.status != http.StatusNotFound {
			t.Errorf("deleting a bad day = %d, want 404", r.status)
		}
	})
}

// TestCalendarAccess: only the region admins of a top-level region see
// and change its calendar; a server without one shows none.
func TestCalendarAccess(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		base := newCalendarServer(t, s)
		wed := nextWeekday(time.Wednesday)
		county := base + "/orgs/" + itoa(f.county.ID)
		if err := s.SetCalendarDay(ctx, campusguard.CalendarDay{RegionID: f.county.ID, Day: wed, Kind: campusguard.DayOff,
			Name: "运动会"}); err != nil {
			t.Fatal(err)
		}
		stored := func() int {
			t.Helper()
			days, err := s.CalendarDays(ctx, f.county.ID, today().AddDays(-400), today().AddDays(400))
			if err != nil {
				t.Fatal(err)
			}
			return len(days)
		}
		good := url.Values{"day": {nextWeekday(time.Thursday).String()}, "kind": {"off"}, "name": {"秋假"}}
		sunday := url.Values{"day": {nextWeekday(time.Sunday).String()}, "kind": {"off"}, "name": {"周日"}}

		// A school health officer: no section anywhere, every post refused.
		officer := signIn(t, s, grant(campusguard.HealthOffice, f.school))
		for _, o := range []*campusguard.Org{f.county, f.town, f.school, f.other} {
			if p := officer.get(t, base+"/orgs/"+itoa(o.ID)+"/settings"); len(p.all(t, testid("calendar"))) != 0 {
				t.Errorf("school health officer: %s's settings (%d) show the calendar", o.Name, p.status)
			}
		}
		// They read the county's calendar (their school's pages need it),
		// so they learn it exists: refused, not hidden.
		if r := officer.post(t, county+"/calendar", good); r.status != http.StatusForbidden {
			t.Errorf("school health officer: POST = %d, want 403", r.status)
		}
		if r := officer.post(t, county+"/calendar", sunday); r.status != http.StatusForbidden {
			t.Errorf("school health officer: bad POST = %d, want 403", r.status)
		}
		if r := officer.post(t, county+"/calendar/"+wed.String()+"/delete", nil); r.status != http.StatusForbidden {
			t.Errorf("school health officer: delete = %d, want 403", r.status)
		}

		// A county viewer (the health bureau) reads the calendar but may not
		// change it.
		viewer := signIn(t, s, grant(campusguard.RegionViewer, f.county))
		if r := viewer.post(t, county+"/calendar", good); r.status != http.StatusForbidden {
			t.Errorf("county viewer: POST = %d, want 403", r.status)
		}
		if r := viewer.post(t, county+"/calendar", sunday); r.status != http.StatusForbidden {
			t.Errorf("county viewer: bad POST = %d, want 403", r.status)
		}
		if r := viewer.post(t, county+"/calendar/"+wed.String()+"/delete", nil); r.status != http.StatusForbidden {
			t.Errorf("county viewer: delete = %d, want 403", r.status)
		}

		// Another county's admin: not found.
		other := signIn(t, s, grant(campusguard.RegionAdmin, f.other))
		if r := other.post(t, county+"/calendar", good); r.status != http.StatusNotFound {
			t.Errorf("another county's admin: POST = %d, want 404", r.status)
		}
		if r := other.post(t, county+"/calendar/"+wed.String()+"/delete", nil); r.status != http.StatusNotFound {
			t.Errorf("another county's admin: delete = %d, want 404", r.status)
		}
		if p := other.get(t, base+"/orgs/"+itoa(f.other.ID)+"/settings"); p.status != http.StatusOK ||
			len(p.all(t, testid("calendar-row"))) != 0 || len(p.all(t, testid("calendar-none"))) != 1 {
			t.Errorf("another county's own settings (%d) show the county's calendar", p.status)
		}
		// The town's admin: the town is not a top-level region.
		town := signIn(t, s, grant(campusguard.RegionAdmin, f.town))
		if r := town.post(t, base+"/orgs/"+itoa(f.town.ID)+"/calendar", good); r.status != http.StatusNotFound {
			t.Errorf("town admin on the town: POST = %d, want 404", r.status)
		}
		if n := stored(); n != 1 {
			t.Errorf("refused callers changed the calendar: %d days", n)
		}

		// Without a calendar the settings page has no section and the
		// routes are not found.
		admin := signIn(t, s, grant(campusguard.RegionAdmin, f.county))
		plain := newServer(t, s).URL + "/orgs/" + itoa(f.county.ID)
		if p := admin.get(t, plain+"/settings"); p.status != http.StatusOK || len(p.all(t, testid("calendar"))) != 0 {
			t.Errorf("no calendar: settings = %d with %d sections", p.status, len(p.all(t, testid("calendar"))))
		}
		if r := admin.post(t, plain+"/calendar", good); r.status != http.StatusNotFound {
			t.Errorf("no calendar: POST = %d, want 404", r.status)
		}
	})
}
