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

// TestDrillAPI walks the drills' API on a real store: a drill planned,
// an injection refused before it runs, started, a case injected and
// moved through the case API, a volunteer of another school refused,
// finished with a problem as a rectification item, and the region's
// overview with the times; another school and a teacher get 404.
func TestDrillAPI(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		now := time.Date(2026, 12, 7, 9, 0, 0, 0, campusguard.China)
		s.Now = func() time.Time { return now }
		day := campusguard.DateOf(now)
		tr := sqlstoretest.MustTree(t, s)
		ctx := campusguard.SystemContext(t.Context(), "test")
		p := &campusguard.Person{SchoolID: tr.School.ID, Kind: campusguard.Student, Name: "林小雨", Number: "D1", ClassID: &tr.Class1.ID}
		stranger := &campusguard.Person{SchoolID: tr.Other.ID, Kind: campusguard.Student, Name: "郑一鸣", Number: "D2", ClassID: &tr.OtherClass.ID}
		for _, x := range []*campusguard.Person{p, stranger} {
			if err := s.CreatePerson(ctx, x); err != nil {
				t.Fatal(err)
			}
		}
		c := newStoreClient(t, s)
		bureau := c.as(t, s, campusguard.RegionAdmin, tr.County)
		head := c.as(t, s, campusguard.SchoolAdmin, tr.School)
		other := c.as(t, s, campusguard.SchoolAdmin, tr.Other)
		teacher := c.as(t, s, campusguard.ClassTeacher, tr.Class1)
		want := func(what string, res *response, status int, field string) {
			t.Helper()
			if res.Status != status {
				t.Fatalf("%s = %d %s, want %d", what, res.Status, res.Body, status)
			}
			if field != "" && !slices.Contains(res.Err(t).fieldSet(), field) {
				t.Errorf("%s = %s, want a field error on %s", what, res.Body, field)
			}
		}
		school := itoa(tr.School.ID)
		want("plan in the past", head.send("POST", "/api/v1/schools/"+school+"/drills",
			map[string]any{"scenario": "gate_fever", "planned_day": day.AddDays(-1).String()}), http.StatusUnprocessableEntity, "planned_day")
		want("plan by another school", other.send("POST", "/api/v1/schools/"+school+"/drills",
			map[string]any{"scenario": "gate_fever", "planned_day": day.String()}), http.StatusNotFound, "")
		res := head.send("POST", "/api/v1/schools/"+school+"/drills", map[string]any{"scenario": "gate_fever", "planned_day": day.String(),
			"participants": "全体教职工", "participant_count": 40})
		want("plan", res, http.StatusCreated, "")
		var d campusguard.Drill
		res.JSON(t, &d)
		id := itoa(d.ID)
		want("inject before the start", head.send("POST", "/api/v1/drills/"+id+"/inject", map[string]any{"person_id": p.ID}),
			http.StatusUnprocessableEntity, "drill_id")
		want("view by another school", other.get("/api/v1/drills/"+id), http.StatusNotFound, "")
		want("view by a teacher", teacher.get("/api/v1/drills/"+id), http.StatusNotFound, "")
		want("start", head.send("POST", "/api/v1/drills/"+id+"/start", nil), http.StatusOK, "")
		want("inject a stranger", head.send("POST", "/api/v1/drills/"+id+"/inject", map[string]any{"person_id": stranger.ID}),
			http.StatusUnprocessableEntity, "person_id")
		res = head.send("POST", "/api/v1/drills/"+id+"/inject", map[string]any{"person_id": p.ID})
		want("inject", res, http.StatusCreated, "")
		var k campusguard.Case
		res.JSON(t, &k)
		if k.DrillID == nil || *k.DrillID != d.ID {
			t.Fatalf("injected case = %+v, want drill %d", k, d.ID)
		}
		now = now.Add(5 * time.Minute)
		want("report", head.send("POST", "/api/v1/cases/"+itoa(k.ID)+"/transitions", map[string]any{"to": "reported"}), http.StatusOK, "")
		now = now.Add(4 * time.Minute)
		want("isolate", head.send("POST", "/api/v1/cases/"+itoa(k.ID)+"/transitions",
			map[string]any{"to": "isolated", "isolation": "observation_room"}), http.StatusOK, "")
		want("finish with a bad problem", head.send("POST", "/api/v1/drills/"+id+"/finish", map[string]any{"problems": []map[string]any{
			{"problem": "隔离室钥匙找不到", "severity": "minor", "deadline": day.String()}}}), http.StatusUnprocessableEntity, "1:responsible")
		res = head.send("POST", "/api/v1/drills/"+id+"/finish", map[string]any{"problems": []map[string]any{
			{"problem": "隔离室钥匙找不到", "severity": "minor", "deadline": day.AddDays(7).String(), "responsible": "王校医"}}})
		want("finish", res, http.StatusOK, "")
		res.JSON(t, &d)
		if d.State != campusguard.DrillFinished || len(d.Problems) != 1 || d.Problems[0].RectificationID == 0 {
			t.Fatalf("finished drill = %+v", d)
		}
		var ov campusguard.DrillOverview
		res = bureau.get("/api/v1/orgs/" + itoa(tr.County.ID) + "/drill-overview")
		want("overview", res, http.StatusOK, "")
		res.JSON(t, &ov)
		var last *campusguard.Drill
		for _, sd := range ov.Schools {
			if sd.SchoolID == tr.School.ID {
				last = sd.Last
			}
		}
		if last == nil || last.Times.ReportSeconds == nil || *last.Times.ReportSeconds != 300 || *last.Times.IsolateSeconds != 540 {
			t.Errorf("overview = %+v; want the school's drill with 300 s and 540 s", ov)
		}
		want("overview by a principal", head.get("/api/v1/orgs/"+itoa(tr.County.ID)+"/drill-overview"), http.StatusNotFound, "")
		var list struct{ Items []campusguard.Drill }
		bureau.get("/api/v1/orgs/"+school+"/drills").JSON(t, &list)
		if len(list.Items) != 1 {
			t.Errorf("drills = %+v", list.Items)
		}
	})
}
