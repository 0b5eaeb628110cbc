package web

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"campusguard"
	"campusguard/internal/i18n"
)

// The command view (SPEC §9): a region's or school's dashboard of a day and
// a top-level region's daily briefings.

func lightKey(l campusguard.Light) string { return "dash.light." + string(l) }

var lights = []campusguard.Light{campusguard.LightRed, campusguard.LightYellow, campusguard.LightGreen, campusguard.LightGrey}

// dashDynamicKeys returns the keys the dashboard builds from domain values.
func dashDynamicKeys() []string {
	var keys []string
	for _, l := range lights {
		keys = append(keys, lightKey(l))
	}
	for _, f := range dashFigureKeys {
		keys = append(keys, "dash.fig."+f)
	}
	for _, c := range dashColumns {
		keys = append(keys, "dash.col."+c.key)
	}
	return keys
}

// dashFigureKeys are the day's figures the dashboard compares with the
// school day before, in the order shown.
var dashFigureKeys = []string{"expected", "reported", "missing", "fever", "abnormal", "ill_absent", "absent", "open_followups"}

// dashFigure is one of the day's figures with its change since the school
// day before. The change is said in words and an arrow, its colour only
// repeats it.
type dashFigure struct {
	Key    string // for the test id: dash-KEY
	Label  string
	Value  string
	Rate   string // the share reported, on the reported figure
	Change string // "+3", "−2", "0"; "" without a day before
	Arrow  string // ↑ ↓ →
	Tone   string // good, bad or flat
	Words  string // the change for screen readers
}

// newDashFigures compares today with the day before.
func newDashFigures(l i18n.Lang, today, before campusguard.Rollup, hasBefore bool) []dashFigure {
	value := func(r campusguard.Rollup, k string) int {
		switch k {
		case "expected":
			return r.Expected
		case "reported":
			return r.Reported
		case "missing":
			return r.Missing
		case "fever":
			return r.Fever
		case "abnormal":
			return r.Abnormal
		case "ill_absent":
			return r.IllAbsent
		case "absent":
			return r.Absent
		}
		return r.OpenFollowUps
	}
	var out []dashFigure
	for _, k := range dashFigureKeys {
		v := value(today, k)
		f := dashFigure{Key: k, Label: tr(l, "dash.fig."+k), Value: formatNumber(v)}
		if k == "reported" {
			f.Rate = ratePercent(today)
		}
		if hasBefore {
			d := v - value(before, k)
			higherIsBetter := k == "reported"
			switch {
			case d > 0:
				f.Change, f.Arrow = "+"+formatNumber(d), "↑"
				f.Words = tr(l, "dash.change.up", formatNumber(d))
				f.Tone = "bad"
				if higherIsBetter {
					f.Tone = "good"
				}
			case d < 0:
				f.Change, f.Arrow = "−"+formatNumber(-d), "↓"
				f.Words = tr(l, "dash.change.down", formatNumber(-d))
				f.Tone = "good"
				if higherIsBetter {
					f.Tone = "bad"
				}
			default:
				f.Change, f.Arrow, f.Tone, f.Words = "0", "→", "flat", tr(l, "dash.change.same")
			}
			if k == "expected" {
				f.Tone = "flat"
			}
		}
		out = append(out, f)
	}
	return out
}

// ratePercent is the share of expected students who reported, rounded
// down; "—" when nobody is expected.
func ratePercent(r campusguard.Rollup) string {
	if r.Expected <= 0 {
		return "—"
	}
	return strconv.Itoa(min(r.Reported*100/r.Expected, 100)) + "%"
}

// trendPoint is one school day of the trend, as the chart's script reads it.
type trendPoint struct {
	Day       string  `json:"day"`
	Rate      float64 `json:"rate"` // reported of expected, in percent
	Fever     int     `json:"fever"`
	IllAbsent int     `json:"ill_absent"`
	// For the table.
	RateText string `json:"-"`
	Older    bool   `json:"-"` // outside the last 7 school days
}

