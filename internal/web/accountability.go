package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"campusguard"
)

// ---- Issue 12: accountability records ----
//
// The region's education bureau alone reads and records them; the store
// answers NotFound to everyone else, so every page here is a 404 to a
// school's accounts.

func init() {
	routeTable = append(routeTable,
		route{Route: Route{"GET", "/orgs/{id}/accountability", false}, h: (*Server).handleAccountability},
		route{Route: Route{"POST", "/orgs/{id}/accountability", false}, h: (*Server).handleAccountabilityCreate},
		route{Route: Route{"GET", "/orgs/{id}/accountability/pick", false}, h: (*Server).handleAccountabilityPick},
		route{Route: Route{"GET", "/accountability/{id}", false}, h: (*Server).handleAccountabilityView},
		route{Route: Route{"POST", "/findings/{id}/reinspect", false}, h: (*Server).handleFindingReinspect},
		route{Route: Route{"POST", "/schools/{id}/readiness/items/{code}/rectification", false}, h: (*Server).handleItemRectify},
	)
}

// accountabilityFields names the store's fields as the form labels them.
var accountabilityFields = map[string]string{"school_id": "school", "person_id": "accountable_person", "day": "measure_day"}

// accountabilityDynamicKeys are the keys built from domain values.
func accountabilityDynamicKeys() []string {
	var keys []string
	for _, m := range campusguard.Measures {
		keys = append(keys, "measure."+string(m))
	}
	for _, k := range campusguard.FailureKinds {
		keys = append(keys, "failure."+string(k))
	}
	return keys
}

func accountabilityURL(id int64) string { return "/accountability/" + strconv.FormatInt(id, 10) }

type accountabilityPage struct {
	basePage
	formState
	Org        *campusguard.Org
	Single     bool
	CanRecord  bool
	Records    []accountabilityView
	Measures   []choice
	Kinds      []choice
	Schools    []choice
	Filter     []choice // the measure filter
	Form       accountabilityForm
	PersonPick pickList
	PickURL    string
	FormURL    string
	ListURL    string
	Notice     string
}

type accountabilityForm struct {
	SchoolID, Kind, Links, Failure, PersonName, Post, Measure, Day, Note string
}

type accountabilityView struct {
	URL, School, Kind, Failure, Person, Post, Measure, Day, Note, By, Links string
}

func (s *Server) accountabilityViewOf(p basePage, x *campusguard.Accountability) accountabilityView {
	v := accountabilityView{URL: accountabilityURL(x.ID), School: x.SchoolName, Kind: p.T("failure." + string(x.FailureKind)),
		Failure: x.Failure, Person: x.PersonName, Post: x.Post, Measure: p.T("measure." + string(x.Measure)), Day: x.Day.String(),
		Note: x.Note, By: p.T("accountability.by", x.By, p.Time(x.CreatedAt))}
	var ids []string
	for _, id := range x.LinkIDs {
		ids = append(ids, strconv.FormatInt(id, 10))
	}
	if len(ids) > 0 {
		v.Links = p.T("accountability.linked", strings.Join(ids, ", "))
	}
	return v
}

// accountabilityPageFor builds the region's list and form. The list is read
// first: who may not read the records gets its NotFound before anything.
func (s *Server) accountabilityPageFor(r *http.Request) (*accountabilityPage, error) {
	if s.Inspections == nil {
		return nil, errNotFound
	}
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	f := campusguard.AccountabilityFilter{OrgID: id}
	q := r.URL.Query()
	measure := campusguard.Measure(q.Get("measure"))
	for _, m := range campusguard.Measures {
		if m == measure {
			f.Measure = &measure
		}
	}
	xs, err := s.Inspections.FindAccountabilities(ctx, f)
	if err != nil {
		return nil, err
	}
	o, anc, err := s.orgLine(ctx, id, campusguard.KindRegion, campusguard.KindSchool)
	if err != nil {
		return nil, err
	}
	p := &accountabilityPage{basePage: s.base(r, "page.accountability.title"), Org: o, FormURL: orgURL(id) + "/accountability",
		ListURL: orgURL(id) + "/accountability", PickURL: orgURL(id) + "/accountability/pick"}
	p.underOrg("page.accountability.title", o, anc)
	p.CanRecord = campusguard.ActorFrom(ctx).Can(campusguard.RecordAccountability, o.Path)
	for _, x := range xs {
		p.Records = append(p.Records, s.accountabilityViewOf(p.basePage, x))
	}
	p.Filter = append(p.Filter, choice{Value: "", Label: p.T("accountability.all_measures"), Checked: f.Measure == nil})
	for _, m := range campusguard.Measures {
		p.Filter = append(p.Filter, choice{Value: string(m), Label: p.T("measure." + string(m)), Checked: f.Measure != nil && *f.Measure == m})
	}
	// The form, prefilled from the address: the rectification item's page
	// links here with what failed.
	p.Form = accountabilityForm{SchoolID: q.Get("school_id"), Kind: q.Get("kind"), Links: q.Get("link"), Failure: q.Get("failure"),
		Measure: string(campusguard.MeasureTalk), Day: s.today().String()}
	if p.Form.Kind == "" {
		p.Form.Kind = string(campusguard.FailureRectification)
	}
	p.PersonPick = pickList{Lang: p.Lang, Field: "person_id"}
	if p.CanRecord {
		if err := s.accountabilityChoices(r, p); err != nil {
			return nil, err
		}
	}
	if q.Get("done") != "" {
		p.Notice = p.T("accountability.saved")
	}
	return p, nil
}

