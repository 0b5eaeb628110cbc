package web

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"campusguard"
	"campusguard/internal/i18n"
)

// AlertService is what the alert pages need: the alerts, their moves and
// series, and a region's settings of the rules.
type AlertService interface {
	FindAlerts(ctx context.Context, f campusguard.AlertFilter) ([]*campusguard.Alert, int, error)
	FindAlert(ctx context.Context, id int64) (*campusguard.Alert, []campusguard.AlertStep, error)
	MoveAlert(ctx context.Context, id int64, m campusguard.AlertMove) (*campusguard.Alert, error)
	AlertSeries(ctx context.Context, id int64) ([]campusguard.SeriesPoint, error)
	RuleConfig(ctx context.Context, regionID int64) (campusguard.RuleConfig, error)
	SetRuleConfig(ctx context.Context, regionID int64, cfg campusguard.RuleConfig) error
	RunDetection(ctx context.Context, regionID int64, day campusguard.Date, by string) (opened, updated int, err error)
	SetAlertSensitivity(ctx context.Context, regionID int64, sens campusguard.Sensitivity) error
}

// alertsPerPage is the length of a page of the alert list.
const alertsPerPage = 50

func alertURL(id int64) string { return "/alerts/" + strconv.FormatInt(id, 10) }

// The message keys of the alerts' domain values.
func alertStateKey(st campusguard.AlertState) string { return "alert.state." + string(st) }
func alertRuleKey(r campusguard.AlertRule) string    { return "alert.rule." + string(r) }
func seriesKey(s campusguard.Series) string          { return "series." + string(s) }

// alertFilters are the list's filters besides a state.
var alertFilters = []string{"open", "all"}

// alertMethods are the statistical methods a region may choose.
var alertMethods = []string{"C1", "C2", "C3"}

// alertDynamicKeys returns the keys the alert pages build from domain values.
func alertDynamicKeys() []string {
	var keys []string
	for _, st := range campusguard.AlertStates {
		keys = append(keys, alertStateKey(st), "alert.move."+string(st))
	}
	for _, r := range campusguard.AlertRules {
		keys = append(keys, alertRuleKey(r))
	}
	for _, s := range []campusguard.Series{campusguard.SeriesFever, campusguard.SeriesIllAbsent} {
		keys = append(keys, seriesKey(s))
	}
	for _, f := range alertFilters {
		keys = append(keys, "alert.filter."+f)
	}
	for _, f := range ruleFields {
		keys = append(keys, "field."+f)
	}
	return append(keys, severityDynamicKeys()...)
}

// alertFormFailed is formFailed for the alert form: the states a refused
// move names are shown in the reader's language.
func alertFormFailed(l i18n.Lang, err error, f *formState) (int, bool) {
	return formFailedAs(l, translateStates(l, err, "error.alert_transition", func(s string) (string, bool) {
		return alertStateKey(campusguard.AlertState(s)), slices.Contains(campusguard.AlertStates, campusguard.AlertState(s))
	}), f, caseFieldsAs)
}

// alertSignal names what an alert watches in the reader's language.
func alertSignal(l i18n.Lang, a *campusguard.Alert) string {
	if k := a.SignalKey(); k != "" {
		return tr(l, k)
	}
	return ""
}

// alertFigures formats an alert's count and threshold as its rule
// measures them: cases, a temperature, a share, or a daily count against
// the method's upper bound.
func alertFigures(a *campusguard.Alert) (count, threshold string) {
	switch a.Rule {
	case campusguard.RuleHighFever:
		return strconv.FormatFloat(a.Count, 'f', 1, 64) + " °C", strconv.FormatFloat(a.Threshold, 'f', 1, 64) + " °C"
	case campusguard.RuleAbsenceRate:
		return strconv.FormatFloat(a.Count*100, 'f', 1, 64) + "%", strconv.FormatFloat(a.Threshold*100, 'f', 1, 64) + "%"
	case campusguard.RuleAberration:
		return formatCount(a.Count), strconv.FormatFloat(a.Threshold, 'f', 1, 64)
	}
	return formatCount(a.Count), formatCount(a.Threshold)
}

// formatCount writes a count without a fraction when it has none.
func formatCount(x float64) string {
	if x == math.Trunc(x) && math.Abs(x) < 1e15 {
		return formatNumber(int(x))
	}
	return strconv.FormatFloat(x, 'f', 1, 64)
}

