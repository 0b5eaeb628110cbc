package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"campusguard"
)

// TestImport uploads a roster on a school's import page, as a school's
// clerk would: first a file with one bad ID number, which must import
// nothing and name the row; then the corrected file, which creates both
// students.
func TestImport(t *testing.T) {
	// A school of its own, in a tree of its own, so that the demo county
	// the other tests and the screenshots show stays as built; its
	// principal uploads.
	school, grade, class := mustCreateSchool(t, "导入测试")
	b := newTabAs(t, desktop, acceptChinese,
		signIn(t, "e2e-import-principal", campusguard.Grant{Role: campusguard.SchoolAdmin, OrgID: school.ID}))
	before := students(t, school.ID)

	// Two new students.
	type student struct{ number, name, id string }
	newStudents := []student{
		{"E2E0001", "测试甲", idNumber("35062220190301901")},
		{"E2E0002", "测试乙", idNumber("35062220190302902")},
	}
	for _, s := range newStudents {
		id := s.id
		if _, n, err := store.FindPeople(sysCtx(t), campusguard.PersonFilter{Query: &id, Limit: 1}); err != nil || n != 0 {
			t.Fatalf("store.FindPeople(%s) = %d people, %v; want none before the import", id, n, err)
		}
	}
	roster := func(badRow int) []byte {
		var sb strings.Builder
		sb.WriteString("类别,学号/工号,姓名,身份证号,年级,班级,寄宿,监护人姓名,监护人电话,监护人关系\n")
		for i, s := range newStudents {
			id := s.id
			if i+2 == badRow {
				id = wrongCheckDigit(id)
			}
			fmt.Fprintf(&sb, "学生,%s,%s,%s,%s,%s,否,家长%d,1390000%04d,母亲\n", s.number, s.name, id, grade.Name, class.Name, i, 9000+i)
		}
		return []byte(sb.String())
	}
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// imported returns the students of the file the store holds.
	imported := func() []string {
		var got []string
		for _, s := range newStudents {
			q := s.number
			people, _, err := store.FindPeople(sysCtx(t), campusguard.PersonFilter{SchoolID: &school.ID, Query: &q})
			if err != nil {
				t.Fatalf("store.FindPeople(%s): %v", q, err)
			}
			for _, p := range people {
				if real, _, err := store.RevealIdentity(sysCtx(t), p.ID); err != nil || p.ClassID == nil || *p.ClassID != class.ID || real != s.id {
					t.Errorf("store: %s %s got class %v and ID number %q (%v), want class %d and %q",
						p.Number, p.Name, p.ClassID, real, err, class.ID, s.id)
				}
				got = append(got, p.Number+" "+p.Name)
			}
		}
		return got
	}

	importPath := orgPath(school.ID) + "/import"
	b.open(importPath)
	if got := b.text(testid("school-link")); got != school.Name {
		t.Errorf("import page: school-link got %q, want %q", got, school.Name)
	}

	// One bad row: nothing is imported, and the page names the row.
	const badRow = 3
	upload(b, write("bad.csv", roster(badRow)), 422)
	if got, want := b.path(), importPath; got != want {
		t.Errorf("after the bad upload: page got %s, want %s", got, want)
	}
	if got, want := b.text(testid("import-nothing")), "导入失败：没有导入任何数据"; got != want {
		t.Errorf("import-nothing got %q, want %q", got, want)
	}
	if got, want := b.text(testid("import-file")), "bad.csv"; got != want {
		t.Errorf("import-file got %q, want %q", got, want)
	}
	if got, want := b.texts(testid("error-row")), []string{strconv.Itoa(badRow)}; !slices.Equal(got, want) {
		t.Errorf("error rows got %q, want %q", got, want)
	}
	if got, want := b.texts(testid("error-column")), []string{"身份证号"}; !slices.Equal(got, want) {
		t.Errorf("error columns got %q, want %q", got, want)
	}
	if got, want := b.texts(testid("error-reason")), []string{"身份证号校验位错误"}; !slices.Equal(got, want) {
		t.Errorf("error reasons got %q, want %q", got, want)
	}
	if n := b.count(testid("import-result")); n != 0 {
		t.Errorf("after the bad upload: import-result shown %d times, want none", n)
	}
	if got := imported(); len(got) != 0 {
		t.Errorf("after the bad upload: store holds %q, want none of the file", got)
	}
	if got := students(t, school.ID); got != before {
		t.Errorf("after the bad upload: school students got %d, want %d", got, before)
	}

	// The corrected file, from the form shown again under the errors.
	upload(b, write("good.csv", roster(0)), 200)
	for _, c := range []struct {
		id   string
		want int
	}{{"import-rows", 2}, {"import-created", 2}, {"import-updated", 0}, {"import-unchanged", 0}} {
		if got, want := b.text(testid(c.id)), grouped(c.want); got != want {
			t.Errorf("after the good upload: %s got %q, want %q", c.id, got, want)
		}
	}
	if n := b.count(testid("import-failed")); n != 0 {
		t.Errorf("after the good upload: import-failed shown %d times, want none", n)
	}
	want := []string{"E2E0001 测试甲", "E2E0002 测试乙"}
	if got := imported(); !slices.Equal(got, want) {
		t.Errorf("after the good upload: store holds %q, want %q", got, want)
	}
	if got := students(t, school.ID); got != before+2 {
		t.Errorf("after the good upload: school students got %d, want %d", got, before+2)
	}
	b.follow(testid("back-to-school"))
	if got, want := b.text(testid("count-students")), grouped(before+2); got != want {
		t.Errorf("school page after the import: count-students got %q, want %q", got, want)
	}
}