// accountabilityChoices fills the form's lists: the schools under the node,
// the kinds and the measures, each with the form's value checked.
func (s *Server) accountabilityChoices(r *http.Request, p *accountabilityPage) error {
	p.Schools, p.Kinds, p.Measures = nil, nil, nil
	if p.Org.Kind == campusguard.KindSchool {
		p.Schools = []choice{{Value: strconv.FormatInt(p.Org.ID, 10), Label: p.Org.Name, Checked: true}}
	} else {
		school := campusguard.KindSchool
		orgs, _, err := s.Orgs.FindOrgs(r.Context(), campusguard.OrgFilter{Under: &p.Org.ID, Kind: &school, Limit: 2000})
		if err != nil {
			return err
		}
		for _, o := range orgs {
			v := strconv.FormatInt(o.ID, 10)
			p.Schools = append(p.Schools, choice{Value: v, Label: o.Name, Checked: v == p.Form.SchoolID})
		}
	}
	for _, k := range campusguard.FailureKinds {
		p.Kinds = append(p.Kinds, choice{Value: string(k), Label: p.T("failure." + string(k)), Checked: string(k) == p.Form.Kind})
	}
	for _, m := range campusguard.Measures {
		p.Measures = append(p.Measures, choice{Value: string(m), Label: p.T("measure." + string(m)), Checked: string(m) == p.Form.Measure})
	}
	return nil
}

// handleAccountability handles "GET /orgs/{id}/accountability?measure=":
// the records under a region node, latest first, and the form to record
// one (prefilled by ?kind=&link=&school_id=&failure=).
func (s *Server) handleAccountability(w http.ResponseWriter, r *http.Request) error {
	p, err := s.accountabilityPageFor(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "accountability", p)
}

// parseLinks reads the form's linked record numbers: "12, 15".
func parseLinks(v string) ([]int64, bool) {
	var out []int64
	for _, part := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == '，' || r == ' ' || r == '、' }) {
		n, err := strconv.ParseInt(part, 10, 64)
		if err != nil || n <= 0 {
			return nil, false
		}
		out = append(out, n)
	}
	return out, true
}

// handleAccountabilityCreate handles "POST /orgs/{id}/accountability".
func (s *Server) handleAccountabilityCreate(w http.ResponseWriter, r *http.Request) error {
	id, err := formPost(r, s.Inspections != nil)
	if err != nil {
		return err
	}
	f := r.PostForm
	form := accountabilityForm{SchoolID: f.Get("school_id"), Kind: f.Get("failure_kind"), Links: f.Get("link_ids"), Failure: f.Get("failure"),
		PersonName: f.Get("person_name"), Post: f.Get("post"), Measure: f.Get("measure"), Day: f.Get("day"), Note: f.Get("note")}
	x := &campusguard.Accountability{RegionID: id, FailureKind: campusguard.FailureKind(form.Kind), Failure: form.Failure,
		PersonName: form.PersonName, Post: form.Post, Measure: campusguard.Measure(form.Measure), Note: form.Note}
	x.SchoolID, _ = strconv.ParseInt(form.SchoolID, 10, 64)
	if pid, err := strconv.ParseInt(f.Get("person_id"), 10, 64); err == nil && pid > 0 {
		x.PersonID = &pid
	}
	var fe []campusguard.FieldError
	links, ok := parseLinks(form.Links)
	if !ok {
		fe = append(fe, campusguard.FieldError{Field: "link_ids", Msg: "error.type_number"})
	}
	x.LinkIDs = links
	x.Day, fe = inspFormDate(f, "day", fe)
	if len(fe) > 0 {
		// Who may not record here gets its NotFound before any field error.
		if _, err := s.Inspections.FindAccountabilities(r.Context(), campusguard.AccountabilityFilter{OrgID: id}); err != nil {
			return err
		}
		err = campusguard.InvalidFields(fe)
	} else {
		err = s.Inspections.RecordAccountability(r.Context(), x)
	}
	if err != nil {
		p, perr := s.accountabilityPageFor(r)
		if perr != nil {
			return perr
		}
		p.Form = form
		if err := s.accountabilityChoices(r, p); err != nil {
			return err
		}
		p.PersonPick.Choices = s.chosenPerson(r.Context(), f.Get("person_id"))
		return s.renderRefused(w, r, err, p.Lang, &p.formState, accountabilityFields, "accountability", p)
	}
	return seeOther(w, r, accountabilityURL(x.ID)+"?done=1")
}

