package web

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"campusguard"
	"campusguard/internal/i18n"
)

// CaseService is what the case pages need: the cases themselves, and who
// of a school must be stopped at the gate.
type CaseService interface {
	campusguard.CaseService
	// HeldAtGate returns the people of a school with an open case without
	// return clearance, and the state of that case.
	HeldAtGate(ctx context.Context, schoolID int64) (map[int64]campusguard.CaseState, error)
}

// casesPerPage is the length of a page of the case list.
const casesPerPage = 50

func caseURL(id int64) string { return "/cases/" + strconv.FormatInt(id, 10) }

// The message keys of the cases' domain values.
func caseStateKey(st campusguard.CaseState) string        { return "case.state." + string(st) }
func isolationKey(i campusguard.Isolation) string         { return "case.isolation." + string(i) }
func outcomeKey(o campusguard.Outcome) string             { return "case.outcome." + string(o) }
func contactReasonKey(r campusguard.ContactReason) string { return "contact.reason." + string(r) }
func caseSourceKey(s campusguard.CaseSource) string       { return "case.source." + string(s) }

var (
	isolations     = []campusguard.Isolation{campusguard.IsolationRoom, campusguard.IsolationHome}
	outcomes       = []campusguard.Outcome{campusguard.OutcomeRuledOut, campusguard.OutcomeSuspected, campusguard.OutcomeConfirmed}
	contactReasons = []campusguard.ContactReason{campusguard.ContactClassmate, campusguard.ContactDorm, campusguard.ContactBus,
		campusguard.ContactTeacher, campusguard.ContactCanteen}
	caseSources = []campusguard.CaseSource{campusguard.SourceCheck, campusguard.SourceManual}
)

// caseDynamicKeys returns the keys the case pages build from domain values.
func caseDynamicKeys() []string {
	var keys []string
	for _, st := range campusguard.CaseStates {
		keys = append(keys, caseStateKey(st), "case.move."+string(st))
	}
	for _, i := range isolations {
		keys = append(keys, isolationKey(i))
	}
	for _, o := range outcomes {
		keys = append(keys, outcomeKey(o))
	}
	for _, r := range contactReasons {
		keys = append(keys, contactReasonKey(r))
	}
	for _, s := range caseSources {
		keys = append(keys, caseSourceKey(s))
	}
	for _, f := range caseFilters {
		keys = append(keys, "case.filter."+f)
	}
	return keys
}

// caseFieldsAs labels the store's "to" of a transition as the next step,
// not an end date.
var caseFieldsAs = map[string]string{"to": "case_next"}

// caseFormFailed is formFailed for the case forms: the states a refused
// transition names are shown in the reader's language.
func caseFormFailed(l i18n.Lang, err error, f *formState) (int, bool) {
	return formFailedAs(l, translateStates(l, err, "error.case_transition", func(s string) (string, bool) {
		return caseStateKey(campusguard.CaseState(s)), slices.Contains(campusguard.CaseStates, campusguard.CaseState(s))
	}), f, caseFieldsAs)
}

// translateStates returns err with the state names in the arguments of its
// msg field errors replaced by their labels in l; key gives a state's
// catalog key and whether the string is a state at all.
func translateStates(l i18n.Lang, err error, msg string, key func(string) (string, bool)) error {
	var ce *campusguard.Error
	if !errors.As(err, &ce) {
		return err
	}
	c := *ce
	c.Fields = slices.Clone(ce.Fields)
	for i, fe := range c.Fields {
		if fe.Msg != msg {
			continue
		}
		args := make([]any, len(fe.Args))
		for j, a := range fe.Args {
			args[j] = a
			if s, ok := a.(string); ok {
				if k, isState := key(s); isState {
					args[j] = tr(l, k)
				}
			}
		}
		c.Fields[i].Args = args
	}
	return &c
}

