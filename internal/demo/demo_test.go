package demo

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	cg "campusguard"
	"campusguard/internal/longtest"
)

var today = cg.Date{Year: 2020, Month: time.April, Day: 20}

// checker walks the batches of a county as a loader would, table by table,
// and checks every rule a loader and the product rely on.
type checker struct {
	tb  testing.TB
	cfg Config

	batches int
	next    [5]int64 // orgs, places, routes, people, guardians

	orgs      map[int64]*cg.Org
	codes     map[string]bool
	places    map[int64]*cg.Place
	routes    map[int64]*cg.BusRoute
	people    map[int64]*cg.Person // staff only, to keep memory down
	students  map[int64]int64      // student → school
	guardians map[int64]bool
	phones    map[string]bool
	idNumbers map[string]bool
	numbers   map[string]bool // school id + number
	beds      map[string]bool // room + bed
	occupied  map[int64]int
	links     map[[2]int64]bool
	perGuard  map[int64]int
	perStud   map[int64]int

	types    map[cg.SchoolType]int
	roles    map[cg.StaffRole]int
	count    Summary
	boarders int
	riders   int
	noID     int
}

func newChecker(tb testing.TB, cfg Config) *checker {
	return &checker{
		tb: tb, cfg: cfg,
		next:      [5]int64{1, 1, 1, 1, 1},
		orgs:      map[int64]*cg.Org{},
		codes:     map[string]bool{},
		places:    map[int64]*cg.Place{},
		routes:    map[int64]*cg.BusRoute{},
		people:    map[int64]*cg.Person{},
		students:  map[int64]int64{},
		guardians: map[int64]bool{},
		phones:    map[string]bool{},
		idNumbers: map[string]bool{},
		numbers:   map[string]bool{},
		beds:      map[string]bool{},
		occupied:  map[int64]int{},
		links:     map[[2]int64]bool{},
		perGuard:  map[int64]int{},
		perStud:   map[int64]int{},
		types:     map[cg.SchoolType]int{},
		roles:     map[cg.StaffRole]int{},
	}
}

func (c *checker) errorf(format string, args ...any) {
	c.tb.Helper()
	c.tb.Fatalf("batch %d: %s", c.batches, fmt.Sprintf(format, args...))
}

func (c *checker) id(table int, got int64, what string) {
	c.tb.Helper()
	if got != c.next[table] {
		c.errorf("%s id = %d, want %d", what, got, c.next[table])
	}
	c.next[table]++
}

// school returns the school an org belongs to, or nil.
func (c *checker) school(id int64) *cg.Org {
	o := c.orgs[id]
	for o != nil && o.Kind != cg.KindSchool {
		if o.ParentID == nil {
			return nil
		}
		o = c.orgs[*o.ParentID]
	}
	return o
}

