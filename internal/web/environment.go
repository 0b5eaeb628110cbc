package web

import (
	"net/http"
	"strconv"
	"strings"

	"campusguard"
	"campusguard/internal/i18n"
)

// ---- Environment (issue 14, first part): the caretaker's phone page that
// logs a corridor in a few taps with the school's overdue list, the
// principal's spaces and schedules, the region's compliance ----

func init() {
	routeTable = append(routeTable,
		route{Route: Route{"GET", "/orgs/{id}/environment", false}, h: (*Server).handleEnvironment},
		route{Route: Route{"POST", "/orgs/{id}/environment/logs", false}, h: (*Server).handleEnvLog, ownCSRF: true},
		route{Route: Route{"GET", "/orgs/{id}/spaces", false}, h: (*Server).handleSpaces},
		route{Route: Route{"POST", "/orgs/{id}/spaces", false}, h: (*Server).handleSpaceCreate},
		route{Route: Route{"POST", "/orgs/{id}/spaces/{space}", false}, h: (*Server).handleSpaceUpdate},
		route{Route: Route{"GET", "/orgs/{id}/env-compliance", false}, h: (*Server).handleEnvCompliance},
		route{Route: Route{"POST", "/orgs/{id}/env-schedules", false}, h: (*Server).handleEnvScheduleSet},
	)
}

func environmentURL(id int64) string { return orgURL(id) + "/environment" }
func spacesURL(id int64) string      { return orgURL(id) + "/spaces" }

// environmentDynamicKeys are the keys this file builds from domain values.
func environmentDynamicKeys() []string {
	var keys []string
	for _, k := range campusguard.SpaceKinds {
		keys = append(keys, "env.kind."+string(k))
	}
	for _, t := range campusguard.EnvTasks {
		keys = append(keys, "env.task."+string(t))
	}
	for _, m := range campusguard.DisinfectModes {
		keys = append(keys, "env.mode."+string(m))
	}
	return keys
}

// envFields names the store's fields as these forms label them.
var envFields = map[string]string{"space_ids": "env_spaces", "at": "env_at", "task": "env_task", "file_id": "file",
	"name": "env_space_name", "kind": "env_kind", "class_id": "env_class", "bus_route_id": "env_bus",
	"ventilation": "env_ventilation", "disinfection": "env_disinfection", "uses": "env_uses", "note": "note"}

// environmentLinks adds the environment's links to a node's page: a
// school's log page and spaces, a class's or grade's school's log page
// (a class teacher's way in), a region's compliance.
func (s *Server) environmentLinks(p *orgPage, o *campusguard.Org) {
	if s.Environment == nil || p.actor == nil {
		return
	}
	switch o.Kind {
	case campusguard.KindRegion:
		if p.actor.Can(campusguard.ReadEnvironment, o.Path) {
			p.EnvComplianceURL = orgURL(o.ID) + "/env-compliance"
		}
	case campusguard.KindSchool:
		if p.actor.CanAtSchool(campusguard.ReadEnvironment, o.Path) {
			p.EnvironmentURL = environmentURL(o.ID)
			p.SpacesURL = spacesURL(o.ID)
		}
	case campusguard.KindGrade, campusguard.KindClass:
		ids := o.IDs()
		up := 2 // a grade's school is its parent
		if o.Kind == campusguard.KindClass {
			up = 3
		}
		if len(ids) < up {
			return
		}
		school := ids[len(ids)-up]
		if p.actor.CanAtSchool(campusguard.LogEnvironment, pathOf(ids[:len(ids)-up+1])) {
			p.EnvironmentURL = environmentURL(school)
		}
	}
}

// pathOf writes ids as a materialised path.
func pathOf(ids []int64) string {
	var b strings.Builder
	b.WriteByte('/')
	for _, id := range ids {
		b.WriteString(strconv.FormatInt(id, 10))
		b.WriteByte('/')
	}
	return b.String()
}

// envLogURL is the log page of the first school where the actor logs by a
// school-wide grant, for the user menu ("" for none): a caretaker, who
// reads no org page, finds it there.
func envLogURL(a *campusguard.Actor) string {
	for _, g := range a.Grants {
		switch g.Role {
		case campusguard.SchoolAdmin, campusguard.HealthOffice, campusguard.StaffMember:
			if g.Allows(campusguard.LogEnvironment) {
				return environmentURL(g.OrgID)
			}
		}
	}
	return ""
}

