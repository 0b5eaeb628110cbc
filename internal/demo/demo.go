// Package demo generates a realistic, deterministic demo county: regions,
// schools of every type with their grades, classes, places and bus routes,
// students, staff and guardians. The same Config always gives byte-identical
// output, and the county is emitted one school at a time so that a
// million-student province never sits in memory at once.
package demo

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"campusguard"
)

// DefaultStudents is the size of the demo county when Config.Students is 0.
const DefaultStudents = 70000

// cityThreshold is the size above which the root becomes a city with
// several counties of about countySize students each.
const (
	cityThreshold = 150000
	countySize    = 70000
)

// Config chooses the demo county.
type Config struct {
	Seed     uint64
	Students int              // DefaultStudents when 0
	Today    campusguard.Date // the demo's "today"; birth dates and ID numbers are consistent with it
	// HistoryDays is how many calendar days before Today get daily checks:
	// home reports, absences and an outbreak in one class (0: none).
	HistoryDays int
}

// GuardianLink says that a guardian is the student's 父亲, 母亲, 祖父, 祖母,
// 外祖父, 外祖母, 姑姑, 叔叔, 舅舅 or 姨妈.
type GuardianLink struct {
	GuardianID int64  `json:"guardian_id"`
	StudentID  int64  `json:"student_id"`
	Relation   string `json:"relation"`
}

// Teaching says that a staff member teaches a class.
type Teaching struct {
	ClassID int64 `json:"class_id"`
	StaffID int64 `json:"staff_id"`
}

// Batch is one step of the county: the regions, or one school with
// everything in it. Its rows are meant to be inserted table by table in field
// order, and refer only to rows of the same or earlier batches, except the
// soft links Org.HeadTeacherID and BusRoute.DriverID, which name people of the
// same batch.
type Batch struct {
	Orgs      []*campusguard.Org      `json:"orgs"`
	Places    []*campusguard.Place    `json:"places"`
	Routes    []*campusguard.BusRoute `json:"routes"`
	People    []*campusguard.Person   `json:"people"`
	Guardians []*campusguard.Guardian `json:"guardians"`
	Links     []GuardianLink          `json:"links"`
	Teaching  []Teaching              `json:"teaching"`
	Checks    []*campusguard.Check    `json:"checks,omitempty"`
	// Calendar is the counties' days off, in the regions' batch.
	Calendar []campusguard.CalendarDay `json:"calendar,omitempty"`
}

// Summary counts what Generate emitted.
type Summary struct {
	Regions, Schools, Grades, Classes, Places, Routes, Students, Staff, Guardians int
}

// Generate emits the county batch by batch, the regions first and then one
// batch per school, and returns the totals. IDs start at 1 in every table and
// increase in emission order, so the batches load into an empty database as
// they are. Generate returns the first error of emit, wrapped, and an error
// for a negative Students or a zero Today.
func Generate(cfg Config, emit func(*Batch) error) (Summary, error) {
	if cfg.Students == 0 {
		cfg.Students = DefaultStudents
	}
	if cfg.Students < 0 {
		return Summary{}, fmt.Errorf("demo: students = %d, want > 0", cfg.Students)
	}
	if cfg.Today.IsZero() {
		return Summary{}, errors.New("demo: Config.Today is required")
	}
	g := newGenerator(cfg)
	regions, counties := g.regions()
	regions.Calendar = g.calendar(regions.Orgs)
	if err := emit(regions); err != nil {
		return g.sum, fmt.Errorf("demo: emit regions: %w", err)
	}
	for _, c := range counties {
		for _, p := range g.planSchools(c) {
			b := g.school(c, p)
			g.history(b)
			if err := emit(b); err != nil {
				return g.sum, fmt.Errorf("demo: emit school %s: %w", p.name, err)
			}
		}
		c.towns = nil // families of a finished county are not needed any more
	}
	return g.sum, nil
}

type generator struct {
	cfg     Config
	rng     *rand.Rand
	now     time.Time
	sy      int // the year the current school year began
	sum     Summary
	phones  *phones
	ids     *idNumbers
	names   *surnames
	plates  map[string]bool // looked up only, never ranged over
	nextOrg int64
	nextPl  int64
	nextRt  int64
	nextPer int64
	nextGu  int64
	hist    *historyState
}