// caseRow is one case in a list.
type caseRow struct {
	URL       string
	Name      string
	School    string
	Class     string
	State     campusguard.CaseState
	StateText string
	Onset     string
	Detected  string
	Overdue   bool
	Open      bool
	Drill     bool // a drill's synthetic case (issue 14), shown with its mark
}

// caseRows lays out cases for a list.
func (s *Server) caseRows(ctx context.Context, b *basePage, cases []*campusguard.Case) ([]caseRow, error) {
	names := s.orgNames()
	var out []caseRow
	for _, k := range cases {
		row := caseRow{Drill: k.DrillID != nil, URL: caseURL(k.ID), Name: k.PersonName, State: k.State, StateText: b.T(caseStateKey(k.State)),
			Onset: k.OnsetDay.String(), Detected: b.Time(k.DetectedAt), Overdue: k.Overdue, Open: k.IsOpen()}
		var err error
		if row.School, err = names.name(ctx, &k.SchoolID); err != nil {
			return nil, err
		}
		if row.Class, err = names.className(ctx, k.ClassID); err != nil {
			return nil, err
		}
		out = append(out, row)
	}
	return out, nil
}

// ---- The list ----

// caseFilters are the list's filters besides a state.
var caseFilters = []string{"open", "overdue", "all"}

// casesPage lists the cases of a region, school, grade or class.
type casesPage struct {
	basePage
	Org     *campusguard.Org
	Action  string
	Filter  string // open, overdue, all, or "" with a State
	State   string
	Filters []kindTab
	States  []option
	Cases   []caseRow
	Pager   pager
}

// handleCases handles "GET /orgs/{id}/cases?filter=&state=&offset=":
// the cases under a node, open ones first and overdue ones at the top.
func (s *Server) handleCases(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if s.Cases == nil {
		return errNotFound
	}
	ctx := r.Context()
	o, anc, err := s.orgLine(ctx, id)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	pg := &casesPage{basePage: s.base(r, "case.list.title"), Org: o, Action: orgURL(o.ID) + "/cases"}
	pg.underOrg("case.list.title", o, anc)
	// The list shows a drill's cases too, marked as drills (issue 14).
	f := campusguard.CaseFilter{OrgID: &o.ID, Offset: queryOffset(r), Limit: casesPerPage, WithDrills: true}
	if st := campusguard.CaseState(q.Get("state")); slices.Contains(campusguard.CaseStates, st) {
		pg.State = string(st)
		f.State = &st
	} else if x := q.Get("filter"); slices.Contains(caseFilters, x) {
		pg.Filter = x
	} else {
		pg.Filter = "open"
	}
	switch pg.Filter {
	case "open":
		f.Open = true
	case "overdue":
		f.Overdue = true
	}
	for _, x := range caseFilters {
		pg.Filters = append(pg.Filters, kindTab{URL: pg.Action + "?filter=" + x, Label: pg.T("case.filter." + x), Current: x == pg.Filter})
	}
	pg.States = []option{{Value: "", Label: pg.T("case.filter.any_state"), Selected: pg.State == ""}}
	for _, st := range campusguard.CaseStates {
		pg.States = append(pg.States, option{Value: string(st), Label: pg.T(caseStateKey(st)), Selected: string(st) == pg.State})
	}
	cases, total, err := s.Cases.FindCases(ctx, f)
	if err != nil {
		return err
	}
	if pg.Cases, err = s.caseRows(ctx, &pg.basePage, cases); err != nil {
		return err
	}
	pg.Pager = newPager(r, f.Offset, casesPerPage, len(cases), total)
	return s.render(w, r, http.StatusOK, "cases", pg)
}

// casesCard is the count of a node's open and overdue cases on its page.
type casesCard struct {
	Open       int
	Overdue    int
	URL        string
	OverdueURL string
}

