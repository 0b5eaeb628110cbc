package api

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// mustDashboardWorld is the alert world after a morning check of its first
// student on its day and a run of the early warning, which opens one alert
// on class 1.
func mustDashboardWorld(t *testing.T, s *sqlstore.Store) *alertWorld {
	t.Helper()
	w := mustAlertWorld(t, s)
	k, _, err := s.FindCase(ctx, w.cases[0])
	if err != nil {
		t.Fatalf("FindCase = %v", err)
	}
	temp := 36.6
	c := &campusguard.Check{PersonID: k.PersonID, Day: w.day, Kind: campusguard.HomeCheck, Temperature: &temp, ClientKey: "dash-1"}
	if _, _, err := s.RecordCheck(ctx, c); err != nil {
		t.Fatalf("RecordCheck = %v", err)
	}
	if d := w.detect(t); d.Opened != 1 {
		t.Fatalf("detect = %+v, want one alert opened", d)
	}
	return w
}

// TestDashboard: a county's dashboard agrees with its roll-ups, lists its
// schools with their lights, and shows case counts to readers of cases
// only; a school's dashboard lists itself; nodes out of scope are 404.
func TestDashboard(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustDashboardWorld(t, s)
		tr := w.tr
		path := func(o *campusguard.Org) string {
			return fmt.Sprintf("/api/v1/orgs/%d/dashboard?day=%s", o.ID, w.day)
		}

		r := w.admin.get(path(tr.County))
		wantStatus(t, r, http.StatusOK)
		var d campusguard.Dashboard
		r.JSON(t, &d)
		var rollups list[campusguard.Rollup]
		r = w.admin.get(fmt.Sprintf("/api/v1/orgs/%d/rollups?from=%s&to=%s", tr.County.ID, w.day, w.day))
		wantStatus(t, r, http.StatusOK)
		if r.JSON(t, &rollups); len(rollups.Items) != 1 || d.Today != rollups.Items[0] {
			t.Errorf("today = %+v, want the roll-up %+v", d.Today, rollups.Items)
		}
		if d.OrgID != tr.County.ID || d.Kind != campusguard.KindRegion || d.Day != w.day || d.Today.Expected != 3 ||
			d.Today.Reported != 1 {
			t.Errorf("dashboard = %+v, want the county's day with 3 expected and 1 reported", d)
		}
		if len(d.Trend) == 0 || d.Trend[len(d.Trend)-1].Day != w.day || d.Yesterday.Expected != 3 ||
			!d.Yesterday.Day.Before(w.day) {
			t.Errorf("trend %+v, yesterday %+v: want school days ending on %s", d.Trend, d.Yesterday, w.day)
		}
		lights := map[string]campusguard.Light{}
		var school *campusguard.SchoolStatus
		for _, st := range d.Schools {
			lights[st.Name] = st.Light
			if st.SchoolID == tr.School.ID {
				school = st
			}
		}
		want := map[string]campusguard.Light{tr.School.Name: campusguard.LightRed, tr.Other.Name: campusguard.LightGrey}
		if fmt.Sprint(lights) != fmt.Sprint(want) {
			t.Errorf("lights = %v, want %v", lights, want)
		}
		if !d.Cases || d.OpenCases != 3 || d.OpenAlerts != 1 || d.CasesByState[campusguard.CaseDetected] != 3 {
			t.Errorf("cases %v: %d open, %d alerts, by state %v; want 3 detected cases and 1 alert",
				d.Cases, d.OpenCases, d.OpenAlerts, d.CasesByState)
		}
		if d.Unsigned != 2 {
			t.Errorf("unsigned = %d, want 2", d.Unsigned)
		}

		// The school's health officer sees their school only.
		r = w.officer.get(path(tr.School))
		wantStatus(t, r, http.StatusOK)
		var sd campusguard.Dashboard
		if r.JSON(t, &sd); len(sd.Schools) != 1 || school == nil || *sd.Schools[0] != *school || sd.Today != school.Rollup {
			t.Errorf("school dashboard = %+v", sd)
		}

		// A reader who may not see cases gets the figures, no counts.
		inspector := w.c.as(t, s, campusguard.Inspector, tr.County)
		r = inspector.get(path(tr.County))
		wantStatus(t, r, http.StatusOK)
		var id campusguard.Dashboard
		r.JSON(t, &id)
		if id.Cases || id.OpenCases != 0 || id.OpenAlerts != 0 || len(id.CasesByState) != 0 || id.Today != d.Today ||
			len(id.Schools) != 2 {
			t.Errorf("inspector's dashboard = %+v, want figures only", id)
		}
		if !strings.Contains(string(r.Body), `"cases_by_state":{}`) {
			t.Errorf("inspector's cases_by_state is not an empty object: %s", r.Body)
		}

		for _, tt := range []struct {
			name   string
			who    *client
			path   string
			status int
			fields []string
		}{
			{"a class teacher, the county", w.teacher, path(tr.County), http.StatusNotFound, nil},
			{"a class teacher, the school", w.teacher, path(tr.School), http.StatusNotFound, nil},
			{"a class teacher, their class", w.teacher, path(tr.Class1), http.StatusOK, nil},
			{"another school", w.stranger, path(tr.School), http.StatusNotFound, nil},
			{"anonymous", w.c.anonymous(), path(tr.County), http.StatusUnauthorized, nil},
			{"unknown org", w.admin, fmt.Sprintf("/api/v1/orgs/999999/dashboard?day=%s", w.day), http.StatusNotFound, nil},
			{"bad id", w.admin, "/api/v1/orgs/x/dashboard", http.StatusBadRequest, []string{"id"}},
			{"bad day", w.admin, fmt.Sprintf("/api/v1/orgs/%d/dashboard?day=30/11/2026", tr.County.ID), http.StatusBadRequest, []string{"day"}},
			{"today", w.admin, fmt.Sprintf("/api/v1/orgs/%d/dashboard", tr.County.ID), http.StatusOK, nil},
		} {
			t.Run(tt.name, func(t *testing.T) {
				r := tt.who.get(tt.path)
				wantStatus(t, r, tt.status)
				if tt.fields != nil {
					wantFields(t, r.Err(t), tt.fields...)
				}
			})
		}
	})
}

