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

func TestPlaceForms(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		srv := newServer(t, s)
		principal := signIn(t, s, grant(campusguard.SchoolAdmin, f.school))
		teacher := signIn(t, s, grant(campusguard.ClassTeacher, f.class1))
		base := srv.URL + "/orgs/" + itoa(f.school.ID)

		p := principal.get(t, base)
		if len(p.all(t, testid("add-place-link"))) != 1 {
			t.Errorf("no add-place link on the school page")
		}
		p = principal.get(t, base+"/places")
		if p.status != http.StatusOK || len(p.all(t, `form input[name="csrf"]`)) < 3 {
			t.Fatalf("place form = %d", p.status)
		}
		count := func() (int, int) {
			pl, err := s.FindPlaces(ctx, f.school.ID, "")
			if err != nil {
				t.Fatal(err)
			}
			rs, err := s.FindBusRoutes(ctx, f.school.ID)
			if err != nil {
				t.Fatal(err)
			}
			return len(pl), len(rs)
		}
		places, routes := count()
		// Refused: no name, a dorm without beds, a route without a name.
		p = principal.post(t, base+"/places", url.Values{"kind": {"dorm_room"}, "name": {" "}})
		if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.text(t, testid("form-error")), "必填") {
			t.Fatalf("bad place = %d", p.status)
		}
		p = principal.post(t, base+"/bus-routes", url.Values{"name": {""}, "plate": {"闽E·1"}})
		if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.text(t, testid("form-error")), "必填") {
			t.Fatalf("bad route = %d", p.status)
		}
		if a, b := count(); a != places || b != routes {
			t.Fatalf("refused posts changed the school: %d %d", a, b)
		}
		p = principal.post(t, base+"/places", url.Values{"kind": {"dorm_room"}, "name": {"女生201"}, "beds": {"6"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("place = %d %s", p.status, p.body)
		}
		p = principal.post(t, base+"/bus-routes", url.Values{"name": {"下河线"}, "plate": {"闽E·54321"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("route = %d %s", p.status, p.body)
		}
		if a, b := count(); a != places+1 || b != routes+1 {
			t.Errorf("after posts: %d places, %d routes", a, b)
		}
		for _, u := range []string{"/places", "/bus-routes"} {
			p = teacher.post(t, base+u, url.Values{"kind": {"gate"}, "name": {"北门"}})
			if p.status != http.StatusForbidden && p.status != http.StatusNotFound {
				t.Errorf("teacher POST %s = %d", u, p.status)
			}
		}
		if a, b := count(); a != places+1 || b != routes+1 {
			t.Errorf("teacher changed the school: %d %d", a, b)
		}
	})
}