// dashRow is one school of a region's dashboard, or one class of a
// school's.
type dashRow struct {
	Name      string
	URL       string // the school's or the class's dashboard
	PageURL   string // the school's or the class's ordinary page
	Grade     string // a class's grade
	Town      string
	TownID    int64
	Type      campusguard.SchoolType
	TypeLabel string
	Light     campusguard.Light
	LightText string
	Expected  int
	Reported  int
	Rate      string
	rate      int // -1 when nobody is expected
	Late      bool
	Fever     int
	IllAbsent int
	Cases     int
	Overdue   int
	Alerts    int
	LowStock  int // supplies low (issue 13)
	Signed    bool

	Items, OverdueItems int // rectification items open, and overdue (issue 12)
	Directives          int // directives not done (issue 12)

	// Env is the ventilation and disinfection compliance over the week
	// before (issue 14), "" for none; EnvLow flags it below 80 %.
	Env    string
	EnvLow bool
}

// dashColumn is a column of the schools table that sorts.
type dashColumn struct {
	key     string
	schools bool // a region's only (town, type, cases, sign-off)
	cases   bool // only for readers of cases
	cmp     func(a, b *dashRow) int
}

var lightOrder = map[campusguard.Light]int{campusguard.LightRed: 0, campusguard.LightYellow: 1, campusguard.LightGreen: 2, campusguard.LightGrey: 3}

