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

// TestAccountabilityAPI: the bureau records and reads accountability
// records; bad input names its field and stores nothing; the inspector and
// every school-side account get 404 on every path.
func TestAccountabilityAPI(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		monday := time.Date(2026, 12, 7, 9, 0, 0, 0, campusguard.China)
		s.Now = func() time.Time { return monday }
		day := campusguard.DateOf(monday)
		tr := sqlstoretest.MustTree(t, s)
		teacher := &campusguard.Person{SchoolID: tr.School.ID, Kind: campusguard.Staff, Name: "林老师", Number: "T9", Role: campusguard.RoleTeacher}
		if err := s.CreatePerson(sqlstoretest.Ctx, teacher); err != nil {
			t.Fatal(err)
		}
		c := newStoreClient(t, s)
		bureau := c.as(t, s, campusguard.RegionAdmin, tr.County)
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
		count := func() int {
			var list struct{ Items []campusguard.Accountability }
			bureau.get("/api/v1/orgs/"+county+"/accountability").JSON(t, &list)
			return len(list.Items)
		}
		good := func() map[string]any {
			return map[string]any{"failure_kind": "other", "failure": "晨检漏报三天", "person_id": teacher.ID, "post": "班主任",
				"measure": "talk", "day": day.String(), "note": "已约谈"}
		}
		for _, c := range []struct {
			name, key, field string
			v                any
		}{
			{"unknown measure", "measure", "measure", "dismissal"},
			{"person outside", "person_id", "person_id", 999999},
			{"no failure", "failure", "failure", ""},
			{"future day", "day", "day", day.AddDays(1).String()},
		} {
			body := good()
			body[c.key] = c.v
			want(c.name, bureau.send("POST", "/api/v1/orgs/"+county+"/accountability", body), http.StatusUnprocessableEntity, c.field)
		}
		if n := count(); n != 0 {
			t.Fatalf("refused records stored: %d", n)
		}
		res := bureau.send("POST", "/api/v1/orgs/"+county+"/accountability", good())
		want("record", res, http.StatusCreated, "")
		var x campusguard.Accountability
		res.JSON(t, &x)
		if x.SchoolID != tr.School.ID || x.PersonName != "林老师" || x.Measure != campusguard.MeasureTalk {
			t.Fatalf("record = %+v", x)
		}
		want("record under the other school", bureau.send("POST", "/api/v1/orgs/"+itoa(tr.Other.ID)+"/accountability", good()),
			http.StatusUnprocessableEntity, "person_id")
		one := "/api/v1/accountability/" + itoa(x.ID)
		want("view", bureau.get(one), http.StatusOK, "")
		want("bad measure filter", bureau.get("/api/v1/orgs/"+county+"/accountability?measure=x"), http.StatusBadRequest, "measure")
		var list struct{ Items []campusguard.Accountability }
		bureau.get("/api/v1/orgs/"+county+"/accountability?measure=talk&school_id="+sch).JSON(t, &list)
		if len(list.Items) != 1 {
			t.Errorf("filtered list = %d", len(list.Items))
		}

		paths := []string{one, "/api/v1/orgs/" + county + "/accountability", "/api/v1/orgs/" + sch + "/accountability",
			"/api/v1/orgs/" + county + "/accountability?school_id=" + sch}
		for name, cl := range map[string]*client{
			"inspector":      c.as(t, s, campusguard.Inspector, tr.County),
			"school_admin":   c.as(t, s, campusguard.SchoolAdmin, tr.School),
			"health_officer": c.as(t, s, campusguard.HealthOffice, tr.School),
			"class_teacher":  c.as(t, s, campusguard.ClassTeacher, tr.Class1),
			"gate_staff":     c.as(t, s, campusguard.GateStaff, tr.School),
		} {
			for _, p := range paths {
				want(name+" GET "+p, cl.get(p), http.StatusNotFound, "")
			}
			want(name+" POST", cl.send("POST", "/api/v1/orgs/"+sch+"/accountability", good()), http.StatusNotFound, "")
			want(name+" POST bad", cl.send("POST", "/api/v1/orgs/"+county+"/accountability", map[string]any{"measure": "x"}),
				http.StatusNotFound, "")
		}
		if n := count(); n != 1 {
			t.Fatalf("records = %d, want 1", n)
		}
	})
}

