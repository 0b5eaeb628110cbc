package campusguard

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Directives (日部署、日調度, issue 12): a region sends a directive to a
// chosen set of schools; each school acknowledges it and, where asked,
// reports its completion with a note and evidence. The region sees who
// has answered and reminds the others.

// Actions on directives. The education bureau sends and reminds; the
// region's inspectors and liaisons read them; a school's principal and
// health officer read the directives sent to their school and answer them.
const (
	SendDirectives   Action = "send_directives"   // send a directive to the region's schools, remind the laggards
	ReadDirectives   Action = "read_directives"   // see directives: a region's all, a school's those sent to it
	AnswerDirectives Action = "answer_directives" // acknowledge a directive sent to the school, report its completion
)

// directiveRoleActions is the directives' part of the access matrix.
var directiveRoleActions = map[AccessRole][]Action{
	SystemAdmin:  {SendDirectives, ReadDirectives, AnswerDirectives},
	RegionAdmin:  {SendDirectives, ReadDirectives},
	Inspector:    {ReadDirectives},
	RegionViewer: {ReadDirectives},
	SchoolAdmin:  {ReadDirectives, AnswerDirectives},
	HealthOffice: {ReadDirectives, AnswerDirectives},
}

// DirectiveTarget is how a directive's schools are chosen.
type DirectiveTarget string

const (
	TargetAll  DirectiveTarget = "all"  // every school of the region
	TargetType DirectiveTarget = "type" // the schools of one type
	TargetTown DirectiveTarget = "town" // the schools under one node of the region
	TargetList DirectiveTarget = "list" // the schools named
)

// DirectiveTargets lists them, in the order a form shows them.
var DirectiveTargets = []DirectiveTarget{TargetAll, TargetType, TargetTown, TargetList}

// Limits of a directive.
const (
	MaxDirectiveText  = 5000
	MaxDirectiveFiles = 10
)

// Directive is what a region sends to its schools. Its schools are
// resolved when it is sent and kept, each with its answer.
type Directive struct {
	ID             int64           `json:"id"`
	RegionID       int64           `json:"region_id"`
	Title          string          `json:"title"`
	Text           string          `json:"text"`
	FileIDs        []int64         `json:"file_ids"`
	Files          []File          `json:"files,omitempty"`
	Deadline       Date            `json:"deadline"`
	ReportRequired bool            `json:"report_required"`
	Target         DirectiveTarget `json:"target"`
	SchoolType     SchoolType      `json:"school_type,omitempty"` // TargetType
	TownID         int64           `json:"town_id,omitempty"`     // TargetTown
	SchoolIDs      []int64         `json:"school_ids,omitempty"`  // TargetList, as asked
	CreatedAt      time.Time       `json:"created_at"`
	CreatedBy      string          `json:"created_by"`
	// The answers, counted over the schools the reader sees.
	Schools      int `json:"schools"`
	Acknowledged int `json:"acknowledged"`
	Completed    int `json:"completed"`
	Pending      int `json:"pending"` // not yet done: DirectiveDone false
	// Recipients are the schools with their answers: every school to the
	// region, its own to a school; filled when one directive is read.
	Recipients []DirectiveSchool `json:"recipients,omitempty"`
}

// DirectiveSchool is one school's part of a directive.
type DirectiveSchool struct {
	DirectiveID    int64      `json:"directive_id"`
	SchoolID       int64      `json:"school_id"`
	SchoolName     string     `json:"school_name"`
	AcknowledgedAt *time.Time `json:"acknowledged_at,omitempty"`
	AcknowledgedBy string     `json:"acknowledged_by,omitempty"`
	CompletedAt    *time.Time `json:"completed_at,omitempty"`
	CompletedBy    string     `json:"completed_by,omitempty"`
	Note           string     `json:"note,omitempty"`
	FileIDs        []int64    `json:"file_ids"`
	Files          []File     `json:"files,omitempty"`
	RemindedAt     *time.Time `json:"reminded_at,omitempty"`
	Done           bool       `json:"done"`
	Overdue        bool       `json:"overdue"`
}

// DirectiveDone reports whether a school has done what a directive asks:
// reported completion when a report is required, acknowledged otherwise.
func DirectiveDone(reportRequired, acknowledged, completed bool) bool {
	if reportRequired {
		return completed
	}
	return acknowledged || completed
}

