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

// TestLoginCSRFPage: the sign-in and join forms posted from another site's
// page are refused (403) and set no cookie; from our own page they work.
func TestLoginCSRFPage(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		srv := newServer(t, s)
		u := sqlstoretest.MustUser(t, s, grant(campusguard.SchoolAdmin, f.school))
		form := url.Values{"login": {u.Login}, "password": {sqlstoretest.Password}, "next": {"/"}}
		for _, h := range []string{"Origin: https://evil.example", "Referer: https://evil.example/page", "Origin: null"} {
			p := post(t, srv.URL+"/login", form, h)
			if p.status != http.StatusForbidden {
				t.Errorf("POST /login with %s = %d, want 403", h, p.status)
			}
			if c := p.header.Get("Set-Cookie"); strings.Contains(c, "cg_session=") && !strings.Contains(c, "Max-Age=0") {
				t.Errorf("POST /login with %s sets a session cookie: %s", h, c)
			}
			j := post(t, srv.URL+"/join", url.Values{"code": {"AAAAA-AAAAA"}, "name": {"家长"}, "phone": {"13700000002"},
				"relation": {"母亲"}, "password": {sqlstoretest.Password}, "password2": {sqlstoretest.Password}}, h)
			if j.status != http.StatusForbidden {
				t.Errorf("POST /join with %s = %d, want 403", h, j.status)
			}
		}
		p := post(t, srv.URL+"/login", form, "Origin: "+srv.URL)
		if p.status != http.StatusSeeOther && p.status != http.StatusOK {
			t.Errorf("POST /login from our own page = %d, want a redirect", p.status)
		}
		if !strings.Contains(p.header.Get("Set-Cookie"), "cg_session=") {
			t.Errorf("POST /login from our own page sets no session cookie: %v", p.header)
		}
	})
}