// scheduleText describes a schedule: "通风 3 次 · 每日消毒".
func scheduleText(l i18n.Lang, sc campusguard.Schedule) string {
	v := tr(l, "env.schedule_ventilation", sc.Ventilation)
	if sc.Disinfection == campusguard.DisinfectAfterUse {
		return v + " · " + tr(l, "env.schedule_after_use", sc.Uses)
	}
	return v + " · " + tr(l, "env.schedule_daily")
}

// rateText writes a compliance rate, "—" when nothing was due.
func rateText(f campusguard.EnvFigures) string {
	r, ok := f.Rate()
	if !ok {
		return "—"
	}
	return strconv.Itoa(r) + "%"
}

// ---- The log page ----

type overdueRow struct {
	Name     string
	Task     string
	Done     int
	DueByNow int
	DueToday int
}

type spaceBox struct {
	ID      int64
	Name    string
	Checked bool
	Overdue bool // its ventilation or disinfection is overdue
}

type spaceGroup struct {
	Label  string
	Kind   string
	Spaces []spaceBox
}

type envLogRow struct {
	Time  string
	Space string
	Task  string
	By    string
	Photo string // the photo's thumbnail URL, or ""
}

// envForm is what the log form was given, to show again.
type envForm struct {
	State  formState
	Task   string
	Spaces map[int64]bool
	At     string
	Note   string
}

// environmentPage is a school's page for today: what is overdue, the form
// that logs one task in many spaces at once, and today's logs.
type environmentPage struct {
	basePage
	SchoolName string
	Day        string
	SchoolDay  bool
	DueToday   int
	Done       int
	Missing    int
	Overdue    []overdueRow
	CanLog     bool
	Action     string
	Groups     []spaceGroup
	Tasks      []option
	Form       envForm
	Logs       []envLogRow
	Notice     string
	SpacesURL  string
}

// handleEnvironment handles "GET /orgs/{id}/environment".
func (s *Server) handleEnvironment(w http.ResponseWriter, r *http.Request) error {
	p, err := s.environmentPage(r, envForm{Task: string(campusguard.Ventilation)})
	if err != nil {
		return err
	}
	if n := r.URL.Query().Get("done"); n != "" {
		if v, err := strconv.Atoi(n); err == nil && v > 0 {
			p.Notice = p.T("env.done_logged", v)
		}
	}
	return s.render(w, r, http.StatusOK, "environment", p)
}

func (s *Server) environmentPage(r *http.Request, f envForm) (*environmentPage, error) {
	if s.Environment == nil {
		return nil, errNotFound
	}
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	ov, err := s.Environment.OverdueToday(ctx, id)
	if err != nil {
		return nil, err
	}
	spaces, err := s.Environment.Spaces(ctx, id)
	if err != nil {
		return nil, err
	}
	logs, err := s.Environment.EnvLogs(ctx, id, ov.Day)
	if err != nil {
		return nil, err
	}
	p := &environmentPage{basePage: s.base(r, "page.environment.title"), SchoolName: ov.SchoolName, Day: ov.Day.String(),
		SchoolDay: ov.SchoolDay, DueToday: ov.DueToday, Done: ov.Done, Missing: ov.Missing, Form: f,
		Action: environmentURL(id) + "/logs"}
	p.Crumbs = []crumb{{Name: ov.SchoolName}, {Name: p.Title}}
	a := campusguard.ActorFrom(ctx)
	if len(spaces) > 0 {
		p.CanLog = a.CanAtSchool(campusguard.LogEnvironment, spaces[0].SchoolPath)
		if a.CanAtSchool(campusguard.ManageSpaces, spaces[0].SchoolPath) {
			p.SpacesURL = spacesURL(id)
		}
	} else if a.CanAnywhere(campusguard.ManageSpaces) {
		p.SpacesURL = spacesURL(id) // the spaces page refuses others
	}
	overdue := map[int64]bool{}
	for _, it := range ov.Items {
		overdue[it.SpaceID] = true
		p.Overdue = append(p.Overdue, overdueRow{Name: it.Name, Task: p.T("env.task." + string(it.Task)), Done: it.Done,
			DueByNow: it.DueByNow, DueToday: it.DueToday})
	}
	for _, t := range campusguard.EnvTasks {
		p.Tasks = append(p.Tasks, option{Value: string(t), Label: p.T("env.task." + string(t)), Selected: f.Task == string(t)})
	}
	for _, sp := range spaces {
		if n := len(p.Groups); n == 0 || p.Groups[n-1].Kind != string(sp.Kind) {
			p.Groups = append(p.Groups, spaceGroup{Kind: string(sp.Kind), Label: p.T("env.kind." + string(sp.Kind))})
		}
		g := &p.Groups[len(p.Groups)-1]
		g.Spaces = append(g.Spaces, spaceBox{ID: sp.ID, Name: sp.Name, Checked: f.Spaces[sp.ID], Overdue: overdue[sp.ID]})
	}
	for _, l := range logs {
		row := envLogRow{Time: l.At.In(s.Location).Format("15:04"), Space: l.SpaceName, Task: p.T("env.task." + string(l.Task)), By: l.By}
		if l.FileID != nil {
			row.Photo = "/files/" + strconv.FormatInt(*l.FileID, 10) + "/thumb"
		}
		p.Logs = append(p.Logs, row)
	}
	return p, nil
}