var dashColumns = []dashColumn{
	{key: "light", cmp: func(a, b *dashRow) int { return cmp.Compare(lightOrder[a.Light], lightOrder[b.Light]) }},
	{key: "name", cmp: func(a, b *dashRow) int { return naturalCompare(a.Grade+a.Name, b.Grade+b.Name) }},
	{key: "town", schools: true, cmp: func(a, b *dashRow) int { return strings.Compare(a.Town, b.Town) }},
	{key: "type", schools: true, cmp: func(a, b *dashRow) int { return strings.Compare(a.TypeLabel, b.TypeLabel) }},
	{key: "expected", cmp: func(a, b *dashRow) int { return cmp.Compare(a.Expected, b.Expected) }},
	{key: "reported", cmp: func(a, b *dashRow) int { return cmp.Compare(a.Reported, b.Reported) }},
	{key: "rate", cmp: func(a, b *dashRow) int { return cmp.Compare(a.rate, b.rate) }},
	{key: "fever", cmp: func(a, b *dashRow) int { return cmp.Compare(a.Fever, b.Fever) }},
	{key: "ill_absent", cmp: func(a, b *dashRow) int { return cmp.Compare(a.IllAbsent, b.IllAbsent) }},
	{key: "cases", schools: true, cases: true, cmp: func(a, b *dashRow) int { return cmp.Compare(a.Cases, b.Cases) }},
	{key: "overdue", schools: true, cases: true, cmp: func(a, b *dashRow) int { return cmp.Compare(a.Overdue, b.Overdue) }},
	{key: "alerts", schools: true, cases: true, cmp: func(a, b *dashRow) int { return cmp.Compare(a.Alerts, b.Alerts) }},
	{key: "signed", schools: true, cmp: func(a, b *dashRow) int { return cmp.Compare(boolInt(a.Signed), boolInt(b.Signed)) }},
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// sortHead is a header of the table: a link that sorts by its column, the
// other way round when it already does.
type sortHead struct {
	Key   string
	Label string
	URL   string
	Sort  string // "ascending" or "descending" on the sorted column, for aria-sort
	Num   bool
}

// dashboardPage is a region's or school's dashboard of a day.
type dashboardPage struct {
	basePage
	Dash      *campusguard.Dashboard
	Day       string
	Today     bool
	IsRegion  bool
	IsClass   bool
	OrgURL    string
	KindLabel string
	// Self is a school's own line: its light and sign-off.
	Self         *dashRow
	Figures      []dashFigure
	HasBefore    bool
	BeforeDay    string
	Trend        []trendPoint
	Range        int // 7 or 30 school days
	Range7URL    string
	Range30URL   string
	Heads        []sortHead
	Rows         []dashRow       // the page of rows shown
	Students     []studentDayRow // a class's, instead of Rows
	Total        int             // rows before the filter
	Matching     int             // rows the filter keeps, on every page
	Pager        pager
	Towns        []option
	Types        []option
	Filtered     bool
	Cases        bool
	CaseStates   []stateCount
	BriefingsURL string
	Quality      *qualityLink // the data-quality score, for a school or region
	Action       string       // the form's address
	Sort         string
	Reopening    *reopeningCard // issue 11
}

// stateCount is the number of open cases in one state.
type stateCount struct {
	Label string
	N     int
}

// handleDashboard handles "GET /orgs/{id}/dashboard?day=&town=&type=&sort=&range=".
func (s *Server) handleDashboard(w http.ResponseWriter, r *http.Request) error {
	if s.Dashboards == nil {
		return errNotFound
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	o, err := s.Orgs.FindOrgByID(ctx, id)
	if err != nil {
		return err
	}
	if o.Kind != campusguard.KindRegion && o.Kind != campusguard.KindSchool && o.Kind != campusguard.KindClass {
		return errNotFound
	}
	q := r.URL.Query()
	base := s.base(r, "")
	var day campusguard.Date
	if v := q.Get("day"); v != "" {
		if day, err = queryDay(v, s.today()); err != nil {
			return err
		}
	} else {
		day = s.shownDay(ctx, &base, o) // a day off shows the last school day, and says so
	}
	d, err := s.Dashboards.Dashboard(ctx, id, day)
	if err != nil {
		return err
	}
	anc, err := s.Orgs.OrgAncestors(ctx, id)
	if err != nil {
		return err
	}
	p := &dashboardPage{basePage: base, Dash: d, Day: day.String(), Today: day == s.today(),
		IsRegion: o.Kind == campusguard.KindRegion, OrgURL: orgURL(id), Cases: d.Cases, Action: orgURL(id) + "/dashboard"}
	l := p.Lang
	p.Title = tr(l, "dash.title") + " · " + o.Name
	p.KindLabel = orgLabel(l, o)
	p.Crumbs = append(crumbs(anc, o)[:len(anc)], crumb{Name: o.Name, URL: orgURL(id)}, crumb{Name: tr(l, "dash.title")})
	if p.IsRegion && o.ParentID == nil {
		p.BriefingsURL = orgURL(id) + "/briefings"
	}
	if p.Quality, err = s.qualityLink(r.Context(), o); err != nil {
		return err
	}
	p.HasBefore = !d.Yesterday.Day.IsZero() && d.Yesterday.Expected > 0
	if p.HasBefore {
		p.BeforeDay = d.Yesterday.Day.String()
	}
	p.Figures = newDashFigures(l, d.Today, d.Yesterday, p.HasBefore)
	if p.Reopening, err = s.reopeningCard(r.Context(), l, o, day); err != nil {
		return err
	}
	if d.Cases {
		for _, st := range campusguard.CaseStates {
			if n := d.CasesByState[st]; n > 0 {
				p.CaseStates = append(p.CaseStates, stateCount{Label: tr(l, caseStateKey(st)), N: n})
			}
		}
	}

	// The trend: the last 30 calendar days' school days, the last 7 of
	// them shown unless 30 are asked for.
	p.Range = 7
	if q.Get("range") == "30" {
		p.Range = 30
	}
	for i, t := range d.Trend {
		pt := trendPoint{Day: t.Day.String(), Fever: t.Fever, IllAbsent: t.IllAbsent, RateText: ratePercent(t),
			Older: i < len(d.Trend)-7}
		if t.Expected > 0 {
			pt.Rate = float64(t.Reported*1000/t.Expected) / 10
		}
		p.Trend = append(p.Trend, pt)
	}
	p.Range7URL, p.Range30URL = withQuery(r, "range", ""), withQuery(r, "range", "30")

	// The table: a region's schools, a school's classes, or a class's
	// students.
	past := s.pastDeadline(r.Context(), o) || !p.Today
	if o.Kind == campusguard.KindClass {
		p.IsClass = true
		if p.Students, err = s.studentRows(r, l, o, day, d.Cases, past); err != nil {
			return err
		}
		return s.render(w, r, http.StatusOK, "dashboard", p)
	}
	if p.IsRegion {
		p.Rows = s.schoolRows(l, d, past)
		p.Total = len(p.Rows)
		p.filterSchools(r, d)
	} else {
		for _, st := range d.Schools {
			if st.SchoolID == o.ID {
				row := newSchoolRow(l, st, past)
				p.Self = &row
			}
		}
		if p.Rows, err = s.classRows(r, l, o, day, past); err != nil {
			return err
		}
		p.Total = len(p.Rows)
	}
	p.sortRows(r)
	p.pageRows(r)
	return s.render(w, r, http.StatusOK, "dashboard", p)
}

// dashRowsPerPage is the length of a page of the schools or classes
// table: a city has over a thousand schools, read mostly on phones.
const dashRowsPerPage = 50

// pageRows keeps the page of sorted rows that ?offset= asks for; an offset
// past the end shows the last page.
func (p *dashboardPage) pageRows(r *http.Request) {
	p.Matching = len(p.Rows)
	offset := queryOffset(r)
	if offset >= len(p.Rows) && len(p.Rows) > 0 {
		offset = (len(p.Rows) - 1) / dashRowsPerPage * dashRowsPerPage
	}
	page := p.Rows[min(offset, len(p.Rows)):min(offset+dashRowsPerPage, len(p.Rows))]
	p.Pager = newPager(r, offset, dashRowsPerPage, len(page), len(p.Rows))
	p.Rows = page
}

// newSchoolRow is a school's line of the table.
func newSchoolRow(l i18n.Lang, st *campusguard.SchoolStatus, past bool) dashRow {
	f := st.Rollup
	row := dashRow{Name: st.Name, URL: orgURL(st.SchoolID) + "/dashboard", PageURL: orgURL(st.SchoolID), Town: st.Town,
		TownID: st.TownID, Type: st.Type, TypeLabel: tr(l, schoolTypeKey(st.Type)), Light: st.Light,
		LightText: tr(l, lightKey(st.Light)), Expected: f.Expected, Reported: f.Reported, Rate: ratePercent(f), rate: -1,
		Fever: f.Fever, IllAbsent: f.IllAbsent, Cases: st.OpenCases, Overdue: st.OverdueCases, Alerts: st.OpenAlerts, LowStock: st.LowStock,
		Signed: st.Signed, Items: st.OpenItems, OverdueItems: st.OverdueItems, Directives: st.Directives}
	if st.EnvRate != nil {
		row.Env, row.EnvLow = strconv.Itoa(*st.EnvRate)+"%", *st.EnvRate < campusguard.LowEnvRate
	}
	if f.Expected > 0 {
		row.rate = min(f.Reported*100/f.Expected, 100)
		row.Late = past && f.Reported < f.Expected
	}
	return row
}

func (s *Server) schoolRows(l i18n.Lang, d *campusguard.Dashboard, past bool) []dashRow {
	rows := make([]dashRow, 0, len(d.Schools))
	for _, st := range d.Schools {
		rows = append(rows, newSchoolRow(l, st, past))
	}
	return rows
}

// filterSchools keeps the schools of the town and type asked for, and
// lists the choices: the towns the schools are in, and the school types.
func (p *dashboardPage) filterSchools(r *http.Request, d *campusguard.Dashboard) {
	q := r.URL.Query()
	town, _ := strconv.ParseInt(q.Get("town"), 10, 64)
	typ := campusguard.SchoolType(q.Get("type"))
	if !campusguard.ValidSchoolType(typ) {
		typ = ""
	}
	l := p.Lang
	p.Towns = []option{{Value: "", Label: tr(l, "dash.filter.all_towns"), Selected: town == 0}}
	seen := map[int64]bool{}
	for _, st := range d.Schools {
		if st.TownID != 0 && !seen[st.TownID] {
			seen[st.TownID] = true
			p.Towns = append(p.Towns, option{Value: strconv.FormatInt(st.TownID, 10), Label: st.Town, Selected: st.TownID == town})
		}
	}
	slices.SortStableFunc(p.Towns[1:], func(a, b option) int { return naturalCompare(a.Label, b.Label) })
	p.Types = []option{{Value: "", Label: tr(l, "org.filter.all_types"), Selected: typ == ""}}
	for _, t := range campusguard.SchoolTypes {
		p.Types = append(p.Types, option{Value: string(t), Label: tr(l, schoolTypeKey(t)), Selected: t == typ})
	}
	if town == 0 && typ == "" {
		return
	}
	p.Filtered = true
	p.Rows = slices.DeleteFunc(p.Rows, func(row dashRow) bool {
		return town != 0 && row.TownID != town || typ != "" && row.Type != typ
	})
}

// classRows lists a school's classes with the day's figures, in the order
// of their grades.
func (s *Server) classRows(r *http.Request, l i18n.Lang, o *campusguard.Org, day campusguard.Date, past bool) ([]dashRow, error) {
	ctx := r.Context()
	grades, _, err := s.Orgs.FindOrgs(ctx, campusguard.OrgFilter{ParentID: &o.ID, Kind: ptr(campusguard.KindGrade)})
	if err != nil {
		return nil, err
	}
	classes, _, err := s.Orgs.FindOrgs(ctx, campusguard.OrgFilter{Under: &o.ID, Kind: ptr(campusguard.KindClass)})
	if err != nil {
		return nil, err
	}
	byID := map[int64]campusguard.Rollup{}
	if s.Health != nil {
		rs, err := s.Health.ChildRollups(ctx, o.ID, day)
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			byID[r.OrgID] = r
		}
	}
	var rows []dashRow
	for _, g := range grades {
		for _, c := range classes {
			if c.ParentID == nil || *c.ParentID != g.ID {
				continue
			}
			f := byID[c.ID]
			row := dashRow{Name: c.Name, Grade: g.Name, URL: orgURL(c.ID) + "/dashboard", PageURL: orgURL(c.ID), Expected: f.Expected, Reported: f.Reported,
				Rate: ratePercent(f), rate: -1, Fever: f.Fever, IllAbsent: f.IllAbsent, Light: campusguard.LightGrey}
			if f.Expected > 0 {
				row.rate = min(f.Reported*100/f.Expected, 100)
				row.Late = past && f.Reported < f.Expected
				switch {
				case f.Fever > 0:
					row.Light = campusguard.LightRed
				case row.Late:
					row.Light = campusguard.LightYellow
				default:
					row.Light = campusguard.LightGreen
				}
			}
			row.LightText = tr(l, lightKey(row.Light))
			rows = append(rows, row)
		}
	}
	return rows, nil
}

// studentDayRow is one student of a class's dashboard with their day.
type studentDayRow struct {
	Name        string
	Number      string
	URL         string // the person's page; "" for those who may not read it
	Status      string // normal, abnormal, fever, absent_ill, absent_other, missing
	StatusText  string
	Light       campusguard.Light // the dot's colour, which only repeats the word
	Temperature string            // the latest reading of the day, "" without one
	Late        bool              // not reported after the deadline
	CaseURL     string            // the open case, for readers of cases
	CaseState   string
	order       int
}

// studentStatuses are a student's statuses of a day, worst first, with
// the colour of their dot.
var studentStatuses = []struct {
	key   string
	light campusguard.Light
}{
	{"fever", campusguard.LightRed},
	{"abnormal", campusguard.LightYellow},
	{"absent_ill", campusguard.LightYellow},
	{"missing", campusguard.LightGrey},
	{"absent_other", campusguard.LightGrey},
	{"normal", campusguard.LightGreen},
}

// studentStatusKey returns the message key of a student's status.
func studentStatusKey(k string) string {
	switch k {
	case "fever":
		return "dash.status.fever"
	case "abnormal":
		return "dash.status.abnormal"
	case "absent_ill":
		return "dash.status.absent_ill"
	case "absent_other":
		return "dash.status.absent_other"
	case "missing":
		return "dash.status.missing"
	}
	return "dash.status.normal"
}

// studentRows lists a class's active students with their day: what their
// current checks add up to, the latest temperature, and an open case when
// the reader may see cases. The worst come first, then by number.
func (s *Server) studentRows(r *http.Request, l i18n.Lang, o *campusguard.Org, day campusguard.Date, cases, past bool) ([]studentDayRow, error) {
	ctx := r.Context()
	a := campusguard.ActorFrom(ctx)
	students, _, err := s.People.FindPeople(ctx, campusguard.PersonFilter{ClassID: &o.ID, Kind: ptr(campusguard.Student), Limit: 500})
	if err != nil {
		return nil, err
	}
	byPerson := map[int64][]*campusguard.Check{}
	if s.Health != nil {
		checks, _, err := s.Health.FindChecks(ctx, campusguard.CheckFilter{ClassID: &o.ID, Day: &day, Limit: 1000})
		if err != nil {
			return nil, err
		}
		for _, c := range checks { // newest first
			byPerson[c.PersonID] = append(byPerson[c.PersonID], c)
		}
	}
	open := map[int64]*campusguard.Case{}
	if cases && s.Cases != nil {
		cs, _, err := s.Cases.FindCases(ctx, campusguard.CaseFilter{OrgID: &o.ID, Open: true, Limit: 500})
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			if open[c.PersonID] == nil {
				open[c.PersonID] = c
			}
		}
	}
	var rows []studentDayRow
	for _, p := range students {
		if !p.Active {
			continue
		}
		checks := byPerson[p.ID]
		st := campusguard.SummarizeDay(checks)
		key := "normal"
		switch {
		case st.Fever:
			key = "fever"
		case st.Abnormal:
			key = "abnormal"
		case st.IllAbsent:
			key = "absent_ill"
		case st.Absent:
			key = "absent_other"
		case !st.Reported:
			key = "missing"
		}
		row := studentDayRow{Name: p.Name, Number: p.Number, Status: key, StatusText: tr(l, studentStatusKey(key))}
		for i, ss := range studentStatuses {
			if ss.key == key {
				row.Light, row.order = ss.light, i
			}
		}
		row.Late = key == "missing" && past
		if a.CanPerson(campusguard.ReadPersonFile, p.ID, o.Path) {
			row.URL = personURL(p.ID)
		}
		for _, c := range checks {
			if c.Temperature != nil {
				row.Temperature = formatTemp(c.Temperature)
				break
			}
		}
		if c := open[p.ID]; c != nil {
			row.CaseURL, row.CaseState = caseURL(c.ID), tr(l, caseStateKey(c.State))
		}
		rows = append(rows, row)
	}
	slices.SortStableFunc(rows, func(a, b studentDayRow) int {
		return cmp.Or(cmp.Compare(a.order, b.order), naturalCompare(a.Number, b.Number))
	})
	return rows, nil
}

