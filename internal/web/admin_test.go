package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

func TestTokens(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		srv := newServer(t, s)
		admin := signIn(t, s, grant(campusguard.RegionAdmin, f.county))
		p := admin.get(t, srv.URL+"/admin/tokens")
		if p.status != http.StatusOK || p.text(t, testid("tokens")+" "+testid("none")) != "还没有令牌" {
			t.Fatalf("empty token list = %d", p.status)
		}
		var orgs []string
		for _, o := range p.all(t, testid("grant-org")+" option") {
			orgs = append(orgs, attr(o, "value"))
		}
		if diff := cmp.Diff([]string{"", itoa(f.county.ID), itoa(f.town.ID), itoa(f.school.ID)}, orgs); diff != "" {
			t.Errorf("org choices (-want +got):\n%s", diff)
		}
		for _, o := range p.all(t, testid("grant-role")+" option") {
			if v := attr(o, "value"); v == "guardian" || v == "staff_member" || v == "system_admin" {
				t.Errorf("a token may be made with role %s", v)
			}
		}
		// A name is required; nothing is made without one.
		p = admin.post(t, srv.URL+"/admin/tokens", url.Values{"name": {" "}, "role": {"gate_staff"}, "org": {itoa(f.school.ID)}})
		if p.status != http.StatusUnprocessableEntity || p.text(t, testid("field-error")) != "名称 必填" && !strings.Contains(p.text(t, testid("field-error")), "必填") {
			t.Errorf("token without a name = %d %q", p.status, p.text(t, testid("form-error")))
		}
		// Created: the secret once.
		p = admin.post(t, srv.URL+"/admin/tokens", url.Values{"name": {"东门测温门"}, "role": {"gate_staff"}, "org": {itoa(f.school.ID)}})
		if p.status != http.StatusCreated {
			t.Fatalf("create token = %d:\n%s", p.status, p.body)
		}
		secret := p.text(t, testid("token-secret"))
		if !strings.HasPrefix(secret, "cgt_") || len(secret) < 30 {
			t.Fatalf("secret = %q", secret)
		}
		if !strings.Contains(p.text(t, testid("token-secret-card")), "只显示这一次") {
			t.Errorf("no warning that the secret shows once")
		}
		p = admin.get(t, srv.URL+"/admin/tokens")
		if strings.Contains(p.body, secret) {
			t.Errorf("the list shows the secret")
		}
		row := p.all(t, testid("token-row"))
		if len(row) != 1 {
			t.Fatalf("token rows = %d", len(row))
		}
		want := map[string]string{"token-name": "东门测温门", "token-prefix": secret[:10] + "…", "token-role": "门卫/测温",
			"token-org": "云陵中心小学", "token-last-used": "—"}
		for id, w := range want {
			if got := nodeText(find(t, row[0], testid(id))); got != w {
				t.Errorf("%s = %q, want %q", id, got, w)
			}
		}
		// The device uses it; the list shows when.
		bearer := "Authorization: Bearer " + secret
		if p := get(t, srv.URL+"/orgs/"+itoa(f.school.ID), bearer); p.status != http.StatusOK {
			t.Errorf("GET with the token = %d", p.status)
		}
		p = admin.get(t, srv.URL+"/admin/tokens")
		if got := p.text(t, testid("token-last-used")); got == "—" {
			t.Errorf("last used not shown after a use")
		}
		// Revoked: the token opens nothing.
		revoke := p.all(t, testid("token-revoke-form"))
		if len(revoke) != 1 {
			t.Fatalf("no revoke form")
		}
		p = admin.post(t, srv.URL+attr(revoke[0], "action"), nil)
		if p.status != http.StatusSeeOther || p.header.Get("Location") != "/admin/tokens?revoked=1" {
			t.Fatalf("revoke = %d %q", p.status, p.header.Get("Location"))
		}
		p = admin.get(t, srv.URL+"/admin/tokens?revoked=1")
		if len(p.all(t, testid("token-revoked"))) != 1 || len(p.all(t, testid("token-revoke"))) != 0 {
			t.Errorf("the list does not show the token revoked")
		}
		if p := get(t, srv.URL+"/orgs/"+itoa(f.school.ID), bearer); p.status != http.StatusSeeOther {
			t.Errorf("GET with a revoked token = %d, want 303 to the login", p.status)
		}
		// Another county's admin does not see it.
		other := signIn(t, s, grant(campusguard.RegionAdmin, f.other))
		if p := other.get(t, srv.URL+"/admin/tokens"); len(p.all(t, testid("token-row"))) != 0 {
			t.Errorf("another county's admin sees the token")
		}
		if p := other.post(t, srv.URL+attr(revoke[0], "action"), nil); p.status != http.StatusNotFound {
			t.Errorf("another county revoking = %d, want 404", p.status)
		}
	})
}

