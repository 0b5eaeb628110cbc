package campusguard

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Drills (應急演練, SPEC §7, issue 14): a school rehearses its response to
// a case. While a drill runs, a synthetic case can be injected: it runs
// through the real product (a check, the case, the inbox, the case's
// steps), carries the drill everywhere, and is kept out of every real
// figure. The drill measures the time to report and to isolate from the
// case's own timestamps; the problems found become rectification items.

// Actions on drills. A school's principal and health officer plan, run
// and finish its drills; the region reads them.
const (
	RunDrills  Action = "run_drills"  // plan, start, inject a case into and finish a school's drill
	ReadDrills Action = "read_drills" // see drills and their measured times
)

// drillRoleActions is the drills' part of the access matrix.
var drillRoleActions = map[AccessRole][]Action{
	SystemAdmin:  {RunDrills, ReadDrills},
	RegionAdmin:  {ReadDrills},
	RegionViewer: {ReadDrills},
	Inspector:    {ReadDrills},
	SchoolAdmin:  {RunDrills, ReadDrills},
	HealthOffice: {RunDrills, ReadDrills},
}

// DrillScenario is what a drill rehearses.
type DrillScenario string

const (
	ScenarioGateFever      DrillScenario = "gate_fever"      // a fever found at the gate
	ScenarioClassSuspected DrillScenario = "class_suspected" // a suspected case found in class
	ScenarioDormCluster    DrillScenario = "dorm_cluster"    // a cluster in a dormitory
)

// DrillScenarios lists them, in the order a form shows them.
var DrillScenarios = []DrillScenario{ScenarioGateFever, ScenarioClassSuspected, ScenarioDormCluster}

// DrillState is where a drill stands: planned → running → finished.
type DrillState string

const (
	DrillPlanned  DrillState = "planned"
	DrillRunning  DrillState = "running"
	DrillFinished DrillState = "finished"
)

// Limits of a drill.
const (
	MaxDrillText     = 500
	MaxDrillProblems = 20
	MaxDrillPeople   = 100000
)

// Drill is one exercise at a school.
type Drill struct {
	ID               int64         `json:"id"`
	RegionID         int64         `json:"region_id"`
	SchoolID         int64         `json:"school_id"`
	SchoolName       string        `json:"school_name"`
	Scenario         DrillScenario `json:"scenario"`
	PlannedDay       Date          `json:"planned_day"`
	Participants     string        `json:"participants"` // who took part, in words
	ParticipantCount int           `json:"participant_count"`
	State            DrillState    `json:"state"`
	StartedAt        *time.Time    `json:"started_at"`
	FinishedAt       *time.Time    `json:"finished_at"`
	CreatedBy        string        `json:"created_by"`
	// Cases are the synthetic cases injected, first first; Times are
	// measured on the first.
	Cases    []*Case        `json:"cases"`
	Times    DrillTimes     `json:"times"`
	Problems []DrillProblem `json:"problems"`
}

// DrillTimes are a drill's measured times, in whole seconds: from the
// injection (the case's detection) to the case reported and to the
// isolation step. Nil until the step happened.
type DrillTimes struct {
	ReportSeconds  *int64 `json:"report_seconds"`
	IsolateSeconds *int64 `json:"isolate_seconds"`
}

// MeasureDrill measures a drill's times on its first injected case.
func MeasureDrill(cases []*Case) DrillTimes {
	var t DrillTimes
	if len(cases) == 0 {
		return t
	}
	k := cases[0]
	for _, c := range cases[1:] {
		if c.DetectedAt.Before(k.DetectedAt) {
			k = c
		}
	}
	since := func(at *time.Time) *int64 {
		if at == nil {
			return nil
		}
		s := int64(at.Sub(k.DetectedAt) / time.Second)
		return &s
	}
	t.ReportSeconds, t.IsolateSeconds = since(k.ReportedAt), since(k.IsolatedAt)
	return t
}

// DrillProblem is a problem found in a drill and the rectification item
// it became.
type DrillProblem struct {
	ID              int64  `json:"id"`
	Problem         string `json:"problem"`
	RectificationID int64  `json:"rectification_id"`
}

// NewDrill is what a school gives to plan a drill.
type NewDrill struct {
	SchoolID         int64         `json:"school_id"`
	Scenario         DrillScenario `json:"scenario"`
	PlannedDay       Date          `json:"planned_day"`
	Participants     string        `json:"participants"`
	ParticipantCount int           `json:"participant_count"`
}

// Validate checks a planned drill: a known scenario, a day not before
// today, participants in at most MaxDrillText characters.
func (n *NewDrill) Validate(today Date) error {
	n.Participants = strings.TrimSpace(n.Participants)
	var fe fieldErrors
	if !slices.Contains(DrillScenarios, n.Scenario) {
		fe.add("scenario", "error.bad_choice")
	}
	switch {
	case n.PlannedDay.IsZero():
		fe.add("planned_day", "error.required")
	case n.PlannedDay.Before(today):
		fe.add("planned_day", "drill.error_day_past")
	}
	if utf8.RuneCountInString(n.Participants) > MaxDrillText {
		fe.add("participants", "error.too_long", MaxDrillText)
	}
	if n.ParticipantCount < 0 || n.ParticipantCount > MaxDrillPeople {
		fe.add("participant_count", "error.range", 0, MaxDrillPeople)
	}
	return fe.err()
}

