package campusguard

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Training (SPEC §7, issue 14): a school records its training sessions —
// staff prevention training, health education for a class, psychological
// counselling — with attendance ticked off the school's staff list or a
// class list. The region sets the topics every staff member must be
// trained on each term; coverage is the share of a school's staff trained
// on each of them this term, and those never trained are named.

// TrainingKind is what a session is.
type TrainingKind string

const (
	StaffTraining   TrainingKind = "staff_training"   // 教职工防控培训: attendance from the staff list
	HealthEducation TrainingKind = "health_education" // 学生健康教育: a class's students
	Counselling     TrainingKind = "counselling"      // 心理疏导: a class's students
)

// TrainingKinds lists them.
var TrainingKinds = []TrainingKind{StaffTraining, HealthEducation, Counselling}

// ForStudents reports whether attendance is taken from a class list.
func (k TrainingKind) ForStudents() bool { return k == HealthEducation || k == Counselling }

// TopicOther is the topic of a session on none of the required topics:
// its title says what it was about, and it counts towards no coverage.
const TopicOther = "other"

// Term is a school term: the autumn term from 1 September to 31 January,
// the spring term from 1 February to 31 August (the summer holiday is the
// spring term's tail, so every day belongs to exactly one term). See
// docs/decisions.md, "Training".
type Term struct {
	Year   int  // the calendar year the term starts in
	Autumn bool // the first term of the school year
}

// TermOf returns the term of day d.
func TermOf(d Date) Term {
	switch {
	case d.Month >= time.September:
		return Term{Year: d.Year, Autumn: true}
	case d.Month == time.January:
		return Term{Year: d.Year - 1, Autumn: true}
	}
	return Term{Year: d.Year}
}

// Start is the term's first day.
func (t Term) Start() Date {
	if t.Autumn {
		return Date{Year: t.Year, Month: time.September, Day: 1}
	}
	return Date{Year: t.Year, Month: time.February, Day: 1}
}

// End is the term's last day.
func (t Term) End() Date {
	if t.Autumn {
		return Date{Year: t.Year + 1, Month: time.January, Day: 31}
	}
	return Date{Year: t.Year, Month: time.August, Day: 31}
}

// Contains reports whether d lies in the term.
func (t Term) Contains(d Date) bool { return !d.Before(t.Start()) && !t.End().Before(d) }

// Prev is the term before.
func (t Term) Prev() Term { return TermOf(t.Start().AddDays(-1)) }

// Next is the term after.
func (t Term) Next() Term { return TermOf(t.End().AddDays(1)) }

// SchoolYear is the school year's first calendar year: the spring term of
// 2027 belongs to the school year 2026–2027.
func (t Term) SchoolYear() int {
	if t.Autumn {
		return t.Year
	}
	return t.Year - 1
}

// String is the term's id: "2026-autumn", "2027-spring".
func (t Term) String() string {
	if t.Autumn {
		return strconv.Itoa(t.Year) + "-autumn"
	}
	return strconv.Itoa(t.Year) + "-spring"
}

// ParseTerm reads a term's id.
func ParseTerm(s string) (Term, bool) {
	y, half, ok := strings.Cut(strings.TrimSpace(s), "-")
	n, err := strconv.Atoi(y)
	if !ok || err != nil || n < 2000 || n > 2200 || len(y) != 4 {
		return Term{}, false
	}
	switch half {
	case "autumn":
		return Term{Year: n, Autumn: true}, true
	case "spring":
		return Term{Year: n}, true
	}
	return Term{}, false
}

// MarshalText writes the term's id.
func (t Term) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// UnmarshalText reads a term's id.
func (t *Term) UnmarshalText(b []byte) error {
	v, ok := ParseTerm(string(b))
	if !ok {
		return Errorf(Invalid, "error.training_term")
	}
	*t = v
	return nil
}

// TrainingTopic is a topic the region requires every staff member to be
// trained on in a term.
type TrainingTopic struct {
	Code string `json:"code"` // "prevention"; the default topics' codes name their translations
	Name string `json:"name"` // as the region wrote it
}

