package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"campusguard"
)

// ---- Issue 12: inspections, visits, findings, rectification items ----
//
// What a page shows is what the store answers: an unannounced visit not
// yet carried out is a 404 to a school's account here as everywhere.

func init() {
	routeTable = append(routeTable,
		route{Route: Route{"GET", "/orgs/{id}/inspections", false}, h: (*Server).handleInspections},
		route{Route: Route{"POST", "/orgs/{id}/inspections", false}, h: (*Server).handleInspectionCreate},
		route{Route: Route{"POST", "/inspections/{id}/visits", false}, h: (*Server).handleVisitCreate},
		route{Route: Route{"GET", "/visits/{id}", false}, h: (*Server).handleVisit},
		route{Route: Route{"POST", "/visits/{id}/results/{code}", false}, h: (*Server).handleVisitResult},
		route{Route: Route{"POST", "/visits/{id}/findings", false}, h: (*Server).handleFindingCreate, ownCSRF: true},
		route{Route: Route{"POST", "/visits/{id}/close", false}, h: (*Server).handleVisitClose},
		route{Route: Route{"GET", "/orgs/{id}/rectifications", false}, h: (*Server).handleRectifications},
		route{Route: Route{"GET", "/rectifications/{id}", false}, h: (*Server).handleRectification},
		route{Route: Route{"POST", "/rectifications/{id}/answer", false}, h: (*Server).handleRectAnswer, ownCSRF: true},
		route{Route: Route{"POST", "/rectifications/{id}/verify", false}, h: (*Server).handleRectVerify},
	)
}

// inspectionFields names the store's fields as these forms label them.
var inspectionFields = map[string]string{"code": "item_code", "school_id": "school", "title": "inspection_title"}

// inspectionDynamicKeys are the keys this file builds from domain values.
func inspectionDynamicKeys() []string {
	var keys []string
	for _, a := range campusguard.Agencies {
		keys = append(keys, "agency."+string(a))
	}
	for _, r := range campusguard.CheckResults {
		keys = append(keys, "inspection.result."+string(r))
	}
	for _, st := range campusguard.RectStates {
		keys = append(keys, "rect.state."+string(st))
	}
	for _, e := range []string{"open", "answer", "return", "close", "overdue"} {
		keys = append(keys, "rect.event."+e)
	}
	return keys
}

// inspectionLinks gives the org page its links: a top-level region's
// inspections to those who read them, the rectification items of a region
// or a school to those who read those.
func (s *Server) inspectionLinks(p *orgPage, o *campusguard.Org) {
	if s.Inspections == nil || p.actor == nil {
		return
	}
	if o.Kind == campusguard.KindRegion && o.ParentID == nil && p.actor.Can(campusguard.ReadInspections, o.Path) {
		p.InspectionsURL = orgURL(o.ID) + "/inspections"
	}
	if o.Kind == campusguard.KindRegion && o.ParentID == nil && p.actor.Can(campusguard.Inspect, o.Path) {
		p.VisitsURL = "/visits"
	}
	if (o.Kind == campusguard.KindRegion || o.Kind == campusguard.KindSchool) && p.actor.Can(campusguard.ReadRectifying, o.Path) {
		p.RectificationsURL = orgURL(o.ID) + "/rectifications"
	}
}

func visitURL(id int64) string { return "/visits/" + strconv.FormatInt(id, 10) }

// ---- The region's plan and coverage ----

type inspectionsPage struct {
	basePage
	formState
	Org         *campusguard.Org
	CanPlan     bool
	CreateURL   string
	Inspections []inspectionView
	Schools     []choice
	Coverage    *campusguard.Coverage
	CoverRows   []coverRow
	From, To    string
	Form        inspectionForm
	Notice      string
	RectURL     string
	AccountURL  string // the accountability records, to the education bureau
	Reinspect   []reinspectionLine
}

type reinspectionLine struct {
	School, Problem, Severity, Due, URL string
	Overdue                             bool
}

