package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

func TestPersonForms(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		srv := newServer(t, s)
		admin := signIn(t, s, grant(campusguard.RegionAdmin, f.county))
		teacher := signIn(t, s, grant(campusguard.ClassTeacher, f.class1))
		u := srv.URL + "/people/" + itoa(f.student2.ID)

		p := admin.get(t, u)
		if len(p.all(t, testid("person-edit-link"))) != 1 {
			t.Errorf("no edit link on the file")
		}
		p = admin.get(t, u+"/edit")
		if p.status != http.StatusOK || len(p.all(t, testid("person-form")+` input[name="csrf"]`)) != 1 ||
			len(p.all(t, testid("guardian-form")+` input[name="csrf"]`)) != 1 {
			t.Fatalf("edit form = %d", p.status)
		}
		if n := len(p.all(t, testid("person-class")+" option")); n != 2 {
			t.Errorf("%d class choices, want 2", n)
		}
		form := url.Values{"name": {""}, "number": {"S002"}, "phone": {"123"}, "class_id": {itoa(f.class2.ID)}}
		p = admin.post(t, u+"/edit", form)
		if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.text(t, testid("form-error")), "必填") ||
			!strings.Contains(p.text(t, testid("form-error")), "电话") {
			t.Fatalf("bad edit = %d", p.status)
		}
		if x, _ := s.FindPersonByID(ctx, f.student2.ID); x.Name != "林小红" || *x.ClassID != f.class1.ID {
			t.Fatalf("refused edit changed %+v", x)
		}
		form = url.Values{"name": {"林晓红"}, "number": {"S002"}, "phone": {"13905961111"}, "class_id": {itoa(f.class2.ID)},
			"boarding": {"1"}, "town": {"云陵镇"}, "village": {"下河村"}}
		p = admin.post(t, u+"/edit", form)
		if p.status != http.StatusSeeOther {
			t.Fatalf("edit = %d %s", p.status, p.body)
		}
		x, _ := s.FindPersonByID(ctx, f.student2.ID)
		if x.Name != "林晓红" || *x.ClassID != f.class2.ID || !x.Boarding || x.Village != "下河村" {
			t.Errorf("edited = %+v", x)
		}

		// Guardians.
		guardians := func() int {
			pf, err := s.FindPersonFile(ctx, f.student2.ID)
			if err != nil {
				t.Fatal(err)
			}
			return len(pf.Guardians)
		}
		n := guardians()
		p = admin.post(t, u+"/guardians", url.Values{"name": {"林大山"}, "phone": {"99"}, "relation": {"父亲"}})
		if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.text(t, testid("form-error")), "监护人电话") {
			t.Fatalf("bad guardian = %d", p.status)
		}
		if guardians() != n {
			t.Fatalf("refused guardian was added")
		}
		p = admin.post(t, u+"/guardians", url.Values{"name": {"林大山"}, "phone": {"13805960002"}, "relation": {"父亲"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("guardian = %d %s", p.status, p.body)
		}
		if guardians() != n+1 {
			t.Errorf("guardian not added")
		}

		// A class teacher may not write.
		for _, path := range []string{"/people/" + itoa(f.student.ID) + "/edit", "/people/" + itoa(f.student.ID) + "/guardians"} {
			p = teacher.post(t, srv.URL+path, url.Values{"name": {"某某"}, "number": {"S001"}, "phone": {"13805960003"}})
			if p.status != http.StatusForbidden && p.status != http.StatusNotFound {
				t.Errorf("teacher POST %s = %d", path, p.status)
			}
		}
		if x, _ := s.FindPersonByID(ctx, f.student.ID); x.Name != "陈小明" {
			t.Errorf("teacher renamed the student")
		}
	})
}

