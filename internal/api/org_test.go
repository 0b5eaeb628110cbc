package api

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// orgNames returns the names of orgs, in order.
func orgNames(orgs []*campusguard.Org) []string {
	out := []string{}
	for _, o := range orgs {
		out = append(out, o.Name)
	}
	return out
}

// TestOrgCreateTree builds a county tree through the API and checks what
// each step returns.
func TestOrgCreateTree(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		// A new tree's root is the system admin's to make.
		c, _ := newStoreClient(t, s).signedIn(t, s, campusguard.Grant{Role: campusguard.SystemAdmin})
		create := func(body map[string]any) *campusguard.Org {
			t.Helper()
			r := c.send("POST", "/api/v1/orgs", body)
			wantStatus(t, r, http.StatusCreated)
			var o campusguard.Org
			r.JSON(t, &o)
			if want := fmt.Sprintf("/api/v1/orgs/%d", o.ID); r.Header.Get("Location") != want {
				t.Errorf("Location = %q, want %q", r.Header.Get("Location"), want)
			}
			return &o
		}
		county := create(map[string]any{"kind": "region", "level": "county", "name": "云霄县", "code": "350622"})
		if county.ParentID != nil || county.RegionID != county.ID || county.Path != fmt.Sprintf("/%d/", county.ID) {
			t.Errorf("root = %+v, want a root of its own tree", county)
		}
		town := create(map[string]any{"parent_id": county.ID, "kind": "region", "level": "town", "name": "云陵镇"})
		school := create(map[string]any{"parent_id": town.ID, "kind": "school", "name": " 云陵中心小学 ", "school_type": "primary",
			"boarding": true, "address": "云霄县云陵镇城关路 1 号", "principal": "林校长"})
		if school.Name != "云陵中心小学" || school.RegionID != county.ID || !school.Boarding || school.SchoolType != campusguard.Primary {
			t.Errorf("school = %+v", school)
		}
		grade := create(map[string]any{"parent_id": school.ID, "kind": "grade", "name": "一年级", "grade_year": 1})
		class := create(map[string]any{"parent_id": grade.ID, "kind": "class", "name": "1班"})
		if want := grade.Path + fmt.Sprint(class.ID) + "/"; class.Path != want {
			t.Errorf("class path = %q, want %q", class.Path, want)
		}

		r := c.get(fmt.Sprintf("/api/v1/orgs/%d", class.ID))
		wantStatus(t, r, http.StatusOK)
		var got struct {
			campusguard.Org
			Ancestors []*campusguard.Org `json:"ancestors"`
		}
		r.JSON(t, &got)
		if diff := cmp.Diff([]string{"云霄县", "云陵镇", "云陵中心小学", "一年级"}, orgNames(got.Ancestors)); diff != "" {
			t.Errorf("ancestors (-want +got):\n%s", diff)
		}
		if got.Counts == nil || *got.Counts != (campusguard.OrgCounts{Classes: 1}) {
			t.Errorf("counts = %+v, want 1 class", got.Counts)
		}
		r = c.get(fmt.Sprintf("/api/v1/orgs/%d", county.ID))
		wantStatus(t, r, http.StatusOK)
		if !strings.Contains(string(r.Body), `"ancestors":[]`) {
			t.Errorf("root's ancestors are not an empty list: %s", r.Body)
		}
	})
}

