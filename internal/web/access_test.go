package web_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"campusguard"
	"campusguard/internal/authn"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
	"campusguard/internal/web"
)

// mustGuardian issues the class's binding codes in the store and redeems
// the student's as a guardian with the phone; it returns them signed in.
func mustGuardian(tb testing.TB, s *sqlstore.Store, class *campusguard.Org, studentID int64, phone string) *browser {
	tb.Helper()
	codes, err := s.IssueBindingCodes(ctx, class.ID)
	if err != nil {
		tb.Fatalf("IssueBindingCodes = %v", err)
	}
	for _, c := range codes {
		if c.StudentID != studentID {
			continue
		}
		u, err := s.RedeemBindingCode(ctx, campusguard.GuardianSignup{Code: c.Code, Name: "家长" + phone[len(phone)-4:],
			Phone: phone, Relation: "母亲", Password: sqlstoretest.Password}, "127.0.0.1")
		if err != nil {
			tb.Fatalf("RedeemBindingCode = %v", err)
		}
		return sessionOf(tb, s, u)
	}
	tb.Fatalf("no binding code for student %d", studentID)
	return nil
}

// publicRoutes are the routes anyone may reach without signing in. A new
// public route must be added here, after review.
var publicRoutes = []string{
	"GET /login", "POST /login", "GET /join", "POST /join", "GET /lang", "GET /static/{path...}",
	"GET /sw.js", "GET /manifest.webmanifest", // the offline form's service worker and manifest: no data
}

// TestRoutesNeedSignIn walks the route table: every route but the public
// ones sends an anonymous visitor to the login page, and a page changes
// nothing for them.
func TestRoutesNeedSignIn(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		srv := newServer(t, s)
		admin := signIn(t, s, grant(campusguard.RegionAdmin, f.county))
		var public []string
		for _, rt := range web.Routes() {
			name := strings.TrimSpace(rt.Method + " " + rt.Pattern)
			if rt.Public {
				public = append(public, name)
				continue
			}
			path := rt.Pattern
			id := f.school.ID
			switch {
			case strings.HasPrefix(path, "/people/"):
				id = f.student.ID
			case strings.HasPrefix(path, "/admin/users/"):
				id = admin.user.ID
			case strings.Contains(path, "binding-codes"):
				id = f.class1.ID
			}
			path = strings.ReplaceAll(path, "{id}", itoa(id))
			path = strings.ReplaceAll(path, "{$}", "")
			path = strings.ReplaceAll(path, "{day}", "2026-01-05")
			if path == "/" && rt.Method == "" {
				path = "/nothing/here"
			}
			method := rt.Method
			if method == "" {
				method = http.MethodGet
			}
			t.Run(name, func(t *testing.T) {
				for _, cookie := range []string{"", "Cookie: cg_session=not-a-session"} {
					req, err := http.NewRequest(method, srv.URL+path, strings.NewReader("csrf=x&name=x"))
					if err != nil {
						t.Fatal(err)
					}
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
					if cookie != "" {
						k, v, _ := strings.Cut(cookie, ": ")
						req.Header.Set(k, v)
					}
					p := do(t, req)
					loc := p.header.Get("Location")
					if p.status != http.StatusSeeOther || !strings.HasPrefix(loc, "/login") {
						t.Fatalf("%s %s anonymously = %d Location %q, want 303 to /login", method, path, p.status, loc)
					}
					if method == http.MethodGet && path != "/" && loc != "/login?next="+url.QueryEscape(path) {
						t.Errorf("GET %s: Location = %q, want back to %s after signing in", path, loc, path)
					}
				}
			})
		}
		if diff := cmp.Diff(publicRoutes, public); diff != "" {
			t.Errorf("public routes (-reviewed +table):\n%s", diff)
		}
		// htmx follows HX-Redirect back to the page it was on.
		p := get(t, srv.URL+"/orgs/"+itoa(f.county.ID)+"?q=x", "HX-Request: true",
			"HX-Current-URL: "+srv.URL+"/orgs/"+itoa(f.county.ID)+"?q=x")
		if p.status != http.StatusUnauthorized || p.header.Get("HX-Redirect") != "/login?next="+url.QueryEscape("/orgs/"+itoa(f.county.ID)+"?q=x") {
			t.Errorf("anonymous htmx = %d HX-Redirect %q", p.status, p.header.Get("HX-Redirect"))
		}
		// Nothing anonymous posts changed anything.
		if tokens, err := s.FindTokens(ctx); err != nil || len(tokens) != 0 {
			t.Errorf("tokens after anonymous posts = %v, %v", tokens, err)
		}
		if n := auditCount(t, s, "issue_binding_codes"); n != 0 {
			t.Errorf("anonymous posts issued binding codes %d times", n)
		}
		// The public routes answer without signing in.
		for _, tt := range []struct {
			path   string
			status int
		}{{"/login", 200}, {"/join", 200}, {"/lang?set=en&back=/orgs/1", 303}} {
			if p := get(t, srv.URL+tt.path); p.status != tt.status {
				t.Errorf("GET %s anonymously = %d, want %d", tt.path, p.status, tt.status)
			}
		}
	})
}