func (c *checker) batch(b *Batch) error {
	c.tb.Helper()
	c.batches++
	if c.batches == 1 {
		if len(b.Places)+len(b.Routes)+len(b.People)+len(b.Guardians)+len(b.Links)+len(b.Teaching) > 0 {
			c.errorf("the region batch holds more than orgs")
		}
	}
	schools := 0
	for _, o := range b.Orgs {
		c.org(o)
		if o.Kind == cg.KindSchool {
			schools++
		}
		if c.batches == 1 && o.Kind != cg.KindRegion {
			c.errorf("org %d in the region batch is a %s", o.ID, o.Kind)
		}
	}
	if c.batches > 1 && (schools != 1 || b.Orgs[0].Kind != cg.KindSchool) {
		c.errorf("batch has %d schools, want 1 first", schools)
	}
	for _, p := range b.Places {
		c.place(p)
	}
	for _, r := range b.Routes {
		c.id(2, r.ID, "route")
		if r.RegionID != 1 || c.orgs[r.SchoolID] == nil || c.orgs[r.SchoolID].Kind != cg.KindSchool {
			c.errorf("route %d: region %d, school %d", r.ID, r.RegionID, r.SchoolID)
		}
		if !strings.HasPrefix(r.Plate, "闽E·") || r.Name == "" || r.DriverID == nil {
			c.errorf("route %+v", r)
		}
		c.routes[r.ID] = r
		c.count.Routes++
	}
	inBatch := map[int64]*cg.Person{}
	for _, p := range b.People {
		c.person(p)
		inBatch[p.ID] = p
	}
	for _, g := range b.Guardians {
		c.id(4, g.ID, "guardian")
		if err := g.Validate(); err != nil {
			c.errorf("guardian %d: %v", g.ID, err)
		}
		if g.RegionID != 1 {
			c.errorf("guardian %d: region %d", g.ID, g.RegionID)
		}
		if c.phones[g.Phone] {
			c.errorf("guardian %d: phone %s taken", g.ID, g.Phone)
		}
		c.phones[g.Phone] = true
		c.guardians[g.ID] = true
		c.count.Guardians++
	}
	relations := "父亲 母亲 祖父 祖母 外祖父 外祖母 姑姑 叔叔 舅舅 姨妈"
	for _, l := range b.Links {
		p := inBatch[l.StudentID]
		if !c.guardians[l.GuardianID] || p == nil || p.Kind != cg.Student {
			c.errorf("link %+v: unknown guardian or student of another batch", l)
		}
		if !strings.Contains(relations, l.Relation) || l.Relation == "" {
			c.errorf("link %+v: relation", l)
		}
		k := [2]int64{l.GuardianID, l.StudentID}
		if c.links[k] {
			c.errorf("link %+v twice", l)
		}
		c.links[k] = true
		c.perGuard[l.GuardianID]++
		c.perStud[l.StudentID]++
	}
	taught := map[int64][]int64{}
	for _, t := range b.Teaching {
		cl := c.orgs[t.ClassID]
		p := inBatch[t.StaffID]
		if cl == nil || cl.Kind != cg.KindClass || p == nil || (p.Role != cg.RoleTeacher && p.Role != cg.RoleClassTeacher) {
			c.errorf("teaching %+v: not a class and a teacher of this batch", t)
		}
		for _, s := range taught[t.ClassID] {
			if s == t.StaffID {
				c.errorf("teaching %+v twice", t)
			}
		}
		taught[t.ClassID] = append(taught[t.ClassID], t.StaffID)
	}
	// The soft links: head teachers and drivers are people of this batch.
	for _, o := range b.Orgs {
		if o.Kind != cg.KindClass {
			continue
		}
		if o.HeadTeacherID == nil {
			c.errorf("class %d has no head teacher", o.ID)
		}
		h := inBatch[*o.HeadTeacherID]
		if h == nil || h.Role != cg.RoleClassTeacher || h.ClassID == nil || *h.ClassID != o.ID {
			c.errorf("class %d: head teacher %d is not its class teacher", o.ID, *o.HeadTeacherID)
		}
		ts := taught[o.ID]
		if len(ts) < 4 || len(ts) > 7 || ts[0] != h.ID {
			c.errorf("class %d taught by %v, want its head teacher and 3-6 others", o.ID, ts)
		}
	}
	for _, r := range b.Routes {
		d := inBatch[*r.DriverID]
		if d == nil || d.Role != cg.RoleDriver || d.BusRouteID == nil || *d.BusRouteID != r.ID {
			c.errorf("route %d: driver %d is not its driver", r.ID, *r.DriverID)
		}
	}
	return nil
}

func (c *checker) org(o *cg.Org) {
	c.tb.Helper()
	c.id(0, o.ID, "org")
	if err := o.Validate(); err != nil {
		c.errorf("org %d %s: %v", o.ID, o.Name, err)
	}
	if o.RegionID != 1 || o.Code == "" || c.codes[o.Code] {
		c.errorf("org %d %s: region %d, code %q (taken %v)", o.ID, o.Name, o.RegionID, o.Code, c.codes[o.Code])
	}
	c.codes[o.Code] = true
	if o.ParentID == nil {
		if o.ID != 1 || o.Path != "/1/" {
			c.errorf("root %d with path %q", o.ID, o.Path)
		}
	} else {
		parent := c.orgs[*o.ParentID]
		if parent == nil || !cg.CanParent(parent.Kind, o.Kind) || o.Path != parent.Path+fmt.Sprint(o.ID)+"/" {
			c.errorf("org %d %s: parent %d, path %q", o.ID, o.Name, *o.ParentID, o.Path)
		}
	}
	switch o.Kind {
	case cg.KindRegion:
		c.count.Regions++
	case cg.KindSchool:
		c.count.Schools++
		c.types[o.SchoolType]++
		if o.Address == "" || o.Principal == "" || !cg.ValidPhone(o.Phone) || len(o.Code) != 8 {
			c.errorf("school %+v", o)
		}
		if p := c.orgs[*o.ParentID]; p.Level != cg.LevelTown {
			c.errorf("school %s under a %s", o.Name, p.Level)
		}
	case cg.KindGrade:
		c.count.Grades++
		if o.GradeYear < 1 {
			c.errorf("grade %d: year %d", o.ID, o.GradeYear)
		}
	case cg.KindClass:
		c.count.Classes++
	}
	c.orgs[o.ID] = o
}