func TestAuditPage(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		srv := newServer(t, s)
		admin := signIn(t, s, grant(campusguard.RegionAdmin, f.county))
		signIn(t, s, grant(campusguard.RegionAdmin, f.other)) // a login in another county
		if p := admin.get(t, srv.URL+"/people/"+itoa(f.student.ID)); p.status != http.StatusOK {
			t.Fatal(p.status)
		}
		p := admin.get(t, srv.URL+"/admin/audit")
		if p.status != http.StatusOK {
			t.Fatalf("audit = %d", p.status)
		}
		actions := p.texts(t, testid("audit-row-action"))
		if !contains(actions, "查看档案") || !contains(actions, "登录") {
			t.Errorf("audit actions = %q, want a file read and a login", actions)
		}
		for _, a := range p.texts(t, testid("audit-row-actor")) {
			if a == "user2" || strings.HasPrefix(a, "测试用户") && a != admin.user.Name && a != admin.user.Login && a != "test" {
				t.Errorf("the county's audit shows %q of another county", a)
			}
		}
		// Filters: the action, the object, the days.
		object := "person:" + itoa(f.student.ID)
		p = admin.get(t, srv.URL+"/admin/audit?action=read_person_file&object="+url.QueryEscape(object))
		rows := p.all(t, testid("audit-row"))
		if len(rows) != 1 {
			t.Fatalf("file reads of %s = %d rows, want 1", object, len(rows))
		}
		if got := nodeText(find(t, rows[0], testid("audit-row-actor"))); got != admin.user.Name {
			t.Errorf("reader = %q, want %q", got, admin.user.Name)
		}
		if got := attr(find(t, rows[0], testid("audit-row-object")+" a"), "href"); got != "/people/"+itoa(f.student.ID) {
			t.Errorf("object link = %q", got)
		}
		if got := attr(find(t, p.doc, testid("audit-action")+" option[selected]"), "value"); got != "read_person_file" {
			t.Errorf("selected action = %q", got)
		}
		yesterday := time.Now().In(campusguard.China).AddDate(0, 0, -1).Format("2006-01-02")
		if p := admin.get(t, srv.URL+"/admin/audit?to="+yesterday); len(p.all(t, testid("audit-row"))) != 0 {
			t.Errorf("entries up to yesterday = %d, want none", len(p.all(t, testid("audit-row"))))
		}
		if p := admin.get(t, srv.URL+"/admin/audit?from="+yesterday); len(p.all(t, testid("audit-row"))) == 0 {
			t.Errorf("entries from yesterday on: none")
		}
		if p := admin.get(t, srv.URL+"/admin/audit?from=2026-13-40"); p.status != http.StatusUnprocessableEntity {
			t.Errorf("a bad date = %d, want 422", p.status)
		}
		// Only the bureau reads the log.
		for _, g := range []campusguard.Grant{grant(campusguard.SchoolAdmin, f.school), grant(campusguard.RegionViewer, f.county)} {
			b := signIn(t, s, g)
			if p := b.get(t, srv.URL+"/admin/audit"); p.status != http.StatusForbidden {
				t.Errorf("%s reading the audit log = %d, want 403", g.Role, p.status)
			}
			if p := b.get(t, srv.URL+"/orgs/"+itoa(f.school.ID)); len(p.all(t, testid("nav-audit"))) != 0 {
				t.Errorf("%s is offered the audit log", g.Role)
			}
		}
		if p := admin.get(t, srv.URL+"/orgs/"+itoa(f.school.ID)); len(p.all(t, testid("nav-audit"))) != 1 {
			t.Errorf("the region admin has no link to the audit log")
		}
	})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestChangePassword(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		srv := newServer(t, s)
		b := signIn(t, s, grant(campusguard.SchoolAdmin, f.school))
		other := sessionOf(t, s, b.user) // the same user on another phone
		if p := b.get(t, srv.URL+"/account/password"); p.status != http.StatusOK {
			t.Fatalf("GET /account/password = %d", p.status)
		}
		change := func(old, pw, pw2 string) *page {
			return b.post(t, srv.URL+"/account/password", url.Values{"old_password": {old}, "password": {pw}, "password2": {pw2}})
		}
		for _, tt := range []struct{ name, old, pw, pw2, field string }{
			{"wrong old password", "not-my-password-1", "new-password-42", "new-password-42", "原密码 原密码不对"},
			{"mismatch", sqlstoretest.Password, "new-password-42", "new-password-43", "确认密码 两次输入的密码不一致"},
			{"too short", sqlstoretest.Password, "short1", "short1", "密码 密码长度应在 10 到 128 个字符之间"},
			{"digits only", sqlstoretest.Password, "1234567890123", "1234567890123", "密码 密码太简单：请同时使用字母和数字或符号"},
		} {
			p := change(tt.old, tt.pw, tt.pw2)
			if p.status != http.StatusUnprocessableEntity || p.text(t, testid("field-error")) != tt.field {
				t.Errorf("%s = %d %q, want 422 %q", tt.name, p.status, p.text(t, testid("field-error")), tt.field)
			}
		}
		p := change(sqlstoretest.Password, "new-password-42", "new-password-42")
		if p.status != http.StatusSeeOther || p.header.Get("Location") != "/account/password?done=1" {
			t.Fatalf("change = %d %q:\n%s", p.status, p.header.Get("Location"), p.body)
		}
		now := &browser{user: b.user, token: sessionCookie(t, p).Value}
		if got := now.get(t, srv.URL+"/account/password?done=1").text(t, testid("notice")); !strings.Contains(got, "密码已修改") {
			t.Errorf("notice = %q", got)
		}
		// Every old session ended; the new one works.
		for name, old := range map[string]*browser{"this phone's old cookie": b, "the other phone": other} {
			if p := old.get(t, srv.URL+"/"); p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), "/login") {
				t.Errorf("%s after the change = %d %q, want to the login", name, p.status, p.header.Get("Location"))
			}
		}
		if p := now.get(t, srv.URL+"/orgs/"+itoa(f.school.ID)); p.status != http.StatusOK {
			t.Errorf("the new session = %d", p.status)
		}
		p = post(t, srv.URL+"/login", url.Values{"login": {b.user.Login}, "password": {"new-password-42"}})
		if p.status != http.StatusSeeOther {
			t.Errorf("login with the new password = %d", p.status)
		}
		// A device token has no password to change.
		secret, _, err := s.CreateToken(ctx, "gate", campusguard.GateStaff, f.school.ID)
		if err != nil {
			t.Fatal(err)
		}
		if p := get(t, srv.URL+"/account/password", "Authorization: Bearer "+secret); p.status != http.StatusForbidden {
			t.Errorf("password page with a token = %d, want 403", p.status)
		}
	})
}

