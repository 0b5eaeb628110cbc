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

// createPerson posts body and returns the created (masked) person.
func createPerson(t *testing.T, c *client, body map[string]any) *campusguard.Person {
	t.Helper()
	for _, k := range []string{"id_number", "phone"} {
		if v, ok := body[k].(string); ok && v != "" {
			c.secret(v)
		}
	}
	r := c.send("POST", "/api/v1/people", body)
	wantStatus(t, r, http.StatusCreated)
	var p campusguard.Person
	r.JSON(t, &p)
	if want := fmt.Sprintf("/api/v1/people/%d", p.ID); r.Header.Get("Location") != want {
		t.Errorf("Location = %q, want %q", r.Header.Get("Location"), want)
	}
	return &p
}

// TestPersonCreate checks the creation of students and staff, and every
// kind of bad input.
func TestPersonCreate(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		tr := mustTree(t, s)
		c := adminClient(t, s, tr)
		id := validID("20190307", 13)
		p := createPerson(t, c, map[string]any{"school_id": tr.School.ID, "kind": "student", "name": "陈小明",
			"number": "S1", "id_number": id, "phone": "13905961111", "class_id": tr.Class1.ID, "boarding": true,
			"dorm_room_id": tr.Room.ID, "bed": "1", "bus_route_id": tr.Route.ID, "town": "云陵镇", "village": "城关村"})
		if p.Birth.String() != "2019-03-07" || p.Gender != campusguard.Male {
			t.Errorf("derived birth, gender = %s, %s; want 2019-03-07, M", p.Birth, p.Gender)
		}
		if want := campusguard.HideIDNumber(id); p.IDNumber != want {
			t.Errorf("id_number = %q, want masked %q", p.IDNumber, want)
		}
		if p.Phone != "139****1111" {
			t.Errorf("phone = %q, want 139****1111", p.Phone)
		}
		if p.RegionID != tr.County.ID || !p.Active || *p.ClassID != tr.Class1.ID || *p.DormRoomID != tr.Room.ID {
			t.Errorf("created = %+v", p)
		}
		if stored, _, err := s.RevealIdentity(ctx, p.ID); err != nil || stored != id {
			t.Errorf("stored ID number = %q, %v; want the full number kept", stored, err)
		}
		// A staff member with no ID number: the given birth date and gender.
		staff := createPerson(t, c, map[string]any{"school_id": tr.School.ID, "kind": "staff", "name": "李医生",
			"number": "T1", "role": "health_officer", "gender": "F", "birth_date": "1985-06-01", "phone": "0596-8521234"})
		if staff.Birth.String() != "1985-06-01" || staff.Gender != campusguard.Female || staff.IDNumber != "" || staff.ClassID != nil {
			t.Errorf("staff = %+v", staff)
		}

		female := validID("20180211", 24)
		tests := []struct {
			name   string
			body   any
			status int
			code   campusguard.Code
			fields []string
		}{
			{"bad JSON", `{"kind": "student",`, 400, campusguard.Invalid, nil},
			{"unknown field", map[string]any{"school_id": tr.School.ID, "kind": "student", "name": "x", "number": "S9",
				"class_id": tr.Class1.ID, "nickname": "小x"}, 400, campusguard.Invalid, []string{"nickname"}},
			{"read-only field", map[string]any{"school_id": tr.School.ID, "kind": "student", "name": "x", "number": "S9",
				"class_id": tr.Class1.ID, "active": false}, 400, campusguard.Invalid, []string{"active"}},
			{"wrong types", map[string]any{"school_id": "3", "kind": "student", "name": "x", "number": 9,
				"class_id": 1.5, "birth_date": "2019-13-01"}, 400, campusguard.Invalid,
				[]string{"birth_date", "class_id", "number", "school_id"}},
			{"missing required", map[string]any{"school_id": tr.School.ID, "kind": "student"}, 422, campusguard.Invalid,
				[]string{"name", "number", "class_id"}},
			{"wrong check digit", map[string]any{"school_id": tr.School.ID, "kind": "student", "name": "x", "number": "S9",
				"class_id": tr.Class1.ID, "id_number": badCheck(female)}, 422, campusguard.Invalid, []string{"id_number"}},
			{"gender against ID number", map[string]any{"school_id": tr.School.ID, "kind": "student", "name": "x", "number": "S9",
				"class_id": tr.Class1.ID, "id_number": female, "gender": "M"}, 422, campusguard.Invalid, []string{"gender"}},
			{"bad phone", map[string]any{"school_id": tr.School.ID, "kind": "staff", "role": "teacher", "name": "x",
				"number": "T9", "phone": "12345"}, 422, campusguard.Invalid, []string{"phone"}},
			{"student with a post", map[string]any{"school_id": tr.School.ID, "kind": "student", "name": "x", "number": "S9",
				"class_id": tr.Class1.ID, "role": "teacher"}, 422, campusguard.Invalid, []string{"role"}},
			{"class of another school", map[string]any{"school_id": tr.School.ID, "kind": "student", "name": "x", "number": "S9",
				"class_id": tr.OtherClass.ID}, 422, campusguard.Invalid, []string{"class_id"}},
			{"unknown school", map[string]any{"school_id": 999999, "kind": "student", "name": "x", "number": "S9",
				"class_id": tr.Class1.ID}, 422, campusguard.Invalid, []string{"school_id"}},
			{"duplicate number", map[string]any{"school_id": tr.School.ID, "kind": "student", "name": "x", "number": "S1",
				"class_id": tr.Class2.ID}, 409, campusguard.Conflict, []string{"number"}},
			{"duplicate ID number", map[string]any{"school_id": tr.Other.ID, "kind": "student", "name": "x", "number": "S1",
				"class_id": tr.OtherClass.ID, "id_number": id}, 409, campusguard.Conflict, []string{"id_number"}},
			{"taken bed", map[string]any{"school_id": tr.School.ID, "kind": "student", "name": "x", "number": "S9",
				"class_id": tr.Class1.ID, "boarding": true, "dorm_room_id": tr.Room.ID, "bed": "1"}, 409, campusguard.Conflict, []string{"bed"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before := countPeople(t, s)
				r := c.send("POST", "/api/v1/people", tt.body)
				wantStatus(t, r, tt.status)
				e := r.Err(t)
				if e.Code != tt.code || e.Message == "" {
					t.Errorf("error = %+v, want code %s with a message", e, tt.code)
				}
				if diff := cmp.Diff(tt.fields, e.fieldSet(), cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
					t.Errorf("fields (-want +got):\n%s", diff)
				}
				if after := countPeople(t, s); after != before {
					t.Errorf("people = %d after a refused create, want %d", after, before)
				}
			})
		}
	})
}