// TestOrgCreateBadInput checks that every kind of bad body is refused
// with the right status, code and fields, and that nothing is written.
func TestOrgCreateBadInput(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		tr := mustTree(t, s)
		c := adminClient(t, s, tr)
		tests := []struct {
			name   string
			body   any
			status int
			code   campusguard.Code
			fields []string
		}{
			{"bad JSON", `{"kind": "school", "name": `, 400, campusguard.Invalid, nil},
			{"not an object", `["school"]`, 400, campusguard.Invalid, nil},
			{"empty body", ``, 400, campusguard.Invalid, nil},
			{"trailing garbage", `{"kind": "region", "level": "county", "name": "x"} {}`, 400, campusguard.Invalid, nil},
			{"unknown fields", map[string]any{"kind": "region", "level": "county", "name": "x", "colour": "red", "id": 5},
				400, campusguard.Invalid, []string{"colour", "id"}},
			{"wrong types", map[string]any{"kind": "school", "name": 5, "parent_id": "two", "boarding": "yes"},
				400, campusguard.Invalid, []string{"boarding", "name", "parent_id"}},
			{"missing name", map[string]any{"kind": "school", "school_type": "primary", "parent_id": tr.Town.ID},
				422, campusguard.Invalid, []string{"name"}},
			{"bad kind and level", map[string]any{"kind": "castle", "name": "x"},
				422, campusguard.Invalid, []string{"kind", "parent_id"}},
			{"class under school", map[string]any{"kind": "class", "name": "3班", "parent_id": tr.School.ID},
				422, campusguard.Invalid, []string{"parent_id"}},
			{"unknown parent", map[string]any{"kind": "school", "name": "x", "school_type": "primary", "parent_id": 999999},
				422, campusguard.Invalid, []string{"parent_id"}},
			{"taken code", map[string]any{"kind": "school", "name": "x", "school_type": "primary", "parent_id": tr.Town.ID, "code": "35062201"},
				409, campusguard.Conflict, []string{"code"}},
			{"body too large", `{"name": "` + strings.Repeat("长", 400000) + `"}`, 413, campusguard.Invalid, nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, before, _ := s.FindOrgs(ctx, campusguard.OrgFilter{})
				r := c.send("POST", "/api/v1/orgs", tt.body)
				wantStatus(t, r, tt.status)
				e := r.Err(t)
				if e.Code != tt.code || e.Message == "" {
					t.Errorf("error = %+v, want code %s with a message", e, tt.code)
				}
				if diff := cmp.Diff(tt.fields, e.fieldSet()); diff != "" {
					t.Errorf("fields (-want +got):\n%s", diff)
				}
				if _, after, _ := s.FindOrgs(ctx, campusguard.OrgFilter{}); after != before {
					t.Errorf("orgs = %d after a refused create, want %d", after, before)
				}
			})
		}
	})
}

