package api

import (
	"encoding/json"
	"net/http"
	"testing"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// TestLoginCSRF: another site's page cannot sign a visitor in (login
// CSRF): a post whose Origin or Referer names another host is 403, a
// text/plain body is 415, and neither sets a cookie. From our own page, or
// from no browser page at all, sign-in works.
func TestLoginCSRF(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		tr := mustTree(t, s)
		c := newStoreClient(t, s)
		u := sqlstoretest.MustUser(t, s, campusguard.Grant{Role: campusguard.SchoolAdmin, OrgID: tr.School.ID})
		body, _ := json.Marshal(map[string]any{"login": u.Login, "password": sqlstoretest.Password})
		join, _ := json.Marshal(map[string]any{"code": "AAAAA-AAAAA", "name": "家长", "phone": "13700000001",
			"relation": "母亲", "password": sqlstoretest.Password})
		for _, tt := range []struct {
			name   string
			path   string
			body   []byte
			ct     string
			header map[string]string
			status int
		}{
			{"login, another site's origin", "/api/v1/login", body, "application/json", map[string]string{"Origin": "https://evil.example"}, http.StatusForbidden},
			{"login, another site's referer", "/api/v1/login", body, "application/json", map[string]string{"Referer": "https://evil.example/x"}, http.StatusForbidden},
			{"login, null origin", "/api/v1/login", body, "application/json", map[string]string{"Origin": "null"}, http.StatusForbidden},
			{"login, text/plain", "/api/v1/login", body, "text/plain", nil, http.StatusUnsupportedMediaType},
			{"join, another site's origin", "/api/v1/join", join, "application/json", map[string]string{"Origin": "https://evil.example"}, http.StatusForbidden},
			{"join, text/plain", "/api/v1/join", join, "text/plain;charset=UTF-8", nil, http.StatusUnsupportedMediaType},
		} {
			t.Run(tt.name, func(t *testing.T) {
				r := c.do(req{method: http.MethodPost, path: tt.path, body: tt.body, contentType: tt.ct, header: tt.header})
				wantStatus(t, r, tt.status)
				if cookieOf(r) != nil {
					t.Errorf("a refused post sets a cookie: %v", r.Header["Set-Cookie"])
				}
			})
		}
		host := c.srv.Listener.Addr().String()
		r := c.do(req{method: http.MethodPost, path: "/api/v1/login", body: body, contentType: "application/json",
			header: map[string]string{"Origin": "http://" + host}})
		wantStatus(t, r, http.StatusOK)
		r = c.do(req{method: http.MethodPost, path: "/api/v1/login", body: body, contentType: "application/json"})
		wantStatus(t, r, http.StatusOK)
	})
}
