package api

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"campusguard"
	"campusguard/internal/authn"
	"campusguard/internal/i18n"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// people holds the people of accessTree.
type people struct {
	a1, a2 *campusguard.Person // students of class 1, with guardians
	b1     *campusguard.Person // a student of class 2
	o1     *campusguard.Person // a student of the other school
	staff  *campusguard.Person // a teacher of the school
}

// Personal data of accessTree's people.
var (
	idA1       = validID("20190307", 13)
	idB1       = validID("20190412", 22)
	idO1       = validID("20180101", 33)
	phoneA1    = "13905961111"
	phoneStaff = "13905962222"
	guardianA1 = "13805961234"
	guardianA2 = "13705965678"
	guardianB1 = "13605963333"
)

// mustPeople fills mustTree's schools: two students in class 1 and one in
// class 2 of the school, one in the other school, a teacher; guardians for
// the students of the school.
func mustPeople(tb testing.TB, s *sqlstore.Store, tr *sqlstoretest.Tree) *people {
	tb.Helper()
	mk := func(p *campusguard.Person) *campusguard.Person {
		tb.Helper()
		if err := s.CreatePerson(ctx, p); err != nil {
			tb.Fatalf("CreatePerson(%s) = %v", p.Name, err)
		}
		return p
	}
	guardian := func(p *campusguard.Person, name, phone, relation string) {
		tb.Helper()
		if err := s.AddGuardian(ctx, p.ID, &campusguard.Guardian{Name: name, Phone: phone, Relation: relation}); err != nil {
			tb.Fatalf("AddGuardian = %v", err)
		}
	}
	ps := &people{
		a1: mk(&campusguard.Person{SchoolID: tr.School.ID, Kind: campusguard.Student, Name: "陈小明", Number: "S1",
			IDNumber: idA1, Phone: phoneA1, ClassID: &tr.Class1.ID}),
		a2: mk(&campusguard.Person{SchoolID: tr.School.ID, Kind: campusguard.Student, Name: "林小红", Number: "S2",
			ClassID: &tr.Class1.ID}),
		b1: mk(&campusguard.Person{SchoolID: tr.School.ID, Kind: campusguard.Student, Name: "王小刚", Number: "S3",
			IDNumber: idB1, ClassID: &tr.Class2.ID}),
		o1: mk(&campusguard.Person{SchoolID: tr.Other.ID, Kind: campusguard.Student, Name: "郑小华", Number: "S1",
			IDNumber: idO1, ClassID: &tr.OtherClass.ID}),
		staff: mk(&campusguard.Person{SchoolID: tr.School.ID, Kind: campusguard.Staff, Name: "黄老师", Number: "T1",
			Role: campusguard.RoleClassTeacher, Phone: phoneStaff}),
	}
	guardian(ps.a1, "陈建国", guardianA1, "父亲")
	guardian(ps.a2, "林大海", guardianA2, "父亲")
	guardian(ps.b1, "王秀英", guardianB1, "母亲")
	return ps
}

// secretsOf records the personal data of mustPeople as secrets.
func (c *client) secretsOf() *client {
	c.secret(idA1, idB1, idO1, phoneA1, phoneStaff, guardianA1, guardianA2, guardianB1)
	return c
}

// wantError fails the test unless r is an error with the status and code.
func wantError(tb testing.TB, r *response, status int, code campusguard.Code) errorBody {
	tb.Helper()
	wantStatus(tb, r, status)
	e := r.Err(tb)
	if e.Code != code || e.Message == "" {
		tb.Errorf("error = %+v, want code %s with a message", e, code)
	}
	return e
}

// cookieOf returns the session cookie a response sets, or nil.
func cookieOf(r *response) *http.Cookie {
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.Name == authn.CookieName {
			return c
		}
	}
	return nil
}

// sessionView is the JSON of a session.
type sessionView struct {
	User       *campusguard.User    `json:"user"`
	Name       string               `json:"name"`
	Grants     []campusguard.Grant  `json:"grants"`
	Actions    []campusguard.Action `json:"actions"`
	GuardianOf []int64              `json:"guardian_of"`
	Via        string               `json:"via"`
	CSRFToken  string               `json:"csrf_token"`
	ExpiresAt  *time.Time           `json:"expires_at"`
}

// signIn posts a login with c's credentials, if any, and returns the
// signed-in client and the session.
func (c *client) signIn(tb testing.TB, login, password string) (*client, sessionView) {
	tb.Helper()
	r := c.send("POST", "/api/v1/login", map[string]any{"login": login, "password": password})
	wantStatus(tb, r, http.StatusOK)
	var sv sessionView
	r.JSON(tb, &sv)
	ck := cookieOf(r)
	if ck == nil || ck.Value == "" {
		tb.Fatalf("login sets no session cookie: %v", r.Header["Set-Cookie"])
	}
	return c.withCookie(ck.Value, sv.CSRFToken), sv
}

// idPath returns pattern with {id} replaced.
func idPath(pattern string, id int64) string {
	return strings.ReplaceAll(pattern, "{id}", fmt.Sprint(id))
}

// TestRoutesNeedACaller walks the route table: every route but the public
// ones refuses an anonymous caller, a revoked token and an expired
// session with a 401 before it does anything.
func TestRoutesNeedACaller(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		tr := mustTree(t, s)
		c := newStoreClient(t, s)
		secret, tok, err := s.CreateToken(ctx, "旧令牌", campusguard.RegionAdmin, tr.County.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.RevokeToken(ctx, tok.ID); err != nil {
			t.Fatal(err)
		}
		callers := []struct {
			name      string
			c         *client
			challenge string
		}{
			{"anonymous", c.anonymous(), "Bearer"},
			{"revoked token", c.withToken(secret), `Bearer error="invalid_token"`},
			{"unknown session", c.withCookie("no-such-session", "x"), "Bearer"},
		}
		var public []string
		for _, rt := range Routes() {
			if rt.Public {
				public = append(public, rt.Method+" "+rt.Pattern)
				continue
			}
			path := idPath(rt.Pattern, tr.School.ID)
			for _, caller := range callers {
				before := countPeople(t, s)
				var body any
				if rt.Method == "POST" || rt.Method == "PATCH" {
					body = map[string]any{}
				}
				r := caller.c.send(rt.Method, path, body)
				if r.Status != http.StatusUnauthorized {
					t.Errorf("%s %s as %s = %d, want 401", rt.Method, path, caller.name, r.Status)
					continue
				}
				if e := r.Err(t); e.Code != campusguard.Unauthenticated {
					t.Errorf("%s %s as %s: code %s, want unauthenticated", rt.Method, path, caller.name, e.Code)
				}
				if got := r.Header.Get("WWW-Authenticate"); got != caller.challenge {
					t.Errorf("%s %s as %s: WWW-Authenticate = %q, want %q", rt.Method, path, caller.name, got, caller.challenge)
				}
				if caller.name == "unknown session" {
					if ck := cookieOf(r); ck == nil || ck.MaxAge >= 0 {
						t.Errorf("%s %s with an unknown session: the cookie is not removed: %v", rt.Method, path, r.Header["Set-Cookie"])
					}
				}
				if countPeople(t, s) != before {
					t.Errorf("%s %s as %s changed something", rt.Method, path, caller.name)
				}
			}
		}
		want := []string{"GET /api/v1/openapi.json", "POST /api/v1/join", "POST /api/v1/login"}
		slices.Sort(public)
		if diff := cmp.Diff(want, public); diff != "" {
			t.Errorf("public routes (-want +got):\n%s", diff)
		}
		r := c.anonymous().get("/api/v1/orgs")
		if e := r.Err(t); e.Message != "请先登录" {
			t.Errorf("anonymous message = %q, want 请先登录", e.Message)
		}
		r = c.withToken(secret).get("/api/v1/orgs")
		if e := r.Err(t); e.Message != i18n.T(i18n.Hans, "error.token_invalid") {
			t.Errorf("revoked token message = %q, want the token's", e.Message)
		}
	})
}

