package api

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

const checkDay = "2026-11-30"

// checkList is the JSON of a page of checks.
type checkList = list[campusguard.Check]

// joinedGuardian returns a client signed in by cookie as a guardian of
// student, who joined with a binding code the class teacher issued.
func joinedGuardian(t *testing.T, s *sqlstore.Store, c *client, class *campusguard.Org, student *campusguard.Person, phone string) *client {
	t.Helper()
	r := c.as(t, s, campusguard.ClassTeacher, class).send("POST", fmt.Sprintf("/api/v1/classes/%d/binding-codes", class.ID), nil)
	wantStatus(t, r, http.StatusCreated)
	var codes items[campusguard.BindingCode]
	r.JSON(t, &codes)
	code := ""
	for _, b := range codes.Items {
		if b.StudentID == student.ID {
			code = b.Code
		}
	}
	family := c.anonymous().seeingContacts()
	r = family.send("POST", "/api/v1/join", map[string]any{"code": code, "name": "陈建国", "phone": phone,
		"relation": "父亲", "password": "chen-2026-xm"})
	wantStatus(t, r, http.StatusCreated)
	var sv sessionView
	r.JSON(t, &sv)
	ck := cookieOf(r)
	if ck == nil {
		t.Fatal("join set no cookie")
	}
	return c.withCookie(ck.Value, sv.CSRFToken)
}

func postCheck(t *testing.T, c *client, body map[string]any, status int) campusguard.Check {
	t.Helper()
	r := c.send("POST", "/api/v1/checks", body)
	wantStatus(t, r, status)
	var got campusguard.Check
	r.JSON(t, &got)
	return got
}

func TestCheckKinds(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		onCheckDay(t, s)
		tr := mustTree(t, s)
		ps := mustPeople(t, s, tr)
		c := newStoreClient(t, s).secretsOf()

		// A temperature gate posts a batch by API token.
		gate := c.as(t, s, campusguard.GateStaff, tr.School)
		r := gate.send("POST", "/api/v1/checks/batch", map[string]any{"checks": []map[string]any{
			{"person_id": ps.a1.ID, "day": checkDay, "kind": "gate", "temperature": 36.5, "client_key": "gate-1"},
			{"person_id": ps.a2.ID, "day": checkDay, "kind": "gate", "temperature": 37.84, "client_key": "gate-2"},
		}})
		wantStatus(t, r, http.StatusOK)
		var res campusguard.BatchResult
		r.JSON(t, &res)
		if res.Rows != 2 || res.Created != 2 || res.Failed != 0 || len(res.Errors) != 0 {
			t.Errorf("batch = %+v, want 2 created", res)
		}
		// Gate staff record the bus check too.
		bus := postCheck(t, gate, map[string]any{"person_id": ps.a1.ID, "day": checkDay, "kind": "bus", "temperature": 36.4,
			"mask": true, "bus_route_id": tr.Route.ID, "client_key": "bus-1"}, http.StatusCreated)
		if bus.Mask == nil || !*bus.Mask || bus.BusRouteID == nil || *bus.BusRouteID != tr.Route.ID {
			t.Errorf("bus check = %+v", bus)
		}

		// The class teacher's morning check: absent for illness.
		teacher, _ := c.signedIn(t, s, campusguard.Grant{Role: campusguard.ClassTeacher, OrgID: tr.Class1.ID})
		m := postCheck(t, teacher, map[string]any{"person_id": ps.a2.ID, "day": checkDay, "kind": "morning",
			"attendance": "absent", "absence_reason": "illness", "note": "家长来电说发烧", "client_key": "morning-a2"}, http.StatusCreated)
		if m.Kind != campusguard.MorningCheck || m.Attendance != campusguard.Absent || m.AbsenceReason != campusguard.AbsentIll ||
			m.Version != 1 || !m.Current || m.ClassID == nil || *m.ClassID != tr.Class1.ID || m.Day.String() != checkDay {
			t.Errorf("morning check = %+v", m)
		}

		// A guardian's home report for their own child, by cookie; the day
		// defaults to today.
		guardian := joinedGuardian(t, s, c, tr.Class1, ps.a1, guardianA1)
		h := postCheck(t, guardian, map[string]any{"person_id": ps.a1.ID, "kind": "home", "temperature": 37.5,
			"symptoms": []string{"cough"}, "health_code": "green", "client_key": "phone-1"}, http.StatusCreated)
		if !h.Fever || !h.Abnormal || h.Day != today() || len(h.Symptoms) != 1 || *h.Temperature != 37.5 {
			t.Errorf("home report = %+v, want a fever today", h)
		}
		// ... but not for another family's child.
		wantError(t, guardian.send("POST", "/api/v1/checks", map[string]any{"person_id": ps.a2.ID, "kind": "home",
			"temperature": 36.5, "client_key": "phone-2"}), http.StatusNotFound, campusguard.NotFound)

		// The class teacher lists the day's abnormal checks of the class.
		r = teacher.get(fmt.Sprintf("/api/v1/checks?class_id=%d&day=%s&abnormal=true", tr.Class1.ID, checkDay))
		wantStatus(t, r, http.StatusOK)
		var l checkList
		r.JSON(t, &l)
		if l.Total != 1 || len(l.Items) != 1 || l.Items[0].PersonID != ps.a2.ID || l.Items[0].Kind != campusguard.GateCheck ||
			*l.Items[0].Temperature != 37.8 {
			t.Errorf("abnormal checks = %+v, want a2's gate fever", l)
		}
		r = teacher.get(fmt.Sprintf("/api/v1/checks?day=%s&kind=gate", checkDay))
		wantStatus(t, r, http.StatusOK)
		r.JSON(t, &l)
		if l.Total != 2 {
			t.Errorf("gate checks = %d, want 2", l.Total)
		}
		e := wantError(t, teacher.get("/api/v1/checks?day=yesterday&abnormal=maybe&kind=lunch"), http.StatusBadRequest, campusguard.Invalid)
		if diff := cmp.Diff([]string{"day", "kind", "abnormal"}, e.fieldSet()); diff != "" {
			t.Errorf("fields (-want +got):\n%s", diff)
		}
	})
}