func (c *checker) place(p *cg.Place) {
	c.tb.Helper()
	c.id(1, p.ID, "place")
	if err := p.Validate(); err != nil {
		c.errorf("place %d: %v", p.ID, err)
	}
	if p.RegionID != 1 || c.orgs[p.SchoolID] == nil || c.orgs[p.SchoolID].Kind != cg.KindSchool {
		c.errorf("place %d: region %d, school %d", p.ID, p.RegionID, p.SchoolID)
	}
	if (p.Kind == cg.PlaceClassroom) != (p.ClassID != nil) {
		c.errorf("place %d: %s with class %v", p.ID, p.Kind, p.ClassID)
	}
	if p.ClassID != nil && (c.orgs[*p.ClassID] == nil || c.school(*p.ClassID).ID != p.SchoolID) {
		c.errorf("classroom %d: class %d not of school %d", p.ID, *p.ClassID, p.SchoolID)
	}
	if p.Kind == cg.PlaceDormRoom && (p.Beds < 6 || p.Beds > 8) {
		c.errorf("dorm %d: %d beds", p.ID, p.Beds)
	}
	c.places[p.ID] = p
	c.count.Places++
}

func (c *checker) person(p *cg.Person) {
	c.tb.Helper()
	c.id(3, p.ID, "person")
	birth, gender := p.Birth, p.Gender
	if err := p.Validate(c.cfg.Today); err != nil {
		c.errorf("person %d %s: %v", p.ID, p.Name, err)
	}
	if p.Birth != birth || p.Gender != gender || birth.IsZero() || gender == "" {
		c.errorf("person %d: birth %v, gender %s not as emitted", p.ID, birth, gender)
	}
	if p.RegionID != 1 || !p.Active || p.Town == "" || p.Village == "" || !p.CreatedAt.Equal(c.cfg.Today.Time().Add(8*time.Hour)) {
		c.errorf("person %+v", p)
	}
	school := c.orgs[p.SchoolID]
	if school == nil || school.Kind != cg.KindSchool {
		c.errorf("person %d: school %d", p.ID, p.SchoolID)
	}
	key := fmt.Sprint(p.SchoolID, "/", p.Number)
	if c.numbers[key] {
		c.errorf("person %d: number %s taken in school %d", p.ID, p.Number, p.SchoolID)
	}
	c.numbers[key] = true
	if p.IDNumber == "" {
		c.noID++
	} else if !strings.HasPrefix(p.IDNumber, "3506") {
		c.errorf("person %d: ID number %s not issued in Zhangzhou", p.ID, p.IDNumber)
	} else if c.idNumbers[p.IDNumber] {
		c.errorf("person %d: ID number %s taken", p.ID, p.IDNumber)
	}
	c.idNumbers[p.IDNumber] = true
	if p.BusRouteID != nil {
		if r := c.routes[*p.BusRouteID]; r == nil || r.SchoolID != p.SchoolID {
			c.errorf("person %d: bus route %d of another school", p.ID, *p.BusRouteID)
		}
	}
	switch p.Kind {
	case cg.Staff:
		c.count.Staff++
		c.roles[p.Role]++
		if !cg.ValidPhone(p.Phone) || c.phones[p.Phone] {
			c.errorf("staff %d: phone %q bad or taken", p.ID, p.Phone)
		}
		c.phones[p.Phone] = true
		if (p.Role == cg.RoleClassTeacher) != (p.ClassID != nil) {
			c.errorf("staff %d: %s with class %v", p.ID, p.Role, p.ClassID)
		}
		if (p.Role == cg.RoleDriver) != (p.BusRouteID != nil) {
			c.errorf("staff %d: %s with route %v", p.ID, p.Role, p.BusRouteID)
		}
		if p.ClassID != nil && c.school(*p.ClassID) != school {
			c.errorf("staff %d: class %d of another school", p.ID, *p.ClassID)
		}
		c.people[p.ID] = p
	case cg.Student:
		c.count.Students++
		c.students[p.ID] = p.SchoolID
		cl := c.orgs[*p.ClassID]
		if cl == nil || cl.Kind != cg.KindClass || c.school(cl.ID) != school {
			c.errorf("student %d: class %d not of school %d", p.ID, *p.ClassID, p.SchoolID)
		}
		// The age fits the grade: on the first day of the school year a
		// child in stage s (primary year one is 1) is 5+s or 6+s years old,
		// a year more after a late start, two more in a special school.
		grade := c.orgs[*cl.ParentID]
		spec := specs[school.SchoolType]
		stage := spec.stage0 + grade.GradeYear - 1
		sy := c.cfg.Today.Year
		if c.cfg.Today.Month < time.September {
			sy--
		}
		age := sy - p.Birth.Year
		if p.Birth.Month >= time.September {
			age--
		}
		if age < 5+stage || age > 7+stage+spec.extraAge {
			c.errorf("student %d born %v is %d in %s %s", p.ID, p.Birth, age, school.Name, grade.Name)
		}
		if p.DormRoomID != nil {
			c.boarders++
			room := c.places[*p.DormRoomID]
			if room == nil || room.Kind != cg.PlaceDormRoom || room.SchoolID != p.SchoolID || !school.Boarding {
				c.errorf("student %d: dorm room %d", p.ID, *p.DormRoomID)
			}
			bk := fmt.Sprint(room.ID, "/", p.Bed)
			if p.Bed == "" || c.beds[bk] {
				c.errorf("student %d: bed %q in room %d taken", p.ID, p.Bed, room.ID)
			}
			c.beds[bk] = true
			c.occupied[room.ID]++
			if c.occupied[room.ID] > room.Beds {
				c.errorf("room %d: more than %d students", room.ID, room.Beds)
			}
		} else if p.Boarding {
			c.errorf("student %d boards without a room", p.ID)
		}
		if p.BusRouteID != nil {
			c.riders++
		}
	}
}

