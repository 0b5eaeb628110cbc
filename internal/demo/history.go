package demo

import (
	"math/rand/v2"
	"time"

	"campusguard"
)

// historyState is what the daily history needs across schools.
type historyState struct {
	rng      *rand.Rand
	days     []campusguard.Date // school days, oldest first
	nextID   int64
	outbreak bool // the outbreak class has been chosen
	// Data quality (issue 17): the class whose teacher types 36.5 for
	// everyone, and the village school whose last morning was recorded
	// offline and arrived late; chosen once each.
	uniform, late bool
}

// schoolDays returns the school days among the n days before today:
// weekdays, less one day off for the school sports meet, which it returns
// too (zero when the history is too short to hold it).
func schoolDays(today campusguard.Date, n int) (days []campusguard.Date, off campusguard.Date) {
	for d := today.AddDays(-n); d.Before(today); d = d.AddDays(1) {
		wd := d.Time().Weekday()
		if wd == time.Saturday || wd == time.Sunday {
			continue
		}
		if off.IsZero() && wd == time.Wednesday && !d.Before(today.AddDays(-n+9)) {
			off = d // 运动会停课
			continue
		}
		days = append(days, d)
	}
	return days, off
}

// calendar is every county's calendar: the history's day off, and the
// next New Year's Day when it falls on a weekday.
func (g *generator) calendar(regions []*campusguard.Org) []campusguard.CalendarDay {
	var days []campusguard.CalendarDay
	if g.cfg.HistoryDays > 0 {
		if _, off := schoolDays(g.cfg.Today, g.cfg.HistoryDays); !off.IsZero() {
			days = append(days, campusguard.CalendarDay{Day: off, Kind: campusguard.DayOff, Name: "运动会停课"})
		}
	}
	newYear := campusguard.Date{Year: g.cfg.Today.Year + 1, Month: time.January, Day: 1}
	if wd := newYear.Time().Weekday(); wd != time.Saturday && wd != time.Sunday {
		days = append(days, campusguard.CalendarDay{Day: newYear, Kind: campusguard.DayOff, Name: "元旦"})
	}
	var out []campusguard.CalendarDay
	for _, o := range regions {
		if o.ParentID != nil {
			continue
		}
		for _, d := range days {
			d.RegionID = o.ID
			out = append(out, d)
		}
	}
	return out
}

// outbreakCases are the new cases by day over the last school days of the
// history, in the outbreak class: a cluster that grows and fades.
var outbreakCases = []int{1, 1, 2, 3, 2, 1}