// mustCreateSchool creates, straight in the store, a county of its own with
// one primary school, one grade and one class, named after the test.
func mustCreateSchool(tb testing.TB, name string) (school, grade, class *campusguard.Org) {
	tb.Helper()
	ctx := sysCtx(tb)
	county := &campusguard.Org{Kind: campusguard.KindRegion, Level: campusguard.LevelCounty, Name: name + "县"}
	if err := store.CreateOrg(ctx, county); err != nil {
		tb.Fatalf("create county: %v", err)
	}
	school = &campusguard.Org{Kind: campusguard.KindSchool, SchoolType: campusguard.Primary, Name: name + "小学", ParentID: &county.ID}
	if err := store.CreateOrg(ctx, school); err != nil {
		tb.Fatalf("create school: %v", err)
	}
	grade = &campusguard.Org{Kind: campusguard.KindGrade, Name: "一年级", GradeYear: 1, ParentID: &school.ID}
	if err := store.CreateOrg(ctx, grade); err != nil {
		tb.Fatalf("create grade: %v", err)
	}
	class = &campusguard.Org{Kind: campusguard.KindClass, Name: "1班", ParentID: &grade.ID}
	if err := store.CreateOrg(ctx, class); err != nil {
		tb.Fatalf("create class: %v", err)
	}
	return school, grade, class
}

// upload chooses the file in the import form, submits it and waits for the
// answer, which must have the status.
func upload(b *tab, path string, status int64) {
	b.t.Helper()
	b.setFile(testid("import-file-input"), path)
	b.clickFor(testid("import-submit"), status)
}

// idNumber completes a 17-digit body with its check character.
func idNumber(body string) string {
	return body + string(campusguard.IDCheckChar(body))
}

// wrongCheckDigit returns the ID number with another check character.
func wrongCheckDigit(id string) string {
	last := id[len(id)-1]
	wrong := byte('0')
	if last == '0' {
		wrong = '1'
	}
	return id[:len(id)-1] + string(wrong)
}

// students returns how many students the store counts at the org.
func students(tb testing.TB, orgID int64) int {
	tb.Helper()
	c, err := store.OrgCounts(sysCtx(tb), orgID)
	if err != nil {
		tb.Fatalf("store.OrgCounts(%d): %v", orgID, err)
	}
	return c.Students
}