// casesCard counts the open and overdue cases under o, for readers of
// cases there; nil for others.
func (s *Server) casesCard(ctx context.Context, a *campusguard.Actor, o *campusguard.Org) (*casesCard, error) {
	if s.Cases == nil || !a.Can(campusguard.ReadCases, o.Path) {
		return nil, nil
	}
	c := &casesCard{URL: orgURL(o.ID) + "/cases", OverdueURL: orgURL(o.ID) + "/cases?filter=overdue"}
	var err error
	if _, c.Open, err = s.Cases.FindCases(ctx, campusguard.CaseFilter{OrgID: &o.ID, Open: true, Limit: 1}); err != nil {
		return nil, err
	}
	if _, c.Overdue, err = s.Cases.FindCases(ctx, campusguard.CaseFilter{OrgID: &o.ID, Overdue: true, Limit: 1}); err != nil {
		return nil, err
	}
	return c, nil
}

// personCases lists a person's cases for their file.
func (s *Server) personCases(ctx context.Context, b *basePage, personID int64) ([]caseRow, error) {
	if s.Cases == nil {
		return nil, nil
	}
	cases, _, err := s.Cases.FindCases(ctx, campusguard.CaseFilter{PersonID: &personID, Limit: 20})
	if err != nil {
		return nil, err
	}
	return s.caseRows(ctx, b, cases)
}

// ---- One case ----

// casePage is one case: its person, where it stands, every step so far,
// the form for the next step and, for a suspected or confirmed case, the
// close contacts.
type casePage struct {
	basePage
	formState
	Case       *campusguard.Case
	DrillURL   string // the drill of a synthetic case (issue 14)
	Person     personLink
	School     string
	Class      string
	StateText  string
	SourceText string
	Symptoms   string
	Temp       string
	Fever      bool
	Isolation  string
	Outcome    string
	Life       lifeline
	// Move is the form for the next state, for those who may move cases;
	// nil for others and for a closed case.
	Move   *caseMove
	Notice string

	ShowContacts bool
	Contacts     []contactRow
	ContactsXLSX string
}

// lifeline is a case's or an alert's states, where it stands on them, and
// its recorded steps: the same two sections on both pages.
type lifeline struct {
	Kind       string // "case" or "alert", for the sections' test ids
	Title      string // the heading of the states, translated
	StepsTitle string // the heading of the steps
	Progress   []lifeState
	Steps      []stepRow
}

// newLifeline places at on the line of states, the last of which ends it;
// key names a state's message.
func newLifeline[S comparable](l i18n.Lang, kind string, states []S, at S, key func(S) string) lifeline {
	life := lifeline{Kind: kind, Title: tr(l, kind+".progress"), StepsTitle: tr(l, kind+".steps")}
	reached := slices.Index(states, at)
	for i, st := range states {
		life.Progress = append(life.Progress, lifeState{Label: tr(l, key(st)),
			Done: i < reached || at == states[len(states)-1], Current: i == reached})
	}
	return life
}

// lifeState is one state of the step indicator.
type lifeState struct {
	Label   string
	Done    bool
	Current bool
}

// stepRow is one recorded move of a case or an alert.
type stepRow struct {
	State  string
	At     string
	By     string
	Note   string
	Detail string // the isolation, outcome or certificate
}

// caseMove is the form that moves a case to its one next state, with the
// fields that state needs.
type caseMove struct {
	Action      string
	To          campusguard.CaseState
	Label       string // the button: "上报" …
	Isolations  []choice
	Outcomes    []choice
	Certificate string
	Note        string
}

// contactRow is one close contact.
type contactRow struct {
	URL      string
	Name     string
	Number   string
	Kind     string
	Reasons  string
	Days     string // "3 / 14"
	Abnormal bool
	OpenCase bool
}

// casePath returns the scope path of a case: its class's, else its
// school's; "" when the reader may not see the node.
func (s *Server) casePath(ctx context.Context, k *campusguard.Case) (string, error) {
	return s.personPath(ctx, &campusguard.Person{ID: k.PersonID, SchoolID: k.SchoolID, ClassID: k.ClassID})
}

