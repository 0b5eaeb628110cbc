package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"campusguard"
)

// ---- Issue 14: emergency drills (應急演練) ----
//
// A school plans, starts and finishes its drills on a phone, and injects
// a synthetic case that then follows the normal case pages; the region
// sees each school's last drill with its measured times. What a page
// shows is what the store answers.

func init() {
	routeTable = append(routeTable,
		route{Route: Route{"GET", "/orgs/{id}/drills", false}, h: (*Server).handleDrillOverview},
		route{Route: Route{"GET", "/schools/{id}/drills", false}, h: (*Server).handleSchoolDrills},
		route{Route: Route{"POST", "/schools/{id}/drills", false}, h: (*Server).handleDrillPlan},
		route{Route: Route{"GET", "/drills/{id}", false}, h: (*Server).handleDrill},
		route{Route: Route{"POST", "/drills/{id}/start", false}, h: (*Server).handleDrillStart},
		route{Route: Route{"POST", "/drills/{id}/inject", false}, h: (*Server).handleDrillInject},
		route{Route: Route{"POST", "/drills/{id}/finish", false}, h: (*Server).handleDrillFinish},
	)
}

// drillFields names the store's fields as these forms label them.
var drillFields = map[string]string{"scenario": "drill_scenario", "planned_day": "drill_day", "participants": "drill_participants",
	"participant_count": "drill_participant_count", "person_id": "drill_volunteer", "drill_id": "drill_state", "status": "drill_state",
	"problem": "drill_problem", "problems": "drill_problem", "deadline": "drill_deadline", "responsible": "drill_responsible",
	"severity": "drill_severity"}

// drillDynamicKeys are the keys this file builds from domain values.
func drillDynamicKeys() []string {
	var keys []string
	for _, sc := range campusguard.DrillScenarios {
		keys = append(keys, "drill.scenario."+string(sc))
	}
	for _, st := range []campusguard.DrillState{campusguard.DrillPlanned, campusguard.DrillRunning, campusguard.DrillFinished} {
		keys = append(keys, "drill.state."+string(st))
	}
	for _, f := range drillFields {
		keys = append(keys, "field."+f)
	}
	return keys
}

func drillURL(id int64) string        { return "/drills/" + strconv.FormatInt(id, 10) }
func schoolDrillsURL(id int64) string { return "/schools/" + strconv.FormatInt(id, 10) + "/drills" }

// drillLinks gives the org page its link: a region node's overview, or a
// school's drills, to those who read them.
func (s *Server) drillLinks(p *orgPage, o *campusguard.Org) {
	if s.Drills == nil || p.actor == nil || !p.actor.Can(campusguard.ReadDrills, o.Path) {
		return
	}
	switch o.Kind {
	case campusguard.KindRegion:
		p.DrillsURL = orgURL(o.ID) + "/drills"
	case campusguard.KindSchool:
		p.DrillsURL = schoolDrillsURL(o.ID)
	}
}

// drillLine is a drill in a list, with its measured times in words.
type drillLine struct {
	ID                                int64
	URL, School, Scenario, Day, State string
	StateKey                          campusguard.DrillState
	Report, Isolate                   string // "" until measured
	Cases, Problems                   int
}

// minutes shows a measured time as minutes and seconds.
func (p *basePage) drillTime(sec *int64) string {
	if sec == nil {
		return ""
	}
	d := time.Duration(*sec) * time.Second
	return p.T("drill.minutes", int(d/time.Minute), int(d%time.Minute/time.Second))
}

func (p *basePage) drillLineOf(d *campusguard.Drill) drillLine {
	return drillLine{ID: d.ID, URL: drillURL(d.ID), School: d.SchoolName, Scenario: p.T("drill.scenario." + string(d.Scenario)),
		Day: d.PlannedDay.String(), State: p.T("drill.state." + string(d.State)), StateKey: d.State,
		Report: p.drillTime(d.Times.ReportSeconds), Isolate: p.drillTime(d.Times.IsolateSeconds), Cases: len(d.Cases),
		Problems: len(d.Problems)}
}

// ---- A school's drills and the form to plan one ----

type schoolDrillsPage struct {
	basePage
	formState
	Org       *campusguard.Org
	CanRun    bool
	PlanURL   string
	Scenarios []choice
	Form      struct{ Scenario, Day, Participants, Count string }
	MinDay    string
	List      []drillLine
}

func (s *Server) schoolDrillsPageFor(r *http.Request) (*schoolDrillsPage, error) {
	if s.Drills == nil {
		return nil, errNotFound
	}
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	o, anc, err := s.orgLine(ctx, id, campusguard.KindSchool)
	if err != nil {
		return nil, err
	}
	list, err := s.Drills.FindDrills(ctx, campusguard.DrillFilter{OrgID: id})
	if err != nil {
		return nil, err
	}
	p := &schoolDrillsPage{basePage: s.base(r, "drill.title"), Org: o, PlanURL: schoolDrillsURL(id), MinDay: s.today().String()}
	p.underOrg("drill.title", o, anc)
	p.CanRun = campusguard.ActorFrom(ctx).Can(campusguard.RunDrills, o.Path)
	p.Form.Scenario, p.Form.Day = string(campusguard.ScenarioGateFever), s.today().String()
	for _, sc := range campusguard.DrillScenarios {
		p.Scenarios = append(p.Scenarios, choice{Value: string(sc), Label: p.T("drill.scenario." + string(sc))})
	}
	for _, d := range list {
		p.List = append(p.List, p.drillLineOf(d))
	}
	return p, nil
}

