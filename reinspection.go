package campusguard

import (
	"context"
	"time"
)

// Re-inspection (issue 12): a serious or critical finding can require the
// team to come back. The flag is set when the finding is recorded or by
// the region afterwards; when the finding's visit closes (or at once, if
// the flag is set after it closed) a re-inspection falls due; the next
// closed visit to the school carries it out.

// ReinspectAfterDays is how long after the finding's rectification
// deadline (or after its visit, without one) a re-inspection falls due:
// the school first puts the problem right, then the team checks it.
const ReinspectAfterDays = 7

// ReinspectionDue is the day a re-inspection falls due: ReinspectAfterDays
// after the later of the visit's day and the finding's deadline.
func ReinspectionDue(visitDay Date, deadline *Date) Date {
	base := visitDay
	if deadline != nil && base.Before(*deadline) {
		base = *deadline
	}
	return base.AddDays(ReinspectAfterDays)
}

// CheckReinspectFlag checks the region's setting of the flag on a finding:
// only a serious or critical one may require a re-inspection.
func CheckReinspectFlag(sev FindingSeverity, reinspect bool) error {
	if reinspect && sev == SeverityMinor {
		return InvalidFields([]FieldError{{Field: "reinspect", Msg: "error.reinspect_minor"}})
	}
	return nil
}

// Reinspection is a re-inspection a finding requires.
type Reinspection struct {
	ID         int64           `json:"id"`
	RegionID   int64           `json:"region_id"`
	SchoolID   int64           `json:"school_id"`
	SchoolName string          `json:"school_name"`
	FindingID  int64           `json:"finding_id"`
	FromVisit  int64           `json:"from_visit_id"` // the visit that found the problem
	Severity   FindingSeverity `json:"severity"`
	Problem    string          `json:"problem"`
	Announced  bool            `json:"announced"`
	Due        Date            `json:"due"`
	Overdue    bool            `json:"overdue"` // not carried out and due before today
	CreatedAt  time.Time       `json:"created_at"`
	VisitID    *int64          `json:"visit_id,omitempty"` // the visit that carried it out
	DoneAt     *time.Time      `json:"done_at,omitempty"`
}

// ReinspectionFilter narrows the re-inspections under an org node.
type ReinspectionFilter struct {
	OrgID int64
	Open  *bool // true: not yet carried out
	Today Date
}

// ReinspectionService is the re-inspections' part of InspectionService.
type ReinspectionService interface {
	// SetReinspect sets or clears a finding's flag: Inspect at its school.
	// Set on a finding whose visit has closed, the re-inspection falls
	// due at once.
	SetReinspect(ctx context.Context, findingID int64, reinspect bool) (*InspectionFinding, error)
	// FindReinspections lists the re-inspections the actor sees under a
	// node, the earliest due first; an unannounced one not yet carried
	// out only to region-level accounts.
	FindReinspections(ctx context.Context, f ReinspectionFilter) ([]*Reinspection, error)
}
