package api

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// TestDirectiveAPI walks the directives' API on a real store: bad input
// refused naming the field, a directive sent to one school, acknowledged
// and completed by its principal, out of reach of another school, the
// laggards reminded, and the school's overdue list.
func TestDirectiveAPI(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		monday := time.Date(2026, 12, 7, 9, 0, 0, 0, campusguard.China)
		now := monday
		s.Now = func() time.Time { return now }
		day := campusguard.DateOf(monday)
		tr := sqlstoretest.MustTree(t, s)
		c := newStoreClient(t, s)
		bureau := c.as(t, s, campusguard.RegionAdmin, tr.County)
		head := c.as(t, s, campusguard.SchoolAdmin, tr.School)
		other := c.as(t, s, campusguard.SchoolAdmin, tr.Other)
		teacher := c.as(t, s, campusguard.ClassTeacher, tr.Class1)
		county := itoa(tr.County.ID)
		want := func(what string, res *response, status int, field string) {
			t.Helper()
			if res.Status != status {
				t.Fatalf("%s = %d %s, want %d", what, res.Status, res.Body, status)
			}
			if field != "" && !slices.Contains(res.Err(t).fieldSet(), field) {
				t.Errorf("%s = %s, want a field error on %s", what, res.Body, field)
			}
		}
		send := map[string]any{"title": "开展校园环境消杀", "text": "周五前完成", "deadline": day.AddDays(2).String(),
			"report_required": true, "target": "list", "school_ids": []int64{tr.School.ID}}
		for _, bad := range []struct {
			field string
			edit  func(m map[string]any)
		}{
			{"schools", func(m map[string]any) { m["school_ids"] = []int64{} }},
			{"deadline", func(m map[string]any) { m["deadline"] = day.AddDays(-1).String() }},
			{"title", func(m map[string]any) { m["title"] = "" }},
		} {
			m := map[string]any{}
			for k, v := range send {
				m[k] = v
			}
			bad.edit(m)
			want("send without "+bad.field, bureau.send("POST", "/api/v1/orgs/"+county+"/directives", m), http.StatusUnprocessableEntity, bad.field)
		}
		var list struct{ Items []campusguard.Directive }
		bureau.get("/api/v1/orgs/"+county+"/directives").JSON(t, &list)
		if len(list.Items) != 0 {
			t.Fatalf("a refused directive was stored: %+v", list.Items)
		}
		want("send by a principal", head.send("POST", "/api/v1/orgs/"+county+"/directives", send), http.StatusNotFound, "")
		res := bureau.send("POST", "/api/v1/orgs/"+county+"/directives", send)
		want("send", res, http.StatusCreated, "")
		var d campusguard.Directive
		res.JSON(t, &d)
		if d.Schools != 1 || d.Pending != 1 || len(d.Recipients) != 1 {
			t.Fatalf("sent directive = %+v, want one pending school", d)
		}
		id := itoa(d.ID)
		want("view by another school", other.get("/api/v1/directives/"+id), http.StatusNotFound, "")
		want("view by a teacher", teacher.get("/api/v1/directives/"+id), http.StatusNotFound, "")
		want("acknowledge by another school", other.send("POST", "/api/v1/directives/"+id+"/acknowledge",
			map[string]any{"school_id": tr.School.ID}), http.StatusNotFound, "")
		want("acknowledge for the school it was not sent to", other.send("POST", "/api/v1/directives/"+id+"/acknowledge",
			map[string]any{"school_id": tr.Other.ID}), http.StatusNotFound, "")
		want("acknowledge", head.send("POST", "/api/v1/directives/"+id+"/acknowledge", map[string]any{"school_id": tr.School.ID}), http.StatusOK, "")
		want("acknowledge twice", head.send("POST", "/api/v1/directives/"+id+"/acknowledge", map[string]any{"school_id": tr.School.ID}),
			http.StatusConflict, "")
		var reminded struct{ Reminded int }
		res = bureau.send("POST", "/api/v1/directives/"+id+"/remind", nil)
		want("remind", res, http.StatusOK, "")
		res.JSON(t, &reminded)
		if reminded.Reminded != 1 {
			t.Errorf("reminded = %d, want 1 (acknowledged, not reported)", reminded.Reminded)
		}
		want("remind by the principal", head.send("POST", "/api/v1/directives/"+id+"/remind", nil), http.StatusForbidden, "")

		// Overdue after the deadline, for the school and by the region.
		now = monday.AddDate(0, 0, 3)
		head.get("/api/v1/schools/"+itoa(tr.School.ID)+"/directives?overdue=true").JSON(t, &list)
		if len(list.Items) != 1 || len(list.Items[0].Recipients) != 1 || !list.Items[0].Recipients[0].Overdue {
			t.Errorf("school's overdue directives = %+v, want the one", list.Items)
		}
		want("another school's list", other.get("/api/v1/schools/"+itoa(tr.School.ID)+"/directives"), http.StatusNotFound, "")

		want("complete without a note", head.send("POST", "/api/v1/directives/"+id+"/complete", map[string]any{"school_id": tr.School.ID}),
			http.StatusUnprocessableEntity, "note")
		res = head.send("POST", "/api/v1/directives/"+id+"/complete", map[string]any{"school_id": tr.School.ID, "note": "已完成"})
		want("complete", res, http.StatusOK, "")
		want("complete twice", head.send("POST", "/api/v1/directives/"+id+"/complete", map[string]any{"school_id": tr.School.ID, "note": "再报"}),
			http.StatusConflict, "")
		bureau.get("/api/v1/directives/"+id).JSON(t, &d)
		if d.Completed != 1 || d.Pending != 0 || d.Recipients[0].Note != "已完成" {
			t.Errorf("after completion = %+v", d)
		}
		head.get("/api/v1/schools/"+itoa(tr.School.ID)+"/directives?overdue=true").JSON(t, &list)
		if len(list.Items) != 0 {
			t.Errorf("overdue after completion = %+v, want none", list.Items)
		}
	})
}