// handleEnvLog handles "POST /orgs/{id}/environment/logs": one task in
// every space ticked, with an optional photo and time; all or none. A
// refused post shows the page again with what was ticked.
func (s *Server) handleEnvLog(w http.ResponseWriter, r *http.Request) error {
	if s.Environment == nil {
		return errNotFound
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	up, err := readMultipart(w, r, id)
	if err == errCSRF || err == errBadForm {
		return err
	}
	f := envForm{Task: r.FormValue("task"), At: strings.TrimSpace(r.FormValue("at")), Note: r.FormValue("note"), Spaces: map[int64]bool{}}
	in := campusguard.EnvLogInput{SchoolID: id, Task: campusguard.EnvTask(f.Task), Note: f.Note}
	for _, v := range r.Form["space"] {
		n, perr := strconv.ParseInt(v, 10, 64)
		if perr != nil {
			return errBadForm
		}
		in.SpaceIDs = append(in.SpaceIDs, n)
		f.Spaces[n] = true
	}
	if err == nil && f.At != "" {
		// A time of today, "HH:MM", for work done earlier.
		c, ok := campusguard.ParseClock(f.At)
		if !ok {
			err = campusguard.InvalidFields([]campusguard.FieldError{{Field: "at", Msg: "error.bad_clock"}})
		}
		in.At = c.On(s.today())
	}
	if err == nil && up != nil {
		// The post is checked before the photo is stored, so a refused one
		// leaves no file behind (the store checks it again).
		err = s.checkEnvLog(r, in)
	}
	if err == nil && up != nil && s.Files != nil {
		var fl *campusguard.File
		if fl, err = s.Files.PutFile(r.Context(), *up); err == nil {
			in.FileID = &fl.ID
		}
	}
	var logs []campusguard.EnvLog
	if err == nil {
		logs, err = s.Environment.LogEnvironment(r.Context(), in)
	}
	if err != nil {
		code := campusguard.ErrorCode(err)
		if code != campusguard.Invalid && code != campusguard.Conflict {
			return err
		}
		p, perr := s.environmentPage(r, f)
		if perr != nil {
			return perr
		}
		return s.renderRefused(w, r, err, p.Lang, &p.Form.State, envFields, "environment", p)
	}
	s.Logger.Info("environment logged", "school", id, "task", in.Task, "spaces", len(logs), "by", campusguard.ActorName(r.Context()))
	return seeOther(w, r, environmentURL(id)+"?done="+strconv.Itoa(len(logs)))
}

// checkEnvLog checks a post against the school's spaces at the pages'
// clock, as the store will.
func (s *Server) checkEnvLog(r *http.Request, in campusguard.EnvLogInput) error {
	spaces, err := s.Environment.Spaces(r.Context(), in.SchoolID)
	if err != nil {
		return err
	}
	byID := map[int64]*campusguard.Space{}
	for _, sp := range spaces {
		byID[sp.ID] = sp
	}
	now := s.Now()
	if in.At.IsZero() {
		in.At = now
	}
	return campusguard.CheckEnvLog(in, byID, now)
}

// ---- Spaces ----

type spaceRow struct {
	ID       int64
	Name     string
	Kind     string
	KindKey  string
	Class    string
	Schedule string
	Own      bool
	Action   string
	Vent     int
	Mode     string
	Uses     int
}

// spaceForm is what the new-space form was given.
type spaceForm struct {
	State   formState
	Kind    string
	Name    string
	ClassID int64
	BusID   int64
}

type spacesPage struct {
	basePage
	SchoolID  int64
	Rows      []spaceRow
	CanManage bool
	Action    string
	Kinds     []option
	Classes   []option
	Buses     []option
	Modes     []option
	Form      spaceForm
	Notice    string
	LogURL    string
	Defaults  string // the region's schedule of each kind, described
}

// handleSpaces handles "GET /orgs/{id}/spaces".
func (s *Server) handleSpaces(w http.ResponseWriter, r *http.Request) error {
	p, err := s.spacesPage(r, spaceForm{Kind: string(campusguard.SpaceClassroom)})
	if err != nil {
		return err
	}
	if r.URL.Query().Get("done") != "" {
		p.Notice = p.T("env.done_saved")
	}
	return s.render(w, r, http.StatusOK, "spaces", p)
}

func (s *Server) spacesPage(r *http.Request, f spaceForm) (*spacesPage, error) {
	if s.Environment == nil {
		return nil, errNotFound
	}
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	spaces, err := s.Environment.Spaces(ctx, id)
	if err != nil {
		return nil, err
	}
	o, err := s.Orgs.FindOrgByID(ctx, id)
	if err != nil {
		return nil, err
	}
	a := campusguard.ActorFrom(ctx)
	p := &spacesPage{basePage: s.base(r, "page.spaces.title"), SchoolID: id, Form: f, Action: spacesURL(id),
		CanManage: a.CanAtSchool(campusguard.ManageSpaces, o.Path), LogURL: environmentURL(id)}
	p.Crumbs = []crumb{{Name: o.Name, URL: orgURL(o.ID)}, {Name: p.Title}}
	for _, sp := range spaces {
		row := spaceRow{ID: sp.ID, Name: sp.Name, Kind: p.T("env.kind." + string(sp.Kind)), KindKey: string(sp.Kind),
			Class: sp.ClassName, Schedule: scheduleText(p.Lang, sp.Schedule), Own: sp.Own != nil,
			Action: spacesURL(id) + "/" + strconv.FormatInt(sp.ID, 10), Vent: sp.Schedule.Ventilation,
			Mode: string(sp.Schedule.Disinfection), Uses: sp.Schedule.Uses}
		p.Rows = append(p.Rows, row)
	}
	for _, k := range campusguard.SpaceKinds {
		p.Kinds = append(p.Kinds, option{Value: string(k), Label: p.T("env.kind." + string(k)), Selected: f.Kind == string(k)})
	}
	for _, m := range campusguard.DisinfectModes {
		p.Modes = append(p.Modes, option{Value: string(m), Label: p.T("env.mode." + string(m))})
	}
	if p.CanManage {
		kind := campusguard.KindGrade
		grades, _, err := s.Orgs.FindOrgs(ctx, campusguard.OrgFilter{ParentID: &id, Kind: &kind, Limit: 100})
		if err != nil {
			return nil, err
		}
		for _, g := range grades {
			ck := campusguard.KindClass
			classes, _, err := s.Orgs.FindOrgs(ctx, campusguard.OrgFilter{ParentID: &g.ID, Kind: &ck, Limit: 200})
			if err != nil {
				return nil, err
			}
			for _, c := range classes {
				p.Classes = append(p.Classes, option{Value: strconv.FormatInt(c.ID, 10), Label: g.Name + " " + c.Name,
					Selected: f.ClassID == c.ID})
			}
		}
		routes, err := s.Orgs.FindBusRoutes(ctx, id)
		if err != nil {
			return nil, err
		}
		for _, rt := range routes {
			p.Buses = append(p.Buses, option{Value: strconv.FormatInt(rt.ID, 10), Label: rt.Name, Selected: f.BusID == rt.ID})
		}
	}
	return p, nil
}

// handleSpaceCreate handles "POST /orgs/{id}/spaces": the principal adds
// a space.
func (s *Server) handleSpaceCreate(w http.ResponseWriter, r *http.Request) error {
	id, err := formPost(r, s.Environment != nil)
	if err != nil {
		return err
	}
	f := spaceForm{Kind: r.PostForm.Get("kind"), Name: strings.TrimSpace(r.PostForm.Get("name"))}
	f.ClassID, _ = strconv.ParseInt(r.PostForm.Get("class_id"), 10, 64)
	f.BusID, _ = strconv.ParseInt(r.PostForm.Get("bus_route_id"), 10, 64)
	sp := &campusguard.Space{SchoolID: id, Kind: campusguard.SpaceKind(f.Kind), Name: f.Name}
	if f.ClassID > 0 && sp.Kind == campusguard.SpaceClassroom {
		sp.ClassID = &f.ClassID
	}
	if f.BusID > 0 && sp.Kind == campusguard.SpaceBus {
		sp.BusRouteID = &f.BusID
	}
	if err := s.Environment.SaveSpace(r.Context(), sp); err != nil {
		return s.spaceFailed(w, r, f, err)
	}
	return seeOther(w, r, spacesURL(id)+"?done=1")
}

// handleSpaceUpdate handles "POST /orgs/{id}/spaces/{space}": a space's
// own schedule, or back to the region's (own absent).
func (s *Server) handleSpaceUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := formPost(r, s.Environment != nil)
	if err != nil {
		return err
	}
	spaceID, err := pathID(r, "space")
	if err != nil {
		return err
	}
	spaces, err := s.Environment.Spaces(r.Context(), id)
	if err != nil {
		return err
	}
	var sp *campusguard.Space
	for _, x := range spaces {
		if x.ID == spaceID {
			sp = x
		}
	}
	if sp == nil {
		return errNotFound
	}
	sp.Own = nil
	if r.PostForm.Get("own") == "true" {
		sc, bad := parseSchedule(r)
		if bad != nil {
			return s.spaceFailed(w, r, spaceForm{Kind: string(campusguard.SpaceClassroom)}, bad)
		}
		sp.Own = &sc
	}
	if err := s.Environment.SaveSpace(r.Context(), sp); err != nil {
		return s.spaceFailed(w, r, spaceForm{Kind: string(campusguard.SpaceClassroom)}, err)
	}
	return seeOther(w, r, spacesURL(id)+"?done=1")
}