// handleAccountabilityPick handles "GET /orgs/{id}/accountability/pick?q=":
// the staff under the node whose name or number holds q, for the form's
// person picker.
func (s *Server) handleAccountabilityPick(w http.ResponseWriter, r *http.Request) error {
	if s.Inspections == nil {
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
	if !campusguard.ActorFrom(ctx).Can(campusguard.RecordAccountability, o.Path) {
		return errNotFound
	}
	p := &pickPage{basePage: s.base(r, "pick.person.title")}
	p.List = pickList{Lang: p.Lang, Field: "person_id"}
	if q := searchText(r.URL.Query().Get("q")); q != "" {
		p.List.Searched = true
		staff := campusguard.Staff
		people, total, err := s.People.FindPeople(ctx, campusguard.PersonFilter{Under: &id, Kind: &staff, Query: &q, Limit: pickMax})
		if err != nil {
			return err
		}
		p.List.More = total > len(people)
		schools := map[int64]string{}
		for _, pe := range people {
			name, ok := schools[pe.SchoolID]
			if !ok {
				sch, err := s.Orgs.FindOrgByID(ctx, pe.SchoolID)
				if err != nil {
					return err
				}
				name, schools[pe.SchoolID] = sch.Name, sch.Name
			}
			p.List.Choices = append(p.List.Choices, pickChoice{ID: pe.ID, Label: pe.Name + " · " + pe.Number + " · " + name})
		}
	}
	return s.render(w, r, http.StatusOK, "pick", p)
}

// handleAccountabilityView handles "GET /accountability/{id}".
func (s *Server) handleAccountabilityView(w http.ResponseWriter, r *http.Request) error {
	if s.Inspections == nil {
		return errNotFound
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	x, err := s.Inspections.FindAccountability(ctx, id)
	if err != nil {
		return err
	}
	o, anc, err := s.orgLine(ctx, x.SchoolID)
	if err != nil {
		return err
	}
	p := &accountabilityPage{basePage: s.base(r, "page.accountability_one.title"), Org: o, Single: true,
		ListURL: orgURL(x.RegionID) + "/accountability"}
	p.underOrg("page.accountability_one.title", o, anc)
	p.Records = []accountabilityView{s.accountabilityViewOf(p.basePage, x)}
	if r.URL.Query().Get("done") != "" {
		p.Notice = p.T("accountability.saved")
	}
	return s.render(w, r, http.StatusOK, "accountability", p)
}

// accountabilityFromItem is the address of the form prefilled for an
// overdue rectification item.
func accountabilityFromItem(p basePage, x *campusguard.Rectification) string {
	v := url.Values{"kind": {string(campusguard.FailureRectification)}, "link": {strconv.FormatInt(x.ID, 10)},
		"school_id": {strconv.FormatInt(x.SchoolID, 10)}, "failure": {p.T("accountability.item_failure", x.Problem, x.Deadline.String())}}
	return orgURL(x.RegionID) + "/accountability?" + v.Encode() + "#record"
}

// handleFindingReinspect handles "POST /findings/{id}/reinspect": the
// region sets or clears a finding's re-inspection flag, on its visit's
// page.
func (s *Server) handleFindingReinspect(w http.ResponseWriter, r *http.Request) error {
	id, err := formPost(r, s.Inspections != nil)
	if err != nil {
		return err
	}
	f, err := s.Inspections.SetReinspect(r.Context(), id, r.PostForm.Get("reinspect") == "true")
	if err != nil {
		if f == nil {
			return err
		}
		r.SetPathValue("id", strconv.FormatInt(f.VisitID, 10))
		return s.visitFailed(w, r, "", err, nil)
	}
	return seeOther(w, r, visitURL(f.VisitID)+"?done=1#findings")
}

// handleItemRectify handles "POST /schools/{id}/readiness/items/{code}/rectification":
// the region opens a rectification item from a readiness item it returned.
func (s *Server) handleItemRectify(w http.ResponseWriter, r *http.Request) error {
	id, err := formPost(r, s.Inspections != nil && s.Readiness != nil)
	if err != nil {
		return err
	}
	code := r.PathValue("code")
	f := r.PostForm
	o := campusguard.RectOpening{Severity: campusguard.FindingSeverity(f.Get("severity")), Responsible: f.Get("responsible")}
	var x *campusguard.Rectification
	if v := strings.TrimSpace(f.Get("deadline")); v != "" {
		d, derr := campusguard.ParseDate(v)
		if derr != nil {
			err = campusguard.InvalidFields([]campusguard.FieldError{{Field: "deadline", Msg: "error.type_date"}})
		}
		o.Deadline = d
	}
	if err == nil {
		x, err = s.Inspections.RectifyReadinessItem(r.Context(), id, code, o)
	}
	if err != nil {
		return s.readinessFailed(w, r, code, err)
	}
	return seeOther(w, r, "/rectifications/"+strconv.FormatInt(x.ID, 10)+"?done=1")
}
