package campusguard

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Phased reopening (分级分段) and class suspension (停课/复课). A class is
// open on a school day only if its school is approved, its phase has
// started and it is not suspended; only open classes are expected to
// report. A region that has set no phase has not put its reopening under
// the system's control: every class of an approved or unreviewed school is
// open then, as before (see docs/decisions.md), and suspensions still
// close classes.

// GradeYears returns the grade years a school type has, counted from the
// school's first year as Org.GradeYear is: kindergartens 1–3 (小班, 中班,
// 大班), primary 1–6, junior, senior and vocational 1–3, special schools
// 1–9.
func GradeYears(t SchoolType) (lo, hi int) {
	switch t {
	case Kindergarten, Junior, Senior, Vocational:
		return 1, 3
	case Primary:
		return 1, 6
	case Special:
		return 1, 9
	}
	return 0, -1
}

// Phase is one step of a region's reopening: the grades of a school type
// that return from a day.
type Phase struct {
	ID         int64      `json:"id"`
	RegionID   int64      `json:"region_id"`
	Name       string     `json:"name"`
	SchoolType SchoolType `json:"school_type"`
	Grades     []int      `json:"grades"`
	Start      Date       `json:"start"`
}

// MaxPhaseName is the longest name of a phase, in characters.
const MaxPhaseName = 40

// Validate checks a phase: a known school type, at least one grade, each a
// grade of that type, a start day and a short name.
func (p Phase) Validate() error {
	var fe fieldErrors
	if !slices.Contains(SchoolTypes, p.SchoolType) {
		fe.add("school_type", "error.bad_choice")
	}
	lo, hi := GradeYears(p.SchoolType)
	if len(p.Grades) == 0 {
		fe.add("grades", "error.required")
	}
	for _, g := range p.Grades {
		if g < lo || g > hi {
			fe.add("grades", "error.grade_missing", g)
			break
		}
	}
	if p.Start.IsZero() {
		fe.add("start", "error.required")
	}
	if strings.TrimSpace(p.Name) == "" {
		fe.add("name", "error.required")
	} else if utf8.RuneCountInString(p.Name) > MaxPhaseName {
		fe.add("name", "error.too_long", MaxPhaseName)
	}
	return fe.err()
}

// Suspension closes a class, a grade, a school or a region node's schools
// from Start to End (both included), until it is resumed.
type Suspension struct {
	ID           int64      `json:"id"`
	RegionID     int64      `json:"region_id"`
	OrgID        int64      `json:"org_id"`
	OrgName      string     `json:"org_name"`
	OrgKind      OrgKind    `json:"org_kind"`
	OrgPath      string     `json:"-"`
	Start        Date       `json:"start"`
	End          Date       `json:"end"`
	Reason       string     `json:"reason"`
	DecidedBy    string     `json:"decided_by"`
	DecidedAt    time.Time  `json:"decided_at"`
	Resumed      *Date      `json:"resumed,omitempty"` // the day classes came back
	ResumedBy    string     `json:"resumed_by,omitempty"`
	ResumeReason string     `json:"resume_reason,omitempty"`
	ResumedAt    *time.Time `json:"resumed_at,omitempty"`
}

// DefaultSuspensionDays is how long a suspension lasts unless decided
// otherwise: four days, the guidance's incubation-based period.
const DefaultSuspensionDays = 4

// MaxReason is the longest reason of a decision, in characters.
const MaxReason = 500

// On reports whether the suspension closes its node on day.
func (s Suspension) On(day Date) bool {
	if day.Before(s.Start) || s.End.Before(day) {
		return false
	}
	return s.Resumed == nil || day.Before(*s.Resumed)
}

// Covers reports whether the suspension's node holds the node at path.
func (s Suspension) Covers(path string) bool { return strings.HasPrefix(path, s.OrgPath) }

// CheckSuspension checks a new suspension: a start, an end not before it,
// at most 60 days, a reason, and no overlap with another of the same node
// that still stands.
func CheckSuspension(s Suspension, others []Suspension) error {
	var fe fieldErrors
	if s.Start.IsZero() {
		fe.add("start", "error.required")
	}
	switch {
	case s.End.IsZero():
		fe.add("end", "error.required")
	case !s.Start.IsZero() && s.End.Before(s.Start):
		fe.add("end", "error.end_before_start")
	case !s.Start.IsZero() && s.Start.AddDays(60).Before(s.End):
		fe.add("end", "error.suspension_long", 60)
	}
	if strings.TrimSpace(s.Reason) == "" {
		fe.add("reason", "error.required")
	} else if utf8.RuneCountInString(s.Reason) > MaxReason {
		fe.add("reason", "error.too_long", MaxReason)
	}
	if err := fe.err(); err != nil {
		return err
	}
	for _, o := range others {
		if o.ID == s.ID || o.OrgID != s.OrgID {
			continue
		}
		end := o.End
		if o.Resumed != nil {
			end = o.Resumed.AddDays(-1)
		}
		if !s.End.Before(o.Start) && !end.Before(s.Start) {
			return InvalidFields([]FieldError{{Field: "start", Msg: "error.suspension_overlap", Args: []any{o.Start.String(), end.String()}}})
		}
	}
	return nil
}

