package e2e

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"campusguard"
)

// acceptChinese is what a county office's browser sends.
const acceptChinese = "zh-CN,zh;q=0.9"

// lineage is one path down the demo county, as the API tells it: the root
// region, a town with schools, a school, a grade, a class and a student.
type lineage struct {
	root, town, school, grade, class *campusguard.Org
	student                          *campusguard.Person
}

// orgs returns the nodes of the path from the root down.
func (l *lineage) orgs() []*campusguard.Org {
	return []*campusguard.Org{l.root, l.town, l.school, l.grade, l.class}
}

// demoLineage picks, through the API, the first town with schools, its
// first school with students, the first grade and class with students, and
// the class's first student.
func demoLineage(t testing.TB) *lineage {
	t.Helper()
	l := &lineage{root: &getOrg(t, rootRegion(t)).Org}
	l.town = firstWith(t, children(t, l.root.ID), campusguard.KindRegion)
	l.school = firstWith(t, children(t, l.town.ID), campusguard.KindSchool)
	l.grade = firstWith(t, children(t, l.school.ID), campusguard.KindGrade)
	l.class = firstWith(t, children(t, l.grade.ID), campusguard.KindClass)
	var people apiList[*campusguard.Person]
	apiGet(t, fmt.Sprintf("/people?class_id=%d&kind=student&limit=1", l.class.ID), &people)
	if len(people.Items) == 0 {
		t.Fatalf("GET /api/v1/people?class_id=%d: no student", l.class.ID)
	}
	l.student = people.Items[0]
	return l
}

// language is what a walk expects of the pages in one language.
type language struct {
	name       string
	switchTo   string // the language link to click on the first page; "" keeps the default
	htmlLang   string
	students   string // the label of the student count
	classList  string // the heading of a class's student list
	idNumber   string // the label of the ID number
	maskedNote string
}

var (
	chinese = language{name: "zh-Hans", htmlLang: "zh-Hans", students: "学生", classList: "学生名单",
		idNumber: "身份证号", maskedNote: "身份证号和电话号码已部分隐藏。"}
	english = language{name: "en", switchTo: "en", htmlLang: "en", students: "Students", classList: "Students",
		idNumber: "ID number", maskedNote: "ID numbers and phone numbers are partly hidden."}
)

// TestWalk opens the county, clicks down region → town → school → grade →
// class → student, checks each page against the API and the store, and
// climbs back up through the breadcrumbs: in the default Chinese, and in
// English chosen with the language link.
func TestWalk(t *testing.T) {
	for _, lang := range []language{chinese, english} {
		t.Run(lang.name, func(t *testing.T) {
			b := newTab(t, desktop, acceptChinese)
			l := demoLineage(t)

			b.open("/")
			if got, want := b.path(), orgPath(l.root.ID); got != want {
				t.Fatalf("/ redirects to %s, want the root region %s", got, want)
			}
			if lang.switchTo != "" {
				if got := b.htmlLang(); got != chinese.htmlLang {
					t.Errorf("before the switch: html lang got %q, want %q", got, chinese.htmlLang)
				}
				b.follow(testid("lang-" + lang.switchTo))
				if got, want := b.path(), orgPath(l.root.ID); got != want {
					t.Errorf("the language switch went to %s, want back to %s", got, want)
				}
			}
			if got := b.attrs(testid("lang-"+lang.htmlLang), "aria-current"); !slices.Equal(got, []string{"true"}) {
				t.Errorf("aria-current of the %s switch got %q, want [true]", lang.htmlLang, got)
			}

			// Down.
			checkOrgPage(t, b, lang, l.root.ID)
			checkChildRows(t, b, l.root.ID)
			b.follow(linkTo("child-link", l.town.ID))
			checkOrgPage(t, b, lang, l.town.ID)
			checkChildRows(t, b, l.town.ID)
			b.follow(linkTo("child-link", l.school.ID))
			checkOrgPage(t, b, lang, l.school.ID)
			if got, want := b.count(testid("grade")), len(children(t, l.school.ID)); got != want {
				t.Errorf("school page: grades got %d, want %d", got, want)
			}
			b.follow(linkTo("grade-link", l.grade.ID))
			checkOrgPage(t, b, lang, l.grade.ID)
			if got, want := b.count(testid("class-row")), len(children(t, l.grade.ID)); got != want {
				t.Errorf("grade page: class rows got %d, want %d", got, want)
			}
			b.follow(linkTo("class-link", l.class.ID))
			checkOrgPage(t, b, lang, l.class.ID)
			checkClassList(t, b, lang, l.class.ID)
			b.follow(fmt.Sprintf("%s %s[href=%q]", testid("student-row"), testid("person-link"), personPath(l.student.ID)))
			checkPersonPage(t, b, lang, l)

			// Up, through the breadcrumbs.
			for i := len(l.orgs()) - 1; i >= 0; i-- {
				o := l.orgs()[i]
				b.follow(linkTo("crumb", o.ID))
				checkOrgPage(t, b, lang, o.ID)
			}
		})
	}
}

