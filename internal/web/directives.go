package web

import (
	"net/http"
	"strconv"

	"campusguard"
)

// ---- Issue 12: directives (日部署、日調度) ----
//
// The region sends a directive from its directives page and follows who
// has answered on the directive's page; a school answers on its own list,
// on a phone. What a page shows is what the store answers.

func init() {
	routeTable = append(routeTable,
		route{Route: Route{"GET", "/orgs/{id}/directives", false}, h: (*Server).handleDirectives},
		route{Route: Route{"POST", "/orgs/{id}/directives", false}, h: (*Server).handleDirectiveSend, ownCSRF: true},
		route{Route: Route{"GET", "/directives/{id}", false}, h: (*Server).handleDirective},
		route{Route: Route{"POST", "/directives/{id}/acknowledge", false}, h: (*Server).handleDirectiveAcknowledge},
		route{Route: Route{"POST", "/directives/{id}/complete", false}, h: (*Server).handleDirectiveComplete, ownCSRF: true},
		route{Route: Route{"POST", "/directives/{id}/remind", false}, h: (*Server).handleDirectiveRemind},
		route{Route: Route{"GET", "/schools/{id}/directives", false}, h: (*Server).handleSchoolDirectives},
	)
}

// directiveFields names the store's fields as these forms label them.
var directiveFields = map[string]string{"title": "directive_title", "text": "directive_text", "schools": "directive_schools",
	"target": "directive_target", "town_id": "town", "deadline": "directive_deadline"}

// directiveDynamicKeys are the keys this file builds from domain values.
func directiveDynamicKeys() []string {
	var keys []string
	for _, t := range campusguard.DirectiveTargets {
		keys = append(keys, "directive.target."+string(t))
	}
	for _, st := range []string{"pending", "acknowledged", "completed"} {
		keys = append(keys, "directive.state."+st)
	}
	return keys
}

func directiveURL(id int64) string { return "/directives/" + strconv.FormatInt(id, 10) }

func schoolDirectivesURL(id int64) string {
	return "/schools/" + strconv.FormatInt(id, 10) + "/directives"
}

// directiveLinks gives the org page its link: a top-level region's
// directives, or a school's, to those who read them.
func (s *Server) directiveLinks(p *orgPage, o *campusguard.Org) {
	if s.Directives == nil || p.actor == nil || !p.actor.Can(campusguard.ReadDirectives, o.Path) {
		return
	}
	switch {
	case o.Kind == campusguard.KindRegion && o.ParentID == nil:
		p.DirectivesURL = orgURL(o.ID) + "/directives"
	case o.Kind == campusguard.KindSchool:
		p.DirectivesURL = schoolDirectivesURL(o.ID)
	}
}

// ---- The region's directives and the form to send one ----

type directivesPage struct {
	basePage
	formState
	Org         *campusguard.Org
	CanSend     bool
	SendURL     string
	Targets     []choice
	Types       []choice
	Towns       []choice
	Schools     []choice
	Form        directiveForm
	List        []directiveLine
	Notice      string
	MaxMB       int
	MinDeadline string
}

type directiveForm struct {
	Title, Text, Deadline, Target, SchoolType, TownID string
	Report                                            bool
	SchoolIDs                                         map[string]bool
}

type directiveLine struct {
	URL, Title, Deadline, Target, Sent string
	Schools, Acknowledged, Completed   int
	Pending                            int
	Report                             bool
}

