package campusguard

import (
	"context"
	"math"
	"slices"
	"strings"
	"time"
)

// CheckKind is where and when a health check was made: at home before
// school, on the bus, at the gate, or in class (SPEC §3).
type CheckKind string

// The kinds of check.
const (
	HomeCheck    CheckKind = "home"    // 居家: by the guardian or the staff member, before leaving
	BusCheck     CheckKind = "bus"     // 路途: at boarding
	GateCheck    CheckKind = "gate"    // 入门: by gate staff or a temperature-gate device
	MorningCheck CheckKind = "morning" // 晨检, by the class teacher
	NoonCheck    CheckKind = "noon"    // 午检
	EveningCheck CheckKind = "evening" // 晚检, boarders
)

// CheckKinds lists every kind in the order of a school day.
var CheckKinds = []CheckKind{HomeCheck, BusCheck, GateCheck, MorningCheck, NoonCheck, EveningCheck}

// ClassCheck reports whether k is made by the class teacher, per student,
// with attendance.
func (k CheckKind) ClassCheck() bool {
	return k == MorningCheck || k == NoonCheck || k == EveningCheck
}

// Symptom is one entry of the national school symptom list (WS/T 772-2020)
// plus loss of smell or taste and "other". The outbreak rules count cases
// with similar symptoms, so they are kept as categories, not free text.
type Symptom string

// The symptoms.
const (
	SymFever          Symptom = "fever"
	SymCough          Symptom = "cough"
	SymHeadache       Symptom = "headache"
	SymSoreThroat     Symptom = "sore_throat"
	SymParotid        Symptom = "parotid_swelling"
	SymAbdominalPain  Symptom = "abdominal_pain"
	SymDiarrhoea      Symptom = "diarrhoea"
	SymVomiting       Symptom = "vomiting"
	SymRash           Symptom = "rash"
	SymDizziness      Symptom = "dizziness"
	SymFatigue        Symptom = "fatigue"
	SymRedEyes        Symptom = "red_eyes"
	SymSmellTasteLoss Symptom = "smell_taste_loss"
	SymOther          Symptom = "other"
)

// Symptoms lists every symptom in the order forms show them.
var Symptoms = []Symptom{SymFever, SymCough, SymHeadache, SymSoreThroat, SymParotid, SymAbdominalPain, SymDiarrhoea,
	SymVomiting, SymRash, SymDizziness, SymFatigue, SymRedEyes, SymSmellTasteLoss, SymOther}

// HealthCode is the colour of a regional health code, where one is used.
type HealthCode string

// The health-code colours; yellow and red are abnormal.
const (
	CodeGreen  HealthCode = "green"
	CodeYellow HealthCode = "yellow"
	CodeRed    HealthCode = "red"
)

// Attendance is a class check's finding for one student.
type Attendance string

// The attendance values of a class check.
const (
	Present Attendance = "present"
	Absent  Attendance = "absent"
	Unwell  Attendance = "unwell" // present but unwell
)

// AbsenceReason says why a student is absent; an illness absence must be
// followed up the same day.
type AbsenceReason string

// The absence reasons.
const (
	AbsentIll      AbsenceReason = "illness"
	AbsentPersonal AbsenceReason = "personal"
	AbsentOther    AbsenceReason = "other"
)

// Temperature limits: readings outside them are input errors (a thermometer
// misread, a typo), never fevers.
const (
	MinTemperature        = 34.0
	MaxTemperature        = 43.0
	DefaultFeverThreshold = 37.3
)