// TestErrorLanguage checks that messages follow Accept-Language.
func TestErrorLanguage(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		tr := mustTree(t, s)
		c := adminClient(t, s, tr)
		body := map[string]any{"school_id": tr.School.ID, "kind": "student", "name": "x", "number": "S9",
			"class_id": tr.Class1.ID, "id_number": badCheck(validID("20190307", 13))}
		tests := []struct {
			lang    string
			message string
			field   string
		}{
			{"", "输入有误，请检查标出的项目", "身份证号校验位错误"},
			{"zh-CN,zh;q=0.9", "输入有误，请检查标出的项目", "身份证号校验位错误"},
			{"en-US,en;q=0.8", "Some input is not valid; see the marked items", "The ID number's check digit is wrong"},
			{"fr-FR, en;q=0.5", "Some input is not valid; see the marked items", "The ID number's check digit is wrong"},
		}
		for _, tt := range tests {
			t.Run(tt.lang, func(t *testing.T) {
				rq := jsonReq("POST", "/api/v1/people", body)
				rq.header = map[string]string{"Accept-Language": tt.lang}
				r := c.do(rq)
				wantStatus(t, r, http.StatusUnprocessableEntity)
				e := r.Err(t)
				if e.Message != tt.message || len(e.Fields) != 1 || e.Fields[0].Message != tt.field {
					t.Errorf("error = %+v, want %q, %q", e, tt.message, tt.field)
				}
			})
		}
		// A message with arguments, and a key raised with arguments it
		// does not show.
		rq := jsonReq("POST", "/api/v1/orgs", map[string]any{"kind": "region", "level": "county", "name": strings.Repeat("长", 101)})
		rq.header = map[string]string{"Accept-Language": "en"}
		r := c.do(rq)
		if e := r.Err(t); len(e.Fields) != 1 || e.Fields[0].Message != "At most 100 characters" {
			t.Errorf("too long = %+v, want At most 100 characters", e)
		}
		r = c.get("/api/v1/people/999999")
		if e := r.Err(t); e.Message != "未找到该记录" {
			t.Errorf("not found message = %q, want 未找到该记录", e.Message)
		}
	})
}