// checkOrgPage checks the page the tab shows against GET /api/v1/orgs/{id}:
// the address, the language, the name, the counts the node's kind shows and
// the breadcrumbs.
func checkOrgPage(t *testing.T, b *tab, lang language, id int64) {
	t.Helper()
	o := getOrg(t, id)
	if got, want := b.path(), orgPath(id); got != want {
		t.Fatalf("page got %s, want %s", got, want)
	}
	where := fmt.Sprintf("%s page %s (%s)", o.Kind, orgPath(id), o.Name)
	if got := b.htmlLang(); got != lang.htmlLang {
		t.Errorf("%s: html lang got %q, want %q", where, got, lang.htmlLang)
	}
	if got := b.text(testid("org-name")); got != o.Name {
		t.Errorf("%s: org-name got %q, want %q", where, got, o.Name)
	}
	if got := b.text(testid("org-counts")); !strings.Contains(got, lang.students) {
		t.Errorf("%s: org-counts got %q, want the label %q", where, got, lang.students)
	}
	region, school, class := o.Kind == campusguard.KindRegion, o.Kind == campusguard.KindSchool, o.Kind == campusguard.KindClass
	counts := []struct {
		id    string
		shown bool
		want  int
	}{
		{"count-schools", region, o.Counts.Schools},
		{"count-classes", !class, o.Counts.Classes},
		{"count-students", true, o.Counts.Students},
		{"count-staff", region || school, o.Counts.Staff},
	}
	for _, c := range counts {
		if !c.shown {
			if n := b.count(testid(c.id)); n != 0 {
				t.Errorf("%s: %s shown %d times, want none on a %s", where, c.id, n, o.Kind)
			}
			continue
		}
		if got, want := b.text(testid(c.id)), grouped(c.want); got != want {
			t.Errorf("%s: %s got %q, want %q", where, c.id, got, want)
		}
	}
	var wantNames, wantLinks []string
	for _, a := range o.Ancestors {
		wantNames = append(wantNames, a.Name)
		wantLinks = append(wantLinks, orgPath(a.ID))
	}
	wantNames = append(wantNames, o.Name)
	checkCrumbs(t, b, where, wantNames, wantLinks)
}

// checkCrumbs checks the breadcrumbs: the names in order, the links of all
// but the last, which is the current page.
func checkCrumbs(t *testing.T, b *tab, where string, names, links []string) {
	t.Helper()
	sel := testid("crumb") + ", " + testid("crumb-current")
	if got := b.texts(sel); !slices.Equal(got, names) {
		t.Errorf("%s: breadcrumbs got %q, want %q", where, got, names)
	}
	if got := b.attrs(testid("crumb"), "href"); !slices.Equal(got, links) {
		t.Errorf("%s: breadcrumb links got %q, want %q", where, got, links)
	}
	if got, want := b.texts(testid("crumb-current")), names[len(names)-1:]; !slices.Equal(got, want) {
		t.Errorf("%s: current breadcrumb got %q, want %q", where, got, want)
	}
}

// checkChildRows checks that a region page lists every child the API has.
func checkChildRows(t *testing.T, b *tab, id int64) {
	t.Helper()
	kids := children(t, id)
	var want []string
	for _, k := range kids {
		want = append(want, orgPath(k.ID))
	}
	got := b.attrs(testid("child-link"), "href")
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("region %s: child links got %q, want %q", orgPath(id), got, want)
	}
	if got, want := b.text(testid("children-total")), grouped(len(kids)); got != want {
		t.Errorf("region %s: children-total got %q, want %q", orgPath(id), got, want)
	}
}

// checkClassList checks that a class page lists exactly the class's
// students of GET /api/v1/people?class_id=.
func checkClassList(t *testing.T, b *tab, lang language, classID int64) {
	t.Helper()
	var people apiList[*campusguard.Person]
	apiGet(t, fmt.Sprintf("/people?class_id=%d&kind=student&limit=100", classID), &people)
	if people.Total > len(people.Items) {
		t.Fatalf("class %d has %d students, more than one page of the API", classID, people.Total)
	}
	where := "class page " + orgPath(classID)
	if got := b.count(testid("student-row")); got != people.Total {
		t.Errorf("%s: student rows got %d, want %d", where, got, people.Total)
	}
	var want []string
	for _, p := range people.Items {
		want = append(want, p.Number+" "+p.Name)
	}
	numbers := b.texts(testid("student-number"))
	names := b.texts(testid("student-row") + " " + testid("person-link"))
	if len(numbers) != len(names) {
		t.Fatalf("%s: %d student numbers but %d names", where, len(numbers), len(names))
	}
	var got []string
	for i := range numbers {
		got = append(got, numbers[i]+" "+names[i])
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("%s: students got %q, want %q", where, got, want)
	}
	if got := b.text(testid("class-students") + " h2"); !strings.HasPrefix(got, lang.classList) {
		t.Errorf("%s: list heading got %q, want it to start with %q", where, got, lang.classList)
	}
}

