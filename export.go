package campusguard

import (
	"context"
	"time"
)

// PersonExport is everything the system holds about one person, for a
// guardian who asks to see what is held about their child (PIPL art. 45):
// their details in full, their guardians, every check (corrections too),
// absences and their follow-ups, cases with each step, and the history of
// their file. The school generates it; each export is audited.
type PersonExport struct {
	Person      *Person     `json:"person"`
	School      string      `json:"school"`
	Class       string      `json:"class,omitempty"` // grade and class, e.g. 一年级1班
	Guardians   []*Guardian `json:"guardians"`
	Checks      []*Check    `json:"checks"`
	FollowUps   []*FollowUp `json:"followups"`
	Cases       []*Case     `json:"cases"`
	CaseSteps   []CaseStep  `json:"case_steps"`
	History     []Event     `json:"history"`
	GeneratedAt time.Time   `json:"generated_at"`
	GeneratedBy string      `json:"generated_by"`
}

// ExportService exports one person's file.
type ExportService interface {
	// ExportPersonFile returns everything held about a person. The
	// person's school admins and health officers (and a system admin)
	// only; audited. NotFound (out of scope), Forbidden.
	ExportPersonFile(ctx context.Context, personID int64) (*PersonExport, error)
}
