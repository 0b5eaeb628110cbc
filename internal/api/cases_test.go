package api

import (
	"bytes"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// casePeople are a tree with a boarding student who falls ill, a
// classmate, and a student of the other school.
type casePeople struct {
	tr                        *sqlstoretest.Tree
	student, classmate, other *campusguard.Person
}

func mustCasePeople(t *testing.T, s *sqlstore.Store) *casePeople {
	t.Helper()
	tr := mustTree(t, s)
	cp := &casePeople{tr: tr}
	mk := func(p *campusguard.Person) *campusguard.Person {
		t.Helper()
		if err := s.CreatePerson(ctx, p); err != nil {
			t.Fatalf("CreatePerson(%s) = %v", p.Name, err)
		}
		return p
	}
	cp.student = mk(&campusguard.Person{SchoolID: tr.School.ID, Kind: campusguard.Student, Name: "林小雨", Number: "C1",
		ClassID: &tr.Class1.ID, Boarding: true, DormRoomID: &tr.Room.ID, Bed: "1", BusRouteID: &tr.Route.ID})
	cp.classmate = mk(&campusguard.Person{SchoolID: tr.School.ID, Kind: campusguard.Student, Name: "陈子涵", Number: "C2",
		ClassID: &tr.Class1.ID})
	cp.other = mk(&campusguard.Person{SchoolID: tr.Other.ID, Kind: campusguard.Student, Name: "郑一鸣", Number: "O1",
		ClassID: &tr.OtherClass.ID})
	return cp
}

// caseView is the JSON of GET /api/v1/cases/{id}, for decoding.
type caseDetail struct {
	Case  campusguard.Case       `json:"case"`
	Steps []campusguard.CaseStep `json:"steps"`
}

func countCases(tb testing.TB, s *sqlstore.Store) int {
	tb.Helper()
	var n int
	if err := s.DB().QueryRow(`SELECT COUNT(*) FROM cases`).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

// wantFields fails the test unless the error names exactly the fields.
func wantFields(tb testing.TB, e errorBody, fields ...string) {
	tb.Helper()
	got := e.fieldSet()
	slices.Sort(got)
	got = slices.Compact(got)
	slices.Sort(fields)
	if !slices.Equal(got, fields) {
		tb.Errorf("error fields = %v, want %v (%+v)", got, fields, e)
	}
}

// TestCaseLife follows a case through the API from a hand-opened case to
// its close, with its refused steps, its contacts and the gate holds.
func TestCaseLife(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		cp := mustCasePeople(t, s)
		tr := cp.tr
		c := newStoreClient(t, s)
		teacher := c.as(t, s, campusguard.ClassTeacher, tr.Class1)
		officer := c.as(t, s, campusguard.HealthOffice, tr.School)
		stranger := c.as(t, s, campusguard.HealthOffice, tr.Other)
		day := today().String()

		// The class teacher opens a case by hand.
		r := teacher.send("POST", "/api/v1/cases", map[string]any{"person_id": cp.student.ID, "onset_day": day,
			"symptoms": []string{"fever", "cough"}, "temperature": 38.4, "note": "午检发现精神差"})
		wantStatus(t, r, http.StatusCreated)
		var k campusguard.Case
		r.JSON(t, &k)
		if k.State != campusguard.CaseDetected || k.Source != campusguard.SourceManual || k.PersonID != cp.student.ID ||
			k.PersonName != cp.student.Name || k.Temperature == nil || *k.Temperature != 38.4 || k.OnsetDay.String() != day {
			t.Errorf("opened case = %+v", k)
		}
		if loc := r.Header.Get("Location"); loc != fmt.Sprintf("/api/v1/cases/%d", k.ID) {
			t.Errorf("Location = %q", loc)
		}
		casePath := fmt.Sprintf("/api/v1/cases/%d", k.ID)
		moves := casePath + "/transitions"

		// A second open case for the same person is a conflict.
		wantError(t, officer.send("POST", "/api/v1/cases", map[string]any{"person_id": cp.student.ID, "onset_day": day,
			"temperature": 38.0}), http.StatusConflict, campusguard.Conflict)

		// Lists and filters.
		var page list[campusguard.Case]
		for _, tt := range []struct {
			query string
			want  int
		}{
			{"", 1},
			{fmt.Sprintf("?person_id=%d", cp.student.ID), 1},
			{fmt.Sprintf("?org_id=%d&open=true", tr.Class1.ID), 1},
			{fmt.Sprintf("?org_id=%d", tr.Class2.ID), 0},
			{"?state=detected", 1},
			{"?state=closed", 0},
			{"?overdue=true", 0},
			{"?offset=0&limit=10", 1},
		} {
			r = officer.get("/api/v1/cases" + tt.query)
			wantStatus(t, r, http.StatusOK)
			r.JSON(t, &page)
			if page.Total != tt.want || len(page.Items) != tt.want {
				t.Errorf("GET /api/v1/cases%s = %d of %d, want %d", tt.query, len(page.Items), page.Total, tt.want)
			}
		}
		r = stranger.get("/api/v1/cases")
		wantStatus(t, r, http.StatusOK)
		if r.JSON(t, &page); page.Total != 0 {
			t.Errorf("another school's officer sees %d cases", page.Total)
		}
		wantError(t, stranger.get(fmt.Sprintf("/api/v1/cases?org_id=%d", tr.School.ID)), http.StatusNotFound, campusguard.NotFound)

		// The student is held at the gate.
		holds := fmt.Sprintf("/api/v1/orgs/%d/gate-holds", tr.School.ID)
		r = c.as(t, s, campusguard.GateStaff, tr.School).get(holds)
		wantStatus(t, r, http.StatusOK)
		var held items[gateHold]
		if r.JSON(t, &held); len(held.Items) != 1 || held.Items[0].PersonID != cp.student.ID || held.Items[0].State != campusguard.CaseDetected {
			t.Errorf("gate holds = %+v, want the student, detected", held.Items)
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
			{"skipping a state", officer, moves, map[string]any{"to": "isolated", "isolation": "home"}, http.StatusUnprocessableEntity, []string{"to"}},
			{"no such state", officer, moves, map[string]any{"to": "cured"}, http.StatusUnprocessableEntity, []string{"to"}},
			{"backwards", officer, moves, map[string]any{"to": "detected"}, http.StatusUnprocessableEntity, []string{"to"}},
			{"state of the wrong type", officer, moves, map[string]any{"to": 2}, http.StatusBadRequest, []string{"to"}},
			{"unknown field", officer, moves, map[string]any{"to": "reported", "urgent": true}, http.StatusBadRequest, []string{"urgent"}},
			{"not JSON", officer, moves, "{to:", http.StatusBadRequest, nil},
			{"bad id", officer, "/api/v1/cases/abc/transitions", map[string]any{"to": "reported"}, http.StatusBadRequest, []string{"id"}},
			{"unknown case", officer, "/api/v1/cases/999999/transitions", map[string]any{"to": "reported"}, http.StatusNotFound, nil},
			{"out of scope", stranger, moves, map[string]any{"to": "reported"}, http.StatusNotFound, nil},
			{"a class teacher", teacher, moves, map[string]any{"to": "reported"}, http.StatusForbidden, nil},
		} {
			t.Run(tt.name, func(t *testing.T) {
				r := tt.who.send("POST", tt.path, tt.body)
				wantStatus(t, r, tt.status)
				if tt.fields != nil {
					wantFields(t, r.Err(t), tt.fields...)
				}
			})
		}
		r = officer.get(casePath)
		wantStatus(t, r, http.StatusOK)
		var d caseDetail
		if r.JSON(t, &d); d.Case.State != campusguard.CaseDetected || len(d.Steps) != 1 || d.Steps[0].To != campusguard.CaseDetected || d.Steps[0].From != "" {
			t.Errorf("after refused steps: case %s with steps %+v", d.Case.State, d.Steps)
		}

		// No contacts before a suspected or confirmed outcome.
		wantFields(t, wantError(t, officer.get(casePath+"/contacts"), http.StatusUnprocessableEntity, campusguard.Invalid), "outcome")

		// The life of the case, each step with what it needs.
		for _, tt := range []struct {
			missing map[string]any
			field   string
			step    map[string]any
		}{
			{nil, "", map[string]any{"to": "reported", "note": "已电话报告镇卫生院"}},
			{map[string]any{"to": "isolated"}, "isolation", map[string]any{"to": "isolated", "isolation": "home", "note": "家长已接回"}},
			{nil, "", map[string]any{"to": "referred"}},
			{map[string]any{"to": "outcome", "outcome": "maybe"}, "outcome", map[string]any{"to": "outcome", "outcome": "suspected"}},
		} {
			if tt.missing != nil {
				wantFields(t, wantError(t, officer.send("POST", moves, tt.missing), http.StatusUnprocessableEntity, campusguard.Invalid), tt.field)
			}
			r = officer.send("POST", moves, tt.step)
			wantStatus(t, r, http.StatusOK)
			if r.JSON(t, &k); string(k.State) != tt.step["to"] {
				t.Fatalf("after %v: state %s", tt.step, k.State)
			}
		}
		if k.Isolation != campusguard.IsolationHome || k.Outcome != campusguard.OutcomeSuspected || k.ReportedAt == nil || k.IsolatedAt == nil {
			t.Errorf("case after the outcome = %+v", k)
		}

		// The close contacts, as JSON and as a workbook.
		r = officer.get(casePath + "/contacts")
		wantStatus(t, r, http.StatusOK)
		var contacts items[campusguard.Contact]
		r.JSON(t, &contacts)
		var mate *campusguard.Contact
		for i, ct := range contacts.Items {
			if ct.PersonID == cp.classmate.ID {
				mate = &contacts.Items[i]
			}
			if ct.PersonID == cp.other.ID || ct.PersonID == cp.student.ID {
				t.Errorf("contact %+v should not be listed", ct)
			}
		}
		if mate == nil || !slices.Equal(mate.Reasons, []campusguard.ContactReason{campusguard.ContactClassmate}) || mate.Name != cp.classmate.Name {
			t.Fatalf("contacts = %+v, want the classmate", contacts.Items)
		}
		wantError(t, stranger.get(casePath+"/contacts"), http.StatusNotFound, campusguard.NotFound)

		r = officer.get(casePath + "/contacts.xlsx")
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
		rows, err := f.GetRows("密切接触者")
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"姓名", "类别", "编号", "接触原因", "随访起", "随访止", "已报告天数", "异常", "有未结病例"}
		if len(rows) != len(contacts.Items)+1 || !slices.Equal(rows[0], want) {
			t.Fatalf("workbook rows = %v, want the header and %d contacts", rows, len(contacts.Items))
		}
		var mateRow []string
		for _, row := range rows[1:] {
			if row[0] == cp.classmate.Name {
				mateRow = row
			}
		}
		wantRow := []string{cp.classmate.Name, "学生", "C2", "同班", mate.FollowFrom.String(), mate.FollowUntil.String(),
			fmt.Sprint(mate.DaysChecked), "否", "否"}
		if !slices.Equal(mateRow, wantRow) {
			t.Errorf("classmate's row = %v, want %v", mateRow, wantRow)
		}
		wantError(t, stranger.get(casePath+"/contacts.xlsx"), http.StatusNotFound, campusguard.NotFound)
		wantError(t, officer.get("/api/v1/cases/999999/contacts.xlsx"), http.StatusNotFound, campusguard.NotFound)

		// Return clearance needs the certificate; then the gate lets the
		// student in, and the case closes.
		wantFields(t, wantError(t, officer.send("POST", moves, map[string]any{"to": "cleared", "certificate": "  "}),
			http.StatusUnprocessableEntity, campusguard.Invalid), "certificate")
		r = officer.send("POST", moves, map[string]any{"to": "cleared", "certificate": "云霄县医院 2026-1201-0087"})
		wantStatus(t, r, http.StatusOK)
		r = officer.get(holds)
		wantStatus(t, r, http.StatusOK)
		if r.JSON(t, &held); len(held.Items) != 0 {
			t.Errorf("gate holds after clearance = %+v, want none", held.Items)
		}
		r = officer.send("POST", moves, map[string]any{"to": "closed", "note": "结案"})
		wantStatus(t, r, http.StatusOK)
		if r.JSON(t, &k); k.State != campusguard.CaseClosed || k.ClosedAt == nil || k.Certificate != "云霄县医院 2026-1201-0087" {
			t.Errorf("closed case = %+v", k)
		}
		wantFields(t, wantError(t, officer.send("POST", moves, map[string]any{"to": "reported"}),
			http.StatusUnprocessableEntity, campusguard.Invalid), "to")

		r = officer.get(casePath)
		wantStatus(t, r, http.StatusOK)
		r.JSON(t, &d)
		var states []campusguard.CaseState
		for _, st := range d.Steps {
			states = append(states, st.To)
		}
		if !slices.Equal(states, campusguard.CaseStates) || d.Steps[2].Isolation != campusguard.IsolationHome ||
			d.Steps[1].Note != "已电话报告镇卫生院" || d.Steps[1].By == "" {
			t.Errorf("steps = %+v, want one per state in order", d.Steps)
		}
		r = officer.get("/api/v1/cases?open=true")
		wantStatus(t, r, http.StatusOK)
		if r.JSON(t, &page); page.Total != 0 {
			t.Errorf("open cases after closing = %d", page.Total)
		}

		// Reading a case: unknown, out of scope, bad id, anonymous.
		wantError(t, officer.get("/api/v1/cases/999999"), http.StatusNotFound, campusguard.NotFound)
		wantError(t, stranger.get(casePath), http.StatusNotFound, campusguard.NotFound)
		wantFields(t, wantError(t, officer.get("/api/v1/cases/0"), http.StatusBadRequest, campusguard.Invalid), "id")
		for _, path := range []string{"/api/v1/cases", casePath, casePath + "/contacts", casePath + "/contacts.xlsx", holds} {
			wantError(t, c.anonymous().get(path), http.StatusUnauthorized, campusguard.Unauthenticated)
		}
		wantError(t, c.anonymous().send("POST", moves, map[string]any{"to": "reported"}), http.StatusUnauthorized, campusguard.Unauthenticated)
	})
}