// Check is one health check of one person on one school day. A correction is
// a new version that supersedes the old one, which is kept.
type Check struct {
	ID       int64     `json:"id"`
	RegionID int64     `json:"region_id"`
	PersonID int64     `json:"person_id"`
	SchoolID int64     `json:"school_id"`
	ClassID  *int64    `json:"class_id"`
	Day      Date      `json:"day"`
	Kind     CheckKind `json:"kind"`
	// At is when the check was taken: the device's time when it sent one
	// (a phone that queued it offline), bounded by TakenTime; else when it
	// arrived. ReceivedAt is when it arrived at the server.
	At         time.Time `json:"at"`
	ReceivedAt time.Time `json:"received_at"`

	Temperature     *float64      `json:"temperature"` // °C, one decimal
	Symptoms        []Symptom     `json:"symptoms"`
	HealthCode      HealthCode    `json:"health_code,omitempty"`
	HouseholdUnwell bool          `json:"household_unwell"`
	RiskExposure    bool          `json:"risk_exposure"` // travel to or contact with risk areas or cases
	Attendance      Attendance    `json:"attendance,omitempty"`
	AbsenceReason   AbsenceReason `json:"absence_reason,omitempty"`
	Mask            *bool         `json:"mask"` // bus boarding: wearing a mask
	BusRouteID      *int64        `json:"bus_route_id"`
	Note            string        `json:"note,omitempty"`

	ClientKey  string `json:"client_key"` // the submitter's idempotency key
	Version    int    `json:"version"`
	Supersedes *int64 `json:"supersedes"`
	Current    bool   `json:"current"`
	ReportedBy string `json:"reported_by"`

	// Derived by Evaluate when the check is recorded.
	Fever    bool `json:"fever"`
	Abnormal bool `json:"abnormal"`
}

// Validate checks a submitted check: a known kind, a temperature inside
// 34.0–43.0 °C (required at home and at the gate), known symptoms without
// repeats, attendance only on class checks and a reason only for an absence,
// and a client key. It rounds the temperature to one decimal.
func (c *Check) Validate() error {
	var fe fieldErrors
	if !slices.Contains(CheckKinds, c.Kind) {
		fe.add("kind", "error.bad_choice")
	}
	if c.PersonID <= 0 {
		fe.add("person_id", "error.required")
	}
	if c.Day.IsZero() {
		fe.add("day", "error.required")
	}
	if t := c.Temperature; t != nil {
		if math.IsNaN(*t) || *t < MinTemperature || *t > MaxTemperature {
			fe.add("temperature", "error.temperature_range", MinTemperature, MaxTemperature)
		} else {
			v := math.Round(*t*10) / 10
			c.Temperature = &v
		}
	} else if c.Kind == HomeCheck || c.Kind == GateCheck || c.Kind == BusCheck {
		fe.add("temperature", "error.required")
	}
	seen := map[Symptom]bool{}
	for _, s := range c.Symptoms {
		if !slices.Contains(Symptoms, s) || seen[s] {
			fe.add("symptoms", "error.bad_choice")
			break
		}
		seen[s] = true
	}
	if c.HealthCode != "" && c.HealthCode != CodeGreen && c.HealthCode != CodeYellow && c.HealthCode != CodeRed {
		fe.add("health_code", "error.bad_choice")
	}
	switch {
	case c.Kind.ClassCheck():
		if c.Attendance != Present && c.Attendance != Absent && c.Attendance != Unwell {
			fe.add("attendance", "error.bad_choice")
		}
		if c.Attendance == Absent && c.AbsenceReason != AbsentIll && c.AbsenceReason != AbsentPersonal && c.AbsenceReason != AbsentOther {
			fe.add("absence_reason", "error.required")
		}
		if c.Attendance != Absent && c.AbsenceReason != "" {
			fe.add("absence_reason", "error.reason_not_absent")
		}
		if c.Attendance == Absent && c.Temperature != nil {
			fe.add("temperature", "error.absent_temperature")
		}
	case c.Attendance != "" || c.AbsenceReason != "":
		fe.add("attendance", "error.attendance_class_only")
	}
	c.ClientKey = strings.TrimSpace(c.ClientKey)
	if c.ClientKey == "" {
		fe.add("client_key", "error.required")
	} else if len(c.ClientKey) > 64 {
		fe.add("client_key", "error.too_long", 64)
	}
	if len([]rune(c.Note)) > 500 {
		fe.add("note", "error.too_long", 500)
	}
	return fe.err()
}

