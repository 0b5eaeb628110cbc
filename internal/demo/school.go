package demo

import (
	"math/rand/v2"
	"slices"
	"time"

	cg "campusguard"
)

// slab hands out *int64 values from chunks, so that a school's million
// optional links do not each cost an allocation. Every pointer is distinct.
type slab struct{ buf []int64 }

func (s *slab) ptr(v int64) *int64 {
	if len(s.buf) == cap(s.buf) {
		s.buf = make([]int64, 0, 1024)
	}
	s.buf = append(s.buf, v)
	return &s.buf[len(s.buf)-1]
}

// class is a class of the school being made.
type class struct {
	org   *cg.Org
	grade *cg.Org
	year  int // grade year, from 1
	num   int // class number in the grade, from 1
	size  int
}

// dorms fills dormitory rooms of one sex in order, so that classmates share
// rooms, opening a new room when the last is full.
type dorms struct {
	label string // 男生, 女生
	room  *cg.Place
	rooms int
	used  int
}

// school makes the batch of one school: the school, its grades and classes,
// places, bus routes, staff, students, guardians and who teaches which class.
func (g *generator) school(c *county, p *schoolPlan) *Batch {
	r := g.rng
	spec := specs[p.typ]
	var ptrs slab
	b := &Batch{}
	c.schools++
	code := c.key + string(appendPadded(nil, c.schools, 4))

	s := g.newOrg(p.town.org, cg.KindSchool, p.name, code)
	s.SchoolType = p.typ
	boardFrac := g.boarding(p)
	s.Boarding = boardFrac > 0
	switch {
	case p.town.seat:
		s.Address = c.name + p.town.name + pick(r, roads) + itoa(1+r.IntN(300)) + "号"
	case p.village != "":
		s.Address = c.name + p.town.name + p.village
	default:
		s.Address = c.name + p.town.name + pick(r, p.town.villages)
	}
	s.Phone = "0596-8" + string(appendPadded(nil, r.IntN(1_000_000), 6))
	b.Orgs = append(b.Orgs, s)
	schoolID := s.ID

	// Grades and classes.
	gw := make([]float64, len(spec.grades))
	for i := range gw {
		gw[i] = between(r, 0.92, 1.08)
	}
	var classes []*class
	for gi, gs := range apportion(p.students, gw) {
		year := gi + 1
		gcode := code + string(appendPadded(nil, year, 2))
		grade := g.newOrg(s, cg.KindGrade, spec.grades[gi], gcode)
		grade.GradeYear = year
		b.Orgs = append(b.Orgs, grade)
		target := spec.classSize
		if p.typ == cg.Kindergarten {
			target += 5 * (year - 2) // 小班 25, 中班 30, 大班 35
		}
		n := (gs*10 + target*11 - 1) / (target * 11) // classes of at most 1.1 × target
		n = max(1, min(99, n))
		for ci := range n {
			size := gs / n
			if ci < gs%n {
				size++
			}
			o := g.newOrg(grade, cg.KindClass, itoa(ci+1)+"班", gcode+string(appendPadded(nil, ci+1, 2)))
			b.Orgs = append(b.Orgs, o)
			classes = append(classes, &class{org: o, grade: grade, year: year, num: ci + 1, size: size})
		}
	}

	// Places: a classroom per class, canteens, toilets, the observation
	// room and the gates; dormitory rooms are opened as boarders arrive.
	addPlace := func(kind cg.PlaceKind, name string, beds int, classID *int64) *cg.Place {
		pl := &cg.Place{ID: g.nextPl, RegionID: 1, SchoolID: schoolID, Kind: kind, Name: name, Beds: beds, ClassID: classID}
		g.nextPl++
		b.Places = append(b.Places, pl)
		return pl
	}
	for _, cl := range classes {
		addPlace(cg.PlaceClassroom, cl.grade.Name+cl.org.Name+"教室", 0, ptrs.ptr(cl.org.ID))
	}
	if p.students >= 2000 {
		addPlace(cg.PlaceCanteen, "第一食堂", 0, nil)
		addPlace(cg.PlaceCanteen, "第二食堂", 0, nil)
	} else {
		addPlace(cg.PlaceCanteen, "食堂", 0, nil)
	}
	for i := range 2 + len(classes)/8 {
		addPlace(cg.PlaceToilet, itoa(i+1)+"号厕所", 0, nil)
	}
	addPlace(cg.PlaceObservation, "隔离观察室", 0, nil)
	gates := 1
	switch {
	case p.students >= 1500:
		gates = 3
	case p.students >= 400:
		gates = 2
	}
	for _, name := range []string{"正校门", "东校门", "北校门"}[:gates] {
		addPlace(cg.PlaceGate, name, 0, nil)
	}

	// Bus routes, named after the villages they serve.
	type route struct {
		r       *cg.BusRoute
		village string
	}
	var routes []route
	if g.hasBus(p) {
		n := max(1, min(4, (p.students/5+44)/45))
		perm := r.Perm(len(p.town.villages))
		for i := range min(n, len(perm)) {
			v := p.town.villages[perm[i]]
			rt := &cg.BusRoute{ID: g.nextRt, RegionID: 1, SchoolID: schoolID, Name: villageShort(v) + "线", Plate: g.plate()}
			g.nextRt++
			b.Routes = append(b.Routes, rt)
			routes = append(routes, route{rt, v})
		}
	}

	// Staff, in the order of their numbers.
	nStaff := 0
	newPerson := func(kind cg.PersonKind) *cg.Person {
		pe := &cg.Person{ID: g.nextPer, RegionID: 1, SchoolID: schoolID, Kind: kind, Active: true, CreatedAt: g.now, UpdatedAt: g.now}
		g.nextPer++
		b.People = append(b.People, pe)
		return pe
	}
	addStaff := func(role cg.StaffRole, pMale float64, ageLo, ageHi int) *cg.Person {
		pe := newPerson(cg.Staff)
		nStaff++
		male := chance(r, pMale)
		pe.Name = g.names.pick(r) + adultName(r, male)
		g.identity(pe, male, g.cfg.Today.AddDays(-ageLo*365-r.IntN((ageHi-ageLo)*365)), 0.75, c)
		pe.Phone = g.phones.next()
		pe.Number = "G" + string(appendPadded(nil, nStaff, 4))
		pe.Role = role
		tw := p.town
		if !tw.seat && chance(r, 0.35) {
			tw = c.towns[0] // teachers often live in the county seat
		}
		pe.Town, pe.Village = tw.name, pick(r, tw.villages)
		return pe
	}
	femaleTeachers := map[cg.SchoolType]float64{
		cg.Kindergarten: 0.96, cg.Primary: 0.72, cg.Junior: 0.58, cg.Senior: 0.48, cg.Vocational: 0.5, cg.Special: 0.7,
	}[p.typ]

	s.Principal = addStaff(cg.RoleOtherStaff, 0.7, 40, 58).Name
	for range min(2, p.students/500) { // vice principals, office
		addStaff(cg.RoleOtherStaff, 0.6, 30, 58)
	}
	var teachingPool []int64
	for _, cl := range classes {
		pe := addStaff(cg.RoleClassTeacher, 1-femaleTeachers, 23, 55)
		pe.ClassID = ptrs.ptr(cl.org.ID)
		cl.org.HeadTeacherID = ptrs.ptr(pe.ID)
		teachingPool = append(teachingPool, pe.ID)
	}
	teachers := max(3, int(float64(len(classes))*spec.teaching+0.5)-len(classes))
	for range teachers {
		pe := addStaff(cg.RoleTeacher, 1-femaleTeachers, 23, 59)
		teachingPool = append(teachingPool, pe.ID)
	}
	addStaff(cg.RoleHealthOfficer, 0.3, 25, 55)
	canteen := max(1, (p.students+150)/300)
	if s.Boarding {
		canteen = max(2, (p.students+60)/120)
	}
	for range canteen {
		addStaff(cg.RoleCanteen, 0.4, 28, 55)
	}
	security := gates + 1
	if s.Boarding {
		security++
	}
	for range security {
		addStaff(cg.RoleSecurity, 0.9, 30, 60)
	}
	for range max(1, (p.students+175)/350) {
		addStaff(cg.RoleCleaner, 0.2, 35, 60)
	}
	for _, rt := range routes {
		pe := addStaff(cg.RoleDriver, 0.97, 30, 58)
		pe.BusRouteID = ptrs.ptr(rt.r.ID)
		rt.r.DriverID = ptrs.ptr(pe.ID)
	}
	if p.typ == cg.Kindergarten {
		for range classes { // 保育员: one per class
			addStaff(cg.RoleOtherStaff, 0.02, 25, 58)
		}
	}

	// Students, class by class.
	beds := 8
	if p.typ == cg.Senior || p.typ == cg.Vocational || p.typ == cg.Special || chance(r, 0.3) {
		beds = 6
	}
	boys, girls := &dorms{label: "男生"}, &dorms{label: "女生"}
	bed := func(d *dorms) (*int64, string) {
		if d.room == nil || d.used == beds {
			i := d.rooms
			d.rooms++
			name := d.label + "宿舍" + itoa(i/60+1) + "号楼" + itoa((i%60)/12+1) + string(appendPadded(nil, i%12+1, 2)) + "室"
			d.room = addPlace(cg.PlaceDormRoom, name, beds, nil)
			d.used = 0
		}
		d.used++
		return ptrs.ptr(d.room.ID), itoa(d.used)
	}
	for _, cl := range classes {
		entry := g.sy - (cl.year - 1)
		prefix := string(appendPadded(appendPadded(nil, entry, 4), cl.num, 2))
		for i := range cl.size {
			pe := newPerson(cg.Student)
			pe.ClassID = ptrs.ptr(cl.org.ID)
			pe.Number = prefix + string(appendPadded(nil, i+1, 2))
			male := chance(r, 0.53)
			if boardFrac > 0 && (p.typ != cg.Primary || cl.year >= 3) && chance(r, boardFrac) {
				pe.Boarding = true
				d := girls
				if male {
					d = boys
				}
				pe.DormRoomID, pe.Bed = bed(d)
			}
			tw := p.town
			if tw.seat && chance(r, 0.35) {
				tw = g.pickTown(c)
			}
			var rt *route
			if len(routes) > 0 && !pe.Boarding && chance(r, 0.2) {
				rt = &routes[r.IntN(len(routes))]
				pe.BusRouteID = ptrs.ptr(rt.r.ID)
			}
			fam := g.family(b, tw, cl.grade.ID, rt == nil)
			if rt != nil {
				fam.village = rt.village
			}
			for _, gr := range fam.guardians {
				b.Links = append(b.Links, GuardianLink{GuardianID: gr.id, StudentID: pe.ID, Relation: gr.relation})
			}
			pe.Name = fam.surname + childName(r, male)
			pe.Town, pe.Village = tw.name, fam.village

			stage := spec.stage0 + cl.year - 1
			born := g.sy - 6 - stage
			if chance(r, 0.04) {
				born-- // started late or repeated a year
			}
			if spec.extraAge > 0 {
				born -= r.IntN(spec.extraAge + 1)
			}
			from := cg.Date{Year: born, Month: time.September, Day: 1}
			days := int(cg.Date{Year: born + 1, Month: time.September, Day: 1}.Time().Sub(from.Time()) / (24 * time.Hour))
			pNoID := 0.003
			if p.typ == cg.Kindergarten {
				pNoID = 0.01
			}
			g.identity(pe, male, from.AddDays(r.IntN(days)), 0.93, c)
			if chance(r, pNoID) {
				pe.IDNumber = ""
			}
		}
	}
	if boys.rooms > 0 {
		boys.used = beds
		bed(boys) // a spare room
	}
	if girls.rooms > 0 {
		girls.used = beds
		bed(girls)
	}

	// Who teaches which class: the class teacher and 3 to 6 others.
	for _, cl := range classes {
		head := *cl.org.HeadTeacherID
		b.Teaching = append(b.Teaching, Teaching{ClassID: cl.org.ID, StaffID: head})
		k := min(3+r.IntN(4), len(teachingPool)-1)
		var chosen [7]int64
		chosen[0] = head
		for n := 1; n <= k; {
			id := teachingPool[r.IntN(len(teachingPool))]
			dup := false
			for _, x := range chosen[:n] {
				dup = dup || x == id
			}
			if !dup {
				chosen[n] = id
				n++
				b.Teaching = append(b.Teaching, Teaching{ClassID: cl.org.ID, StaffID: id})
			}
		}
	}

	g.sum.Schools++
	g.sum.Grades += len(spec.grades)
	g.sum.Classes += len(classes)
	g.sum.Places += len(b.Places)
	g.sum.Routes += len(b.Routes)
	g.sum.Students += p.students
	g.sum.Staff += nStaff
	g.sum.Guardians += len(b.Guardians)
	return b
}