func TestPersonFormDormAndBus(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		srv := newServer(t, s)
		admin := signIn(t, s, grant(campusguard.RegionAdmin, f.county))
		u := srv.URL + "/people/" + itoa(f.student2.ID)
		school2 := &campusguard.Org{Kind: campusguard.KindSchool, SchoolType: campusguard.Primary, Name: "城关小学",
			Code: "35062202", ParentID: &f.town.ID}
		if err := s.CreateOrg(ctx, school2); err != nil {
			t.Fatal(err)
		}
		route2 := &campusguard.BusRoute{SchoolID: school2.ID, Name: "城关线"}
		if err := s.CreateBusRoute(ctx, route2); err != nil {
			t.Fatal(err)
		}

		p := admin.get(t, u+"/edit")
		if p.status != http.StatusOK {
			t.Fatalf("edit form = %d", p.status)
		}
		if n := len(p.all(t, testid("person-dorm-room")+" option")); n != 2 {
			t.Errorf("%d room choices, want none and the room", n)
		}
		if n := len(p.all(t, testid("person-bus-route")+" option")); n != 2 {
			t.Errorf("%d route choices, want none and the school's route", n)
		}
		if len(p.all(t, testid("person-bed"))) != 1 {
			t.Errorf("no bed field")
		}
		base := func(room, bed, route string) url.Values {
			return url.Values{"name": {"林小红"}, "number": {"S002"}, "class_id": {itoa(f.class1.ID)}, "boarding": {"1"},
				"dorm_room_id": {room}, "bed": {bed}, "bus_route_id": {route}}
		}

		// Set a room, a bed and a route.
		p = admin.post(t, u+"/edit", base(itoa(f.room.ID), "1", itoa(f.route.ID)))
		if p.status != http.StatusSeeOther {
			t.Fatalf("set = %d %s", p.status, p.body)
		}
		p = admin.get(t, u)
		if got := p.text(t, testid("person-dorm")); !strings.Contains(got, "男生101") || !strings.Contains(got, "1 号床") {
			t.Errorf("dorm = %q", got)
		}
		if got := p.text(t, testid("person-bus")); !strings.Contains(got, "马铺线") {
			t.Errorf("bus = %q", got)
		}
		p = admin.get(t, u+"/edit")
		if len(p.all(t, testid("person-dorm-room")+` option[selected][value="`+itoa(f.room.ID)+`"]`)) != 1 ||
			len(p.all(t, testid("person-bus-route")+` option[selected][value="`+itoa(f.route.ID)+`"]`)) != 1 ||
			len(p.all(t, testid("person-bed")+`[value="1"]`)) != 1 {
			t.Errorf("the form does not show the room, bed and route")
		}
		unchanged := func(what string) {
			t.Helper()
			x, err := s.FindPersonByID(ctx, f.student2.ID)
			if err != nil {
				t.Fatal(err)
			}
			if x.DormRoomID == nil || *x.DormRoomID != f.room.ID || x.Bed != "1" || x.BusRouteID == nil || *x.BusRouteID != f.route.ID {
				t.Errorf("%s changed the person: %+v", what, x)
			}
		}
		unchanged("setting")

		// Another student's bed.
		p = admin.post(t, u+"/edit", base(itoa(f.room.ID), "3", itoa(f.route.ID)))
		if p.status < 400 || p.status >= 500 || !strings.Contains(p.text(t, testid("form-error")), "床位") ||
			len(p.all(t, testid("person-bed")+`[aria-invalid="true"][value="3"]`)) != 1 {
			t.Errorf("taken bed = %d %s", p.status, p.body)
		}
		unchanged("a taken bed")

		// Another school's route.
		p = admin.post(t, u+"/edit", base(itoa(f.room.ID), "1", itoa(route2.ID)))
		if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.text(t, testid("form-error")), "校车线路") ||
			len(p.all(t, testid("person-bus-route")+`[aria-invalid="true"]`)) != 1 {
			t.Errorf("other school's route = %d %s", p.status, p.body)
		}
		unchanged("another school's route")

		// A room without boarding.
		form := base(itoa(f.room.ID), "1", itoa(f.route.ID))
		form.Del("boarding")
		p = admin.post(t, u+"/edit", form)
		if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.text(t, testid("form-error")), "宿舍床位") {
			t.Errorf("room without boarding = %d %s", p.status, p.body)
		}
		unchanged("a room without boarding")

		// Clear them.
		form = base("", "", "")
		form.Del("boarding")
		p = admin.post(t, u+"/edit", form)
		if p.status != http.StatusSeeOther {
			t.Fatalf("clear = %d %s", p.status, p.body)
		}
		x, _ := s.FindPersonByID(ctx, f.student2.ID)
		if x.Boarding || x.DormRoomID != nil || x.Bed != "" || x.BusRouteID != nil {
			t.Errorf("cleared = %+v", x)
		}
		p = admin.get(t, u)
		if got := p.text(t, testid("person-dorm")); got != "—" {
			t.Errorf("cleared dorm = %q", got)
		}
		if got := p.text(t, testid("person-bus")); got != "—" {
			t.Errorf("cleared bus = %q", got)
		}
	})
}