// TestReinspectionAPI: the region flags a serious finding of a closed
// unannounced visit; the re-inspection is listed as due to the region and
// not to the school; a minor finding's flag is refused naming the field.
func TestReinspectionAPI(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		monday := time.Date(2026, 12, 7, 9, 0, 0, 0, campusguard.China)
		s.Now = func() time.Time { return monday }
		day := campusguard.DateOf(monday)
		tr := sqlstoretest.MustTree(t, s)
		sys := sqlstoretest.Ctx
		in := &campusguard.Inspection{RegionID: tr.County.ID, Title: "暗访", Team: "一组", From: day, To: day.AddDays(6),
			Members: []campusguard.TeamMember{{Name: "王", Agency: campusguard.AgencyEducation}}}
		if err := s.CreateInspection(sys, in); err != nil {
			t.Fatal(err)
		}
		v, err := s.AddVisit(sys, in.ID, tr.School.ID, day)
		if err != nil {
			t.Fatal(err)
		}
		serious := &campusguard.InspectionFinding{Severity: campusguard.SeveritySerious, Note: "消毒记录缺失"}
		minor := &campusguard.InspectionFinding{Severity: campusguard.SeverityMinor, Note: "标识不清"}
		for _, f := range []*campusguard.InspectionFinding{serious, minor} {
			if err := s.AddFinding(sys, v.ID, f); err != nil {
				t.Fatal(err)
			}
		}
		for _, r := range v.Results {
			if err := s.RecordResult(sys, v.ID, r.Item.Code, campusguard.ResultPass, ""); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.CloseVisit(sys, v.ID, ""); err != nil {
			t.Fatal(err)
		}
		c := newStoreClient(t, s)
		bureau := c.as(t, s, campusguard.RegionAdmin, tr.County)
		head := c.as(t, s, campusguard.SchoolAdmin, tr.School)
		county, sch := itoa(tr.County.ID), itoa(tr.School.ID)
		flag := func(cl *client, id int64, status int) *response {
			t.Helper()
			res := cl.send("PUT", "/api/v1/findings/"+itoa(id)+"/reinspect", map[string]any{"reinspect": true})
			if res.Status != status {
				t.Fatalf("PUT reinspect %d = %d %s, want %d", id, res.Status, res.Body, status)
			}
			return res
		}
		if !slices.Contains(flag(bureau, minor.ID, http.StatusUnprocessableEntity).Err(t).fieldSet(), "reinspect") {
			t.Error("the minor finding's refusal names no field")
		}
		flag(head, serious.ID, http.StatusForbidden)
		flag(bureau, serious.ID, http.StatusOK)
		var list struct{ Items []campusguard.Reinspection }
		bureau.get("/api/v1/orgs/"+county+"/reinspections?open=true").JSON(t, &list)
		if len(list.Items) != 1 || list.Items[0].FindingID != serious.ID || list.Items[0].Due != day.AddDays(campusguard.ReinspectAfterDays) {
			t.Fatalf("re-inspections due = %+v", list.Items)
		}
		list.Items = nil
		head.get("/api/v1/orgs/"+sch+"/reinspections").JSON(t, &list)
		if len(list.Items) != 0 {
			t.Fatalf("the school sees an unannounced re-inspection not carried out: %+v", list.Items)
		}
	})
}

// TestRectifyReadinessAPI: the bureau opens an item from a returned
// readiness item; bad input names its field; the school may not.
func TestRectifyReadinessAPI(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		monday := time.Date(2026, 12, 7, 9, 0, 0, 0, campusguard.China)
		s.Now = func() time.Time { return monday }
		day := campusguard.DateOf(monday)
		tr := sqlstoretest.MustTree(t, s)
		sys := sqlstoretest.Ctx
		sch := tr.School.ID
		rd, err := s.SchoolReadiness(sys, sch)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range rd.Items {
			if err := s.AnswerItem(sys, campusguard.Answer{SchoolID: sch, Code: it.Item.Code, State: campusguard.AnswerDone}); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.SubmitReadiness(sys, sch); err != nil {
			t.Fatal(err)
		}
		code := rd.Items[0].Item.Code
		if err := s.ReviewItem(sys, sch, code, campusguard.VerdictReturn, "照片不清"); err != nil {
			t.Fatal(err)
		}
		c := newStoreClient(t, s)
		bureau := c.as(t, s, campusguard.RegionAdmin, tr.County)
		head := c.as(t, s, campusguard.SchoolAdmin, tr.School)
		u := "/api/v1/schools/" + itoa(sch) + "/readiness/items/" + code + "/rectification"
		good := map[string]any{"severity": "serious", "deadline": day.AddDays(5).String(), "responsible": "李主任"}
		bad := map[string]any{"severity": "serious", "deadline": day.AddDays(-1).String(), "responsible": "李主任"}
		if res := bureau.send("POST", u, bad); res.Status != http.StatusUnprocessableEntity || !slices.Contains(res.Err(t).fieldSet(), "deadline") {
			t.Fatalf("past deadline = %d %s", res.Status, res.Body)
		}
		other := "/api/v1/schools/" + itoa(sch) + "/readiness/items/" + rd.Items[1].Item.Code + "/rectification"
		if res := bureau.send("POST", other, good); res.Status != http.StatusUnprocessableEntity || !slices.Contains(res.Err(t).fieldSet(), "code") {
			t.Fatalf("an item not returned = %d %s", res.Status, res.Body)
		}
		if res := head.send("POST", u, good); res.Status != http.StatusForbidden {
			t.Fatalf("principal = %d", res.Status)
		}
		res := bureau.send("POST", u, good)
		if res.Status != http.StatusCreated {
			t.Fatalf("rectify = %d %s", res.Status, res.Body)
		}
		var x campusguard.Rectification
		res.JSON(t, &x)
		if x.Source != campusguard.SourceReadiness || x.ReadinessCode != code || x.FindingID != 0 {
			t.Fatalf("item = %+v", x)
		}
		if res := bureau.send("POST", u, good); res.Status != http.StatusConflict {
			t.Fatalf("a second item = %d", res.Status)
		}
		var list struct{ Items []campusguard.Rectification }
		head.get("/api/v1/orgs/"+itoa(sch)+"/rectifications").JSON(t, &list)
		if len(list.Items) != 1 || list.Items[0].ID != x.ID {
			t.Fatalf("the school's items = %+v", list.Items)
		}
	})
}