func TestCheckIdempotentAndCorrection(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		onCheckDay(t, s)
		tr := mustTree(t, s)
		ps := mustPeople(t, s, tr)
		c := adminClient(t, s, tr).secretsOf()
		body := map[string]any{"person_id": ps.a1.ID, "day": checkDay, "kind": "home", "temperature": 37.6,
			"symptoms": []string{"fever", "cough"}, "client_key": "家长端-0001"}
		first := postCheck(t, c, body, http.StatusCreated)
		// A retry: 200 with the same check, nothing new.
		again := postCheck(t, c, body, http.StatusOK)
		if again.ID != first.ID || again.Version != 1 {
			t.Errorf("retry = %+v, want the stored %d", again, first.ID)
		}
		var l checkList
		c.get(fmt.Sprintf("/api/v1/checks?person_id=%d&history=true", ps.a1.ID)).JSON(t, &l)
		if l.Total != 1 {
			t.Fatalf("after a retry: %d checks, want 1", l.Total)
		}
		// A correction: a new key for the same person, day and kind.
		fix := postCheck(t, c, map[string]any{"person_id": ps.a1.ID, "day": checkDay, "kind": "home", "temperature": 36.6,
			"client_key": "家长端-0002"}, http.StatusCreated)
		if fix.Version != 2 || fix.Supersedes == nil || *fix.Supersedes != first.ID || fix.Fever || fix.Abnormal {
			t.Errorf("correction = %+v, want version 2 superseding %d", fix, first.ID)
		}
		r := c.get(fmt.Sprintf("/api/v1/checks?person_id=%d&history=true", ps.a1.ID))
		wantStatus(t, r, http.StatusOK)
		r.JSON(t, &l)
		if l.Total != 2 || len(l.Items) != 2 {
			t.Fatalf("history = %+v, want both versions", l)
		}
		versions := map[int]bool{}
		for _, it := range l.Items {
			versions[it.Version] = it.Current
		}
		if !cmp.Equal(versions, map[int]bool{1: false, 2: true}) {
			t.Errorf("history versions (version: current) = %v", versions)
		}
		c.get(fmt.Sprintf("/api/v1/checks?person_id=%d", ps.a1.ID)).JSON(t, &l)
		if l.Total != 1 || l.Items[0].ID != fix.ID {
			t.Errorf("current checks = %+v, want only the correction", l)
		}
	})
}

