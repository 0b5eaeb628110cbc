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

// alertWorld is a tree whose county has had school days up to day, with
// three students of class 1 falling ill with a cough on day: enough for
// the one-day class cluster rule once the early warning runs.
type alertWorld struct {
	tr    *sqlstoretest.Tree
	day   campusguard.Date
	cases []int64
	c     *client
	// admin is a region admin of the county; officer the school's health
	// officer; teacher the teacher of class 1; viewer a region viewer of
	// the county; stranger the health officer of the other school.
	admin, officer, teacher, viewer, stranger *client
}

// lastSchoolDay returns today in China, or the Friday before a weekend.
func lastSchoolDay() campusguard.Date {
	d := today()
	for wd := d.Time().Weekday(); wd == time.Saturday || wd == time.Sunday; wd = d.Time().Weekday() {
		d = d.AddDays(-1)
	}
	return d
}

func mustAlertWorld(t *testing.T, s *sqlstore.Store) *alertWorld {
	t.Helper()
	tr := mustTree(t, s)
	c := newStoreClient(t, s)
	w := &alertWorld{tr: tr, day: lastSchoolDay(), c: c,
		admin:    c.as(t, s, campusguard.RegionAdmin, tr.County),
		officer:  c.as(t, s, campusguard.HealthOffice, tr.School),
		teacher:  c.as(t, s, campusguard.ClassTeacher, tr.Class1),
		viewer:   c.as(t, s, campusguard.RegionViewer, tr.County),
		stranger: c.as(t, s, campusguard.HealthOffice, tr.Other),
	}
	var kids []*campusguard.Person
	for i := range 3 {
		p := &campusguard.Person{SchoolID: tr.School.ID, Kind: campusguard.Student, Name: "学生" + fmt.Sprint(i+1),
			Number: fmt.Sprintf("A%d", i+1), ClassID: &tr.Class1.ID}
		if err := s.CreatePerson(ctx, p); err != nil {
			t.Fatalf("CreatePerson = %v", err)
		}
		kids = append(kids, p)
	}
	// Twelve school days, so that the series has days the method can
	// evaluate.
	for d, n := w.day, 0; n < 12; d = d.AddDays(-1) {
		if wd := d.Time().Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		if err := s.OpenDay(ctx, tr.County.ID, d); err != nil {
			t.Fatalf("OpenDay(%s) = %v", d, err)
		}
		n++
	}
	temp := 38.2
	for _, p := range kids {
		k, err := s.OpenCase(ctx, campusguard.NewCase{PersonID: p.ID, OnsetDay: w.day, Temperature: &temp,
			Symptoms: []campusguard.Symptom{campusguard.SymCough}})
		if err != nil {
			t.Fatalf("OpenCase = %v", err)
		}
		w.cases = append(w.cases, k.ID)
	}
	return w
}

// detectPath is the URL that runs the county's early warning for day.
func (w *alertWorld) detectPath(day campusguard.Date) string {
	return fmt.Sprintf("/api/v1/orgs/%d/detect?day=%s", w.tr.County.ID, day)
}

// detect runs the county's early warning for w.day as its region admin.
func (w *alertWorld) detect(t *testing.T) detected {
	t.Helper()
	r := w.admin.send("POST", w.detectPath(w.day), nil)
	wantStatus(t, r, http.StatusOK)
	var d detected
	r.JSON(t, &d)
	return d
}

// alertDetail is the JSON of GET /api/v1/alerts/{id}, for decoding.
type alertDetail struct {
	Alert campusguard.Alert       `json:"alert"`
	Steps []campusguard.AlertStep `json:"steps"`
}