// TestPersonIndex checks the filters and pages of the people list.
func TestPersonIndex(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		tr := mustTree(t, s)
		c := adminClient(t, s, tr)
		ids := map[string]string{}
		mk := func(number, name string, body map[string]any) {
			t.Helper()
			body["number"], body["name"] = number, name
			p := createPerson(t, c, body)
			ids[number] = fmt.Sprint(p.ID)
		}
		idA := validID("20190101", 11)
		mk("S1", "陈小明", map[string]any{"school_id": tr.School.ID, "kind": "student", "class_id": tr.Class1.ID,
			"id_number": idA, "bus_route_id": tr.Route.ID, "boarding": true, "dorm_room_id": tr.Room.ID})
		mk("S2", "林小红", map[string]any{"school_id": tr.School.ID, "kind": "student", "class_id": tr.Class1.ID})
		mk("S3", "王小刚", map[string]any{"school_id": tr.School.ID, "kind": "student", "class_id": tr.Class2.ID})
		mk("T1", "黄老师", map[string]any{"school_id": tr.School.ID, "kind": "staff", "role": "class_teacher", "phone": "13905962222"})
		mk("T2", "周师傅", map[string]any{"school_id": tr.School.ID, "kind": "staff", "role": "driver"})
		mk("S1", "郑小华", map[string]any{"school_id": tr.Other.ID, "kind": "student", "class_id": tr.OtherClass.ID})

		id := func(o *campusguard.Org) string { return fmt.Sprint(o.ID) }
		tests := []struct {
			name  string
			query string
			names []string
			total int
		}{
			{"everyone", "", []string{"黄老师", "周师傅", "陈小明", "郑小华", "林小红", "王小刚"}, 6},
			{"under the county", "under=" + id(tr.County), []string{"黄老师", "周师傅", "陈小明", "郑小华", "林小红", "王小刚"}, 6},
			{"under the school", "under=" + id(tr.School), []string{"黄老师", "周师傅", "陈小明", "林小红", "王小刚"}, 5},
			{"under a grade", "under=" + id(tr.Grade), []string{"陈小明", "林小红", "王小刚"}, 3},
			{"under a class", "under=" + id(tr.Class1), []string{"陈小明", "林小红"}, 2},
			{"school", "school_id=" + id(tr.Other), []string{"郑小华"}, 1},
			{"class", "class_id=" + id(tr.Class2), []string{"王小刚"}, 1},
			{"students of a school", "school_id=" + id(tr.School) + "&kind=student", []string{"陈小明", "林小红", "王小刚"}, 3},
			{"role", "role=driver", []string{"周师傅"}, 1},
			{"bus route", "bus_route_id=" + fmt.Sprint(tr.Route.ID), []string{"陈小明"}, 1},
			{"dorm room", "dorm_room_id=" + fmt.Sprint(tr.Room.ID), []string{"陈小明"}, 1},
			{"name search", "q=小", []string{"陈小明", "郑小华", "林小红", "王小刚"}, 4},
			{"number search", "q=T2", []string{"周师傅"}, 1},
			{"ID number search", "q=" + idA, []string{"陈小明"}, 1},
			{"a page", "school_id=" + id(tr.School) + "&limit=2&offset=1", []string{"林小红", "王小刚"}, 5},
			{"past the end", "offset=100", []string{}, 6},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				r := c.get("/api/v1/people?" + tt.query)
				wantStatus(t, r, http.StatusOK)
				var got list[*campusguard.Person]
				r.JSON(t, &got)
				names := []string{}
				for _, p := range got.Items {
					names = append(names, p.Name)
				}
				sort := cmpopts.SortSlices(func(a, b string) bool { return a < b })
				if diff := cmp.Diff(tt.names, names, sort); diff != "" {
					t.Errorf("names (-want +got):\n%s", diff)
				}
				if got.Total != tt.total {
					t.Errorf("total = %d, want %d", got.Total, tt.total)
				}
			})
		}

		bad := []struct {
			name   string
			query  string
			status int
			fields []string
		}{
			{"bad kind", "kind=teacher", 400, []string{"kind"}},
			{"bad role", "role=headmaster", 400, []string{"role"}},
			{"bad ids", "school_id=x&class_id=0&bus_route_id=-3&dorm_room_id=1.5", 400,
				[]string{"school_id", "class_id", "bus_route_id", "dorm_room_id"}},
			{"limit too big", "limit=5000", 400, []string{"limit"}},
			{"long query", "q=" + strings.Repeat("a", 101), 400, []string{"q"}},
			{"unknown under", "under=999999", 422, []string{"under"}},
		}
		for _, tt := range bad {
			t.Run(tt.name, func(t *testing.T) {
				r := c.get("/api/v1/people?" + tt.query)
				wantStatus(t, r, tt.status)
				if diff := cmp.Diff(tt.fields, r.Err(t).fieldSet()); diff != "" {
					t.Errorf("fields (-want +got):\n%s", diff)
				}
			})
		}
	})
}

