package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"campusguard"
	"campusguard/internal/i18n"
)

// The message keys of the health checks' domain values.
func checkKindKey(k campusguard.CheckKind) string         { return "check_kind." + string(k) }
func symptomKey(s campusguard.Symptom) string             { return "symptom." + string(s) }
func healthCodeKey(c campusguard.HealthCode) string       { return "health_code." + string(c) }
func attendanceKey(a campusguard.Attendance) string       { return "attendance." + string(a) }
func absenceReasonKey(r campusguard.AbsenceReason) string { return "absence_reason." + string(r) }
func checkDynamicKeys() []string {
	var keys []string
	for _, k := range campusguard.CheckKinds {
		keys = append(keys, checkKindKey(k))
	}
	for _, s := range campusguard.Symptoms {
		keys = append(keys, symptomKey(s))
	}
	for _, c := range healthCodes {
		keys = append(keys, healthCodeKey(c))
	}
	for _, a := range attendances {
		keys = append(keys, attendanceKey(a))
	}
	for _, r := range absenceReasons {
		keys = append(keys, absenceReasonKey(r))
	}
	return keys
}

var (
	healthCodes    = []campusguard.HealthCode{campusguard.CodeGreen, campusguard.CodeYellow, campusguard.CodeRed}
	attendances    = []campusguard.Attendance{campusguard.Present, campusguard.Absent, campusguard.Unwell}
	absenceReasons = []campusguard.AbsenceReason{campusguard.AbsentIll, campusguard.AbsentPersonal, campusguard.AbsentOther}
	classKinds     = []campusguard.CheckKind{campusguard.MorningCheck, campusguard.NoonCheck, campusguard.EveningCheck}
)

// today is the school day now, in the schools' zone.
func (s *Server) today() campusguard.Date { return campusguard.DateOf(s.Now().In(s.Location)) }

// newClientKey returns a random key that makes one page load's submission
// idempotent: a double tap or a retry sends it again.
func newClientKey() string {
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	return hex.EncodeToString(b[:])
}

// parseTemperature reads a typed temperature: "" is none; a comma counts
// as the decimal point. A reading that is not a number is refused as out
// of range, the message people understand.
func parseTemperature(field, v string) (*float64, *campusguard.FieldError) {
	v = strings.TrimSpace(strings.NewReplacer("，", ".", ",", ".", "。", ".").Replace(v))
	if v == "" {
		return nil, nil
	}
	t, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return nil, &campusguard.FieldError{Field: field, Msg: "error.temperature_range",
			Args: []any{campusguard.MinTemperature, campusguard.MaxTemperature}}
	}
	return &t, nil
}

// formatTemp writes a temperature with one decimal, or "" for none.
func formatTemp(t *float64) string {
	if t == nil {
		return ""
	}
	return strconv.FormatFloat(*t, 'f', 1, 64)
}