// TestBriefing: a region admin generates the county's briefing, which is
// listed, read and downloaded; readers without access to cases get the
// figures only and may not generate; refused requests are 4xx.
func TestBriefing(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustDashboardWorld(t, s)
		tr := w.tr
		base := fmt.Sprintf("/api/v1/orgs/%d/briefings", tr.County.ID)
		dayPath := base + "/" + w.day.String()

		// None yet.
		wantStatus(t, w.admin.get(dayPath), http.StatusNotFound)
		wantStatus(t, w.admin.get(dayPath+"/xlsx"), http.StatusNotFound)
		var days items[campusguard.Date]
		r := w.admin.get(base)
		wantStatus(t, r, http.StatusOK)
		if r.JSON(t, &days); len(days.Items) != 0 {
			t.Errorf("briefing days = %v, want none", days.Items)
		}

		r = w.admin.send("POST", base+"?day="+w.day.String(), nil)
		wantStatus(t, r, http.StatusCreated)
		if loc := r.Header.Get("Location"); loc != dayPath {
			t.Errorf("Location = %q, want %q", loc, dayPath)
		}
		var b campusguard.Briefing
		r.JSON(t, &b)
		if b.RegionID != tr.County.ID || b.Day != w.day || b.Today.Expected != 3 || b.Today.Reported != 1 ||
			len(b.NewAlerts) != 1 || len(b.OpenAlerts) != 1 || b.CasesByState[campusguard.CaseDetected] != 3 ||
			len(b.Unsigned) != 1 || b.Unsigned[0] != tr.School.Name || len(b.Incomplete) != 1 {
			t.Errorf("briefing = %+v", b)
		}

		r = w.admin.get(dayPath)
		wantStatus(t, r, http.StatusOK)
		var again campusguard.Briefing
		if r.JSON(t, &again); again.Today != b.Today || len(again.NewAlerts) != 1 || !again.GeneratedAt.Equal(b.GeneratedAt) {
			t.Errorf("stored briefing = %+v, want %+v", again, b)
		}
		r = w.admin.get(base)
		wantStatus(t, r, http.StatusOK)
		if r.JSON(t, &days); len(days.Items) != 1 || days.Items[0] != w.day {
			t.Errorf("briefing days = %v, want [%s]", days.Items, w.day)
		}

		r = w.admin.get(dayPath + "/xlsx")
		wantStatus(t, r, http.StatusOK)
		if ct := r.Header.Get("Content-Type"); ct != xlsxType {
			t.Errorf("Content-Type = %q", ct)
		}
		if cd := r.Header.Get("Content-Disposition"); !strings.Contains(cd, "attachment") {
			t.Errorf("Content-Disposition = %q", cd)
		}
		f, err := excelize.OpenReader(bytes.NewReader(r.Body))
		if err != nil {
			t.Fatal(err)
		}
		if first := f.GetSheetName(0); first != "研判" {
			t.Errorf("first sheet = %q, want 研判", first)
		}
		f.Close()

		// An inspector reads the figures only, and may not generate.
		inspector := w.c.as(t, s, campusguard.Inspector, tr.County)
		r = inspector.get(dayPath)
		wantStatus(t, r, http.StatusOK)
		var seen campusguard.Briefing
		if r.JSON(t, &seen); seen.Today != b.Today || seen.NewAlerts != nil || seen.OpenAlerts != nil ||
			seen.Overdue != nil || seen.CasesByState != nil || len(seen.Unsigned) != 1 {
			t.Errorf("inspector's briefing = %+v, want figures only", seen)
		}
		wantStatus(t, inspector.get(dayPath+"/xlsx"), http.StatusOK)

		for _, tt := range []struct {
			name   string
			who    *client
			method string
			path   string
			status int
			fields []string
		}{
			{"an inspector generates", inspector, "POST", base, http.StatusForbidden, nil},
			{"a region viewer generates", w.viewer, "POST", base, http.StatusForbidden, nil},
			{"a health officer reads", w.officer, "GET", dayPath, http.StatusNotFound, nil},
			{"a class teacher lists", w.teacher, "GET", base, http.StatusNotFound, nil},
			{"a town's admin generates", w.c.as(t, s, campusguard.RegionAdmin, tr.Town), "POST", base, http.StatusNotFound, nil},
			{"a school", w.admin, "GET", fmt.Sprintf("/api/v1/orgs/%d/briefings", tr.School.ID), http.StatusNotFound, nil},
			{"not a top-level region", w.admin, "POST", fmt.Sprintf("/api/v1/orgs/%d/briefings", tr.Town.ID), http.StatusNotFound, nil},
			{"missing day", w.admin, "GET", base + "/" + w.day.AddDays(-1).String(), http.StatusNotFound, nil},
			{"bad day", w.admin, "GET", base + "/30-11-2026", http.StatusBadRequest, []string{"day"}},
			{"bad day, workbook", w.admin, "GET", base + "/yesterday/xlsx", http.StatusBadRequest, []string{"day"}},
			{"bad query day", w.admin, "POST", base + "?day=2026-13-01", http.StatusBadRequest, []string{"day"}},
			{"bad id", w.admin, "GET", "/api/v1/orgs/x/briefings", http.StatusBadRequest, []string{"id"}},
			{"anonymous reads", w.c.anonymous(), "GET", dayPath, http.StatusUnauthorized, nil},
			{"anonymous generates", w.c.anonymous(), "POST", base, http.StatusUnauthorized, nil},
			{"anonymous downloads", w.c.anonymous(), "GET", dayPath + "/xlsx", http.StatusUnauthorized, nil},
		} {
			t.Run(tt.name, func(t *testing.T) {
				r := tt.who.send(tt.method, tt.path, nil)
				wantStatus(t, r, tt.status)
				if tt.fields != nil {
					wantFields(t, r.Err(t), tt.fields...)
				}
			})
		}
		// A signed-in region admin generates with the session's CSRF token.
		admin, _ := w.c.signedIn(t, s, campusguard.Grant{Role: campusguard.RegionAdmin, OrgID: tr.County.ID})
		wantStatus(t, admin.send("POST", base+"?day="+w.day.String(), nil), http.StatusCreated)
	})
}