// TestPersonViewUpdateFile checks one person: reading, changing, adding
// guardians and the person's file.
func TestPersonViewUpdateFile(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		tr := mustTree(t, s)
		c := adminClient(t, s, tr)
		id := validID("20190307", 13)
		p := createPerson(t, c, map[string]any{"school_id": tr.School.ID, "kind": "student", "name": "陈小明",
			"number": "S1", "id_number": id, "class_id": tr.Class1.ID, "boarding": true, "dorm_room_id": tr.Room.ID,
			"bed": "1", "bus_route_id": tr.Route.ID})
		teacher := createPerson(t, c, map[string]any{"school_id": tr.School.ID, "kind": "staff", "name": "黄老师",
			"number": "T1", "role": "class_teacher", "phone": "13905962222"})
		url := fmt.Sprintf("/api/v1/people/%d", p.ID)

		r := c.get(url)
		wantStatus(t, r, http.StatusOK)
		var got campusguard.Person
		r.JSON(t, &got)
		if diff := cmp.Diff(p, &got); diff != "" {
			t.Errorf("GET (-created +got):\n%s", diff)
		}

		// Guardians: one new, one found again by phone and renamed.
		guardians := fmt.Sprintf("/api/v1/people/%d/guardians", p.ID)
		c.secret("13805961234", "13605963333")
		r = c.send("POST", guardians, map[string]any{"name": "陈建国", "phone": "13805961234", "relation": "父亲"})
		wantStatus(t, r, http.StatusCreated)
		var g campusguard.Guardian
		r.JSON(t, &g)
		if g.ID == 0 || g.Phone != "138****1234" || g.Relation != "父亲" || g.RegionID != tr.County.ID {
			t.Errorf("guardian = %+v", g)
		}
		r = c.send("POST", guardians, map[string]any{"name": "林秀英", "phone": "13605963333", "relation": "母亲"})
		wantStatus(t, r, http.StatusCreated)

		gtests := []struct {
			name   string
			path   string
			body   any
			status int
			fields []string
		}{
			{"missing phone", guardians, map[string]any{"name": "x"}, 422, []string{"phone"}},
			{"bad phone and no name", guardians, map[string]any{"phone": "555"}, 422, []string{"name", "phone"}},
			{"staff has no guardian", fmt.Sprintf("/api/v1/people/%d/guardians", teacher.ID),
				map[string]any{"name": "x", "phone": "13705964444"}, 422, []string{"id"}},
			{"unknown student", "/api/v1/people/999999/guardians", map[string]any{"name": "x", "phone": "13705964444"}, 404, nil},
			{"non-numeric id", "/api/v1/people/abc/guardians", map[string]any{"name": "x", "phone": "13705964444"}, 400, []string{"id"}},
			{"unknown field", guardians, map[string]any{"name": "x", "phone": "13705964444", "wechat": "x"}, 400, []string{"wechat"}},
		}
		for _, tt := range gtests {
			t.Run("guardian "+tt.name, func(t *testing.T) {
				r := c.send("POST", tt.path, tt.body)
				wantStatus(t, r, tt.status)
				if diff := cmp.Diff(tt.fields, r.Err(t).fieldSet()); diff != "" {
					t.Errorf("fields (-want +got):\n%s", diff)
				}
			})
		}

		newID := validID("20190308", 24)
		c.secret(newID)
		patches := []struct {
			name   string
			path   string
			body   any
			status int
			code   campusguard.Code
			fields []string
			check  func(t *testing.T, p *campusguard.Person)
		}{
			{"move class and leave the bus", url, map[string]any{"name": "陈晓明", "class_id": tr.Class2.ID, "bus_route_id": 0}, 200, "", nil,
				func(t *testing.T, p *campusguard.Person) {
					if p.Name != "陈晓明" || *p.ClassID != tr.Class2.ID || p.BusRouteID != nil {
						t.Errorf("patched = %+v", p)
					}
				}},
			{"new ID number derives birth and gender", url, map[string]any{"id_number": newID}, 200, "", nil,
				func(t *testing.T, p *campusguard.Person) {
					if p.Birth.String() != "2019-03-08" || p.Gender != campusguard.Female || p.IDNumber != campusguard.HideIDNumber(newID) {
						t.Errorf("patched = %+v", p)
					}
				}},
			{"wrong check digit", url, map[string]any{"id_number": badCheck(id)}, 422, campusguard.Invalid, []string{"id_number"}, nil},
			{"class of another school", url, map[string]any{"class_id": tr.OtherClass.ID}, 422, campusguard.Invalid, []string{"class_id"}, nil},
			{"number taken", url, map[string]any{"number": "T1"}, 409, campusguard.Conflict, []string{"number"}, nil},
			{"unknown field", url, map[string]any{"school_id": tr.Other.ID}, 400, campusguard.Invalid, []string{"school_id"}, nil},
			{"wrong type", url, map[string]any{"active": "yes"}, 400, campusguard.Invalid, []string{"active"}, nil},
			{"unknown id", "/api/v1/people/999999", map[string]any{"name": "x"}, 404, campusguard.NotFound, nil, nil},
			{"non-numeric id", "/api/v1/people/1e3", map[string]any{"name": "x"}, 400, campusguard.Invalid, []string{"id"}, nil},
		}
		for _, tt := range patches {
			t.Run("PATCH "+tt.name, func(t *testing.T) {
				r := c.send("PATCH", tt.path, tt.body)
				wantStatus(t, r, tt.status)
				if tt.check != nil {
					var p campusguard.Person
					r.JSON(t, &p)
					tt.check(t, &p)
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

		r = c.get(url + "/file")
		wantStatus(t, r, http.StatusOK)
		var f campusguard.PersonFile
		r.JSON(t, &f)
		if f.Person.ID != p.ID || f.School.ID != tr.School.ID || f.Grade.ID != tr.Grade.ID || f.Class.ID != tr.Class2.ID {
			t.Errorf("file person, school, grade, class = %d %d %d %d", f.Person.ID, f.School.ID, f.Grade.ID, f.Class.ID)
		}
		if f.DormRoom == nil || f.DormRoom.Name != "101" || f.BusRoute != nil {
			t.Errorf("file dorm room, bus route = %+v, %+v; want 101 and none", f.DormRoom, f.BusRoute)
		}
		if diff := cmp.Diff([]string{"云霄县", "云陵镇"}, orgNames(f.Path)); diff != "" {
			t.Errorf("file path (-want +got):\n%s", diff)
		}
		var gs []string
		for _, g := range f.Guardians {
			gs = append(gs, g.Name+" "+g.Relation+" "+g.Phone)
		}
		if diff := cmp.Diff([]string{"陈建国 父亲 138****1234", "林秀英 母亲 136****3333"}, gs); diff != "" {
			t.Errorf("file guardians (-want +got):\n%s", diff)
		}
		kinds := map[string]int{}
		for _, e := range f.History {
			kinds[e.Kind]++
			if e.Actor != "token:"+testTokenName {
				t.Errorf("history %+v: actor %q, want the API token", e, e.Actor)
			}
		}
		if kinds["created"] != 1 || kinds["guardian"] != 2 || kinds["updated"] != 2 {
			t.Errorf("history kinds = %v, want created 1, guardian 2, updated 2", kinds)
		}

		for _, path := range []string{"/api/v1/people/999999", "/api/v1/people/999999/file"} {
			r := c.get(path)
			wantStatus(t, r, http.StatusNotFound)
		}
		for _, path := range []string{"/api/v1/people/x", "/api/v1/people/0/file"} {
			r := c.get(path)
			wantStatus(t, r, http.StatusBadRequest)
			if diff := cmp.Diff([]string{"id"}, r.Err(t).fieldSet()); diff != "" {
				t.Errorf("%s fields (-want +got):\n%s", path, diff)
			}
		}
	})
}