// TestLogin signs in and out with the session cookie.
func TestLogin(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		tr := mustTree(t, s)
		c := newStoreClient(t, s)
		u := sqlstoretest.MustUser(t, s, campusguard.Grant{Role: campusguard.SchoolAdmin, OrgID: tr.School.ID})

		bad := []struct {
			name   string
			body   any
			status int
			code   campusguard.Code
			fields []string
		}{
			{"wrong password", map[string]any{"login": u.Login, "password": "not-the-password-1"}, 401, campusguard.Unauthenticated, nil},
			{"unknown login", map[string]any{"login": "nobody", "password": sqlstoretest.Password}, 401, campusguard.Unauthenticated, nil},
			{"missing fields", map[string]any{"login": " "}, 422, campusguard.Invalid, []string{"login", "password"}},
			{"unknown field", map[string]any{"login": u.Login, "password": "x", "remember": true}, 400, campusguard.Invalid, []string{"remember"}},
			{"bad JSON", `{"login":`, 400, campusguard.Invalid, nil},
		}
		for _, tt := range bad {
			t.Run(tt.name, func(t *testing.T) {
				r := c.send("POST", "/api/v1/login", tt.body)
				e := wantError(t, r, tt.status, tt.code)
				if diff := cmp.Diff(tt.fields, e.fieldSet()); diff != "" {
					t.Errorf("fields (-want +got):\n%s", diff)
				}
				if cookieOf(r) != nil {
					t.Errorf("a refused login sets a cookie: %v", r.Header["Set-Cookie"])
				}
				if tt.status == 401 && r.Header.Get("WWW-Authenticate") == "" {
					t.Errorf("401 without WWW-Authenticate")
				}
			})
		}
		// Two failures so far for the account: the right password still works.
		r := c.send("POST", "/api/v1/login", map[string]any{"login": u.Login, "password": sqlstoretest.Password})
		wantStatus(t, r, http.StatusOK)
		ck := cookieOf(r)
		if ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" || ck.MaxAge <= 0 {
			t.Fatalf("session cookie = %+v, want HttpOnly, SameSite=Lax, Path=/, a lifetime", ck)
		}
		var sv sessionView
		r.JSON(t, &sv)
		if sv.User == nil || sv.User.ID != u.ID || sv.Via != "cookie" || sv.CSRFToken == "" || sv.ExpiresAt == nil {
			t.Errorf("login = %+v", sv)
		}
		if len(sv.Grants) != 1 || sv.Grants[0].Role != campusguard.SchoolAdmin || !slices.Contains(sv.Actions, campusguard.ManageUsers) {
			t.Errorf("login grants, actions = %+v, %v", sv.Grants, sv.Actions)
		}
		me := c.withCookie(ck.Value, sv.CSRFToken)
		r = me.get("/api/v1/me")
		wantStatus(t, r, http.StatusOK)
		var got sessionView
		r.JSON(t, &got)
		if got.User == nil || got.User.Login != u.Login || got.CSRFToken != sv.CSRFToken || got.ExpiresAt != nil {
			t.Errorf("me = %+v, want the user and the login's CSRF token", got)
		}

		// A second login from the same browser ends the first session.
		again, sv2 := c.withCookie(ck.Value, "").signIn(t, u.Login, sqlstoretest.Password)
		if sv2.CSRFToken == sv.CSRFToken {
			t.Errorf("second login has the first one's CSRF token")
		}
		wantStatus(t, me.get("/api/v1/me"), http.StatusUnauthorized)

		r = again.send("POST", "/api/v1/logout", nil)
		wantStatus(t, r, http.StatusNoContent)
		if ck := cookieOf(r); ck == nil || ck.MaxAge >= 0 {
			t.Errorf("logout does not remove the cookie: %v", r.Header["Set-Cookie"])
		}
		wantError(t, again.get("/api/v1/me"), http.StatusUnauthorized, campusguard.Unauthenticated)

		// An API token: who it is, no user, no CSRF token; logout leaves it valid.
		tok := c.as(t, s, campusguard.GateStaff, tr.School)
		r = tok.get("/api/v1/me")
		wantStatus(t, r, http.StatusOK)
		got = sessionView{}
		r.JSON(t, &got)
		if got.User != nil || got.Via != "token" || got.CSRFToken != "" || got.Name != "token:"+testTokenName ||
			len(got.Grants) != 1 || got.Grants[0].Role != campusguard.GateStaff {
			t.Errorf("me with a token = %+v", got)
		}
		wantStatus(t, tok.send("POST", "/api/v1/logout", nil), http.StatusNoContent)
		wantStatus(t, tok.get("/api/v1/me"), http.StatusOK)
	})
}