// alertNode names an alert's node as schools say it: a class with its
// grade (一年级1班), and with its school too when withSchool.
func alertNode(ctx context.Context, names *orgNames, a *campusguard.Alert, withSchool bool) (string, error) {
	o, err := names.org(ctx, a.OrgID)
	if o == nil || err != nil || o.Kind != campusguard.KindClass {
		return a.OrgName, err
	}
	name, err := names.className(ctx, &o.ID)
	if err != nil || !withSchool || o.ParentID == nil {
		return name, err
	}
	grade, err := names.org(ctx, *o.ParentID)
	if grade == nil || err != nil {
		return name, err
	}
	school, err := names.name(ctx, grade.ParentID)
	if school == "" || err != nil {
		return name, err
	}
	return school + " " + name, nil
}

// alertRow is one alert in a list.
type alertRow struct {
	URL       string
	Rule      string
	Node      string
	Signal    string
	FirstDay  string
	LastDay   string
	Days      int
	Count     string
	Threshold string
	State     campusguard.AlertState
	StateText string
	Open      bool
	// Issue 19: how much it matters, and the nodes of the alerts grouped
	// under it.
	Severity     campusguard.Severity
	SeverityText string
	Group        []alertGroupNode
}

func newAlertRow(l i18n.Lang, a *campusguard.Alert) alertRow {
	row := alertRow{URL: alertURL(a.ID), Rule: tr(l, alertRuleKey(a.Rule)), Node: a.OrgName, Signal: alertSignal(l, a),
		FirstDay: a.FirstDay.String(), LastDay: a.LastDay.String(), Days: a.Days, State: a.State,
		StateText: tr(l, alertStateKey(a.State)), Open: a.State != campusguard.AlertClosed, Severity: a.Severity,
		SeverityText: tr(l, severityKey(a.Severity))}
	row.Count, row.Threshold = alertFigures(a)
	row.Group = alertGroup(a)
	return row
}

// ---- The list ----

// alertsPage lists the alerts in the reader's scope, or under one node.
type alertsPage struct {
	basePage
	Org     *campusguard.Org // nil for all the reader may see
	Action  string
	Filter  string // open, all, or "" with a State
	State   string
	Rule    string
	Filters []kindTab
	States  []option
	Rules   []option
	Alerts  []alertRow
	Pager   pager
	Notice  string
	// Issue 19: the severity asked for, the choices, and the one-day
	// blips the default list leaves out.
	Severity   string
	Severities []option
	Blips      blipsNote
	// Detect runs the early warning now: a top-level region's page, for
	// its region admins.
	Detect *detectForm
}

// detectForm is the form that runs a region's early warning for a day.
type detectForm struct {
	formState
	Action string
	Day    string // as typed, today by default
	Max    string // today: no later day
}

// handleAlerts handles "GET /alerts?filter=&state=&rule=&offset=": every
// alert the reader may see, open ones first.
func (s *Server) handleAlerts(w http.ResponseWriter, r *http.Request) error {
	if s.Alerts == nil {
		return errNotFound
	}
	pg := &alertsPage{basePage: s.base(r, "alert.list.title"), Action: "/alerts"}
	pg.Crumbs = []crumb{{Name: pg.T("alert.list.title")}}
	return s.alertList(w, r, http.StatusOK, pg)
}

// handleOrgAlerts handles "GET /orgs/{id}/alerts": the alerts of a node
// and of everything below it.
func (s *Server) handleOrgAlerts(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if s.Alerts == nil {
		return errNotFound
	}
	pg, err := s.orgAlertsPage(r, id)
	if err != nil {
		return err
	}
	if q := r.URL.Query(); q.Has("opened") && pg.Detect != nil {
		opened, _ := strconv.Atoi(q.Get("opened"))
		updated, _ := strconv.Atoi(q.Get("updated"))
		pg.Notice = pg.T("alert.detect.done", q.Get("day"), opened, updated)
	}
	return s.alertList(w, r, http.StatusOK, pg)
}

// orgAlertsPage is the alert page of node id before its list is read.
func (s *Server) orgAlertsPage(r *http.Request, id int64) (*alertsPage, error) {
	o, anc, err := s.orgLine(r.Context(), id)
	if err != nil {
		return nil, err
	}
	pg := &alertsPage{basePage: s.base(r, "alert.list.title"), Org: o, Action: orgURL(o.ID) + "/alerts"}
	pg.underOrg("alert.list.title", o, anc)
	a := campusguard.ActorFrom(r.Context())
	if o.Kind == campusguard.KindRegion && o.ParentID == nil && a.Can(campusguard.ManageUsers, o.Path) {
		today := s.today().String()
		pg.Detect = &detectForm{Action: orgURL(o.ID) + "/detect", Day: today, Max: today}
	}
	return pg, nil
}

