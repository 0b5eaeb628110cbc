package campusguard

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// The fever threshold a region may set (SPEC §3): from 37.0 °C, below
// which ordinary afternoon temperatures would read as fevers, to 38.5 °C,
// above which an infectious fever would pass unseen. Readings are taken to
// a tenth of a degree, so the threshold is too.
const (
	MinFeverThreshold = 37.0
	MaxFeverThreshold = 38.5
)

// ValidateFeverThreshold checks a region's fever threshold: within
// [MinFeverThreshold, MaxFeverThreshold] and a whole tenth of a degree.
func ValidateFeverThreshold(t float64) error {
	if math.IsNaN(t) || t < MinFeverThreshold-1e-9 || t > MaxFeverThreshold+1e-9 {
		return InvalidFields([]FieldError{{Field: "fever_threshold", Msg: "error.range_decimal",
			Args: []any{MinFeverThreshold, MaxFeverThreshold}}})
	}
	if math.Abs(t*10-math.Round(t*10)) > 1e-6 {
		return InvalidFields([]FieldError{{Field: "fever_threshold", Msg: "error.tenth_degree"}})
	}
	return nil
}

// Retention is how long a region keeps children's and staff's health
// records (PIPL art. 19: no longer than the purpose needs). Each period is
// in days; what is older is deleted by the daily retention job, and a
// person who left is anonymised once Checks days have passed since. The
// roll-ups hold no person and are kept.
type Retention struct {
	Checks    int `json:"checks_days"`    // daily checks and each person's day
	FollowUps int `json:"followups_days"` // absences and their follow-ups
	Cases     int `json:"cases_days"`     // closed cases, from their closing
}

// The bounds of a retention period. A period shorter than the school year
// (1 September to 31 August) would delete records the school still compares
// with and the inspections of the year still read; ten years is beyond any
// use of a daily check.
const (
	SchoolYearDays   = 365
	MaxRetentionDays = 3650
)

// DefaultRetention is what a region keeps unless it sets otherwise (see
// docs/decisions.md): daily checks, absences and follow-ups for the school
// year plus one term (548 days), so the same term of the year before can
// be compared; closed cases for two school years.
var DefaultRetention = Retention{Checks: 548, FollowUps: 548, Cases: 730}

// Validate checks every period: from SchoolYearDays to MaxRetentionDays.
func (r Retention) Validate() error {
	var fe fieldErrors
	for _, f := range []struct {
		name string
		days int
	}{{"checks_days", r.Checks}, {"followups_days", r.FollowUps}, {"cases_days", r.Cases}} {
		switch {
		case f.days < SchoolYearDays:
			fe.add(f.name, "error.retention_short", SchoolYearDays)
		case f.days > MaxRetentionDays:
			fe.add(f.name, "error.range", SchoolYearDays, MaxRetentionDays)
		}
	}
	return fe.err()
}

// RetentionCutoffs is what the retention job removes on a day: daily checks
// and person days before Checks, follow-ups before FollowUps, cases closed
// before CasesClosed, and people who left before LeftBefore.
type RetentionCutoffs struct {
	Checks      Date      `json:"checks_before"`
	FollowUps   Date      `json:"followups_before"`
	CasesClosed time.Time `json:"cases_closed_before"`
	LeftBefore  time.Time `json:"left_before"`
}

// Cutoffs returns what is past the retention periods at now: a record of a
// school day is kept for the whole period counted from that day, so the
// cutoff day itself is kept; instants count back from now.
func (r Retention) Cutoffs(now time.Time) RetentionCutoffs {
	today := Today(now)
	return RetentionCutoffs{
		Checks:      today.AddDays(-r.Checks),
		FollowUps:   today.AddDays(-r.FollowUps),
		CasesClosed: now.UTC().AddDate(0, 0, -r.Cases),
		LeftBefore:  now.UTC().AddDate(0, 0, -r.Checks),
	}
}

// RetentionReport is what one run of the retention job did in a region.
type RetentionReport struct {
	RegionID   int64            `json:"region_id"`
	Cutoffs    RetentionCutoffs `json:"cutoffs"`
	Checks     int              `json:"checks"`      // daily checks deleted
	PersonDays int              `json:"person_days"` // people's day statuses deleted
	FollowUps  int              `json:"followups"`   // follow-ups deleted
	Cases      int              `json:"cases"`       // closed cases deleted, with their steps
	Anonymised int              `json:"anonymised"`  // people who left, anonymised
}

// Anonymised is the name a person's file keeps once anonymised: nothing
// that names them is left.
const Anonymised = "已匿名"

// Clock is a time of day in the schools' zone, in minutes after midnight.
type Clock int

// ParseClock reads "HH:MM" (24-hour).
func ParseClock(s string) (Clock, bool) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok || len(h) < 1 || len(h) > 2 || len(m) != 2 {
		return 0, false
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || hh > 23 || mm < 0 || mm > 59 {
		return 0, false
	}
	return Clock(hh*60 + mm), true
}

// String writes the clock as "HH:MM".
func (c Clock) String() string { return fmt.Sprintf("%02d:%02d", int(c)/60, int(c)%60) }

