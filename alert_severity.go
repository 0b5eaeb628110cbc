package campusguard

import (
	"slices"
	"strings"
)

// Severity is how much an alert matters to the people who read the list
// every morning (issue 19).
type Severity string

const (
	SeverityHigh   Severity = "high"   // an outbreak: a cluster, the ILI suspension criteria, or several schools at once
	SeverityMedium Severity = "medium" // a fixed threshold, or a statistical signal lasting more than one day
	SeverityLow    Severity = "low"    // a statistical signal on a single day: a blip until it lasts
)

// Severities lists the severities, the highest first.
var Severities = []Severity{SeverityHigh, SeverityMedium, SeverityLow}

// Rank orders severities: 0 for the highest; len(Severities) for an
// unknown one.
func (s Severity) Rank() int {
	if i := slices.Index(Severities, s); i >= 0 {
		return i
	}
	return len(Severities)
}

// AlertSeverity decides an alert's severity from what raised it, the
// school days it has fired on, and the schools it covers (its own and
// those of the alerts grouped under it):
//   - high: a cluster rule (class_day, class_days), the ILI suspension
//     criteria, or any signal seen at two or more schools;
//   - medium: the other fixed rules (high fever, absence rate, epidemic
//     fever), and a statistical signal that fired on two or more days;
//   - low: a statistical signal on a single day.
func AlertSeverity(rule AlertRule, days, schools int) Severity {
	switch {
	case rule == RuleClassDay || rule == RuleClassDays || rule == RuleILISuspension || schools >= 2:
		return SeverityHigh
	case rule == RuleAberration && days <= 1:
		return SeverityLow
	}
	return SeverityMedium
}

// Blip reports whether an alert is a one-day statistical blip: low
// severity. The default list hides these behind a link.
func (s Severity) Blip() bool { return s == SeverityLow }

// GroupNode is one signal that fired on a day with the path of its node
// ("/1/5/23/"), as grouping reads it.
type GroupNode struct {
	Signal Signal
	Path   string
	Region bool // the node is a region (county, town), not a school or class
}

// GroupSignals decides which signals of one day are the same underlying
// signal seen at several levels. The statistics run on every school and
// every region node, so one school's jump in fevers can fire at the
// school, its town and its county. A statistical signal (aberration) at a
// region node takes in every aberration of the same series on the same
// day at the nodes below it: the county sees one alert that lists its
// schools and towns. The topmost region wins, so the grouping is flat. It
// returns, for each signal, the index of the signal it is grouped under,
// or -1.
func GroupSignals(nodes []GroupNode) []int {
	parent := make([]int, len(nodes))
	for i := range parent {
		parent[i] = -1
	}
	for i, child := range nodes {
		best := -1
		for j, top := range nodes {
			if i == j || !top.Region || !sameSignal(top.Signal, child.Signal) {
				continue
			}
			if len(top.Path) >= len(child.Path) || !strings.HasPrefix(child.Path, top.Path) {
				continue // not above the child
			}
			if best < 0 || len(top.Path) < len(nodes[best].Path) {
				best = j
			}
		}
		parent[i] = best
	}
	return parent
}

// sameSignal reports whether two signals are the statistics firing on the
// same count on the same day.
func sameSignal(a, b Signal) bool {
	return a.Rule == RuleAberration && b.Rule == RuleAberration && a.Series == b.Series && a.Day == b.Day
}

// AlertChild is an alert grouped under another: the same signal seen at a
// node below.
type AlertChild struct {
	ID       int64      `json:"id"`
	OrgID    int64      `json:"org_id"`
	OrgName  string     `json:"org_name"`
	School   bool       `json:"school"` // the node is a school (else a region)
	Severity Severity   `json:"severity"`
	State    AlertState `json:"state"`
	Count    float64    `json:"count"`
}

// GroupSeverity is the severity of an alert with the alerts grouped under
// it: the highest of its own, decided with the schools it covers, and of
// theirs.
func GroupSeverity(a *Alert, children []AlertChild) Severity {
	schools := 0
	for _, c := range children {
		if c.School {
			schools++
		}
	}
	s := AlertSeverity(a.Rule, a.Days, schools)
	for _, c := range children {
		if c.Severity.Rank() < s.Rank() {
			s = c.Severity
		}
	}
	return s
}

// Sensitivity is how readily a region's statistics raise an alert.
type Sensitivity string

const (
	SensitivityLow    Sensitivity = "low"    // the method must alarm on two school days in a row
	SensitivityNormal Sensitivity = "normal" // the region's method and parameters as set
	SensitivityHigh   Sensitivity = "high"   // a bound ten times as easy to cross (alpha × 10, at most 0.1)
)

// Sensitivities lists the choices, the least sensitive first.
var Sensitivities = []Sensitivity{SensitivityLow, SensitivityNormal, SensitivityHigh}

// ValidateSensitivity checks a region's choice, naming the field.
func ValidateSensitivity(s Sensitivity) error {
	if !slices.Contains(Sensitivities, s) {
		return InvalidFields([]FieldError{{Field: "sensitivity", Msg: "error.bad_choice"}})
	}
	return nil
}

// AlarmDays is the school days in a row the method must alarm on before a
// statistical alert is raised.
func (s Sensitivity) AlarmDays() int {
	if s == SensitivityLow {
		return 2
	}
	return 1
}

// Alpha is the method's one-sided alpha under the sensitivity: high
// multiplies it by ten, up to 0.1; the others keep it.
func (s Sensitivity) Alpha(alpha float64) float64 {
	if s == SensitivityHigh {
		return min(alpha*10, 0.1)
	}
	return alpha
}