// personPath returns the scope path of a person: their class's, else their
// school's; "" when the reader may not see the node (a guardian).
func (s *Server) personPath(ctx context.Context, p *campusguard.Person) (string, error) {
	id := p.SchoolID
	if p.ClassID != nil {
		id = *p.ClassID
	}
	o, err := s.Orgs.FindOrgByID(ctx, id)
	if campusguard.ErrorCode(err) == campusguard.NotFound {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return o.Path, nil
}

var errForbidden = campusguard.Errorf(campusguard.Forbidden, "error.forbidden")

// ---- Home report ----

// homeReportPage is the home report (居家) of one person, before school.
type homeReportPage struct {
	basePage
	formState
	Person      *campusguard.Person
	Action      string
	ClientKey   string
	Temperature string
	Symptoms    []choice
	Codes       []choice
	Household   bool
	Exposure    bool
	// Done is set once the report is stored; Abnormal and Fever say what
	// it found.
	Done     bool
	Abnormal bool
	Fever    bool
	Stored   string // the stored temperature
	BackURL  string
	Day      string // the school day the page is for, sent back with the form
	// Sent is today's report already sent, shown above the form; Hidden
	// is the abnormal report of today that this normal one replaced,
	// which the page names instead of letting it vanish silently.
	Sent   *sentReport
	Hidden *sentReport
}

// choice is one checkbox or radio of a form.
type choice struct {
	Value   string
	Label   string
	Checked bool
}

// homeReportPerson reads the person of a home report and checks the actor
// may report for them: a guardian their child, a staff member themself, a
// class teacher or school staff in scope.
func (s *Server) homeReportPerson(r *http.Request) (*campusguard.Person, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
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
	if !campusguard.ActorFrom(ctx).CanRecordCheck(campusguard.HomeCheck, p.ID, path) {
		return nil, errForbidden
	}
	return p, nil
}

func (s *Server) newHomeReportPage(r *http.Request, p *campusguard.Person) *homeReportPage {
	pg := &homeReportPage{basePage: s.base(r, "page.home_report.title"), Person: p,
		Action: personURL(p.ID) + "/home-report", ClientKey: newClientKey(), BackURL: "/", Day: s.today().String()}
	pg.Title = pg.T("page.home_report.title") + " · " + p.Name
	pg.Crumbs = []crumb{{Name: p.Name}, {Name: pg.T("page.home_report.title")}}
	if a := pg.actor; a != nil && !slices.Contains(a.GuardianOf, p.ID) {
		pg.BackURL = personURL(p.ID)
		pg.Crumbs[0].URL = pg.BackURL
	}
	pg.setBack(pg.Action)
	pg.fill(nil, "", false, false)
	return pg
}

// fill sets the form's choices from what was submitted.
func (pg *homeReportPage) fill(symptoms []string, code string, household, exposure bool) {
	pg.Symptoms = pg.Symptoms[:0]
	for _, sym := range campusguard.Symptoms {
		pg.Symptoms = append(pg.Symptoms, choice{Value: string(sym), Label: pg.T(symptomKey(sym)),
			Checked: slices.Contains(symptoms, string(sym))})
	}
	pg.Codes = pg.Codes[:0]
	for _, c := range healthCodes {
		pg.Codes = append(pg.Codes, choice{Value: string(c), Label: pg.T(healthCodeKey(c)), Checked: code == string(c)})
	}
	pg.Household, pg.Exposure = household, exposure
}

// handleHomeReportForm handles "GET /people/{id}/home-report".
func (s *Server) handleHomeReportForm(w http.ResponseWriter, r *http.Request) error {
	p, err := s.homeReportPerson(r)
	if err != nil {
		return err
	}
	pg := s.newHomeReportPage(r, p)
	sent, err := s.todayHomeReport(r.Context(), p.ID)
	if err != nil {
		return err
	}
	pg.showSent(sent)
	return s.render(w, r, http.StatusOK, "home_report", pg)
}

// handleHomeReport handles "POST /people/{id}/home-report": the report is
// stored once under the page's client key; a bad reading shows the form
// again and stores nothing.
func (s *Server) handleHomeReport(w http.ResponseWriter, r *http.Request) error {
	p, err := s.homeReportPerson(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	pg := s.newHomeReportPage(r, p)
	f := r.PostForm
	if k := strings.TrimSpace(f.Get("client_key")); k != "" {
		pg.ClientKey = k
	}
	pg.Temperature = strings.TrimSpace(f.Get("temperature"))
	pg.fill(f["symptom"], f.Get("health_code"), f.Get("household_unwell") != "", f.Get("risk_exposure") != "")
	day, taken, tfe := s.formTaken(f)
	pg.Day = day.String()
	c := &campusguard.Check{PersonID: p.ID, Day: day, At: taken, Kind: campusguard.HomeCheck, ClientKey: pg.ClientKey,
		HealthCode: campusguard.HealthCode(f.Get("health_code")), HouseholdUnwell: pg.Household, RiskExposure: pg.Exposure,
		Symptoms: []campusguard.Symptom{}}
	for _, sym := range f["symptom"] {
		c.Symptoms = append(c.Symptoms, campusguard.Symptom(sym))
	}
	before, err := s.todayHomeReport(r.Context(), p.ID)
	if err != nil {
		return err
	}
	var stored *campusguard.Check
	t, fe := parseTemperature("temperature", pg.Temperature)
	if fe == nil {
		fe = tfe
	}
	if fe != nil {
		err = campusguard.InvalidFields([]campusguard.FieldError{*fe})
	} else {
		c.Temperature = t
		stored, _, err = s.Health.RecordCheck(r.Context(), c)
	}
	if err != nil {
		status, ok := formFailed(pg.Lang, err, &pg.formState)
		if !ok {
			return err
		}
		return s.render(w, r, status, "home_report", pg)
	}
	pg.Done, pg.Abnormal, pg.Fever, pg.Stored = true, stored.Abnormal, stored.Fever, formatTemp(stored.Temperature)
	if before != nil && before.ID != stored.ID && before.Abnormal && !stored.Abnormal {
		pg.Hidden = pg.sentView(before) // a normal report never hides a fever silently
	}
	return s.render(w, r, http.StatusOK, "home_report", pg)
}

// errBadForm is a form body that does not parse.
var errBadForm = &statusError{status: http.StatusBadRequest, key: "error.bad_form"}

// ---- Class check ----

// classCheckPage is the class teacher's morning, noon or evening check:
// the whole class on one screen.
type classCheckPage struct {
	basePage
	formState
	Org     *campusguard.Org
	Action  string
	Kind    campusguard.CheckKind
	Kinds   []kindTab
	Nonce   string
	Rows    []classCheckRow
	Reasons []choice
	Done    int // how many checks the last submit recorded, shown once
	Saved   bool
	Checked int    // students already checked today for this kind
	Day     string // the school day the page is for, sent back with the form
}

// kindTab switches the check between morning, noon and evening.
type kindTab struct {
	URL     string
	Label   string
	Current bool
}

// classCheckRow is one student of the class check.
type classCheckRow struct {
	ID          int64
	Number      string
	Name        string
	Attendance  string
	Reason      string
	Temperature string
	Bad         bool
	// Recorded is the check already stored today for this kind, if any.
	Recorded string
	Abnormal bool
	// ILI marks a student not yet cleared after influenza-like illness.
	ILI *iliFlag
}

// Field names the inputs of a row.
func (r classCheckRow) Field(name string) string { return name + "_" + strconv.FormatInt(r.ID, 10) }

// AttChoices are the row's attendance radios.
func (pg *classCheckPage) AttChoices(r classCheckRow) []choice {
	var out []choice
	for _, a := range attendances {
		out = append(out, choice{Value: string(a), Label: pg.T(attendanceKey(a)), Checked: r.Attendance == string(a)})
	}
	return out
}

// ReasonChoices are the row's absence reasons.
func (pg *classCheckPage) ReasonChoices(r classCheckRow) []choice {
	var out []choice
	for _, x := range absenceReasons {
		out = append(out, choice{Value: string(x), Label: pg.T(absenceReasonKey(x)), Checked: r.Reason == string(x)})
	}
	return out
}

// classCheckOrg reads the class of a class check and the kind asked for,
// and checks the actor may record it.
func (s *Server) classCheckOrg(r *http.Request) (*campusguard.Org, []*campusguard.Org, campusguard.CheckKind, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, nil, "", err
	}
	ctx := r.Context()
	o, anc, err := s.orgLine(ctx, id, campusguard.KindClass)
	if err != nil {
		return nil, nil, "", err
	}
	kind := campusguard.CheckKind(r.URL.Query().Get("kind"))
	if !kind.ClassCheck() {
		kind = campusguard.MorningCheck
	}
	if !campusguard.ActorFrom(ctx).CanRecordCheck(kind, 0, o.Path) {
		return nil, nil, "", errForbidden
	}
	return o, anc, kind, nil
}

// classCheckPage lays out the class with today's checks of the kind.
func (s *Server) classCheckPage(r *http.Request, o *campusguard.Org, anc []*campusguard.Org, kind campusguard.CheckKind) (*classCheckPage, error) {
	ctx := r.Context()
	pg := &classCheckPage{basePage: s.base(r, "page.class_check.title"), Org: o, Kind: kind, Nonce: newClientKey(),
		Action: orgURL(o.ID) + "/checks?kind=" + string(kind), Day: s.today().String()}
	pg.underOrg(checkKindKey(kind), o, anc)
	pg.setBack(pg.Action)
	for _, k := range classKinds {
		pg.Kinds = append(pg.Kinds, kindTab{URL: orgURL(o.ID) + "/checks?kind=" + string(k), Label: pg.T(checkKindKey(k)), Current: k == kind})
	}
	students, _, err := s.People.FindPeople(ctx, campusguard.PersonFilter{ClassID: &o.ID, Kind: ptr(campusguard.Student), Limit: 500})
	if err != nil {
		return nil, err
	}
	day := s.today()
	checks, _, err := s.Health.FindChecks(ctx, campusguard.CheckFilter{ClassID: &o.ID, Day: &day, Kind: &kind, Limit: 1000})
	if err != nil {
		return nil, err
	}
	ili, err := s.iliHeld(ctx, o.ID)
	if err != nil {
		return nil, err
	}
	done := map[int64]*campusguard.Check{}
	for _, c := range checks {
		if done[c.PersonID] == nil {
			done[c.PersonID] = c
		}
	}
	for _, p := range students {
		if !p.Active {
			continue
		}
		row := classCheckRow{ID: p.ID, Number: p.Number, Name: p.Name, Attendance: string(campusguard.Present), ILI: ili[p.ID]}
		if c := done[p.ID]; c != nil {
			pg.Checked++
			row.Attendance, row.Reason, row.Temperature = string(c.Attendance), string(c.AbsenceReason), formatTemp(c.Temperature)
			row.Recorded, row.Abnormal = pg.T(attendanceKey(c.Attendance)), c.Abnormal
			if c.AbsenceReason != "" {
				row.Recorded += " · " + pg.T(absenceReasonKey(c.AbsenceReason))
			}
			if t := formatTemp(c.Temperature); t != "" {
				row.Recorded += " · " + t + " °C"
			}
		}
		pg.Rows = append(pg.Rows, row)
	}
	return pg, nil
}

// handleClassCheckForm handles "GET /orgs/{id}/checks?kind=".
func (s *Server) handleClassCheckForm(w http.ResponseWriter, r *http.Request) error {
	o, anc, kind, err := s.classCheckOrg(r)
	if err != nil {
		return err
	}
	pg, err := s.classCheckPage(r, o, anc, kind)
	if err != nil {
		return err
	}
	if n, err := strconv.Atoi(r.URL.Query().Get("saved")); err == nil && n >= 0 {
		pg.Saved, pg.Done = true, n
	}
	return s.render(w, r, http.StatusOK, "class_check", pg)
}

// handleClassCheck handles "POST /orgs/{id}/checks?kind=": one check per
// student, keyed by the page's nonce and the student, so that sending the
// same page again records nothing twice. A bad row refuses the whole
// submit.
func (s *Server) handleClassCheck(w http.ResponseWriter, r *http.Request) error {
	o, anc, kind, err := s.classCheckOrg(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	pg, err := s.classCheckPage(r, o, anc, kind)
	if err != nil {
		return err
	}
	f := r.PostForm
	nonce := strings.TrimSpace(f.Get("nonce"))
	if nonce == "" || len(nonce) > 40 {
		return errBadForm
	}
	pg.Nonce = nonce
	day, taken, tfe := s.formTaken(f)
	pg.Day = day.String()
	var checks []*campusguard.Check
	var bad []campusguard.FieldError
	if tfe != nil {
		tfe.Field = fieldLabel(pg.Lang, tfe.Field)
		bad = append(bad, *tfe)
	}
	for i := range pg.Rows {
		row := &pg.Rows[i]
		row.Attendance = f.Get(row.Field("att"))
		row.Reason, row.Temperature = "", strings.TrimSpace(f.Get(row.Field("temp")))
		if row.Attendance == "" {
			row.Attendance = string(campusguard.Present)
		}
		c := &campusguard.Check{PersonID: row.ID, Day: day, At: taken, Kind: kind, Attendance: campusguard.Attendance(row.Attendance),
			ClientKey: nonce + "-" + strconv.FormatInt(row.ID, 10), Symptoms: []campusguard.Symptom{}}
		if c.Attendance == campusguard.Absent {
			row.Reason = f.Get(row.Field("reason"))
			c.AbsenceReason = campusguard.AbsenceReason(row.Reason)
			row.Temperature = ""
		}
		t, fe := parseTemperature("temperature", row.Temperature)
		c.Temperature = t
		var errs []campusguard.FieldError
		if fe != nil {
			errs = append(errs, *fe)
		} else if err := c.Validate(); err != nil {
			errs = campusguard.ErrorFields(err)
			if len(errs) == 0 {
				return err
			}
		}
		for _, e := range errs {
			e.Field = row.Name + " · " + fieldLabel(pg.Lang, e.Field)
			bad = append(bad, e)
			row.Bad = true
		}
		checks = append(checks, c)
	}
	if len(bad) > 0 {
		pg.Message = pg.T("error.invalid_input")
		for _, e := range bad {
			pg.Errors = append(pg.Errors, fieldLine{Field: e.Field, Reason: pg.TArgs(e.Msg, e.Args)})
		}
		return s.render(w, r, http.StatusUnprocessableEntity, "class_check", pg)
	}
	res, err := s.Health.RecordChecks(r.Context(), checks)
	if err != nil {
		return err
	}
	if res.Failed > 0 {
		// The good rows are stored; the next submit is a new one, so that
		// a corrected row is a new version, not a reused key.
		pg.Nonce = newClientKey()
		pg.Message = pg.T("check.some_failed", res.Failed)
		for _, e := range res.Errors {
			name := ""
			if e.Row >= 1 && e.Row <= len(pg.Rows) {
				name = pg.Rows[e.Row-1].Name + " · "
			}
			pg.Errors = append(pg.Errors, fieldLine{Field: name + fieldLabel(pg.Lang, e.Field), Reason: pg.TArgs(e.Msg, e.Args)})
		}
		return s.render(w, r, http.StatusUnprocessableEntity, "class_check", pg)
	}
	return seeOther(w, r, orgURL(o.ID)+"/checks?kind="+string(kind)+"&saved="+strconv.Itoa(res.Created))
}

// ---- Gate ----

// gatePage is the gate check (入门) of a school: find a student, type the
// temperature, submit; the form stays for the next in the queue.
type gatePage struct {
	basePage
	formState
	Org         *campusguard.Org
	Action      string
	ClientKey   string
	Query       string
	Results     []gateResult
	Searched    bool
	Temperature string
	// Last is the check just recorded.
	Last *gateLast
	Day  string // the school day the page is for, sent back with the form
}

// gateResult is one student found at the gate.
type gateResult struct {
	ID      int64
	Number  string
	Name    string
	Class   string
	Checked bool
	// Held marks a person with an open case not yet cleared for return:
	// not to be let in.
	Held bool
	// ILI marks a student not yet cleared after influenza-like illness.
	ILI *iliFlag
}

// gateLast is the reading just recorded, shown at once.
type gateLast struct {
	Name        string
	Temperature string
	Fever       bool
	Held        bool // an open case without return clearance
	ILI         *iliFlag
}

// gateOrg reads the school of a gate page and checks the actor may record
// gate checks there.
func (s *Server) gateOrg(r *http.Request) (*campusguard.Org, []*campusguard.Org, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, nil, err
	}
	ctx := r.Context()
	o, anc, err := s.orgLine(ctx, id, campusguard.KindSchool)
	if err != nil {
		return nil, nil, err
	}
	if !campusguard.ActorFrom(ctx).CanRecordCheck(campusguard.GateCheck, 0, o.Path) {
		return nil, nil, errForbidden
	}
	return o, anc, nil
}

func (s *Server) newGatePage(r *http.Request, o *campusguard.Org, anc []*campusguard.Org) *gatePage {
	pg := &gatePage{basePage: s.base(r, "page.gate.title"), Org: o, Action: orgURL(o.ID) + "/gate", ClientKey: newClientKey(),
		Day: s.today().String()}
	pg.underOrg("page.gate.title", o, anc)
	pg.setBack(pg.Action)
	return pg
}

// search finds the school's students by number or name.
func (s *Server) gateSearch(ctx context.Context, pg *gatePage, selected int64) error {
	if pg.Query == "" {
		return nil
	}
	pg.Searched = true
	people, _, err := s.People.FindPeople(ctx, campusguard.PersonFilter{Under: &pg.Org.ID, Kind: ptr(campusguard.Student),
		Query: &pg.Query, Limit: 8})
	if err != nil {
		return err
	}
	held, err := s.heldAtGate(ctx, pg.Org.ID)
	if err != nil {
		return err
	}
	ili, err := s.iliHeld(ctx, pg.Org.ID)
	if err != nil {
		return err
	}
	names := s.orgNames()
	for _, p := range people {
		_, isHeld := held[p.ID]
		res := gateResult{ID: p.ID, Number: p.Number, Name: p.Name, Checked: p.ID == selected || len(people) == 1, Held: isHeld, ILI: ili[p.ID]}
		if res.Class, err = names.className(ctx, p.ClassID); err != nil {
			return err
		}
		pg.Results = append(pg.Results, res)
	}
	return nil
}

// heldAtGate returns the people of a school to stop at the gate: an open
// case without return clearance.
func (s *Server) heldAtGate(ctx context.Context, schoolID int64) (map[int64]campusguard.CaseState, error) {
	if s.Cases == nil {
		return nil, nil
	}
	return s.Cases.HeldAtGate(ctx, schoolID)
}

// handleGateForm handles "GET /orgs/{id}/gate?q=": the form; as the
// search box changes, htmx asks again and swaps in the results.
func (s *Server) handleGateForm(w http.ResponseWriter, r *http.Request) error {
	o, anc, err := s.gateOrg(r)
	if err != nil {
		return err
	}
	pg := s.newGatePage(r, o, anc)
	pg.Query = searchText(r.URL.Query().Get("q"))
	if err := s.gateSearch(r.Context(), pg, 0); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "gate", pg)
}