// Evaluate derives Fever and Abnormal from the check with the region's fever
// threshold: a fever is a temperature at or above it; a check is abnormal
// with a fever, any symptom, a yellow or red health code, or a student
// found unwell in class.
func (c *Check) Evaluate(threshold float64) {
	c.Fever = c.Temperature != nil && *c.Temperature >= threshold-1e-9
	c.Abnormal = c.Fever || len(c.Symptoms) > 0 || c.HealthCode == CodeYellow || c.HealthCode == CodeRed ||
		c.Attendance == Unwell
}

// SameSubmission reports whether b carries the same content as a: a retry
// of one submission, not a different check under a reused key.
func SameSubmission(a, b *Check) bool {
	eqF := func(x, y *float64) bool { return (x == nil) == (y == nil) && (x == nil || math.Abs(*x-*y) < 1e-9) }
	eqB := func(x, y *bool) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	eqI := func(x, y *int64) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	sa, sb := slices.Clone(a.Symptoms), slices.Clone(b.Symptoms)
	slices.Sort(sa)
	slices.Sort(sb)
	return a.PersonID == b.PersonID && a.Day == b.Day && a.Kind == b.Kind && eqF(a.Temperature, b.Temperature) &&
		slices.Equal(sa, sb) && a.HealthCode == b.HealthCode && a.HouseholdUnwell == b.HouseholdUnwell &&
		a.RiskExposure == b.RiskExposure && a.Attendance == b.Attendance && a.AbsenceReason == b.AbsenceReason &&
		eqB(a.Mask, b.Mask) && eqI(a.BusRouteID, b.BusRouteID) && a.Note == b.Note
}

// DayStatus is what a person's current checks of one day add up to; roll-ups
// count people by it.
type DayStatus struct {
	Reported  bool // any check: a home report, a gate or bus reading, or a class check that found them
	Abnormal  bool
	Fever     bool
	Absent    bool // the latest class check found them absent
	IllAbsent bool // ... for illness
}

// SummarizeDay folds a person's current checks of one day into its status.
// The latest class check decides attendance, so a student marked absent in
// the morning and present at noon is not absent.
func SummarizeDay(checks []*Check) DayStatus {
	var st DayStatus
	var latest *Check
	for _, c := range checks {
		if !c.Current {
			continue
		}
		if c.Attendance != Absent {
			st.Reported = true
		}
		st.Abnormal = st.Abnormal || c.Abnormal
		st.Fever = st.Fever || c.Fever
		if c.Kind.ClassCheck() && (latest == nil || classOrder(c.Kind) > classOrder(latest.Kind) ||
			classOrder(c.Kind) == classOrder(latest.Kind) && c.At.After(latest.At)) {
			latest = c
		}
	}
	if latest != nil && latest.Attendance == Absent {
		st.Absent = true
		st.IllAbsent = latest.AbsenceReason == AbsentIll
	}
	return st
}

func classOrder(k CheckKind) int { return slices.Index(CheckKinds, k) }

// Rollup is the day's figures of one org node: a class, a school or a
// region. Missing is Expected − Reported.
type Rollup struct {
	OrgID     int64 `json:"org_id"`
	Day       Date  `json:"day"`
	Expected  int   `json:"expected"`
	Reported  int   `json:"reported"`
	Missing   int   `json:"missing"`
	Abnormal  int   `json:"abnormal"`
	Fever     int   `json:"fever"`
	Absent    int   `json:"absent"`
	IllAbsent int   `json:"ill_absent"`
	// OpenFollowUps counts illness absences not yet followed up.
	OpenFollowUps int `json:"open_followups"`
}

// Add returns the sum of two sets of counts (the node and day of r).
func (r Rollup) Add(d Rollup) Rollup {
	r.Expected += d.Expected
	r.Reported += d.Reported
	r.Missing += d.Missing
	r.Abnormal += d.Abnormal
	r.Fever += d.Fever
	r.Absent += d.Absent
	r.IllAbsent += d.IllAbsent
	r.OpenFollowUps += d.OpenFollowUps
	return r
}

// Delta returns the change in counts when a person's day goes from a to b.
func (a DayStatus) Delta(b DayStatus) Rollup {
	d := func(x, y bool) int {
		switch {
		case x == y:
			return 0
		case y:
			return 1
		}
		return -1
	}
	return Rollup{Reported: d(a.Reported, b.Reported), Abnormal: d(a.Abnormal, b.Abnormal), Fever: d(a.Fever, b.Fever),
		Absent: d(a.Absent, b.Absent), IllAbsent: d(a.IllAbsent, b.IllAbsent)}
}

