package api

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

func TestFollowUps(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		onCheckDay(t, s)
		tr := mustTree(t, s)
		ps := mustPeople(t, s, tr)
		day, _ := campusguard.ParseDate(checkDay)
		if err := s.OpenDay(sqlstoretest.Ctx, tr.County.ID, day); err != nil {
			t.Fatal(err)
		}
		c := newStoreClient(t, s).secretsOf()
		teacher := c.as(t, s, campusguard.ClassTeacher, tr.Class1)
		postCheck(t, teacher, map[string]any{"person_id": ps.a2.ID, "day": checkDay, "kind": "morning",
			"attendance": "absent", "absence_reason": "illness", "client_key": "fu-1"}, http.StatusCreated)
		postCheck(t, teacher, map[string]any{"person_id": ps.a1.ID, "day": checkDay, "kind": "morning",
			"attendance": "absent", "absence_reason": "personal", "client_key": "fu-2"}, http.StatusCreated)

		list := func(cl *client, query string) []campusguard.FollowUp {
			t.Helper()
			r := cl.get("/api/v1/followups" + query)
			wantStatus(t, r, http.StatusOK)
			var got items[campusguard.FollowUp]
			r.JSON(t, &got)
			return got.Items
		}
		open := list(teacher, fmt.Sprintf("?class_id=%d&day=%s&open=true", tr.Class1.ID, checkDay))
		if len(open) != 1 || open[0].PersonID != ps.a2.ID || open[0].Done || open[0].PersonName == "" {
			t.Fatalf("open follow-ups = %+v, want a2's illness absence only", open)
		}
		fu := open[0]
		openFollowUps := func() int {
			t.Helper()
			r := teacher.get(fmt.Sprintf("/api/v1/orgs/%d/rollups?from=%s", tr.Class1.ID, checkDay))
			wantStatus(t, r, http.StatusOK)
			var got items[campusguard.Rollup]
			r.JSON(t, &got)
			if len(got.Items) != 1 {
				t.Fatalf("rollups = %+v, want one day", got.Items)
			}
			return got.Items[0].OpenFollowUps
		}
		if n := openFollowUps(); n != 1 {
			t.Errorf("open_followups = %d, want 1", n)
		}
		wantError(t, teacher.get("/api/v1/followups?day=monday&class_id=x"), http.StatusBadRequest, campusguard.Invalid)

		url := fmt.Sprintf("/api/v1/followups/%d/complete", fu.ID)
		report := map[string]any{"symptoms": []string{"fever", "cough"}, "clinic_visit": true, "diagnosis": "上呼吸道感染",
			"expected_return": "2026-12-02", "note": "已在镇卫生院就诊"}
		tests := []struct {
			name   string
			c      *client
			url    string
			body   map[string]any
			status int
			code   campusguard.Code
			fields []string
		}{
			{"nothing learned, back before the absence", teacher, url, map[string]any{"expected_return": "2026-11-29"},
				422, campusguard.Invalid, []string{"diagnosis", "expected_return"}},
			{"unknown symptom", teacher, url, map[string]any{"symptoms": []string{"sneezing"}, "expected_return": "2026-12-01"},
				422, campusguard.Invalid, []string{"symptoms"}},
			{"another class's teacher", c.as(t, s, campusguard.ClassTeacher, tr.Class2), url, report,
				404, campusguard.NotFound, nil},
			{"unknown follow-up", teacher, "/api/v1/followups/99999/complete", report, 404, campusguard.NotFound, nil},
			{"region viewer", c.as(t, s, campusguard.RegionViewer, tr.County), url, report, 403, campusguard.Forbidden, nil},
			{"anonymous", c.anonymous(), url, report, 401, campusguard.Unauthenticated, nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				cl := *tt.c
				cl.t = t
				e := wantError(t, cl.send("POST", tt.url, tt.body), tt.status, tt.code)
				if diff := cmp.Diff(tt.fields, e.fieldSet()); diff != "" {
					t.Errorf("fields (-want +got):\n%s", diff)
				}
			})
		}
		if n := openFollowUps(); n != 1 {
			t.Errorf("open_followups after refused reports = %d, want 1", n)
		}

		r := teacher.send("POST", url, report)
		wantStatus(t, r, http.StatusOK)
		var done campusguard.FollowUp
		r.JSON(t, &done)
		if !done.Done || done.Diagnosis != "上呼吸道感染" || !done.ClinicVisit || len(done.Symptoms) != 2 ||
			done.ExpectedReturn.String() != "2026-12-02" || done.DoneBy == "" {
			t.Errorf("completed follow-up = %+v", done)
		}
		if n := openFollowUps(); n != 0 {
			t.Errorf("open_followups after completion = %d, want 0", n)
		}
		if got := list(teacher, "?open=true"); len(got) != 0 {
			t.Errorf("open follow-ups after completion = %+v, want none", got)
		}
		all := list(teacher, fmt.Sprintf("?school_id=%d", tr.School.ID))
		if len(all) != 1 || !all[0].Done || all[0].Diagnosis != "上呼吸道感染" {
			t.Errorf("follow-ups = %+v, want the completed one", all)
		}
		// Out of scope, the follow-up is not listed.
		if got := list(c.as(t, s, campusguard.ClassTeacher, tr.Class2), ""); len(got) != 0 {
			t.Errorf("another class's teacher sees %+v, want none", got)
		}
	})
}

func TestMissingReports(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		onCheckDay(t, s)
		tr := mustTree(t, s)
		ps := mustPeople(t, s, tr)
		c := newStoreClient(t, s).secretsOf()
		// The class teacher sees the family's phone in full, to call them;
		// ID numbers stay masked.
		teacher := c.as(t, s, campusguard.ClassTeacher, tr.Class1).seeingContacts()
		missing := func(query string) []int64 {
			t.Helper()
			r := teacher.get(fmt.Sprintf("/api/v1/classes/%d/missing%s", tr.Class1.ID, query))
			wantStatus(t, r, http.StatusOK)
			var got items[campusguard.Person]
			r.JSON(t, &got)
			ids := []int64{}
			for _, p := range got.Items {
				ids = append(ids, p.ID)
			}
			return ids
		}
		if got := missing("?day=" + checkDay); len(got) != 2 {
			t.Fatalf("missing before any report = %v, want both students of class 1", got)
		}
		postCheck(t, teacher, map[string]any{"person_id": ps.a1.ID, "day": checkDay, "kind": "home", "temperature": 36.5,
			"client_key": "mr-1"}, http.StatusCreated)
		if got := missing("?day=" + checkDay); !cmp.Equal(got, []int64{ps.a2.ID}) {
			t.Errorf("missing after a1's home report = %v, want [%d]", got, ps.a2.ID)
		}
		missing("") // today
		wantError(t, teacher.get(fmt.Sprintf("/api/v1/classes/%d/missing?day=30.11.2026", tr.Class1.ID)),
			http.StatusBadRequest, campusguard.Invalid)
		other := c.as(t, s, campusguard.ClassTeacher, tr.Class2)
		wantError(t, other.get(fmt.Sprintf("/api/v1/classes/%d/missing?day=%s", tr.Class1.ID, checkDay)),
			http.StatusNotFound, campusguard.NotFound)
		wantError(t, c.anonymous().get(fmt.Sprintf("/api/v1/classes/%d/missing", tr.Class1.ID)),
			http.StatusUnauthorized, campusguard.Unauthenticated)
	})
}
