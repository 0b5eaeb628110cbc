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

func TestChildRollups(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		onCheckDay(t, s)
		tr := mustTree(t, s)
		ps := mustPeople(t, s, tr)
		// A class nobody is in: nobody expected, so no completeness.
		empty := &campusguard.Org{Kind: campusguard.KindClass, Name: "3班", ParentID: &tr.Grade.ID}
		if err := s.CreateOrg(sqlstoretest.Ctx, empty); err != nil {
			t.Fatal(err)
		}
		day, _ := campusguard.ParseDate(checkDay)
		if err := s.OpenDay(sqlstoretest.Ctx, tr.County.ID, day); err != nil {
			t.Fatal(err)
		}
		c := adminClient(t, s, tr).secretsOf()
		postCheck(t, c, map[string]any{"person_id": ps.a1.ID, "day": checkDay, "kind": "gate", "temperature": 38.2,
			"client_key": "k1"}, http.StatusCreated)
		postCheck(t, c, map[string]any{"person_id": ps.a2.ID, "day": checkDay, "kind": "home", "temperature": 36.6,
			"symptoms": []string{"cough"}, "client_key": "k2"}, http.StatusCreated)
		postCheck(t, c, map[string]any{"person_id": ps.b1.ID, "day": checkDay, "kind": "morning", "attendance": "absent",
			"absence_reason": "illness", "client_key": "k3"}, http.StatusCreated)

		path := func(org *campusguard.Org, query string) string {
			return fmt.Sprintf("/api/v1/orgs/%d/rollups/children%s", org.ID, query)
		}
		read := func(c *client, org *campusguard.Org, query string) childFiguresList {
			t.Helper()
			r := c.get(path(org, query))
			wantStatus(t, r, http.StatusOK)
			var got childFiguresList
			r.JSON(t, &got)
			return got
		}
		share := func(v float64) *float64 { return &v }
		class1 := childFigures{OrgID: tr.Class1.ID, Name: tr.Class1.Name, Kind: campusguard.KindClass, Expected: 2,
			Reported: 2, Abnormal: 2, Fever: 1, Completeness: share(1)}
		class2 := childFigures{OrgID: tr.Class2.ID, Name: tr.Class2.Name, Kind: campusguard.KindClass, Expected: 1,
			Missing: 1, Absent: 1, IllAbsent: 1, OpenFollowUps: 1, Completeness: share(0)}
		class3 := childFigures{OrgID: empty.ID, Name: empty.Name, Kind: campusguard.KindClass}
		school := childFigures{OrgID: tr.School.ID, Name: tr.School.Name, Kind: campusguard.KindSchool, Expected: 3,
			Reported: 2, Missing: 1, Abnormal: 2, Fever: 1, Absent: 1, IllAbsent: 1, OpenFollowUps: 1, Completeness: share(2.0 / 3)}
		other := childFigures{OrgID: tr.Other.ID, Name: tr.Other.Name, Kind: campusguard.KindSchool, Expected: 1,
			Missing: 1, Completeness: share(0)}

		got := read(c, tr.School, "?day="+checkDay)
		if diff := cmp.Diff(childFiguresList{Day: day, Children: []childFigures{class1, class2, class3}}, got); diff != "" {
			t.Errorf("school's children (-want +got):\n%s", diff)
		}
		got = read(c, tr.Town, "?day="+checkDay)
		byID := map[int64]childFigures{}
		for _, ch := range got.Children {
			byID[ch.OrgID] = ch
		}
		if diff := cmp.Diff(map[int64]childFigures{school.OrgID: school, other.OrgID: other}, byID); diff != "" {
			t.Errorf("town's children (-want +got):\n%s", diff)
		}
		region := c.as(t, s, campusguard.RegionAdmin, tr.County)
		got = read(region, tr.County, "?day="+checkDay)
		if len(got.Children) != 1 || got.Children[0].OrgID != tr.Town.ID || got.Children[0].Kind != campusguard.KindRegion ||
			got.Children[0].Expected != 4 || got.Children[0].Reported != 2 || *got.Children[0].Completeness != 0.5 {
			t.Errorf("county's children = %+v, want the town, 2 of 4 reported", got.Children)
		}
		// A class has no children; today is the default day.
		if got := read(c, tr.Class1, "?day="+checkDay); len(got.Children) != 0 {
			t.Errorf("class's children = %+v, want none", got.Children)
		}
		if got := read(c, tr.School, ""); got.Day != today() || len(got.Children) != 3 {
			t.Errorf("school's children today = %+v, want today's three classes", got)
		}

		e := wantError(t, c.get(path(tr.School, "?day=30.11.2026")), http.StatusBadRequest, campusguard.Invalid)
		if diff := cmp.Diff([]string{"day"}, e.fieldSet()); diff != "" {
			t.Errorf("fields (-want +got):\n%s", diff)
		}
		teacher := c.as(t, s, campusguard.ClassTeacher, tr.Class1)
		wantError(t, teacher.get(path(tr.Other, "")), http.StatusNotFound, campusguard.NotFound)
		wantError(t, c.as(t, s, campusguard.SchoolAdmin, tr.Other).get(path(tr.School, "")), http.StatusNotFound, campusguard.NotFound)
		wantError(t, c.get(fmt.Sprintf("/api/v1/orgs/%d/rollups/children", 999999)), http.StatusNotFound, campusguard.NotFound)
		wantError(t, c.anonymous().get(path(tr.School, "")), http.StatusUnauthorized, campusguard.Unauthenticated)
	})
}