// TestLoginThrottle checks that after 3 failures the 4th attempt is
// refused even with the right password, with Retry-After, and that it
// works again once the delay has passed.
func TestLoginThrottle(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		var clock atomic.Int64
		clock.Store(time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC).UnixNano())
		s.Now = func() time.Time { return time.Unix(0, clock.Load()) }
		advance := func(d time.Duration) { clock.Add(int64(d)) }

		tr := mustTree(t, s)
		u := sqlstoretest.MustUser(t, s, campusguard.Grant{Role: campusguard.SchoolAdmin, OrgID: tr.School.ID})
		c := newStoreClient(t, s)
		login := func(password string) *response {
			t.Helper()
			return c.send("POST", "/api/v1/login", map[string]any{"login": u.Login, "password": password})
		}
		for i := 0; i < 3; i++ {
			wantError(t, login("wrong-password-9"), http.StatusUnauthorized, campusguard.Unauthenticated)
		}
		r := login(sqlstoretest.Password)
		wantError(t, r, http.StatusTooManyRequests, campusguard.TooManyRequests)
		if got := r.Header.Get("Retry-After"); got != "2" {
			t.Errorf("Retry-After = %q, want 2", got)
		}
		if cookieOf(r) != nil {
			t.Errorf("a throttled login sets a cookie")
		}
		rq := jsonReq("POST", "/api/v1/login", map[string]any{"login": u.Login, "password": sqlstoretest.Password})
		rq.header = map[string]string{"Accept-Language": "en"}
		if e := c.do(rq).Err(t); e.Message != "Too many attempts; try again in 2 seconds" {
			t.Errorf("throttled message = %q", e.Message)
		}

		advance(1 * time.Second)
		r = login(sqlstoretest.Password)
		wantStatus(t, r, http.StatusTooManyRequests)
		if got := r.Header.Get("Retry-After"); got != "1" {
			t.Errorf("Retry-After a second later = %q, want 1", got)
		}

		advance(1500 * time.Millisecond)
		wantStatus(t, login(sqlstoretest.Password), http.StatusOK)
		// Success clears the count: a new failure is not throttled.
		wantStatus(t, login("wrong-password-9"), http.StatusUnauthorized)
		wantStatus(t, login(sqlstoretest.Password), http.StatusOK)
	})
}

// TestCSRF checks that state-changing requests made with the session
// cookie need the session's CSRF token in the header, and that requests
// with an API token do not.
func TestCSRF(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		tr := mustTree(t, s)
		c := newStoreClient(t, s)
		admin, _ := c.signedIn(t, s, campusguard.Grant{Role: campusguard.SchoolAdmin, OrgID: tr.School.ID})
		other, _ := c.signedIn(t, s, campusguard.Grant{Role: campusguard.SchoolAdmin, OrgID: tr.School.ID})
		url := fmt.Sprintf("/api/v1/orgs/%d", tr.School.ID)
		principal := func() string {
			t.Helper()
			r := admin.get(url)
			wantStatus(t, r, http.StatusOK)
			var o campusguard.Org
			r.JSON(t, &o)
			return o.Principal
		}
		csrfMessage := i18n.T(i18n.Hans, "error.csrf")
		refused := []struct {
			name string
			c    *client
		}{
			{"no header", admin.withCookie(admin.cookie, "")},
			{"wrong header", admin.withCookie(admin.cookie, "not-the-token")},
			{"another session's token", admin.withCookie(admin.cookie, other.csrf)},
		}
		for _, tt := range refused {
			t.Run(tt.name, func(t *testing.T) {
				r := tt.c.send("PATCH", url, map[string]any{"principal": "黑客"})
				e := wantError(t, r, http.StatusForbidden, campusguard.Forbidden)
				if e.Message != csrfMessage {
					t.Errorf("message = %q, want %q", e.Message, csrfMessage)
				}
				if got := principal(); got == "黑客" {
					t.Errorf("a refused request changed the principal")
				}
				// A roster upload, whose body is a form, is refused the same way.
				before := countPeople(t, s)
				rows := [][]string{rosterHeader(), rosterRow(map[string]string{"kind": "学生", "number": "S9", "name": "某某",
					"grade": "一年级", "class": "1班"})}
				r = tt.c.upload(fmt.Sprintf("/api/v1/schools/%d/roster", tr.School.ID), "r.xlsx", xlsxFile(t, rows))
				wantError(t, r, http.StatusForbidden, campusguard.Forbidden)
				if countPeople(t, s) != before {
					t.Errorf("a refused upload imported people")
				}
				// Logging out needs the token too.
				wantStatus(t, tt.c.send("POST", "/api/v1/logout", nil), http.StatusForbidden)
				wantStatus(t, admin.get("/api/v1/me"), http.StatusOK)
			})
		}

		r := admin.send("PATCH", url, map[string]any{"principal": "陈校长"})
		wantStatus(t, r, http.StatusOK)
		if got := principal(); got != "陈校长" {
			t.Errorf("principal = %q after the request with the token, want 陈校长", got)
		}
		rows := [][]string{rosterHeader(), rosterRow(map[string]string{"kind": "学生", "number": "S9", "name": "某某",
			"grade": "一年级", "class": "1班"})}
		r = admin.upload(fmt.Sprintf("/api/v1/schools/%d/roster", tr.School.ID), "r.xlsx", xlsxFile(t, rows))
		wantStatus(t, r, http.StatusOK)

		tok := c.as(t, s, campusguard.SchoolAdmin, tr.School)
		r = tok.send("PATCH", url, map[string]any{"principal": "林校长"})
		wantStatus(t, r, http.StatusOK)
		if got := principal(); got != "林校长" {
			t.Errorf("principal = %q after the request with a token, want 林校长", got)
		}
	})
}

