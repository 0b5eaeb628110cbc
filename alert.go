package campusguard

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// AlertRule names what raised an alert: one of the fixed rules of the
// school outbreak reporting rules (SPEC §10), or a statistical method.
type AlertRule string

const (
	RuleClassDay      AlertRule = "class_day"      // ≥ 3 similar cases in one class or dorm room in one day
	RuleClassDays     AlertRule = "class_days"     // ≥ 5 similar cases in one class within 3 consecutive days
	RuleHighFever     AlertRule = "high_fever"     // a case of unexplained high fever
	RuleAbsenceRate   AlertRule = "absence_rate"   // a school's illness-absence rate over the region's threshold
	RuleEpidemicFever AlertRule = "epidemic_fever" // any fever while the region marks an epidemic active
	RuleAberration    AlertRule = "aberration"     // EARS C1, C2 or C3 on a daily count
	RuleILISuspension AlertRule = "ili_suspension" // a class reached the ILI suspension criteria (issue 11)
)

// AlertRules lists the rules.
var AlertRules = []AlertRule{RuleClassDay, RuleClassDays, RuleHighFever, RuleAbsenceRate, RuleEpidemicFever, RuleAberration,
	RuleILISuspension}

// Series names the daily counts the statistics watch.
type Series string

const (
	SeriesFever     Series = "fever"      // students with a fever that day
	SeriesIllAbsent Series = "ill_absent" // students absent for illness that day
)

// RuleConfig is a region's settings of the fixed rules and statistics.
type RuleConfig struct {
	DayMin       int  `json:"day_min"`       // cases in one class or room in one day: 3
	WindowDays   int  `json:"window_days"`   // consecutive days: 3
	WindowMin    int  `json:"window_min"`    // cases in one class within them: 5
	CalendarDays bool `json:"calendar_days"` // the window counts calendar days (true) or school days
	// HighFever is the temperature of an unexplained high fever: 39.0 °C.
	HighFever float64 `json:"high_fever"`
	// AbsenceRate is the illness-absence share of a school's students that
	// raises an alert: 0.05.
	AbsenceRate    float64 `json:"absence_rate"`
	EpidemicActive bool    `json:"epidemic_active"`
	Method         string  `json:"method"`    // "C1", "C2" or "C3": C2
	MinSigma       float64 `json:"min_sigma"` // 0.5
	Baseline       int     `json:"baseline"`  // 7
	Alpha          float64 `json:"alpha"`     // 0: the method's default
	// Sensitivity is set on its own (SetAlertSensitivity) and read with
	// the rules: normal unless the region chose otherwise.
	Sensitivity Sensitivity `json:"sensitivity"`
}

// DefaultRuleConfig returns the national defaults.
func DefaultRuleConfig() RuleConfig {
	return RuleConfig{DayMin: 3, WindowDays: 3, WindowMin: 5, CalendarDays: true, HighFever: 39.0, AbsenceRate: 0.05,
		Method: "C2", MinSigma: 0.5, Baseline: 7, Sensitivity: SensitivityNormal}
}

// Validate checks a region's settings.
func (c *RuleConfig) Validate() error {
	var fe fieldErrors
	if c.DayMin < 2 || c.DayMin > 50 {
		fe.add("day_min", "error.range", 2, 50)
	}
	if c.WindowDays < 2 || c.WindowDays > 14 {
		fe.add("window_days", "error.range", 2, 14)
	}
	if c.WindowMin < 2 || c.WindowMin > 100 {
		fe.add("window_min", "error.range", 2, 100)
	}
	if c.HighFever < 38 || c.HighFever > 41 {
		fe.add("high_fever", "error.range", 38, 41)
	}
	if !(c.AbsenceRate > 0 && c.AbsenceRate <= 0.5) {
		fe.add("absence_rate", "error.range", 0.01, 0.5)
	}
	if c.Method != "C1" && c.Method != "C2" && c.Method != "C3" {
		fe.add("method", "error.bad_choice")
	}
	if !(c.MinSigma >= 0 && c.MinSigma <= 10) {
		fe.add("min_sigma", "error.range", 0, 10)
	}
	if c.Baseline < 3 || c.Baseline > 28 {
		fe.add("baseline", "error.range", 3, 28)
	}
	if c.Alpha != 0 && !(c.Alpha > 0 && c.Alpha < 0.5) {
		fe.add("alpha", "error.range", 0, 0.5)
	}
	return fe.err()
}

// CaseOnset is what the fixed rules know of a case: where its person sits
// and sleeps, when it began, its signs.
type CaseOnset struct {
	CaseID      int64
	SchoolID    int64
	ClassID     *int64
	RoomID      *int64 // dormitory room
	Onset       Date
	Signs       []Symptom // symptoms, with fever when the temperature was one
	Temperature *float64
	Outcome     Outcome
}