// Limits of the training records.
const (
	MaxTrainingTopics    = 20
	MaxTrainingText      = 60 // a topic's name, a title, a trainer
	MaxTrainingAttendees = 3000
	trainingBackDays     = 400 // how far back a session may be recorded
)

// DefaultTrainingTopics are the topics a region requires unless it sets
// its own: the staff training of the reopening guidance (seed: "全员培训").
func DefaultTrainingTopics() []TrainingTopic {
	return []TrainingTopic{
		{Code: "prevention", Name: "疫情防控知识"},
		{Code: "checks", Name: "晨午检与因病缺勤追踪报告"},
		{Code: "isolation", Name: "发热等异常情况隔离处置流程"},
		{Code: "disinfection", Name: "通风消毒"},
		{Code: "protection", Name: "个人防护"},
	}
}

func validTopicCode(c string) bool {
	return c != "" && len(c) <= 32 && c != TopicOther && strings.IndexFunc(c, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_')
	}) < 0
}

// ValidateTrainingTopics checks a region's list for a term: one to
// MaxTrainingTopics topics, each with a code (lower-case letters, digits,
// underscores; not "other") used once and a name. Names are trimmed.
func ValidateTrainingTopics(ts []TrainingTopic) error {
	var fe fieldErrors
	if len(ts) == 0 {
		fe.add("topics", "error.required")
	} else if len(ts) > MaxTrainingTopics {
		fe.add("topics", "error.too_many", MaxTrainingTopics)
	}
	seen := map[string]bool{}
	for i := range ts {
		ts[i].Code, ts[i].Name = strings.TrimSpace(ts[i].Code), strings.TrimSpace(ts[i].Name)
		row := func(key string, args ...any) {
			fe = append(fe, FieldError{Field: "topics", Row: i + 1, Msg: key, Args: args})
		}
		switch {
		case !validTopicCode(ts[i].Code):
			row("error.training_topic_code")
		case seen[ts[i].Code]:
			row("error.training_topic_twice", ts[i].Code)
		}
		seen[ts[i].Code] = true
		if ts[i].Name == "" {
			row("error.required")
		} else if utf8.RuneCountInString(ts[i].Name) > MaxTrainingText {
			row("error.too_long", MaxTrainingText)
		}
	}
	return fe.err()
}

// TrainingSession is one session and who attended.
type TrainingSession struct {
	ID         int64        `json:"id"`
	RegionID   int64        `json:"region_id"`
	SchoolID   int64        `json:"school_id"`
	SchoolName string       `json:"school_name"`
	Kind       TrainingKind `json:"kind"`
	Topic      string       `json:"topic"` // a required topic's code, or "other"
	Title      string       `json:"title"` // what it was about, in words; required for "other"
	Day        Date         `json:"day"`
	Trainer    string       `json:"trainer"`
	ClassID    *int64       `json:"class_id"` // health education and counselling: the class
	ClassName  string       `json:"class_name,omitempty"`
	Notes      string       `json:"notes"`
	FileID     *int64       `json:"file_id"` // evidence: a photo or the sign-in sheet, uploaded first
	// AttendeeIDs are the people who attended: staff of the school, or
	// students of the class.
	AttendeeIDs []int64          `json:"attendee_ids"`
	Attendees   []TrainingPerson `json:"attendees"` // filled when one session is read
	Attended    int              `json:"attended"`  // how many attended
	By          string           `json:"created_by"`
	CreatedAt   time.Time        `json:"created_at"`
}

