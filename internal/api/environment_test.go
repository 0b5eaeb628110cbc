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

// TestEnvironmentAPI walks issue 14's environment API on a real store: the
// principal sets up spaces, a teacher logs a corridor at once, bad posts
// name their field and change nothing, the overdue list shrinks, the
// bureau reads the compliance and sets a default.
func TestEnvironmentAPI(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		noon := time.Date(2026, 12, 7, 12, 0, 0, 0, campusguard.China)
		s.Now = func() time.Time { return noon }
		day := campusguard.DateOf(noon)
		tr := sqlstoretest.MustTree(t, s)
		c := newStoreClient(t, s)
		bureau := c.as(t, s, campusguard.RegionAdmin, tr.County)
		head := c.as(t, s, campusguard.SchoolAdmin, tr.School)
		teacher := c.as(t, s, campusguard.ClassTeacher, tr.Class1)
		gate := c.as(t, s, campusguard.GateStaff, tr.School)
		otherHead := c.as(t, s, campusguard.SchoolAdmin, tr.Other)
		sch, county := itoa(tr.School.ID), itoa(tr.County.ID)
		want := func(what string, res *response, status int, field string) {
			t.Helper()
			if res.Status != status {
				t.Fatalf("%s = %d %s, want %d", what, res.Status, res.Body, status)
			}
			if field != "" && !slices.Contains(res.Err(t).fieldSet(), field) {
				t.Errorf("%s = %s, want a field error on %s", what, res.Body, field)
			}
		}
		var ids []int64
		for _, sp := range []map[string]any{{"kind": "classroom", "name": "一年级1班教室", "class_id": tr.Class1.ID},
			{"kind": "classroom", "name": "一年级2班教室", "class_id": tr.Class2.ID}, {"kind": "canteen", "name": "食堂"}} {
			res := head.send("POST", "/api/v1/orgs/"+sch+"/spaces", sp)
			want("create space", res, http.StatusCreated, "")
			var got campusguard.Space
			res.JSON(t, &got)
			ids = append(ids, got.ID)
		}
		want("create space by teacher", teacher.send("POST", "/api/v1/orgs/"+sch+"/spaces", map[string]any{"kind": "toilet", "name": "厕所"}),
			http.StatusForbidden, "")
		want("create space, name taken", head.send("POST", "/api/v1/orgs/"+sch+"/spaces", map[string]any{"kind": "toilet", "name": "食堂"}),
			http.StatusConflict, "")
		want("create space, class of another school", head.send("POST", "/api/v1/orgs/"+sch+"/spaces",
			map[string]any{"kind": "classroom", "name": "借", "class_id": tr.OtherClass.ID}), http.StatusUnprocessableEntity, "class_id")
		res := otherHead.send("POST", "/api/v1/orgs/"+itoa(tr.Other.ID)+"/spaces", map[string]any{"kind": "toilet", "name": "厕所"})
		want("create other school's space", res, http.StatusCreated, "")
		var otherSpace campusguard.Space
		res.JSON(t, &otherSpace)
		res = head.send("PUT", "/api/v1/orgs/"+sch+"/spaces/"+itoa(ids[2]), map[string]any{"kind": "canteen", "name": "食堂",
			"own_schedule": map[string]any{"ventilation": 2, "disinfection": "after_use", "uses": 1}})
		want("update space", res, http.StatusOK, "")

		var ov campusguard.Overdue
		teacher.get("/api/v1/orgs/"+sch+"/env-overdue").JSON(t, &ov)
		// Noon: each classroom's first airing, the canteen's one
		// disinfection is due at 17:00 now, its first airing at 12:30.
		if len(ov.Items) != 2 || ov.Missing != 2 {
			t.Fatalf("overdue = %+v", ov)
		}
		want("overdue for gate staff", gate.get("/api/v1/orgs/"+sch+"/env-overdue"), http.StatusNotFound, "")

		// Bad posts change nothing.
		want("log another school's space", teacher.send("POST", "/api/v1/orgs/"+sch+"/env-logs",
			map[string]any{"space_ids": []int64{ids[0], otherSpace.ID}, "task": "ventilation"}), http.StatusUnprocessableEntity, "2:space_ids")
		want("log in the future", teacher.send("POST", "/api/v1/orgs/"+sch+"/env-logs",
			map[string]any{"space_ids": ids[:2], "task": "ventilation", "at": noon.Add(time.Hour).Format(time.RFC3339)}),
			http.StatusUnprocessableEntity, "at")
		var logs struct{ Items []campusguard.EnvLog }
		teacher.get("/api/v1/orgs/"+sch+"/env-logs").JSON(t, &logs)
		if len(logs.Items) != 0 {
			t.Fatalf("refused posts left logs: %+v", logs.Items)
		}
		// A corridor at once.
		want("log a corridor", teacher.send("POST", "/api/v1/orgs/"+sch+"/env-logs",
			map[string]any{"space_ids": ids[:2], "task": "ventilation"}), http.StatusCreated, "")
		teacher.get("/api/v1/orgs/"+sch+"/env-logs?day="+day.String()).JSON(t, &logs)
		if len(logs.Items) != 2 {
			t.Errorf("logs = %+v, want 2", logs.Items)
		}
		teacher.get("/api/v1/orgs/"+sch+"/env-overdue").JSON(t, &ov)
		if len(ov.Items) != 0 || ov.Done != 2 {
			t.Errorf("overdue after the corridor = %+v", ov)
		}

		var comp campusguard.EnvCompliance
		res = bureau.get("/api/v1/orgs/" + county + "/env-compliance?from=" + day.String() + "&to=" + day.String())
		want("compliance", res, http.StatusOK, "")
		res.JSON(t, &comp)
		if comp.Total.Done != 2 || comp.Kinds[campusguard.SpaceClassroom].Due != 8 {
			t.Errorf("compliance = %+v", comp)
		}
		want("compliance for a principal", head.get("/api/v1/orgs/"+county+"/env-compliance?from="+day.String()+"&to="+day.String()),
			http.StatusNotFound, "")
		want("compliance without a period", bureau.get("/api/v1/orgs/"+county+"/env-compliance"), http.StatusUnprocessableEntity, "from")
		want("set default", bureau.send("PUT", "/api/v1/orgs/"+county+"/env-schedules/toilet",
			map[string]any{"ventilation": 4, "disinfection": "daily", "uses": 0}), http.StatusOK, "")
		want("set default, bad", bureau.send("PUT", "/api/v1/orgs/"+county+"/env-schedules/toilet",
			map[string]any{"ventilation": 40, "disinfection": "daily", "uses": 0}), http.StatusUnprocessableEntity, "ventilation")
		var ks struct{ Items []campusguard.KindSchedule }
		head.get("/api/v1/orgs/"+county+"/env-schedules").JSON(t, &ks)
		if len(ks.Items) != 0 {
			t.Errorf("a principal read the region's schedules: %+v", ks)
		}
		bureau.get("/api/v1/orgs/"+county+"/env-schedules").JSON(t, &ks)
		if len(ks.Items) != len(campusguard.SpaceKinds) {
			t.Errorf("schedules = %+v", ks)
		}
	})
}
