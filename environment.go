package campusguard

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Environment (SPEC §7, issue 14, first part): each place of a school that
// must be aired and disinfected is a Space with a schedule; the staff who
// do the work log it from a phone; the school sees what is overdue today,
// the region the compliance of its schools over a period. Only school days
// are due, and only the rooms of open classes (readiness decides who is
// open, see Openness).

// Actions of the environment logs. The school's staff log for their own
// school (a class teacher's grant on a class counts for its school: a
// teacher airs the corridor's rooms, not only their own); the principal
// keeps the school's spaces and schedules; the region sets the default
// schedule of each kind and reads the compliance. Gate staff and guardians
// have no part in it.
const (
	ReadEnvironment Action = "read_environment" // spaces, logs, overdue list, compliance
	LogEnvironment  Action = "log_environment"  // record ventilation and disinfection
	ManageSpaces    Action = "manage_spaces"    // a school's spaces and their schedules
	SetEnvDefaults  Action = "set_env_defaults" // a region's default schedule per kind
)

// environmentRoleActions is the environment's part of the access matrix.
var environmentRoleActions = map[AccessRole][]Action{
	SystemAdmin:  {ReadEnvironment, LogEnvironment, ManageSpaces, SetEnvDefaults},
	RegionAdmin:  {ReadEnvironment, SetEnvDefaults},
	RegionViewer: {ReadEnvironment}, // aggregated figures of rooms: no personal data
	Inspector:    {ReadEnvironment},
	SchoolAdmin:  {ReadEnvironment, LogEnvironment, ManageSpaces},
	HealthOffice: {ReadEnvironment, LogEnvironment},
	ClassTeacher: {ReadEnvironment, LogEnvironment},
	StaffMember:  {ReadEnvironment, LogEnvironment},
}

// CanAtSchool reports whether the actor may do act at the school whose
// path is schoolPath: by a grant that covers the school, or by a grant on a
// node inside it (a class teacher's class). It is the environment's own
// reach: a school's staff act for their whole school.
func (a *Actor) CanAtSchool(act Action, schoolPath string) bool {
	if a == nil {
		return false
	}
	if a.System {
		return true
	}
	for _, g := range a.Grants {
		if !g.Allows(act) {
			continue
		}
		if g.Covers(schoolPath) || (g.OrgPath != "" && strings.HasPrefix(g.OrgPath, schoolPath)) {
			return true
		}
	}
	return false
}

// SpaceKind is the kind of a space that is aired and disinfected.
type SpaceKind string

const (
	SpaceClassroom SpaceKind = "classroom"
	SpaceCanteen   SpaceKind = "canteen"
	SpaceDormitory SpaceKind = "dormitory"
	SpaceToilet    SpaceKind = "toilet"
	SpaceIsolation SpaceKind = "isolation_room"
	SpaceBus       SpaceKind = "bus"
	SpaceOther     SpaceKind = "other"
)

// SpaceKinds lists them in display order.
var SpaceKinds = []SpaceKind{SpaceClassroom, SpaceCanteen, SpaceDormitory, SpaceToilet, SpaceIsolation, SpaceBus, SpaceOther}

// EnvTask is what a log records.
type EnvTask string

const (
	Ventilation  EnvTask = "ventilation"
	Disinfection EnvTask = "disinfection"
)

// EnvTasks lists them.
var EnvTasks = []EnvTask{Ventilation, Disinfection}

// DisinfectMode is how often a space is disinfected: once a school day, or
// after each use (a canteen after each meal, a bus after each trip), Uses
// times a school day.
type DisinfectMode string

const (
	DisinfectDaily    DisinfectMode = "daily"
	DisinfectAfterUse DisinfectMode = "after_use"
)

// DisinfectModes lists them.
var DisinfectModes = []DisinfectMode{DisinfectDaily, DisinfectAfterUse}

// MaxTimesADay bounds a schedule's counts: more than one airing an hour of
// the school day is not a schedule anyone keeps.
const MaxTimesADay = 12

// Schedule is how often a space is aired and disinfected on a school day.
type Schedule struct {
	Ventilation  int           `json:"ventilation"`  // times a school day, 0 for none
	Disinfection DisinfectMode `json:"disinfection"` // daily or after each use
	Uses         int           `json:"uses"`         // after_use: uses a school day
}

// Due returns how many logs of task the schedule asks for on a school day.
func (s Schedule) Due(t EnvTask) int {
	switch t {
	case Ventilation:
		return s.Ventilation
	case Disinfection:
		if s.Disinfection == DisinfectAfterUse {
			return s.Uses
		}
		return 1
	}
	return 0
}