// auditCount returns how many audit lines record the action.
func auditCount(tb testing.TB, s *sqlstore.Store, action string) int {
	tb.Helper()
	_, n, err := s.FindAudit(ctx, campusguard.AuditFilter{Action: &action})
	if err != nil {
		tb.Fatalf("FindAudit(%s) = %v", action, err)
	}
	return n
}

// fixedClock makes the store's time stand still at now, and returns a
// function that moves it on.
func fixedClock(s *sqlstore.Store, now time.Time) func(time.Duration) {
	var at atomic.Int64
	at.Store(now.UnixNano())
	s.Now = func() time.Time { return time.Unix(0, at.Load()) }
	return func(d time.Duration) { at.Add(int64(d)) }
}

func TestLogin(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		srv := newServer(t, s)
		advance := fixedClock(s, time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC))
		u := sqlstoretest.MustUser(t, s, grant(campusguard.SchoolAdmin, f.school))
		school := "/orgs/" + itoa(f.school.ID)

		p := get(t, srv.URL+"/login?next="+url.QueryEscape(school))
		if p.status != http.StatusOK {
			t.Fatalf("GET /login = %d", p.status)
		}
		if got := attr(p.all(t, `input[name="next"]`)[0], "value"); got != school {
			t.Errorf("next field = %q, want %q", got, school)
		}
		if got := attr(p.all(t, testid("login-password"))[0], "type"); got != "password" {
			t.Errorf("password input type = %q", got)
		}
		if len(p.all(t, testid("user-menu"))) != 0 {
			t.Errorf("the login page shows a user menu to an anonymous visitor")
		}

		login := func(login, password, next string, headers ...string) *page {
			return post(t, srv.URL+"/login", url.Values{"login": {login}, "password": {password}, "next": {next}}, headers...)
		}
		// A wrong password and an unknown account get the same answer.
		for _, tt := range []struct{ login, password string }{{u.Login, "wrong-password-1"}, {"nobody", sqlstoretest.Password}} {
			p := login(tt.login, tt.password, school)
			if p.status != http.StatusUnauthorized {
				t.Errorf("login %s/%s = %d, want 401", tt.login, tt.password, p.status)
			}
			if got := p.text(t, testid("form-message")); got != "账号或密码不对" {
				t.Errorf("message = %q", got)
			}
			if p.header.Get("Set-Cookie") != "" {
				t.Errorf("a failed login set a cookie: %q", p.header.Get("Set-Cookie"))
			}
			if got := attr(p.all(t, testid("login-login"))[0], "value"); got != tt.login {
				t.Errorf("login kept = %q, want %q", got, tt.login)
			}
		}
		if p := login("", "", "/"); p.status != http.StatusUnprocessableEntity || len(p.all(t, testid("field-error"))) != 2 {
			t.Errorf("empty login = %d with %d field errors, want 422 with 2", p.status, len(p.all(t, testid("field-error"))))
		}
		// The third failure throttles: even the right password waits.
		login(u.Login, "wrong-password-2", school)
		p = login(u.Login, sqlstoretest.Password, school)
		if p.status != http.StatusTooManyRequests || p.header.Get("Retry-After") != "2" {
			t.Fatalf("throttled login = %d Retry-After %q, want 429 and 2", p.status, p.header.Get("Retry-After"))
		}
		if got := p.text(t, testid("form-message")); got != "尝试次数过多，请 2 秒后再试" {
			t.Errorf("throttle message = %q", got)
		}
		if got := login(u.Login, sqlstoretest.Password, school, "Accept-Language: en").text(t, testid("form-message")); got != "Too many attempts; try again in 2 seconds" {
			t.Errorf("English throttle message = %q", got)
		}
		advance(3 * time.Second)

		// The right password: a session cookie, and back to the page.
		p = login(u.Login, sqlstoretest.Password, school)
		if p.status != http.StatusSeeOther || p.header.Get("Location") != school {
			t.Fatalf("login = %d Location %q, want 303 to %s", p.status, p.header.Get("Location"), school)
		}
		c := sessionCookie(t, p)
		if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" {
			t.Errorf("session cookie = %+v, want HttpOnly, SameSite=Lax, Path=/", c)
		}
		b := &browser{user: u, token: c.Value}
		p = b.get(t, srv.URL+school)
		if p.status != http.StatusOK {
			t.Fatalf("GET %s with the new cookie = %d", school, p.status)
		}
		if got := p.text(t, testid("user-name")); got != u.Name {
			t.Errorf("top bar name = %q, want %q", got, u.Name)
		}
		if got := p.texts(t, testid("user-role")); !slices.Equal(got, []string{"学校管理员 · 云陵中心小学"}) {
			t.Errorf("top bar roles = %q", got)
		}
		// Signed in, the login page goes on.
		if p := b.get(t, srv.URL+"/login?next="+url.QueryEscape(school)); p.status != http.StatusSeeOther || p.header.Get("Location") != school {
			t.Errorf("GET /login signed in = %d %q", p.status, p.header.Get("Location"))
		}
		// next is a path of this site, or home.
		for _, next := range []string{"https://evil.example/", "//evil.example/x", "/login", ""} {
			advance(time.Second)
			p := login(u.Login, sqlstoretest.Password, next)
			if p.status != http.StatusSeeOther || p.header.Get("Location") != "/" {
				t.Errorf("login with next=%q goes to %q, want /", next, p.header.Get("Location"))
			}
		}
		if n := auditCount(t, s, "login"); n < 2 {
			t.Errorf("audit holds %d logins", n)
		}
	})
}

