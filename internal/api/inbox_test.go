package api

import (
	"fmt"
	"net/http"
	"testing"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// TestInbox: a class teacher's notifications of new cases in their class,
// read one by one or all at once; nobody else's.
func TestInbox(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		cp := mustCasePeople(t, s)
		tr := cp.tr
		c := newStoreClient(t, s)
		teacher, _ := c.signedIn(t, s, campusguard.Grant{Role: campusguard.ClassTeacher, OrgID: tr.Class1.ID})
		other, _ := c.signedIn(t, s, campusguard.Grant{Role: campusguard.ClassTeacher, OrgID: tr.Class2.ID})
		officer := c.as(t, s, campusguard.HealthOffice, tr.School)
		for _, p := range []*campusguard.Person{cp.student, cp.classmate} {
			wantStatus(t, officer.send("POST", "/api/v1/cases", map[string]any{"person_id": p.ID,
				"onset_day": today().String(), "temperature": 38.3}), http.StatusCreated)
		}

		inbox := func(who *client, query string) inboxPage {
			t.Helper()
			r := who.get("/api/v1/inbox" + query)
			wantStatus(t, r, http.StatusOK)
			var p inboxPage
			r.JSON(t, &p)
			return p
		}
		p := inbox(teacher, "")
		if len(p.Items) != 2 || p.Unread != 2 || p.Items[0].ReadAt != nil || p.Items[0].Subject == "" || p.Items[0].ID < p.Items[1].ID {
			t.Fatalf("inbox = %+v, want 2 unread, newest first", p)
		}
		if p := inbox(other, ""); len(p.Items) != 0 || p.Unread != 0 {
			t.Errorf("the other class's teacher has %+v", p)
		}
		first := p.Items[0]

		// Another user cannot mark it read.
		wantError(t, other.send("POST", fmt.Sprintf("/api/v1/inbox/%d/read", first.ID), nil), http.StatusNotFound, campusguard.NotFound)
		if p := inbox(teacher, ""); p.Unread != 2 {
			t.Errorf("unread after another user's attempt = %d, want 2", p.Unread)
		}

		r := teacher.send("POST", fmt.Sprintf("/api/v1/inbox/%d/read", first.ID), nil)
		wantStatus(t, r, http.StatusOK)
		var n unreadCount
		if r.JSON(t, &n); n.Unread != 1 {
			t.Errorf("unread after reading one = %d, want 1", n.Unread)
		}
		// Reading it again changes nothing.
		wantStatus(t, teacher.send("POST", fmt.Sprintf("/api/v1/inbox/%d/read", first.ID), nil), http.StatusOK)
		p = inbox(teacher, "?unread=true")
		if len(p.Items) != 1 || p.Unread != 1 || p.Items[0].ID == first.ID {
			t.Errorf("unread inbox = %+v, want the other one", p)
		}
		p = inbox(teacher, "?unread=false&offset=0&limit=1")
		if len(p.Items) != 1 || p.Items[0].ID != first.ID || p.Items[0].ReadAt == nil || p.Limit != 1 {
			t.Errorf("first page of one = %+v, want the read one", p)
		}

		r = teacher.send("POST", "/api/v1/inbox/read-all", nil)
		wantStatus(t, r, http.StatusOK)
		if r.JSON(t, &n); n.Unread != 0 {
			t.Errorf("unread after reading all = %d", n.Unread)
		}
		if p := inbox(teacher, "?unread=true"); len(p.Items) != 0 || p.Unread != 0 {
			t.Errorf("unread inbox after reading all = %+v", p)
		}

		// An API token is no user: an empty inbox, nothing to mark.
		if p := inbox(officer, ""); len(p.Items) != 0 || p.Unread != 0 {
			t.Errorf("a token's inbox = %+v", p)
		}
		wantError(t, officer.send("POST", fmt.Sprintf("/api/v1/inbox/%d/read", first.ID), nil), http.StatusNotFound, campusguard.NotFound)

		// Bad input.
		for query, field := range map[string]string{"?unread=yes": "unread", "?limit=0": "limit", "?limit=201": "limit", "?offset=x": "offset"} {
			wantFields(t, wantError(t, teacher.get("/api/v1/inbox"+query), http.StatusBadRequest, campusguard.Invalid), field)
		}
		wantFields(t, wantError(t, teacher.send("POST", "/api/v1/inbox/abc/read", nil), http.StatusBadRequest, campusguard.Invalid), "id")
		wantError(t, teacher.send("POST", "/api/v1/inbox/999999/read", nil), http.StatusNotFound, campusguard.NotFound)
		// A session without its CSRF token may not mark anything.
		wantError(t, teacher.withCookie(teacher.cookie, "").send("POST", "/api/v1/inbox/read-all", nil), http.StatusForbidden, campusguard.Forbidden)
		// Anonymous.
		wantError(t, c.anonymous().get("/api/v1/inbox"), http.StatusUnauthorized, campusguard.Unauthenticated)
		wantError(t, c.anonymous().send("POST", "/api/v1/inbox/read-all", nil), http.StatusUnauthorized, campusguard.Unauthenticated)
		wantError(t, c.anonymous().send("POST", fmt.Sprintf("/api/v1/inbox/%d/read", first.ID), nil), http.StatusUnauthorized, campusguard.Unauthenticated)
	})
}