// TestOrgIndex checks the filters and the pages of the org list.
func TestOrgIndex(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		tr := mustTree(t, s)
		c := adminClient(t, s, tr)
		id := func(o *campusguard.Org) string { return fmt.Sprint(o.ID) }
		tests := []struct {
			name   string
			query  string
			names  []string
			total  int
			offset int
			limit  int
		}{
			{"everything", "", []string{"云霄县", "云陵镇", "云陵中心小学", "云霄第二中学", "一年级", "七年级", "1班", "2班", "1班"}, 9, 0, 100},
			{"children of a grade", "parent_id=" + id(tr.Grade), []string{"1班", "2班"}, 2, 0, 100},
			{"classes under the county", "under=" + id(tr.County) + "&kind=class", []string{"1班", "2班", "1班"}, 3, 0, 100},
			{"under a school", "under=" + id(tr.School), []string{"一年级", "1班", "2班"}, 3, 0, 100},
			{"school type", "school_type=junior", []string{"云霄第二中学"}, 1, 0, 100},
			{"name search", "q=" + "中心", []string{"云陵中心小学"}, 1, 0, 100},
			{"code search", "q=35062201", []string{"云陵中心小学"}, 1, 0, 100},
			{"a page", "kind=class&limit=2&offset=1", []string{"1班", "2班"}, 3, 1, 2},
			{"past the end", "kind=class&offset=50", []string{}, 3, 50, 100},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				r := c.get("/api/v1/orgs?" + tt.query)
				wantStatus(t, r, http.StatusOK)
				var got list[*campusguard.Org]
				r.JSON(t, &got)
				// The order of equal sort keys differs between the databases
				// (NULL codes), so compare the names as sets.
				if diff := cmp.Diff(tt.names, orgNames(got.Items), cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
					t.Errorf("names (-want +got):\n%s", diff)
				}
				if got.Total != tt.total || got.Offset != tt.offset || got.Limit != tt.limit {
					t.Errorf("total, offset, limit = %d, %d, %d; want %d, %d, %d",
						got.Total, got.Offset, got.Limit, tt.total, tt.offset, tt.limit)
				}
			})
		}

		t.Run("pages cover the list once", func(t *testing.T) {
			seen := map[int64]int{}
			for offset := 0; offset < 9; offset += 2 {
				r := c.get(fmt.Sprintf("/api/v1/orgs?under=%d&limit=2&offset=%d", tr.County.ID, offset))
				wantStatus(t, r, http.StatusOK)
				var got list[*campusguard.Org]
				r.JSON(t, &got)
				if got.Total != 8 {
					t.Errorf("offset %d: total = %d, want 8", offset, got.Total)
				}
				for _, o := range got.Items {
					seen[o.ID]++
				}
			}
			if len(seen) != 8 {
				t.Errorf("pages hold %d distinct nodes, want 8", len(seen))
			}
			for id, n := range seen {
				if n != 1 {
					t.Errorf("node %d on %d pages", id, n)
				}
			}
		})

		t.Run("counts", func(t *testing.T) {
			r := c.get("/api/v1/orgs?counts=true&kind=school")
			wantStatus(t, r, http.StatusOK)
			var got list[*campusguard.Org]
			r.JSON(t, &got)
			for _, o := range got.Items {
				if o.Counts == nil {
					t.Errorf("%s: no counts", o.Name)
				}
			}
			for _, o := range got.Items {
				if o.ID == tr.School.ID && (o.Counts == nil || *o.Counts != (campusguard.OrgCounts{Schools: 1, Classes: 2})) {
					t.Errorf("%s counts = %+v, want 1 school, 2 classes", o.Name, o.Counts)
				}
			}
			r = c.get("/api/v1/orgs?kind=school")
			if strings.Contains(string(r.Body), `"counts"`) {
				t.Errorf("counts without counts=true: %s", r.Body)
			}
		})

		bad := []struct {
			name   string
			query  string
			status int
			fields []string
		}{
			{"limit zero", "limit=0", 400, []string{"limit"}},
			{"limit too big", "limit=1001", 400, []string{"limit"}},
			{"limit not a number", "limit=ten", 400, []string{"limit"}},
			{"negative offset", "offset=-1", 400, []string{"offset"}},
			{"bad kind", "kind=castle", 400, []string{"kind"}},
			{"bad school type", "school_type=castle", 400, []string{"school_type"}},
			{"bad parent id", "parent_id=abc", 400, []string{"parent_id"}},
			{"bad counts", "counts=maybe", 400, []string{"counts"}},
			{"all at once", "limit=0&kind=castle&under=x", 400, []string{"under", "kind", "limit"}},
			{"unknown under", "under=999999", 422, []string{"under"}},
		}
		for _, tt := range bad {
			t.Run(tt.name, func(t *testing.T) {
				r := c.get("/api/v1/orgs?" + tt.query)
				wantStatus(t, r, tt.status)
				e := r.Err(t)
				if e.Code != campusguard.Invalid {
					t.Errorf("code = %s, want invalid", e.Code)
				}
				if diff := cmp.Diff(tt.fields, e.fieldSet()); diff != "" {
					t.Errorf("fields (-want +got):\n%s", diff)
				}
			})
		}
	})
}

