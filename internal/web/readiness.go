package web

import (
	"context"
	"errors"
	"io"
	"net/http"
	"path"
	"strconv"
	"strings"

	"campusguard"
	"campusguard/internal/authn"
	"campusguard/internal/evidence"
	"campusguard/internal/i18n"
)

// ---- Issue 11: evidence files, readiness, phases, suspensions ----

func init() {
	routeTable = append(routeTable,
		route{Route: Route{"GET", "/files/{id}", false}, h: (*Server).handleFile},
		route{Route: Route{"GET", "/files/{id}/thumb", false}, h: (*Server).handleFile},
		route{Route: Route{"GET", "/schools/{id}/readiness", false}, h: (*Server).handleReadiness},
		route{Route: Route{"POST", "/schools/{id}/readiness/items/{code}", false}, h: (*Server).handleItemAnswer, ownCSRF: true},
		route{Route: Route{"POST", "/schools/{id}/readiness/items/{code}/review", false}, h: (*Server).handleItemReview},
		route{Route: Route{"POST", "/schools/{id}/readiness/submit", false}, h: (*Server).handleReadinessSubmit},
		route{Route: Route{"POST", "/schools/{id}/approval", false}, h: (*Server).handleApprove},
		route{Route: Route{"POST", "/schools/{id}/approval/withdraw", false}, h: (*Server).handleApprovalWithdraw},
		route{Route: Route{"POST", "/schools/{id}/plans", false}, h: (*Server).handlePlanUpload, ownCSRF: true},
		route{Route: Route{"GET", "/orgs/{id}/readiness", false}, h: (*Server).handleRegionReadiness},
		route{Route: Route{"POST", "/orgs/{id}/phases", false}, h: (*Server).handlePhaseCreate},
		route{Route: Route{"POST", "/orgs/{id}/phases/{phase}/delete", false}, h: (*Server).handlePhaseDelete},
		route{Route: Route{"GET", "/orgs/{id}/suspensions", false}, h: (*Server).handleSuspensions},
		route{Route: Route{"POST", "/orgs/{id}/suspensions", false}, h: (*Server).handleSuspend},
		route{Route: Route{"POST", "/suspensions/{id}/resume", false}, h: (*Server).handleResume},
		route{Route: Route{"POST", "/suspensions/{id}/extend", false}, h: (*Server).handleExtend},
	)
}

// readinessFields names the store's fields as these forms label them.
var readinessFields = map[string]string{"code": "item_code", "kind": "plan_kind", "name": "phase_name", "state": "answer_state"}

// readinessDynamicKeys are the keys this file builds from domain values.
func readinessDynamicKeys() []string {
	var keys []string
	for _, s := range campusguard.ReviewStatuses {
		keys = append(keys, "readiness.status."+string(s))
	}
	for _, s := range campusguard.ItemStatuses {
		keys = append(keys, "readiness.item."+string(s))
	}
	for _, s := range campusguard.AnswerStates {
		keys = append(keys, "readiness.answer."+string(s))
	}
	for _, k := range campusguard.PlanKinds {
		keys = append(keys, "readiness.plan."+string(k))
	}
	for _, k := range []string{"none", "outdated", "current"} {
		keys = append(keys, "readiness.plan_state."+k)
	}
	for _, k := range []string{"not_submitted", "in_review", "approved", "partly_open", "open"} {
		keys = append(keys, "reopening."+k)
	}
	for _, k := range []string{"answer", "submit", "accept", "return"} {
		keys = append(keys, "readiness.event."+k)
	}
	for _, k := range []string{"new_cases", "percent", "hospitalised"} {
		keys = append(keys, "ili.reason."+k)
	}
	return keys
}

// reopeningLinks gives the org page its links to the readiness pages.
func (s *Server) reopeningLinks(p *orgPage, o *campusguard.Org) {
	if s.Readiness == nil {
		return
	}
	switch o.Kind {
	case campusguard.KindSchool:
		p.ReadinessURL = "/schools/" + strconv.FormatInt(o.ID, 10) + "/readiness"
	case campusguard.KindRegion:
		p.ReadinessURL = orgURL(o.ID) + "/readiness"
	}
	p.SuspensionsURL = orgURL(o.ID) + "/suspensions"
}