// FollowUp is the same-day follow-up of an illness absence: what the
// student has, whether they saw a doctor, the diagnosis and when they are
// expected back. It opens when a class check records the absence.
type FollowUp struct {
	ID             int64     `json:"id"`
	PersonID       int64     `json:"person_id"`
	PersonName     string    `json:"person_name"`
	SchoolID       int64     `json:"school_id"`
	ClassID        *int64    `json:"class_id"`
	Day            Date      `json:"day"`
	Done           bool      `json:"done"`
	Symptoms       []Symptom `json:"symptoms"`
	ClinicVisit    bool      `json:"clinic_visit"`
	Diagnosis      string    `json:"diagnosis"`
	ExpectedReturn Date      `json:"expected_return"`
	Note           string    `json:"note,omitempty"`
	DoneBy         string    `json:"done_by,omitempty"`
}

// FollowUpReport is what the teacher or school doctor learned.
type FollowUpReport struct {
	Symptoms       []Symptom `json:"symptoms"`
	ClinicVisit    bool      `json:"clinic_visit"`
	Diagnosis      string    `json:"diagnosis"`
	ExpectedReturn Date      `json:"expected_return"`
	Note           string    `json:"note"`
}

// Validate checks a follow-up report for the absence of day: symptoms or a
// diagnosis, and an expected return that is not before the absence.
func (r *FollowUpReport) Validate(day Date) error {
	var fe fieldErrors
	r.Diagnosis, r.Note = strings.TrimSpace(r.Diagnosis), strings.TrimSpace(r.Note)
	seen := map[Symptom]bool{}
	for _, s := range r.Symptoms {
		if !slices.Contains(Symptoms, s) || seen[s] {
			fe.add("symptoms", "error.bad_choice")
			break
		}
		seen[s] = true
	}
	if len(r.Symptoms) == 0 && r.Diagnosis == "" {
		fe.add("diagnosis", "error.followup_what")
	}
	if len([]rune(r.Diagnosis)) > 200 {
		fe.add("diagnosis", "error.too_long", 200)
	}
	if r.ExpectedReturn.IsZero() {
		fe.add("expected_return", "error.required")
	} else if r.ExpectedReturn.Before(day) {
		fe.add("expected_return", "error.return_before_absence")
	}
	return fe.err()
}

// FollowUpFilter selects follow-ups. Nil fields do not filter.
type FollowUpFilter struct {
	SchoolID *int64
	ClassID  *int64
	Day      *Date
	OpenOnly bool
}

// SignOff is a school's sign-off of its daily report, made even when
// every figure is zero.
type SignOff struct {
	SchoolID   int64     `json:"school_id"`
	SchoolName string    `json:"school_name"`
	Day        Date      `json:"day"`
	Signed     bool      `json:"signed"`
	SignedBy   string    `json:"signed_by,omitempty"`
	SignedAt   time.Time `json:"signed_at,omitzero"`
	Note       string    `json:"note,omitempty"`
	Deadline   Clock     `json:"deadline"` // the school's sign-off deadline
	Late       bool      `json:"late"`     // signed after it
}

// SchoolDay is one school's line of a region's daily report.
type SchoolDay struct {
	SchoolID int64      `json:"school_id"`
	Name     string     `json:"name"`
	Code     string     `json:"code"`
	Type     SchoolType `json:"school_type"`
	Rollup   Rollup     `json:"figures"`
	Signed   bool       `json:"signed"`
	Note     string     `json:"note,omitempty"`
}

// MaxBatch is the most readings one device batch may carry.
const MaxBatch = 5000

// BatchResult is the import summary of a device batch: each good row stored
// exactly once, each bad row named by its 1-based index with the reason.
type BatchResult struct {
	Rows      int          `json:"rows"`
	Created   int          `json:"created"`
	Duplicate int          `json:"duplicate"` // rows whose client key was already stored
	Failed    int          `json:"failed"`
	Errors    []FieldError `json:"errors"`
}