// TestTokens creates, uses, lists and revokes an API token.
func TestTokens(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		tr := mustTree(t, s)
		c := newStoreClient(t, s)
		admin, _ := c.signedIn(t, s, campusguard.Grant{Role: campusguard.SchoolAdmin, OrgID: tr.School.ID})

		r := admin.send("POST", "/api/v1/tokens", map[string]any{"name": "南门测温门", "role": "gate_staff", "org_id": tr.School.ID})
		wantStatus(t, r, http.StatusCreated)
		var nt struct {
			Token  campusguard.APIToken `json:"token"`
			Secret string               `json:"secret"`
		}
		r.JSON(t, &nt)
		if !strings.HasPrefix(nt.Secret, "cgt_") || nt.Token.ID == 0 || nt.Token.Role != campusguard.GateStaff ||
			!strings.HasPrefix(nt.Secret, nt.Token.Prefix) || nt.Token.LastUsedAt != nil || nt.Token.RevokedAt != nil {
			t.Fatalf("new token = %+v", nt)
		}
		c.secret(nt.Secret) // shown once: never again

		list := func() map[int64]campusguard.APIToken {
			t.Helper()
			r := admin.get("/api/v1/tokens")
			wantStatus(t, r, http.StatusOK)
			var got items[campusguard.APIToken]
			r.JSON(t, &got)
			m := map[int64]campusguard.APIToken{}
			for _, tk := range got.Items {
				m[tk.ID] = tk
			}
			return m
		}
		if got, ok := list()[nt.Token.ID]; !ok || got.LastUsedAt != nil {
			t.Fatalf("token in the list = %+v, %v; want it, never used", got, ok)
		}

		gate := c.withToken(nt.Secret)
		r = gate.get(fmt.Sprintf("/api/v1/people?school_id=%d", tr.School.ID))
		wantStatus(t, r, http.StatusOK)
		if got := list()[nt.Token.ID]; got.LastUsedAt == nil {
			t.Errorf("last_used_at is null after the token was used")
		}
		// A gate token manages nothing.
		wantError(t, gate.send("POST", "/api/v1/tokens", map[string]any{"name": "x", "role": "gate_staff", "org_id": tr.School.ID}),
			http.StatusForbidden, campusguard.Forbidden)

		bad := []struct {
			name   string
			body   any
			status int
			fields []string
		}{
			{"guardian role", map[string]any{"name": "x", "role": "guardian", "org_id": tr.School.ID}, 422, []string{"role"}},
			{"role at the wrong level", map[string]any{"name": "x", "role": "region_admin", "org_id": tr.School.ID}, 422, []string{"role"}},
			{"no name", map[string]any{"name": " ", "role": "gate_staff", "org_id": tr.School.ID}, 422, []string{"name"}},
			{"no org", map[string]any{"name": "x", "role": "gate_staff"}, 422, []string{"org_id"}},
			{"unknown field", map[string]any{"name": "x", "role": "gate_staff", "org_id": tr.School.ID, "scope": "all"}, 400, []string{"scope"}},
		}
		for _, tt := range bad {
			t.Run(tt.name, func(t *testing.T) {
				r := admin.send("POST", "/api/v1/tokens", tt.body)
				e := wantError(t, r, tt.status, campusguard.Invalid)
				if diff := cmp.Diff(tt.fields, e.fieldSet()); diff != "" {
					t.Errorf("fields (-want +got):\n%s", diff)
				}
			})
		}
		// Another school's admin neither sees nor revokes it.
		stranger := c.as(t, s, campusguard.SchoolAdmin, tr.Other)
		r = stranger.get("/api/v1/tokens")
		if strings.Contains(string(r.Body), "南门测温门") {
			t.Errorf("another school sees the token: %s", r.Body)
		}
		wantError(t, stranger.send("DELETE", fmt.Sprintf("/api/v1/tokens/%d", nt.Token.ID), nil), http.StatusNotFound, campusguard.NotFound)
		wantStatus(t, gate.get("/api/v1/me"), http.StatusOK)

		r = admin.send("DELETE", fmt.Sprintf("/api/v1/tokens/%d", nt.Token.ID), nil)
		wantStatus(t, r, http.StatusNoContent)
		r = gate.get(fmt.Sprintf("/api/v1/people?school_id=%d", tr.School.ID))
		wantError(t, r, http.StatusUnauthorized, campusguard.Unauthenticated)
		if got := list()[nt.Token.ID]; got.RevokedAt == nil {
			t.Errorf("revoked_at is null after revoking")
		}
		wantStatus(t, admin.send("DELETE", fmt.Sprintf("/api/v1/tokens/%d", nt.Token.ID), nil), http.StatusNoContent)
		wantError(t, admin.send("DELETE", "/api/v1/tokens/999999", nil), http.StatusNotFound, campusguard.NotFound)
		wantError(t, admin.send("DELETE", "/api/v1/tokens/x", nil), http.StatusBadRequest, campusguard.Invalid)
	})
}

// TestUsers creates accounts, grants roles and resets and changes passwords.
func TestUsers(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		tr := mustTree(t, s)
		ps := mustPeople(t, s, tr)
		c := newStoreClient(t, s)
		admin, _ := c.signedIn(t, s, campusguard.Grant{Role: campusguard.SchoolAdmin, OrgID: tr.School.ID})

		r := admin.send("POST", "/api/v1/users", map[string]any{"login": "huangls", "name": "黄老师", "password": "huang-2026-1b",
			"person_id": ps.staff.ID, "grants": []map[string]any{{"role": "class_teacher", "org_id": tr.Class1.ID}}})
		wantStatus(t, r, http.StatusCreated)
		var u campusguard.User
		r.JSON(t, &u)
		if u.ID == 0 || u.Login != "huangls" || u.PersonID == nil || *u.PersonID != ps.staff.ID || len(u.Grants) != 1 ||
			u.Grants[0].OrgName != "1班" || r.Header.Get("Location") != fmt.Sprintf("/api/v1/users/%d", u.ID) {
			t.Fatalf("created user = %+v", u)
		}
		userURL := fmt.Sprintf("/api/v1/users/%d", u.ID)
		wantStatus(t, admin.get(userURL), http.StatusOK)
		r = admin.get("/api/v1/users?q=huang")
		var found list[campusguard.User]
		r.JSON(t, &found)
		if found.Total != 1 || found.Items[0].ID != u.ID || found.Limit != 100 {
			t.Errorf("users?q=huang = %+v", found)
		}
		wantError(t, admin.get("/api/v1/users?limit=501"), http.StatusBadRequest, campusguard.Invalid)
		wantError(t, admin.get(fmt.Sprintf("/api/v1/users?under=%d", tr.Other.ID)), http.StatusUnprocessableEntity, campusguard.Invalid)

		bad := []struct {
			name   string
			body   any
			status int
			code   campusguard.Code
			fields []string
		}{
			{"login taken", map[string]any{"login": "huangls", "name": "x", "password": "huang-2026-1b",
				"grants": []map[string]any{{"role": "gate_staff", "org_id": tr.School.ID}}}, 409, campusguard.Conflict, []string{"login"}},
			{"weak password", map[string]any{"login": "x1", "name": "x", "password": "1234567890",
				"grants": []map[string]any{{"role": "gate_staff", "org_id": tr.School.ID}}}, 422, campusguard.Invalid, []string{"password"}},
			{"no grants", map[string]any{"login": "x2", "name": "x", "password": "huang-2026-1b"}, 422, campusguard.Invalid, []string{"grants"}},
			{"role at the wrong level", map[string]any{"login": "x3", "name": "x", "password": "huang-2026-1b",
				"grants": []map[string]any{{"role": "class_teacher", "org_id": tr.School.ID}}}, 422, campusguard.Invalid, []string{"role"}},
			{"person of another school", map[string]any{"login": "x4", "name": "x", "password": "huang-2026-1b", "person_id": ps.o1.ID,
				"grants": []map[string]any{{"role": "staff_member", "org_id": tr.School.ID}}}, 422, campusguard.Invalid, []string{"person_id"}},
		}
		for _, tt := range bad {
			t.Run(tt.name, func(t *testing.T) {
				e := wantError(t, admin.send("POST", "/api/v1/users", tt.body), tt.status, tt.code)
				if diff := cmp.Diff(tt.fields, e.fieldSet()); diff != "" {
					t.Errorf("fields (-want +got):\n%s", diff)
				}
			})
		}
		// A grant beyond the admin's school is not the admin's to give.
		wantError(t, admin.send("POST", "/api/v1/users", map[string]any{"login": "x5", "name": "x", "password": "huang-2026-1b",
			"grants": []map[string]any{{"role": "region_admin", "org_id": tr.County.ID}}}), http.StatusForbidden, campusguard.Forbidden)

		r = admin.send("POST", userURL+"/grants", map[string]any{"role": "gate_staff", "org_id": tr.School.ID})
		wantStatus(t, r, http.StatusCreated)
		r.JSON(t, &u)
		if len(u.Grants) != 2 || u.Grants[1].Role != campusguard.GateStaff {
			t.Errorf("grants after adding = %+v", u.Grants)
		}
		wantError(t, admin.send("POST", userURL+"/grants", map[string]any{"role": "castle", "org_id": tr.School.ID}),
			http.StatusUnprocessableEntity, campusguard.Invalid)

		// Another school's admin does not see the account.
		stranger := c.as(t, s, campusguard.SchoolAdmin, tr.Other)
		wantError(t, stranger.get(userURL), http.StatusNotFound, campusguard.NotFound)
		wantError(t, stranger.send("POST", userURL+"/password", map[string]any{"password": "stolen-2026-x"}), http.StatusNotFound, campusguard.NotFound)
		wantError(t, stranger.send("POST", userURL+"/grants", map[string]any{"role": "gate_staff", "org_id": tr.Other.ID}),
			http.StatusNotFound, campusguard.NotFound)
		r = stranger.get("/api/v1/users")
		found = list[campusguard.User]{}
		r.JSON(t, &found)
		if found.Total != 0 {
			t.Errorf("another school lists %d users, want none", found.Total)
		}

		// The teacher signs in, changes the password, and stays signed in.
		teacher, _ := c.signIn(t, "huangls", "huang-2026-1b")
		wantStatus(t, teacher.get(userURL), http.StatusOK) // one's own account
		e := wantError(t, teacher.send("POST", "/api/v1/me/password", map[string]any{"old_password": "wrong-2026-xx", "password": "huang-2026-2c"}),
			http.StatusUnprocessableEntity, campusguard.Invalid)
		if diff := cmp.Diff([]string{"old_password"}, e.fieldSet()); diff != "" {
			t.Errorf("fields (-want +got):\n%s", diff)
		}
		e = wantError(t, teacher.send("POST", "/api/v1/me/password", map[string]any{"old_password": "huang-2026-1b", "password": "short1"}),
			http.StatusUnprocessableEntity, campusguard.Invalid)
		if diff := cmp.Diff([]string{"password"}, e.fieldSet()); diff != "" {
			t.Errorf("fields (-want +got):\n%s", diff)
		}
		r = teacher.send("POST", "/api/v1/me/password", map[string]any{"old_password": "huang-2026-1b", "password": "huang-2026-2c"})
		wantStatus(t, r, http.StatusOK)
		var sv sessionView
		r.JSON(t, &sv)
		ck := cookieOf(r)
		if ck == nil || sv.CSRFToken == "" || sv.CSRFToken == teacher.csrf {
			t.Fatalf("password change: cookie %v, session %+v; want a new session", ck, sv)
		}
		wantError(t, teacher.get("/api/v1/me"), http.StatusUnauthorized, campusguard.Unauthenticated)
		teacher = c.withCookie(ck.Value, sv.CSRFToken)
		wantStatus(t, teacher.get("/api/v1/me"), http.StatusOK)
		wantStatus(t, c.send("POST", "/api/v1/login", map[string]any{"login": "huangls", "password": "huang-2026-1b"}), http.StatusUnauthorized)

		// An API token has no password to change.
		wantError(t, stranger.send("POST", "/api/v1/me/password", map[string]any{"old_password": "x", "password": "huang-2026-3d"}),
			http.StatusForbidden, campusguard.Forbidden)

		// The admin resets it: the teacher's sessions end, the new one works.
		wantError(t, admin.send("POST", userURL+"/password", map[string]any{"password": "short"}), http.StatusUnprocessableEntity, campusguard.Invalid)
		wantStatus(t, admin.send("POST", userURL+"/password", map[string]any{"password": "reset-2026-0301"}), http.StatusNoContent)
		wantStatus(t, teacher.get("/api/v1/me"), http.StatusUnauthorized)
		// A class teacher manages no accounts, not even their own.
		teacher, _ = c.signIn(t, "huangls", "reset-2026-0301")
		wantError(t, teacher.send("POST", userURL+"/password", map[string]any{"password": "reset-2026-0302"}),
			http.StatusForbidden, campusguard.Forbidden)
	})
}