// TestAlertLife runs the early warning through the API, finds the alert it
// raised, and follows it from open to closed with its refused steps.
func TestAlertLife(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustAlertWorld(t, s)
		tr := w.tr
		if d := w.detect(t); d.Opened != 1 || d.Updated != 0 {
			t.Errorf("detect = %+v, want one opened", d)
		}
		if d := w.detect(t); d.Opened != 0 || d.Updated != 0 {
			t.Errorf("detect again = %+v, want nothing changed", d)
		}
		// Without a day, today in China.
		r := w.admin.send("POST", fmt.Sprintf("/api/v1/orgs/%d/detect", tr.County.ID), nil)
		wantStatus(t, r, http.StatusOK)
		var d detected
		want := detected{} // the same day again changes nothing; another day has no cluster
		if r.JSON(t, &d); d != want {
			t.Errorf("detect today = %+v, want %+v", d, want)
		}

		// Lists and filters.
		var page list[campusguard.Alert]
		for _, tt := range []struct {
			who   *client
			query string
			want  int
		}{
			{w.officer, "", 1},
			{w.officer, "?open=true", 1},
			{w.officer, fmt.Sprintf("?org_id=%d", tr.Class1.ID), 1},
			{w.officer, fmt.Sprintf("?org_id=%d", tr.Class2.ID), 0},
			{w.officer, "?rule=class_day", 1},
			{w.officer, "?rule=high_fever", 0},
			{w.officer, "?state=open", 1},
			{w.officer, "?state=closed", 0},
			{w.officer, "?offset=0&limit=10", 1},
			{w.admin, fmt.Sprintf("?org_id=%d&rule=class_day&state=open&open=true", tr.County.ID), 1},
			{w.teacher, "", 1},
			{w.stranger, "", 0},
		} {
			r := tt.who.get("/api/v1/alerts" + tt.query)
			wantStatus(t, r, http.StatusOK)
			r.JSON(t, &page)
			if page.Total != tt.want {
				t.Errorf("GET /api/v1/alerts%s = %d in all, want %d", tt.query, page.Total, tt.want)
			}
		}
		r = w.officer.get("/api/v1/alerts")
		r.JSON(t, &page)
		if len(page.Items) != 1 {
			t.Fatalf("alerts = %+v, want one", page.Items)
		}
		a := page.Items[0]
		if a.Rule != campusguard.RuleClassDay || a.State != campusguard.AlertOpen || a.OrgID != tr.Class1.ID ||
			a.OrgName != tr.Class1.Name || a.Symptom != campusguard.SymCough || a.Count != 3 || a.Threshold != 3 ||
			a.FirstDay != w.day || a.LastDay != w.day || a.Days != 1 || !slices.Equal(a.CaseIDs, w.cases) {
			t.Errorf("alert = %+v, want the class cluster of %s with cases %v", a, w.day, w.cases)
		}
		wantError(t, w.stranger.get(fmt.Sprintf("/api/v1/alerts?org_id=%d", tr.School.ID)), http.StatusNotFound, campusguard.NotFound)
		for query, field := range map[string]string{
			"?rule=cluster": "rule",
			"?state=done":   "state",
			"?open=1":       "open",
			"?org_id=x":     "org_id",
			"?limit=501":    "limit",
			"?offset=-1":    "offset",
		} {
			wantFields(t, wantError(t, w.officer.get("/api/v1/alerts"+query), http.StatusBadRequest, campusguard.Invalid), field)
		}

		alertPath := fmt.Sprintf("/api/v1/alerts/%d", a.ID)
		moves := alertPath + "/transitions"
		var detail alertDetail
		r = w.teacher.get(alertPath)
		wantStatus(t, r, http.StatusOK)
		if r.JSON(t, &detail); detail.Alert.ID != a.ID || detail.Alert.State != campusguard.AlertOpen {
			t.Errorf("detail = %+v", detail)
		}

		// Refused steps change nothing.
		for _, tt := range []struct {
			name   string
			who    *client
			path   string
			body   any
			status int
			fields []string
		}{
			{"skipping a state", w.officer, moves, map[string]any{"to": "investigated"}, http.StatusUnprocessableEntity, []string{"to"}},
			{"closing at once", w.officer, moves, map[string]any{"to": "closed", "note": "误报"}, http.StatusUnprocessableEntity, []string{"to"}},
			{"no such state", w.officer, moves, map[string]any{"to": "resolved"}, http.StatusUnprocessableEntity, []string{"to"}},
			{"staying", w.officer, moves, map[string]any{"to": "open"}, http.StatusUnprocessableEntity, []string{"to"}},
			{"state of the wrong type", w.officer, moves, map[string]any{"to": true}, http.StatusBadRequest, []string{"to"}},
			{"unknown field", w.officer, moves, map[string]any{"to": "acknowledged", "by": "我"}, http.StatusBadRequest, []string{"by"}},
			{"not JSON", w.officer, moves, "{to", http.StatusBadRequest, nil},
			{"bad id", w.officer, "/api/v1/alerts/x/transitions", map[string]any{"to": "acknowledged"}, http.StatusBadRequest, []string{"id"}},
			{"unknown alert", w.officer, "/api/v1/alerts/999999/transitions", map[string]any{"to": "acknowledged"}, http.StatusNotFound, nil},
			{"out of scope", w.stranger, moves, map[string]any{"to": "acknowledged"}, http.StatusNotFound, nil},
			{"a class teacher", w.teacher, moves, map[string]any{"to": "acknowledged"}, http.StatusForbidden, nil},
			{"a region viewer", w.viewer, moves, map[string]any{"to": "acknowledged"}, http.StatusForbidden, nil},
			{"anonymous", w.c.anonymous(), moves, map[string]any{"to": "acknowledged"}, http.StatusUnauthorized, nil},
		} {
			t.Run(tt.name, func(t *testing.T) {
				r := tt.who.send("POST", tt.path, tt.body)
				wantStatus(t, r, tt.status)
				if tt.fields != nil {
					wantFields(t, r.Err(t), tt.fields...)
				}
			})
		}
		r = w.officer.get(alertPath)
		wantStatus(t, r, http.StatusOK)
		if r.JSON(t, &detail); detail.Alert.State != campusguard.AlertOpen || len(detail.Steps) != 1 ||
			detail.Steps[0].To != campusguard.AlertOpen || detail.Steps[0].From != "" {
			t.Errorf("after refused steps: alert %s with steps %+v", detail.Alert.State, detail.Steps)
		}

		// The life of the alert; closing needs a conclusion.
		for _, tt := range []struct {
			missing map[string]any
			step    map[string]any
		}{
			{nil, map[string]any{"to": "acknowledged"}},
			{nil, map[string]any{"to": "investigated", "note": "已流调，均为普通感冒"}},
			{map[string]any{"to": "closed", "note": "  "}, map[string]any{"to": "closed", "note": "班级聚集性呼吸道感染，已处置"}},
		} {
			if tt.missing != nil {
				wantFields(t, wantError(t, w.officer.send("POST", moves, tt.missing), http.StatusUnprocessableEntity, campusguard.Invalid), "note")
				wantFields(t, wantError(t, w.officer.send("POST", moves, map[string]any{"to": "closed"}), http.StatusUnprocessableEntity, campusguard.Invalid), "note")
			}
			r = w.officer.send("POST", moves, tt.step)
			wantStatus(t, r, http.StatusOK)
			if r.JSON(t, &a); string(a.State) != tt.step["to"] {
				t.Fatalf("after %v: state %s", tt.step, a.State)
			}
		}
		if a.Conclusion != "班级聚集性呼吸道感染，已处置" {
			t.Errorf("conclusion = %q", a.Conclusion)
		}
		wantFields(t, wantError(t, w.officer.send("POST", moves, map[string]any{"to": "open"}),
			http.StatusUnprocessableEntity, campusguard.Invalid), "to")

		r = w.viewer.get(alertPath)
		wantStatus(t, r, http.StatusOK)
		r.JSON(t, &detail)
		var states []campusguard.AlertState
		for _, st := range detail.Steps {
			states = append(states, st.To)
		}
		if !slices.Equal(states, campusguard.AlertStates) || detail.Steps[2].Note != "已流调，均为普通感冒" || detail.Steps[1].By == "" ||
			detail.Alert.Conclusion == "" {
			t.Errorf("steps = %+v, want one per state in order", detail.Steps)
		}
		for query, want := range map[string]int{"?open=true": 0, "?state=closed": 1, "": 1} {
			r = w.officer.get("/api/v1/alerts" + query)
			wantStatus(t, r, http.StatusOK)
			if r.JSON(t, &page); page.Total != want {
				t.Errorf("GET /api/v1/alerts%s after closing = %d, want %d", query, page.Total, want)
			}
		}

		// The series behind it: the class's school days up to the alert's
		// day, the method evaluating only once it has a baseline.
		r = w.teacher.get(alertPath + "/series")
		wantStatus(t, r, http.StatusOK)
		var series items[campusguard.SeriesPoint]
		r.JSON(t, &series)
		if n := len(series.Items); n != 12 || series.Items[n-1].Day != w.day {
			t.Fatalf("series = %+v, want 12 school days up to %s", series.Items, w.day)
		}
		if series.Items[0].Upper != nil || series.Items[11].Upper == nil {
			t.Errorf("series = %+v, want no bound on the first day and one on the last", series.Items)
		}
		if !strings.Contains(string(r.Body), `"upper":null`) {
			t.Errorf("series body shows no null bound: %s", clip(r.Body))
		}

		// Reading: unknown, out of scope, bad id, anonymous.
		for _, path := range []string{alertPath, alertPath + "/series"} {
			wantError(t, w.stranger.get(path), http.StatusNotFound, campusguard.NotFound)
			wantError(t, w.c.anonymous().get(path), http.StatusUnauthorized, campusguard.Unauthenticated)
		}
		wantError(t, w.officer.get("/api/v1/alerts/999999"), http.StatusNotFound, campusguard.NotFound)
		wantError(t, w.officer.get("/api/v1/alerts/999999/series"), http.StatusNotFound, campusguard.NotFound)
		wantFields(t, wantError(t, w.officer.get("/api/v1/alerts/0"), http.StatusBadRequest, campusguard.Invalid), "id")
		wantFields(t, wantError(t, w.officer.get("/api/v1/alerts/x/series"), http.StatusBadRequest, campusguard.Invalid), "id")
		wantError(t, w.c.anonymous().get("/api/v1/alerts"), http.StatusUnauthorized, campusguard.Unauthenticated)
	})
}