func (s *Server) directivesPageFor(r *http.Request) (*directivesPage, error) {
	if s.Directives == nil {
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
	list, err := s.Directives.FindDirectives(ctx, campusguard.DirectiveFilter{RegionID: id})
	if err != nil {
		return nil, err
	}
	p := &directivesPage{basePage: s.base(r, "page.directives.title"), Org: o, SendURL: orgURL(id) + "/directives",
		MaxMB: campusguard.MaxFileSize >> 20, MinDeadline: s.today().String(),
		Form: directiveForm{Target: string(campusguard.TargetAll), Deadline: s.today().AddDays(3).String(), Report: true}}
	p.underOrg("page.directives.title", o, anc)
	p.CanSend = campusguard.ActorFrom(ctx).Can(campusguard.SendDirectives, o.Path)
	for _, d := range list {
		p.List = append(p.List, directiveLine{URL: directiveURL(d.ID), Title: d.Title, Deadline: d.Deadline.String(),
			Target: p.T("directive.target." + string(d.Target)), Sent: p.Time(d.CreatedAt), Schools: d.Schools,
			Acknowledged: d.Acknowledged, Completed: d.Completed, Pending: d.Pending, Report: d.ReportRequired})
	}
	if p.CanSend {
		for _, t := range campusguard.DirectiveTargets {
			p.Targets = append(p.Targets, choice{Value: string(t), Label: p.T("directive.target." + string(t))})
		}
		for _, t := range campusguard.SchoolTypes {
			p.Types = append(p.Types, choice{Value: string(t), Label: p.T(schoolTypeKey(t))})
		}
		region, school := campusguard.KindRegion, campusguard.KindSchool
		towns, _, err := s.Orgs.FindOrgs(ctx, campusguard.OrgFilter{Under: &id, Kind: &region, Limit: 500})
		if err != nil {
			return nil, err
		}
		for _, t := range towns {
			p.Towns = append(p.Towns, choice{Value: strconv.FormatInt(t.ID, 10), Label: t.Name})
		}
		schools, _, err := s.Orgs.FindOrgs(ctx, campusguard.OrgFilter{Under: &id, Kind: &school, Limit: 1000})
		if err != nil {
			return nil, err
		}
		for _, sc := range schools {
			p.Schools = append(p.Schools, choice{Value: strconv.FormatInt(sc.ID, 10), Label: sc.Name})
		}
	}
	if r.URL.Query().Get("done") != "" {
		p.Notice = p.T("directive.sent")
	}
	return p, nil
}

// handleDirectives handles "GET /orgs/{id}/directives": a region's
// directives with their answers counted, and the form to send one.
func (s *Server) handleDirectives(w http.ResponseWriter, r *http.Request) error {
	p, err := s.directivesPageFor(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "directives", p)
}

// handleDirectiveSend handles "POST /orgs/{id}/directives": a directive
// with an attachment stored as the region's.
func (s *Server) handleDirectiveSend(w http.ResponseWriter, r *http.Request) error {
	if s.Directives == nil || s.Files == nil {
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
	form := directiveForm{Title: r.FormValue("title"), Text: r.FormValue("text"), Deadline: r.FormValue("deadline"),
		Target: r.FormValue("target"), SchoolType: r.FormValue("school_type"), TownID: r.FormValue("town_id"),
		Report: r.FormValue("report_required") == "true", SchoolIDs: map[string]bool{}}
	d := &campusguard.Directive{RegionID: id, Title: form.Title, Text: form.Text, ReportRequired: form.Report,
		Target: campusguard.DirectiveTarget(form.Target), SchoolType: campusguard.SchoolType(form.SchoolType), FileIDs: []int64{}}
	d.TownID, _ = strconv.ParseInt(form.TownID, 10, 64)
	if d.Target == campusguard.TargetList {
		for _, v := range r.Form["school_id"] {
			if n, perr := strconv.ParseInt(v, 10, 64); perr == nil {
				d.SchoolIDs = append(d.SchoolIDs, n)
				form.SchoolIDs[v] = true
			}
		}
	}
	if err == nil {
		var fe []campusguard.FieldError
		d.Deadline, fe = inspFormDate(r.Form, "deadline", nil)
		if len(fe) > 0 {
			err = campusguard.InvalidFields(fe)
		}
	}
	if err == nil {
		// Checked before the attachment is stored, so a refused directive
		// leaves no file behind.
		err = campusguard.ValidateDirective(*d, s.today())
	}
	if err == nil && up != nil {
		var fl *campusguard.File
		if fl, err = s.Files.PutFile(r.Context(), *up); err == nil {
			d.FileIDs = []int64{fl.ID}
		}
	}
	if err == nil {
		err = s.Directives.SendDirective(r.Context(), d)
	}
	if err != nil {
		p, perr := s.directivesPageFor(r)
		if perr != nil {
			return perr
		}
		p.Form = form
		return s.renderRefused(w, r, err, p.Lang, &p.formState, directiveFields, "directives", p)
	}
	return seeOther(w, r, directiveURL(d.ID)+"?done=1")
}

// ---- One directive: the region's table, or the school's answer ----

type directivePage struct {
	basePage
	Org        *campusguard.Org
	Whole      bool // the region's view: every school
	Card       *directiveCard
	Rows       []*directiveRow
	Laggards   []string
	CanRemind  bool
	RemindURL  string
	Counts     string
	Notice     string
	MaxMB      int
	ListURL    string
	OnlyLate   bool
	LateURL    string
	AllURL     string
	Directives []*directiveCard // a school's list
}

// directiveCard is a directive as a school sees it, with its own row.
type directiveCard struct {
	P                                *basePage // the page, for its words and token
	MaxMB                            int
	ID                               int64
	URL, Title, Text, Deadline, Sent string
	Report                           bool
	Files                            []fileView
	Row                              *directiveRow
}

type directiveRow struct {
	formState
	SchoolID                           int64
	School, State, StateText           string
	AckAt, AckBy, DoneAt, DoneBy, Note string
	Reminded                           string
	Files                              []fileView
	Overdue, Done                      bool
	CanAck, CanComplete                bool
	AckURL, CompleteURL                string
}

func (s *Server) directiveRowOf(p basePage, d *campusguard.Directive, ds campusguard.DirectiveSchool, a *campusguard.Actor, path string) *directiveRow {
	row := &directiveRow{SchoolID: ds.SchoolID, School: ds.SchoolName, AckBy: ds.AcknowledgedBy, DoneBy: ds.CompletedBy, Note: ds.Note,
		Overdue: ds.Overdue, Done: ds.Done, AckURL: directiveURL(d.ID) + "/acknowledge",
		CompleteURL: directiveURL(d.ID) + "/complete?school_id=" + strconv.FormatInt(ds.SchoolID, 10)}
	row.State = "pending"
	if ds.AcknowledgedAt != nil {
		row.State, row.AckAt = "acknowledged", p.Time(*ds.AcknowledgedAt)
	}
	if ds.CompletedAt != nil {
		row.State, row.DoneAt = "completed", p.Time(*ds.CompletedAt)
	}
	row.StateText = p.T("directive.state." + row.State)
	if ds.RemindedAt != nil {
		row.Reminded = p.Time(*ds.RemindedAt)
	}
	for _, f := range ds.Files {
		row.Files = append(row.Files, newFileView(f))
	}
	if a.Can(campusguard.AnswerDirectives, path) {
		row.CanAck = ds.AcknowledgedAt == nil
		row.CanComplete = d.ReportRequired && ds.CompletedAt == nil
	}
	return row
}

func (s *Server) directiveCardOf(p *basePage, d *campusguard.Directive) *directiveCard {
	c := &directiveCard{P: p, MaxMB: campusguard.MaxFileSize >> 20, ID: d.ID, URL: directiveURL(d.ID), Title: d.Title, Text: d.Text, Deadline: d.Deadline.String(),
		Sent: p.Time(d.CreatedAt), Report: d.ReportRequired}
	for _, f := range d.Files {
		c.Files = append(c.Files, newFileView(f))
	}
	return c
}

func (s *Server) directivePageFor(r *http.Request) (*directivePage, error) {
	if s.Directives == nil {
		return nil, errNotFound
	}
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	d, err := s.Directives.FindDirective(ctx, id)
	if err != nil {
		return nil, err
	}
	a := campusguard.ActorFrom(ctx)
	region, anc, err := s.orgLine(ctx, d.RegionID)
	p := &directivePage{basePage: s.base(r, "page.directive.title"), MaxMB: campusguard.MaxFileSize >> 20}
	if err == nil && a.Can(campusguard.ReadDirectives, region.Path) {
		p.Whole, p.Org = true, region
		p.underOrg("page.directive.title", region, anc)
		p.ListURL = orgURL(region.ID) + "/directives"
		p.CanRemind = a.Can(campusguard.SendDirectives, region.Path)
	} else {
		// A school's account: its own school's line.
		sch, sanc, err := s.orgLine(ctx, d.Recipients[0].SchoolID)
		if err != nil {
			return nil, err
		}
		p.Org = sch
		p.underOrg("page.directive.title", sch, sanc)
		p.ListURL = schoolDirectivesURL(sch.ID)
	}
	p.RemindURL = directiveURL(d.ID) + "/remind"
	p.Card = s.directiveCardOf(&p.basePage, d)
	for _, ds := range d.Recipients {
		// A school's account answers for its school; on the region's
		// page, only one who answers for the whole region (a system admin):
		// no school is read row by row.
		row := s.directiveRowOf(p.basePage, d, ds, a, p.Org.Path)
		p.Rows = append(p.Rows, row)
		if !ds.Done {
			p.Laggards = append(p.Laggards, ds.SchoolName)
		}
	}
	if !p.Whole && len(p.Rows) > 0 {
		p.Card.Row = p.Rows[0]
	}
	p.CanRemind = p.CanRemind && len(p.Laggards) > 0
	p.Counts = p.T("directive.counts", d.Schools, d.Acknowledged, d.Completed, d.Pending)
	switch r.URL.Query().Get("done") {
	case "":
	case "remind":
		p.Notice = p.T("directive.reminded", r.URL.Query().Get("n"))
	default:
		p.Notice = p.T("directive.saved")
	}
	return p, nil
}

// handleDirective handles "GET /directives/{id}": to the region, every
// school's answer and who has not answered, with the reminder; to a
// school, the directive and its answer forms.
func (s *Server) handleDirective(w http.ResponseWriter, r *http.Request) error {
	p, err := s.directivePageFor(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "directive", p)
}

// directiveFailed shows the directive again with a refused answer's
// errors on the school's row.
func (s *Server) directiveFailed(w http.ResponseWriter, r *http.Request, schoolID int64, failed error) error {
	p, err := s.directivePageFor(r)
	if err != nil {
		return err
	}
	var target *formState
	for _, row := range p.Rows {
		if row.SchoolID == schoolID {
			target = &row.formState
		}
	}
	if target == nil {
		return failed
	}
	return s.renderRefused(w, r, failed, p.Lang, target, directiveFields, "directive", p)
}

// handleDirectiveAcknowledge handles "POST /directives/{id}/acknowledge".
func (s *Server) handleDirectiveAcknowledge(w http.ResponseWriter, r *http.Request) error {
	id, err := formPost(r, s.Directives != nil)
	if err != nil {
		return err
	}
	school, _ := strconv.ParseInt(r.PostForm.Get("school_id"), 10, 64)
	if err := s.Directives.AcknowledgeDirective(r.Context(), id, school); err != nil {
		return s.directiveFailed(w, r, school, err)
	}
	return seeOther(w, r, directiveURL(id)+"?done=1")
}

// handleDirectiveComplete handles "POST /directives/{id}/complete": the
// school's report with a photo or PDF of what it did.
func (s *Server) handleDirectiveComplete(w http.ResponseWriter, r *http.Request) error {
	if s.Directives == nil || s.Files == nil {
		return errNotFound
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	d, err := s.Directives.FindDirective(r.Context(), id)
	if err != nil {
		return err
	}
	// The school comes from the form, and is checked by the store; the
	// evidence is stored as that school's.
	school, _ := strconv.ParseInt(r.URL.Query().Get("school_id"), 10, 64)
	var row *campusguard.DirectiveSchool
	for i := range d.Recipients {
		if d.Recipients[i].SchoolID == school {
			row = &d.Recipients[i]
		}
	}
	if row == nil {
		return errNotFound
	}
	up, err := readMultipart(w, r, school)
	if err == errCSRF || err == errBadForm {
		return err
	}
	note := r.FormValue("note")
	var files []int64
	if err == nil {
		err = campusguard.CheckDirectiveCompletion(d.ReportRequired, row, note, nil) // before the file is stored
	}
	if err == nil && up != nil {
		var fl *campusguard.File
		if fl, err = s.Files.PutFile(r.Context(), *up); err == nil {
			files = []int64{fl.ID}
		}
	}
	if err == nil {
		err = s.Directives.CompleteDirective(r.Context(), id, school, note, files)
	}
	if err != nil {
		return s.directiveFailed(w, r, school, err)
	}
	return seeOther(w, r, directiveURL(id)+"?done=1")
}

// handleDirectiveRemind handles "POST /directives/{id}/remind": one
// action tells every school that has not answered.
func (s *Server) handleDirectiveRemind(w http.ResponseWriter, r *http.Request) error {
	if s.Directives == nil {
		return errNotFound
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	n, err := s.Directives.RemindDirective(r.Context(), id)
	if err != nil {
		return err
	}
	return seeOther(w, r, directiveURL(id)+"?done=remind&n="+strconv.Itoa(n))
}

// handleSchoolDirectives handles "GET /schools/{id}/directives?overdue=":
// the directives sent to a school, to answer on a phone.
func (s *Server) handleSchoolDirectives(w http.ResponseWriter, r *http.Request) error {
	if s.Directives == nil {
		return errNotFound
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	o, anc, err := s.orgLine(ctx, id, campusguard.KindSchool)
	if err != nil {
		return err
	}
	f := campusguard.DirectiveFilter{SchoolID: id, Today: s.today()}
	p := &directivePage{basePage: s.base(r, "page.directives.title"), Org: o, MaxMB: campusguard.MaxFileSize >> 20,
		AllURL: schoolDirectivesURL(id), LateURL: schoolDirectivesURL(id) + "?overdue=1"}
	p.underOrg("page.directives.title", o, anc)
	if r.URL.Query().Get("overdue") != "" {
		f.Overdue, p.OnlyLate = true, true
	}
	list, err := s.Directives.FindDirectives(ctx, f)
	if err != nil {
		return err
	}
	a := campusguard.ActorFrom(ctx)
	for _, d := range list {
		c := s.directiveCardOf(&p.basePage, d)
		if len(d.Recipients) > 0 {
			c.Row = s.directiveRowOf(p.basePage, d, d.Recipients[0], a, o.Path)
		}
		p.Directives = append(p.Directives, c)
	}
	return s.render(w, r, http.StatusOK, "school_directives", p)
}