// casePage reads a case and lays it out for the reader.
func (s *Server) casePage(r *http.Request, id int64) (*casePage, error) {
	if s.Cases == nil {
		return nil, errNotFound
	}
	ctx := r.Context()
	k, steps, err := s.Cases.FindCase(ctx, id)
	if err != nil {
		return nil, err
	}
	pg := &casePage{basePage: s.base(r, "case.title"), Case: k}
	if k.DrillID != nil {
		pg.DrillURL = drillURL(*k.DrillID)
	}
	l, a := pg.Lang, pg.actor
	pg.Title = pg.T("case.title") + " · " + k.PersonName
	path, err := s.casePath(ctx, k)
	if err != nil {
		return nil, err
	}
	names := s.orgNames()
	if pg.School, err = names.name(ctx, &k.SchoolID); err != nil {
		return nil, err
	}
	if pg.Class, err = names.className(ctx, k.ClassID); err != nil {
		return nil, err
	}
	// The crumbs lead to the case list of the school, or for a class
	// teacher of the class.
	for _, oid := range []*int64{&k.SchoolID, k.ClassID} {
		if oid == nil {
			continue
		}
		if o, err := names.org(ctx, *oid); err != nil {
			return nil, err
		} else if o != nil && a.Can(campusguard.ReadCases, o.Path) {
			pg.Crumbs = append(pg.Crumbs, crumb{Name: o.Name, URL: orgURL(o.ID)},
				crumb{Name: tr(l, "case.list.title"), URL: orgURL(o.ID) + "/cases"})
			break
		}
	}
	pg.Crumbs = append(pg.Crumbs, crumb{Name: k.PersonName})
	pg.Person = personLink{Name: k.PersonName}
	if a.CanPerson(campusguard.ReadPersonFile, k.PersonID, path) {
		pg.Person.URL = personURL(k.PersonID)
	}
	pg.StateText = tr(l, caseStateKey(k.State))
	pg.SourceText = tr(l, caseSourceKey(k.Source))
	var syms []string
	for _, sym := range k.Symptoms {
		syms = append(syms, tr(l, symptomKey(sym)))
	}
	pg.Symptoms = strings.Join(syms, "、")
	pg.Temp = formatTemp(k.Temperature)
	pg.Fever = k.Temperature != nil && *k.Temperature >= campusguard.DefaultFeverThreshold-1e-9
	if k.Isolation != "" {
		pg.Isolation = tr(l, isolationKey(k.Isolation))
	}
	if k.Outcome != "" {
		pg.Outcome = tr(l, outcomeKey(k.Outcome))
	}
	pg.Life = newLifeline(l, "case", campusguard.CaseStates, k.State, caseStateKey)
	for _, st := range steps {
		row := stepRow{State: tr(l, caseStateKey(st.To)), At: pg.Time(st.At), By: actorLabel(l, st.By), Note: stepNote(l, st.Note)}
		switch {
		case st.Isolation != "":
			row.Detail = tr(l, isolationKey(st.Isolation))
		case st.Outcome != "":
			row.Detail = tr(l, outcomeKey(st.Outcome))
		case st.Certificate != "":
			row.Detail = tr(l, "case.certificate") + " " + st.Certificate
		}
		pg.Life.Steps = append(pg.Life.Steps, row)
	}
	if next, ok := campusguard.NextCaseState(k.State); ok && a.Can(campusguard.MoveCases, path) {
		pg.Move = &caseMove{Action: caseURL(k.ID) + "/transitions", To: next, Label: tr(l, "case.move."+string(next))}
		pg.Move.fill(l, "", "")
	}
	// Close contacts are for those who handle cases, not for a family.
	if k.NeedsContacts() && a.Can(campusguard.ReadCases, path) {
		pg.ShowContacts = true
		pg.ContactsXLSX = "/api/v1/cases/" + strconv.FormatInt(k.ID, 10) + "/contacts.xlsx"
		contacts, err := s.Cases.CaseContacts(ctx, k.ID)
		if err != nil {
			return nil, err
		}
		schoolPath := ""
		if school, _ := names.org(ctx, k.SchoolID); school != nil {
			schoolPath = school.Path
		}
		for _, c := range contacts {
			row := contactRow{Name: c.Name, Number: c.Number, Kind: tr(l, personKindKey(c.Kind)), Abnormal: c.Abnormal, OpenCase: c.OpenCase,
				Days: strconv.Itoa(c.DaysChecked) + " / " + strconv.Itoa(campusguard.ContactFollowDays)}
			if schoolPath != "" && a.CanPerson(campusguard.ReadPersonFile, c.PersonID, schoolPath) {
				row.URL = personURL(c.PersonID)
			}
			var reasons []string
			for _, x := range c.Reasons {
				reasons = append(reasons, tr(l, contactReasonKey(x)))
			}
			row.Reasons = strings.Join(reasons, "、")
			pg.Contacts = append(pg.Contacts, row)
		}
	}
	pg.setBack(caseURL(k.ID))
	return pg, nil
}