// Validate checks a schedule: ventilation from 0 to MaxTimesADay, a known
// disinfection mode and, after each use, 1 to MaxTimesADay uses.
func (s Schedule) Validate() error {
	var fe fieldErrors
	if s.Ventilation < 0 || s.Ventilation > MaxTimesADay {
		fe.add("ventilation", "error.range", 0, MaxTimesADay)
	}
	if !slices.Contains(DisinfectModes, s.Disinfection) {
		fe.add("disinfection", "error.bad_choice")
	} else if s.Disinfection == DisinfectAfterUse && (s.Uses < 1 || s.Uses > MaxTimesADay) {
		fe.add("uses", "error.range", 1, MaxTimesADay)
	}
	return fe.err()
}

// DefaultSchedules are the schedules a region starts from (see
// docs/decisions.md): classrooms, dormitories and toilets aired three or
// two times a school day and disinfected daily; the canteen disinfected
// after each of three meals; a bus after each of its two trips; the
// isolation room aired twice and disinfected daily (and after each use by
// the health officer's own procedure).
var DefaultSchedules = map[SpaceKind]Schedule{
	SpaceClassroom: {Ventilation: 3, Disinfection: DisinfectDaily},
	SpaceCanteen:   {Ventilation: 2, Disinfection: DisinfectAfterUse, Uses: 3},
	SpaceDormitory: {Ventilation: 2, Disinfection: DisinfectDaily},
	SpaceToilet:    {Ventilation: 2, Disinfection: DisinfectDaily},
	SpaceIsolation: {Ventilation: 2, Disinfection: DisinfectDaily},
	SpaceBus:       {Ventilation: 2, Disinfection: DisinfectAfterUse, Uses: 2},
	SpaceOther:     {Ventilation: 2, Disinfection: DisinfectDaily},
}

// KindSchedule is a region's default schedule for one kind of space.
type KindSchedule struct {
	Kind     SpaceKind `json:"kind"`
	Schedule Schedule  `json:"schedule"`
	Own      bool      `json:"own"` // the region set it; else the built-in default
}

// Space is a place of a school that is aired and disinfected.
type Space struct {
	ID         int64     `json:"id"`
	RegionID   int64     `json:"region_id"`
	SchoolID   int64     `json:"school_id"`
	Kind       SpaceKind `json:"kind"`
	Name       string    `json:"name"`
	ClassID    *int64    `json:"class_id,omitempty"`     // a classroom's class: due only while it is open
	ClassName  string    `json:"class_name,omitempty"`   // filled by queries
	BusRouteID *int64    `json:"bus_route_id,omitempty"` // a bus's route
	Own        *Schedule `json:"own_schedule,omitempty"` // its own schedule; nil follows the region's for its kind
	Schedule   Schedule  `json:"schedule"`               // the schedule in force, filled by queries

	// What decides whether it is due, filled by queries.
	SchoolPath string     `json:"-"`
	SchoolType SchoolType `json:"-"`
	ClassPath  string     `json:"-"`
	ClassGrade int        `json:"-"`
}

// MaxSpaceName is the longest name of a space, in characters.
const MaxSpaceName = 60

// Validate checks a space's own fields: a name, a known kind, a class only
// for a classroom, a bus route only for a bus, and its own schedule if it
// has one.
func (s *Space) Validate() error {
	var fe fieldErrors
	s.Name = strings.TrimSpace(s.Name)
	if s.Name == "" {
		fe.add("name", "error.required")
	} else if utf8.RuneCountInString(s.Name) > MaxSpaceName {
		fe.add("name", "error.too_long", MaxSpaceName)
	}
	if !slices.Contains(SpaceKinds, s.Kind) {
		fe.add("kind", "error.bad_choice")
	}
	if s.ClassID != nil && s.Kind != SpaceClassroom {
		fe.add("class_id", "error.space_class_kind")
	}
	if s.BusRouteID != nil && s.Kind != SpaceBus {
		fe.add("bus_route_id", "error.space_bus_kind")
	}
	if s.Own != nil {
		if err := s.Own.Validate(); err != nil {
			fe = append(fe, ErrorFields(err)...)
		}
	}
	return fe.err()
}

