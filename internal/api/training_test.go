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

// TestTrainingAPI: a health officer records a session with attendance
// and corrects it; bad input names its field and records nothing; the
// school's and the region's coverage follow; the bureau sets a term's
// topics; the gate and another school get 404.
func TestTrainingAPI(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		now := time.Date(2026, 10, 13, 9, 0, 0, 0, campusguard.China)
		s.Now = func() time.Time { return now }
		day := campusguard.DateOf(now)
		term := campusguard.TermOf(day).String()
		tr := sqlstoretest.MustTree(t, s)
		var staff []*campusguard.Person
		for i, name := range []string{"林老师", "陈校医"} {
			p := &campusguard.Person{SchoolID: tr.School.ID, Kind: campusguard.Staff, Name: name, Number: "T" + itoa(int64(i)), Role: campusguard.RoleTeacher}
			if err := s.CreatePerson(sqlstoretest.Ctx, p); err != nil {
				t.Fatal(err)
			}
			staff = append(staff, p)
		}
		other := &campusguard.Person{SchoolID: tr.Other.ID, Kind: campusguard.Staff, Name: "吴老师", Number: "O1", Role: campusguard.RoleTeacher}
		if err := s.CreatePerson(sqlstoretest.Ctx, other); err != nil {
			t.Fatal(err)
		}
		c := newStoreClient(t, s)
		officer := c.as(t, s, campusguard.HealthOffice, tr.School)
		bureau := c.as(t, s, campusguard.RegionAdmin, tr.County)
		gate := c.as(t, s, campusguard.GateStaff, tr.School)
		otherPrincipal := c.as(t, s, campusguard.SchoolAdmin, tr.Other)
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
		count := func() int {
			var list struct{ Items []campusguard.TrainingSession }
			officer.get("/api/v1/orgs/"+sch+"/training-sessions?term="+term).JSON(t, &list)
			return len(list.Items)
		}
		good := func() map[string]any {
			return map[string]any{"kind": "staff_training", "topic": "prevention", "day": day.String(), "trainer": "县疾控中心 张医生",
				"attendee_ids": []int64{staff[0].ID}}
		}
		for _, b := range []struct {
			name, key, field string
			v                any
		}{
			{"a person of another school", "attendee_ids", "attendee_ids", []int64{staff[0].ID, other.ID}},
			{"no topic", "topic", "topic", ""},
			{"a day ahead", "day", "day", day.AddDays(1).String()},
			{"a day next term", "day", "day", campusguard.TermOf(day).Next().Start().String()},
			{"no trainer", "trainer", "trainer", ""},
			{"a class of another school", "class_id", "class_id", tr.OtherClass.ID},
		} {
			body := good()
			body[b.key] = b.v
			if b.key == "class_id" {
				body["kind"] = "health_education"
			}
			want(b.name, officer.send("POST", "/api/v1/orgs/"+sch+"/training-sessions", body), http.StatusUnprocessableEntity, b.field)
		}
		want("a bad term", officer.get("/api/v1/orgs/"+sch+"/training-coverage?term=2026-winter"), http.StatusBadRequest, "term")
		if n := count(); n != 0 {
			t.Fatalf("refused sessions recorded: %d", n)
		}
		res := officer.send("POST", "/api/v1/orgs/"+sch+"/training-sessions", good())
		want("record", res, http.StatusCreated, "")
		var x campusguard.TrainingSession
		res.JSON(t, &x)
		if len(x.Attendees) != 1 || x.Attendees[0].Name != "林老师" || x.Attended != 1 {
			t.Fatalf("record = %+v", x)
		}
		var cov struct{ School *campusguard.TrainingCoverage }
		officer.get("/api/v1/orgs/"+sch+"/training-coverage?term="+term).JSON(t, &cov)
		if cov.School == nil || cov.School.Topics[0].Trained != 1 || len(cov.School.NeverTrained) != 1 || cov.School.NeverTrained[0].ID != staff[1].ID {
			t.Fatalf("coverage = %+v", cov.School)
		}
		one := "/api/v1/training-sessions/" + itoa(x.ID)
		want("attendance with another school's", officer.send("PUT", one+"/attendance", map[string]any{"attendee_ids": []int64{other.ID}}),
			http.StatusUnprocessableEntity, "attendee_ids")
		want("attendance", officer.send("PUT", one+"/attendance", map[string]any{"attendee_ids": []int64{staff[0].ID, staff[1].ID}}), http.StatusOK, "")
		var region struct {
			Region *campusguard.RegionTrainingCoverage
		}
		bureau.get("/api/v1/orgs/"+county+"/training-coverage?term="+term).JSON(t, &region)
		if region.Region == nil || len(region.Region.Schools) != 2 || region.Region.Schools[0].Trained[0] != 2 || region.Region.Staff != 3 {
			t.Fatalf("region coverage = %+v", region.Region)
		}
		var roster campusguard.TrainingRoster
		officer.get("/api/v1/orgs/"+sch+"/training-roster?kind=staff_training").JSON(t, &roster)
		if len(roster.People) != 2 || len(roster.Kinds) != 3 {
			t.Errorf("roster = %+v", roster)
		}
		topics := map[string]any{"term": term, "topics": []map[string]string{{"code": "canteen", "name": "食堂卫生"}}}
		want("topics by the officer", officer.send("PUT", "/api/v1/orgs/"+county+"/training-topics", topics), http.StatusForbidden, "")
		want("topics twice", bureau.send("PUT", "/api/v1/orgs/"+county+"/training-topics", map[string]any{"term": term,
			"topics": []map[string]string{{"code": "a", "name": "甲"}, {"code": "a", "name": "乙"}}}), http.StatusUnprocessableEntity, "2:topics")
		want("topics", bureau.send("PUT", "/api/v1/orgs/"+county+"/training-topics", topics), http.StatusOK, "")
		var got struct{ Topics []campusguard.TrainingTopic }
		officer.get("/api/v1/orgs/"+county+"/training-topics?term="+term).JSON(t, &got)
		if len(got.Topics) != 1 || got.Topics[0].Code != "canteen" {
			t.Errorf("topics = %+v", got.Topics)
		}
		for _, p := range []string{"/api/v1/orgs/" + sch + "/training-coverage", "/api/v1/orgs/" + sch + "/training-sessions", one} {
			want("gate "+p, gate.get(p), http.StatusNotFound, "")
			want("another school "+p, otherPrincipal.get(p), http.StatusNotFound, "")
		}
		want("gate records", gate.send("POST", "/api/v1/orgs/"+sch+"/training-sessions", good()), http.StatusNotFound, "")
	})
}