// TestBindingCodes issues codes, joins with one once, and revokes them.
func TestBindingCodes(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		tr := mustTree(t, s)
		ps := mustPeople(t, s, tr)
		c := newStoreClient(t, s).secretsOf()
		teacher := c.as(t, s, campusguard.ClassTeacher, tr.Class1)
		issue := func(cl *client, class *campusguard.Org) map[int64]string {
			t.Helper()
			r := cl.send("POST", fmt.Sprintf("/api/v1/classes/%d/binding-codes", class.ID), nil)
			wantStatus(t, r, http.StatusCreated)
			var got items[campusguard.BindingCode]
			r.JSON(t, &got)
			m := map[int64]string{}
			for _, b := range got.Items {
				m[b.StudentID] = b.Code
			}
			return m
		}
		codes := issue(teacher, tr.Class1)
		if len(codes) != 2 || codes[ps.a1.ID] == "" || codes[ps.a2.ID] == "" {
			t.Fatalf("codes = %v, want one for each student of class 1", codes)
		}
		wantError(t, teacher.send("POST", fmt.Sprintf("/api/v1/classes/%d/binding-codes", tr.Class2.ID), nil), http.StatusNotFound, campusguard.NotFound)
		wantError(t, teacher.send("POST", fmt.Sprintf("/api/v1/classes/%d/binding-codes", tr.School.ID), nil), http.StatusNotFound, campusguard.NotFound)
		gate := c.as(t, s, campusguard.GateStaff, tr.School)
		wantError(t, gate.send("POST", fmt.Sprintf("/api/v1/classes/%d/binding-codes", tr.Class1.ID), nil), http.StatusForbidden, campusguard.Forbidden)

		// The guardian sees their own phone, as their login.
		family := c.seeingContacts()
		join := func(code, phone string) *response {
			t.Helper()
			return family.send("POST", "/api/v1/join", map[string]any{"code": strings.ToLower(code), "name": "陈建国", "phone": phone,
				"relation": "父亲", "password": "chen-2026-xm"})
		}
		r := join(codes[ps.a1.ID], guardianA1)
		wantStatus(t, r, http.StatusCreated)
		var sv sessionView
		r.JSON(t, &sv)
		ck := cookieOf(r)
		if ck == nil || sv.User == nil || sv.User.Login != guardianA1 || sv.User.GuardianID == nil ||
			!slices.Equal(sv.GuardianOf, []int64{ps.a1.ID}) || sv.CSRFToken == "" {
			t.Fatalf("join = %+v, cookie %v", sv, ck)
		}
		guardian := family.withCookie(ck.Value, sv.CSRFToken)

		// A code works once.
		e := wantError(t, join(codes[ps.a1.ID], "13805969999"), http.StatusUnprocessableEntity, campusguard.Invalid)
		if diff := cmp.Diff([]string{"code"}, e.fieldSet()); diff != "" {
			t.Errorf("fields (-want +got):\n%s", diff)
		}
		e = wantError(t, family.send("POST", "/api/v1/join", map[string]any{"code": "", "name": "", "phone": "123", "password": "x"}),
			http.StatusUnprocessableEntity, campusguard.Invalid)
		if diff := cmp.Diff([]string{"code", "name", "phone", "password"}, e.fieldSet()); diff != "" {
			t.Errorf("fields (-want +got):\n%s", diff)
		}

		// New codes revoke the unused old ones; a revoked code is refused.
		fresh := issue(c.as(t, s, campusguard.SchoolAdmin, tr.School), tr.Class1)
		wantError(t, join(codes[ps.a2.ID], guardianA2), http.StatusUnprocessableEntity, campusguard.Invalid)
		wantStatus(t, teacher.send("DELETE", fmt.Sprintf("/api/v1/people/%d/binding-codes", ps.a2.ID), nil), http.StatusNoContent)
		wantError(t, join(fresh[ps.a2.ID], guardianA2), http.StatusUnprocessableEntity, campusguard.Invalid)
		wantError(t, teacher.send("DELETE", fmt.Sprintf("/api/v1/people/%d/binding-codes", ps.b1.ID), nil), http.StatusNotFound, campusguard.NotFound)
		wantError(t, gate.send("DELETE", fmt.Sprintf("/api/v1/people/%d/binding-codes", ps.a2.ID), nil), http.StatusForbidden, campusguard.Forbidden)

		// Three wrong codes from this address: joining waits a while, as
		// signing in does. An hour later it works again.
		wantError(t, join("AAAAA-AAAAA", "13805968888"), http.StatusTooManyRequests, campusguard.TooManyRequests)
		later := time.Now().Add(time.Hour)
		s.Now = func() time.Time { return later }

		// The same guardian links a second child with that child's code
		// and the account's password.
		again := issue(teacher, tr.Class1)
		r = family.send("POST", "/api/v1/join", map[string]any{"code": again[ps.a2.ID], "name": "陈建国", "phone": guardianA1,
			"relation": "父亲", "password": "chen-2026-xm"})
		wantStatus(t, r, http.StatusCreated)
		r.JSON(t, &sv)
		if !slices.Equal(sv.GuardianOf, []int64{ps.a1.ID, ps.a2.ID}) {
			t.Errorf("guardian_of = %v, want both children", sv.GuardianOf)
		}
		ck = cookieOf(r)
		guardian = family.withCookie(ck.Value, sv.CSRFToken)
		r = guardian.get("/api/v1/people")
		var got list[campusguard.Person]
		r.JSON(t, &got)
		if got.Total != 2 {
			t.Errorf("the guardian lists %d people, want their 2 children", got.Total)
		}
	})
}