// SpaceOpen reports whether the space is in use on day by open's decision: a
// classroom with a class while that class is open; any other space while
// its school may have open classes and is not suspended as a whole.
func (o Openness) SpaceOpen(s *Space, day Date) bool {
	if s.ClassID != nil {
		return o.ClassOpen(s.SchoolID, s.SchoolType, s.ClassGrade, s.ClassPath, day)
	}
	return o.SchoolOpen(s.SchoolID, day) && o.Suspended(s.SchoolPath, day) == nil
}

// DueOn returns how many logs of task a space asks for on day: none on a
// day off or while the space is not in use, else its schedule's.
func DueOn(s *Space, t EnvTask, day Date, cal Calendar, open Openness) int {
	if !cal.SchoolDay(day) || !open.SpaceOpen(s, day) {
		return 0
	}
	return s.Schedule.Due(t)
}

// The school day over which a day's logs fall due: the k-th of n logs is
// due by EnvDayStart + k × (EnvDayEnd − EnvDayStart) / n, so three airings
// fall due by 11:00, 14:00 and 17:00 and a daily disinfection by 17:00.
const (
	EnvDayStart Clock = 8 * 60
	EnvDayEnd   Clock = 17 * 60
)

// DueBy returns how many of n logs on day are due by at.
func DueBy(n int, day Date, at time.Time) int {
	if n <= 0 {
		return 0
	}
	start := EnvDayStart.On(day)
	span := EnvDayEnd.On(day).Sub(start)
	k := 0
	for i := 1; i <= n; i++ {
		if !at.Before(start.Add(span * time.Duration(i) / time.Duration(n))) {
			k = i
		}
	}
	return k
}

// Credit is what a space-day's logs of a task count for: the logs done, at
// most what was due (a fourth airing does not make up for another room's
// missed one).
func Credit(due, done int) int { return max(0, min(due, done)) }

// EnvLog is one airing or disinfection of a space.
type EnvLog struct {
	ID        int64     `json:"id"`
	RegionID  int64     `json:"region_id"`
	SchoolID  int64     `json:"school_id"`
	SpaceID   int64     `json:"space_id"`
	SpaceName string    `json:"space_name"`
	Task      EnvTask   `json:"task"`
	Day       Date      `json:"day"`
	At        time.Time `json:"at"`
	By        string    `json:"by"`
	FileID    *int64    `json:"file_id,omitempty"`
	Note      string    `json:"note,omitempty"`
}

// EnvLogInput is one form post: one task done at one time in one or more
// spaces of a school (a whole corridor of classrooms at once). It creates
// one log per space, all or none.
type EnvLogInput struct {
	SchoolID int64     `json:"school_id"`
	SpaceIDs []int64   `json:"space_ids"`
	Task     EnvTask   `json:"task"`
	At       time.Time `json:"at"` // zero: now
	FileID   *int64    `json:"file_id,omitempty"`
	Note     string    `json:"note,omitempty"`
}

// Bounds of a log post.
const (
	MaxLogSpaces  = 200 // spaces in one post
	MaxLogBackDay = 7   // a log may be entered up to a week late, no earlier
	MaxLogNote    = 200
)

// CheckEnvLog checks a post against the spaces it names, at now: a known
// task, at least one space and at most MaxLogSpaces, each a space of the
// school (Row: its 1-based position), a time not in the future nor more
// than MaxLogBackDay days back, a short note.
func CheckEnvLog(in EnvLogInput, spaces map[int64]*Space, now time.Time) error {
	var fe fieldErrors
	if !slices.Contains(EnvTasks, in.Task) {
		fe.add("task", "error.bad_choice")
	}
	switch {
	case len(in.SpaceIDs) == 0:
		fe.add("space_ids", "error.required")
	case len(in.SpaceIDs) > MaxLogSpaces:
		fe.add("space_ids", "error.too_many", MaxLogSpaces)
	}
	seen := map[int64]bool{}
	for i, id := range in.SpaceIDs {
		if sp := spaces[id]; sp == nil || sp.SchoolID != in.SchoolID {
			fe = append(fe, FieldError{Field: "space_ids", Row: i + 1, Msg: "error.space_other_school", Args: []any{id}})
		} else if seen[id] {
			fe = append(fe, FieldError{Field: "space_ids", Row: i + 1, Msg: "error.space_twice", Args: []any{sp.Name}})
		}
		seen[id] = true
	}
	switch {
	case in.At.After(now):
		fe.add("at", "error.log_future")
	case Today(in.At).AddDays(MaxLogBackDay).Before(Today(now)):
		fe.add("at", "error.log_too_old", MaxLogBackDay)
	}
	if utf8.RuneCountInString(in.Note) > MaxLogNote {
		fe.add("note", "error.too_long", MaxLogNote)
	}
	return fe.err()
}