// finish checks what can be checked only at the end.
func (c *checker) finish(sum Summary) {
	c.tb.Helper()
	if sum != c.count {
		c.tb.Errorf("Generate() summary = %+v, counted %+v", sum, c.count)
	}
	for s, n := range c.perStud {
		if n < 1 || n > 2 {
			c.tb.Errorf("student %d has %d guardians", s, n)
		}
	}
	if len(c.perStud) != c.count.Students {
		c.tb.Errorf("%d students have guardians, want all %d", len(c.perStud), c.count.Students)
	}
}

func generate(tb testing.TB, cfg Config) (*checker, Summary) {
	tb.Helper()
	c := newChecker(tb, cfg)
	sum, err := Generate(cfg, c.batch)
	if err != nil {
		tb.Fatalf("Generate(%+v) = %v", cfg, err)
	}
	c.finish(sum)
	return c, sum
}

func TestGenerateDefaultCounty(t *testing.T) {
	cfg := Config{Seed: 1, Today: today}
	c, sum := generate(t, cfg)
	t.Logf("summary: %+v", sum)
	t.Logf("roles: %v", c.roles)
	t.Logf("types: %v; boarders %d, riders %d, without ID number %d", c.types, c.boarders, c.riders, c.noID)

	if root := c.orgs[1]; root.Name != "云霄县" || root.Code != "350622" || root.Level != cg.LevelCounty {
		t.Errorf("root = %s %s %s, want 云霄县 350622 county", root.Name, root.Code, root.Level)
	}
	if sum.Regions != 11 {
		t.Errorf("regions = %d, want the county and its 10 towns", sum.Regions)
	}
	if sum.Schools < 90 || sum.Schools > 110 {
		t.Errorf("schools = %d, want 90-110", sum.Schools)
	}
	if sum.Students != DefaultStudents {
		t.Errorf("students = %d, want %d", sum.Students, DefaultStudents)
	}
	if want := float64(DefaultStudents) / 11.5; float64(sum.Staff) < 0.9*want || float64(sum.Staff) > 1.1*want {
		t.Errorf("staff = %d, want %.0f ± 10 %%", sum.Staff, want)
	}
	for _, ty := range cg.SchoolTypes {
		if c.types[ty] == 0 {
			t.Errorf("no %s school", ty)
		}
	}
	if f := float64(c.types[cg.Kindergarten]) / float64(sum.Schools); f < 0.2 || f > 0.3 {
		t.Errorf("kindergartens are %.0f %% of schools, want about 25 %%", 100*f)
	}
	if f := float64(c.types[cg.Primary]) / float64(sum.Schools); f < 0.4 || f > 0.6 {
		t.Errorf("primary schools are %.0f %% of schools, want about 50 %%", 100*f)
	}
	links := len(c.links)
	if f := float64(links) / float64(sum.Students); f < 1.3 || f > 1.5 {
		t.Errorf("guardians per student = %.2f, want about 1.4", f)
	}
	shared := 0
	for _, n := range c.perGuard {
		if n > 1 {
			shared++
		}
	}
	if shared == 0 {
		t.Errorf("no guardian has two children")
	}
	if c.boarders < sum.Students/50 || sum.Routes == 0 || c.riders == 0 {
		t.Errorf("boarders %d, routes %d, riders %d: want some of each", c.boarders, sum.Routes, c.riders)
	}
	if c.noID == 0 || c.noID > sum.Students/100 {
		t.Errorf("%d people without an ID number, want a few", c.noID)
	}
	for _, name := range []string{"云霄县实验小学", "云陵镇中心小学", "云霄县第一中学", "云霄县特殊教育学校", "云霄职业技术学校", "莆美镇中心幼儿园"} {
		found := false
		for _, o := range c.orgs {
			found = found || o.Name == name
		}
		if !found {
			t.Errorf("no school named %s", name)
		}
	}
}