// TestAlertDetectAccess: only the region admins of a top-level region run
// its early warning, for a day that has come; refused runs raise nothing.
func TestAlertDetectAccess(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustAlertWorld(t, s)
		tr := w.tr
		path := w.detectPath(w.day)
		for _, tt := range []struct {
			name   string
			who    *client
			path   string
			status int
			fields []string
		}{
			{"a health officer", w.officer, path, http.StatusNotFound, nil},
			{"a principal", w.c.as(t, s, campusguard.SchoolAdmin, tr.School), path, http.StatusNotFound, nil},
			{"a class teacher", w.teacher, path, http.StatusNotFound, nil},
			{"a region viewer", w.viewer, path, http.StatusForbidden, nil},
			{"a town's admin", w.c.as(t, s, campusguard.RegionAdmin, tr.Town), path, http.StatusNotFound, nil},
			{"anonymous", w.c.anonymous(), path, http.StatusUnauthorized, nil},
			{"not a top-level region", w.admin, fmt.Sprintf("/api/v1/orgs/%d/detect", tr.Town.ID), http.StatusNotFound, nil},
			{"a school", w.admin, fmt.Sprintf("/api/v1/orgs/%d/detect", tr.School.ID), http.StatusNotFound, nil},
			{"unknown org", w.admin, "/api/v1/orgs/999999/detect", http.StatusNotFound, nil},
			{"bad id", w.admin, "/api/v1/orgs/x/detect", http.StatusBadRequest, []string{"id"}},
			{"bad day", w.admin, fmt.Sprintf("/api/v1/orgs/%d/detect?day=30/11/2026", tr.County.ID), http.StatusBadRequest, []string{"day"}},
			{"tomorrow", w.admin, w.detectPath(today().AddDays(1)), http.StatusUnprocessableEntity, []string{"day"}},
		} {
			t.Run(tt.name, func(t *testing.T) {
				r := tt.who.send("POST", tt.path, nil)
				wantStatus(t, r, tt.status)
				if tt.fields != nil {
					wantFields(t, r.Err(t), tt.fields...)
				}
			})
		}
		var page list[campusguard.Alert]
		r := w.admin.get("/api/v1/alerts")
		wantStatus(t, r, http.StatusOK)
		if r.JSON(t, &page); page.Total != 0 {
			t.Errorf("refused runs raised %d alerts", page.Total)
		}
		// A signed-in region admin runs it, named in the log.
		admin, _ := w.c.signedIn(t, s, campusguard.Grant{Role: campusguard.RegionAdmin, OrgID: tr.County.ID})
		r = admin.send("POST", path, nil)
		wantStatus(t, r, http.StatusOK)
		var d detected
		if r.JSON(t, &d); d.Opened != 1 {
			t.Errorf("detect = %+v, want one opened", d)
		}
		if !strings.Contains(w.c.log.String(), "api detect by ") {
			t.Errorf("the log does not name the run's caller")
		}
	})
}