// sortRows sorts the rows by ?sort= (a column, "-" first for descending;
// by light, worst first, unless asked) and makes the headers' links.
func (p *dashboardPage) sortRows(r *http.Request) {
	key := r.URL.Query().Get("sort")
	desc := strings.HasPrefix(key, "-")
	key = strings.TrimPrefix(key, "-")
	var by *dashColumn
	for i := range dashColumns {
		c := &dashColumns[i]
		if c.schools && !p.IsRegion || c.cases && !p.Cases {
			continue
		}
		if c.key == key {
			by = c
		}
	}
	if by == nil {
		by, desc = &dashColumns[0], false
	}
	p.Sort = by.key
	if desc {
		p.Sort = "-" + by.key
	}
	name := dashColumns[1].cmp
	slices.SortStableFunc(p.Rows, func(a, b dashRow) int {
		c := by.cmp(&a, &b)
		if desc {
			c = -c
		}
		if c == 0 {
			c = name(&a, &b)
		}
		return c
	})
	for _, c := range dashColumns {
		if c.schools && !p.IsRegion || c.cases && !p.Cases {
			continue
		}
		h := sortHead{Key: c.key, Label: tr(p.Lang, "dash.col."+c.key), URL: sortURL(r, c.key),
			Num: c.key != "light" && c.key != "name" && c.key != "town" && c.key != "type" && c.key != "signed"}
		if c.key == by.key {
			if desc {
				h.Sort = "descending"
			} else {
				h.Sort = "ascending"
				h.URL = sortURL(r, "-"+c.key)
			}
		}
		p.Heads = append(p.Heads, h)
	}
}