func newGenerator(cfg Config) *generator {
	sy := cfg.Today.Year
	if cfg.Today.Month < time.September {
		sy--
	}
	return &generator{
		cfg:     cfg,
		rng:     rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x6a09e667f3bcc909)),
		now:     time.Date(cfg.Today.Year, cfg.Today.Month, cfg.Today.Day, 8, 0, 0, 0, time.UTC),
		sy:      sy,
		phones:  newPhones(cfg.Seed),
		ids:     newIDNumbers(cfg.Seed, cfg.Today),
		names:   newSurnames(),
		plates:  make(map[string]bool),
		nextOrg: 1, nextPl: 1, nextRt: 1, nextPer: 1, nextGu: 1,
	}
}

// county is a county-level region being generated.
type county struct {
	org      *campusguard.Org
	name     string // 云霄县
	short    string // 云霄
	idRegion string // the region code of its residents' ID numbers
	key      string // the first four digits of its school codes
	students int
	towns    []*town
	schools  int // school codes handed out so far
}

// town is a town-level region: where schools sit and people live.
type town struct {
	org      *campusguard.Org
	name     string // 马铺乡
	short    string // 马铺
	seat     bool   // the county seat
	weight   float64
	villages []string
	families [familyRing]*family // recent families, for siblings
	nextFam  int
}

const familyRing = 64

// family is a household whose guardians a sibling may share.
type family struct {
	surname, motherSurname string
	village                string
	guardians              []guardianRef
	grades                 []int64 // the grades of its children, one child each
}

type guardianRef struct {
	id       int64
	relation string
}

func (g *generator) newOrg(parent *campusguard.Org, kind campusguard.OrgKind, name, code string) *campusguard.Org {
	o := &campusguard.Org{ID: g.nextOrg, RegionID: 1, Kind: kind, Name: name, Code: code}
	g.nextOrg++
	if parent == nil {
		o.Path = "/" + itoa(int(o.ID)) + "/"
	} else {
		pid := parent.ID
		o.ParentID = &pid
		o.Path = parent.Path + itoa(int(o.ID)) + "/"
	}
	return o
}

// regions builds the region batch: the county and its towns, or for a big
// demo the city of Zhangzhou with its counties and their towns.
func (g *generator) regions() (*Batch, []*county) {
	b := &Batch{}
	n := g.cfg.Students
	var counties []*county
	if n <= cityThreshold {
		c := g.newCounty(nil, yunxiao, 0)
		c.students = n
		counties = append(counties, c)
	} else {
		root := g.newOrg(nil, campusguard.KindRegion, "漳州市", "350600")
		root.Level = campusguard.LevelCity
		b.Orgs = append(b.Orgs, root)
		k := max(2, (n+countySize/2)/countySize)
		weights := make([]float64, k)
		for i := range k {
			var rc realCounty
			switch {
			case i == 0:
				rc = yunxiao
			case i <= len(zhangzhouCounties):
				rc = zhangzhouCounties[i-1]
			default:
				rc = g.numberedCounty(i + 1)
			}
			counties = append(counties, g.newCounty(root, rc, i))
			weights[i] = between(g.rng, 0.85, 1.15)
		}
		for i, s := range apportion(n, weights) {
			counties[i].students = s
		}
	}
	for _, c := range counties {
		b.Orgs = append(b.Orgs, c.org)
		for _, t := range c.towns {
			b.Orgs = append(b.Orgs, t.org)
		}
	}
	g.sum.Regions = len(b.Orgs)
	return b, counties
}

// numberedCounty makes up the n-th county of a demo city bigger than
// Zhangzhou: 演示12县 with ten towns of made-up names.
func (g *generator) numberedCounty(n int) realCounty {
	rc := realCounty{name: "演示" + itoa(n) + "县", short: "演示" + itoa(n)}
	rc.towns = []string{"城关镇"}
	seen := map[string]bool{"城关镇": true}
	for len(rc.towns) < 10 {
		a, b := pick(g.rng, villageFirst), pick(g.rng, villageSecond)
		name := string([]rune{a, b}) + "镇"
		if a != b && !seen[name] {
			seen[name] = true
			rc.towns = append(rc.towns, name)
		}
	}
	return rc
}

