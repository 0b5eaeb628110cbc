package e2e

import (
	"net/url"
	"strings"
	"testing"

	"campusguard"
)

// TestLoginForm signs in through the login page on a phone, as a visitor
// sent there from the page they asked for, and signs out from the top bar.
func TestLoginForm(t *testing.T) {
	signIn(t, "e2e-login-form", bureau.Grants[0]) // an account of its own, so that signing out ends no other test's session
	b := newTabAs(t, phone, acceptChinese, "")
	l := demoLineage(t)
	school := orgPath(l.school.ID)

	b.open(school + "?q=x") // not signed in: the login page, then back
	if got, want := b.path(), "/login?next="+url.QueryEscape(school+"?q=x"); got != want {
		t.Fatalf("an anonymous visit went to %s, want %s", got, want)
	}
	if n := b.count(testid("user-menu")); n != 0 {
		t.Errorf("the login page shows a user menu")
	}
	if sw, iw := b.overflow(); sw > iw {
		t.Errorf("login page at %dpx: scrollWidth got %d, want <= %d", phone.width, sw, iw)
	}

	// A wrong password: the same page, a generic message.
	b.typeIn(testid("login-login"), "e2e-login-form")
	b.typeIn(testid("login-password"), "not-the-password")
	b.clickFor(testid("login-submit"), 401)
	if got, want := b.text(testid("form-message")), "账号或密码不对"; got != want {
		t.Errorf("wrong password: message got %q, want %q", got, want)
	}

	// The right one: back to the page asked for, signed in.
	b.typeIn(testid("login-password"), password)
	b.clickFor(testid("login-submit"), 200)
	if got, want := b.path(), school+"?q=x"; got != want {
		t.Errorf("after signing in: page got %s, want %s", got, want)
	}
	if got := b.text(testid("org-name")); got != l.school.Name {
		t.Errorf("after signing in: org-name got %q, want %q", got, l.school.Name)
	}

	// Out, from the user menu.
	b.click(testid("user-menu") + " summary")
	b.clickFor(testid("logout"), 200)
	if got, want := b.path(), "/login?out=1"; got != want {
		t.Errorf("after signing out: page got %s, want %s", got, want)
	}
	b.open("/")
	if got := b.path(); !strings.HasPrefix(got, "/login") {
		t.Errorf("after signing out, / shows %s, want the login page", got)
	}
}

// TestGuardianJoin prints a class's binding codes as its class teacher,
// then signs a parent up with one on a phone, who lands on the child's
// file.
func TestGuardianJoin(t *testing.T) {
	// A school of its own, so that the demo county stays as built.
	school, _, class := mustCreateSchool(t, "绑定测试")
	child := &campusguard.Person{SchoolID: school.ID, Kind: campusguard.Student, Name: "测试丙", Number: "J001",
		IDNumber: idNumber("35062220190303903"), ClassID: &class.ID}
	if err := store.CreatePerson(sysCtx(t), child); err != nil {
		t.Fatalf("create student: %v", err)
	}
	teacher := newTabAs(t, desktop, acceptChinese,
		signIn(t, "e2e-class-teacher", campusguard.Grant{Role: campusguard.ClassTeacher, OrgID: class.ID}))
	teacher.open("/")
	if got, want := teacher.path(), orgPath(class.ID); got != want {
		t.Fatalf("the class teacher's home is %s, want the class %s", got, want)
	}
	teacher.clickFor(testid("binding-print"), 200)
	if got := teacher.texts(testid("slip-name")); len(got) != 1 || got[0] != child.Name {
		t.Fatalf("slips got %q, want one for %s", got, child.Name)
	}
	code := teacher.text(testid("slip-code"))
	if how := teacher.text(".slip-how"); !strings.Contains(how, server.URL()+"/join") {
		t.Errorf("slip instructions %q lack %s/join", how, server.URL())
	}

	parent := newTabAs(t, phone, acceptChinese, "")
	parent.open("/join")
	if sw, iw := parent.overflow(); sw > iw {
		t.Errorf("join page at %dpx: scrollWidth got %d, want <= %d", phone.width, sw, iw)
	}
	parent.typeIn(testid("join-code"), strings.ToLower(code))
	parent.typeIn(testid("join-name"), "测试丙妈妈")
	parent.typeIn(testid("join-phone"), "13900009903")
	parent.choose(testid("join-relation"), "母亲")
	parent.typeIn(testid("join-password"), "family-pass-9")
	parent.typeIn(testid("join-password2"), "family-pass-9")
	parent.clickFor(testid("join-submit"), 200)
	if got, want := parent.path(), personPath(child.ID); got != want {
		t.Fatalf("after joining: page got %s, want the child's file %s", got, want)
	}
	if got := parent.text(testid("person-name")); got != child.Name {
		t.Errorf("child's file: person-name got %q, want %q", got, child.Name)
	}
	if got := parent.texts(testid("guardian-name")); len(got) != 1 || got[0] != "测试丙妈妈" {
		t.Errorf("child's file: guardians got %q, want the new parent", got)
	}
	if sw, iw := parent.overflow(); sw > iw {
		t.Errorf("child's file at %dpx: scrollWidth got %d, want <= %d", phone.width, sw, iw)
	}
	// The code worked once.
	other := newTabAs(t, phone, acceptChinese, "")
	other.open("/join?code=" + url.QueryEscape(code))
	other.typeIn(testid("join-name"), "别人")
	other.typeIn(testid("join-phone"), "13900009904")
	other.choose(testid("join-relation"), "父亲")
	other.typeIn(testid("join-password"), "family-pass-9")
	other.typeIn(testid("join-password2"), "family-pass-9")
	other.clickFor(testid("join-submit"), 422)
	if got := other.text(testid("form-error")); !strings.Contains(got, "绑定码无效、已使用或已作废") {
		t.Errorf("a used code: form-error got %q", got)
	}
}
