package campusguard

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Rectification (SPEC §8): a problem found becomes an item the school must
// put right by a deadline; the school answers with what it did, the
// inspector or the region closes it or returns it; every step is kept.

// RectState is where a rectification item stands.
type RectState string

const (
	RectOpen     RectState = "open"     // waiting for the school's first answer
	RectAnswered RectState = "answered" // waiting for the inspector
	RectReturned RectState = "returned" // back to the school with a comment
	RectClosed   RectState = "closed"
)

// RectStates lists them, in the order a school sees them.
var RectStates = []RectState{RectReturned, RectOpen, RectAnswered, RectClosed}

// RectEvent is one step of an item's history.
type RectEvent struct {
	At      time.Time `json:"at"`
	By      string    `json:"by"`
	Event   string    `json:"event"` // open, answer, close, return, overdue
	Note    string    `json:"note,omitempty"`
	FileIDs []int64   `json:"file_ids,omitempty"`
	Files   []File    `json:"files,omitempty"`
}

// RectSource is what an item was opened from.
type RectSource string

const (
	SourceFinding   RectSource = "finding"   // a finding of an inspection visit, when the visit closed
	SourceReadiness RectSource = "readiness" // a readiness item the region returned to the school
	SourceDrill     RectSource = "drill"     // a problem found in a drill (issue 14)
)

// Rectification is an item opened from a finding or a returned readiness
// item.
type Rectification struct {
	ID            int64           `json:"id"`
	RegionID      int64           `json:"region_id"`
	SchoolID      int64           `json:"school_id"`
	SchoolName    string          `json:"school_name"`
	Source        RectSource      `json:"source"`
	FindingID     int64           `json:"finding_id"`               // 0 unless the source is a finding
	VisitID       int64           `json:"visit_id"`                 // the finding's visit, or 0
	ReadinessCode string          `json:"readiness_code,omitempty"` // the readiness item's code
	Severity      FindingSeverity `json:"severity"`
	Problem       string          `json:"problem"` // the finding's note, or the readiness item and the region's comment
	Deadline      Date            `json:"deadline"`
	Responsible   string          `json:"responsible"`
	State         RectState       `json:"state"`
	Overdue       bool            `json:"overdue"`
	OpenedAt      time.Time       `json:"opened_at"`
	History       []RectEvent     `json:"history,omitempty"`
}

// RectOverdue reports whether an item is overdue on today: not closed and
// its deadline passed (the deadline day itself still counts as in time).
func RectOverdue(state RectState, deadline, today Date) bool {
	return state != RectClosed && deadline.Before(today)
}

// CheckRectAnswer checks a school's answer: the item open or returned
// (Conflict otherwise), a note of what was done, at most MaxItemFiles files.
func CheckRectAnswer(state RectState, note string, fileIDs []int64) error {
	if state != RectOpen && state != RectReturned {
		return Errorf(Conflict, "error.rect_not_open")
	}
	var fe fieldErrors
	if strings.TrimSpace(note) == "" {
		fe.add("note", "error.required")
	} else if utf8.RuneCountInString(note) > MaxItemNote {
		fe.add("note", "error.too_long", MaxItemNote)
	}
	if len(fileIDs) > MaxItemFiles {
		fe.add("file_ids", "error.too_many", MaxItemFiles)
	}
	return fe.err()
}

// CheckRectVerify checks a verdict on an item: only an answered item is
// verified (Conflict otherwise); returning it needs a comment.
func CheckRectVerify(state RectState, v Verdict, comment string) error {
	if v != VerdictAccept && v != VerdictReturn {
		return InvalidFields([]FieldError{{Field: "verdict", Msg: "error.bad_choice"}})
	}
	if state != RectAnswered {
		return Errorf(Conflict, "error.rect_not_answered")
	}
	if v == VerdictReturn && strings.TrimSpace(comment) == "" {
		return InvalidFields([]FieldError{{Field: "comment", Msg: "error.required"}})
	}
	if utf8.RuneCountInString(comment) > MaxItemNote {
		return InvalidFields([]FieldError{{Field: "comment", Msg: "error.too_long", Args: []any{MaxItemNote}}})
	}
	return nil
}

// RectNext is the state a verdict leads to.
func RectNext(v Verdict) RectState {
	if v == VerdictAccept {
		return RectClosed
	}
	return RectReturned
}

// RectFilter narrows rectification items.
type RectFilter struct {
	OrgID   int64      // a school or a region node: items under it
	State   *RectState // one state
	Overdue *bool      // past the deadline on Today, not closed
	Today   Date
}

// RectificationService is the rectification items' part of the
// InspectionService.
type RectificationService interface {
	// FindRectification returns an item with its history: ReadRectifying
	// at its school.
	FindRectification(ctx context.Context, id int64) (*Rectification, error)
	// FindRectifications lists the items under an org node.
	FindRectifications(ctx context.Context, f RectFilter) ([]*Rectification, error)
	// AnswerRectification records the school's answer with evidence.
	AnswerRectification(ctx context.Context, id int64, note string, fileIDs []int64) error
	// VerifyRectification closes or returns an answered item: Inspect.
	VerifyRectification(ctx context.Context, id int64, v Verdict, comment string) error
	// NotifyOverdue tells the schools, their principals and the region of
	// items past their deadline on today, once per item; a critical one
	// goes to the region's leadership too. It returns how many were told.
	NotifyOverdue(ctx context.Context, regionID int64, today Date) (int, error)
}

// RectOpening is what the region gives to open an item by hand: from a
// returned readiness item.
type RectOpening struct {
	Severity    FindingSeverity `json:"severity"`
	Deadline    Date            `json:"deadline"`
	Responsible string          `json:"responsible"`
}

// CheckRectOpening checks an item opened by hand: a known severity, a
// deadline not before today, a responsible person.
func CheckRectOpening(o RectOpening, today Date) error {
	var fe fieldErrors
	if !slices.Contains(FindingSeverities, o.Severity) {
		fe.add("severity", "error.bad_choice")
	}
	switch {
	case o.Deadline.IsZero():
		fe.add("deadline", "error.required")
	case o.Deadline.Before(today):
		fe.add("deadline", "error.deadline_past")
	}
	if strings.TrimSpace(o.Responsible) == "" {
		fe.add("responsible", "error.required")
	} else if utf8.RuneCountInString(o.Responsible) > 100 {
		fe.add("responsible", "error.too_long", 100)
	}
	return fe.err()
}

// ReadinessRectifier opens items from returned readiness items.
type ReadinessRectifier interface {
	// RectifyReadinessItem opens an item from a readiness item the region
	// returned to the school (ReviewReadiness at the school); at most one
	// open item per readiness item (Conflict).
	RectifyReadinessItem(ctx context.Context, schoolID int64, code string, o RectOpening) (*Rectification, error)
}