// sessionCookie returns the session cookie a response set.
func sessionCookie(tb testing.TB, p *page) *http.Cookie {
	tb.Helper()
	for _, c := range (&http.Response{Header: p.header}).Cookies() {
		if c.Name == authn.CookieName {
			return c
		}
	}
	tb.Fatalf("no %s cookie in %q", authn.CookieName, p.header.Values("Set-Cookie"))
	return nil
}

func TestLogout(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		srv := newServer(t, s)
		b := signIn(t, s, grant(campusguard.SchoolAdmin, f.school))
		p := b.get(t, srv.URL+"/orgs/"+itoa(f.school.ID))
		form := p.all(t, testid("logout-form"))
		if len(form) != 1 || attr(form[0], "action") != "/logout" {
			t.Fatalf("no logout form in the top bar")
		}
		// Without the token, nothing happens.
		if p := b.post(t, srv.URL+"/logout", url.Values{"csrf": {""}}); p.status != http.StatusForbidden {
			t.Errorf("logout without CSRF = %d, want 403", p.status)
		}
		if p := b.get(t, srv.URL+"/"); p.status != http.StatusSeeOther || strings.HasPrefix(p.header.Get("Location"), "/login") {
			t.Fatalf("the session ended without its token")
		}
		p = b.post(t, srv.URL+"/logout", nil)
		if p.status != http.StatusSeeOther || p.header.Get("Location") != "/login?out=1" {
			t.Fatalf("logout = %d %q", p.status, p.header.Get("Location"))
		}
		if c := sessionCookie(t, p); c.MaxAge >= 0 || c.Value != "" {
			t.Errorf("logout cookie = %+v, want it removed", c)
		}
		// The old cookie is worth nothing now.
		if p := b.get(t, srv.URL+"/orgs/"+itoa(f.school.ID)); p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), "/login") {
			t.Errorf("after logout, the old cookie = %d %q", p.status, p.header.Get("Location"))
		}
		if got := get(t, srv.URL+"/login?out=1").text(t, testid("notice")); got != "已退出登录。" {
			t.Errorf("notice = %q", got)
		}
	})
}