func TestGenerateCity(t *testing.T) {
	longtest.Skip(t, "a 300,000-student city")
	if testing.Short() {
		t.Skip("a 300,000-student city takes a few seconds")
	}
	cfg := Config{Seed: 7, Students: 300000, Today: today}
	c, sum := generate(t, cfg)
	t.Logf("summary: %+v", sum)
	if root := c.orgs[1]; root.Name != "漳州市" || root.Level != cg.LevelCity {
		t.Errorf("root = %s %s, want 漳州市 city", root.Name, root.Level)
	}
	counties := 0
	for _, o := range c.orgs {
		if o.Level == cg.LevelCounty {
			counties++
		}
	}
	if counties != 4 {
		t.Errorf("counties = %d, want 4", counties)
	}
	if sum.Students != cfg.Students {
		t.Errorf("students = %d, want %d", sum.Students, cfg.Students)
	}
}

func TestGenerateSmall(t *testing.T) {
	for _, n := range []int{1, 30, 500, 3000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			_, sum := generate(t, Config{Seed: 3, Students: n, Today: today})
			if sum.Students != n {
				t.Errorf("students = %d, want %d", sum.Students, n)
			}
		})
	}
}

func TestCountyCodes(t *testing.T) {
	codes := map[string]bool{}
	for i := range 150 {
		code, idRegion, key := countyCodes(realCounty{}, 11+i)
		if codes[code] || codes[key] || len(idRegion) != 6 || len(key) != 4 {
			t.Fatalf("county %d: codes %s %s %s", i, code, idRegion, key)
		}
		codes[code], codes[key] = true, true
	}
}

func TestGenerateErrors(t *testing.T) {
	for _, cfg := range []Config{{Students: -1, Today: today}, {Students: 10}} {
		if _, err := Generate(cfg, func(*Batch) error { return nil }); err == nil {
			t.Errorf("Generate(%+v) = nil error", cfg)
		}
	}
	stop := errors.New("stop")
	n := 0
	_, err := Generate(Config{Students: 1000, Today: today}, func(*Batch) error {
		n++
		if n == 3 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 3 {
		t.Errorf("Generate() with a failing emit = %v after %d batches, want stop after 3", err, n)
	}
}

func hash(tb testing.TB, cfg Config) string {
	tb.Helper()
	h := sha256.New()
	enc := json.NewEncoder(h)
	_, err := Generate(cfg, func(b *Batch) error { return enc.Encode(b) })
	if err != nil {
		tb.Fatal(err)
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

func TestGenerateDeterministic(t *testing.T) {
	cfg := Config{Seed: 42, Today: today}
	a, b := hash(t, cfg), hash(t, cfg)
	if a != b {
		t.Errorf("two runs with seed 42 differ: %s, %s", a, b)
	}
	cfg.Seed = 43
	if c := hash(t, cfg); c == a {
		t.Errorf("seeds 42 and 43 give the same county %s", a)
	}
}

func benchmarkGenerate(b *testing.B, students int) {
	for b.Loop() {
		sum, err := Generate(Config{Seed: 1, Students: students, Today: today}, func(*Batch) error { return nil })
		if err != nil || sum.Students != students {
			b.Fatalf("Generate() = %+v, %v", sum, err)
		}
	}
}

func BenchmarkGenerate(b *testing.B) { benchmarkGenerate(b, DefaultStudents) }

func BenchmarkGenerate1M(b *testing.B) {
	if testing.Short() {
		b.Skip("a million students")
	}
	benchmarkGenerate(b, 1000000)
}