// handleSchoolDrills handles "GET /schools/{id}/drills": the school's
// drills, newest first, and the form to plan one.
func (s *Server) handleSchoolDrills(w http.ResponseWriter, r *http.Request) error {
	p, err := s.schoolDrillsPageFor(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "school_drills", p)
}

// handleDrillPlan handles "POST /schools/{id}/drills".
func (s *Server) handleDrillPlan(w http.ResponseWriter, r *http.Request) error {
	id, err := formPost(r, s.Drills != nil)
	if err != nil {
		return err
	}
	f := r.PostForm
	n := campusguard.NewDrill{SchoolID: id, Scenario: campusguard.DrillScenario(f.Get("scenario")), Participants: f.Get("participants")}
	var fe []campusguard.FieldError
	n.PlannedDay, fe = inspFormDate(f, "planned_day", nil)
	if v := strings.TrimSpace(f.Get("participant_count")); v != "" {
		if n.ParticipantCount, err = strconv.Atoi(v); err != nil {
			fe = append(fe, campusguard.FieldError{Field: "participant_count", Msg: "error.range", Args: []any{0, campusguard.MaxDrillPeople}})
		}
	}
	var d *campusguard.Drill
	err = nil
	if len(fe) > 0 {
		err = campusguard.InvalidFields(fe)
	} else {
		d, err = s.Drills.PlanDrill(r.Context(), n)
	}
	if err != nil {
		p, perr := s.schoolDrillsPageFor(r)
		if perr != nil {
			return perr
		}
		p.Form.Scenario, p.Form.Day, p.Form.Participants, p.Form.Count = f.Get("scenario"), f.Get("planned_day"),
			f.Get("participants"), f.Get("participant_count")
		return s.renderRefused(w, r, err, p.Lang, &p.formState, drillFields, "school_drills", p)
	}
	return seeOther(w, r, drillURL(d.ID))
}

// ---- One drill ----

type drillPage struct {
	basePage
	formState
	Org                            *campusguard.Org
	Drill                          drillLine
	Participants                   string
	Count                          int
	Started, Finished              string
	CanStart, CanInject, CanFinish bool
	StartURL, InjectURL, FinishURL string
	ListURL                        string
	People                         []choice
	Cases                          []caseRow
	Problems                       []drillProblemLine
	ProblemRows                    []int
	Severities                     []choice
	DefaultDeadline, MinDeadline   string
	Notice                         string
}

type drillProblemLine struct{ Problem, URL string }

func (s *Server) drillPageFor(r *http.Request) (*drillPage, error) {
	if s.Drills == nil {
		return nil, errNotFound
	}
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	d, err := s.Drills.FindDrill(ctx, id)
	if err != nil {
		return nil, err
	}
	o, anc, err := s.orgLine(ctx, d.SchoolID)
	if err != nil {
		return nil, err
	}
	p := &drillPage{basePage: s.base(r, "drill.one"), Org: o, Participants: d.Participants, Count: d.ParticipantCount,
		StartURL: drillURL(id) + "/start", InjectURL: drillURL(id) + "/inject", FinishURL: drillURL(id) + "/finish",
		ListURL: schoolDrillsURL(o.ID), ProblemRows: []int{1, 2, 3}, DefaultDeadline: s.today().AddDays(7).String(),
		MinDeadline: s.today().String()}
	p.underOrg("drill.one", o, anc)
	p.Drill = p.drillLineOf(d)
	if d.StartedAt != nil {
		p.Started = p.Time(*d.StartedAt)
	}
	if d.FinishedAt != nil {
		p.Finished = p.Time(*d.FinishedAt)
	}
	a := campusguard.ActorFrom(ctx)
	run := a.Can(campusguard.RunDrills, o.Path)
	p.CanStart = run && d.State == campusguard.DrillPlanned
	p.CanInject = run && d.State == campusguard.DrillRunning
	p.CanFinish = p.CanInject
	if p.CanInject && s.People != nil {
		people, _, err := s.People.FindPeople(ctx, campusguard.PersonFilter{SchoolID: &o.ID, Limit: 500})
		if err != nil {
			return nil, err
		}
		for _, x := range people {
			p.People = append(p.People, choice{Value: strconv.FormatInt(x.ID, 10), Label: x.Name + " " + x.Number})
		}
		for _, sv := range campusguard.FindingSeverities {
			p.Severities = append(p.Severities, choice{Value: string(sv), Label: p.T("severity." + string(sv))})
		}
	}
	if p.Cases, err = s.caseRows(ctx, &p.basePage, d.Cases); err != nil {
		return nil, err
	}
	for _, x := range d.Problems {
		p.Problems = append(p.Problems, drillProblemLine{Problem: x.Problem, URL: "/rectifications/" + strconv.FormatInt(x.RectificationID, 10)})
	}
	if r.URL.Query().Get("done") != "" {
		p.Notice = p.T("drill.saved")
	}
	return p, nil
}