func TestCheckRefused(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		onCheckDay(t, s)
		tr := mustTree(t, s)
		ps := mustPeople(t, s, tr)
		c := newStoreClient(t, s).secretsOf()
		admin := c.as(t, s, campusguard.SchoolAdmin, tr.School)
		gate := c.as(t, s, campusguard.GateStaff, tr.School)
		postCheck(t, admin, map[string]any{"person_id": ps.a1.ID, "day": checkDay, "kind": "gate", "temperature": 36.5,
			"client_key": "used"}, http.StatusCreated)
		gateCheck := func(person int64, temp float64, key string) map[string]any {
			return map[string]any{"person_id": person, "day": checkDay, "kind": "gate", "temperature": temp, "client_key": key}
		}
		tests := []struct {
			name   string
			c      *client
			body   map[string]any
			status int
			code   campusguard.Code
			fields []string
		}{
			{"temperature 33.9", admin, gateCheck(ps.a2.ID, 33.9, "k1"), 422, campusguard.Invalid, []string{"temperature"}},
			{"temperature 43.1", admin, gateCheck(ps.a2.ID, 43.1, "k2"), 422, campusguard.Invalid, []string{"temperature"}},
			{"unknown symptom", admin, map[string]any{"person_id": ps.a2.ID, "kind": "home", "temperature": 36.5,
				"symptoms": []string{"sneezing"}, "client_key": "k3"}, 422, campusguard.Invalid, []string{"symptoms"}},
			{"attendance on a home check", admin, map[string]any{"person_id": ps.a2.ID, "kind": "home", "temperature": 36.5,
				"attendance": "present", "client_key": "k4"}, 422, campusguard.Invalid, []string{"attendance"}},
			{"absent without a reason", admin, map[string]any{"person_id": ps.a2.ID, "kind": "morning",
				"attendance": "absent", "client_key": "k5"}, 422, campusguard.Invalid, []string{"absence_reason"}},
			{"temperature as text", admin, map[string]any{"person_id": ps.a2.ID, "kind": "gate", "temperature": "36.5",
				"client_key": "k6"}, 400, campusguard.Invalid, []string{"temperature"}},
			{"unknown student", admin, gateCheck(99999, 36.5, "k7"), 404, campusguard.NotFound, []string{"person_id"}},
			{"student of another school", gate, gateCheck(ps.o1.ID, 36.5, "k8"), 404, campusguard.NotFound, []string{"person_id"}},
			{"key used for another person", admin, gateCheck(ps.a2.ID, 36.5, "used"), 409, campusguard.Conflict, []string{"client_key"}},
			{"gate staff morning check", gate, map[string]any{"person_id": ps.a2.ID, "kind": "morning", "attendance": "present",
				"client_key": "k9"}, 403, campusguard.Forbidden, nil},
			{"anonymous", c.anonymous(), gateCheck(ps.a2.ID, 36.5, "k10"), 401, campusguard.Unauthenticated, nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				cl := *tt.c
				cl.t = t
				e := wantError(t, cl.send("POST", "/api/v1/checks", tt.body), tt.status, tt.code)
				if diff := cmp.Diff(tt.fields, e.fieldSet()); diff != "" {
					t.Errorf("fields (-want +got):\n%s", diff)
				}
			})
		}
		var l checkList
		admin.get("/api/v1/checks?history=true").JSON(t, &l)
		if l.Total != 1 {
			t.Errorf("checks = %d after refused submissions, want 1", l.Total)
		}
	})
}