// countyCodes returns the org code, the ID-number region code and the school
// code key of the i-th county (0 is Yunxiao). Made-up counties take the
// unused two-digit codes of Zhangzhou, then codes that cannot be mistaken
// for real ones.
func countyCodes(rc realCounty, i int) (code, idRegion, key string) {
	if rc.code != "" {
		return rc.code, rc.code, "35" + rc.code[4:]
	}
	used := map[string]bool{"00": true, "06": true}
	for _, r := range append([]realCounty{yunxiao}, zhangzhouCounties...) {
		used[r.code[4:]] = true
	}
	j := i - 1 - len(zhangzhouCounties) // 0 for the first made-up county
	for d := 1; d < 100; d++ {
		s := string([]byte{byte('0' + d/10), byte('0' + d%10)})
		if used[s] {
			continue
		}
		if j == 0 {
			return "3506" + s, "3506" + s, "35" + s
		}
		j--
	}
	// Beyond a hundred counties: seven-digit org codes and a school code key
	// that starts with 9; ID numbers share the made-up birthplace 350699.
	k := i % 1000
	return "3506" + string(appendPadded(nil, k, 3)), "350699", "9" + string(appendPadded(nil, k, 3))
}

func (g *generator) newCounty(parent *campusguard.Org, rc realCounty, i int) *county {
	code, idRegion, key := countyCodes(rc, i)
	c := &county{name: rc.name, short: rc.short, idRegion: idRegion, key: key}
	c.org = g.newOrg(parent, campusguard.KindRegion, rc.name, code)
	c.org.Level = campusguard.LevelCounty
	var nStreet, nTown, nXiang, nOther int
	for j, name := range rc.towns {
		var tc int
		switch {
		case strings.HasSuffix(name, "街道"):
			nStreet++
			tc = nStreet
		case strings.HasSuffix(name, "镇"):
			tc = 100 + nTown
			nTown++
		case strings.HasSuffix(name, "乡"):
			tc = 200 + nXiang
			nXiang++
		default:
			tc = 400 + nOther
			nOther++
		}
		t := &town{name: name, short: townShort(name), seat: j == 0}
		t.org = g.newOrg(c.org, campusguard.KindRegion, name, code+string(appendPadded(nil, tc, 3)))
		t.org.Level = campusguard.LevelTown
		t.weight = between(g.rng, 0.7, 1.3)
		if t.seat {
			t.weight = 3.5
		}
		t.villages = g.villages(t.seat)
		c.towns = append(c.towns, t)
	}
	return c
}

func townShort(name string) string {
	for _, suf := range []string{"华侨经济开发区", "畲族乡", "街道", "镇", "乡"} {
		if s, ok := strings.CutSuffix(name, suf); ok && s != "" {
			return s
		}
	}
	return name
}

// villages makes up the villages of a town, or the neighbourhoods and the
// nearby villages of a county seat.
func (g *generator) villages(seat bool) []string {
	n := 12 + g.rng.IntN(9)
	var vs []string
	seen := map[string]bool{}
	if seat {
		for _, i := range g.rng.Perm(len(seatNeighbourhoods))[:8] {
			vs = append(vs, seatNeighbourhoods[i])
		}
		n = 14
	}
	for len(vs) < n {
		a, b := pick(g.rng, villageFirst), pick(g.rng, villageSecond)
		v := string([]rune{a, b}) + "村"
		if a != b && !seen[v] {
			seen[v] = true
			vs = append(vs, v)
		}
	}
	return vs
}

// pickTown draws a town by weight.
func (g *generator) pickTown(c *county) *town {
	sum := 0.0
	for _, t := range c.towns {
		sum += t.weight
	}
	x := g.rng.Float64() * sum
	for _, t := range c.towns {
		x -= t.weight
		if x < 0 {
			return t
		}
	}
	return c.towns[len(c.towns)-1]
}
