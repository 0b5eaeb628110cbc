package api

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

type alertPage struct {
	Items []campusguard.Alert `json:"items"`
	Total int                 `json:"total"`
}

// TestAlertSeverityAPI: every alert says its severity, the list filters
// on it and leaves out blips, and grouped lists one alert per signal.
func TestAlertSeverityAPI(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustAlertWorld(t, s)
		tr := w.tr
		w.detect(t)
		r := w.admin.get("/api/v1/alerts")
		wantStatus(t, r, http.StatusOK)
		for _, key := range []string{`"severity":"high"`, `"parent_id":null`, `"children":[]`} {
			if !strings.Contains(string(r.Body), key) {
				t.Errorf("alerts JSON lacks %s: %s", key, r.Body)
			}
		}
		// A county-wide jump in fevers at two schools on a Friday in the past.
		friday := campusguard.Date{Year: 2026, Month: 11, Day: 27}
		n := 0
		for d := friday; n < 40; d = d.AddDays(-1) {
			if wd := d.Time().Weekday(); wd == time.Saturday || wd == time.Sunday {
				continue
			}
			for org, base := range map[int64]int{tr.County.ID: 10, tr.Town.ID: 6, tr.School.ID: 2, tr.Other.ID: 2} {
				fever := base + n%2
				if n == 0 {
					fever = base + 30
				}
				if _, err := s.WriteDB().Exec(`INSERT INTO rollups (region_id, org_id, day, expected, fever) VALUES ($1, $2, $3, 300, $4)
					ON CONFLICT (org_id, day) DO UPDATE SET expected = excluded.expected, fever = excluded.fever`,
					tr.County.ID, org, d, fever); err != nil {
					t.Fatal(err)
				}
			}
			n++
		}
		if _, _, err := s.DetectAlerts(ctx, tr.County.ID, friday); err != nil {
			t.Fatal(err)
		}
		var page alertPage
		for _, tt := range []struct {
			query string
			want  int
		}{
			{"?rule=aberration", 4},
			{"?rule=aberration&grouped=true", 1},
			{"?severity=high", 2}, // the class cluster and the county's group
			{"?severity=high&grouped=true", 2},
			{"?severity=low", 3}, // the town's and the schools' own, one day each
			{"?severity=low&grouped=true", 0},
			{"?hide_blips=true", 2},
			{"?grouped=true", 2},
		} {
			r := w.admin.get("/api/v1/alerts" + tt.query)
			wantStatus(t, r, http.StatusOK)
			r.JSON(t, &page)
			if page.Total != tt.want {
				t.Errorf("GET /api/v1/alerts%s = %d in all, want %d", tt.query, page.Total, tt.want)
			}
		}
		w.admin.get("/api/v1/alerts?rule=aberration&grouped=true").JSON(t, &page)
		if a := page.Items[0]; a.OrgID != tr.County.ID || len(a.Children) != 3 || a.Severity != campusguard.SeverityHigh {
			t.Errorf("grouped = %+v, want the county's, high, listing the town and two schools", a)
		}
		// The school's officer sees the school's own, standing alone.
		w.officer.get("/api/v1/alerts?rule=aberration&grouped=true").JSON(t, &page)
		if len(page.Items) != 1 || page.Items[0].OrgID != tr.School.ID || page.Items[0].ParentID == nil {
			t.Errorf("the officer's grouped list = %+v", page.Items)
		}
		for q, field := range map[string]string{"?severity=urgent": "severity", "?hide_blips=yes": "hide_blips",
			"?grouped=1": "grouped"} {
			wantFields(t, wantError(t, w.admin.get("/api/v1/alerts"+q), http.StatusBadRequest, campusguard.Invalid), field)
		}
	})
}

// TestAlertSensitivityAPI: a region admin reads and sets the county's
// sensitivity; bad choices name the field and change nothing.
func TestAlertSensitivityAPI(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustAlertWorld(t, s)
		tr := w.tr
		path := fmt.Sprintf("/api/v1/orgs/%d/alert-sensitivity", tr.County.ID)
		get := func() string {
			t.Helper()
			var b struct{ Sensitivity string }
			r := w.viewer.get(path)
			wantStatus(t, r, http.StatusOK)
			r.JSON(t, &b)
			return b.Sensitivity
		}
		if got := get(); got != "normal" {
			t.Errorf("default = %q, want normal", got)
		}
		wantStatus(t, w.admin.send("PUT", path, map[string]any{"sensitivity": "low"}), http.StatusOK)
		if got := get(); got != "low" {
			t.Errorf("after PUT = %q, want low", got)
		}
		// The rules show it and a body read from them goes back as it is.
		rules := w.admin.get(fmt.Sprintf("/api/v1/orgs/%d/rules", tr.County.ID))
		var cfg map[string]any
		rules.JSON(t, &cfg)
		if cfg["sensitivity"] != "low" {
			t.Errorf("rules say sensitivity %v", cfg["sensitivity"])
		}
		wantStatus(t, w.admin.send("PUT", fmt.Sprintf("/api/v1/orgs/%d/rules", tr.County.ID), cfg), http.StatusOK)
		for _, tt := range []struct {
			name   string
			who    *client
			path   string
			body   any
			status int
			fields []string
		}{
			{"unknown choice", w.admin, path, map[string]any{"sensitivity": "extreme"}, http.StatusUnprocessableEntity, []string{"sensitivity"}},
			{"missing", w.admin, path, map[string]any{}, http.StatusUnprocessableEntity, []string{"sensitivity"}},
			{"wrong type", w.admin, path, map[string]any{"sensitivity": 2}, http.StatusBadRequest, []string{"sensitivity"}},
			{"unknown field", w.admin, path, map[string]any{"sensitivity": "high", "level": 1}, http.StatusBadRequest, []string{"level"}},
			{"a town", w.admin, fmt.Sprintf("/api/v1/orgs/%d/alert-sensitivity", tr.Town.ID), map[string]any{"sensitivity": "high"},
				http.StatusNotFound, nil},
			{"a region viewer", w.viewer, path, map[string]any{"sensitivity": "high"}, http.StatusForbidden, nil},
			{"a health officer", w.officer, path, map[string]any{"sensitivity": "high"}, http.StatusNotFound, nil},
			{"anonymous", w.c.anonymous(), path, map[string]any{"sensitivity": "high"}, http.StatusUnauthorized, nil},
		} {
			t.Run(tt.name, func(t *testing.T) {
				r := tt.who.send("PUT", tt.path, tt.body)
				wantStatus(t, r, tt.status)
				if tt.fields != nil {
					wantFields(t, r.Err(t), tt.fields...)
				}
			})
		}
		if got := get(); got != "low" {
			t.Errorf("after refused PUTs = %q, want low", got)
		}
	})
}