// CheckDrillStart checks that a drill may start: it is planned.
func CheckDrillStart(d *Drill) error {
	if d.State != DrillPlanned {
		return InvalidFields([]FieldError{{Field: "status", Msg: "drill.error_not_planned"}})
	}
	return nil
}

// DrillInjection is a synthetic case injected into a running drill: a
// real person of the school volunteers.
type DrillInjection struct {
	PersonID int64 `json:"person_id"`
}

// CheckDrillInjection checks that a case may be injected: only while the
// drill runs.
func CheckDrillInjection(d *Drill) error {
	if d.State != DrillRunning {
		return InvalidFields([]FieldError{{Field: "drill_id", Msg: "drill.error_not_running"},
			{Field: "status", Msg: "drill.error_not_running"}})
	}
	return nil
}

// DrillCheck is the check a drill records for its volunteer: a fever at
// the gate, or symptoms with a fever in a class check. It is stored apart
// from the person's real checks (never current), so no figure counts it.
func DrillCheck(d *Drill, p *Person, at time.Time, by string, threshold float64) *Check {
	temp := 38.5
	c := &Check{RegionID: p.RegionID, PersonID: p.ID, SchoolID: p.SchoolID, ClassID: p.ClassID, Day: Today(at), At: at,
		ReceivedAt: at, Temperature: &temp, Symptoms: []Symptom{}, ReportedBy: by, Version: 1,
		Note: "drill:" + string(d.Scenario)}
	switch d.Scenario {
	case ScenarioGateFever:
		c.Kind = GateCheck
	default:
		c.Kind, c.Attendance = MorningCheck, Unwell
		c.Symptoms = []Symptom{SymFever, SymCough}
	}
	c.Evaluate(threshold)
	return c
}

// DrillProblemInput is a problem found at the end of a drill, with what
// its rectification item needs.
type DrillProblemInput struct {
	Problem     string          `json:"problem"`
	Severity    FindingSeverity `json:"severity"`
	Deadline    Date            `json:"deadline"`
	Responsible string          `json:"responsible"`
}

// CheckDrillFinish checks the end of a drill: it runs, and each problem
// has its words and a valid rectification item (row = its 1-based place).
func CheckDrillFinish(d *Drill, problems []DrillProblemInput, today Date) error {
	if d.State != DrillRunning {
		return InvalidFields([]FieldError{{Field: "status", Msg: "drill.error_not_running"}})
	}
	var fe fieldErrors
	if len(problems) > MaxDrillProblems {
		fe.add("problems", "error.too_many", MaxDrillProblems)
	}
	for i, p := range problems {
		if strings.TrimSpace(p.Problem) == "" {
			fe = append(fe, FieldError{Field: "problem", Row: i + 1, Msg: "error.required"})
		} else if utf8.RuneCountInString(p.Problem) > MaxDrillText {
			fe = append(fe, FieldError{Field: "problem", Row: i + 1, Msg: "error.too_long", Args: []any{MaxDrillText}})
		}
		if err := CheckRectOpening(RectOpening{Severity: p.Severity, Deadline: p.Deadline, Responsible: p.Responsible}, today); err != nil {
			if e, ok := err.(*Error); ok {
				for _, f := range e.Fields {
					f.Row = i + 1
					fe = append(fe, f)
				}
			}
		}
	}
	return fe.err()
}

// TermStart is the first day of the school term holding day, as training
// counts terms (TermOf): autumn from 1 September, spring from 1 February.
func TermStart(day Date) Date { return TermOf(day).Start() }

// DrillFilter narrows drills.
type DrillFilter struct {
	OrgID int64 // a school or a region node: drills under it
}

// SchoolDrills is one school's row on the region's drills page: its last
// drill (finished, else the latest), and whether it drilled this term.
type SchoolDrills struct {
	SchoolID   int64  `json:"school_id"`
	SchoolName string `json:"school_name"`
	Last       *Drill `json:"last"`
	ThisTerm   bool   `json:"this_term"` // a drill finished on or after TermStart
}

// DrillOverview is the region's drills page.
type DrillOverview struct {
	OrgID     int64          `json:"org_id"`
	TermStart Date           `json:"term_start"`
	Schools   []SchoolDrills `json:"schools"`
	Without   int            `json:"without"` // schools without a finished drill this term
}

// DrillService keeps drills.
type DrillService interface {
	// PlanDrill plans a drill at a school: RunDrills there.
	PlanDrill(ctx context.Context, n NewDrill) (*Drill, error)
	// FindDrill returns a drill with its cases, times and problems:
	// ReadDrills at its school.
	FindDrill(ctx context.Context, id int64) (*Drill, error)
	// FindDrills lists the drills under a node, newest first.
	FindDrills(ctx context.Context, f DrillFilter) ([]*Drill, error)
	// StartDrill starts a planned drill.
	StartDrill(ctx context.Context, id int64) (*Drill, error)
	// InjectDrillCase records the volunteer's drill check and opens the
	// synthetic case through the real case opening, while the drill runs.
	InjectDrillCase(ctx context.Context, id int64, in DrillInjection) (*Case, error)
	// FinishDrill ends a running drill; each problem becomes a
	// rectification item.
	FinishDrill(ctx context.Context, id int64, problems []DrillProblemInput) (*Drill, error)
	// DrillOverview is each school's last drill under a region node, and
	// the schools without one this term.
	DrillOverview(ctx context.Context, orgID int64) (*DrillOverview, error)
}