// LogCounts counts logs by space, day and task.
type LogCounts map[LogKey]int

// LogKey is a space's day and task.
type LogKey struct {
	SpaceID int64
	Day     Date
	Task    EnvTask
}

// OverdueItem is a space with a task due by now and not done.
type OverdueItem struct {
	SpaceID  int64     `json:"space_id"`
	Name     string    `json:"name"`
	Kind     SpaceKind `json:"kind"`
	Task     EnvTask   `json:"task"`
	DueByNow int       `json:"due_by_now"`
	DueToday int       `json:"due_today"`
	Done     int       `json:"done"`
}

// Missing is how many logs it lacks by now.
func (o OverdueItem) Missing() int { return o.DueByNow - o.Done }

// Overdue is a school's list for a day at a time.
type Overdue struct {
	SchoolID   int64         `json:"school_id"`
	SchoolName string        `json:"school_name"`
	Day        Date          `json:"day"`
	At         time.Time     `json:"at"`
	SchoolDay  bool          `json:"school_day"`
	DueToday   int           `json:"due_today"` // logs due over the whole day
	Done       int           `json:"done"`      // logs done, credited
	Missing    int           `json:"missing"`   // logs due by now and not done
	Items      []OverdueItem `json:"items"`
}

// OverdueOf lists, for day at at, every space and task with fewer logs
// than are due by then, in the spaces' order.
func OverdueOf(schoolID int64, spaces []*Space, logs LogCounts, day Date, at time.Time, cal Calendar, open Openness) Overdue {
	o := Overdue{SchoolID: schoolID, Day: day, At: at, SchoolDay: cal.SchoolDay(day), Items: []OverdueItem{}}
	for _, s := range spaces {
		for _, t := range EnvTasks {
			due := DueOn(s, t, day, cal, open)
			if due == 0 {
				continue
			}
			done := logs[LogKey{s.ID, day, t}]
			o.DueToday += due
			o.Done += Credit(due, done)
			by := DueBy(due, day, at)
			if done < by {
				o.Items = append(o.Items, OverdueItem{SpaceID: s.ID, Name: s.Name, Kind: s.Kind, Task: t, DueByNow: by,
					DueToday: due, Done: done})
				o.Missing += by - done
			}
		}
	}
	return o
}

// EnvFigures are logs due and done (credited) over a period.
type EnvFigures struct {
	Due  int `json:"due"`
	Done int `json:"done"`
}

// Add adds f's figures.
func (e *EnvFigures) Add(f EnvFigures) { e.Due += f.Due; e.Done += f.Done }

// Rate is Done / Due in percent, rounded down, and false when nothing was
// due (no rate: not 0 %, not 100 %).
func (e EnvFigures) Rate() (int, bool) {
	if e.Due == 0 {
		return 0, false
	}
	return e.Done * 100 / e.Due, true
}

// SchoolCompliance is a school's compliance over a period, in all and by
// kind of space.
type SchoolCompliance struct {
	SchoolID int64                    `json:"school_id"`
	Name     string                   `json:"name"`
	Spaces   int                      `json:"spaces"`
	Total    EnvFigures               `json:"total"`
	Kinds    map[SpaceKind]EnvFigures `json:"kinds"`
}

// ComplianceOf counts, for each school's spaces over the days from from to
// to, the logs due and the logs done (each space-day-task credited at most
// what was due). schools gives the lines' order and names; a school with
// no space still has its line, with nothing due.
func ComplianceOf(schools []SchoolCompliance, spaces []*Space, logs LogCounts, from, to Date, cal Calendar, open Openness) []SchoolCompliance {
	idx := map[int64]int{}
	for i := range schools {
		idx[schools[i].SchoolID] = i
		if schools[i].Kinds == nil {
			schools[i].Kinds = map[SpaceKind]EnvFigures{}
		}
	}
	for _, s := range spaces {
		i, ok := idx[s.SchoolID]
		if !ok {
			continue
		}
		line := &schools[i]
		line.Spaces++
		k := line.Kinds[s.Kind]
		for d := from; !to.Before(d); d = d.AddDays(1) {
			for _, t := range EnvTasks {
				due := DueOn(s, t, d, cal, open)
				if due == 0 {
					continue
				}
				f := EnvFigures{Due: due, Done: Credit(due, logs[LogKey{s.ID, d, t}])}
				k.Add(f)
				line.Total.Add(f)
			}
		}
		line.Kinds[s.Kind] = k
	}
	return schools
}