// identity sets a person's sex, birth date and, usually, ID number. pLocal is
// the chance that the ID number was issued in the county itself.
func (g *generator) identity(pe *cg.Person, male bool, birth cg.Date, pLocal float64, c *county) {
	region := c.idRegion
	if !chance(g.rng, pLocal) {
		region = pick(g.rng, otherBirthplaces)
	}
	pe.Gender = cg.Female
	if male {
		pe.Gender = cg.Male
	}
	pe.Birth = birth
	pe.IDNumber = g.ids.make(region, birth, male)
}

// boarding decides whether a school boards and returns the share of its
// students (of the eligible grades) who do; 0 for a day school.
func (g *generator) boarding(p *schoolPlan) float64 {
	r := g.rng
	rural := !p.town.seat
	switch p.typ {
	case cg.Senior:
		if p.tier == tierCounty || chance(r, 0.8) {
			return between(r, 0.75, 0.92)
		}
	case cg.Junior:
		pb := 0.1
		if rural && p.tier == tierCentral {
			pb = 0.6
		} else if rural {
			pb = 0.3
		}
		if chance(r, pb) {
			return between(r, 0.35, 0.6)
		}
	case cg.Vocational:
		return between(r, 0.55, 0.75)
	case cg.Special:
		return between(r, 0.35, 0.55)
	case cg.Primary:
		pb := 0.0
		if rural && p.tier == tierCentral {
			pb = 0.35
		} else if rural {
			pb = 0.08
		}
		if chance(r, pb) {
			return between(r, 0.15, 0.3)
		}
	}
	return 0
}

