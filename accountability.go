package campusguard

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Accountability (SPEC §8, issue 12): when an item runs overdue, a finding
// is grave, a case is handled late or a report is missed, the region holds
// someone accountable and records what failed, who, the measure taken, by
// whom and when. The records are the region's alone: no school-level
// account sees one, not even the colleagues of the person named, so every
// path answers them NotFound.

// Actions on accountability records. Only the education bureau (region
// admin) and the system admin hold them: the inspection teams (joint,
// drawn from other agencies) and the region viewers (CDC, health, market,
// police) do not see personnel measures; see docs/decisions.md.
const (
	ReadAccountability   Action = "read_accountability"   // see the records under a region node
	RecordAccountability Action = "record_accountability" // record a measure taken
)

// accountabilityRoleActions is the accountability records' part of the
// access matrix.
var accountabilityRoleActions = map[AccessRole][]Action{
	SystemAdmin: {ReadAccountability, RecordAccountability},
	RegionAdmin: {ReadAccountability, RecordAccountability},
}

// Measure is what was done to the person accountable.
type Measure string

const (
	MeasureTalk      Measure = "talk"      // 约谈
	MeasureCriticism Measure = "criticism" // 通报批评
	MeasureWarning   Measure = "warning"   // 书面警告
	MeasureOther     Measure = "other"
)

// Measures lists them, from the mildest.
var Measures = []Measure{MeasureTalk, MeasureCriticism, MeasureWarning, MeasureOther}

// FailureKind is what failed: what a record's links point at.
type FailureKind string

const (
	FailureRectification FailureKind = "rectification" // rectification items (overdue, returned again and again)
	FailureFinding       FailureKind = "finding"       // inspection findings
	FailureCase          FailureKind = "case"          // cases handled late
	FailureReport        FailureKind = "report"        // missed reports: named in the text, no links
	FailureOther         FailureKind = "other"         // anything else: the text alone
)

// FailureKinds lists them.
var FailureKinds = []FailureKind{FailureRectification, FailureFinding, FailureCase, FailureReport, FailureOther}

// Linked reports whether records of kind k link to items by id.
func (k FailureKind) Linked() bool {
	return k == FailureRectification || k == FailureFinding || k == FailureCase
}

// Limits of a record.
const (
	MaxAccountabilityLinks = 50
	MaxPersonText          = 100 // a name, a post
)

// Accountability is one record: what failed, who is accountable, the
// measure taken, by whom and when.
type Accountability struct {
	ID          int64       `json:"id"`
	RegionID    int64       `json:"region_id"`
	SchoolID    int64       `json:"school_id"`
	SchoolName  string      `json:"school_name"`
	FailureKind FailureKind `json:"failure_kind"`
	LinkIDs     []int64     `json:"link_ids"`
	Failure     string      `json:"failure"`             // what failed, in words
	PersonID    *int64      `json:"person_id,omitempty"` // a staff member of the school, if chosen
	PersonName  string      `json:"person_name"`         // as chosen or typed
	Post        string      `json:"post"`                // the person's post: 校长, 校医
	Measure     Measure     `json:"measure"`
	Day         Date        `json:"day"` // when the measure was taken
	Note        string      `json:"note"`
	By          string      `json:"by"` // who recorded it
	CreatedAt   time.Time   `json:"created_at"`
}

// ValidateAccountability checks a record before it is stored: a school or
// a person, what failed (a known kind and a text; links only for the
// kinds that have them), who (a person or a name), a known measure and a
// day not after today.
func ValidateAccountability(x Accountability, today Date) error {
	var fe fieldErrors
	if x.SchoolID == 0 && x.PersonID == nil {
		fe.add("school_id", "error.required")
	}
	if !slices.Contains(FailureKinds, x.FailureKind) {
		fe.add("failure_kind", "error.bad_choice")
	}
	if strings.TrimSpace(x.Failure) == "" {
		fe.add("failure", "error.required")
	} else if utf8.RuneCountInString(x.Failure) > MaxItemNote {
		fe.add("failure", "error.too_long", MaxItemNote)
	}
	switch {
	case len(x.LinkIDs) > MaxAccountabilityLinks:
		fe.add("link_ids", "error.too_many", MaxAccountabilityLinks)
	case len(x.LinkIDs) > 0 && slices.Contains(FailureKinds, x.FailureKind) && !x.FailureKind.Linked():
		fe.add("link_ids", "error.accountability_no_links")
	}
	for _, id := range x.LinkIDs {
		if id <= 0 {
			fe.add("link_ids", "error.link_unknown", id)
			break
		}
	}
	if x.PersonID == nil && strings.TrimSpace(x.PersonName) == "" {
		fe.add("person_name", "error.accountable_required")
	}
	if utf8.RuneCountInString(x.PersonName) > MaxPersonText {
		fe.add("person_name", "error.too_long", MaxPersonText)
	}
	if utf8.RuneCountInString(x.Post) > MaxPersonText {
		fe.add("post", "error.too_long", MaxPersonText)
	}
	if !slices.Contains(Measures, x.Measure) {
		fe.add("measure", "error.bad_choice")
	}
	switch {
	case x.Day.IsZero():
		fe.add("day", "error.required")
	case today.Before(x.Day):
		fe.add("day", "error.measure_future")
	}
	if utf8.RuneCountInString(x.Note) > MaxItemNote {
		fe.add("note", "error.too_long", MaxItemNote)
	}
	return fe.err()
}

// AccountabilityFilter narrows the records under a region node.
type AccountabilityFilter struct {
	OrgID    int64 // a region node or a school: records of schools under it
	SchoolID *int64
	PersonID *int64
	Measure  *Measure
	Kind     *FailureKind
	From, To *Date // the measure's day
}

// AccountabilityService keeps the accountability records. Anyone without
// ReadAccountability at the records' schools gets NotFound, on every
// method.
type AccountabilityService interface {
	// RecordAccountability stores a record: RecordAccountability at the
	// school; the school comes from the person when only they are given.
	RecordAccountability(ctx context.Context, x *Accountability) error
	// FindAccountability returns one record.
	FindAccountability(ctx context.Context, id int64) (*Accountability, error)
	// FindAccountabilities lists the records under a node, the latest
	// measure first.
	FindAccountabilities(ctx context.Context, f AccountabilityFilter) ([]*Accountability, error)
}