func TestCheckBatch(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		onCheckDay(t, s)
		tr := mustTree(t, s)
		ps := mustPeople(t, s, tr)
		c := newStoreClient(t, s).secretsOf()
		device := c.as(t, s, campusguard.GateStaff, tr.School)
		reading := func(person int64, temp float64, key string) map[string]any {
			return map[string]any{"person_id": person, "day": checkDay, "kind": "gate", "temperature": temp, "client_key": key}
		}
		batch := map[string]any{"checks": []map[string]any{
			reading(ps.a1.ID, 36.5, "g1"),
			reading(ps.a2.ID, 55.0, "g2"), // out of range
			reading(ps.o1.ID, 36.6, "g3"), // another school
			reading(ps.b1.ID, 37.6, "g4"),
			reading(ps.a1.ID, 36.5, "g1"), // the same reading again
			reading(99999, 36.5, "g5"),    // unknown person
			{"person_id": ps.a2.ID, "day": checkDay, "kind": "gate", "client_key": "g6"}, // no temperature
		}}
		send := func() (campusguard.BatchResult, errorBody) {
			t.Helper()
			r := device.send("POST", "/api/v1/checks/batch", batch)
			wantStatus(t, r, http.StatusOK)
			var res campusguard.BatchResult
			r.JSON(t, &res)
			var e errorBody
			r.JSON(t, &struct {
				Fields *[]fieldBody `json:"errors"`
			}{&e.Fields})
			return res, e
		}
		res, e := send()
		if res.Rows != 7 || res.Created != 2 || res.Duplicate != 1 || res.Failed != 4 {
			t.Errorf("batch = %+v, want 2 created, 1 duplicate, 4 failed", res)
		}
		if diff := cmp.Diff([]string{"2:temperature", "3:person_id", "6:person_id", "7:temperature"}, e.fieldSet()); diff != "" {
			t.Errorf("bad rows (-want +got):\n%s", diff)
		}
		for _, f := range e.Fields {
			if f.Message == "" || strings.HasPrefix(f.Message, "error.") {
				t.Errorf("row %d: message %q is not translated", f.Row, f.Message)
			}
		}
		if !strings.Contains(e.Fields[0].Message, "体温") {
			t.Errorf("row 2 message = %q, want it in Chinese", e.Fields[0].Message)
		}
		count := func() int {
			t.Helper()
			var l checkList
			c.as(t, s, campusguard.RegionAdmin, tr.County).get("/api/v1/checks?history=true").JSON(t, &l)
			return l.Total
		}
		if n := count(); n != 2 {
			t.Errorf("checks stored = %d, want 2", n)
		}
		// Sent again whole, nothing new is stored.
		res, _ = send()
		if res.Created != 0 || res.Duplicate != 3 || res.Failed != 4 {
			t.Errorf("batch again = %+v, want 3 duplicates", res)
		}
		if n := count(); n != 2 {
			t.Errorf("checks stored after resending = %d, want 2", n)
		}

		// More rows than MaxBatch: refused whole.
		rows := make([]map[string]any, campusguard.MaxBatch+1)
		for i := range rows {
			rows[i] = reading(ps.a1.ID, 36.5, fmt.Sprint("big-", i))
		}
		e = wantError(t, device.send("POST", "/api/v1/checks/batch", map[string]any{"checks": rows}),
			http.StatusUnprocessableEntity, campusguard.Invalid)
		if diff := cmp.Diff([]string{"checks"}, e.fieldSet()); diff != "" {
			t.Errorf("fields (-want +got):\n%s", diff)
		}
		if n := count(); n != 2 {
			t.Errorf("checks stored after an oversized batch = %d, want 2", n)
		}
	})
}