// fill sets the choices of the move form from what was submitted.
func (m *caseMove) fill(l i18n.Lang, isolation, outcome string) {
	m.Isolations, m.Outcomes = nil, nil
	if m.To == campusguard.CaseIsolated {
		for _, i := range isolations {
			m.Isolations = append(m.Isolations, choice{Value: string(i), Label: tr(l, isolationKey(i)), Checked: string(i) == isolation})
		}
	}
	if m.To == campusguard.CaseOutcome {
		for _, o := range outcomes {
			m.Outcomes = append(m.Outcomes, choice{Value: string(o), Label: tr(l, outcomeKey(o)), Checked: string(o) == outcome})
		}
	}
}

// NeedsCertificate reports whether the move clears the person's return.
func (m *caseMove) NeedsCertificate() bool { return m.To == campusguard.CaseCleared }

// handleCaseView handles "GET /cases/{id}".
func (s *Server) handleCaseView(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	pg, err := s.casePage(r, id)
	if err != nil {
		return err
	}
	switch {
	case r.URL.Query().Get("moved") != "":
		pg.Notice = pg.T("case.moved", pg.StateText)
	case r.URL.Query().Get("opened") != "":
		pg.Notice = pg.T("case.opened")
	}
	return s.render(w, r, http.StatusOK, "case", pg)
}

// handleCaseMove handles "POST /cases/{id}/transitions": the case moves to
// the state the form names, with what that state needs; a refused step
// shows the case again with the error and changes nothing.
func (s *Server) handleCaseMove(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if s.Cases == nil {
		return errNotFound
	}
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	f := r.PostForm
	t := campusguard.Transition{To: campusguard.CaseState(f.Get("to")), Note: strings.TrimSpace(f.Get("note")),
		Isolation: campusguard.Isolation(f.Get("isolation")), Outcome: campusguard.Outcome(f.Get("outcome")),
		Certificate: strings.TrimSpace(f.Get("certificate"))}
	_, moveErr := s.Cases.MoveCase(r.Context(), id, t)
	if moveErr == nil {
		return seeOther(w, r, caseURL(id)+"?moved=1")
	}
	pg, err := s.casePage(r, id)
	if err != nil {
		return err
	}
	status, ok := caseFormFailed(pg.Lang, moveErr, &pg.formState)
	if !ok {
		return moveErr
	}
	if m := pg.Move; m != nil && m.To == t.To {
		// Keep what was typed for the same step.
		m.fill(pg.Lang, string(t.Isolation), string(t.Outcome))
		m.Certificate, m.Note = t.Certificate, t.Note
	}
	return s.render(w, r, status, "case", pg)
}

// ---- Opening a case by hand ----