// ValidateTrainingSession checks a session before it is stored, against
// today and the required topics of its day's term: a known kind, a topic
// (a required one or "other" with a title), a day not after today and not
// more than a year back, a trainer, a class for the kinds taken from a
// class list, short texts and no more than MaxTrainingAttendees people.
// It trims the texts and drops repeated attendees.
func ValidateTrainingSession(x *TrainingSession, today Date, topics []TrainingTopic) error {
	var fe fieldErrors
	x.Topic, x.Title = strings.TrimSpace(x.Topic), strings.TrimSpace(x.Title)
	x.Trainer, x.Notes = strings.TrimSpace(x.Trainer), strings.TrimSpace(x.Notes)
	if !slices.Contains(TrainingKinds, x.Kind) {
		fe.add("kind", "error.bad_choice")
	}
	known := x.Topic == TopicOther || slices.ContainsFunc(topics, func(t TrainingTopic) bool { return t.Code == x.Topic })
	switch {
	case x.Topic == "":
		fe.add("topic", "error.required")
	case !known:
		fe.add("topic", "error.training_topic_unknown", x.Topic)
	}
	switch {
	case x.Title == "" && x.Topic == TopicOther:
		fe.add("title", "error.required")
	case utf8.RuneCountInString(x.Title) > MaxTrainingText:
		fe.add("title", "error.too_long", MaxTrainingText)
	}
	switch {
	case x.Day.IsZero():
		fe.add("day", "error.required")
	case today.Before(x.Day):
		fe.add("day", "error.training_future")
	case x.Day.Before(today.AddDays(-trainingBackDays)):
		fe.add("day", "error.training_past", trainingBackDays)
	}
	if x.Trainer == "" {
		fe.add("trainer", "error.required")
	} else if utf8.RuneCountInString(x.Trainer) > MaxTrainingText {
		fe.add("trainer", "error.too_long", MaxTrainingText)
	}
	if x.Kind.ForStudents() && x.ClassID == nil {
		fe.add("class_id", "error.required")
	}
	if utf8.RuneCountInString(x.Notes) > MaxItemNote {
		fe.add("notes", "error.too_long", MaxItemNote)
	}
	ids := make([]int64, 0, len(x.AttendeeIDs))
	for _, id := range x.AttendeeIDs {
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	x.AttendeeIDs = ids
	if len(ids) > MaxTrainingAttendees {
		fe.add("attendee_ids", "error.too_many", MaxTrainingAttendees)
	}
	return fe.err()
}

// TrainingPerson is a person on an attendance list or in a coverage list.
type TrainingPerson struct {
	ID     int64     `json:"id"`
	Name   string    `json:"name"`
	Number string    `json:"number"`
	Role   StaffRole `json:"role,omitempty"` // staff
}

// TrainingRecord is one person's attendance at one session, as coverage
// reads it.
type TrainingRecord struct {
	PersonID int64
	Kind     TrainingKind
	Topic    string
	Day      Date
}

// TopicCoverage is one required topic's coverage at a school.
type TopicCoverage struct {
	Topic     TrainingTopic    `json:"topic"`
	Trained   int              `json:"trained"`
	Staff     int              `json:"staff"`
	Untrained []TrainingPerson `json:"untrained"`
}

// Share is the part of the staff trained, or false when the school has no
// staff (nothing to cover is not full coverage).
func (c TopicCoverage) Share() (float64, bool) { return share(c.Trained, c.Staff) }

func share(n, of int) (float64, bool) {
	if of == 0 {
		return 0, false
	}
	return float64(n) / float64(of), true
}

// Percent writes a share as whole percent, rounded down so that a school
// one person short never reads 100 %; "—" with no staff.
func Percent(n, of int) string {
	if of == 0 {
		return "—"
	}
	return strconv.Itoa(n*100/of) + "%"
}

// TrainingCoverage is a school's coverage in a term.
type TrainingCoverage struct {
	SchoolID   int64           `json:"school_id"`
	SchoolName string          `json:"school_name"`
	Term       Term            `json:"term"`
	Staff      int             `json:"staff"`
	Topics     []TopicCoverage `json:"topics"`
	// FullyTrained counts the staff trained on every required topic.
	FullyTrained int `json:"fully_trained"`
	// NeverTrained are the staff trained on no required topic this term.
	NeverTrained []TrainingPerson `json:"never_trained"`
}

// TrainingCoverageOf computes a school's coverage in term from its staff today
// (people who left are not among them, whatever they attended), the
// required topics and the attendance records. Only staff training counts,
// only within the term, only on a required topic, only for the staff
// listed; a person trained twice on a topic counts once.
func TrainingCoverageOf(term Term, staff []TrainingPerson, topics []TrainingTopic, records []TrainingRecord) TrainingCoverage {
	c := TrainingCoverage{Term: term, Staff: len(staff), Topics: make([]TopicCoverage, len(topics)),
		NeverTrained: []TrainingPerson{}}
	index := make(map[string]int, len(topics))
	for i, t := range topics {
		index[t.Code] = i
	}
	listed := make(map[int64]bool, len(staff))
	for _, p := range staff {
		listed[p.ID] = true
	}
	trained := make([]map[int64]bool, len(topics))
	for i := range trained {
		trained[i] = map[int64]bool{}
	}
	for _, r := range records {
		i, ok := index[r.Topic]
		if !ok || r.Kind != StaffTraining || !term.Contains(r.Day) || !listed[r.PersonID] {
			continue
		}
		trained[i][r.PersonID] = true
	}
	for i, t := range topics {
		tc := TopicCoverage{Topic: t, Trained: len(trained[i]), Staff: len(staff), Untrained: []TrainingPerson{}}
		for _, p := range staff {
			if !trained[i][p.ID] {
				tc.Untrained = append(tc.Untrained, p)
			}
		}
		c.Topics[i] = tc
	}
	for _, p := range staff {
		n := 0
		for i := range topics {
			if trained[i][p.ID] {
				n++
			}
		}
		if n == 0 {
			c.NeverTrained = append(c.NeverTrained, p)
		}
		if n == len(topics) && n > 0 {
			c.FullyTrained++
		}
	}
	return c
}

// SchoolTrainingLine is a school's line on the region's coverage page:
// the counts of TrainingCoverageOf without the names.
type SchoolTrainingLine struct {
	SchoolID     int64  `json:"school_id"`
	Name         string `json:"name"`
	Staff        int    `json:"staff"`
	Trained      []int  `json:"trained"` // per topic of the region's list, in its order
	FullyTrained int    `json:"fully_trained"`
	NeverTrained int    `json:"never_trained"`
	Sessions     int    `json:"sessions"` // staff training sessions held this term
}

// TrainingLineOf is c without the names, for the region's page.
func TrainingLineOf(c TrainingCoverage, sessions int) SchoolTrainingLine {
	l := SchoolTrainingLine{SchoolID: c.SchoolID, Name: c.SchoolName, Staff: c.Staff, Trained: make([]int, len(c.Topics)),
		FullyTrained: c.FullyTrained, NeverTrained: len(c.NeverTrained), Sessions: sessions}
	for i, t := range c.Topics {
		l.Trained[i] = t.Trained
	}
	return l
}

// RegionTrainingCoverage is the region's page: every school under a node,
// per required topic.
type RegionTrainingCoverage struct {
	OrgID   int64                `json:"org_id"`
	Term    Term                 `json:"term"`
	Topics  []TrainingTopic      `json:"topics"`
	Schools []SchoolTrainingLine `json:"schools"`
	// Staff and Trained are the totals over the schools, per topic.
	Staff   int   `json:"staff"`
	Trained []int `json:"trained"`
}

// TrainingRoster is what the attendance form lists: the school, the
// classes the actor may record a class's session for, and the people to
// tick (the staff, or the class's students).
type TrainingRoster struct {
	SchoolID   int64            `json:"school_id"`
	SchoolName string           `json:"school_name"`
	RegionID   int64            `json:"region_id"`
	Kind       TrainingKind     `json:"kind"`
	ClassID    *int64           `json:"class_id"`
	Classes    []RosterClass    `json:"classes"`
	People     []TrainingPerson `json:"people"`
	Topics     []TrainingTopic  `json:"topics"` // the current term's required topics
	Kinds      []TrainingKind   `json:"kinds"`  // the kinds the actor may record here
}

// RosterClass is a class on the form.
type RosterClass struct {
	ID   int64  `json:"id"`
	Name string `json:"name"` // grade and class
}

// The actions on training.
const (
	ReadTraining      Action = "read_training"       // a school's sessions and coverage, the region's coverage
	RecordTraining    Action = "record_training"     // a school records any session and its attendance
	RecordClassHealth Action = "record_class_health" // a class teacher records health education for the class
	SetTrainingTopics Action = "set_training_topics" // the region sets the required topics of a term
)

// trainingRoleActions is training's part of the access matrix. The
// principal and the health officer (who runs the prevention training)
// record at their school; a class teacher records health education for
// the class; the education bureau sets the topics and reads coverage, as
// inspectors do. Staff members, gate staff and guardians have none.
var trainingRoleActions = map[AccessRole][]Action{
	SystemAdmin:  {ReadTraining, RecordTraining, RecordClassHealth, SetTrainingTopics},
	RegionAdmin:  {ReadTraining, SetTrainingTopics},
	Inspector:    {ReadTraining},
	SchoolAdmin:  {ReadTraining, RecordTraining, RecordClassHealth},
	HealthOffice: {ReadTraining, RecordTraining, RecordClassHealth},
	ClassTeacher: {RecordClassHealth},
}

// trainingDutyActions: the health bureau and the CDC follow prevention
// training; the other liaisons do not need staff names.
var trainingDutyActions = map[string][]Action{
	DutyHealth: {ReadTraining},
	DutyCDC:    {ReadTraining},
}

// CanRecordKind reports whether the actor may record a session of kind k
// at a school (path) or, for a class teacher, for a class (classPath).
func (a *Actor) CanRecordKind(k TrainingKind, schoolPath, classPath string) bool {
	if a.Can(RecordTraining, schoolPath) {
		return true
	}
	return k == HealthEducation && classPath != "" && a.Can(RecordClassHealth, classPath)
}

// TrainingService keeps training sessions, their attendance, the required
// topics and coverage. Out of the actor's scope every method answers
// NotFound; a reader who may not write gets Forbidden.
type TrainingService interface {
	// TrainingTopics returns a top-level region's required topics for a
	// term: those it set for it, else for the latest term before, else the
	// default list. For everyone who reads training in the region.
	TrainingTopics(ctx context.Context, regionID int64, term Term) ([]TrainingTopic, error)
	// SetTrainingTopics sets a term's list: SetTrainingTopics at the
	// region. Invalid with the rows named.
	SetTrainingTopics(ctx context.Context, regionID int64, term Term, topics []TrainingTopic) error
	// TrainingRoster returns the attendance form's lists for a kind (and a
	// class for the kinds taken from a class list).
	TrainingRoster(ctx context.Context, schoolID int64, kind TrainingKind, classID *int64) (*TrainingRoster, error)
	// CreateTrainingSession stores a session and its attendance. Invalid
	// names the field: attendee_ids for a person not of the school (or
	// not of the class).
	CreateTrainingSession(ctx context.Context, x *TrainingSession) error
	// SetTrainingAttendance replaces a session's attendance, on the same
	// terms.
	SetTrainingAttendance(ctx context.Context, id int64, personIDs []int64) error
	// FindTrainingSession returns a session with its attendees.
	FindTrainingSession(ctx context.Context, id int64) (*TrainingSession, error)
	// FindTrainingSessions lists a school's sessions in a term, latest
	// first, with the number who attended but not their names.
	FindTrainingSessions(ctx context.Context, schoolID int64, term Term) ([]*TrainingSession, error)
	// SchoolTrainingCoverage returns a school's coverage in a term.
	SchoolTrainingCoverage(ctx context.Context, schoolID int64, term Term) (*TrainingCoverage, error)
	// RegionTrainingCoverage returns every school's line under a region
	// node (or one school's) in a term.
	RegionTrainingCoverage(ctx context.Context, orgID int64, term Term) (*RegionTrainingCoverage, error)
}

// String names a person on a list: "王老师 (T001)".
func (p TrainingPerson) String() string { return fmt.Sprintf("%s (%s)", p.Name, p.Number) }