// checkPersonPage checks a student's file against the API and the store:
// the name, the school, grade and class, the breadcrumbs, and an ID number
// that is masked, in the page and everywhere in its HTML.
func checkPersonPage(t *testing.T, b *tab, lang language, l *lineage) {
	t.Helper()
	id := l.student.ID
	if got, want := b.path(), personPath(id); got != want {
		t.Fatalf("page got %s, want %s", got, want)
	}
	where := "person page " + personPath(id)
	var p campusguard.Person
	apiGet(t, fmt.Sprintf("/people/%d", id), &p)
	if got := b.htmlLang(); got != lang.htmlLang {
		t.Errorf("%s: html lang got %q, want %q", where, got, lang.htmlLang)
	}
	if got := b.text(testid("person-name")); got != p.Name {
		t.Errorf("%s: person-name got %q, want %q", where, got, p.Name)
	}
	if got := b.text(testid("person-number")); got != p.Number {
		t.Errorf("%s: person-number got %q, want %q", where, got, p.Number)
	}
	for _, c := range []struct {
		id   string
		want *campusguard.Org
	}{{"person-school", l.school}, {"person-grade", l.grade}, {"person-class", l.class}} {
		if got := b.text(testid(c.id)); got != c.want.Name {
			t.Errorf("%s: %s got %q, want %q", where, c.id, got, c.want.Name)
		}
		if got := b.attrs(testid(c.id), "href"); !slices.Equal(got, []string{orgPath(c.want.ID)}) {
			t.Errorf("%s: %s link got %q, want [%s]", where, c.id, got, orgPath(c.want.ID))
		}
	}
	var names, links []string
	for _, o := range l.orgs() {
		names = append(names, o.Name)
		links = append(links, orgPath(o.ID))
	}
	checkCrumbs(t, b, where, append(names, p.Name), links)

	// The store tells the program itself the whole number (and audits it).
	real, _, err := store.RevealIdentity(sysCtx(t), id)
	if err != nil {
		t.Fatalf("store.RevealIdentity(%d): %v", id, err)
	}
	if real == "" {
		t.Fatalf("store.RevealIdentity(%d): the demo student has no ID number to check the masking with", id)
	}
	shown := b.text(testid("person-id-number"))
	if !strings.Contains(shown, "*") || shown == real {
		t.Errorf("%s: person-id-number got %q, want it masked with '*' (the real one is %q)", where, shown, real)
	}
	if want := campusguard.HideIDNumber(real); shown != want {
		t.Errorf("%s: person-id-number got %q, want %q", where, shown, want)
	}
	if shown != p.IDNumber {
		t.Errorf("%s: person-id-number got %q, want the API's %q", where, shown, p.IDNumber)
	}
	html := evalJS[string](b, `document.documentElement.outerHTML`)
	if strings.Contains(html, real) {
		t.Errorf("%s: the HTML holds the full ID number %q, want it masked everywhere", where, real)
	}
	if got := b.text(testid("user-name")); got != bureau.Name {
		t.Errorf("%s: the top bar names %q, want the signed-in %q", where, got, bureau.Name)
	}
	if got := b.text(testid("person-identity")); !strings.Contains(got, lang.idNumber) {
		t.Errorf("%s: person-identity got %q, want the label %q", where, got, lang.idNumber)
	}
	if got := b.text(testid("masked-note")); got != lang.maskedNote {
		t.Errorf("%s: masked-note got %q, want %q", where, got, lang.maskedNote)
	}
}

// TestPhoneFits opens the pages of the walk on a phone and checks that
// none is wider than the screen: a page that scrolls sideways hides its
// right-hand columns.
func TestPhoneFits(t *testing.T) {
	b := newTab(t, phone, acceptChinese)
	l := demoLineage(t)
	pages := []struct {
		name, path, testid string
	}{
		{"region", orgPath(l.root.ID), "org-name"},
		{"school", orgPath(l.school.ID), "org-name"},
		{"class", orgPath(l.class.ID), "org-name"},
		{"person", personPath(l.student.ID), "person-name"},
	}
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			b := &tab{t: t, ctx: b.ctx}
			b.open(p.path)
			b.text(testid(p.testid)) // the page is the one asked for
			if sw, iw := b.overflow(); sw > iw {
				t.Errorf("%s at %dpx: scrollWidth got %d, want <= innerWidth %d", p.path, phone.width, sw, iw)
			}
		})
	}
}

// grouped writes n as the pages do, with thousands separators: 3,000.
func grouped(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func orgPath(id int64) string    { return fmt.Sprintf("/orgs/%d", id) }
func personPath(id int64) string { return fmt.Sprintf("/people/%d", id) }