// handleDrill handles "GET /drills/{id}": the drill, its cases with their
// drill mark, its measured times, and the next step's form.
func (s *Server) handleDrill(w http.ResponseWriter, r *http.Request) error {
	p, err := s.drillPageFor(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "drill", p)
}

// drillFailed shows the drill again with a refused step's errors.
func (s *Server) drillFailed(w http.ResponseWriter, r *http.Request, failed error) error {
	p, err := s.drillPageFor(r)
	if err != nil {
		return err
	}
	return s.renderRefused(w, r, failed, p.Lang, &p.formState, drillFields, "drill", p)
}

// handleDrillStart handles "POST /drills/{id}/start".
func (s *Server) handleDrillStart(w http.ResponseWriter, r *http.Request) error {
	if s.Drills == nil {
		return errNotFound
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.Drills.StartDrill(r.Context(), id); err != nil {
		return s.drillFailed(w, r, err)
	}
	return seeOther(w, r, drillURL(id)+"?done=1")
}

// handleDrillInject handles "POST /drills/{id}/inject": the synthetic
// case opens, and its page follows, where the normal steps go on.
func (s *Server) handleDrillInject(w http.ResponseWriter, r *http.Request) error {
	id, err := formPost(r, s.Drills != nil)
	if err != nil {
		return err
	}
	person, _ := strconv.ParseInt(r.PostForm.Get("person_id"), 10, 64)
	k, err := s.Drills.InjectDrillCase(r.Context(), id, campusguard.DrillInjection{PersonID: person})
	if err != nil {
		return s.drillFailed(w, r, err)
	}
	return seeOther(w, r, caseURL(k.ID))
}

// handleDrillFinish handles "POST /drills/{id}/finish": up to three
// problems found, each with its severity, deadline and responsible
// person; rows left without a problem are not problems.
func (s *Server) handleDrillFinish(w http.ResponseWriter, r *http.Request) error {
	id, err := formPost(r, s.Drills != nil)
	if err != nil {
		return err
	}
	f := r.PostForm
	var problems []campusguard.DrillProblemInput
	var fe []campusguard.FieldError
	for i, text := range f["problem"] {
		if strings.TrimSpace(text) == "" {
			continue
		}
		at := func(name string) string {
			if vs := f[name]; i < len(vs) {
				return vs[i]
			}
			return ""
		}
		in := campusguard.DrillProblemInput{Problem: text, Severity: campusguard.FindingSeverity(at("severity")), Responsible: at("responsible")}
		if v := strings.TrimSpace(at("deadline")); v != "" {
			d, perr := campusguard.ParseDate(v)
			if perr != nil {
				fe = append(fe, campusguard.FieldError{Field: "deadline", Row: len(problems) + 1, Msg: "error.type_date"})
			}
			in.Deadline = d
		}
		problems = append(problems, in)
	}
	if len(fe) > 0 {
		return s.drillFailed(w, r, campusguard.InvalidFields(fe))
	}
	if _, err := s.Drills.FinishDrill(r.Context(), id, problems); err != nil {
		return s.drillFailed(w, r, err)
	}
	return seeOther(w, r, drillURL(id)+"?done=1")
}

// ---- The region's overview ----

type drillOverviewPage struct {
	basePage
	Org       *campusguard.Org
	TermStart string
	Without   int
	Rows      []drillOverviewRow
	Missing   []string
}

type drillOverviewRow struct {
	School, SchoolURL string
	Last              *drillLine
	ThisTerm          bool
}

// handleDrillOverview handles "GET /orgs/{id}/drills": each school's last
// drill with its times, and the schools without a drill this term.
func (s *Server) handleDrillOverview(w http.ResponseWriter, r *http.Request) error {
	if s.Drills == nil {
		return errNotFound
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	o, anc, err := s.orgLine(ctx, id, campusguard.KindRegion)
	if err != nil {
		return err
	}
	ov, err := s.Drills.DrillOverview(ctx, id)
	if err != nil {
		return err
	}
	p := &drillOverviewPage{basePage: s.base(r, "drill.overview"), Org: o, TermStart: ov.TermStart.String(), Without: ov.Without}
	p.underOrg("drill.overview", o, anc)
	for _, sd := range ov.Schools {
		row := drillOverviewRow{School: sd.SchoolName, SchoolURL: schoolDrillsURL(sd.SchoolID), ThisTerm: sd.ThisTerm}
		if sd.Last != nil {
			l := p.drillLineOf(sd.Last)
			row.Last = &l
		}
		if !sd.ThisTerm {
			p.Missing = append(p.Missing, sd.SchoolName)
		}
		p.Rows = append(p.Rows, row)
	}
	return s.render(w, r, http.StatusOK, "drills_region", p)
}