// hasBus decides whether a school runs bus routes: many rural kindergartens,
// primary and junior schools do.
func (g *generator) hasBus(p *schoolPlan) bool {
	if p.town.seat {
		return false
	}
	switch p.typ {
	case cg.Kindergarten, cg.Primary, cg.Junior:
		if p.tier == tierCentral {
			return chance(g.rng, 0.75)
		}
		return chance(g.rng, 0.55)
	}
	return false
}

// plate returns a new Zhangzhou number plate, 闽E·xxxxx.
func (g *generator) plate() string {
	for {
		buf := []byte("闽E·")
		if chance(g.rng, 0.5) {
			buf = append(buf, plateLetters[g.rng.IntN(len(plateLetters))])
			buf = appendPadded(buf, g.rng.IntN(10000), 4)
		} else {
			buf = appendPadded(buf, g.rng.IntN(100000), 5)
		}
		if s := string(buf); !g.plates[s] {
			g.plates[s] = true
			return s
		}
	}
}

// family returns the household of a new student of grade gradeID living in
// town tw: now and then, when mayShare, that of a sibling in another grade,
// otherwise a new one whose guardians join batch b.
func (g *generator) family(b *Batch, tw *town, gradeID int64, mayShare bool) *family {
	r := g.rng
	if mayShare && chance(r, 0.15) {
		if f := tw.families[r.IntN(familyRing)]; f != nil && len(f.grades) < 3 && !slices.Contains(f.grades, gradeID) {
			f.grades = append(f.grades, gradeID)
			return f
		}
	}
	f := &family{surname: g.names.pick(r), motherSurname: g.names.pick(r), village: pick(r, tw.villages), grades: []int64{gradeID}}
	first := relation(r)
	rels := []string{first}
	if chance(r, 0.4) {
		rels = append(rels, partner(r, first))
	}
	for _, rel := range rels {
		var name string
		switch rel {
		case "父亲":
			name = f.surname + adultName(r, true)
		case "母亲":
			name = f.motherSurname + adultName(r, false)
		case "祖父":
			name = f.surname + elderName(r, true)
		case "祖母", "外祖母":
			name = g.names.pick(r) + elderName(r, false)
		case "外祖父":
			name = f.motherSurname + elderName(r, true)
		case "叔叔":
			name = f.surname + adultName(r, true)
		case "姑姑":
			name = f.surname + adultName(r, false)
		case "舅舅":
			name = f.motherSurname + adultName(r, true)
		default: // 姨妈
			name = f.motherSurname + adultName(r, false)
		}
		gd := &cg.Guardian{ID: g.nextGu, RegionID: 1, Name: name, Phone: g.phones.next(), Relation: rel}
		g.nextGu++
		b.Guardians = append(b.Guardians, gd)
		f.guardians = append(f.guardians, guardianRef{gd.ID, rel})
	}
	tw.families[tw.nextFam%familyRing] = f
	tw.nextFam++
	return f
}

// relation draws who a student's first guardian is: mostly a parent, often a
// grandparent for children whose parents work away from home.
func relation(r *rand.Rand) string {
	x := r.Float64()
	switch {
	case x < 0.50:
		return "母亲"
	case x < 0.82:
		return "父亲"
	case x < 0.89:
		return "祖母"
	case x < 0.94:
		return "祖父"
	case x < 0.97:
		return "外祖母"
	case x < 0.985:
		return "外祖父"
	case x < 0.99:
		return "姑姑"
	case x < 0.994:
		return "叔叔"
	case x < 0.997:
		return "舅舅"
	}
	return "姨妈"
}

// partner returns the second guardian's relation given the first.
func partner(r *rand.Rand, first string) string {
	switch first {
	case "母亲":
		if r.Float64() < 0.9 {
			return "父亲"
		}
		return "外祖母"
	case "父亲":
		if r.Float64() < 0.9 {
			return "母亲"
		}
		return "祖母"
	case "祖母":
		return "祖父"
	case "祖父":
		return "祖母"
	case "外祖母":
		return "外祖父"
	case "外祖父":
		return "外祖母"
	}
	return "祖母"
}