// history adds the school's daily checks to b: for every student and school
// day a guardian's home report (about 97 % report), an absence now and then
// (four in ten for illness), a rare symptom; and in the first primary class
// generated, an outbreak of fever with cough.
func (g *generator) history(b *Batch) {
	if g.cfg.HistoryDays <= 0 {
		return
	}
	if g.hist == nil {
		g.hist = &historyState{rng: rand.New(rand.NewPCG(g.cfg.Seed^0x3c6ef372fe94f82b, 11)),
			nextID: 1}
		g.hist.days, _ = schoolDays(g.cfg.Today, g.cfg.HistoryDays)
	}
	h := g.hist
	var students []*campusguard.Person
	var school *campusguard.Org
	for _, o := range b.Orgs {
		if o.Kind == campusguard.KindSchool {
			school = o
		}
	}
	for _, p := range b.People {
		if p.Kind == campusguard.Student && p.ClassID != nil {
			students = append(students, p)
		}
	}
	if len(students) == 0 || len(h.days) == 0 {
		return
	}
	// Onset day of each outbreak case, by student.
	onset := map[int64]int{}
	if !h.outbreak && school != nil && school.SchoolType == campusguard.Primary {
		h.outbreak = true
		class := *students[0].ClassID
		var inClass []*campusguard.Person
		for _, p := range students {
			if *p.ClassID == class {
				inClass = append(inClass, p)
			}
		}
		k := 0
		first := len(h.days) - len(outbreakCases)
		for i, n := range outbreakCases {
			for j := 0; j < n && k < len(inClass); j++ {
				onset[inClass[k].ID] = first + i
				k++
			}
		}
	}
	// The second primary school's first class reports 36.5 for everyone at
	// the morning check; the next school's last morning arrives
	// three hours late, recorded offline in the mountains.
	var uniformClass int64
	lateSchool := false
	if school != nil && len(onset) == 0 && h.outbreak {
		switch {
		case !h.uniform && school.SchoolType == campusguard.Primary:
			h.uniform, uniformClass = true, *students[0].ClassID
		case h.uniform && !h.late:
			h.late, lateSchool = true, true
		}
	}
	for di, day := range h.days {
		for _, p := range students {
			if o, ok := onset[p.ID]; ok && di >= o {
				switch {
				case di == o: // onset: the family reports the fever
					t := 38.0 + float64(h.rng.IntN(13))/10
					sym := []campusguard.Symptom{campusguard.SymFever, campusguard.SymCough}
					if h.rng.IntN(2) == 0 {
						sym = append(sym, campusguard.SymSoreThroat)
					}
					g.addCheck(b, p, day, campusguard.HomeCheck, &t, sym, "", "")
					continue
				case di <= o+3: // then kept at home
					g.addCheck(b, p, day, campusguard.MorningCheck, nil, nil, campusguard.Absent, campusguard.AbsentIll)
					continue
				}
			}
			r := h.rng.Float64()
			switch {
			case r < 0.006:
				g.addCheck(b, p, day, campusguard.MorningCheck, nil, nil, campusguard.Absent, campusguard.AbsentIll)
			case r < 0.015:
				g.addCheck(b, p, day, campusguard.MorningCheck, nil, nil, campusguard.Absent, campusguard.AbsentPersonal)
			case r < 0.045:
				// no report this morning
			default:
				t := 36.0 + float64(h.rng.IntN(11))/10
				var sym []campusguard.Symptom
				if h.rng.IntN(400) == 0 {
					sym = []campusguard.Symptom{[]campusguard.Symptom{campusguard.SymCough, campusguard.SymHeadache, campusguard.SymFatigue}[h.rng.IntN(3)]}
				}
				g.addCheck(b, p, day, campusguard.HomeCheck, &t, sym, "", "")
				if lateSchool && di == len(h.days)-1 {
					c := b.Checks[len(b.Checks)-1]
					c.ReceivedAt = time.Date(day.Year, day.Month, day.Day, 10, 15, 0, 0, campusguard.China).UTC()
				}
				if *p.ClassID == uniformClass {
					t := 36.5
					g.addCheck(b, p, day, campusguard.MorningCheck, &t, nil, campusguard.Present, "")
				}
			}
		}
	}
}

func (g *generator) addCheck(b *Batch, p *campusguard.Person, day campusguard.Date, kind campusguard.CheckKind, temp *float64,
	sym []campusguard.Symptom, att campusguard.Attendance, reason campusguard.AbsenceReason) {
	h := g.hist
	at := time.Date(day.Year, day.Month, day.Day, 6, 30+h.rng.IntN(60), 0, 0, campusguard.China).UTC()
	by := "家长"
	if kind.ClassCheck() {
		by, at = "班主任", time.Date(day.Year, day.Month, day.Day, 8, h.rng.IntN(20), 0, 0, campusguard.China).UTC()
	}
	if sym == nil {
		sym = []campusguard.Symptom{}
	}
	c := &campusguard.Check{ID: h.nextID, RegionID: p.RegionID, PersonID: p.ID, SchoolID: p.SchoolID, ClassID: p.ClassID,
		Day: day, Kind: kind, At: at, Temperature: temp, Symptoms: sym, Attendance: att, AbsenceReason: reason,
		ClientKey: "demo-" + itoa(int(h.nextID)), Version: 1, Current: true, ReportedBy: by}
	c.Evaluate(campusguard.DefaultFeverThreshold)
	h.nextID++
	b.Checks = append(b.Checks, c)
}
