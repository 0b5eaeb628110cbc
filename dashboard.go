package campusguard

import (
	"context"
	"time"
)

// Light is a school's status at a glance on the dashboard.
type Light string

const (
	LightGreen  Light = "green"  // reporting complete, nothing open
	LightYellow Light = "yellow" // reporting incomplete after the deadline, or open cases
	LightRed    Light = "red"    // overdue cases or open alerts
	LightGrey   Light = "grey"   // no students expected today
)

// SchoolStatus is one school's line on a region's dashboard.
type SchoolStatus struct {
	SchoolDay
	TownID       int64  `json:"town_id"`
	Town         string `json:"town"`
	OpenCases    int    `json:"open_cases"`
	OverdueCases int    `json:"overdue_cases"`
	OpenAlerts   int    `json:"open_alerts"`
	LowStock     int    `json:"low_stock"` // supplies below the region's days of cover (issue 13)
	Light        Light  `json:"light"`

	// Rectification items not closed, and those of them past their
	// deadline (issue 12); for readers of the school's items only.
	OpenItems    int `json:"open_items"`
	OverdueItems int `json:"overdue_items"`
	// Directives (issue 12): those sent to the school it has not done,
	// and of them those past their deadline.
	Directives        int `json:"unanswered_directives"`
	OverdueDirectives int `json:"overdue_directives"`
	// EnvRate is the school's ventilation and disinfection compliance
	// over EnvWeek, in percent; nil when nothing was due or for readers
	// of no environment figures (issue 14).
	EnvRate *int `json:"env_rate,omitempty"`
}

// LightOf decides a school's light: red for an overdue case or an open
// alert, yellow for open cases or reporting still incomplete after the
// deadline, grey when no students are expected, green otherwise. Low
// stock of a supply, an overdue rectification item, or a directive past its
// deadline and not done, makes a school yellow too.
func LightOf(s *SchoolStatus, pastDeadline bool) Light {
	switch {
	case s.OverdueCases > 0 || s.OpenAlerts > 0:
		return LightRed
	case s.Rollup.Expected == 0:
		return LightGrey
	case s.OpenCases > 0 || s.LowStock > 0 || s.OverdueItems > 0 || s.OverdueDirectives > 0 || pastDeadline && s.Rollup.Reported < s.Rollup.Expected:
		return LightYellow
	}
	return LightGreen
}

// Dashboard is a node's picture of one day: its figures against the day
// before, its 30-day trend, every school under it with its light, and its
// open cases and alerts. Case and alert counts are left out (Cases false)
// for readers who may not see cases.
type Dashboard struct {
	OrgID        int64             `json:"org_id"`
	OrgName      string            `json:"org_name"`
	Kind         OrgKind           `json:"kind"`
	Day          Date              `json:"day"`
	SchoolDay    bool              `json:"school_day"` // the schools open on Day, by the region's calendar
	DayNote      string            `json:"day_note"`   // the calendar's name of Day when it is an exception ("元旦")
	Today        Rollup            `json:"today"`
	Yesterday    Rollup            `json:"yesterday"` // the school day before, zero if none
	Trend        []Rollup          `json:"trend"`     // the school days of the last 30 calendar days, oldest first
	Schools      []*SchoolStatus   `json:"schools"`
	Unsigned     int               `json:"unsigned"`
	Cases        bool              `json:"cases"`
	OpenCases    int               `json:"open_cases"`
	OverdueCases int               `json:"overdue_cases"`
	OpenAlerts   int               `json:"open_alerts"`
	CasesByState map[CaseState]int `json:"cases_by_state"`
}

// Briefing is the daily analysis (日研判) of a region, generated each
// morning and kept per day.
type Briefing struct {
	RegionID     int64             `json:"region_id"`
	RegionName   string            `json:"region_name"`
	Day          Date              `json:"day"`
	GeneratedAt  time.Time         `json:"generated_at"`
	Today        Rollup            `json:"today"`
	Yesterday    Rollup            `json:"yesterday"`
	NewAlerts    []*Alert          `json:"new_alerts"`  // first raised on the day
	OpenAlerts   []*Alert          `json:"open_alerts"` // all not closed
	CasesByState map[CaseState]int `json:"cases_by_state"`
	Overdue      []*Case           `json:"overdue"`
	Unsigned     []string          `json:"unsigned"` // schools that have not signed off the day
	Incomplete   []*SchoolStatus   `json:"incomplete"`
	// Supplies (issue 13): the schools with low stock, the batches that
	// expire within 30 days, and the region's total in tonnes.
	LowStock     []string        `json:"low_stock,omitempty"`
	Expiring     []ExpiringBatch `json:"expiring,omitempty"`
	SupplyTonnes string          `json:"supply_tonnes,omitempty"`
	// Reopening (issue 11): the region's reopening on the day, as it
	// stood when the briefing was generated; nil in a briefing generated
	// before it was kept.
	Reopening *BriefingReopening `json:"reopening,omitempty"`
	// Supervision (issue 12): the items past their deadline on the day,
	// the longest overdue first (at most MaxBriefingItems), and the
	// inspection coverage of the day's month.
	OverdueItems []*Rectification  `json:"overdue_items,omitempty"`
	Inspections  *BriefingCoverage `json:"inspections,omitempty"`
	// Directives (issue 12): the region's directives some school has not
	// yet done, nearest deadline first.
	Directives []BriefingDirective `json:"directives,omitempty"`
	// Environment (issue 14): ventilation and disinfection compliance over
	// the week before the day.
	Environment *BriefingEnv `json:"environment,omitempty"`
}

// BriefingDirective is a directive not yet done by every school.
type BriefingDirective struct {
	ID       int64  `json:"id"`
	Title    string `json:"title"`
	Deadline Date   `json:"deadline"`
	Schools  int    `json:"schools"`
	Pending  int    `json:"pending"` // schools that have not done it
}

// DashboardService draws dashboards and keeps briefings.
type DashboardService interface {
	Dashboard(ctx context.Context, orgID int64, day Date) (*Dashboard, error)
	// GenerateBriefing builds and stores a region's briefing of day,
	// replacing one generated before. Region admins and the system.
	GenerateBriefing(ctx context.Context, regionID int64, day Date) (*Briefing, error)
	// FindBriefing returns a stored briefing; NotFound if none was made.
	FindBriefing(ctx context.Context, regionID int64, day Date) (*Briefing, error)
	// BriefingDays lists the days a region has briefings for, newest first.
	BriefingDays(ctx context.Context, regionID int64) ([]Date, error)
}