// TestCaseBadInput: every bad request to open or list cases is refused
// naming its fields, and opens nothing.
func TestCaseBadInput(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		cp := mustCasePeople(t, s)
		tr := cp.tr
		c := newStoreClient(t, s)
		officer := c.as(t, s, campusguard.HealthOffice, tr.School)
		day := today().String()
		tomorrow := today().AddDays(1).String()
		for _, tt := range []struct {
			name   string
			who    *client
			body   any
			status int
			fields []string
		}{
			{"future onset, no sign", officer, map[string]any{"person_id": cp.student.ID, "onset_day": tomorrow},
				http.StatusUnprocessableEntity, []string{"onset_day", "symptoms"}},
			{"nothing", officer, map[string]any{}, http.StatusUnprocessableEntity, []string{"person_id", "onset_day", "symptoms"}},
			{"unknown symptom", officer, map[string]any{"person_id": cp.student.ID, "onset_day": day, "symptoms": []string{"sneezing"}},
				http.StatusUnprocessableEntity, []string{"symptoms"}},
			{"temperature out of range", officer, map[string]any{"person_id": cp.student.ID, "onset_day": day, "temperature": 45},
				http.StatusUnprocessableEntity, []string{"temperature"}},
			{"wrong types", officer, map[string]any{"person_id": "林小雨", "onset_day": "30/11/2026", "temperature": "hot"},
				http.StatusBadRequest, []string{"person_id", "onset_day", "temperature"}},
			{"unknown field", officer, map[string]any{"person_id": cp.student.ID, "onset_day": day, "temperature": 38, "severity": 3},
				http.StatusBadRequest, []string{"severity"}},
			{"not an object", officer, "[1]", http.StatusBadRequest, nil},
			{"out-of-scope person", officer, map[string]any{"person_id": cp.other.ID, "onset_day": day, "temperature": 38},
				http.StatusNotFound, []string{"person_id"}},
			{"unknown person", officer, map[string]any{"person_id": 999999, "onset_day": day, "temperature": 38},
				http.StatusNotFound, []string{"person_id"}},
			{"a region viewer", c.as(t, s, campusguard.RegionViewer, tr.County),
				map[string]any{"person_id": cp.student.ID, "onset_day": day, "temperature": 38}, http.StatusForbidden, nil},
			{"anonymous", c.anonymous(), map[string]any{"person_id": cp.student.ID, "onset_day": day, "temperature": 38},
				http.StatusUnauthorized, nil},
		} {
			t.Run(tt.name, func(t *testing.T) {
				r := tt.who.send("POST", "/api/v1/cases", tt.body)
				wantStatus(t, r, tt.status)
				if tt.fields != nil {
					wantFields(t, r.Err(t), tt.fields...)
				}
			})
		}
		if n := countCases(t, s); n != 0 {
			t.Errorf("bad requests opened %d cases", n)
		}

		for query, field := range map[string]string{
			"?state=cured": "state",
			"?open=yes":    "open",
			"?overdue=1":   "overdue",
			"?org_id=abc":  "org_id",
			"?person_id=0": "person_id",
			"?limit=0":     "limit",
			"?limit=501":   "limit",
			"?offset=-1":   "offset",
		} {
			wantFields(t, wantError(t, officer.get("/api/v1/cases"+query), http.StatusBadRequest, campusguard.Invalid), field)
		}
		holds := func(id int64) string { return fmt.Sprintf("/api/v1/orgs/%d/gate-holds", id) }
		wantError(t, officer.get(holds(tr.Class1.ID)), http.StatusNotFound, campusguard.NotFound) // not a school
		wantError(t, officer.get(holds(tr.Other.ID)), http.StatusNotFound, campusguard.NotFound)  // out of scope
		wantFields(t, wantError(t, officer.get("/api/v1/orgs/x/gate-holds"), http.StatusBadRequest, campusguard.Invalid), "id")
	})
}