// TestReveal reveals an ID number and finds the reveal in the audit log.
func TestReveal(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		tr := mustTree(t, s)
		ps := mustPeople(t, s, tr)
		c := newStoreClient(t, s).secretsOf()
		admin := c.as(t, s, campusguard.RegionAdmin, tr.County)
		url := fmt.Sprintf("/api/v1/people/%d/reveal", ps.a1.ID)

		r := admin.send("POST", url, nil)
		wantStatus(t, r, http.StatusOK)
		var got revealed
		r.JSON(t, &got)
		if got != (revealed{IDNumber: idA1, Phone: phoneA1}) {
			t.Errorf("reveal = %+v, want %s %s", got, idA1, phoneA1)
		}
		r = admin.get(fmt.Sprintf("/api/v1/audit?action=reveal_identity&object=person:%d", ps.a1.ID))
		wantStatus(t, r, http.StatusOK)
		var log list[campusguard.AuditEntry]
		r.JSON(t, &log)
		if log.Total != 1 || log.Items[0].Actor != "token:"+testTokenName || log.Items[0].TokenID == 0 || log.Items[0].Remote == "" {
			t.Errorf("audit of the reveal = %+v", log.Items)
		}

		// Who may not: 403 in scope, 404 outside it; nothing is audited.
		for _, tt := range []struct {
			name   string
			c      *client
			status int
		}{
			{"class teacher", c.as(t, s, campusguard.ClassTeacher, tr.Class1), 403},
			{"gate staff", c.as(t, s, campusguard.GateStaff, tr.School), 403},
			{"region viewer", c.as(t, s, campusguard.RegionViewer, tr.County), 403},
			{"another school", c.as(t, s, campusguard.SchoolAdmin, tr.Other), 404},
			{"another class", c.as(t, s, campusguard.ClassTeacher, tr.Class2), 404},
		} {
			t.Run(tt.name, func(t *testing.T) {
				r := tt.c.send("POST", url, nil)
				wantStatus(t, r, tt.status)
			})
		}
		r = admin.get("/api/v1/audit?action=reveal_identity")
		r.JSON(t, &log)
		if log.Total != 1 {
			t.Errorf("%d reveals audited, want 1", log.Total)
		}
		wantError(t, admin.send("POST", "/api/v1/people/999999/reveal", nil), http.StatusNotFound, campusguard.NotFound)
		// A health officer of the school may reveal.
		wantStatus(t, c.as(t, s, campusguard.HealthOffice, tr.School).send("POST", url, nil), http.StatusOK)
	})
}

// TestAudit searches the audit log: region admins only, their own region only.
func TestAudit(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		tr := mustTree(t, s)
		mustPeople(t, s, tr)
		// A second county, with its own log.
		far := &campusguard.Org{Kind: campusguard.KindRegion, Level: campusguard.LevelCounty, Name: "诏安县"}
		if err := s.CreateOrg(ctx, far); err != nil {
			t.Fatal(err)
		}
		c := newStoreClient(t, s)
		wantError(t, c.as(t, s, campusguard.SchoolAdmin, tr.School).get("/api/v1/audit"), http.StatusForbidden, campusguard.Forbidden)
		wantError(t, c.as(t, s, campusguard.RegionViewer, tr.County).get("/api/v1/audit"), http.StatusForbidden, campusguard.Forbidden)

		admin, u := c.signedIn(t, s, campusguard.Grant{Role: campusguard.RegionAdmin, OrgID: tr.County.ID})
		r := admin.send("PATCH", fmt.Sprintf("/api/v1/orgs/%d", tr.School.ID), map[string]any{"principal": "陈校长"})
		wantStatus(t, r, http.StatusOK)
		r = admin.get("/api/v1/audit?limit=500")
		wantStatus(t, r, http.StatusOK)
		var log list[campusguard.AuditEntry]
		r.JSON(t, &log)
		actions := map[string]int{}
		for _, e := range log.Items {
			actions[e.Action]++
			if e.RegionID != tr.County.ID {
				t.Errorf("audit line of another region: %+v", e)
			}
		}
		if actions["create_person"] != 5 || actions["update_org"] != 1 || actions["create_org"] == 0 || log.Total != len(log.Items) {
			t.Errorf("audit actions = %v (total %d)", actions, log.Total)
		}
		if log.Items[0].Action != "update_org" || log.Items[0].UserID != u.ID || log.Items[0].Object != fmt.Sprintf("org:%d", tr.School.ID) {
			t.Errorf("newest audit line = %+v, want the update by the admin", log.Items[0])
		}

		r = admin.get("/api/v1/audit?actor=" + u.Name[:6] + "&action=update_org")
		r.JSON(t, &log)
		if log.Total != 1 {
			t.Errorf("audit by actor and action: %d lines, want 1", log.Total)
		}
		r = admin.get("/api/v1/audit?from=2999-01-01T00:00:00Z")
		r.JSON(t, &log)
		if log.Total != 0 || len(log.Items) != 0 {
			t.Errorf("audit from the future: %d lines", log.Total)
		}
		r = admin.get("/api/v1/audit?to=2000-01-01T00:00:00%2B08:00&limit=2")
		r.JSON(t, &log)
		if log.Total != 0 || log.Limit != 2 {
			t.Errorf("audit before 2000: %+v", log)
		}
		e := wantError(t, admin.get("/api/v1/audit?from=yesterday&to=2026-03-01&limit=501"), http.StatusBadRequest, campusguard.Invalid)
		if diff := cmp.Diff([]string{"from", "to", "limit"}, e.fieldSet()); diff != "" {
			t.Errorf("fields (-want +got):\n%s", diff)
		}
	})
}