// Signal is one rule or method firing on one node: what an alert is about.
type Signal struct {
	Rule      AlertRule `json:"rule"`
	OrgID     int64     `json:"org_id"`  // the class, school or region
	RoomID    *int64    `json:"room_id"` // the dormitory room, for a room's cluster
	Symptom   Symptom   `json:"symptom"` // the shared sign of a cluster
	Series    Series    `json:"series"`  // for absence rate, epidemic fever, aberration
	Method    string    `json:"method"`  // for aberration
	Day       Date      `json:"day"`
	Count     float64   `json:"count"`     // the cases, or the day's count
	Threshold float64   `json:"threshold"` // the rule's minimum, or the method's upper bound
	CaseIDs   []int64   `json:"case_ids"`
}

// Key identifies the signal across days: an ongoing outbreak that fires
// the same rule on the same node every day is one alert.
func (s Signal) Key() string {
	room := int64(0)
	if s.RoomID != nil {
		room = *s.RoomID
	}
	return fmt.Sprintf("%s/%d/%d/%s/%s/%s", s.Rule, s.OrgID, room, s.Symptom, s.Series, s.Method)
}

// signsOf returns a case's signs: its symptoms, and fever when its
// temperature reached threshold.
func SignsOf(symptoms []Symptom, temperature *float64, threshold float64) []Symptom {
	out := slices.Clone(symptoms)
	if temperature != nil && *temperature >= threshold && !slices.Contains(out, SymFever) {
		out = append(out, SymFever)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// cluster finds, among cases, the sign shared by the most of them and the
// cases that have it; ties go to the sign that sorts first.
func cluster(cases []CaseOnset) (Symptom, []int64) {
	by := map[Symptom][]int64{}
	for _, c := range cases {
		for _, s := range c.Signs {
			if s != SymOther {
				by[s] = append(by[s], c.CaseID)
			}
		}
	}
	var best Symptom
	for s, ids := range by {
		if len(ids) > len(by[best]) || len(ids) == len(by[best]) && s < best {
			best = s
		}
	}
	return best, by[best]
}

// ClusterRules applies the two cluster rules on day: DayMin or more cases
// with a shared sign and onset on day in one class or one dormitory room;
// WindowMin or more with a shared sign and onset in the WindowDays days
// ending on day in one class. With CalendarDays false, the window is the
// last WindowDays of schoolDays (ascending) up to day, so a weekend does
// not break it.
func ClusterRules(cases []CaseOnset, day Date, cfg RuleConfig, schoolDays []Date) []Signal {
	var out []Signal
	byClass := map[int64][]CaseOnset{}
	byRoom := map[int64][]CaseOnset{}
	start := day.AddDays(-(cfg.WindowDays - 1))
	if !cfg.CalendarDays {
		var upTo []Date
		for _, d := range schoolDays {
			if !day.Before(d) {
				upTo = append(upTo, d)
			}
		}
		if len(upTo) >= cfg.WindowDays {
			start = upTo[len(upTo)-cfg.WindowDays]
		} else if len(upTo) > 0 {
			start = upTo[0]
		}
	}
	window := map[int64][]CaseOnset{}
	for _, c := range cases {
		if c.Onset == day {
			if c.ClassID != nil {
				byClass[*c.ClassID] = append(byClass[*c.ClassID], c)
			}
			if c.RoomID != nil {
				byRoom[*c.RoomID] = append(byRoom[*c.RoomID], c)
			}
		}
		if c.ClassID != nil && !c.Onset.Before(start) && !day.Before(c.Onset) {
			window[*c.ClassID] = append(window[*c.ClassID], c)
		}
	}
	for _, id := range slices.Sorted(maps.Keys(byClass)) {
		if s, ids := cluster(byClass[id]); len(ids) >= cfg.DayMin {
			out = append(out, Signal{Rule: RuleClassDay, OrgID: id, Symptom: s, Day: day, Count: float64(len(ids)),
				Threshold: float64(cfg.DayMin), CaseIDs: ids})
		}
	}
	for _, id := range slices.Sorted(maps.Keys(byRoom)) {
		if s, ids := cluster(byRoom[id]); len(ids) >= cfg.DayMin {
			room := id
			out = append(out, Signal{Rule: RuleClassDay, OrgID: byRoom[id][0].SchoolID, RoomID: &room, Symptom: s, Day: day,
				Count: float64(len(ids)), Threshold: float64(cfg.DayMin), CaseIDs: ids})
		}
	}
	for _, id := range slices.Sorted(maps.Keys(window)) {
		if s, ids := cluster(window[id]); len(ids) >= cfg.WindowMin {
			out = append(out, Signal{Rule: RuleClassDays, OrgID: id, Symptom: s, Day: day, Count: float64(len(ids)),
				Threshold: float64(cfg.WindowMin), CaseIDs: ids})
		}
	}
	return out
}

// HighFeverRule fires for each case with onset on day, a temperature of
// cfg.HighFever or more and no outcome yet: an unexplained high fever.
// The signal is on the case's class (or school).
func HighFeverRule(cases []CaseOnset, day Date, cfg RuleConfig) []Signal {
	var out []Signal
	for _, c := range cases {
		if c.Onset != day || c.Temperature == nil || *c.Temperature < cfg.HighFever || c.Outcome != "" {
			continue
		}
		org := c.SchoolID
		if c.ClassID != nil {
			org = *c.ClassID
		}
		out = append(out, Signal{Rule: RuleHighFever, OrgID: org, Symptom: SymFever, Day: day, Count: *c.Temperature,
			Threshold: cfg.HighFever, CaseIDs: []int64{c.CaseID}})
	}
	return out
}

// AbsenceRateRule fires when a school's illness absences of day exceed
// the region's share of its expected students.
func AbsenceRateRule(school int64, r Rollup, cfg RuleConfig) (Signal, bool) {
	if r.Expected <= 0 || float64(r.IllAbsent) <= cfg.AbsenceRate*float64(r.Expected) {
		return Signal{}, false
	}
	return Signal{Rule: RuleAbsenceRate, OrgID: school, Series: SeriesIllAbsent, Day: r.Day,
		Count: float64(r.IllAbsent) / float64(r.Expected), Threshold: cfg.AbsenceRate}, true
}

// EpidemicFeverRule fires for a school with any fever on day while the
// region marks an epidemic active.
func EpidemicFeverRule(school int64, r Rollup, cfg RuleConfig) (Signal, bool) {
	if !cfg.EpidemicActive || r.Fever == 0 {
		return Signal{}, false
	}
	return Signal{Rule: RuleEpidemicFever, OrgID: school, Series: SeriesFever, Day: r.Day, Count: float64(r.Fever),
		Threshold: 1}, true
}

// AlertState is where an alert stands.
type AlertState string

const (
	AlertOpen         AlertState = "open"
	AlertAcknowledged AlertState = "acknowledged"
	AlertInvestigated AlertState = "investigated"
	AlertClosed       AlertState = "closed"
)

// AlertStates lists the states in order.
var AlertStates = []AlertState{AlertOpen, AlertAcknowledged, AlertInvestigated, AlertClosed}

var alertNext = map[AlertState]AlertState{AlertOpen: AlertAcknowledged, AlertAcknowledged: AlertInvestigated,
	AlertInvestigated: AlertClosed}

// NextAlertState returns the state an alert in st may move to.
func NextAlertState(st AlertState) (AlertState, bool) {
	n, ok := alertNext[st]
	return n, ok
}

// Alert is one signal followed from its first day to a conclusion. While
// it is not closed, the signal firing again on later days updates it.
type Alert struct {
	ID         int64      `json:"id"`
	RegionID   int64      `json:"region_id"`
	OrgID      int64      `json:"org_id"`
	OrgName    string     `json:"org_name"`
	Key        string     `json:"key"`
	Rule       AlertRule  `json:"rule"`
	RoomID     *int64     `json:"room_id"`
	Symptom    Symptom    `json:"symptom"`
	Series     Series     `json:"series"`
	Method     string     `json:"method"`
	State      AlertState `json:"state"`
	FirstDay   Date       `json:"first_day"`
	LastDay    Date       `json:"last_day"`
	Days       int        `json:"days"`      // days the signal fired
	Count      float64    `json:"count"`     // the largest count seen
	Threshold  float64    `json:"threshold"` // at that count
	CaseIDs    []int64    `json:"case_ids"`
	Conclusion string     `json:"conclusion"`
	OpenedAt   time.Time  `json:"opened_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
	Severity   Severity   `json:"severity"`
	// ParentID is the alert this one is grouped under: the same signal
	// seen at a region above (GroupSignals); nil for none.
	ParentID *int64 `json:"parent_id"`
	// Children are the alerts grouped under this one, by node.
	Children []AlertChild `json:"children"`
}

// AlertStep is one recorded move of an alert.
type AlertStep struct {
	ID      int64      `json:"id"`
	AlertID int64      `json:"alert_id"`
	From    AlertState `json:"from"`
	To      AlertState `json:"to"`
	At      time.Time  `json:"at"`
	By      string     `json:"by"`
	Note    string     `json:"note"`
}

// AlertMove asks to move an alert, with the conclusion when closing.
type AlertMove struct {
	To   AlertState `json:"to"`
	Note string     `json:"note"`
}

// SignalKey is the message key of what an alert watches: the shared
// symptom of a cluster ("symptom.cough"), else its daily count
// ("series.fever"); "" for neither. The alert pages and the briefing's
// workbook name it through it.
func (a *Alert) SignalKey() string {
	switch {
	case a.Symptom != "":
		return "symptom." + string(a.Symptom)
	case a.Series != "":
		return "series." + string(a.Series)
	}
	return ""
}

// Apply checks m against the alert's state and moves it. Closing needs a
// note: the conclusion.
func (a *Alert) Apply(m AlertMove, by string, at time.Time) (AlertStep, error) {
	var fe fieldErrors
	next, ok := alertNext[a.State]
	switch {
	case !slices.Contains(AlertStates, m.To):
		fe.add("to", "error.bad_choice")
	case !ok || m.To != next:
		fe.add("to", "error.alert_transition", string(a.State), string(m.To))
	}
	note := strings.TrimSpace(m.Note)
	if m.To == AlertClosed && note == "" {
		fe.add("note", "error.conclusion_required")
	}
	if utf8.RuneCountInString(note) > MaxNote {
		fe.add("note", "error.too_long", MaxNote)
	}
	if err := fe.err(); err != nil {
		return AlertStep{}, err
	}
	step := AlertStep{AlertID: a.ID, From: a.State, To: m.To, At: at, By: by, Note: note}
	a.State, a.UpdatedAt = m.To, at
	if m.To == AlertClosed {
		a.Conclusion = note
	}
	return step, nil
}

// Merge folds a later firing of the same signal into the alert.
func (a *Alert) Merge(s Signal) {
	if a.LastDay.Before(s.Day) {
		a.LastDay = s.Day
		a.Days++
	}
	if s.Count > a.Count {
		a.Count, a.Threshold = s.Count, s.Threshold
	}
	if sev := AlertSeverity(a.Rule, a.Days, 0); sev.Rank() < a.Severity.Rank() {
		a.Severity = sev // a lasting signal matters more; grouping never lowers it
	}
	for _, id := range s.CaseIDs {
		if !slices.Contains(a.CaseIDs, id) {
			a.CaseIDs = append(a.CaseIDs, id)
		}
	}
	slices.SortFunc(a.CaseIDs, cmp.Compare)
}

// AlertFromSignal is the alert a new signal opens.
func AlertFromSignal(s Signal, region int64, at time.Time) *Alert {
	ids := slices.Clone(s.CaseIDs)
	if ids == nil {
		ids = []int64{}
	}
	return &Alert{RegionID: region, OrgID: s.OrgID, Key: s.Key(), Rule: s.Rule, RoomID: s.RoomID, Symptom: s.Symptom,
		Series: s.Series, Method: s.Method, State: AlertOpen, FirstDay: s.Day, LastDay: s.Day, Days: 1, Count: s.Count,
		Threshold: s.Threshold, CaseIDs: ids, OpenedAt: at, UpdatedAt: at, Severity: AlertSeverity(s.Rule, 1, 0),
		Children: []AlertChild{}}
}

// AlertFilter selects alerts.
type AlertFilter struct {
	OrgID *int64
	Rule  *AlertRule
	State *AlertState
	Open  bool // not closed
	// Severity keeps the alerts of one severity.
	Severity *Severity
	// HideBlips leaves out one-day statistical blips (low severity).
	HideBlips bool
	// Grouped leaves out the alerts grouped under an alert the same
	// listing shows: they are listed with it.
	Grouped bool
	Offset  int
	Limit   int
}

// SeriesPoint is one school day of a watched count with the method's
// upper bound (nil where the method cannot evaluate: too early, or a
// missing window).
type SeriesPoint struct {
	Day   Date     `json:"day"`
	Count float64  `json:"count"`
	Upper *float64 `json:"upper"`
	Alarm bool     `json:"alarm"`
}

// AlertService detects and follows alerts.
type AlertService interface {
	// DetectAlerts evaluates every rule and method of a region for day and
	// opens or updates alerts. System only.
	DetectAlerts(ctx context.Context, regionID int64, day Date) (opened, updated int, err error)
	// RunDetection runs a top-level region's early warning for day on the
	// request of one of its region admins; by names where ("api", "web").
	RunDetection(ctx context.Context, regionID int64, day Date, by string) (opened, updated int, err error)
	FindAlerts(ctx context.Context, f AlertFilter) ([]*Alert, int, error)
	FindAlert(ctx context.Context, id int64) (*Alert, []AlertStep, error)
	MoveAlert(ctx context.Context, id int64, m AlertMove) (*Alert, error)
	// AlertSeries returns the watched count behind an aberration, absence or
	// epidemic alert over the school days up to its last day, with the
	// method's bounds.
	AlertSeries(ctx context.Context, id int64) ([]SeriesPoint, error)
}