func schoolReadinessURL(id int64) string {
	return "/schools/" + strconv.FormatInt(id, 10) + "/readiness"
}

// fileView is an evidence file as a list shows it.
type fileView struct {
	URL, ThumbURL, Name string
}

func newFileView(f campusguard.File) fileView {
	v := fileView{URL: "/files/" + strconv.FormatInt(f.ID, 10), Name: f.Name}
	if f.Thumb {
		v.ThumbURL = v.URL + "/thumb"
	}
	return v
}

// handleFile handles "GET /files/{id}" and "GET /files/{id}/thumb": an
// evidence file, served as its sniffed type, never as HTML.
func (s *Server) handleFile(w http.ResponseWriter, r *http.Request) error {
	if s.Files == nil {
		return errNotFound
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, b, err := s.Files.FileContent(r.Context(), id, strings.HasSuffix(r.URL.Path, "/thumb"))
	if err != nil {
		return err
	}
	evidence.Serve(w, f, b)
	return nil
}

// ---- A school's readiness ----

// readinessPage is a school's review: its answers (a phone's form per
// item), the region's review and approval, and its plans.
type readinessPage struct {
	basePage
	formState
	School         *campusguard.Org
	RectSeverities []choice // the severities of an item opened from a returned one
	Today          string
	Status         string
	StatusKey      campusguard.ReviewStatus
	Version        int
	Progress       campusguard.Progress
	Items          []*itemView
	CanAnswer      bool
	CanReview      bool
	CanApprove     bool
	Approved       bool
	Approval       *campusguard.Approval
	SubmitURL      string
	ApproveURL     string
	WithdrawURL    string
	PlanURL        string
	Plans          []planView
	Notice         string
	SuspensionsURL string
	MaxMB          int
}

// itemView is one item with its answer and the forms that act on it.
type itemView struct {
	formState
	Code, Section, Title, Note, Comment string
	Status, StatusText                  string
	StateText                           string
	Files                               []fileView
	History                             []eventView
	AnswerURL, ReviewURL                string
	CanAnswer, CanReview                bool
	States                              []choice
	RectifyURL                          string // open a rectification item from a returned item (issue 12)
}

type eventView struct {
	At, By, Event, Text string
}

type planView struct {
	Kind, Label string
	Version     int
	File        *fileView
	At          string
	Outdated    bool
}

// readinessPageFor builds a school's page.
func (s *Server) readinessPageFor(r *http.Request) (*readinessPage, error) {
	if s.Readiness == nil {
		return nil, errNotFound
	}
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	rd, err := s.Readiness.SchoolReadiness(ctx, id)
	if err != nil {
		return nil, err
	}
	o, anc, err := s.orgLine(ctx, id)
	if err != nil {
		return nil, err
	}
	p := &readinessPage{basePage: s.base(r, "page.readiness.title"), School: o, StatusKey: rd.Status, Version: rd.Version,
		Progress: campusguard.ProgressOf(rd.Items), Approval: rd.Approval, Approved: rd.Approval.Active(), MaxMB: campusguard.MaxFileSize >> 20}
	p.underOrg("page.readiness.title", o, anc)
	a := campusguard.ActorFrom(ctx)
	p.CanAnswer = a.Can(campusguard.AnswerReadiness, o.Path) && !p.Approved
	p.CanReview = a.Can(campusguard.ReviewReadiness, o.Path)
	p.Status = p.T("readiness.status." + string(rd.Status))
	base := schoolReadinessURL(id)
	p.SubmitURL, p.ApproveURL = base+"/submit", "/schools/"+strconv.FormatInt(id, 10)+"/approval"
	p.WithdrawURL, p.PlanURL = p.ApproveURL+"/withdraw", "/schools/"+strconv.FormatInt(id, 10)+"/plans"
	p.SuspensionsURL = orgURL(id) + "/suspensions"
	p.CanApprove = p.CanReview && !p.Approved && rd.Status == campusguard.ReviewAccepted
	p.Today = s.today().String()
	for _, sv := range campusguard.FindingSeverities {
		p.RectSeverities = append(p.RectSeverities, choice{Value: string(sv), Label: p.T("severity." + string(sv))})
	}
	for _, it := range rd.Items {
		v := &itemView{Code: it.Item.Code, Section: it.Item.Section, Title: it.Item.Title, Note: it.Note, Comment: it.Comment,
			Status: string(it.Status), StatusText: p.T("readiness.item." + string(it.Status)),
			AnswerURL: base + "/items/" + it.Item.Code, ReviewURL: base + "/items/" + it.Item.Code + "/review"}
		if it.State != "" {
			v.StateText = p.T("readiness.answer." + string(it.State))
		}
		v.CanAnswer = p.CanAnswer && (it.Status == campusguard.ItemDraft || it.Status == campusguard.ItemReturned)
		v.CanReview = p.CanReview && it.Status == campusguard.ItemSubmitted
		if p.CanReview && it.Status == campusguard.ItemReturned && s.Inspections != nil {
			v.RectifyURL = base + "/items/" + it.Item.Code + "/rectification"
		}
		for _, st := range campusguard.AnswerStates {
			v.States = append(v.States, choice{Value: string(st), Label: p.T("readiness.answer." + string(st)), Checked: st == it.State})
		}
		for _, f := range it.Files {
			v.Files = append(v.Files, newFileView(f))
		}
		for _, e := range it.History {
			text := e.Comment
			if e.Event == "answer" {
				text = p.T("readiness.answer."+string(e.State)) + " " + e.Note
			}
			v.History = append(v.History, eventView{At: p.Time(e.At), By: e.By, Event: p.T("readiness.event." + e.Event), Text: text})
		}
		p.Items = append(p.Items, v)
	}
	today := s.today()
	for _, k := range campusguard.PlanKinds {
		pv := planView{Kind: string(k), Label: p.T("readiness.plan." + string(k))}
		for _, pl := range rd.Plans {
			if pl.Kind == k {
				fv := newFileView(pl.File)
				pv.File, pv.Version, pv.At, pv.Outdated = &fv, pl.Version, p.Time(pl.UploadedAt), pl.Outdated(today)
			}
		}
		p.Plans = append(p.Plans, pv)
	}
	switch r.URL.Query().Get("done") {
	case "saved", "submitted", "reviewed", "approved", "withdrawn", "plan":
		p.Notice = p.T("readiness.notice." + r.URL.Query().Get("done"))
	}
	return p, nil
}

// handleReadiness handles "GET /schools/{id}/readiness".
func (s *Server) handleReadiness(w http.ResponseWriter, r *http.Request) error {
	p, err := s.readinessPageFor(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "readiness", p)
}

// readinessFailed shows a school's page again with a refused form's
// errors, on the item when code names one; any other error goes to the
// error page.
func (s *Server) readinessFailed(w http.ResponseWriter, r *http.Request, code string, failed error) error {
	p, err := s.readinessPageFor(r)
	if err != nil {
		return err
	}
	target := &p.formState
	for _, it := range p.Items {
		if code != "" && it.Code == code {
			target = &it.formState
		}
	}
	return s.renderRefused(w, r, failed, p.Lang, target, readinessFields, "readiness", p)
}

// readMultipart parses a multipart form whose file part "file" may hold
// an evidence file (at most MaxFileSize) and checks the CSRF token; the
// upload is nil when no file was chosen.
func readMultipart(w http.ResponseWriter, r *http.Request, orgID int64) (*campusguard.Upload, error) {
	r.Body = http.MaxBytesReader(w, r.Body, campusguard.MaxFileSize+1<<20)
	tooLarge := campusguard.InvalidFields([]campusguard.FieldError{{Field: "file", Msg: "error.too_large",
		Args: []any{campusguard.MaxFileSize >> 20}}})
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, tooLarge // refused as such before the token can be read; changes nothing
		}
		if !errors.Is(err, http.ErrNotMultipart) {
			return nil, errBadForm
		}
		if err := r.ParseForm(); err != nil {
			return nil, errBadForm
		}
	}
	if !authn.CheckCSRF(r) {
		return nil, errCSRF
	}
	f, h, err := r.FormFile("file")
	if errors.Is(err, http.ErrMissingFile) {
		return nil, nil
	}
	if err != nil {
		return nil, errBadForm
	}
	defer f.Close()
	if h.Size > campusguard.MaxFileSize {
		return nil, tooLarge
	}
	b, err := io.ReadAll(io.LimitReader(f, campusguard.MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) == 0 && h.Filename == "" {
		return nil, nil
	}
	return &campusguard.Upload{OrgID: orgID, Name: path.Base(strings.ReplaceAll(h.Filename, `\`, "/")),
		Claimed: h.Header.Get("Content-Type"), Data: b}, nil
}

// handleItemAnswer handles "POST /schools/{id}/readiness/items/{code}": a
// school's answer, with a photo or PDF taken or chosen on the spot.
func (s *Server) handleItemAnswer(w http.ResponseWriter, r *http.Request) error {
	if s.Readiness == nil || s.Files == nil {
		return errNotFound
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	code := r.PathValue("code")
	up, err := readMultipart(w, r, id)
	if err == errCSRF || err == errBadForm {
		return err
	}
	ans := campusguard.Answer{SchoolID: id, Code: code, State: campusguard.AnswerState(r.FormValue("state")), Note: r.FormValue("note")}
	if err == nil && up != nil {
		var f *campusguard.File
		if f, err = s.Files.PutFile(r.Context(), *up); err == nil {
			ans.FileIDs = []int64{f.ID}
		}
	}
	if err == nil {
		err = s.Readiness.AnswerItem(r.Context(), ans)
	}
	if err != nil {
		return s.readinessFailed(w, r, code, err)
	}
	return seeOther(w, r, schoolReadinessURL(id)+"?done=saved#item-"+code)
}

// schoolAction runs a form post on a school's review and comes back to
// its page, or shows the refusal there.
func (s *Server) schoolAction(w http.ResponseWriter, r *http.Request, code, done string,
	fn func(ctx context.Context, rs campusguard.ReadinessService, id int64) error) error {
	id, err := formPost(r, s.Readiness != nil)
	if err != nil {
		return err
	}
	if err := fn(r.Context(), s.Readiness, id); err != nil {
		return s.readinessFailed(w, r, code, err)
	}
	s.Logger.Info("readiness "+done, "school", id, "item", code, "by", campusguard.ActorName(r.Context()))
	return seeOther(w, r, schoolReadinessURL(id)+"?done="+done)
}

// handleItemReview handles "POST /schools/{id}/readiness/items/{code}/review".
func (s *Server) handleItemReview(w http.ResponseWriter, r *http.Request) error {
	code := r.PathValue("code")
	return s.schoolAction(w, r, code, "reviewed", func(ctx context.Context, rs campusguard.ReadinessService, id int64) error {
		return rs.ReviewItem(ctx, id, code, campusguard.Verdict(r.PostForm.Get("verdict")), r.PostForm.Get("comment"))
	})
}

// handleReadinessSubmit handles "POST /schools/{id}/readiness/submit".
func (s *Server) handleReadinessSubmit(w http.ResponseWriter, r *http.Request) error {
	return s.schoolAction(w, r, "", "submitted", func(ctx context.Context, rs campusguard.ReadinessService, id int64) error {
		return rs.SubmitReadiness(ctx, id)
	})
}

// handleApprove handles "POST /schools/{id}/approval".
func (s *Server) handleApprove(w http.ResponseWriter, r *http.Request) error {
	return s.schoolAction(w, r, "", "approved", func(ctx context.Context, rs campusguard.ReadinessService, id int64) error {
		return rs.ApproveReopening(ctx, id)
	})
}

// handleApprovalWithdraw handles "POST /schools/{id}/approval/withdraw".
func (s *Server) handleApprovalWithdraw(w http.ResponseWriter, r *http.Request) error {
	return s.schoolAction(w, r, "", "withdrawn", func(ctx context.Context, rs campusguard.ReadinessService, id int64) error {
		return rs.WithdrawApproval(ctx, id, r.PostForm.Get("reason"))
	})
}

// handlePlanUpload handles "POST /schools/{id}/plans": a new version of
// the prevention or emergency plan.
func (s *Server) handlePlanUpload(w http.ResponseWriter, r *http.Request) error {
	if s.Readiness == nil || s.Files == nil {
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
	if err == nil && up == nil {
		err = campusguard.InvalidFields([]campusguard.FieldError{{Field: "file", Msg: "error.required"}})
	}
	if err == nil {
		var f *campusguard.File
		if f, err = s.Files.PutFile(r.Context(), *up); err == nil {
			err = s.Readiness.UploadPlan(r.Context(), id, campusguard.PlanKind(r.FormValue("kind")), f.ID)
		}
	}
	if err != nil {
		return s.readinessFailed(w, r, "", err)
	}
	return seeOther(w, r, schoolReadinessURL(id)+"?done=plan#plans")
}

// ---- The region's overview and phases ----

// regionReadinessPage is every school's progress under a node, today's
// open classes and the region's phases.
type regionReadinessPage struct {
	basePage
	formState
	Org            *campusguard.Org
	Figures        campusguard.OpenFigures
	Rows           []regionReadinessRow
	Phases         []phaseRow
	CanPhase       bool
	PhaseURL       string
	Types          []choice
	PhaseForm      phaseForm
	SuspensionsURL string
	Notice         string
}

type regionReadinessRow struct {
	URL, Name, Type, Status, StatusKey, Reopening, ReopeningKey string
	Progress                                                    campusguard.Progress
	Plans                                                       []string
	Open, Classes, Suspended                                    int
	ApprovedAt                                                  string
}

type phaseRow struct {
	Name, Type, Grades, Start, DeleteURL string
}

type phaseForm struct {
	Name, Type, Grades, Start string
}

func (s *Server) regionReadinessPageFor(r *http.Request) (*regionReadinessPage, error) {
	if s.Readiness == nil {
		return nil, errNotFound
	}
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	o, anc, err := s.orgLine(ctx, id)
	if err != nil {
		return nil, err
	}
	lines, err := s.Readiness.RegionReadiness(ctx, id)
	if err != nil {
		return nil, err
	}
	p := &regionReadinessPage{basePage: s.base(r, "page.region_readiness.title"), Org: o, SuspensionsURL: orgURL(id) + "/suspensions"}
	p.underOrg("page.region_readiness.title", o, anc)
	if p.Figures, err = s.Readiness.OpenFigures(ctx, id, s.today()); err != nil {
		return nil, err
	}
	for _, l := range lines {
		row := regionReadinessRow{URL: schoolReadinessURL(l.SchoolID), Name: l.Name, Type: p.T(schoolTypeKey(l.Type)),
			Status: p.T("readiness.status." + string(l.Status)), StatusKey: string(l.Status), Progress: l.Progress,
			Reopening: p.T("reopening." + l.Reopening), ReopeningKey: l.Reopening, Open: l.Open, Classes: l.Classes, Suspended: l.Suspended}
		for i, st := range l.Plans {
			row.Plans = append(row.Plans, p.T("readiness.plan."+string(campusguard.PlanKinds[i]))+"："+p.T("readiness.plan_state."+st))
		}
		if l.Approval.Active() {
			row.ApprovedAt = l.Approval.Day.String()
		}
		p.Rows = append(p.Rows, row)
	}
	if o.ParentID == nil {
		phases, err := s.Readiness.Phases(ctx, id)
		if err != nil {
			return nil, err
		}
		p.CanPhase = campusguard.ActorFrom(ctx).Can(campusguard.ReviewReadiness, o.Path)
		p.PhaseURL = orgURL(id) + "/phases"
		for _, ph := range phases {
			var gs []string
			for _, g := range ph.Grades {
				gs = append(gs, strconv.Itoa(g))
			}
			p.Phases = append(p.Phases, phaseRow{Name: ph.Name, Type: p.T(schoolTypeKey(ph.SchoolType)), Grades: strings.Join(gs, "、"),
				Start: ph.Start.String(), DeleteURL: orgURL(id) + "/phases/" + strconv.FormatInt(ph.ID, 10) + "/delete"})
		}
		p.PhaseForm.Start = s.today().String()
		p.setTypes(string(campusguard.Primary))
	}
	if r.URL.Query().Get("done") != "" {
		p.Notice = p.T("readiness.notice.saved")
	}
	return p, nil
}

func (p *regionReadinessPage) setTypes(checked string) {
	p.Types = p.Types[:0]
	for _, t := range campusguard.SchoolTypes {
		p.Types = append(p.Types, choice{Value: string(t), Label: p.T(schoolTypeKey(t)), Checked: string(t) == checked})
	}
}

// handleRegionReadiness handles "GET /orgs/{id}/readiness".
func (s *Server) handleRegionReadiness(w http.ResponseWriter, r *http.Request) error {
	p, err := s.regionReadinessPageFor(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "readiness_region", p)
}

// parseGrades reads "7, 8 9" as grade years; Invalid naming "grades".
func parseGrades(s string) ([]int, error) {
	var out []int
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '、' || r == '，' }) {
		n, err := strconv.Atoi(f)
		if err != nil {
			return nil, campusguard.InvalidFields([]campusguard.FieldError{{Field: "grades", Msg: "error.grades_list"}})
		}
		out = append(out, n)
	}
	return out, nil
}

// handlePhaseCreate handles "POST /orgs/{id}/phases".
func (s *Server) handlePhaseCreate(w http.ResponseWriter, r *http.Request) error {
	id, err := formPost(r, s.Readiness != nil)
	if err != nil {
		return err
	}
	f := phaseForm{Name: r.PostForm.Get("name"), Type: r.PostForm.Get("school_type"), Grades: r.PostForm.Get("grades"), Start: r.PostForm.Get("start")}
	ph := &campusguard.Phase{RegionID: id, Name: f.Name, SchoolType: campusguard.SchoolType(f.Type)}
	ph.Grades, err = parseGrades(f.Grades)
	if err == nil && f.Start != "" {
		if ph.Start, err = campusguard.ParseDate(f.Start); err != nil {
			err = campusguard.InvalidFields([]campusguard.FieldError{{Field: "start", Msg: "error.type_date"}})
		}
	}
	if err == nil {
		err = s.Readiness.SetPhase(r.Context(), ph)
	}
	if err == nil {
		return seeOther(w, r, orgURL(id)+"/readiness?done=phase#phases")
	}
	p, perr := s.regionReadinessPageFor(r)
	if perr != nil {
		return perr
	}
	status, ok := formFailedAs(p.Lang, err, &p.formState, readinessFields)
	if !ok {
		return err
	}
	p.PhaseForm = f
	p.setTypes(f.Type)
	return s.render(w, r, status, "readiness_region", p)
}

// handlePhaseDelete handles "POST /orgs/{id}/phases/{phase}/delete".
func (s *Server) handlePhaseDelete(w http.ResponseWriter, r *http.Request) error {
	if s.Readiness == nil {
		return errNotFound
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	pid, err := pathID(r, "phase")
	if err != nil {
		return err
	}
	if err := s.Readiness.DeletePhase(r.Context(), id, pid); err != nil {
		return err
	}
	return seeOther(w, r, orgURL(id)+"/readiness?done=phase#phases")
}

// ---- Suspensions ----

// suspensionsPage is a node's suspensions, the classes under it that reach
// the ILI criteria today, and the form that suspends the node.
type suspensionsPage struct {
	basePage
	formState
	Org                *campusguard.Org
	Today              string
	Proposals          []iliRow
	Rows               []suspensionRow
	CanSuspend         bool
	Action             string
	Start, End, Reason string
	DefaultDays        int
	Notice             string
}

type iliRow struct {
	Class, School                    string
	New, Current, Size, Hospitalised int
	Reasons                          string
	Suspended                        bool
	Action                           string
}

type suspensionRow struct {
	ID                                int64
	Name, Kind, Start, End            string
	Reason, By, Resumed, ResumeReason string
	Standing                          bool
	ResumeURL, ExtendURL              string
	CanAct                            bool
}

func (s *Server) suspensionsPageFor(r *http.Request) (*suspensionsPage, error) {
	if s.Readiness == nil {
		return nil, errNotFound
	}
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	o, anc, err := s.orgLine(ctx, id)
	if err != nil {
		return nil, err
	}
	today := s.today()
	p := &suspensionsPage{basePage: s.base(r, "page.suspensions.title"), Org: o, Today: today.String(), Action: orgURL(id) + "/suspensions",
		Start: today.String()}
	p.underOrg("page.suspensions.title", o, anc)
	a := campusguard.ActorFrom(ctx)
	canAt := func(k campusguard.OrgKind, path string) bool {
		if campusguard.SuspendLevel(k) == campusguard.RegionAdmin {
			return a.Can(campusguard.ReviewReadiness, path)
		}
		return a.Can(campusguard.SuspendClasses, path)
	}
	p.CanSuspend = canAt(o.Kind, o.Path)
	xs, err := s.Readiness.Suspensions(ctx, id, today.AddDays(-30))
	if err != nil {
		return nil, err
	}
	for _, x := range xs {
		row := suspensionRow{ID: x.ID, Name: x.OrgName, Kind: p.T(orgKindKey(x.OrgKind)), Start: x.Start.String(), End: x.End.String(),
			Reason: x.Reason, By: x.DecidedBy, Standing: x.Resumed == nil && !x.End.Before(today), ResumeReason: x.ResumeReason,
			ResumeURL: "/suspensions/" + strconv.FormatInt(x.ID, 10) + "/resume", ExtendURL: "/suspensions/" + strconv.FormatInt(x.ID, 10) + "/extend"}
		if x.Resumed != nil {
			row.Resumed = x.Resumed.String()
		}
		row.CanAct = row.Standing && canAt(x.OrgKind, x.OrgPath)
		p.Rows = append(p.Rows, row)
	}
	ili, err := s.Readiness.ClassILI(ctx, id, today)
	if err != nil {
		return nil, err
	}
	for _, c := range ili {
		var rs []string
		for _, k := range c.Reasons {
			rs = append(rs, p.T("ili.reason."+k))
		}
		p.Proposals = append(p.Proposals, iliRow{Class: c.ClassName, School: c.SchoolName, New: c.New, Current: c.Current, Size: c.Size,
			Hospitalised: c.Hospitalised, Reasons: strings.Join(rs, "；"), Suspended: c.Suspended, Action: orgURL(c.ClassID) + "/suspensions"})
	}
	if o.RegionID != 0 {
		if t, err := s.Readiness.ILISettings(ctx, o.RegionID); err == nil {
			p.DefaultDays = t.Days
		}
	}
	if r.URL.Query().Get("done") != "" {
		p.Notice = p.T("readiness.notice.saved")
	}
	return p, nil
}

// handleSuspensions handles "GET /orgs/{id}/suspensions".
func (s *Server) handleSuspensions(w http.ResponseWriter, r *http.Request) error {
	p, err := s.suspensionsPageFor(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "suspensions", p)
}

// formDate reads an optional date field; Invalid naming it when malformed.
func formDate(r *http.Request, field string) (campusguard.Date, error) {
	v := strings.TrimSpace(r.PostForm.Get(field))
	if v == "" {
		return campusguard.Date{}, nil
	}
	d, err := campusguard.ParseDate(v)
	if err != nil {
		return d, campusguard.InvalidFields([]campusguard.FieldError{{Field: field, Msg: "error.type_date"}})
	}
	return d, nil
}

// suspensionFailed shows the suspensions page of org again with a refusal.
func (s *Server) suspensionFailed(w http.ResponseWriter, r *http.Request, failed error) error {
	p, err := s.suspensionsPageFor(r)
	if err != nil {
		return err
	}
	status, ok := formFailed(p.Lang, failed, &p.formState)
	if !ok {
		return failed
	}
	p.Start, p.End, p.Reason = r.PostForm.Get("start"), r.PostForm.Get("end"), r.PostForm.Get("reason")
	return s.render(w, r, status, "suspensions", p)
}

// handleSuspend handles "POST /orgs/{id}/suspensions".
func (s *Server) handleSuspend(w http.ResponseWriter, r *http.Request) error {
	id, err := formPost(r, s.Readiness != nil)
	if err != nil {
		return err
	}
	x := &campusguard.Suspension{OrgID: id, Reason: r.PostForm.Get("reason")}
	x.Start, err = formDate(r, "start")
	if err == nil {
		x.End, err = formDate(r, "end")
	}
	if err == nil {
		err = s.Readiness.Suspend(r.Context(), x)
	}
	if err != nil {
		return s.suspensionFailed(w, r, err)
	}
	return seeOther(w, r, orgURL(id)+"/suspensions?done=1")
}

// suspensionAction runs a resumption or extension and goes back to the
// page it came from (the form's "back" org id).
func (s *Server) suspensionAction(w http.ResponseWriter, r *http.Request, fn func(ctx context.Context, id int64) error) error {
	id, err := formPost(r, s.Readiness != nil)
	if err != nil {
		return err
	}
	back, _ := strconv.ParseInt(r.PostForm.Get("back"), 10, 64)
	if err := fn(r.Context(), id); err != nil {
		if back <= 0 {
			return err
		}
		r.SetPathValue("id", strconv.FormatInt(back, 10))
		return s.suspensionFailed(w, r, err)
	}
	if back <= 0 {
		return seeOther(w, r, "/")
	}
	return seeOther(w, r, orgURL(back)+"/suspensions?done=1")
}

// handleResume handles "POST /suspensions/{id}/resume".
func (s *Server) handleResume(w http.ResponseWriter, r *http.Request) error {
	return s.suspensionAction(w, r, func(ctx context.Context, id int64) error {
		day, err := formDate(r, "day")
		if err != nil {
			return err
		}
		return s.Readiness.Resume(ctx, id, day, r.PostForm.Get("reason"))
	})
}

// handleExtend handles "POST /suspensions/{id}/extend".
func (s *Server) handleExtend(w http.ResponseWriter, r *http.Request) error {
	return s.suspensionAction(w, r, func(ctx context.Context, id int64) error {
		end, err := formDate(r, "end")
		if err != nil {
			return err
		}
		return s.Readiness.ExtendSuspension(ctx, id, end, r.PostForm.Get("reason"))
	})
}

// reopeningCard is the reopening of a region's schools on a day: its open
// classes and students against all, and its schools by reopening status.
type reopeningCard struct {
	Figures campusguard.OpenFigures
	Counts  []reopeningCount
	URL     string
}

type reopeningCount struct {
	Key, Label string
	N          int
}

// reopeningCard fills the card for a region node on day; nil for a node
// that is not a region, or a server without the service.
func (s *Server) reopeningCard(ctx context.Context, l i18n.Lang, o *campusguard.Org, day campusguard.Date) (*reopeningCard, error) {
	if s.Readiness == nil || o.Kind != campusguard.KindRegion {
		return nil, nil
	}
	f, err := s.Readiness.OpenFigures(ctx, o.ID, day)
	if err != nil {
		return nil, err
	}
	lines, err := s.Readiness.RegionReadiness(ctx, o.ID)
	if err != nil {
		return nil, err
	}
	return newReopeningCard(l, o, campusguard.ReopeningOf(f, lines)), nil
}

// newReopeningCard lays out a region's reopening, live or as a briefing
// kept it.
func newReopeningCard(l i18n.Lang, o *campusguard.Org, r *campusguard.BriefingReopening) *reopeningCard {
	c := &reopeningCard{Figures: r.Figures, URL: orgURL(o.ID) + "/readiness"}
	for _, k := range campusguard.ReopeningStatuses {
		c.Counts = append(c.Counts, reopeningCount{Key: k, Label: tr(l, "reopening."+k), N: r.Counts[k]})
	}
	c.Counts = append(c.Counts, reopeningCount{Key: "suspended", Label: tr(l, "reopening.with_suspended"), N: r.Counts["suspended"]})
	return c
}