// sortURL is the address of the table sorted by key, from its first page.
func sortURL(r *http.Request, key string) string {
	q := r.URL.Query()
	q.Set("sort", key)
	q.Del("offset")
	return r.URL.Path + "?" + q.Encode()
}

// withQuery returns the request's address with one query parameter set,
// or removed when v is "".
func withQuery(r *http.Request, k, v string) string {
	q := r.URL.Query()
	if v == "" {
		q.Del(k)
	} else {
		q.Set(k, v)
	}
	if len(q) == 0 {
		return r.URL.Path
	}
	return r.URL.Path + "?" + q.Encode()
}

// HeadOf returns the header of the column key, for the table's template.
func (p *dashboardPage) HeadOf(key string) *sortHead {
	for i := range p.Heads {
		if p.Heads[i].Key == key {
			return &p.Heads[i]
		}
	}
	return nil
}

// handleDashboardHome handles "GET /dashboard": the dashboard of the
// widest node the actor may read, or its page when that is a grade or a
// class.
func (s *Server) handleDashboardHome(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := s.homeOrg(ctx, campusguard.ActorFrom(ctx))
	if err != nil {
		return err
	}
	if id == 0 {
		return seeOther(w, r, "/")
	}
	o, err := s.Orgs.FindOrgByID(ctx, id)
	if err != nil {
		return err
	}
	if s.Dashboards == nil || o.Kind != campusguard.KindRegion && o.Kind != campusguard.KindSchool {
		return seeOther(w, r, orgURL(id))
	}
	return seeOther(w, r, orgURL(id)+"/dashboard")
}

