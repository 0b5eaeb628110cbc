package authn_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/authn"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// TestMiddleware: a session cookie and a bearer token each become the
// actor of the request; a bad one leaves it anonymous; CSRF is required
// only for state-changing cookie requests.
func TestMiddleware(t *testing.T) {
	s := sqlstoretest.Open(t)
	tr := sqlstoretest.MustTree(t, s)
	u := sqlstoretest.MustUser(t, s, campusguard.Grant{Role: campusguard.SchoolAdmin, OrgID: tr.School.ID})
	sess := sqlstoretest.MustSession(t, s, u)
	secret, _, err := s.CreateToken(sqlstoretest.Ctx, "gate", campusguard.GateStaff, tr.School.ID)
	if err != nil {
		t.Fatal(err)
	}
	type seen struct {
		actor *campusguard.Actor
		via   authn.Via
		csrf  bool
	}
	var got seen
	h := (&authn.Middleware{Store: s}).Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = seen{campusguard.ActorFrom(r.Context()), authn.HowAuthenticated(r.Context()), authn.CheckCSRF(r)}
	}))
	do := func(method string, body url.Values, setup func(*http.Request)) seen {
		t.Helper()
		r := httptest.NewRequest(method, "/x", strings.NewReader(body.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		setup(r)
		got = seen{}
		h.ServeHTTP(httptest.NewRecorder(), r)
		return got
	}
	cookie := func(v string) func(*http.Request) {
		return func(r *http.Request) { r.AddCookie(&http.Cookie{Name: authn.CookieName, Value: v}) }
	}
	if g := do("GET", nil, cookie(sess.Token)); g.actor == nil || g.actor.UserID != u.ID || g.via != authn.ViaCookie || !g.csrf {
		t.Errorf("GET with the session cookie = %+v", g)
	}
	if g := do("POST", nil, cookie(sess.Token)); g.actor == nil || g.csrf {
		t.Errorf("POST with the cookie and no CSRF token: passed the CSRF check")
	}
	if g := do("POST", url.Values{authn.CSRFField: {"wrong"}}, cookie(sess.Token)); g.csrf {
		t.Errorf("POST with a wrong CSRF token: passed")
	}
	if g := do("POST", url.Values{authn.CSRFField: {sess.CSRF}}, cookie(sess.Token)); !g.csrf {
		t.Errorf("POST with the right CSRF field: refused")
	}
	if g := do("POST", nil, func(r *http.Request) { cookie(sess.Token)(r); r.Header.Set(authn.CSRFHeader, sess.CSRF) }); !g.csrf {
		t.Errorf("POST with the right CSRF header: refused")
	}
	bearer := func(v string) func(*http.Request) {
		return func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+v) }
	}
	if g := do("POST", nil, bearer(secret)); g.actor == nil || g.via != authn.ViaToken || !g.csrf || g.actor.Grants[0].Role != campusguard.GateStaff {
		t.Errorf("POST with a bearer token = %+v; want the token's actor and no CSRF needed", g)
	}
	for name, setup := range map[string]func(*http.Request){
		"unknown cookie": cookie("nope"), "unknown token": bearer("cgt_nope"), "nothing": func(*http.Request) {},
	} {
		if g := do("GET", nil, setup); g.actor != nil || g.via != authn.Anonymous {
			t.Errorf("%s: actor = %+v, want anonymous", name, g.actor)
		}
	}
}

func TestSessionCookie(t *testing.T) {
	w := httptest.NewRecorder()
	r := httptest.NewRequest("GET", "https://school.example/", nil)
	r.Header.Set("X-Forwarded-Proto", "https")
	// A server whose clock is a year behind the browser's: the cookie
	// still lives the session's twelve hours.
	issued := time.Now().AddDate(-1, 0, 0)
	authn.SetSessionCookie(w, r, &campusguard.Session{Token: "t0ken", IssuedAt: issued, ExpiresAt: issued.Add(12 * time.Hour)})
	c := w.Result().Cookies()[0]
	if !c.HttpOnly || !c.Secure || c.SameSite != http.SameSiteLaxMode || c.Value != "t0ken" || c.Path != "/" {
		t.Errorf("session cookie = %+v; want HttpOnly, Secure behind TLS, SameSite=Lax", c)
	}
	if c.MaxAge != 12*3600 || !c.Expires.IsZero() {
		t.Errorf("session cookie Max-Age %d, Expires %v; want 43200 and no date", c.MaxAge, c.Expires)
	}
	if got := authn.RemoteAddr(&http.Request{RemoteAddr: "10.1.2.3:5555", Header: http.Header{"X-Forwarded-For": {"1.1.1.1"}}}); got != "10.1.2.3" {
		t.Errorf("RemoteAddr = %q; a forwarded header must not be trusted", got)
	}
}

// TestLookupOutage: when the database cannot say who a token or a cookie
// belongs to, the answer is 503 with Retry-After, not the 401 that would
// make a device drop its token or a teacher sign in again (issue 15).
func TestLookupOutage(t *testing.T) {
	s := sqlstoretest.Open(t)
	tr := sqlstoretest.MustTree(t, s)
	u := sqlstoretest.MustUser(t, s, campusguard.Grant{Role: campusguard.SchoolAdmin, OrgID: tr.School.ID})
	sess := sqlstoretest.MustSession(t, s, u)
	secret, _, err := s.CreateToken(sqlstoretest.Ctx, "gate", campusguard.GateStaff, tr.School.ID)
	if err != nil {
		t.Fatal(err)
	}
	reached := false
	h := (&authn.Middleware{Store: s}).Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { reached = true }))
	s.Close() // the outage: every lookup now fails inside the store
	for _, c := range []struct {
		name, path string
		set        func(*http.Request)
		json       bool
	}{
		{"a device's token", "/api/v1/checks/batch", func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+secret) }, true},
		{"a session cookie", "/orgs/1", func(r *http.Request) { r.AddCookie(&http.Cookie{Name: authn.CookieName, Value: sess.Token}) }, false},
	} {
		r := httptest.NewRequest("GET", c.path, nil)
		r.Header.Set("Accept-Language", "zh-CN")
		c.set(r)
		w := httptest.NewRecorder()
		reached = false
		h.ServeHTTP(w, r)
		if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") == "" || reached {
			t.Errorf("%s during an outage = %d (Retry-After %q, handler reached %v), want 503 with Retry-After",
				c.name, w.Code, w.Header().Get("Retry-After"), reached)
		}
		if ct := w.Header().Get("Content-Type"); strings.HasPrefix(ct, "application/json") != c.json || !strings.Contains(w.Body.String(), "稍后重试") {
			t.Errorf("%s: %s %q", c.name, ct, w.Body.String())
		}
	}
}