type inspectionForm struct {
	Title, Team, Members, From, To string
	Announced                      bool
}

type inspectionView struct {
	formState
	ID                        int64
	Title, Period, Kind, Team string
	Announced                 bool
	Members                   string
	Visits                    []visitLine
	AddVisitURL, DefaultDay   string
}

type visitLine struct {
	URL, School, Day, State string
	Closed                  bool
}

type coverRow struct {
	Name                            string
	Announced, Unannounced, Planned int
	Inspected                       bool
}

// monthOf returns the first and last day of day's month.
func monthOf(day campusguard.Date) (campusguard.Date, campusguard.Date) {
	first, _ := campusguard.MakeDate(day.Year, day.Month, 1)
	next := campusguard.DateOf(first.Time().AddDate(0, 1, 0))
	return first, next.AddDays(-1)
}

func (s *Server) inspectionsPageFor(r *http.Request) (*inspectionsPage, error) {
	if s.Inspections == nil {
		return nil, errNotFound
	}
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	o, anc, err := s.orgLine(ctx, id, campusguard.KindRegion)
	if err != nil {
		return nil, err
	}
	ins, err := s.Inspections.FindInspections(ctx, campusguard.InspectionFilter{RegionID: id})
	if err != nil {
		return nil, err
	}
	p := &inspectionsPage{basePage: s.base(r, "page.inspections.title"), Org: o, CreateURL: orgURL(id) + "/inspections",
		RectURL: orgURL(id) + "/rectifications"}
	p.underOrg("page.inspections.title", o, anc)
	p.CanPlan = campusguard.ActorFrom(ctx).Can(campusguard.Inspect, o.Path)
	if campusguard.ActorFrom(ctx).Can(campusguard.ReadAccountability, o.Path) {
		p.AccountURL = orgURL(id) + "/accountability"
	}
	open := true
	due, err := s.Inspections.FindReinspections(ctx, campusguard.ReinspectionFilter{OrgID: id, Open: &open, Today: s.today()})
	if err != nil {
		return nil, err
	}
	for _, x := range due {
		p.Reinspect = append(p.Reinspect, reinspectionLine{School: x.SchoolName, Problem: x.Problem, Due: x.Due.String(),
			Severity: p.T("severity." + string(x.Severity)), URL: visitURL(x.FromVisit), Overdue: x.Overdue})
	}
	from, to := monthOf(s.today())
	if d, err := campusguard.ParseDate(r.URL.Query().Get("from")); err == nil {
		from = d
	}
	if d, err := campusguard.ParseDate(r.URL.Query().Get("to")); err == nil {
		to = d
	}
	p.From, p.To = from.String(), to.String()
	p.Form = inspectionForm{From: from.String(), To: to.String()}
	if p.Coverage, err = s.Inspections.Coverage(ctx, id, from, to); err != nil {
		if campusguard.ErrorCode(err) != campusguard.Invalid {
			return nil, err
		}
		formFailedAs(p.Lang, err, &p.formState, inspectionFields)
	}
	if p.Coverage != nil {
		for _, l := range p.Coverage.Schools {
			p.CoverRows = append(p.CoverRows, coverRow{Name: l.Name, Announced: l.Announced, Unannounced: l.Unannounced,
				Planned: l.Planned, Inspected: l.Inspected()})
			p.Schools = append(p.Schools, choice{Value: strconv.FormatInt(l.SchoolID, 10), Label: l.Name})
		}
	}
	for _, in := range ins {
		full, err := s.Inspections.FindInspection(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		v := inspectionView{ID: in.ID, Title: in.Title, Period: in.From.String() + " – " + in.To.String(), Team: in.Team,
			Announced: in.Announced, AddVisitURL: "/inspections/" + strconv.FormatInt(in.ID, 10) + "/visits", DefaultDay: in.From.String()}
		v.Kind = p.T("inspection.announced")
		if !in.Announced {
			v.Kind = p.T("inspection.unannounced")
		}
		var ms []string
		for _, m := range in.Members {
			ms = append(ms, m.Name+"（"+p.T("agency."+string(m.Agency))+"）")
		}
		v.Members = strings.Join(ms, "、")
		for _, vi := range full.Visits {
			v.Visits = append(v.Visits, s.visitLineOf(p.basePage, &vi))
		}
		p.Inspections = append(p.Inspections, v)
	}
	if r.URL.Query().Get("done") != "" {
		p.Notice = p.T("inspection.saved")
	}
	return p, nil
}

func (s *Server) visitLineOf(p basePage, v *campusguard.Visit) visitLine {
	l := visitLine{URL: visitURL(v.ID), School: v.SchoolName, Day: v.Day.String(), Closed: v.Closed()}
	l.State = p.T("inspection.visit_open")
	if v.Closed() {
		l.State = p.T("inspection.visit_closed", p.Time(*v.ClosedAt))
	}
	return l
}

// handleInspections handles "GET /orgs/{id}/inspections?from=&to=": the
// region's inspections, the form to plan one, and the period's coverage.
func (s *Server) handleInspections(w http.ResponseWriter, r *http.Request) error {
	p, err := s.inspectionsPageFor(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "inspections", p)
}

// handleInspectionCreate handles "POST /orgs/{id}/inspections".
func (s *Server) handleInspectionCreate(w http.ResponseWriter, r *http.Request) error {
	id, err := formPost(r, s.Inspections != nil)
	if err != nil {
		return err
	}
	f := r.PostForm
	in := &campusguard.Inspection{RegionID: id, Title: f.Get("title"), Team: f.Get("team"), Announced: f.Get("announced") == "true",
		Members: campusguard.ParseMembers(f.Get("members"))}
	var fe []campusguard.FieldError
	in.From, fe = inspFormDate(f, "from", fe)
	in.To, fe = inspFormDate(f, "to", fe)
	if len(fe) > 0 {
		err = campusguard.InvalidFields(fe)
	} else {
		err = s.Inspections.CreateInspection(r.Context(), in)
	}
	if err != nil {
		p, perr := s.inspectionsPageFor(r)
		if perr != nil {
			return perr
		}
		p.Form = inspectionForm{Title: f.Get("title"), Team: f.Get("team"), Members: f.Get("members"), From: f.Get("from"),
			To: f.Get("to"), Announced: in.Announced}
		return s.renderRefused(w, r, err, p.Lang, &p.formState, inspectionFields, "inspections", p)
	}
	return seeOther(w, r, orgURL(id)+"/inspections?done=1")
}

// inspFormDate reads a YYYY-MM-DD form field; a bad or missing one is a field
// error.
func inspFormDate(f url.Values, name string, fe []campusguard.FieldError) (campusguard.Date, []campusguard.FieldError) {
	v := strings.TrimSpace(f.Get(name))
	if v == "" {
		return campusguard.Date{}, append(fe, campusguard.FieldError{Field: name, Msg: "error.required"})
	}
	d, err := campusguard.ParseDate(v)
	if err != nil {
		return campusguard.Date{}, append(fe, campusguard.FieldError{Field: name, Msg: "error.type_date"})
	}
	return d, fe
}

// handleVisitCreate handles "POST /inspections/{id}/visits".
func (s *Server) handleVisitCreate(w http.ResponseWriter, r *http.Request) error {
	id, err := formPost(r, s.Inspections != nil)
	if err != nil {
		return err
	}
	in, err := s.Inspections.FindInspection(r.Context(), id)
	if err != nil {
		return err
	}
	school, _ := strconv.ParseInt(r.PostForm.Get("school_id"), 10, 64)
	day, fe := inspFormDate(r.PostForm, "day", nil)
	if len(fe) > 0 {
		err = campusguard.InvalidFields(fe)
	} else {
		_, err = s.Inspections.AddVisit(r.Context(), id, school, day)
	}
	if err != nil {
		r.SetPathValue("id", strconv.FormatInt(in.RegionID, 10))
		p, perr := s.inspectionsPageFor(r)
		if perr != nil {
			return perr
		}
		target := &p.formState
		for i := range p.Inspections {
			if p.Inspections[i].ID == id {
				target = &p.Inspections[i].formState
			}
		}
		return s.renderRefused(w, r, err, p.Lang, target, inspectionFields, "inspections", p)
	}
	return seeOther(w, r, orgURL(in.RegionID)+"/inspections?done=1")
}

// ---- A visit: the inspector's form on a phone ----

type visitPage struct {
	basePage
	formState
	Visit       *campusguard.Visit
	Kind        string
	Closed      string
	CanInspect  bool
	Results     []resultView
	Findings    []findingView
	FindingURL  string
	CloseURL    string
	Severities  []choice
	Codes       []choice
	Notice      string
	MaxMB       int
	Checked     int
	Total       int
	MinDeadline string
	Finding     findingForm
}

type findingForm struct {
	Code, Severity, Note, Deadline, Responsible string
	Reinspect                                   bool
}

type resultView struct {
	formState
	Code, Section, Title, Note, Result, ResultText, URL string
	Choices                                             []choice
}

type findingView struct {
	FlagURL                                                                    string // set or clear the re-inspection flag
	Code, Severity, SeverityText, Note, Deadline, Responsible, By, At, ItemURL string
	Reinspect                                                                  bool
	Files                                                                      []fileView
}

func (s *Server) visitPageFor(r *http.Request) (*visitPage, error) {
	if s.Inspections == nil {
		return nil, errNotFound
	}
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	v, err := s.Inspections.FindVisit(ctx, id)
	if err != nil {
		return nil, err
	}
	o, anc, err := s.orgLine(ctx, v.SchoolID)
	if err != nil {
		return nil, err
	}
	p := &visitPage{basePage: s.base(r, "page.visit.title"), Visit: v, FindingURL: visitURL(id) + "/findings",
		CloseURL: visitURL(id) + "/close", MaxMB: campusguard.MaxFileSize >> 20, MinDeadline: s.today().String()}
	p.underOrg("page.visit.title", o, anc)
	p.CanInspect = !v.Closed() && campusguard.ActorFrom(ctx).Can(campusguard.Inspect, o.Path)
	p.Kind = p.T("inspection.announced")
	if !v.Announced {
		p.Kind = p.T("inspection.unannounced")
	}
	if v.Closed() {
		p.Closed = p.T("inspection.visit_closed", p.Time(*v.ClosedAt))
	}
	p.Total = len(v.Results)
	for _, res := range v.Results {
		rv := resultView{Code: res.Item.Code, Section: res.Item.Section, Title: res.Item.Title, Note: res.Note,
			Result: string(res.Result), URL: visitURL(id) + "/results/" + url.PathEscape(res.Item.Code)}
		if res.Result != "" {
			rv.ResultText = p.T("inspection.result." + string(res.Result))
			p.Checked++
		}
		for _, c := range campusguard.CheckResults {
			rv.Choices = append(rv.Choices, choice{Value: string(c), Label: p.T("inspection.result." + string(c)), Checked: c == res.Result})
		}
		p.Results = append(p.Results, rv)
		p.Codes = append(p.Codes, choice{Value: res.Item.Code, Label: res.Item.Code + " " + res.Item.Title})
	}
	for _, f := range v.FindingList {
		fv := findingView{Code: f.Code, Severity: string(f.Severity), SeverityText: p.T("severity." + string(f.Severity)), Note: f.Note,
			Responsible: f.Responsible, Reinspect: f.Reinspect, By: f.By, At: p.Time(f.At)}
		if f.Deadline != nil {
			fv.Deadline = f.Deadline.String()
		}
		if f.Severity != campusguard.SeverityMinor && campusguard.ActorFrom(ctx).Can(campusguard.Inspect, o.Path) {
			fv.FlagURL = "/findings/" + strconv.FormatInt(f.ID, 10) + "/reinspect"
		}
		if f.ItemID != nil {
			fv.ItemURL = "/rectifications/" + strconv.FormatInt(*f.ItemID, 10)
		}
		for _, fl := range f.Files {
			fv.Files = append(fv.Files, newFileView(fl))
		}
		p.Findings = append(p.Findings, fv)
	}
	for _, sv := range campusguard.FindingSeverities {
		p.Severities = append(p.Severities, choice{Value: string(sv), Label: p.T("severity." + string(sv))})
	}
	if r.URL.Query().Get("done") != "" {
		p.Notice = p.T("inspection.saved")
	}
	return p, nil
}

// handleVisit handles "GET /visits/{id}".
func (s *Server) handleVisit(w http.ResponseWriter, r *http.Request) error {
	p, err := s.visitPageFor(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "visit", p)
}

// visitFailed shows the visit again with a refused form's errors, on the
// item when code names one.
func (s *Server) visitFailed(w http.ResponseWriter, r *http.Request, code string, failed error, keep func(p *visitPage)) error {
	p, err := s.visitPageFor(r)
	if err != nil {
		return err
	}
	if keep != nil {
		keep(p)
	}
	target := &p.formState
	for i := range p.Results {
		if code != "" && p.Results[i].Code == code {
			target = &p.Results[i].formState
		}
	}
	return s.renderRefused(w, r, failed, p.Lang, target, inspectionFields, "visit", p)
}

// handleVisitResult handles "POST /visits/{id}/results/{code}".
func (s *Server) handleVisitResult(w http.ResponseWriter, r *http.Request) error {
	id, err := formPost(r, s.Inspections != nil)
	if err != nil {
		return err
	}
	code := r.PathValue("code")
	err = s.Inspections.RecordResult(r.Context(), id, code, campusguard.CheckResult(r.PostForm.Get("result")), r.PostForm.Get("note"))
	if err != nil {
		return s.visitFailed(w, r, code, err, nil)
	}
	return seeOther(w, r, visitURL(id)+"?done=1#result-"+code)
}

// handleFindingCreate handles "POST /visits/{id}/findings": a finding with
// a photo taken on the spot.
func (s *Server) handleFindingCreate(w http.ResponseWriter, r *http.Request) error {
	if s.Inspections == nil || s.Files == nil {
		return errNotFound
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v, err := s.Inspections.FindVisit(r.Context(), id)
	if err != nil {
		return err
	}
	// The photo is stored as the region's: see Store.AddFinding.
	up, err := readMultipart(w, r, v.RegionID)
	if err == errCSRF || err == errBadForm {
		return err
	}
	form := findingForm{Code: r.FormValue("code"), Severity: r.FormValue("severity"), Note: r.FormValue("note"),
		Deadline: r.FormValue("deadline"), Responsible: r.FormValue("responsible"), Reinspect: r.FormValue("reinspect") == "true"}
	f := &campusguard.InspectionFinding{Code: form.Code, Severity: campusguard.FindingSeverity(form.Severity), Note: form.Note,
		Responsible: form.Responsible, Reinspect: form.Reinspect, FileIDs: []int64{}}
	if err == nil && strings.TrimSpace(form.Deadline) != "" {
		d, derr := campusguard.ParseDate(strings.TrimSpace(form.Deadline))
		if derr != nil {
			err = campusguard.InvalidFields([]campusguard.FieldError{{Field: "deadline", Msg: "error.type_date"}})
		}
		f.Deadline = &d
	}
	if err == nil {
		// The finding is checked before the photo is stored, so a refused
		// one leaves no file behind.
		err = campusguard.CheckFinding(*f, v.Closed(), s.today())
	}
	if err == nil && up != nil {
		var fl *campusguard.File
		if fl, err = s.Files.PutFile(r.Context(), *up); err == nil {
			f.FileIDs = []int64{fl.ID}
		}
	}
	if err == nil {
		err = s.Inspections.AddFinding(r.Context(), id, f)
	}
	if err != nil {
		return s.visitFailed(w, r, "", err, func(p *visitPage) { p.Finding = form })
	}
	return seeOther(w, r, visitURL(id)+"?done=1#findings")
}

// handleVisitClose handles "POST /visits/{id}/close".
func (s *Server) handleVisitClose(w http.ResponseWriter, r *http.Request) error {
	id, err := formPost(r, s.Inspections != nil)
	if err != nil {
		return err
	}
	if err := s.Inspections.CloseVisit(r.Context(), id, r.PostForm.Get("note")); err != nil {
		return s.visitFailed(w, r, "", err, nil)
	}
	return seeOther(w, r, visitURL(id)+"?done=1")
}

// ---- Rectification items ----

type rectPage struct {
	basePage
	Org     *campusguard.Org
	Items   []*rectView
	Single  bool
	Notice  string
	MaxMB   int
	Overdue bool
	AllURL  string
	LateURL string
}

type rectView struct {
	formState
	ID                                                int64
	School, Severity, SeverityText, Problem, Deadline string
	Responsible, State, StateText, URL, VisitURL      string
	Overdue, CanAnswer, CanVerify                     bool
	AnswerURL, VerifyURL                              string
	AccountURL                                        string // record accountability for an overdue item
	SourceText                                        string // the link to the source: the visit or the readiness review
	History                                           []rectEventView
}

type rectEventView struct {
	At, By, Event, Note string
	Files               []fileView
}

func (s *Server) rectViewOf(p basePage, x *campusguard.Rectification, a *campusguard.Actor, path string) *rectView {
	id := strconv.FormatInt(x.ID, 10)
	v := &rectView{ID: x.ID, School: x.SchoolName, Severity: string(x.Severity), SeverityText: p.T("severity." + string(x.Severity)),
		Problem: x.Problem, Deadline: x.Deadline.String(), Responsible: x.Responsible, State: string(x.State),
		StateText: p.T("rect.state." + string(x.State)), Overdue: x.Overdue, URL: "/rectifications/" + id,
		VisitURL: visitURL(x.VisitID), AnswerURL: "/rectifications/" + id + "/answer", VerifyURL: "/rectifications/" + id + "/verify"}
	v.SourceText = p.T("page.visit.title")
	if x.Source == campusguard.SourceReadiness {
		v.VisitURL, v.SourceText = schoolReadinessURL(x.SchoolID), p.T("rect.from_readiness")
	}
	v.CanAnswer = (x.State == campusguard.RectOpen || x.State == campusguard.RectReturned) && a.Can(campusguard.AnswerRectifying, path)
	v.CanVerify = x.State == campusguard.RectAnswered && a.Can(campusguard.Inspect, path)
	if x.Overdue && a.Can(campusguard.RecordAccountability, path) {
		v.AccountURL = accountabilityFromItem(p, x)
	}
	for _, e := range x.History {
		ev := rectEventView{At: p.Time(e.At), By: e.By, Event: p.T("rect.event." + e.Event), Note: e.Note}
		for _, f := range e.Files {
			ev.Files = append(ev.Files, newFileView(f))
		}
		v.History = append(v.History, ev)
	}
	return v
}

func (s *Server) rectListFor(r *http.Request) (*rectPage, error) {
	if s.Inspections == nil {
		return nil, errNotFound
	}
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	o, anc, err := s.orgLine(ctx, id, campusguard.KindRegion, campusguard.KindSchool)
	if err != nil {
		return nil, err
	}
	p := &rectPage{basePage: s.base(r, "page.rectifications.title"), Org: o, MaxMB: campusguard.MaxFileSize >> 20,
		AllURL: orgURL(id) + "/rectifications", LateURL: orgURL(id) + "/rectifications?overdue=1"}
	p.underOrg("page.rectifications.title", o, anc)
	f := campusguard.RectFilter{OrgID: id, Today: s.today()}
	if r.URL.Query().Get("overdue") != "" {
		yes := true
		f.Overdue, p.Overdue = &yes, true
	}
	items, err := s.Inspections.FindRectifications(ctx, f)
	if err != nil {
		return nil, err
	}
	a := campusguard.ActorFrom(ctx)
	for _, x := range items {
		sch, err := s.Orgs.FindOrgByID(ctx, x.SchoolID)
		if err != nil {
			return nil, err
		}
		p.Items = append(p.Items, s.rectViewOf(p.basePage, x, a, sch.Path))
	}
	if r.URL.Query().Get("done") != "" {
		p.Notice = p.T("inspection.saved")
	}
	return p, nil
}

// handleRectifications handles "GET /orgs/{id}/rectifications": a school's
// items to answer, or a region's to verify.
func (s *Server) handleRectifications(w http.ResponseWriter, r *http.Request) error {
	p, err := s.rectListFor(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "rectifications", p)
}

func (s *Server) rectOneFor(r *http.Request) (*rectPage, error) {
	if s.Inspections == nil {
		return nil, errNotFound
	}
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	x, err := s.Inspections.FindRectification(ctx, id)
	if err != nil {
		return nil, err
	}
	o, anc, err := s.orgLine(ctx, x.SchoolID)
	if err != nil {
		return nil, err
	}
	p := &rectPage{basePage: s.base(r, "page.rectification.title"), Org: o, Single: true, MaxMB: campusguard.MaxFileSize >> 20,
		AllURL: orgURL(o.ID) + "/rectifications"}
	p.underOrg("page.rectification.title", o, anc)
	p.Items = []*rectView{s.rectViewOf(p.basePage, x, campusguard.ActorFrom(ctx), o.Path)}
	if r.URL.Query().Get("done") != "" {
		p.Notice = p.T("inspection.saved")
	}
	return p, nil
}

// handleRectification handles "GET /rectifications/{id}": one item with
// its history, where the inbox's notices lead.
func (s *Server) handleRectification(w http.ResponseWriter, r *http.Request) error {
	p, err := s.rectOneFor(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "rectifications", p)
}

func (s *Server) rectFailed(w http.ResponseWriter, r *http.Request, failed error) error {
	p, err := s.rectOneFor(r)
	if err != nil {
		return err
	}
	return s.renderRefused(w, r, failed, p.Lang, &p.Items[0].formState, inspectionFields, "rectifications", p)
}

// handleRectAnswer handles "POST /rectifications/{id}/answer": the school's
// answer with a photo or PDF of what it did.
func (s *Server) handleRectAnswer(w http.ResponseWriter, r *http.Request) error {
	if s.Inspections == nil || s.Files == nil {
		return errNotFound
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	x, err := s.Inspections.FindRectification(r.Context(), id)
	if err != nil {
		return err
	}
	up, err := readMultipart(w, r, x.SchoolID)
	if err == errCSRF || err == errBadForm {
		return err
	}
	note := r.FormValue("note")
	var files []int64
	if err == nil {
		err = campusguard.CheckRectAnswer(x.State, note, nil) // before the file is stored
	}
	if err == nil && up != nil {
		var fl *campusguard.File
		if fl, err = s.Files.PutFile(r.Context(), *up); err == nil {
			files = []int64{fl.ID}
		}
	}
	if err == nil {
		err = s.Inspections.AnswerRectification(r.Context(), id, note, files)
	}
	if err != nil {
		return s.rectFailed(w, r, err)
	}
	return seeOther(w, r, "/rectifications/"+strconv.FormatInt(id, 10)+"?done=1")
}

// handleRectVerify handles "POST /rectifications/{id}/verify".
func (s *Server) handleRectVerify(w http.ResponseWriter, r *http.Request) error {
	id, err := formPost(r, s.Inspections != nil)
	if err != nil {
		return err
	}
	err = s.Inspections.VerifyRectification(r.Context(), id, campusguard.Verdict(r.PostForm.Get("verdict")), r.PostForm.Get("comment"))
	if err != nil {
		return s.rectFailed(w, r, err)
	}
	return seeOther(w, r, "/rectifications/"+strconv.FormatInt(id, 10)+"?done=1")
}
