package web_test

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// join posts the sign-up form anonymously.
func join(tb testing.TB, base, code, name, phone string) *page {
	tb.Helper()
	return post(tb, base+"/join", url.Values{"code": {code}, "name": {name}, "phone": {phone}, "relation": {"母亲"},
		"password": {"family-pass-1"}, "password2": {"family-pass-1"}})
}

func TestBindingCodes(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		srv := newServer(t, s)
		teacher := signIn(t, s, grant(campusguard.ClassTeacher, f.class1))
		classURL := srv.URL + "/orgs/" + itoa(f.class1.ID)

		// Only those who may print codes see the buttons.
		viewer := signIn(t, s, grant(campusguard.RegionViewer, f.county))
		if len(viewer.get(t, classURL).all(t, testid("binding-print"))) != 0 {
			t.Errorf("a region viewer sees the binding code button")
		}
		if p := viewer.post(t, classURL+"/binding-codes", nil); p.status != http.StatusForbidden {
			t.Errorf("viewer issuing codes = %d, want 403", p.status)
		}
		p := teacher.get(t, classURL)
		if got := p.text(t, testid("binding-voids")); !strings.Contains(got, "作废") {
			t.Errorf("the class page does not warn that new codes void old ones: %q", got)
		}
		form := p.all(t, testid("binding-form"))
		if len(form) != 1 || attr(form[0], "action") != "/orgs/"+itoa(f.class1.ID)+"/binding-codes" {
			t.Fatalf("binding form = %v", form)
		}

		// The printable page: one slip per student.
		p = teacher.post(t, classURL+"/binding-codes", nil)
		if p.status != http.StatusOK {
			t.Fatalf("issue codes = %d:\n%s", p.status, p.body)
		}
		if diff := cmp.Diff([]string{"陈小明", "林小红"}, p.texts(t, testid("slip-name"))); diff != "" {
			t.Errorf("slips (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"S001", "S002"}, p.texts(t, testid("slip-number"))); diff != "" {
			t.Errorf("slip numbers (-want +got):\n%s", diff)
		}
		printed := p.texts(t, testid("slip-code"))
		if len(printed) != 2 || len(printed[0]) != 11 || printed[0] == printed[1] {
			t.Fatalf("codes = %q", printed)
		}
		if got := p.text(t, testid("slip")+" .slip-how"); !strings.Contains(got, srv.URL+"/join") {
			t.Errorf("slip instructions %q lack the join address %s/join", got, srv.URL)
		}
		// The class teacher may not open the school's page, but the slip
		// still names the school, grade and class.
		if got := p.text(t, testid("slip-class")); got != "一年级1班" {
			t.Errorf("slip class = %q, want 一年级1班", got)
		}
		if got := p.text(t, testid("slip-school")); got == "" {
			t.Errorf("slip names no school")
		}
		if got := p.text(t, testid("binding-warning")); !strings.Contains(got, "作废") {
			t.Errorf("the printable page does not warn: %q", got)
		}
		if len(p.all(t, `[data-print]`)) != 1 {
			t.Errorf("no print button")
		}
		// A school admin's slips also name the school and the grade.
		principal := signIn(t, s, grant(campusguard.SchoolAdmin, f.school))
		p = principal.post(t, classURL+"/binding-codes", nil)
		if got := p.text(t, testid("slip-school")) + " " + p.text(t, testid("slip-class")); got != "云陵中心小学 一年级1班" {
			t.Errorf("school admin's slip = %q", got)
		}
		printed = p.texts(t, testid("slip-code"))

		// The same as a spreadsheet: fresh codes, which void the printed ones.
		p = teacher.post(t, classURL+"/binding-codes.xlsx", nil)
		if p.status != http.StatusOK || p.header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
			t.Fatalf("xlsx = %d %q", p.status, p.header.Get("Content-Type"))
		}
		if cd := p.header.Get("Content-Disposition"); !strings.HasPrefix(cd, `attachment; filename="binding-codes-`+itoa(f.class1.ID)+`.xlsx"`) {
			t.Errorf("Content-Disposition = %q", cd)
		}
		x, err := excelize.OpenReader(bytes.NewReader([]byte(p.body)))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := x.GetRows(x.GetSheetName(0))
		if err != nil || len(rows) != 3 {
			t.Fatalf("xlsx rows = %q, %v", rows, err)
		}
		if diff := cmp.Diff([]string{"学校", "班级", "学号/工号", "姓名", "绑定码", "绑定网址"}, rows[0]); diff != "" {
			t.Errorf("xlsx header (-want +got):\n%s", diff)
		}
		codes := map[string]string{}
		for _, r := range rows[1:] {
			codes[r[3]] = r[4]
			if r[5] != srv.URL+"/join" {
				t.Errorf("xlsx join address = %q", r[5])
			}
		}

		// A voided code is refused.
		p = join(t, srv.URL, printed[0], "陈妈妈", "13805960011")
		if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.text(t, testid("form-error")), "绑定码无效、已使用或已作废") {
			t.Errorf("join with a voided code = %d:\n%s", p.status, p.body)
		}
		// Mismatched passwords change nothing.
		p = post(t, srv.URL+"/join", url.Values{"code": {codes["陈小明"]}, "name": {"陈妈妈"}, "phone": {"13805960011"},
			"relation": {"母亲"}, "password": {"family-pass-1"}, "password2": {"family-pass-2"}})
		if p.status != http.StatusUnprocessableEntity || p.text(t, testid("field-error")) != "确认密码 两次输入的密码不一致" {
			t.Errorf("mismatched passwords = %d %q", p.status, p.text(t, testid("field-error")))
		}
		// The code as a parent types it: lower case, with a space.
		typed := strings.ToLower(strings.Replace(codes["陈小明"], "-", " ", 1))
		p = join(t, srv.URL, typed, "陈妈妈", "13805960011")
		if p.status != http.StatusSeeOther || p.header.Get("Location") != "/people/"+itoa(f.student.ID) {
			t.Fatalf("join = %d %q:\n%s", p.status, p.header.Get("Location"), p.body)
		}
		parent := &browser{token: sessionCookie(t, p).Value}
		p = parent.get(t, srv.URL+"/people/"+itoa(f.student.ID))
		if p.status != http.StatusOK || p.text(t, testid("person-name")) != "陈小明" {
			t.Fatalf("the guardian does not see the child: %d", p.status)
		}
		if got := p.texts(t, testid("guardian-name")); !cmp.Equal(got, []string{"陈建国", "陈妈妈"}) {
			t.Errorf("guardians = %q", got)
		}
		if p := parent.get(t, srv.URL+"/people/"+itoa(f.student2.ID)); p.status != http.StatusNotFound {
			t.Errorf("the guardian sees another child: %d", p.status)
		}
		// The code works once.
		p = join(t, srv.URL, codes["陈小明"], "别人", "13805960022")
		if p.status != http.StatusUnprocessableEntity {
			t.Errorf("reused code = %d, want 422", p.status)
		}

		// A lost slip: the teacher voids the student's code.
		p = teacher.get(t, srv.URL+"/people/"+itoa(f.student2.ID))
		revoke := p.all(t, testid("binding-revoke-form"))
		if len(revoke) != 1 {
			t.Fatalf("no revoke button on the student's file")
		}
		p = teacher.post(t, srv.URL+attr(revoke[0], "action"), nil)
		if p.status != http.StatusSeeOther || p.header.Get("Location") != "/people/"+itoa(f.student2.ID)+"?revoked=1" {
			t.Fatalf("revoke = %d %q", p.status, p.header.Get("Location"))
		}
		if got := teacher.get(t, srv.URL+p.header.Get("Location")).text(t, testid("notice")); got != "该学生未使用的绑定码已作废。" {
			t.Errorf("notice = %q", got)
		}
		if p := join(t, srv.URL, codes["林小红"], "林爸爸", "13805960033"); p.status != http.StatusUnprocessableEntity {
			t.Errorf("join with a revoked code = %d, want 422", p.status)
		}
		if n := auditCount(t, s, "redeem_binding_code"); n != 1 {
			t.Errorf("audit holds %d sign-ups, want 1", n)
		}
	})
}

func TestJoinPage(t *testing.T) {
	s := sqlstoretest.Open(t)
	srv := newServer(t, s)
	p := get(t, srv.URL+"/join?code=ABCDE-FGHJK")
	if got := attr(p.all(t, testid("join-code"))[0], "value"); got != "ABCDE-FGHJK" {
		t.Errorf("code from the link = %q", got)
	}
	if got := attr(p.all(t, testid("join-phone"))[0], "type"); got != "tel" {
		t.Errorf("phone input type = %q", got)
	}
	p = get(t, srv.URL+"/join", "Accept-Language: zh-TW")
	if got := p.text(t, testid("page-title")); got != "家長綁定" {
		t.Errorf("Traditional title = %q", got)
	}
	p = join(t, srv.URL, "", "", "12")
	if p.status != http.StatusUnprocessableEntity || len(p.all(t, testid("field-error"))) < 3 {
		t.Errorf("empty join = %d, %d field errors", p.status, len(p.all(t, testid("field-error"))))
	}
}