// handleDetect handles "POST /orgs/{id}/detect": a region admin runs the
// region's early warning for the day the form names now, as the hourly
// job would, and comes back to the region's alerts with what it found. A
// refused day shows the alerts again with the error.
func (s *Server) handleDetect(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if s.Alerts == nil {
		return errNotFound
	}
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	typed := strings.TrimSpace(r.PostForm.Get("day"))
	day, runErr := campusguard.ParseDate(typed)
	if runErr != nil {
		runErr = campusguard.InvalidFields([]campusguard.FieldError{{Field: "day", Msg: "error.type_date"}})
	} else {
		var opened, updated int
		opened, updated, runErr = s.Alerts.RunDetection(r.Context(), id, day, "web")
		if runErr == nil {
			s.Logger.Info("early warning run", "region", id, "day", day.String(),
				"by", "web detect by "+campusguard.ActorName(r.Context()), "opened", opened, "updated", updated)
			return seeOther(w, r, fmt.Sprintf("%s/alerts?day=%s&opened=%d&updated=%d", orgURL(id), day, opened, updated))
		}
	}
	pg, err := s.orgAlertsPage(r, id)
	if err != nil {
		return err
	}
	if pg.Detect == nil {
		return runErr // not a region admin's region: the store's NotFound or Forbidden
	}
	status, ok := formFailed(pg.Lang, runErr, &pg.Detect.formState)
	if !ok {
		return runErr
	}
	pg.Detect.Day = typed
	return s.alertList(w, r, status, pg)
}

// alertList reads the page of alerts the query asks for and renders it.
func (s *Server) alertList(w http.ResponseWriter, r *http.Request, status int, pg *alertsPage) error {
	q := r.URL.Query()
	f := campusguard.AlertFilter{Offset: queryOffset(r), Limit: alertsPerPage}
	if pg.Org != nil {
		f.OrgID = &pg.Org.ID
	}
	if st := campusguard.AlertState(q.Get("state")); slices.Contains(campusguard.AlertStates, st) {
		pg.State = string(st)
		f.State = &st
	} else if x := q.Get("filter"); slices.Contains(alertFilters, x) {
		pg.Filter = x
	} else {
		pg.Filter = "open"
	}
	f.Open = pg.Filter == "open"
	if rule := campusguard.AlertRule(q.Get("rule")); slices.Contains(campusguard.AlertRules, rule) {
		pg.Rule = string(rule)
		f.Rule = &rule
	}
	pg.Severity = q.Get("severity")
	for _, x := range alertFilters {
		u := pg.Action + "?filter=" + x
		if pg.Rule != "" {
			u += "&rule=" + pg.Rule
		}
		if slices.Contains(campusguard.Severities, campusguard.Severity(pg.Severity)) {
			u += "&severity=" + pg.Severity
		}
		pg.Filters = append(pg.Filters, kindTab{URL: u, Label: pg.T("alert.filter." + x), Current: x == pg.Filter})
	}
	pg.States = []option{{Value: "", Label: pg.T("alert.filter.any_state"), Selected: pg.State == ""}}
	for _, st := range campusguard.AlertStates {
		pg.States = append(pg.States, option{Value: string(st), Label: pg.T(alertStateKey(st)), Selected: string(st) == pg.State})
	}
	pg.Rules = []option{{Value: "", Label: pg.T("alert.filter.any_rule"), Selected: pg.Rule == ""}}
	for _, rule := range campusguard.AlertRules {
		pg.Rules = append(pg.Rules, option{Value: string(rule), Label: pg.T(alertRuleKey(rule)), Selected: string(rule) == pg.Rule})
	}
	if err := s.alertSeverityFilter(r, pg, &f); err != nil {
		return err
	}
	alerts, total, err := s.Alerts.FindAlerts(r.Context(), f)
	if err != nil {
		return err
	}
	names := s.orgNames()
	withSchool := pg.Org == nil || pg.Org.Kind == campusguard.KindRegion
	for _, a := range alerts {
		row := newAlertRow(pg.Lang, a)
		if row.Node, err = alertNode(r.Context(), names, a, withSchool); err != nil {
			return err
		}
		pg.Alerts = append(pg.Alerts, row)
	}
	pg.Pager = newPager(r, f.Offset, alertsPerPage, len(alerts), total)
	return s.render(w, r, status, "alerts", pg)
}