// TestOrgViewAndUpdate checks reading and changing one node.
func TestOrgViewAndUpdate(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		tr := mustTree(t, s)
		c := adminClient(t, s, tr)
		schoolURL := fmt.Sprintf("/api/v1/orgs/%d", tr.School.ID)

		r := c.get(schoolURL)
		wantStatus(t, r, http.StatusOK)
		var got orgDetailView
		r.JSON(t, &got)
		if got.Name != "云陵中心小学" || got.Counts == nil || got.Counts.Classes != 2 || got.Counts.Schools != 1 {
			t.Errorf("GET school = %+v", got)
		}
		if diff := cmp.Diff([]string{"云霄县", "云陵镇"}, orgNames(got.Ancestors)); diff != "" {
			t.Errorf("ancestors (-want +got):\n%s", diff)
		}

		gets := []struct {
			name   string
			path   string
			status int
			code   campusguard.Code
			fields []string
		}{
			{"unknown id", "/api/v1/orgs/999999", 404, campusguard.NotFound, nil},
			{"non-numeric id", "/api/v1/orgs/abc", 400, campusguard.Invalid, []string{"id"}},
			{"zero id", "/api/v1/orgs/0", 400, campusguard.Invalid, []string{"id"}},
			{"huge id", "/api/v1/orgs/99999999999999999999", 400, campusguard.Invalid, []string{"id"}},
		}
		for _, tt := range gets {
			t.Run("GET "+tt.name, func(t *testing.T) {
				r := c.get(tt.path)
				wantStatus(t, r, tt.status)
				e := r.Err(t)
				if e.Code != tt.code {
					t.Errorf("code = %s, want %s", e.Code, tt.code)
				}
				if diff := cmp.Diff(tt.fields, e.fieldSet()); diff != "" {
					t.Errorf("fields (-want +got):\n%s", diff)
				}
			})
		}

		patches := []struct {
			name   string
			path   string
			body   any
			status int
			code   campusguard.Code
			fields []string
			check  func(t *testing.T, o *campusguard.Org)
		}{
			{"change principal and boarding", schoolURL, map[string]any{"principal": "陈校长", "boarding": false}, 200, "", nil,
				func(t *testing.T, o *campusguard.Org) {
					if o.Principal != "陈校长" || o.Boarding || o.Name != "云陵中心小学" {
						t.Errorf("patched = %+v", o)
					}
				}},
			{"empty patch changes nothing", schoolURL, map[string]any{}, 200, "", nil,
				func(t *testing.T, o *campusguard.Org) {
					if o.Principal != "陈校长" {
						t.Errorf("patched = %+v", o)
					}
				}},
			{"unknown field", schoolURL, map[string]any{"kind": "class"}, 400, campusguard.Invalid, []string{"kind"}, nil},
			{"wrong type", schoolURL, map[string]any{"boarding": "no"}, 400, campusguard.Invalid, []string{"boarding"}, nil},
			{"bad JSON", schoolURL, `{"name":`, 400, campusguard.Invalid, nil, nil},
			{"empty name", schoolURL, map[string]any{"name": "  "}, 422, campusguard.Invalid, []string{"name"}, nil},
			{"bad school type", schoolURL, map[string]any{"school_type": "castle"}, 422, campusguard.Invalid, []string{"school_type"}, nil},
			{"taken code", fmt.Sprintf("/api/v1/orgs/%d", tr.Other.ID), map[string]any{"code": "35062201"}, 409, campusguard.Conflict, []string{"code"}, nil},
			{"unknown id", "/api/v1/orgs/999999", map[string]any{"name": "x"}, 404, campusguard.NotFound, nil, nil},
			{"non-numeric id", "/api/v1/orgs/x1", map[string]any{"name": "x"}, 400, campusguard.Invalid, []string{"id"}, nil},
		}
		for _, tt := range patches {
			t.Run("PATCH "+tt.name, func(t *testing.T) {
				r := c.send("PATCH", tt.path, tt.body)
				wantStatus(t, r, tt.status)
				if tt.check != nil {
					var o campusguard.Org
					r.JSON(t, &o)
					tt.check(t, &o)
					return
				}
				e := r.Err(t)
				if e.Code != tt.code {
					t.Errorf("code = %s, want %s", e.Code, tt.code)
				}
				if diff := cmp.Diff(tt.fields, e.fieldSet()); diff != "" {
					t.Errorf("fields (-want +got):\n%s", diff)
				}
			})
		}
	})
}

type orgDetailView struct {
	campusguard.Org
	Ancestors []*campusguard.Org `json:"ancestors"`
}