// parseSchedule reads a schedule's three fields; a field that is not a
// number is an input error naming it.
func parseSchedule(r *http.Request) (campusguard.Schedule, error) {
	sc := campusguard.Schedule{Disinfection: campusguard.DisinfectMode(r.PostForm.Get("disinfection"))}
	var bad []campusguard.FieldError
	num := func(field string) int {
		v := strings.TrimSpace(r.PostForm.Get(field))
		if v == "" {
			return 0
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			bad = append(bad, campusguard.FieldError{Field: field, Msg: "error.type_integer"})
		}
		return n
	}
	sc.Ventilation, sc.Uses = num("ventilation"), num("uses")
	if len(bad) > 0 {
		return sc, campusguard.InvalidFields(bad)
	}
	return sc, nil
}

// spaceFailed shows the spaces page again with a refused form, or returns
// an error that is not the input's.
func (s *Server) spaceFailed(w http.ResponseWriter, r *http.Request, f spaceForm, err error) error {
	code := campusguard.ErrorCode(err)
	if code != campusguard.Invalid && code != campusguard.Conflict {
		return err
	}
	p, perr := s.spacesPage(r, f)
	if perr != nil {
		return perr
	}
	return s.renderRefused(w, r, err, p.Lang, &p.Form.State, envFields, "spaces", p)
}