// alertsCard is the count of a node's open alerts on its page.
type alertsCard struct {
	Open int
	URL  string
}

// alertsCard counts the open alerts under o, for readers of cases there;
// nil for others.
func (s *Server) alertsCard(ctx context.Context, a *campusguard.Actor, o *campusguard.Org) (*alertsCard, error) {
	if s.Alerts == nil || !a.Can(campusguard.ReadCases, o.Path) {
		return nil, nil
	}
	c := &alertsCard{URL: orgURL(o.ID) + "/alerts"}
	var err error
	if _, c.Open, err = s.Alerts.FindAlerts(ctx, campusguard.AlertFilter{OrgID: &o.ID, Open: true, Grouped: true, Limit: 1}); err != nil {
		return nil, err
	}
	return c, nil
}

// ---- One alert ----

// alertPage is one alert: what fired, where it stands, every step so far,
// the form for the next step, the cases behind it and its daily series.
type alertPage struct {
	basePage
	formState
	Alert    *campusguard.Alert
	Row      alertRow
	Method   string
	Life     lifeline
	Cases    []alertCase
	ListURL  string
	NodeURL  string
	Series   []alertPoint
	HasUpper bool
	// Move is the form for the next state, for those who may move alerts;
	// nil for others and for a closed alert.
	Move   *alertMove
	Notice string
	// Parent is the head of the alert's group, when the reader sees it.
	Parent *alertParent
}

// alertCase links a case behind an alert.
type alertCase struct {
	URL   string
	Label string
}

// alertPoint is one school day of the chart and its table, as the chart's
// script reads it.
type alertPoint struct {
	Day   string   `json:"day"`
	Count float64  `json:"count"`
	Upper *float64 `json:"upper"`
	Alarm bool     `json:"alarm"`
	// For the table.
	CountText string `json:"-"`
	UpperText string `json:"-"`
}

// alertMove is the form that moves an alert to its one next state.
type alertMove struct {
	Action string
	To     campusguard.AlertState
	Label  string
	Note   string
}

// Closing reports whether the move closes the alert and so needs the
// conclusion.
func (m *alertMove) Closing() bool { return m.To == campusguard.AlertClosed }

// alertPage reads an alert and lays it out for the reader.
func (s *Server) alertPage(r *http.Request, id int64) (*alertPage, error) {
	if s.Alerts == nil {
		return nil, errNotFound
	}
	ctx := r.Context()
	al, steps, err := s.Alerts.FindAlert(ctx, id)
	if err != nil {
		return nil, err
	}
	pg := &alertPage{basePage: s.base(r, "alert.title"), Alert: al}
	l, a := pg.Lang, pg.actor
	pg.Row = newAlertRow(l, al)
	pg.Method = al.Method
	names := s.orgNames()
	if pg.Row.Node, err = alertNode(ctx, names, al, true); err != nil {
		return nil, err
	}
	pg.Title = pg.Row.Rule + " · " + pg.Row.Node
	o, err := names.org(ctx, al.OrgID)
	if err != nil {
		return nil, err
	}
	path := ""
	if o != nil {
		path = o.Path
		pg.NodeURL = orgURL(o.ID)
		pg.ListURL = orgURL(o.ID) + "/alerts"
		pg.Crumbs = []crumb{{Name: o.Name, URL: orgURL(o.ID)}, {Name: tr(l, "alert.list.title"), URL: pg.ListURL}}
	} else {
		pg.ListURL = "/alerts"
		pg.Crumbs = []crumb{{Name: tr(l, "alert.list.title"), URL: pg.ListURL}}
	}
	pg.Crumbs = append(pg.Crumbs, crumb{Name: pg.Row.Rule})
	pg.Life = newLifeline(l, "alert", campusguard.AlertStates, al.State, alertStateKey)
	for _, st := range steps {
		pg.Life.Steps = append(pg.Life.Steps, stepRow{State: tr(l, alertStateKey(st.To)), At: pg.Time(st.At), By: actorLabel(l, st.By),
			Note: st.Note})
	}
	for _, cid := range al.CaseIDs {
		pg.Cases = append(pg.Cases, alertCase{URL: caseURL(cid), Label: tr(l, "alert.case_n", cid)})
	}
	points, err := s.Alerts.AlertSeries(ctx, al.ID)
	if err != nil {
		return nil, err
	}
	for _, p := range points {
		pt := alertPoint{Day: p.Day.String(), Count: p.Count, Upper: p.Upper, Alarm: p.Alarm, CountText: formatCount(p.Count)}
		if p.Upper != nil {
			pt.UpperText = strconv.FormatFloat(*p.Upper, 'f', 2, 64)
			pg.HasUpper = true
		}
		pg.Series = append(pg.Series, pt)
	}
	if next, ok := campusguard.NextAlertState(al.State); ok && path != "" && a.Can(campusguard.MoveCases, path) {
		pg.Move = &alertMove{Action: alertURL(al.ID) + "/transitions", To: next, Label: tr(l, "alert.move."+string(next))}
	}
	if pg.Parent, err = s.groupParent(ctx, al); err != nil {
		return nil, err
	}
	pg.setBack(alertURL(al.ID))
	return pg, nil
}