// TestMaskingPerRole reads the same people as several roles: ID numbers
// are always masked; phones only for roles that need contacts.
func TestMaskingPerRole(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		tr := mustTree(t, s)
		ps := mustPeople(t, s, tr)
		c := newStoreClient(t, s).secretsOf()
		read := func(cl *client) (*campusguard.Person, *campusguard.PersonFile) {
			t.Helper()
			r := cl.get(fmt.Sprintf("/api/v1/people/%d", ps.a1.ID))
			wantStatus(t, r, http.StatusOK)
			var p campusguard.Person
			r.JSON(t, &p)
			r = cl.get(fmt.Sprintf("/api/v1/people/%d/file", ps.a1.ID))
			wantStatus(t, r, http.StatusOK)
			var f campusguard.PersonFile
			r.JSON(t, &f)
			if p.IDNumber != campusguard.HideIDNumber(idA1) || f.Person.IDNumber != p.IDNumber {
				t.Errorf("ID number = %q / %q, want masked", p.IDNumber, f.Person.IDNumber)
			}
			if len(f.Guardians) != 1 {
				t.Fatalf("guardians = %+v", f.Guardians)
			}
			return &p, &f
		}
		masked := []struct {
			name string
			c    *client
		}{
			{"region viewer", c.as(t, s, campusguard.RegionViewer, tr.County)},
			{"region admin", c.as(t, s, campusguard.RegionAdmin, tr.County)},
		}
		for _, tt := range masked {
			t.Run(tt.name, func(t *testing.T) {
				p, f := read(tt.c)
				if p.Phone != campusguard.MaskPhone(phoneA1) || f.Guardians[0].Phone != campusguard.MaskPhone(guardianA1) {
					t.Errorf("phones = %q, %q; want masked", p.Phone, f.Guardians[0].Phone)
				}
				r := tt.c.get(fmt.Sprintf("/api/v1/people?class_id=%d", tr.Class1.ID))
				var l list[campusguard.Person]
				r.JSON(t, &l)
				for _, x := range l.Items {
					if x.Phone != "" && x.Phone != campusguard.MaskPhone(phoneA1) {
						t.Errorf("listed phone = %q, want masked", x.Phone)
					}
				}
			})
		}
		full := []struct {
			name string
			c    *client
		}{
			{"class teacher", c.as(t, s, campusguard.ClassTeacher, tr.Class1).seeingContacts()},
			{"school admin", c.as(t, s, campusguard.SchoolAdmin, tr.School).seeingContacts()},
		}
		for _, tt := range full {
			t.Run(tt.name, func(t *testing.T) {
				p, f := read(tt.c)
				if p.Phone != phoneA1 || f.Guardians[0].Phone != guardianA1 {
					t.Errorf("phones = %q, %q; want them in full", p.Phone, f.Guardians[0].Phone)
				}
			})
		}
		// A guardian just added comes back as the caller may see it.
		r := c.as(t, s, campusguard.SchoolAdmin, tr.School).seeingContacts().send("POST",
			fmt.Sprintf("/api/v1/people/%d/guardians", ps.a2.ID), map[string]any{"name": "林秀英", "phone": "13505964444", "relation": "母亲"})
		wantStatus(t, r, http.StatusCreated)
		var g campusguard.Guardian
		r.JSON(t, &g)
		if g.Phone != "13505964444" {
			t.Errorf("guardian added by the school admin: phone %q, want it in full", g.Phone)
		}
		c.secret("13305965555")
		r = c.as(t, s, campusguard.RegionAdmin, tr.County).send("POST",
			fmt.Sprintf("/api/v1/people/%d/guardians", ps.a2.ID), map[string]any{"name": "林大山", "phone": "13305965555", "relation": "祖父"})
		wantStatus(t, r, http.StatusCreated)
		r.JSON(t, &g)
		if g.Phone != "133****5555" {
			t.Errorf("guardian added by the region admin: phone %q, want masked", g.Phone)
		}
		// A person created by the region admin comes back masked.
		c.secret("13205966666")
		p := createPerson(t, c.as(t, s, campusguard.RegionAdmin, tr.County), map[string]any{"school_id": tr.School.ID,
			"kind": "staff", "name": "周师傅", "number": "T9", "role": "driver", "phone": "13205966666"})
		if p.Phone != "132****6666" {
			t.Errorf("created person's phone = %q, want masked", p.Phone)
		}
	})
}

