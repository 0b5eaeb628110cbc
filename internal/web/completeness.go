package web

import (
	"context"
	"strconv"

	"campusguard"
)

// dayFigures is one child's figures of today in the table of a region's
// children or of a school's classes.
type dayFigures struct {
	Expected      int
	Reported      int
	Fever         int
	IllAbsent     int
	OpenFollowUps int
	// Percent is the share of expected students who reported, rounded
	// down, so that only a complete day reads "100%"; "" when NoStudents.
	Percent    string
	NoStudents bool // nobody is expected: no share to show, nothing late
	// Late is set for a day under 100 % after the report deadline.
	Late bool
}

// newDayFigures returns r's figures as the tables show them; past says
// whether today's report deadline has passed.
func newDayFigures(r campusguard.Rollup, past bool) *dayFigures {
	f := &dayFigures{Expected: r.Expected, Reported: r.Reported, Fever: r.Fever, IllAbsent: r.IllAbsent,
		OpenFollowUps: r.OpenFollowUps, NoStudents: r.Expected <= 0}
	if !f.NoStudents {
		pct := min(r.Reported*100/r.Expected, 100)
		f.Percent = strconv.Itoa(pct) + "%"
		f.Late = past && r.Reported < r.Expected
	}
	return f
}

// pastDeadline reports whether today's reports of the org node are
// overdue now: by its school's report deadline (a class's school), or its
// top-level region's for a region; the product's default when the reader
// may not read them.
func (s *Server) pastDeadline(ctx context.Context, o *campusguard.Org) bool {
	d := campusguard.DefaultDeadlines
	if s.Policy != nil {
		id := o.RegionID
		if o.Kind != campusguard.KindRegion {
			id = o.ID // a school, or a grade or class of it
		}
		if sd, err := s.Policy.SchoolDeadlines(ctx, id); err == nil {
			d = sd.Deadlines
		}
	}
	if day := s.dayOf(ctx); day != s.today() {
		return day.Before(s.today()) // a past school day: whoever did not report is late
	}
	return d.ReportsLate(s.today(), s.Now())
}

// addChildFigures gives each row of a region's list today's figures: the
// region's direct children, or with a filter the schools found anywhere
// below it. Without the health service the list keeps only its counts.
func (s *Server) addChildFigures(ctx context.Context, o *campusguard.Org, v *regionView) error {
	if s.Health == nil || len(v.Children) == 0 {
		return nil
	}
	day := s.dayOf(ctx)
	// Rows carry their node's URL, which names it as well as an id.
	byURL := map[string]campusguard.Rollup{}
	if v.Filtered {
		days, err := s.Health.SchoolDays(ctx, o.ID, day)
		if err != nil {
			return err
		}
		for _, d := range days {
			byURL[orgURL(d.SchoolID)] = d.Rollup
		}
	} else {
		rs, err := s.Health.ChildRollups(ctx, o.ID, day)
		if err != nil {
			return err
		}
		for _, r := range rs {
			byURL[orgURL(r.OrgID)] = r
		}
	}
	past := s.pastDeadline(ctx, o)
	v.Day = day.String()
	for i := range v.Children {
		row := &v.Children[i]
		row.Today = newDayFigures(byURL[row.URL], past)
	}
	return nil
}

// classFigures is the card of a school's classes with today's figures.
type classFigures struct {
	Day  string
	Rows []classFiguresRow
}

// classFiguresRow is one class of a school with today's figures.
type classFiguresRow struct {
	URL   string
	Name  string
	Grade string
	Today *dayFigures
}

// schoolClassFigures reads today's figures of the classes of school o, in
// the order of the school's grades; nil without the health service.
func (s *Server) schoolClassFigures(ctx context.Context, o *campusguard.Org, grades []gradeRow) (*classFigures, error) {
	if s.Health == nil {
		return nil, nil
	}
	day := s.dayOf(ctx)
	rs, err := s.Health.ChildRollups(ctx, o.ID, day)
	if err != nil {
		return nil, err
	}
	byURL := map[string]campusguard.Rollup{}
	for _, r := range rs {
		byURL[orgURL(r.OrgID)] = r
	}
	past := s.pastDeadline(ctx, o)
	c := &classFigures{Day: day.String()}
	for _, g := range grades {
		for _, cl := range g.Classes {
			c.Rows = append(c.Rows, classFiguresRow{URL: cl.URL, Name: cl.Name, Grade: g.Name,
				Today: newDayFigures(byURL[cl.URL], past)})
		}
	}
	return c, nil
}

// figuresRef is what the "figures-cells" template needs: the page, for its
// messages, and one child's figures.
type figuresRef struct {
	P *basePage
	F *dayFigures
}

// FiguresOf returns what the "figures-cells" template needs for f.
func (p *orgPage) FiguresOf(f *dayFigures) figuresRef { return figuresRef{P: &p.basePage, F: f} }