// SuspendLevel is the role that decides a suspension of a node of kind k:
// a class, a grade or a school by its principal (or the region); a region
// node, several schools, by the region only.
func SuspendLevel(k OrgKind) AccessRole {
	if k == KindRegion {
		return RegionAdmin
	}
	return SchoolAdmin
}

// ILIThresholds are a region's suspension criteria for influenza-like
// illness outbreaks in a class (流感样病例暴发疫情处置指南, 2018).
type ILIThresholds struct {
	NewCases     int `json:"new_cases"`    // new ILI cases in a day
	Percent      int `json:"percent"`      // current ILI cases, % of the class
	Hospitalised int `json:"hospitalised"` // lab-confirmed hospitalisations or deaths in 7 days
	Days         int `json:"days"`         // a suspension's default length
}

// DefaultILI are the guidance's criteria.
var DefaultILI = ILIThresholds{NewCases: 5, Percent: 30, Hospitalised: 2, Days: DefaultSuspensionDays}

// Validate checks a region's criteria.
func (t ILIThresholds) Validate() error {
	var fe fieldErrors
	if t.NewCases < 1 || t.NewCases > 100 {
		fe.add("new_cases", "error.range", 1, 100)
	}
	if t.Percent < 1 || t.Percent > 100 {
		fe.add("percent", "error.range", 1, 100)
	}
	if t.Hospitalised < 1 || t.Hospitalised > 100 {
		fe.add("hospitalised", "error.range", 1, 100)
	}
	if t.Days < 1 || t.Days > 60 {
		fe.add("days", "error.range", 1, 60)
	}
	return fe.err()
}

// ILIFever is the temperature from which a fever counts for influenza-like
// illness: 38 °C.
const ILIFever = 38.0

// IsILI reports whether a check shows influenza-like illness: 38 °C or
// more with cough or sore throat.
func IsILI(temp *float64, symptoms []Symptom) bool {
	return temp != nil && *temp >= ILIFever && (slices.Contains(symptoms, SymCough) || slices.Contains(symptoms, SymSoreThroat))
}

// ClassILI is a class's ILI figures on a day.
type ClassILI struct {
	ClassID      int64    `json:"class_id"`
	ClassName    string   `json:"class_name"`
	SchoolID     int64    `json:"school_id"`
	SchoolName   string   `json:"school_name"`
	Day          Date     `json:"day"`
	Size         int      `json:"size"`         // active students
	New          int      `json:"new"`          // ILI today, not the day before
	Current      int      `json:"current"`      // ILI today
	Hospitalised int      `json:"hospitalised"` // in the 7 days to day
	Reasons      []string `json:"reasons"`      // the criteria reached
	Suspended    bool     `json:"suspended"`
}

// Reached returns the criteria a class's figures reach, by key: new_cases,
// percent, hospitalised.
func (t ILIThresholds) Reached(c ClassILI) []string {
	var out []string
	if c.New >= t.NewCases {
		out = append(out, "new_cases")
	}
	if c.Size > 0 && c.Current*100 >= t.Percent*c.Size {
		out = append(out, "percent")
	}
	if c.Hospitalised >= t.Hospitalised {
		out = append(out, "hospitalised")
	}
	return out
}

// ReturnAfterILI is how long after the fever and symptoms have gone a
// student with ILI returns without a doctor's note.
const ReturnAfterILI = 48 * time.Hour

// Openness decides which classes are open on a day: the region's phases,
// its schools' approvals and the suspensions that stand.
type Openness struct {
	Managed     bool           // the region has set a phase
	Phases      []Phase        // the region's phases
	Approved    map[int64]Date // school id -> the day its approval counts from
	Suspensions []Suspension   // that may close a node on the day
}

// SchoolOpen reports whether a school may have open classes on day: not
// managed, or approved by then.
func (o Openness) SchoolOpen(schoolID int64, day Date) bool {
	if !o.Managed {
		return true
	}
	d, ok := o.Approved[schoolID]
	return ok && !day.Before(d)
}