// caseNewPage is the form that opens a case for a person by hand.
type caseNewPage struct {
	basePage
	formState
	Person      *campusguard.Person
	Action      string
	BackURL     string
	Onset       string
	Today       string
	Symptoms    []choice
	Temperature string
	Note        string
}

// caseNewPerson reads the person of a new case and checks the actor may
// open cases for them.
func (s *Server) caseNewPerson(r *http.Request) (*campusguard.Person, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	if s.Cases == nil {
		return nil, errNotFound
	}
	ctx := r.Context()
	p, err := s.People.FindPersonByID(ctx, id)
	if err != nil {
		return nil, err
	}
	path, err := s.personPath(ctx, p)
	if err != nil {
		return nil, err
	}
	if !campusguard.ActorFrom(ctx).Can(campusguard.OpenCases, path) {
		return nil, errForbidden
	}
	return p, nil
}

func (s *Server) newCaseNewPage(r *http.Request, p *campusguard.Person) *caseNewPage {
	today := s.today().String()
	pg := &caseNewPage{basePage: s.base(r, "case.new.title"), Person: p, Action: personURL(p.ID) + "/cases",
		BackURL: personURL(p.ID), Onset: today, Today: today}
	pg.Title = pg.T("case.new.title") + " · " + p.Name
	pg.Crumbs = []crumb{{Name: p.Name, URL: personURL(p.ID)}, {Name: pg.T("case.new.title")}}
	pg.setBack(personURL(p.ID) + "/cases/new")
	pg.fill(nil)
	return pg
}

// fill sets the symptom chips from what was submitted.
func (pg *caseNewPage) fill(symptoms []string) {
	pg.Symptoms = pg.Symptoms[:0]
	for _, sym := range campusguard.Symptoms {
		pg.Symptoms = append(pg.Symptoms, choice{Value: string(sym), Label: pg.T(symptomKey(sym)),
			Checked: slices.Contains(symptoms, string(sym))})
	}
}

// handleCaseNew handles "GET /people/{id}/cases/new".
func (s *Server) handleCaseNew(w http.ResponseWriter, r *http.Request) error {
	p, err := s.caseNewPerson(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "case_new", s.newCaseNewPage(r, p))
}

// handleCaseCreate handles "POST /people/{id}/cases": the case opens and
// its page shows; bad input shows the form again and opens nothing.
func (s *Server) handleCaseCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := s.caseNewPerson(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	f := r.PostForm
	pg := s.newCaseNewPage(r, p)
	pg.fill(f["symptom"])
	pg.Onset, pg.Temperature = strings.TrimSpace(f.Get("onset_day")), strings.TrimSpace(f.Get("temperature"))
	pg.Note = strings.TrimSpace(f.Get("note"))
	n := campusguard.NewCase{PersonID: p.ID, Symptoms: []campusguard.Symptom{}, Note: pg.Note}
	for _, sym := range f["symptom"] {
		n.Symptoms = append(n.Symptoms, campusguard.Symptom(sym))
	}
	var bad []campusguard.FieldError
	if pg.Onset != "" {
		if n.OnsetDay, err = campusguard.ParseDate(pg.Onset); err != nil {
			bad = append(bad, campusguard.FieldError{Field: "onset_day", Msg: "error.type_date"})
		}
	}
	t, fe := parseTemperature("temperature", pg.Temperature)
	if fe != nil {
		bad = append(bad, *fe)
	}
	n.Temperature = t
	var k *campusguard.Case
	if len(bad) > 0 {
		err = campusguard.InvalidFields(bad)
	} else {
		k, err = s.Cases.OpenCase(r.Context(), n)
	}
	if err != nil {
		status, ok := caseFormFailed(pg.Lang, err, &pg.formState)
		if !ok {
			return err
		}
		return s.render(w, r, status, "case_new", pg)
	}
	return seeOther(w, r, caseURL(k.ID)+"?opened=1")
}