// TestAlertRules: a top-level region's rule settings, read and replaced,
// with refused changes that change nothing.
func TestAlertRules(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustAlertWorld(t, s)
		tr := w.tr
		path := fmt.Sprintf("/api/v1/orgs/%d/rules", tr.County.ID)
		get := func(who *client) campusguard.RuleConfig {
			t.Helper()
			r := who.get(path)
			wantStatus(t, r, http.StatusOK)
			var cfg campusguard.RuleConfig
			r.JSON(t, &cfg)
			return cfg
		}
		if cfg := get(w.admin); cfg != campusguard.DefaultRuleConfig() {
			t.Errorf("default rules = %+v, want %+v", cfg, campusguard.DefaultRuleConfig())
		}
		r := w.admin.get(path)
		for _, key := range []string{"day_min", "window_days", "window_min", "calendar_days", "high_fever", "absence_rate",
			"epidemic_active", "method", "min_sigma", "baseline", "alpha"} {
			if !strings.Contains(string(r.Body), `"`+key+`":`) {
				t.Errorf("rules JSON lacks %s: %s", key, r.Body)
			}
		}

		body := func(change map[string]any) map[string]any {
			m := map[string]any{"day_min": 4, "window_days": 3, "window_min": 6, "calendar_days": false, "high_fever": 39.5,
				"absence_rate": 0.08, "epidemic_active": true, "method": "C3", "min_sigma": 0.2, "baseline": 7, "alpha": 0}
			for k, v := range change {
				if v == nil {
					delete(m, k)
				} else {
					m[k] = v
				}
			}
			return m
		}
		r = w.admin.send("PUT", path, body(nil))
		wantStatus(t, r, http.StatusOK)
		want := campusguard.RuleConfig{DayMin: 4, WindowDays: 3, WindowMin: 6, HighFever: 39.5, AbsenceRate: 0.08,
			EpidemicActive: true, Method: "C3", MinSigma: 0.2, Baseline: 7, Sensitivity: campusguard.SensitivityNormal}
		var cfg campusguard.RuleConfig
		if r.JSON(t, &cfg); cfg != want {
			t.Errorf("PUT answered %+v, want %+v", cfg, want)
		}
		if cfg := get(w.viewer); cfg != want {
			t.Errorf("rules after PUT = %+v, want %+v", cfg, want)
		}
		if cfg, err := s.RuleConfig(ctx, tr.County.ID); err != nil || cfg != want {
			t.Errorf("stored rules = %+v, %v", cfg, err)
		}

		other := fmt.Sprintf("/api/v1/orgs/%d/rules", tr.Town.ID)
		for _, tt := range []struct {
			name   string
			who    *client
			path   string
			body   any
			status int
			fields []string
		}{
			{"day_min too small", w.admin, path, body(map[string]any{"day_min": 1}), http.StatusUnprocessableEntity, []string{"day_min"}},
			{"no such method", w.admin, path, body(map[string]any{"method": "C9"}), http.StatusUnprocessableEntity, []string{"method"}},
			{"high fever too low, absence rate zero", w.admin, path, body(map[string]any{"high_fever": 37, "absence_rate": 0}),
				http.StatusUnprocessableEntity, []string{"high_fever", "absence_rate"}},
			{"window and baseline out of range", w.admin, path, body(map[string]any{"window_days": 30, "window_min": 101, "baseline": 2}),
				http.StatusUnprocessableEntity, []string{"window_days", "window_min", "baseline"}},
			{"alpha and sigma out of range", w.admin, path, body(map[string]any{"alpha": 0.5, "min_sigma": -1}),
				http.StatusUnprocessableEntity, []string{"alpha", "min_sigma"}},
			{"missing settings", w.admin, path, body(map[string]any{"epidemic_active": nil, "method": nil}),
				http.StatusUnprocessableEntity, []string{"epidemic_active", "method"}},
			{"wrong types", w.admin, path, body(map[string]any{"day_min": "三", "epidemic_active": "yes", "high_fever": "39"}),
				http.StatusBadRequest, []string{"day_min", "epidemic_active", "high_fever"}},
			{"a fraction", w.admin, path, body(map[string]any{"baseline": 7.5}), http.StatusBadRequest, []string{"baseline"}},
			{"unknown field", w.admin, path, body(map[string]any{"DayMin": 3}), http.StatusBadRequest, []string{"DayMin"}},
			{"not JSON", w.admin, path, "{", http.StatusBadRequest, nil},
			{"not a top-level region", w.admin, other, body(nil), http.StatusNotFound, nil},
			{"a school", w.admin, fmt.Sprintf("/api/v1/orgs/%d/rules", tr.School.ID), body(nil), http.StatusNotFound, nil},
			{"bad id", w.admin, "/api/v1/orgs/x/rules", body(nil), http.StatusBadRequest, []string{"id"}},
			{"a region viewer", w.viewer, path, body(nil), http.StatusForbidden, nil},
			{"a health officer", w.officer, path, body(nil), http.StatusNotFound, nil},
			{"a principal", w.c.as(t, s, campusguard.SchoolAdmin, tr.School), path, body(nil), http.StatusNotFound, nil},
			{"anonymous", w.c.anonymous(), path, body(nil), http.StatusUnauthorized, nil},
		} {
			t.Run(tt.name, func(t *testing.T) {
				r := tt.who.send("PUT", tt.path, tt.body)
				wantStatus(t, r, tt.status)
				if tt.fields != nil {
					wantFields(t, r.Err(t), tt.fields...)
				}
			})
		}
		if cfg := get(w.admin); cfg != want {
			t.Errorf("rules after refused PUTs = %+v, want %+v", cfg, want)
		}
		wantError(t, w.admin.get(other), http.StatusNotFound, campusguard.NotFound)
		wantError(t, w.officer.get(path), http.StatusNotFound, campusguard.NotFound)
		wantError(t, w.c.anonymous().get(path), http.StatusUnauthorized, campusguard.Unauthenticated)
		wantFields(t, wantError(t, w.admin.get("/api/v1/orgs/0/rules"), http.StatusBadRequest, campusguard.Invalid), "id")

		// The next run uses them: four similar cases now make a cluster.
		if d := w.detect(t); d.Opened != 0 {
			t.Errorf("detect with day_min 4 = %+v, want nothing for three cases", d)
		}
	})
}