// EnvCompliance is a region node's compliance over a period.
type EnvCompliance struct {
	OrgID   int64                    `json:"org_id"`
	From    Date                     `json:"from"`
	To      Date                     `json:"to"`
	Total   EnvFigures               `json:"total"`
	Kinds   map[SpaceKind]EnvFigures `json:"kinds"`
	Schools []SchoolCompliance       `json:"schools"`
}

// TotalOf sums the schools' lines.
func (c *EnvCompliance) TotalOf() {
	c.Total, c.Kinds = EnvFigures{}, map[SpaceKind]EnvFigures{}
	for _, s := range c.Schools {
		c.Total.Add(s.Total)
		for k, f := range s.Kinds {
			v := c.Kinds[k]
			v.Add(f)
			c.Kinds[k] = v
		}
	}
}

// MaxCompliancePeriod bounds a compliance period: a term.
const MaxCompliancePeriod = 184

// EnvironmentService keeps the spaces, their schedules and logs.
type EnvironmentService interface {
	// EnvDefaults returns a top-level region's default schedule of every
	// kind, the built-in one for kinds it never set. NotFound.
	EnvDefaults(ctx context.Context, regionID int64) ([]KindSchedule, error)
	// SetEnvDefault sets a region's default schedule for a kind: its
	// admins. Invalid, NotFound, Forbidden.
	SetEnvDefault(ctx context.Context, regionID int64, k KindSchedule) error
	// Spaces returns a school's spaces with the schedule in force, by kind
	// and name: its staff and the region's readers. NotFound.
	Spaces(ctx context.Context, schoolID int64) ([]*Space, error)
	// SaveSpace creates a space (ID 0) or changes one: the principal.
	// Invalid (a class or bus route not of the school), Conflict (a name
	// taken), NotFound, Forbidden.
	SaveSpace(ctx context.Context, s *Space) error
	// LogEnvironment records one log per space named, all or none: the
	// school's staff. Invalid naming the field (a space of another school,
	// a time in the future), NotFound, Forbidden.
	LogEnvironment(ctx context.Context, in EnvLogInput) ([]EnvLog, error)
	// EnvLogs returns a school's logs of a day (zero: today), latest
	// first. NotFound.
	EnvLogs(ctx context.Context, schoolID int64, day Date) ([]EnvLog, error)
	// OverdueToday returns a school's overdue list for today at the
	// store's now. NotFound.
	OverdueToday(ctx context.Context, schoolID int64) (*Overdue, error)
	// EnvCompliance returns the compliance of every school under a region
	// node (or of one school) from from to to. Invalid (a bad period),
	// NotFound.
	EnvCompliance(ctx context.Context, orgID int64, from, to Date) (*EnvCompliance, error)
}

// LowEnvRate is the compliance below which a school is flagged on the
// dashboard and named in the briefing, in percent.
const LowEnvRate = 80

// EnvWeek is the period the dashboard and the briefing of day read: the
// seven days before it (day itself is not over yet).
func EnvWeek(day Date) (from, to Date) { return day.AddDays(-7), day.AddDays(-1) }

// BriefingEnv is the environment's part of a briefing: the region's
// compliance over EnvWeek and the schools below LowEnvRate, lowest first.
type BriefingEnv struct {
	From   Date       `json:"from"`
	To     Date       `json:"to"`
	Total  EnvFigures `json:"total"`
	Rated  int        `json:"rated"` // schools with something due
	Behind []string   `json:"behind"`
	Low    int        `json:"low"` // schools below LowEnvRate; Behind names at most MaxBriefingItems
}

// BriefEnv sums a compliance for a briefing.
func BriefEnv(c *EnvCompliance) *BriefingEnv {
	b := &BriefingEnv{From: c.From, To: c.To, Total: c.Total, Behind: []string{}}
	type low struct {
		name string
		rate int
	}
	var lows []low
	for _, s := range c.Schools {
		r, ok := s.Total.Rate()
		if !ok {
			continue
		}
		b.Rated++
		if r < LowEnvRate {
			lows = append(lows, low{s.Name, r})
		}
	}
	slices.SortStableFunc(lows, func(x, y low) int { return x.rate - y.rate })
	b.Low = len(lows)
	for _, l := range lows[:min(len(lows), MaxBriefingItems)] {
		b.Behind = append(b.Behind, l.name)
	}
	return b
}