// TestRegionSettings: the report time limit of a top-level region, and the
// cases opened after it changes.
func TestRegionSettings(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		cp := mustCasePeople(t, s)
		tr := cp.tr
		c := newStoreClient(t, s)
		admin := c.as(t, s, campusguard.RegionAdmin, tr.County)
		path := fmt.Sprintf("/api/v1/orgs/%d/settings", tr.County.ID)
		get := func(who *client) int {
			t.Helper()
			r := who.get(path)
			wantStatus(t, r, http.StatusOK)
			var rs regionSettings
			r.JSON(t, &rs)
			return rs.ReportWithinMinutes
		}
		if m := get(admin); m != 120 {
			t.Errorf("default report_within_minutes = %d, want 120", m)
		}
		r := admin.send("PUT", path, map[string]any{"report_within_minutes": 60})
		wantStatus(t, r, http.StatusOK)
		if m := get(c.as(t, s, campusguard.RegionViewer, tr.County)); m != 60 {
			t.Errorf("report_within_minutes after PUT = %d, want 60", m)
		}

		for _, tt := range []struct {
			name   string
			who    *client
			path   string
			body   any
			status int
			fields []string
		}{
			{"too short", admin, path, map[string]any{"report_within_minutes": 9}, http.StatusUnprocessableEntity, []string{"report_within_minutes"}},
			{"too long", admin, path, map[string]any{"report_within_minutes": 1441}, http.StatusUnprocessableEntity, []string{"report_within_minutes"}},
			{"huge", admin, path, map[string]any{"report_within_minutes": int64(1) << 50}, http.StatusUnprocessableEntity, []string{"report_within_minutes"}},
			{"missing", admin, path, map[string]any{}, http.StatusUnprocessableEntity, []string{"report_within_minutes"}},
			{"not a number", admin, path, map[string]any{"report_within_minutes": "一小时"}, http.StatusBadRequest, []string{"report_within_minutes"}},
			{"a fraction", admin, path, map[string]any{"report_within_minutes": 30.5}, http.StatusBadRequest, []string{"report_within_minutes"}},
			{"unknown field", admin, path, map[string]any{"report_within_minutes": 30, "isolate_within": 5}, http.StatusBadRequest, []string{"isolate_within"}},
			{"not a top-level region", admin, fmt.Sprintf("/api/v1/orgs/%d/settings", tr.Town.ID), map[string]any{"report_within_minutes": 30}, http.StatusNotFound, nil},
			{"a school", admin, fmt.Sprintf("/api/v1/orgs/%d/settings", tr.School.ID), map[string]any{"report_within_minutes": 30}, http.StatusNotFound, nil},
			{"unknown org", admin, "/api/v1/orgs/999999/settings", map[string]any{"report_within_minutes": 30}, http.StatusNotFound, nil},
			{"bad id", admin, "/api/v1/orgs/abc/settings", map[string]any{"report_within_minutes": 30}, http.StatusBadRequest, []string{"id"}},
			{"a region viewer", c.as(t, s, campusguard.RegionViewer, tr.County), path, map[string]any{"report_within_minutes": 30}, http.StatusForbidden, nil},
			{"a principal", c.as(t, s, campusguard.SchoolAdmin, tr.School), path, map[string]any{"report_within_minutes": 30}, http.StatusNotFound, nil},
			{"anonymous", c.anonymous(), path, map[string]any{"report_within_minutes": 30}, http.StatusUnauthorized, nil},
		} {
			t.Run(tt.name, func(t *testing.T) {
				r := tt.who.send("PUT", tt.path, tt.body)
				wantStatus(t, r, tt.status)
				if tt.fields != nil {
					wantFields(t, r.Err(t), tt.fields...)
				}
			})
		}
		if m := get(admin); m != 60 {
			t.Errorf("report_within_minutes after refused PUTs = %d, want 60", m)
		}
		wantError(t, admin.get(fmt.Sprintf("/api/v1/orgs/%d/settings", tr.Town.ID)), http.StatusNotFound, campusguard.NotFound)
		wantError(t, c.as(t, s, campusguard.SchoolAdmin, tr.School).get(path), http.StatusNotFound, campusguard.NotFound)
		wantError(t, c.anonymous().get(path), http.StatusUnauthorized, campusguard.Unauthenticated)

		// A case opened now must be reported within the hour.
		r = c.as(t, s, campusguard.HealthOffice, tr.School).send("POST", "/api/v1/cases",
			map[string]any{"person_id": cp.student.ID, "onset_day": today().String(), "temperature": 38.1})
		wantStatus(t, r, http.StatusCreated)
		var k campusguard.Case
		if r.JSON(t, &k); k.ReportDue.Sub(k.DetectedAt) != time.Hour {
			t.Errorf("report due %v after detection, want 1h", k.ReportDue.Sub(k.DetectedAt))
		}
	})
}