// TestPlacesAndBusRoutes checks a school's places and bus routes.
func TestPlacesAndBusRoutes(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		tr := mustTree(t, s)
		c := adminClient(t, s, tr)
		places := fmt.Sprintf("/api/v1/schools/%d/places", tr.School.ID)
		routes := fmt.Sprintf("/api/v1/schools/%d/bus-routes", tr.School.ID)

		r := c.send("POST", places, map[string]any{"kind": "observation_room", "name": "临时留观室"})
		wantStatus(t, r, http.StatusCreated)
		var p campusguard.Place
		r.JSON(t, &p)
		if p.ID == 0 || p.SchoolID != tr.School.ID || p.RegionID != tr.County.ID || p.Kind != campusguard.PlaceObservation {
			t.Errorf("created place = %+v", p)
		}
		r = c.send("POST", places, map[string]any{"kind": "classroom", "name": "一年级1班教室", "class_id": tr.Class1.ID})
		wantStatus(t, r, http.StatusCreated)

		r = c.get(places + "?kind=dorm_room")
		wantStatus(t, r, http.StatusOK)
		var got items[*campusguard.Place]
		r.JSON(t, &got)
		if len(got.Items) != 1 || got.Items[0].Name != "101" || got.Items[0].Beds != 2 {
			t.Errorf("dorm rooms = %+v", got.Items)
		}
		r = c.get(places)
		r.JSON(t, &got)
		if len(got.Items) != 3 {
			t.Errorf("places = %d, want 3", len(got.Items))
		}
		r = c.get(fmt.Sprintf("/api/v1/schools/%d/places", tr.Other.ID))
		wantStatus(t, r, http.StatusOK)
		if string(r.Body) != "{\"items\":[]}\n" {
			t.Errorf("other school's places = %s, want an empty list", r.Body)
		}

		r = c.send("POST", routes, map[string]any{"name": "下河线", "plate": "闽E·B5678"})
		wantStatus(t, r, http.StatusCreated)
		r = c.get(routes)
		wantStatus(t, r, http.StatusOK)
		var rs items[*campusguard.BusRoute]
		r.JSON(t, &rs)
		var names []string
		for _, br := range rs.Items {
			names = append(names, br.Name)
		}
		if len(names) != 2 {
			t.Errorf("bus routes = %v, want 2", names)
		}

		tests := []struct {
			name   string
			method string
			path   string
			body   any
			status int
			fields []string
		}{
			{"dorm without beds", "POST", places, map[string]any{"kind": "dorm_room", "name": "102"}, 422, []string{"beds"}},
			{"too many beds", "POST", places, map[string]any{"kind": "dorm_room", "name": "102", "beds": 100}, 422, []string{"beds"}},
			{"bad place kind", "POST", places, map[string]any{"kind": "castle", "name": "x"}, 422, []string{"kind"}},
			{"class of another school", "POST", places, map[string]any{"kind": "classroom", "name": "x", "class_id": tr.OtherClass.ID}, 422, []string{"class_id"}},
			{"unknown place field", "POST", places, map[string]any{"kind": "toilet", "name": "x", "floor": 2}, 400, []string{"floor"}},
			{"beds as text", "POST", places, map[string]any{"kind": "dorm_room", "name": "x", "beds": "8"}, 400, []string{"beds"}},
			{"bad kind filter", "GET", places + "?kind=castle", nil, 400, []string{"kind"}},
			{"places of unknown school", "GET", "/api/v1/schools/999999/places", nil, 404, nil},
			{"places of a grade", "GET", fmt.Sprintf("/api/v1/schools/%d/places", tr.Grade.ID), nil, 404, nil},
			{"place in unknown school", "POST", "/api/v1/schools/999999/places", map[string]any{"kind": "toilet", "name": "x"}, 404, nil},
			{"places non-numeric id", "GET", "/api/v1/schools/abc/places", nil, 400, []string{"id"}},
			{"route without name", "POST", routes, map[string]any{"name": " "}, 422, []string{"name"}},
			{"route with unknown driver", "POST", routes, map[string]any{"name": "x", "driver_id": 999999}, 422, []string{"driver_id"}},
			{"route unknown field", "POST", routes, map[string]any{"name": "x", "seats": 40}, 400, []string{"seats"}},
			{"routes of unknown school", "GET", "/api/v1/schools/999999/bus-routes", nil, 404, nil},
			{"routes of a region", "GET", fmt.Sprintf("/api/v1/schools/%d/bus-routes", tr.County.ID), nil, 404, nil},
			{"routes non-numeric id", "POST", "/api/v1/schools/-1/bus-routes", map[string]any{"name": "x"}, 400, []string{"id"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				r := c.send(tt.method, tt.path, tt.body)
				wantStatus(t, r, tt.status)
				e := r.Err(t)
				if diff := cmp.Diff(tt.fields, e.fieldSet()); diff != "" {
					t.Errorf("fields (-want +got):\n%s", diff)
				}
			})
		}
	})
}