// handleGate handles "POST /orgs/{id}/gate": one gate reading; the answer
// is the empty form again with the reading, a fever in red.
func (s *Server) handleGate(w http.ResponseWriter, r *http.Request) error {
	o, anc, err := s.gateOrg(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	ctx := r.Context()
	f := r.PostForm
	pg := s.newGatePage(r, o, anc)
	key := strings.TrimSpace(f.Get("client_key"))
	pid, _ := strconv.ParseInt(f.Get("person_id"), 10, 64)
	temp := strings.TrimSpace(f.Get("temperature"))
	day, taken, tfe := s.formTaken(f)
	c := &campusguard.Check{PersonID: pid, Day: day, At: taken, Kind: campusguard.GateCheck, ClientKey: key, Symptoms: []campusguard.Symptom{}}
	var stored *campusguard.Check
	t, fe := parseTemperature("temperature", temp)
	if fe == nil {
		fe = tfe
	}
	if fe != nil {
		err = campusguard.InvalidFields([]campusguard.FieldError{*fe})
	} else {
		c.Temperature = t
		stored, _, err = s.Health.RecordCheck(ctx, c)
	}
	if err != nil {
		status, ok := formFailed(pg.Lang, err, &pg.formState)
		if !ok && campusguard.ErrorCode(err) != campusguard.NotFound {
			return err
		}
		if !ok {
			status = http.StatusNotFound
			pg.Message = pg.T("error.not_found")
		}
		// Keep what was typed, with the same key, to try again.
		pg.ClientKey, pg.Temperature = key, temp
		pg.Query = searchText(f.Get("q"))
		if err := s.gateSearch(ctx, pg, pid); err != nil {
			return err
		}
		return s.render(w, r, status, "gate", pg)
	}
	p, err := s.People.FindPersonByID(ctx, stored.PersonID)
	if err != nil {
		return err
	}
	held, err := s.heldAtGate(ctx, o.ID)
	if err != nil {
		return err
	}
	_, isHeld := held[p.ID]
	ili, err := s.iliHeld(ctx, o.ID)
	if err != nil {
		return err
	}
	pg.Last = &gateLast{Name: p.Name, Temperature: formatTemp(stored.Temperature), Fever: stored.Fever, Held: isHeld, ILI: ili[p.ID]}
	return s.render(w, r, http.StatusOK, "gate", pg)
}

// ---- Figures and history ----

// figuresCard is today's roll-up of a school or class; nil Rollup is a day
// with no figures yet.
type figuresCard struct {
	Day    string
	Rollup *campusguard.Rollup
	// Links to record checks, for those who may.
	CheckURL string
	GateURL  string
	// IsSchool marks a school's card, which shows today's sign-off;
	// SignOff is nil until signed, SignOffURL "" for those who may not.
	IsSchool   bool
	SignOff    *signOffView
	SignOffURL string
}

// figures reads the day's roll-up of o.
func (s *Server) figures(ctx context.Context, a *campusguard.Actor, o *campusguard.Org) (*figuresCard, error) {
	if s.Health == nil {
		return nil, nil
	}
	day := s.dayOf(ctx)
	card := &figuresCard{Day: day.String()}
	rs, err := s.Health.Rollups(ctx, o.ID, day, day)
	if err != nil {
		return nil, err
	}
	for i := range rs {
		if rs[i].Day == day && (rs[i].Expected > 0 || rs[i].Reported > 0 || rs[i].Absent > 0) {
			card.Rollup = &rs[i]
		}
	}
	switch {
	case o.Kind == campusguard.KindClass && a.CanRecordCheck(campusguard.MorningCheck, 0, o.Path):
		card.CheckURL = orgURL(o.ID) + "/checks?kind=morning"
	case o.Kind == campusguard.KindSchool && a.CanRecordCheck(campusguard.GateCheck, 0, o.Path):
		card.GateURL = orgURL(o.ID) + "/gate"
	}
	return card, nil
}

// checkRow is one check in a person's file.
type checkRow struct {
	Day         string
	Kind        string
	Temperature string
	Symptoms    string
	Detail      string // attendance, health code, household and exposure
	Abnormal    bool
	Fever       bool
}

// checkHistory reads a person's latest checks for their file.
func (s *Server) checkHistory(ctx context.Context, l i18n.Lang, personID int64) ([]checkRow, error) {
	if s.Health == nil {
		return nil, nil
	}
	checks, _, err := s.Health.FindChecks(ctx, campusguard.CheckFilter{PersonID: &personID, Limit: 30})
	if err != nil {
		return nil, err
	}
	var out []checkRow
	for _, c := range checks {
		row := checkRow{Day: c.Day.String(), Kind: tr(l, checkKindKey(c.Kind)), Temperature: formatTemp(c.Temperature),
			Abnormal: c.Abnormal, Fever: c.Fever}
		var syms, detail []string
		for _, sym := range c.Symptoms {
			syms = append(syms, tr(l, symptomKey(sym)))
		}
		if c.Attendance != "" {
			detail = append(detail, tr(l, attendanceKey(c.Attendance)))
		}
		if c.AbsenceReason != "" {
			detail = append(detail, tr(l, absenceReasonKey(c.AbsenceReason)))
		}
		if c.HealthCode != "" {
			detail = append(detail, tr(l, healthCodeKey(c.HealthCode)))
		}
		if c.HouseholdUnwell {
			detail = append(detail, tr(l, "check.household_unwell"))
		}
		if c.RiskExposure {
			detail = append(detail, tr(l, "check.risk_exposure"))
		}
		row.Symptoms = strings.Join(syms, "、")
		row.Detail = strings.Join(detail, " · ")
		out = append(out, row)
	}
	return out, nil
}