// On returns the instant of the clock on day in the schools' zone.
func (c Clock) On(day Date) time.Time {
	return time.Date(day.Year, day.Month, day.Day, 0, 0, 0, 0, China).Add(time.Duration(c) * time.Minute)
}

// MarshalText writes "HH:MM".
func (c Clock) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText reads "HH:MM".
func (c *Clock) UnmarshalText(b []byte) error {
	v, ok := ParseClock(string(b))
	if !ok {
		return InvalidFields([]FieldError{{Field: "time", Msg: "error.bad_clock"}})
	}
	*c = v
	return nil
}

// Deadlines are when a school's daily reports are due and when its daily
// report must be signed off.
type Deadlines struct {
	ReportBy  Clock `json:"report_by"`
	SignOffBy Clock `json:"signoff_by"`
}

// DefaultDeadlines: reports by 07:00 (SPEC §3, before the first lesson),
// the sign-off by 10:00, after the morning check and the first calls to the
// families of absent children.
var DefaultDeadlines = Deadlines{ReportBy: 7 * 60, SignOffBy: 10 * 60}

// The bounds of the deadlines: reports are due in the morning, between
// 05:00 and 12:00; the sign-off no earlier than the reports and by 23:00.
const (
	EarliestReportBy Clock = 5 * 60
	LatestReportBy   Clock = 12 * 60
	LatestSignOffBy  Clock = 23 * 60
)

// Validate checks the deadlines against their bounds.
func (d Deadlines) Validate() error {
	var fe fieldErrors
	if d.ReportBy < EarliestReportBy || d.ReportBy > LatestReportBy {
		fe.add("report_by", "error.clock_range", EarliestReportBy.String(), LatestReportBy.String())
	}
	if d.SignOffBy < d.ReportBy || d.SignOffBy > LatestSignOffBy {
		fe.add("signoff_by", "error.clock_range", max(d.ReportBy, EarliestReportBy).String(), LatestSignOffBy.String())
	}
	return fe.err()
}

// ReportsLate reports whether, at now, day's reports are past due.
func (d Deadlines) ReportsLate(day Date, now time.Time) bool { return !now.Before(d.ReportBy.On(day)) }

// SignOffLate reports whether a sign-off of day made at signedAt came after
// its deadline. A sign-off made within the minute of the deadline is on
// time: the deadline reads as a clock on the wall.
func (d Deadlines) SignOffLate(day Date, signedAt time.Time) bool {
	return !signedAt.Before(d.SignOffBy.On(day).Add(time.Minute))
}

// SchoolDeadlines is a school's deadlines: its own where it has set one,
// else its region's. Own says which are its own.
type SchoolDeadlines struct {
	OrgID      int64     `json:"org_id"`
	Deadlines  Deadlines `json:"deadlines"`
	Region     Deadlines `json:"region"`      // the region's, which a school without its own follows
	OwnReport  bool      `json:"own_report"`  // the school set its own report deadline
	OwnSignOff bool      `json:"own_signoff"` // the school set its own sign-off deadline
}

// DeadlinesUpdate sets a school's (or a region's) deadlines. Nil fields
// stay; for a school, Clear* returns to the region's.
type DeadlinesUpdate struct {
	ReportBy     *Clock `json:"report_by"`
	SignOffBy    *Clock `json:"signoff_by"`
	ClearReport  bool   `json:"clear_report_by"`
	ClearSignOff bool   `json:"clear_signoff_by"`
}

// RegionPolicy is a top-level region's health settings of issue 16.
type RegionPolicy struct {
	RegionID       int64     `json:"region_id"`
	FeverThreshold float64   `json:"fever_threshold"`
	Retention      Retention `json:"retention"`
	Deadlines      Deadlines `json:"deadlines"`
}

// PolicyService holds the settings a region needs: its fever threshold,
// how long it keeps health records, and its schools' deadlines.
type PolicyService interface {
	// RegionPolicy returns a top-level region's settings, the defaults for
	// those it never set. NotFound (not a top-level region in scope).
	RegionPolicy(ctx context.Context, regionID int64) (*RegionPolicy, error)
	// SetFeverThreshold sets a region's fever threshold; checks recorded
	// from then on are judged by it. Invalid, NotFound, Forbidden (all but
	// the region's admins).
	SetFeverThreshold(ctx context.Context, regionID int64, t float64) error
	// SetRetention sets a region's retention periods. Invalid (a period
	// shorter than the school year), NotFound, Forbidden.
	SetRetention(ctx context.Context, regionID int64, r Retention) error
	// SchoolDeadlines returns the deadlines of a school, or a region's
	// defaults for a top-level region. NotFound.
	SchoolDeadlines(ctx context.Context, orgID int64) (*SchoolDeadlines, error)
	// SetDeadlines sets a school's deadlines (its admins, or the region's)
	// or a top-level region's defaults (its admins). Invalid, NotFound,
	// Forbidden.
	SetDeadlines(ctx context.Context, orgID int64, u DeadlinesUpdate) (*SchoolDeadlines, error)
}