func TestUsersAdmin(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		srv := newServer(t, s)
		principal := signIn(t, s, grant(campusguard.SchoolAdmin, f.school))
		teacher := signIn(t, s, grant(campusguard.ClassTeacher, f.class1))
		signIn(t, s, grant(campusguard.RegionViewer, f.other)) // elsewhere

		p := principal.get(t, srv.URL+"/admin/users")
		if p.status != http.StatusOK {
			t.Fatalf("users = %d", p.status)
		}
		logins := p.texts(t, testid("user-link"))
		if !contains(logins, principal.user.Login) || !contains(logins, teacher.user.Login) || len(logins) != 2 {
			t.Errorf("users = %q, want the school's two", logins)
		}
		p = principal.get(t, srv.URL+"/admin/users?q="+url.QueryEscape(teacher.user.Login))
		if got := p.texts(t, testid("user-link")); !cmp.Equal(got, []string{teacher.user.Login}) {
			t.Errorf("search = %q", got)
		}
		// A class teacher from the class page's link.
		p = principal.get(t, srv.URL+"/orgs/"+itoa(f.class2.ID))
		link := p.all(t, testid("account-link"))
		if len(link) != 1 {
			t.Fatalf("no account link on the class page")
		}
		p = principal.get(t, srv.URL+attr(link[0], "href"))
		picked := p.all(t, testid("pick-org_id")+" input[checked]")
		if len(picked) != 1 || attr(picked[0], "value") != itoa(f.class2.ID) {
			t.Errorf("the org from the link is not picked: %d picked, want the class %d", len(picked), f.class2.ID)
		} else if got := p.texts(t, testid("pick-org_id")+" "+testid("pick-label")); len(got) != 1 || !strings.Contains(got[0], "2班") ||
			!strings.Contains(got[0], f.school.Name) {
			t.Errorf("the picked org reads %q, want the class with its school", got)
		}
		// Picking by name (issue 19): the classes named 2班 inside the
		// principal's school, with their lineage; nothing of another county.
		p = principal.get(t, srv.URL+"/admin/pick/orgs?q="+url.QueryEscape("2班"))
		var values []string
		for _, n := range p.all(t, testid("pick-choice")) {
			values = append(values, attr(n, "value"))
		}
		if got := values; !cmp.Equal(got, []string{itoa(f.class2.ID)}) {
			t.Errorf("pick 2班 = %q, want the class %d", got, f.class2.ID)
		}
		p = principal.get(t, srv.URL+"/admin/pick/orgs?q="+url.QueryEscape(f.other.Name))
		if got := p.all(t, testid("pick-choice")); len(got) != 0 || p.text(t, testid("none")) == "" {
			t.Errorf("pick another county's name = %d choices, want none and a message", len(got))
		}
		p = principal.get(t, srv.URL+"/admin/pick/people?q="+url.QueryEscape(f.teacher.Name))
		values = nil
		for _, n := range p.all(t, testid("pick-choice")) {
			values = append(values, attr(n, "value"))
		}
		if !cmp.Equal(values, []string{itoa(f.teacher.ID)}) {
			t.Errorf("pick %s = %q, want the staff member %d", f.teacher.Name, values, f.teacher.ID)
		}
		if p := teacher.get(t, srv.URL+"/admin/pick/orgs?q=x"); p.status != http.StatusForbidden && p.status != http.StatusNotFound {
			t.Errorf("a class teacher's pick = %d, want refused", p.status)
		}
		create := url.Values{"login": {"li-laoshi"}, "name": {"李老师"}, "password": {"teacher-pass-1"},
			"role": {"class_teacher"}, "org": {""}, "org_id": {itoa(f.class2.ID)}}
		p = principal.post(t, srv.URL+"/admin/users", create)
		if p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), "/admin/users/") {
			t.Fatalf("create user = %d %q:\n%s", p.status, p.header.Get("Location"), p.body)
		}
		userPage := strings.TrimSuffix(p.header.Get("Location"), "?created=1")
		p = principal.get(t, srv.URL+p.header.Get("Location"))
		if got := p.texts(t, testid("grant")); !cmp.Equal(got, []string{"班主任 · 2班"}) {
			t.Errorf("grants = %q", got)
		}
		if got := p.text(t, testid("notice")); got != "账号已创建。" {
			t.Errorf("notice = %q", got)
		}
		// The login is taken now.
		p = principal.post(t, srv.URL+"/admin/users", create)
		if p.status != http.StatusConflict || p.text(t, testid("field-error")) != "账号 该账号已被使用" {
			t.Errorf("same login again = %d %q", p.status, p.text(t, testid("form-error")))
		}
		if got := attr(p.all(t, testid("user-login"))[0], "value"); got != "li-laoshi" {
			t.Errorf("the refused form lost the login: %q", got)
		}
		// A school admin may not make a county's admin.
		p = principal.post(t, srv.URL+"/admin/users", url.Values{"login": {"boss"}, "name": {"x"}, "password": {"teacher-pass-1"},
			"role": {"region_admin"}, "org_id": {itoa(f.county.ID)}})
		if p.status != http.StatusForbidden && p.status != http.StatusUnprocessableEntity {
			t.Errorf("school admin making a region admin = %d, want 403 or 422", p.status)
		}
		// One more role.
		p = principal.post(t, srv.URL+userPage+"/grants", url.Values{"role": {"gate_staff"}, "org": {itoa(f.school.ID)}})
		if p.status != http.StatusSeeOther || p.header.Get("Location") != userPage+"?granted=1" {
			t.Fatalf("add grant = %d %q:\n%s", p.status, p.header.Get("Location"), p.body)
		}
		if got := principal.get(t, srv.URL+userPage).texts(t, testid("grant")); !cmp.Equal(got, []string{"班主任 · 2班", "门卫/测温 · 云陵中心小学"}) {
			t.Errorf("grants = %q", got)
		}
		p = principal.post(t, srv.URL+userPage+"/grants", url.Values{"role": {"class_teacher"}, "org": {itoa(f.school.ID)}})
		if p.status != http.StatusUnprocessableEntity || p.text(t, testid("grant-add")+" "+testid("field-error")) != "角色 该角色不能授予在这一级" {
			t.Errorf("class teacher of a school = %d %q", p.status, p.text(t, testid("grant-add")+" "+testid("form-error")))
		}

		// The new teacher signs in; the principal resets the password.
		nt := post(t, srv.URL+"/login", url.Values{"login": {"li-laoshi"}, "password": {"teacher-pass-1"}})
		if nt.status != http.StatusSeeOther {
			t.Fatalf("new teacher's login = %d", nt.status)
		}
		newTeacher := &browser{token: sessionCookie(t, nt).Value}
		if p := newTeacher.get(t, srv.URL+"/orgs/"+itoa(f.class2.ID)); p.status != http.StatusOK {
			t.Errorf("the new teacher's class = %d", p.status)
		}
		p = principal.post(t, srv.URL+userPage+"/password", url.Values{"password": {"reset-pass-42"}, "password2": {"reset-pass-42"}})
		if p.status != http.StatusSeeOther || p.header.Get("Location") != userPage+"?reset=1" {
			t.Fatalf("reset = %d %q:\n%s", p.status, p.header.Get("Location"), p.body)
		}
		if p := newTeacher.get(t, srv.URL+"/orgs/"+itoa(f.class2.ID)); p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), "/login") {
			t.Errorf("after the reset, the old session = %d %q, want to the login", p.status, p.header.Get("Location"))
		}
		if p := post(t, srv.URL+"/login", url.Values{"login": {"li-laoshi"}, "password": {"reset-pass-42"}}); p.status != http.StatusSeeOther {
			t.Errorf("login with the reset password = %d", p.status)
		}

		// Those who do not manage users get no user pages.
		for _, path := range []string{"/admin/users", "/admin/users/new", "/admin/tokens", userPage} {
			if p := teacher.get(t, srv.URL+path); p.status != http.StatusForbidden {
				t.Errorf("class teacher GET %s = %d, want 403", path, p.status)
			}
		}
		if p := teacher.post(t, srv.URL+userPage+"/password", url.Values{"password": {"x-pass-12345"}, "password2": {"x-pass-12345"}}); p.status != http.StatusForbidden {
			t.Errorf("class teacher resetting = %d, want 403", p.status)
		}
		if p := teacher.get(t, srv.URL+"/orgs/"+itoa(f.class1.ID)); len(p.all(t, testid("nav-users"))) != 0 {
			t.Errorf("class teacher is offered the users page")
		}
		// Another county's admin cannot see the school's users.
		other := signIn(t, s, grant(campusguard.RegionAdmin, f.other))
		if p := other.get(t, srv.URL+userPage); p.status != http.StatusNotFound {
			t.Errorf("another county's admin GET %s = %d, want 404", userPage, p.status)
		}
	})
}