// handleAlertView handles "GET /alerts/{id}".
func (s *Server) handleAlertView(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	pg, err := s.alertPage(r, id)
	if err != nil {
		return err
	}
	if r.URL.Query().Get("moved") != "" {
		pg.Notice = pg.T("alert.moved", pg.Row.StateText)
	}
	return s.render(w, r, http.StatusOK, "alert", pg)
}

// handleAlertMove handles "POST /alerts/{id}/transitions": the alert moves
// to the state the form names, with its note (the conclusion when
// closing); a refused move shows the alert again with the error and
// changes nothing.
func (s *Server) handleAlertMove(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if s.Alerts == nil {
		return errNotFound
	}
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	m := campusguard.AlertMove{To: campusguard.AlertState(r.PostForm.Get("to")), Note: strings.TrimSpace(r.PostForm.Get("note"))}
	_, moveErr := s.Alerts.MoveAlert(r.Context(), id, m)
	if moveErr == nil {
		return seeOther(w, r, alertURL(id)+"?moved=1")
	}
	pg, err := s.alertPage(r, id)
	if err != nil {
		return err
	}
	status, ok := alertFormFailed(pg.Lang, moveErr, &pg.formState)
	if !ok {
		return moveErr
	}
	if pg.Move != nil && pg.Move.To == m.To {
		pg.Move.Note = m.Note // keep what was typed for the same step
	}
	return s.render(w, r, status, "alert", pg)
}

// ---- A region's rule settings ----

// ruleFields are the fields of the rule settings form, in its order.
var ruleFields = []string{"day_min", "window_days", "window_min", "window_calendar", "high_fever", "absence_rate",
	"epidemic_active", "method", "min_sigma", "baseline", "alpha"}

// rulesForm is the form of a region's settings of the rules and
// statistics, as typed. The absence rate is a percentage.
type rulesForm struct {
	formState
	Action         string
	DayMin         string
	WindowDays     string
	WindowMin      string
	CalendarDays   bool
	HighFever      string
	AbsenceRate    string
	EpidemicActive bool
	Method         string
	Methods        []option
	MinSigma       string
	Baseline       string
	alpha          float64
	// Sensitivity is its own form, beside the rules (issue 19).
	Sensitivity *sensitivityForm
}

// newRulesForm lays out cfg for the form.
func newRulesForm(l i18n.Lang, regionID int64, cfg campusguard.RuleConfig) *rulesForm {
	f := &rulesForm{Action: settingsURL(regionID) + "/rules", DayMin: strconv.Itoa(cfg.DayMin),
		WindowDays: strconv.Itoa(cfg.WindowDays), WindowMin: strconv.Itoa(cfg.WindowMin), CalendarDays: cfg.CalendarDays,
		HighFever: strconv.FormatFloat(cfg.HighFever, 'f', -1, 64), AbsenceRate: strconv.FormatFloat(math.Round(cfg.AbsenceRate*1e5)/1e3, 'f', -1, 64),
		EpidemicActive: cfg.EpidemicActive, Method: cfg.Method, MinSigma: strconv.FormatFloat(cfg.MinSigma, 'f', -1, 64),
		Baseline: strconv.Itoa(cfg.Baseline), alpha: cfg.Alpha, Sensitivity: newSensitivityForm(l, regionID, cfg.Sensitivity)}
	f.setMethods()
	return f
}

func (f *rulesForm) setMethods() {
	f.Methods = f.Methods[:0]
	for _, m := range alertMethods {
		f.Methods = append(f.Methods, option{Value: m, Label: m, Selected: m == f.Method})
	}
}