// CheckFilter selects checks. Nil fields do not filter.
type CheckFilter struct {
	PersonID *int64
	ClassID  *int64
	SchoolID *int64
	Day      *Date
	Kind     *CheckKind
	Abnormal *bool
	History  bool // include superseded versions
	Offset   int
	Limit    int
}

// HealthService records and reads the daily health checks and their
// roll-ups.
type HealthService interface {
	// RecordCheck stores a check, or returns the one already stored under
	// its client key (created false). A check for a person and day and kind
	// already checked supersedes it as a new version. Invalid, NotFound
	// (person out of scope), Forbidden (a kind the actor may not record).
	RecordCheck(ctx context.Context, c *Check) (stored *Check, created bool, err error)
	// RecordChecks stores a device's batch: each good row once, nothing for a
	// bad row, every bad row in the result. Invalid only for a batch over
	// MaxBatch rows.
	RecordChecks(ctx context.Context, checks []*Check) (*BatchResult, error)
	// FindChecks lists checks in the actor's scope, newest first.
	FindChecks(ctx context.Context, f CheckFilter) ([]*Check, int, error)
	// FindFollowUps lists illness-absence follow-ups in the actor's scope.
	FindFollowUps(ctx context.Context, f FollowUpFilter) ([]*FollowUp, error)
	// CompleteFollowUp records what was learned and closes the follow-up.
	// Invalid, NotFound, Forbidden (a role that does not record class checks).
	CompleteFollowUp(ctx context.Context, id int64, r FollowUpReport) (*FollowUp, error)
	// MissingReports lists the active students of a class with nothing
	// reported for day, for the class teacher's follow-up and reminders.
	// NotFound (class out of scope).
	MissingReports(ctx context.Context, classID int64, day Date) ([]*Person, error)
	// SignOffDay records a school's sign-off of day; signing again updates
	// the note. NotFound, Forbidden (roles other than school admin and
	// health officer).
	SignOffDay(ctx context.Context, schoolID int64, day Date, note string) (*SignOff, error)
	// SignOffs lists every school under an org node with whether it signed
	// off day, unsigned first.
	SignOffs(ctx context.Context, orgID int64, day Date) ([]*SignOff, error)
	// SchoolDays returns the day's figures and sign-off of every school
	// under an org node: the lines of the region's daily report.
	SchoolDays(ctx context.Context, orgID int64, day Date) ([]*SchoolDay, error)
	// Rollups returns the figures of an org node for the days in [from, to].
	Rollups(ctx context.Context, orgID int64, from, to Date) ([]Rollup, error)
	// ChildRollups returns the day's figures of each child of an org node
	// that keeps them: a region's sub-regions and schools, a school's (or a
	// grade's) classes, none for a class. A child without figures that day
	// has zeros; Missing is never below zero. Read from the roll-ups, not
	// the raw checks. Unauthenticated, NotFound (node out of scope).
	ChildRollups(ctx context.Context, orgID int64, day Date) ([]Rollup, error)
}

// CanRecordCheck reports whether the actor may record a check of kind k for
// the person with the given id, whose class (or school) is at path: school
// staff with the right role in scope; a class teacher the class checks and,
// on a family's behalf, the home report; gate staff and their devices the
// gate and bus checks; a guardian or the staff member themself only the home
// report.
func (a *Actor) CanRecordCheck(k CheckKind, personID int64, path string) bool {
	if a == nil {
		return false
	}
	if a.System {
		return true
	}
	for _, g := range a.Grants {
		if !g.Covers(path) {
			continue
		}
		switch g.Role {
		case SystemAdmin, RegionAdmin, SchoolAdmin, HealthOffice:
			return true
		case ClassTeacher:
			if k.ClassCheck() || k == HomeCheck {
				return true
			}
		case GateStaff:
			if k == GateCheck || k == BusCheck {
				return true
			}
		}
	}
	if k != HomeCheck {
		return false
	}
	return slices.Contains(a.GuardianOf, personID) || (a.PersonID != nil && *a.PersonID == personID)
}
