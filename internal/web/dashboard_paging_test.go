package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// TestDashboardPaging: a region with more schools than a page shows them
// fifty at a time, sorted across pages, with the count of all of them; a
// new sort starts again at the first page, and an offset past the end shows
// the last page.
func TestDashboardPaging(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		srv := newServer(t, s)
		for i := range 62 { // 63 schools with the fixture's
			o := &campusguard.Org{Kind: campusguard.KindSchool, SchoolType: campusguard.Primary,
				Name: fmt.Sprintf("测试小学%02d", i), Code: fmt.Sprintf("3506229%02d", i), ParentID: &f.town.ID}
			if err := s.CreateOrg(ctx, o); err != nil {
				t.Fatal(err)
			}
		}
		admin := signIn(t, s, grant(campusguard.RegionAdmin, f.county))
		dash := srv.URL + "/orgs/" + itoa(f.county.ID) + "/dashboard"

		first := admin.get(t, dash+"?sort=name")
		if first.status != http.StatusOK {
			t.Fatalf("GET dashboard = %d:\n%s", first.status, first.body)
		}
		names := first.texts(t, testid("school-link"))
		if len(names) != 50 {
			t.Fatalf("first page: %d schools, want 50", len(names))
		}
		if got := first.text(t, testid("row-count")); got != "63" {
			t.Errorf("row count = %q, want all 63", got)
		}
		if got := first.text(t, testid("pager-info")); got != "第 1–50 条，共 63 条" {
			t.Errorf("pager = %q", got)
		}
		next := attr(find(t, first.doc, testid("pager-next")), "href")
		if !strings.Contains(next, "offset=50") || !strings.Contains(next, "sort=name") {
			t.Fatalf("next page link = %q, want offset=50 and the same sort", next)
		}
		second := admin.get(t, srv.URL+next)
		rest := second.texts(t, testid("school-link"))
		if len(rest) != 13 {
			t.Fatalf("second page: %d schools, want 13", len(rest))
		}
		all := append(names, rest...)
		seen := map[string]bool{}
		for i, n := range all {
			if seen[n] {
				t.Errorf("%s on both pages", n)
			}
			seen[n] = true
			if i > 0 && all[i-1] > n && strings.HasPrefix(n, "测试") && strings.HasPrefix(all[i-1], "测试") {
				t.Errorf("not sorted by name across pages: %s before %s", all[i-1], n)
			}
		}
		if len(second.all(t, testid("pager-next"))) != 0 || len(second.all(t, testid("pager-prev"))) != 1 {
			t.Errorf("the last page should link back only")
		}
		// Sorting again starts from the first page.
		for _, h := range second.all(t, "[data-testid^=sort-]") {
			if href := attr(h, "href"); strings.Contains(href, "offset=") {
				t.Errorf("sort link %q keeps the page", href)
			}
		}
		// Past the end: the last page.
		if got := admin.get(t, dash+"?sort=name&offset=900").texts(t, testid("school-link")); len(got) != 13 || got[0] != rest[0] {
			t.Errorf("offset past the end shows %d schools from %v, want the last page", len(got), got[:min(1, len(got))])
		}
	})
}

// TestDashboardCalendar: a day off of the county's calendar says so on the
// dashboard, with its name, and so does a make-up Saturday; an ordinary
// weekday says neither.
func TestDashboardCalendar(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		srv := newServer(t, s)
		last := func(wd time.Weekday) campusguard.Date {
			d := today().AddDays(-1)
			for d.Time().Weekday() != wd {
				d = d.AddDays(-1)
			}
			return d
		}
		wed, sat, thu := last(time.Wednesday), last(time.Saturday), last(time.Thursday)
		for _, c := range []campusguard.CalendarDay{
			{RegionID: f.county.ID, Day: wed, Kind: campusguard.DayOff, Name: "测试假"},
			{RegionID: f.county.ID, Day: sat, Kind: campusguard.MakeUpDay, Name: "国庆调休"},
		} {
			if err := s.SetCalendarDay(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		admin := signIn(t, s, grant(campusguard.RegionAdmin, f.county))
		dash := srv.URL + "/orgs/" + itoa(f.school.ID) + "/dashboard?day="
		if got := admin.get(t, dash+wed.String()).text(t, testid("dash-day-off")); got != "这一天不上学，没有应报人数（测试假）" {
			t.Errorf("day off: notice %q", got)
		}
		if got := admin.get(t, dash+sat.String()).text(t, testid("dash-make-up")); got != "调休上学日（国庆调休）" {
			t.Errorf("make-up day: notice %q", got)
		}
		p := admin.get(t, dash+thu.String())
		if n := len(p.all(t, testid("dash-day-off"))) + len(p.all(t, testid("dash-make-up"))); n != 0 {
			t.Errorf("an ordinary Thursday shows %d calendar notices", n)
		}
	})
}