// TestAccessMatrix checks through HTTP who reaches what: out of scope is
// 404, in scope without the right 403.
func TestAccessMatrix(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		tr := mustTree(t, s)
		ps := mustPeople(t, s, tr)
		c := newStoreClient(t, s).secretsOf()
		person := func(p *campusguard.Person) string { return fmt.Sprintf("/api/v1/people/%d", p.ID) }

		// A guardian of a1, signed up through the store.
		codes, err := s.IssueBindingCodes(ctx, tr.Class1.ID)
		if err != nil {
			t.Fatal(err)
		}
		var code string
		for _, b := range codes {
			if b.StudentID == ps.a1.ID {
				code = b.Code
			}
		}
		gu, err := s.RedeemBindingCode(context.Background(), campusguard.GuardianSignup{Code: code, Name: "陈建国",
			Phone: guardianA1, Relation: "父亲", Password: sqlstoretest.Password}, "127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		guardian := c.withSession(sqlstoretest.MustSession(t, s, gu)).seeingContacts()

		teacher := c.as(t, s, campusguard.ClassTeacher, tr.Class1).seeingContacts()
		gate := c.as(t, s, campusguard.GateStaff, tr.School)
		viewer := c.as(t, s, campusguard.RegionViewer, tr.County)
		otherAdmin := c.as(t, s, campusguard.SchoolAdmin, tr.Other).seeingContacts()

		tests := []struct {
			name   string
			c      *client
			method string
			path   string
			body   any
			status int
		}{
			{"teacher: own student", teacher, "GET", person(ps.a1), nil, 200},
			{"teacher: own student's file", teacher, "GET", person(ps.a1) + "/file", nil, 200},
			{"teacher: another class's student", teacher, "GET", person(ps.b1), nil, 404},
			{"teacher: another class's file", teacher, "GET", person(ps.b1) + "/file", nil, 404},
			{"teacher: another class's people", teacher, "GET", fmt.Sprintf("/api/v1/people?under=%d", tr.Class2.ID), nil, 422},
			{"teacher: another class", teacher, "GET", fmt.Sprintf("/api/v1/orgs/%d", tr.Class2.ID), nil, 404},
			{"teacher: change own student", teacher, "PATCH", person(ps.a1), map[string]any{"name": "x"}, 403},
			{"teacher: change another class's", teacher, "PATCH", person(ps.b1), map[string]any{"name": "x"}, 404},
			{"teacher: another school's student", teacher, "GET", person(ps.o1), nil, 404},
			{"gate: a student", gate, "GET", person(ps.b1), nil, 200},
			{"gate: the people of the school", gate, "GET", fmt.Sprintf("/api/v1/people?school_id=%d", tr.School.ID), nil, 200},
			{"gate: a person's file", gate, "GET", person(ps.a1) + "/file", nil, 403},
			{"gate: change a person", gate, "PATCH", person(ps.a1), map[string]any{"name": "x"}, 403},
			{"gate: add a guardian", gate, "POST", person(ps.a1) + "/guardians", map[string]any{"name": "x", "phone": "13105960000"}, 403},
			{"gate: another school", gate, "GET", person(ps.o1), nil, 404},
			{"viewer: a file", viewer, "GET", person(ps.o1) + "/file", nil, 200},
			{"viewer: change an org", viewer, "PATCH", fmt.Sprintf("/api/v1/orgs/%d", tr.School.ID), map[string]any{"principal": "x"}, 403},
			{"viewer: add a person", viewer, "POST", "/api/v1/people", map[string]any{"school_id": tr.School.ID, "kind": "staff",
				"name": "x", "number": "T8", "role": "other"}, 403},
			{"other school: the school", otherAdmin, "GET", fmt.Sprintf("/api/v1/orgs/%d", tr.School.ID), nil, 404},
			{"other school: a student", otherAdmin, "GET", person(ps.a1), nil, 404},
			{"other school: places", otherAdmin, "GET", fmt.Sprintf("/api/v1/schools/%d/places", tr.School.ID), nil, 404},
			{"other school: own student", otherAdmin, "GET", person(ps.o1) + "/file", nil, 200},
			{"guardian: own child", guardian, "GET", person(ps.a1), nil, 200},
			{"guardian: own child's file", guardian, "GET", person(ps.a1) + "/file", nil, 200},
			{"guardian: a classmate", guardian, "GET", person(ps.a2), nil, 404},
			{"guardian: a classmate's file", guardian, "GET", person(ps.a2) + "/file", nil, 404},
			{"guardian: the school", guardian, "GET", fmt.Sprintf("/api/v1/orgs/%d", tr.School.ID), nil, 404},
			{"guardian: change own child", guardian, "PATCH", person(ps.a1), map[string]any{"name": "x"}, 403},
			{"guardian: audit", guardian, "GET", "/api/v1/audit", nil, 403},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before := countPeople(t, s)
				r := tt.c.send(tt.method, tt.path, tt.body)
				wantStatus(t, r, tt.status)
				if countPeople(t, s) != before {
					t.Errorf("people changed")
				}
			})
		}

		// Lists hold only what the caller may see.
		names := func(cl *client, query string) []string {
			t.Helper()
			r := cl.get("/api/v1/people?" + query)
			wantStatus(t, r, http.StatusOK)
			var l list[campusguard.Person]
			r.JSON(t, &l)
			out := []string{}
			for _, p := range l.Items {
				out = append(out, p.Name)
			}
			slices.Sort(out)
			return out
		}
		if diff := cmp.Diff([]string{"林小红", "陈小明"}, names(teacher, "")); diff != "" {
			t.Errorf("the teacher's people (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{}, names(teacher, fmt.Sprintf("class_id=%d", tr.Class2.ID))); diff != "" {
			t.Errorf("the teacher's people of class 2 (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"陈小明"}, names(guardian, "")); diff != "" {
			t.Errorf("the guardian's people (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"郑小华"}, names(otherAdmin, "")); diff != "" {
			t.Errorf("the other school's people (-want +got):\n%s", diff)
		}
		r := otherAdmin.get("/api/v1/orgs")
		var orgs list[*campusguard.Org]
		r.JSON(t, &orgs)
		got := orgNames(orgs.Items)
		slices.Sort(got)
		if diff := cmp.Diff([]string{"1班", "七年级", "云霄第二中学"}, got); diff != "" {
			t.Errorf("the other school's orgs (-want +got):\n%s", diff)
		}
		r = guardian.get("/api/v1/orgs")
		r.JSON(t, &orgs)
		if orgs.Total != 0 {
			t.Errorf("the guardian sees %d orgs, want none", orgs.Total)
		}
	})
}

// TestQueryTime checks the date-time parameters, which a client that does
// not encode "+" sends with a space for the UTC offset's sign.
func TestQueryTime(t *testing.T) {
	tests := []struct {
		query string
		want  string // RFC 3339 in UTC, or "" for none
		bad   bool
	}{
		{"from=2026-03-01T08:00:00%2B08:00", "2026-03-01T00:00:00Z", false},
		{"from=2026-03-01T08:00:00+08:00", "2026-03-01T00:00:00Z", false},
		{"from=2026-03-01T00:00:00Z", "2026-03-01T00:00:00Z", false},
		{"from=", "", false},
		{"", "", false},
		{"from=2026-03-01", "", true},
		{"from=yesterday", "", true},
	}
	for _, tt := range tests {
		r, _ := http.NewRequest("GET", "/api/v1/audit?"+tt.query, nil)
		q := newQuery(r)
		got := q.time("from")
		if (q.err() != nil) != tt.bad {
			t.Errorf("%q: err = %v, want bad %v", tt.query, q.err(), tt.bad)
		}
		var s string
		if got != nil {
			s = got.UTC().Format(time.RFC3339)
		}
		if s != tt.want {
			t.Errorf("%q: time = %q, want %q", tt.query, s, tt.want)
		}
	}
}