// briefingRegion reads the top-level region id of the path, or NotFound.
func (s *Server) briefingRegion(r *http.Request) (*campusguard.Org, error) {
	if s.Dashboards == nil {
		return nil, errNotFound
	}
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	o, err := s.Orgs.FindOrgByID(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if o.Kind != campusguard.KindRegion || o.ParentID != nil {
		return nil, errNotFound
	}
	return o, nil
}

// canBrief reports whether the actor may generate o's briefings: its
// region admins (and the system), as the store decides.
func canBrief(a *campusguard.Actor, o *campusguard.Org) bool {
	return a != nil && (a.System || a.Can(campusguard.ManageUsers, o.Path))
}

// briefingsPage lists a region's briefings.
type briefingsPage struct {
	basePage
	Org          *campusguard.Org
	Days         []briefingDay
	GenerateURL  string // "" for those who may not
	DashboardURL string
	TodayURL     string
}

// briefingDay is one day a briefing was made for.
type briefingDay struct {
	Day string
	URL string
}

// handleBriefings handles "GET /orgs/{id}/briefings".
func (s *Server) handleBriefings(w http.ResponseWriter, r *http.Request) error {
	o, err := s.briefingRegion(r)
	if err != nil {
		return err
	}
	days, err := s.Dashboards.BriefingDays(r.Context(), o.ID)
	if err != nil {
		return err
	}
	p := &briefingsPage{basePage: s.base(r, "briefing.list.title"), Org: o, DashboardURL: orgURL(o.ID) + "/dashboard"}
	p.Title = p.Title + " · " + o.Name
	p.Crumbs = []crumb{{Name: o.Name, URL: orgURL(o.ID)}, {Name: tr(p.Lang, "briefing.list.title")}}
	for _, d := range days {
		p.Days = append(p.Days, briefingDay{Day: d.String(), URL: briefingURL(o.ID, d)})
	}
	if canBrief(p.actor, o) {
		p.GenerateURL = orgURL(o.ID) + "/briefings"
	}
	p.TodayURL = briefingURL(o.ID, s.today())
	return s.render(w, r, http.StatusOK, "briefings", p)
}

func briefingURL(id int64, d campusguard.Date) string {
	return orgURL(id) + "/briefings/" + d.String()
}

// handleBriefingCreate handles "POST /orgs/{id}/briefings": today's
// briefing, made anew, then shown.
func (s *Server) handleBriefingCreate(w http.ResponseWriter, r *http.Request) error {
	o, err := s.briefingRegion(r)
	if err != nil {
		return err
	}
	day := s.today()
	if _, err := s.Dashboards.GenerateBriefing(r.Context(), o.ID, day); err != nil {
		return err
	}
	return seeOther(w, r, briefingURL(o.ID, day))
}

// briefingPage is a briefing as a printable page; Briefing nil for a day
// without one.
type briefingPage struct {
	basePage
	Reopening    *reopeningCard // issue 11
	Org          *campusguard.Org
	Day          string
	Briefing     *campusguard.Briefing
	Figures      []dashFigure
	HasBefore    bool
	Cases        bool // the reader may see the alerts and cases
	CaseStates   []stateCount
	NewAlerts    []briefingAlert
	OpenAlerts   []briefingAlert
	Overdue      []briefingCase
	Incomplete   []dashRow
	XLSXURL      string
	ListURL      string
	GenerateURL  string // today's, for region admins
	GeneratedAt  string
	DashboardURL string
}

// briefingAlert is one alert of a briefing.
type briefingAlert struct {
	URL   string
	Rule  string
	Node  string
	State string
	Since string
	Count string
}

// briefingCase is one overdue case of a briefing.
type briefingCase struct {
	URL        string
	Person     string
	State      string
	DetectedAt string
	ReportDue  string
}

// handleBriefingView handles "GET /orgs/{id}/briefings/{day}".
func (s *Server) handleBriefingView(w http.ResponseWriter, r *http.Request) error {
	o, err := s.briefingRegion(r)
	if err != nil {
		return err
	}
	day, err := campusguard.ParseDate(r.PathValue("day"))
	if err != nil {
		return errNotFound
	}
	p := &briefingPage{basePage: s.base(r, "briefing.title"), Org: o, Day: day.String(),
		ListURL: orgURL(o.ID) + "/briefings", DashboardURL: orgURL(o.ID) + "/dashboard?" + url.Values{"day": {day.String()}}.Encode()}
	l := p.Lang
	p.Title = tr(l, "briefing.title") + " · " + o.Name + " · " + p.Day
	p.Crumbs = []crumb{{Name: o.Name, URL: orgURL(o.ID)}, {Name: tr(l, "briefing.list.title"), URL: p.ListURL}, {Name: p.Day}}
	if canBrief(p.actor, o) && day == s.today() {
		p.GenerateURL = orgURL(o.ID) + "/briefings"
	}
	b, err := s.Dashboards.FindBriefing(r.Context(), o.ID, day)
	if campusguard.ErrorCode(err) == campusguard.NotFound {
		return s.render(w, r, http.StatusOK, "briefing", p)
	}
	if err != nil {
		return err
	}
	p.Briefing = b
	p.GeneratedAt = p.Time(b.GeneratedAt)
	p.XLSXURL = "/api/v1/orgs/" + strconv.FormatInt(o.ID, 10) + "/briefings/" + p.Day + "/xlsx?" + url.Values{"lang": {string(l)}}.Encode()
	p.HasBefore = !b.Yesterday.Day.IsZero() && b.Yesterday.Expected > 0
	p.Figures = newDashFigures(l, b.Today, b.Yesterday, p.HasBefore)
	if b.Reopening != nil { // the figures of its day, as generated
		p.Reopening = newReopeningCard(l, o, b.Reopening)
	} else if p.Reopening, err = s.reopeningCard(r.Context(), l, o, day); err != nil {
		return err
	}
	p.Cases = b.CasesByState != nil || b.OpenAlerts != nil || b.Overdue != nil
	for _, st := range campusguard.CaseStates {
		if n := b.CasesByState[st]; n > 0 {
			p.CaseStates = append(p.CaseStates, stateCount{Label: tr(l, caseStateKey(st)), N: n})
		}
	}
	alert := func(a *campusguard.Alert) briefingAlert {
		return briefingAlert{URL: alertURL(a.ID), Rule: tr(l, alertRuleKey(a.Rule)), Node: a.OrgName,
			State: tr(l, alertStateKey(a.State)), Since: a.FirstDay.String(), Count: formatCount(a.Count)}
	}
	for _, a := range b.NewAlerts {
		p.NewAlerts = append(p.NewAlerts, alert(a))
	}
	for _, a := range b.OpenAlerts {
		p.OpenAlerts = append(p.OpenAlerts, alert(a))
	}
	for _, k := range b.Overdue {
		p.Overdue = append(p.Overdue, briefingCase{URL: caseURL(k.ID), Person: k.PersonName, State: tr(l, caseStateKey(k.State)),
			DetectedAt: p.Time(k.DetectedAt), ReportDue: p.Time(k.ReportDue)})
	}
	for _, st := range b.Incomplete {
		p.Incomplete = append(p.Incomplete, newSchoolRow(l, st, true))
	}
	return s.render(w, r, http.StatusOK, "briefing", p)
}