func TestRollups(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		onCheckDay(t, s)
		tr := mustTree(t, s)
		ps := mustPeople(t, s, tr)
		day, _ := campusguard.ParseDate(checkDay)
		if err := s.OpenDay(sqlstoretest.Ctx, tr.County.ID, day); err != nil {
			t.Fatal(err)
		}
		c := adminClient(t, s, tr).secretsOf()
		postCheck(t, c, map[string]any{"person_id": ps.a1.ID, "day": checkDay, "kind": "gate", "temperature": 38.2,
			"client_key": "r1"}, http.StatusCreated)
		postCheck(t, c, map[string]any{"person_id": ps.a2.ID, "day": checkDay, "kind": "home", "temperature": 36.6,
			"symptoms": []string{"cough"}, "client_key": "r2"}, http.StatusCreated)
		postCheck(t, c, map[string]any{"person_id": ps.b1.ID, "day": checkDay, "kind": "morning", "attendance": "absent",
			"absence_reason": "illness", "client_key": "r3"}, http.StatusCreated)

		rollup := func(org *campusguard.Org, query string) []campusguard.Rollup {
			t.Helper()
			r := c.get(fmt.Sprintf("/api/v1/orgs/%d/rollups%s", org.ID, query))
			wantStatus(t, r, http.StatusOK)
			var got items[campusguard.Rollup]
			r.JSON(t, &got)
			return got.Items
		}
		want := func(org *campusguard.Org, w campusguard.Rollup) {
			t.Helper()
			w.OrgID, w.Day = org.ID, day
			if diff := cmp.Diff([]campusguard.Rollup{w}, rollup(org, "?from="+checkDay+"&to="+checkDay)); diff != "" {
				t.Errorf("%s rollups (-want +got):\n%s", org.Name, diff)
			}
		}
		want(tr.Class1, campusguard.Rollup{Expected: 2, Reported: 2, Abnormal: 2, Fever: 1})
		want(tr.Class2, campusguard.Rollup{Expected: 1, Missing: 1, Absent: 1, IllAbsent: 1, OpenFollowUps: 1})
		want(tr.School, campusguard.Rollup{Expected: 3, Reported: 2, Missing: 1, Abnormal: 2, Fever: 1, Absent: 1, IllAbsent: 1, OpenFollowUps: 1})
		// One day when only from is given; nothing for days without figures.
		if got := rollup(tr.School, "?from="+checkDay); len(got) != 1 {
			t.Errorf("rollups from %s = %+v, want one day", checkDay, got)
		}
		if got := rollup(tr.School, "?from=2026-11-01&to=2026-11-29"); len(got) != 0 {
			t.Errorf("rollups before %s = %+v, want none", checkDay, got)
		}
		rollup(tr.School, "") // today

		e := wantError(t, c.get(fmt.Sprintf("/api/v1/orgs/%d/rollups?from=2026-01-01&to=2027-01-02", tr.School.ID)),
			http.StatusUnprocessableEntity, campusguard.Invalid)
		if diff := cmp.Diff([]string{"to"}, e.fieldSet()); diff != "" {
			t.Errorf("fields (-want +got):\n%s", diff)
		}
		if got := rollup(tr.School, "?from=2026-01-01&to=2026-12-31"); len(got) != 1 {
			t.Errorf("a whole year's rollups = %+v, want one day", got)
		}
		wantError(t, c.get(fmt.Sprintf("/api/v1/orgs/%d/rollups?from=2026-12-01&to=2026-11-30", tr.School.ID)),
			http.StatusUnprocessableEntity, campusguard.Invalid)
		wantError(t, c.get(fmt.Sprintf("/api/v1/orgs/%d/rollups?from=30.11.2026", tr.School.ID)),
			http.StatusBadRequest, campusguard.Invalid)
		// Another school is out of a class teacher's scope.
		teacher := c.as(t, s, campusguard.ClassTeacher, tr.Class1)
		wantError(t, teacher.get(fmt.Sprintf("/api/v1/orgs/%d/rollups", tr.Other.ID)), http.StatusNotFound, campusguard.NotFound)
	})
}