// ---- The region's compliance ----

type complianceRow struct {
	Name   string
	URL    string
	Spaces int
	Rate   string
	Low    bool // below lowCompliance
	Kinds  []string
}

type kindScheduleRow struct {
	Kind     string
	Label    string
	Schedule string
	Own      bool
	Vent     int
	Mode     string
	Uses     int
}

type envCompliancePage struct {
	basePage
	Org        *campusguard.Org
	From, To   string
	Total      string
	Due, Done  int
	KindHeads  []string
	KindTotals []string
	Rows       []complianceRow
	Schedules  []kindScheduleRow
	CanSet     bool
	SetAction  string
	Modes      []option
	Form       formState
	Notice     string
}

// lowCompliance is the rate below which a school's line is marked.
const lowCompliance = 80

// handleEnvCompliance handles "GET /orgs/{id}/env-compliance?from=&to=":
// the last 30 days to today unless a period is given.
func (s *Server) handleEnvCompliance(w http.ResponseWriter, r *http.Request) error {
	p, err := s.envCompliancePage(r)
	if err != nil {
		return err
	}
	if r.URL.Query().Get("done") != "" {
		p.Notice = p.T("env.done_saved")
	}
	return s.render(w, r, http.StatusOK, "env_compliance", p)
}

func (s *Server) envCompliancePage(r *http.Request) (*envCompliancePage, error) {
	if s.Environment == nil {
		return nil, errNotFound
	}
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	to := s.today()
	from := to.AddDays(-29)
	q := r.URL.Query()
	if v := q.Get("from"); v != "" {
		if from, err = campusguard.ParseDate(v); err != nil {
			return nil, campusguard.InvalidFields([]campusguard.FieldError{{Field: "from", Msg: "error.type_date"}})
		}
	}
	if v := q.Get("to"); v != "" {
		if to, err = campusguard.ParseDate(v); err != nil {
			return nil, campusguard.InvalidFields([]campusguard.FieldError{{Field: "to", Msg: "error.type_date"}})
		}
	}
	c, err := s.Environment.EnvCompliance(ctx, id, from, to)
	if err != nil {
		return nil, err
	}
	o, err := s.Orgs.FindOrgByID(ctx, id)
	if err != nil {
		return nil, err
	}
	a := campusguard.ActorFrom(ctx)
	p := &envCompliancePage{basePage: s.base(r, "page.env_compliance.title"), Org: o, From: from.String(), To: to.String(),
		Total: rateText(c.Total), Due: c.Total.Due, Done: c.Total.Done, SetAction: orgURL(id) + "/env-schedules"}
	p.Crumbs = []crumb{{Name: o.Name, URL: orgURL(o.ID)}, {Name: p.Title}}
	for _, k := range campusguard.SpaceKinds {
		p.KindHeads = append(p.KindHeads, p.T("env.kind."+string(k)))
		p.KindTotals = append(p.KindTotals, rateText(c.Kinds[k]))
	}
	for _, l := range c.Schools {
		row := complianceRow{Name: l.Name, URL: environmentURL(l.SchoolID), Spaces: l.Spaces, Rate: rateText(l.Total)}
		if rate, ok := l.Total.Rate(); ok && rate < lowCompliance {
			row.Low = true
		}
		for _, k := range campusguard.SpaceKinds {
			row.Kinds = append(row.Kinds, rateText(l.Kinds[k]))
		}
		p.Rows = append(p.Rows, row)
	}
	if o.Kind == campusguard.KindRegion && o.ParentID == nil {
		ks, err := s.Environment.EnvDefaults(ctx, id)
		if err != nil {
			return nil, err
		}
		p.CanSet = a.Can(campusguard.SetEnvDefaults, o.Path)
		for _, k := range ks {
			p.Schedules = append(p.Schedules, kindScheduleRow{Kind: string(k.Kind), Label: p.T("env.kind." + string(k.Kind)),
				Schedule: scheduleText(p.Lang, k.Schedule), Own: k.Own, Vent: k.Schedule.Ventilation,
				Mode: string(k.Schedule.Disinfection), Uses: k.Schedule.Uses})
		}
		for _, m := range campusguard.DisinfectModes {
			p.Modes = append(p.Modes, option{Value: string(m), Label: p.T("env.mode." + string(m))})
		}
	}
	return p, nil
}

// handleEnvScheduleSet handles "POST /orgs/{id}/env-schedules": a
// region's default schedule of one kind.
func (s *Server) handleEnvScheduleSet(w http.ResponseWriter, r *http.Request) error {
	id, err := formPost(r, s.Environment != nil)
	if err != nil {
		return err
	}
	sc, err := parseSchedule(r)
	if err == nil {
		err = s.Environment.SetEnvDefault(r.Context(), id, campusguard.KindSchedule{Kind: campusguard.SpaceKind(r.PostForm.Get("kind")),
			Schedule: sc})
	}
	if err != nil {
		// Only an input error shows the form again; a conflict goes to the
		// error page, as any other refusal.
		if campusguard.ErrorCode(err) != campusguard.Invalid {
			return err
		}
		p, perr := s.envCompliancePage(r)
		if perr != nil {
			return perr
		}
		return s.renderRefused(w, r, err, p.Lang, &p.Form, envFields, "env_compliance", p)
	}
	return seeOther(w, r, orgURL(id)+"/env-compliance?done=1")
}