func TestCSRF(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		srv := newServer(t, s)
		admin := signIn(t, s, grant(campusguard.RegionAdmin, f.county))
		school := itoa(f.school.ID)
		audited := []string{"issue_binding_codes", "reveal_identity", "revoke_binding_codes", "change_password", "create_user", "create_token"}
		before := map[string]int{}
		for _, a := range audited {
			before[a] = auditCount(t, s, a)
		}
		posts := []struct {
			path string
			form url.Values
		}{
			{"/admin/tokens", url.Values{"name": {"东门"}, "role": {"gate_staff"}, "org": {school}}},
			{"/orgs/" + itoa(f.class1.ID) + "/binding-codes", nil},
			{"/orgs/" + itoa(f.class1.ID) + "/binding-codes.xlsx", nil},
			{"/people/" + itoa(f.student.ID) + "/reveal", nil},
			{"/people/" + itoa(f.student.ID) + "/binding-codes/revoke", nil},
			{"/account/password", url.Values{"old_password": {sqlstoretest.Password}, "password": {"new-password-42"}, "password2": {"new-password-42"}}},
			{"/admin/users", url.Values{"login": {"x1"}, "name": {"x"}, "password": {"new-password-42"}, "role": {"school_admin"}, "org": {school}}},
			{"/logout", nil},
		}
		for _, tt := range posts {
			for _, token := range []string{"", "wrong-token"} {
				form := url.Values{"csrf": {token}}
				for k, v := range tt.form {
					form[k] = v
				}
				p := admin.post(t, srv.URL+tt.path, form)
				if p.status != http.StatusForbidden {
					t.Errorf("POST %s with csrf %q = %d, want 403", tt.path, token, p.status)
					continue
				}
				if got := p.text(t, testid("error-message")); got != "页面已过期，请刷新后重试" {
					t.Errorf("POST %s: message = %q", tt.path, got)
				}
			}
		}
		people := peopleOf(t, s, f.school.ID)
		p := postMultipart(t, srv.URL+"/orgs/"+school+"/import", "", "roster.csv",
			csvFile(rosterRow(map[string]string{"kind": "学生", "number": "S901", "name": "赵一", "grade": "一年级", "class": "1班"})), admin.cookie())
		if p.status != http.StatusForbidden {
			t.Errorf("import without CSRF = %d, want 403", p.status)
		}
		if diff := cmp.Diff(people, peopleOf(t, s, f.school.ID)); diff != "" {
			t.Errorf("a refused import changed the people:\n%s", diff)
		}
		// Nothing changed.
		if tokens, _ := s.FindTokens(ctx); len(tokens) != 0 {
			t.Errorf("a refused post made %d tokens", len(tokens))
		}
		for _, a := range audited {
			if n := auditCount(t, s, a); n != before[a] {
				t.Errorf("refused posts did %s %d times", a, n-before[a])
			}
		}
		if p := admin.get(t, srv.URL+"/"); p.status != http.StatusSeeOther || strings.HasPrefix(p.header.Get("Location"), "/login") {
			t.Errorf("a refused logout ended the session")
		}
		// htmx sends the token as a header instead.
		p = post(t, srv.URL+"/admin/tokens", url.Values{"name": {"东门"}, "role": {"gate_staff"}, "org": {school}},
			admin.cookie(), "X-CSRF-Token: "+admin.csrf)
		if p.status != http.StatusCreated {
			t.Errorf("POST with the token in X-CSRF-Token = %d, want 201", p.status)
		}
		// The page carries the token for htmx in a meta tag.
		meta := admin.get(t, srv.URL+"/orgs/"+school).all(t, `meta[name="csrf-token"]`)
		if len(meta) != 1 || attr(meta[0], "content") != admin.csrf {
			t.Errorf("csrf-token meta = %v", meta)
		}
	})
}