// PhaseOpen reports whether a grade of a school type has returned by day.
func (o Openness) PhaseOpen(t SchoolType, grade int, day Date) bool {
	if !o.Managed {
		return true
	}
	for _, p := range o.Phases {
		if p.SchoolType == t && !day.Before(p.Start) && slices.Contains(p.Grades, grade) {
			return true
		}
	}
	return false
}

// Suspended returns the suspension that closes the node at path on day.
func (o Openness) Suspended(path string, day Date) *Suspension {
	for i, s := range o.Suspensions {
		if s.Covers(path) && s.On(day) {
			return &o.Suspensions[i]
		}
	}
	return nil
}

// ClassOpen reports whether a class (at classPath, of a grade year in a
// school of a type) is open on day.
func (o Openness) ClassOpen(schoolID int64, t SchoolType, grade int, classPath string, day Date) bool {
	return o.SchoolOpen(schoolID, day) && o.PhaseOpen(t, grade, day) && o.Suspended(classPath, day) == nil
}

// ReopeningService sets phases and decides suspensions.
type ReopeningService interface {
	// Phases returns a top-level region's phases, by start.
	Phases(ctx context.Context, regionID int64) ([]Phase, error)
	// SetPhase creates a phase (ID 0) or changes one: region reviewers.
	SetPhase(ctx context.Context, p *Phase) error
	// DeletePhase removes a phase.
	DeletePhase(ctx context.Context, regionID, id int64) error
	// Suspensions returns the suspensions under a node that stand on or
	// after from.
	Suspensions(ctx context.Context, orgID int64, from Date) ([]Suspension, error)
	// Suspend decides a suspension of a node.
	Suspend(ctx context.Context, s *Suspension) error
	// ExtendSuspension moves a suspension's end later.
	ExtendSuspension(ctx context.Context, id int64, end Date, reason string) error
	// Resume ends a suspension from day on, with a reason.
	Resume(ctx context.Context, id int64, day Date, reason string) error
	// ClassILI returns the classes under a node whose ILI figures on day
	// reach the region's criteria, with those figures.
	ClassILI(ctx context.Context, orgID int64, day Date) ([]ClassILI, error)
	// ILISettings and SetILISettings read and set a region's criteria.
	ILISettings(ctx context.Context, regionID int64) (ILIThresholds, error)
	SetILISettings(ctx context.Context, regionID int64, t ILIThresholds) error
	// OpenFigures returns the open classes and students under a node on
	// day against all of them.
	OpenFigures(ctx context.Context, orgID int64, day Date) (OpenFigures, error)
	ILIReturnService
}

// OpenFigures counts a node's classes and students, open and all.
type OpenFigures struct {
	Classes      int `json:"classes"`
	OpenClasses  int `json:"open_classes"`
	Students     int `json:"students"`
	OpenStudents int `json:"open_students"`
	Suspended    int `json:"suspended_classes"`
}

// ReopeningStatuses are a school's reopening statuses, in the order the
// dashboard and the briefing count them.
var ReopeningStatuses = []string{"not_submitted", "in_review", "approved", "partly_open", "open"}

// BriefingReopening is the reopening of a region on a briefing's day: its
// open classes and students against all, its schools counted by
// reopening status (and those with a suspended class, under "suspended"),
// and every school's line. A stored briefing keeps the figures of its day.
type BriefingReopening struct {
	Figures OpenFigures       `json:"figures"`
	Counts  map[string]int    `json:"counts"`
	Schools []SchoolReopening `json:"schools"`
}

// SchoolReopening is one school's line of a briefing's reopening.
type SchoolReopening struct {
	SchoolID    int64  `json:"school_id"`
	Name        string `json:"name"`
	Reopening   string `json:"reopening"` // one of ReopeningStatuses
	OpenClasses int    `json:"open_classes"`
	Classes     int    `json:"classes"`
	Suspended   int    `json:"suspended_classes"`
}

// ReopeningOf counts the schools' lines by reopening status; "suspended"
// counts the schools with a suspended class.
func ReopeningOf(f OpenFigures, lines []SchoolReadiness) *BriefingReopening {
	b := &BriefingReopening{Figures: f, Counts: map[string]int{}, Schools: []SchoolReopening{}}
	for _, k := range ReopeningStatuses {
		b.Counts[k] = 0
	}
	b.Counts["suspended"] = 0
	for _, l := range lines {
		b.Counts[l.Reopening]++
		if l.Suspended > 0 {
			b.Counts["suspended"]++
		}
		b.Schools = append(b.Schools, SchoolReopening{SchoolID: l.SchoolID, Name: l.Name, Reopening: l.Reopening,
			OpenClasses: l.Open, Classes: l.Classes, Suspended: l.Suspended})
	}
	return b
}
