package api

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"

	"github.com/getkin/kin-openapi/openapi3filter"
)

// TestInspectionAPI walks issue 12's API on a real store: an unannounced
// inspection planned and visited, invisible through every path to the
// school's accounts until the visit is closed; a finding with a photo
// becomes an item the school answers and the inspector returns and closes.
func TestInspectionAPI(t *testing.T) {
	registerFileDecoders.Do(func() {
		for _, ct := range []string{"image/png", "image/jpeg", "image/webp", "application/pdf"} {
			openapi3filter.RegisterBodyDecoder(ct, openapi3filter.FileBodyDecoder)
		}
	})
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		monday := time.Date(2026, 12, 7, 9, 0, 0, 0, campusguard.China)
		s.Now = func() time.Time { return monday }
		day := campusguard.DateOf(monday)
		tr := sqlstoretest.MustTree(t, s)
		c := newStoreClient(t, s)
		bureau := c.as(t, s, campusguard.RegionAdmin, tr.County)
		inspector := c.as(t, s, campusguard.Inspector, tr.County)
		head := c.as(t, s, campusguard.SchoolAdmin, tr.School)
		other := c.as(t, s, campusguard.SchoolAdmin, tr.Other)
		schoolSide := map[string]*client{"school_admin": head,
			"health_officer": c.as(t, s, campusguard.HealthOffice, tr.School),
			"class_teacher":  c.as(t, s, campusguard.ClassTeacher, tr.Class1),
			"gate_staff":     c.as(t, s, campusguard.GateStaff, tr.School),
		}
		county, sch := itoa(tr.County.ID), itoa(tr.School.ID)
		want := func(what string, res *response, status int, field string) {
			t.Helper()
			if res.Status != status {
				t.Fatalf("%s = %d %s, want %d", what, res.Status, res.Body, status)
			}
			if field != "" && !slices.Contains(res.Err(t).fieldSet(), field) {
				t.Errorf("%s = %s, want a field error on %s", what, res.Body, field)
			}
		}

		// Plan: bad input names the field and stores nothing.
		plan := map[string]any{"title": "本周暗访", "from": day.String(), "to": day.AddDays(6).String(), "announced": false,
			"team": "第一组", "members": []map[string]any{{"name": "王督学", "agency": "education"}, {"name": "刘科长", "agency": "market"}}}
		bad := map[string]any{"title": "", "from": day.String(), "to": day.AddDays(-1).String(), "announced": false, "team": "x",
			"members": []map[string]any{{"name": "王", "agency": "army"}}}
		want("create bad", inspector.send("POST", "/api/v1/orgs/"+county+"/inspections", bad), http.StatusUnprocessableEntity, "title")
		var list struct{ Items []campusguard.Inspection }
		inspector.get("/api/v1/orgs/"+county+"/inspections").JSON(t, &list)
		if len(list.Items) != 0 {
			t.Fatalf("a refused plan was stored: %+v", list.Items)
		}
		want("create by principal", head.send("POST", "/api/v1/orgs/"+county+"/inspections", plan), http.StatusNotFound, "")
		res := inspector.send("POST", "/api/v1/orgs/"+county+"/inspections", plan)
		want("create", res, http.StatusCreated, "")
		var in campusguard.Inspection
		res.JSON(t, &in)
		res = inspector.send("POST", "/api/v1/inspections/"+itoa(in.ID)+"/visits", map[string]any{"school_id": tr.School.ID, "day": day.String()})
		want("add visit", res, http.StatusCreated, "")
		var v campusguard.Visit
		res.JSON(t, &v)
		want("add visit outside the period", inspector.send("POST", "/api/v1/inspections/"+itoa(in.ID)+"/visits",
			map[string]any{"school_id": tr.School.ID, "day": day.AddDays(7).String()}), http.StatusUnprocessableEntity, "day")

		// Invisible to the school through every path.
		hidden := []string{"/api/v1/visits/" + itoa(v.ID), "/api/v1/inspections/" + itoa(in.ID), "/api/v1/orgs/" + county + "/inspections",
			"/api/v1/orgs/" + county + "/inspection-coverage?from=" + day.String() + "&to=" + day.String(),
			"/api/v1/orgs/" + county + "/inspection-checklist"}
		lists := []string{"/api/v1/visits?school_id=" + sch, "/api/v1/visits?region_id=" + county, "/api/v1/visits?inspection_id=" + itoa(in.ID),
			"/api/v1/visits?school_id=" + sch + "&open=true", "/api/v1/orgs/" + sch + "/rectifications"}
		for name, cl := range schoolSide {
			for _, p := range hidden {
				want(name+" GET "+p, cl.get(p), http.StatusNotFound, "")
			}
			for _, p := range lists {
				res := cl.get(p)
				var got struct{ Items []map[string]any }
				if res.Status == http.StatusOK {
					res.JSON(t, &got)
				}
				if (res.Status != http.StatusOK && res.Status != http.StatusNotFound) || len(got.Items) != 0 {
					t.Errorf("%s GET %s = %d %s, want nothing", name, p, res.Status, res.Body)
				}
			}
			want(name+" close", cl.send("POST", "/api/v1/visits/"+itoa(v.ID)+"/close", map[string]any{}), http.StatusNotFound, "")
		}

		// The visit: a photo, a result for every item, a finding.
		// A finding's photo is uploaded to the region: the school cannot
		// read it by its id before the finding is saved.
		res = inspector.upload("/api/v1/orgs/"+sch+"/files", "学校的.png", evidencePNG(t, 4))
		want("upload to the school", res, http.StatusCreated, "")
		var schoolFile campusguard.File
		res.JSON(t, &schoolFile)
		res = inspector.upload("/api/v1/orgs/"+county+"/files", "留观室.png", evidencePNG(t, 3))
		want("upload photo", res, http.StatusCreated, "")
		var photo campusguard.File
		res.JSON(t, &photo)
		want("principal GET photo not yet a finding's", head.get("/api/v1/files/"+itoa(photo.ID)), http.StatusNotFound, "")
		want("principal GET its thumbnail", head.get("/api/v1/files/"+itoa(photo.ID)+"/thumb"), http.StatusNotFound, "")
		want("bad result", inspector.send("PUT", "/api/v1/visits/"+itoa(v.ID)+"/results/G1", map[string]any{"result": "good"}),
			http.StatusUnprocessableEntity, "result")
		want("close unchecked", inspector.send("POST", "/api/v1/visits/"+itoa(v.ID)+"/close", map[string]any{}),
			http.StatusUnprocessableEntity, "G1")
		for _, it := range campusguard.DefaultInspectionChecklist() {
			want("result "+it.Code, inspector.send("PUT", "/api/v1/visits/"+itoa(v.ID)+"/results/"+it.Code,
				map[string]any{"result": "pass", "note": ""}), http.StatusOK, "")
		}
		finding := map[string]any{"code": "H1", "severity": "critical", "note": "留观室堆放杂物", "file_ids": []int64{photo.ID},
			"deadline": day.AddDays(3).String(), "responsible": "张校长", "reinspect": true}
		want("finding, past deadline", inspector.send("POST", "/api/v1/visits/"+itoa(v.ID)+"/findings",
			map[string]any{"severity": "minor", "note": "x", "deadline": day.AddDays(-1).String(), "responsible": "张"}),
			http.StatusUnprocessableEntity, "deadline")
		want("finding with a school's file", inspector.send("POST", "/api/v1/visits/"+itoa(v.ID)+"/findings",
			map[string]any{"severity": "minor", "note": "x", "file_ids": []int64{schoolFile.ID}}), http.StatusUnprocessableEntity, "file_ids")
		want("finding", inspector.send("POST", "/api/v1/visits/"+itoa(v.ID)+"/findings", finding), http.StatusCreated, "")
		want("principal GET photo of a hidden visit", head.get("/api/v1/files/"+itoa(photo.ID)), http.StatusNotFound, "")
		want("close", inspector.send("POST", "/api/v1/visits/"+itoa(v.ID)+"/close", map[string]any{"note": "检查完毕"}), http.StatusOK, "")
		want("finding on a closed visit", inspector.send("POST", "/api/v1/visits/"+itoa(v.ID)+"/findings", finding), http.StatusConflict, "")

		// Carried out: the school sees it and its item.
		want("principal GET visit", head.get("/api/v1/visits/"+itoa(v.ID)), http.StatusOK, "")
		want("principal GET photo", head.get("/api/v1/files/"+itoa(photo.ID)), http.StatusOK, "")
		want("other school GET visit", other.get("/api/v1/visits/"+itoa(v.ID)), http.StatusNotFound, "")
		var items struct{ Items []campusguard.Rectification }
		head.get("/api/v1/orgs/"+sch+"/rectifications").JSON(t, &items)
		if len(items.Items) != 1 || items.Items[0].State != campusguard.RectOpen || items.Items[0].Severity != campusguard.SeverityCritical {
			t.Fatalf("items = %+v", items.Items)
		}
		rid := itoa(items.Items[0].ID)
		var cov campusguard.Coverage
		bureau.get("/api/v1/orgs/"+county+"/inspection-coverage?from="+day.String()+"&to="+day.AddDays(6).String()).JSON(t, &cov)
		if cov.Inspected != 1 || cov.Unannounced != 1 || cov.NotYet != 1 {
			t.Errorf("coverage = %+v", cov)
		}
		want("coverage without a period", bureau.get("/api/v1/orgs/"+county+"/inspection-coverage"), http.StatusUnprocessableEntity, "from")

		// The item: answered, returned, answered again, closed.
		want("answer by other school", other.send("POST", "/api/v1/rectifications/"+rid+"/answer", map[string]any{"note": "x"}), http.StatusNotFound, "")
		want("answer empty", head.send("POST", "/api/v1/rectifications/"+rid+"/answer", map[string]any{"note": ""}), http.StatusUnprocessableEntity, "note")
		res = head.upload("/api/v1/orgs/"+sch+"/files", "整改后.png", evidencePNG(t, 9))
		var ev campusguard.File
		res.JSON(t, &ev)
		want("answer", head.send("POST", "/api/v1/rectifications/"+rid+"/answer", map[string]any{"note": "已清理", "file_ids": []int64{ev.ID}}),
			http.StatusOK, "")
		want("return without comment", inspector.send("POST", "/api/v1/rectifications/"+rid+"/verify", map[string]any{"verdict": "return"}),
			http.StatusUnprocessableEntity, "comment")
		want("verify by principal", head.send("POST", "/api/v1/rectifications/"+rid+"/verify", map[string]any{"verdict": "accept"}),
			http.StatusForbidden, "")
		want("return", inspector.send("POST", "/api/v1/rectifications/"+rid+"/verify", map[string]any{"verdict": "return", "comment": "照片不清楚"}),
			http.StatusOK, "")
		want("answer again", head.send("POST", "/api/v1/rectifications/"+rid+"/answer", map[string]any{"note": "重新拍照"}), http.StatusOK, "")
		res = bureau.send("POST", "/api/v1/rectifications/"+rid+"/verify", map[string]any{"verdict": "accept"})
		want("close item", res, http.StatusOK, "")
		var x campusguard.Rectification
		res.JSON(t, &x)
		if x.State != campusguard.RectClosed || len(x.History) != 5 {
			t.Errorf("item = %+v", x)
		}
		want("answer closed", head.send("POST", "/api/v1/rectifications/"+rid+"/answer", map[string]any{"note": "x"}), http.StatusConflict, "")
		want("bad state filter", head.get("/api/v1/orgs/"+sch+"/rectifications?state=done"), http.StatusBadRequest, "state")
		want("visits without a scope", head.get("/api/v1/visits"), http.StatusUnprocessableEntity, "school_id")
		want("anonymous", c.anonymous().get("/api/v1/visits/"+itoa(v.ID)), http.StatusUnauthorized, "")
	})
}