// parse reads the form into a configuration; it returns the fields that
// are not numbers at all, and leaves the ranges to the domain.
func (f *rulesForm) parse(r *http.Request) (campusguard.RuleConfig, []campusguard.FieldError) {
	v := r.PostForm
	get := func(k string) string { return strings.TrimSpace(v.Get(k)) }
	f.DayMin, f.WindowDays, f.WindowMin = get("day_min"), get("window_days"), get("window_min")
	f.CalendarDays = get("window_calendar") != "school"
	f.HighFever, f.AbsenceRate, f.EpidemicActive = get("high_fever"), get("absence_rate"), get("epidemic_active") != ""
	f.Method, f.MinSigma, f.Baseline = get("method"), get("min_sigma"), get("baseline")
	f.setMethods()
	var bad []campusguard.FieldError
	atoi := func(field, s string) int {
		n, err := strconv.Atoi(s)
		if err != nil {
			msg := "error.type_integer"
			if s == "" {
				msg = "error.required"
			}
			bad = append(bad, campusguard.FieldError{Field: field, Msg: msg})
		}
		return min(max(n, -1), 1_000_000)
	}
	atof := func(field, s string) float64 {
		x, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			msg := "error.type_number"
			if s == "" {
				msg = "error.required"
			}
			bad = append(bad, campusguard.FieldError{Field: field, Msg: msg})
		}
		return x
	}
	cfg := campusguard.RuleConfig{DayMin: atoi("day_min", f.DayMin), WindowDays: atoi("window_days", f.WindowDays),
		WindowMin: atoi("window_min", f.WindowMin), CalendarDays: f.CalendarDays, HighFever: atof("high_fever", f.HighFever),
		AbsenceRate: atof("absence_rate", f.AbsenceRate) / 100, EpidemicActive: f.EpidemicActive, Method: f.Method,
		MinSigma: atof("min_sigma", f.MinSigma), Baseline: atoi("baseline", f.Baseline), Alpha: f.alpha}
	return cfg, bad
}

// percentRange shows the domain's range of the absence rate, a share, as
// the percentage the form asks for.
func percentRange(err error) error {
	var ce *campusguard.Error
	if !errors.As(err, &ce) {
		return err
	}
	c := *ce
	c.Fields = slices.Clone(ce.Fields)
	for i, fe := range c.Fields {
		if fe.Field == "absence_rate" && fe.Msg == "error.range" && len(fe.Args) == 2 {
			c.Fields[i].Args = []any{1, 50}
		}
	}
	return &c
}

// handleRuleSettings handles "POST /orgs/{id}/settings/rules": a top-level
// region's settings of the alert rules; bad values show the settings again
// naming each bad field and change nothing.
func (s *Server) handleRuleSettings(w http.ResponseWriter, r *http.Request) error {
	if s.Alerts == nil {
		return errNotFound
	}
	p, err := s.settingsPageFor(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	ctx := r.Context()
	old, err := s.Alerts.RuleConfig(ctx, p.Region.ID)
	if err != nil {
		return err
	}
	p.Rules = newRulesForm(p.Lang, p.Region.ID, old)
	cfg, bad := p.Rules.parse(r)
	if len(bad) > 0 {
		err = campusguard.InvalidFields(bad)
	} else {
		err = s.Alerts.SetRuleConfig(ctx, p.Region.ID, cfg)
	}
	if err == nil {
		return seeOther(w, r, settingsURL(p.Region.ID)+"?saved=1#rules")
	}
	status, ok := formFailed(p.Lang, percentRange(err), &p.Rules.formState)
	if !ok {
		return err
	}
	within, err := s.Settings.ReportWithin(ctx, p.Region.ID)
	if err != nil {
		return err
	}
	p.Minutes = strconv.Itoa(int(within.Minutes()))
	if err := s.policySettings(ctx, p); err != nil {
		return err
	}
	if err := s.calendarSettings(ctx, p); err != nil {
		return err
	}
	return s.render(w, r, status, "settings", p)
}

// ruleSettings fills the rule form of the settings page.
func (s *Server) ruleSettings(ctx context.Context, p *settingsPage) error {
	if s.Alerts == nil {
		return nil
	}
	cfg, err := s.Alerts.RuleConfig(ctx, p.Region.ID)
	if err != nil {
		return err
	}
	p.Rules = newRulesForm(p.Lang, p.Region.ID, cfg)
	return nil
}