// DirectiveOverdue reports whether a school's answer is overdue on today:
// not done and the deadline passed (the deadline day itself is in time).
func DirectiveOverdue(reportRequired, acknowledged, completed bool, deadline, today Date) bool {
	return !DirectiveDone(reportRequired, acknowledged, completed) && deadline.Before(today)
}

// ValidateDirective checks a directive before its schools are resolved: a
// title, a text of at most MaxDirectiveText, a deadline not before today,
// a known way of choosing its schools with what it needs (a school type, a
// town, at least one school), at most MaxDirectiveFiles attachments.
func ValidateDirective(d Directive, today Date) error {
	var fe fieldErrors
	if strings.TrimSpace(d.Title) == "" {
		fe.add("title", "error.required")
	} else if utf8.RuneCountInString(d.Title) > MaxItemTitle {
		fe.add("title", "error.too_long", MaxItemTitle)
	}
	if utf8.RuneCountInString(d.Text) > MaxDirectiveText {
		fe.add("text", "error.too_long", MaxDirectiveText)
	}
	switch {
	case d.Deadline.IsZero():
		fe.add("deadline", "error.required")
	case d.Deadline.Before(today):
		fe.add("deadline", "error.directive_deadline_past")
	}
	switch d.Target {
	case TargetAll:
	case TargetType:
		if !slices.Contains(SchoolTypes, d.SchoolType) {
			fe.add("school_type", "error.bad_choice")
		}
	case TargetTown:
		if d.TownID == 0 {
			fe.add("town_id", "error.required")
		}
	case TargetList:
		if len(d.SchoolIDs) == 0 {
			fe.add("schools", "error.directive_no_schools")
		}
	default:
		fe.add("target", "error.bad_choice")
	}
	if len(d.FileIDs) > MaxDirectiveFiles {
		fe.add("file_ids", "error.too_many", MaxDirectiveFiles)
	}
	return fe.err()
}

// CheckDirectiveAck checks a school's acknowledgement: not given before.
func CheckDirectiveAck(ds *DirectiveSchool) error {
	if ds.AcknowledgedAt != nil {
		return Errorf(Conflict, "error.directive_acknowledged")
	}
	return nil
}

// CheckDirectiveCompletion checks a school's report of completion: a
// directive that asks for one (Conflict otherwise), not reported before
// (Conflict), a note of what was done, at most MaxItemFiles files.
func CheckDirectiveCompletion(reportRequired bool, ds *DirectiveSchool, note string, fileIDs []int64) error {
	if !reportRequired {
		return Errorf(Conflict, "error.directive_no_report")
	}
	if ds != nil && ds.CompletedAt != nil {
		return Errorf(Conflict, "error.directive_completed")
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

// DirectiveFilter narrows directives: a region's (RegionID), or those
// sent to a school (SchoolID). Overdue keeps those the school (or any
// school, for a region) has not done by their deadline before Today.
type DirectiveFilter struct {
	RegionID int64
	SchoolID int64
	Overdue  bool
	Today    Date
}

// DirectiveService sends directives and keeps their answers. Out of
// scope: NotFound; a school reads only the directives sent to it.
type DirectiveService interface {
	// SendDirective resolves the directive's schools and sends it:
	// SendDirectives at its region. Invalid naming "schools" when the
	// choice holds none.
	SendDirective(ctx context.Context, d *Directive) error
	// FindDirective returns a directive with the schools the actor sees.
	FindDirective(ctx context.Context, id int64) (*Directive, error)
	// FindDirectives lists a region's directives or a school's.
	FindDirectives(ctx context.Context, f DirectiveFilter) ([]*Directive, error)
	// AcknowledgeDirective records that the school has received it.
	AcknowledgeDirective(ctx context.Context, id, schoolID int64) error
	// CompleteDirective records the school's report with evidence, files
	// of the school uploaded before.
	CompleteDirective(ctx context.Context, id, schoolID int64, note string, fileIDs []int64) error
	// RemindDirective tells every school that has not done what the
	// directive asks, in the inbox; it returns how many schools.
	RemindDirective(ctx context.Context, id int64) (int, error)
}
