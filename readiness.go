package campusguard

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// Reopening readiness (SPEC §5): a region's checklist (the seven things in
// place, 七个到位, and the eight gates, 八道关), each school's answers and the
// region's item-by-item review, ending in the region's approval to reopen.

// ChecklistItem is one item of a checklist.
type ChecklistItem struct {
	ID      int64  `json:"id"`
	Code    string `json:"code"`    // "A1", "B3": unique within a version
	Section string `json:"section"` // 七个到位, 八道关: 入校关
	Title   string `json:"title"`
}

// Checklist is one version of a region's checklist template.
type Checklist struct {
	ID        int64           `json:"id"`
	RegionID  int64           `json:"region_id"`
	Version   int             `json:"version"`
	CreatedAt time.Time       `json:"created_at"`
	CreatedBy string          `json:"created_by"`
	Items     []ChecklistItem `json:"items"`
}

// Limits of a checklist.
const (
	MaxChecklistItems = 200
	MaxItemTitle      = 200
	MaxItemNote       = 1000
	MaxItemFiles      = 10
)

// ValidateChecklist checks a checklist's items: at least one, at most
// MaxChecklistItems, each with a code of letters, digits, '.' or '-'
// (unique), a section and a title of at most MaxItemTitle characters. A
// field error's Row is the item's 1-based position.
func ValidateChecklist(items []ChecklistItem) error {
	var fe fieldErrors
	if len(items) == 0 {
		fe.add("items", "error.required")
	}
	if len(items) > MaxChecklistItems {
		fe.add("items", "error.too_many", MaxChecklistItems)
	}
	seen := map[string]bool{}
	for i, it := range items {
		row := func(field, key string, args ...any) {
			fe = append(fe, FieldError{Field: field, Row: i + 1, Msg: key, Args: args})
		}
		switch {
		case it.Code == "":
			row("code", "error.required")
		case !validItemCode(it.Code):
			row("code", "error.item_code")
		case seen[it.Code]:
			row("code", "error.duplicate", it.Code)
		}
		seen[it.Code] = true
		if strings.TrimSpace(it.Section) == "" {
			row("section", "error.required")
		} else if utf8.RuneCountInString(it.Section) > MaxItemTitle {
			row("section", "error.too_long", MaxItemTitle)
		}
		if strings.TrimSpace(it.Title) == "" {
			row("title", "error.required")
		} else if utf8.RuneCountInString(it.Title) > MaxItemTitle {
			row("title", "error.too_long", MaxItemTitle)
		}
	}
	return fe.err()
}

func validItemCode(c string) bool {
	if len(c) > 16 {
		return false
	}
	for _, r := range c {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '.' || r == '-') {
			return false
		}
	}
	return true
}

// ParseChecklist reads a checklist typed as text, one item a line:
// "CODE | SECTION | TITLE". Blank lines and lines starting with '#' are
// skipped. A field error's Row is the line's number.
func ParseChecklist(text string) ([]ChecklistItem, error) {
	var items []ChecklistItem
	var fe fieldErrors
	for n, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.SplitN(line, "|", 3)
		if len(parts) != 3 {
			fe = append(fe, FieldError{Field: "items", Row: n + 1, Msg: "error.item_line"})
			continue
		}
		items = append(items, ChecklistItem{Code: strings.TrimSpace(parts[0]), Section: strings.TrimSpace(parts[1]),
			Title: strings.TrimSpace(parts[2])})
	}
	if err := fe.err(); err != nil {
		return nil, err
	}
	if err := ValidateChecklist(items); err != nil {
		return nil, err
	}
	return items, nil
}

// FormatChecklist writes items as ParseChecklist reads them.
func FormatChecklist(items []ChecklistItem) string {
	var b strings.Builder
	for _, it := range items {
		b.WriteString(it.Code + " | " + it.Section + " | " + it.Title + "\n")
	}
	return b.String()
}

// DefaultChecklist is the template every region starts from: the seven
// things in place (七个到位) and the eight gates (八道关) of the Ministry's
// guidance for reopening schools, with sub-items a bureau would recognise.
func DefaultChecklist() []ChecklistItem {
	const seven, eight = "七个到位", "八道关"
	return []ChecklistItem{
		{Code: "A1", Section: seven, Title: "防控机制到位：成立校长负责的疫情防控领导小组，职责分工明确"},
		{Code: "A2", Section: seven, Title: "人员培训到位：全体教职员工完成防控知识和应急处置培训"},
		{Code: "A3", Section: seven, Title: "物资准备到位：口罩、消毒剂、体温计、洗手液储备满足14天需要"},
		{Code: "A4", Section: seven, Title: "环境整治到位：教室、宿舍、食堂完成全面清洁消毒和通风"},
		{Code: "A5", Section: seven, Title: "应急演练到位：开展入校、发热处置、隔离转运全流程演练"},
		{Code: "A6", Section: seven, Title: "健康排查到位：师生返校前14天健康状况和行程全部掌握"},
		{Code: "A7", Section: seven, Title: "隔离场所到位：设置临时留观室，位置独立、通风良好"},
		{Code: "B1", Section: eight, Title: "校门关：测温通道、入校登记和错峰入校安排"},
		{Code: "B2", Section: eight, Title: "教室关：座位间隔、每日通风消毒和晨午检记录"},
		{Code: "B3", Section: eight, Title: "食堂关：错峰就餐、分餐制、从业人员健康管理"},
		{Code: "B4", Section: eight, Title: "宿舍关：住宿人数控制、每日晨检和消毒"},
		{Code: "B5", Section: eight, Title: "卫生关：洗手设施、垃圾分类处理和厕所保洁"},
		{Code: "B6", Section: eight, Title: "校车关：乘车测温、座位固定和车辆消毒"},
		{Code: "B7", Section: eight, Title: "健康监测关：因病缺勤追踪、发热报告和复课查验"},
		{Code: "B8", Section: eight, Title: "家校协同关：家长告知书、每日健康报告和联络机制"},
	}
}

// AnswerState is how far a school has done an item.
type AnswerState string

const (
	AnswerDone    AnswerState = "done"
	AnswerPartly  AnswerState = "partly"
	AnswerNotDone AnswerState = "not_done"
)

// AnswerStates are the answers a school may give.
var AnswerStates = []AnswerState{AnswerDone, AnswerPartly, AnswerNotDone}

// ItemStatus is where an item stands in the review.
type ItemStatus string

const (
	ItemDraft     ItemStatus = "draft"     // the school answers it (never answered, or answered again)
	ItemSubmitted ItemStatus = "submitted" // waiting for the region
	ItemAccepted  ItemStatus = "accepted"
	ItemReturned  ItemStatus = "returned" // back to the school with a comment
)

// ItemStatuses are an item's statuses, in the order a school sees them.
var ItemStatuses = []ItemStatus{ItemReturned, ItemDraft, ItemSubmitted, ItemAccepted}

// ReviewStatus is where a school's readiness stands, as the region's
// overview shows it.
type ReviewStatus string

const (
	ReviewNotSubmitted ReviewStatus = "not_submitted"
	ReviewInReview     ReviewStatus = "in_review"
	ReviewReturned     ReviewStatus = "returned"
	ReviewAccepted     ReviewStatus = "accepted" // every item accepted, not yet approved
	ReviewApproved     ReviewStatus = "approved"
)

// ReviewStatuses lists them.
var ReviewStatuses = []ReviewStatus{ReviewNotSubmitted, ReviewInReview, ReviewReturned, ReviewAccepted, ReviewApproved}

// ItemAnswer is a school's answer to one item and where it stands.
type ItemAnswer struct {
	Item    ChecklistItem `json:"item"`
	State   AnswerState   `json:"state,omitempty"` // "" until answered
	Note    string        `json:"note"`
	Status  ItemStatus    `json:"status"`
	Comment string        `json:"comment"` // the region's last comment
	Files   []File        `json:"files"`
	History []ItemEvent   `json:"history,omitempty"`
}

// ItemEvent is one step of an item's history.
type ItemEvent struct {
	At      time.Time   `json:"at"`
	By      string      `json:"by"`
	Event   string      `json:"event"` // answer, submit, accept, return
	State   AnswerState `json:"state,omitempty"`
	Note    string      `json:"note,omitempty"`
	Comment string      `json:"comment,omitempty"`
}

// Approval is the region's approval of a school to reopen.
type Approval struct {
	ApprovedAt      time.Time  `json:"approved_at"`
	ApprovedBy      string     `json:"approved_by"`
	Day             Date       `json:"day"` // the school day from which it counts
	WithdrawnAt     *time.Time `json:"withdrawn_at,omitempty"`
	WithdrawnBy     string     `json:"withdrawn_by,omitempty"`
	WithdrawnReason string     `json:"withdrawn_reason,omitempty"`
}

// Active reports whether the approval stands.
func (a *Approval) Active() bool { return a != nil && a.WithdrawnAt == nil }

// Readiness is a school's review: the checklist version it answers, every
// item's answer, and the approval.
type Readiness struct {
	SchoolID   int64        `json:"school_id"`
	SchoolName string       `json:"school_name"`
	RegionID   int64        `json:"region_id"`
	Version    int          `json:"version"`
	Status     ReviewStatus `json:"status"`
	Items      []ItemAnswer `json:"items"`
	Approval   *Approval    `json:"approval,omitempty"`
	Plans      []Plan       `json:"plans"`
}

// Progress counts items by status.
type Progress struct {
	Items     int `json:"items"`
	Answered  int `json:"answered"`
	Submitted int `json:"submitted"`
	Accepted  int `json:"accepted"`
	Returned  int `json:"returned"`
}

// ProgressOf counts a school's items.
func ProgressOf(items []ItemAnswer) Progress {
	p := Progress{Items: len(items)}
	for _, it := range items {
		if it.State != "" {
			p.Answered++
		}
		switch it.Status {
		case ItemSubmitted:
			p.Submitted++
		case ItemAccepted:
			p.Accepted++
		case ItemReturned:
			p.Returned++
		}
	}
	return p
}

// StatusOf is a school's review status from its items and approval.
func StatusOf(p Progress, approved bool) ReviewStatus {
	switch {
	case approved:
		return ReviewApproved
	case p.Items > 0 && p.Accepted == p.Items:
		return ReviewAccepted
	case p.Returned > 0:
		return ReviewReturned
	case p.Submitted > 0:
		return ReviewInReview
	}
	return ReviewNotSubmitted
}

// Answer is a school's answer to one item.
type Answer struct {
	SchoolID int64       `json:"-"`
	Code     string      `json:"-"`
	State    AnswerState `json:"state"`
	Note     string      `json:"note"`
	FileIDs  []int64     `json:"file_ids"`
}

// CheckAnswer checks an answer against its item's status: an item waiting
// for the region or accepted cannot be answered (Conflict); a known state,
// a short note, at most MaxItemFiles files.
func CheckAnswer(a Answer, status ItemStatus, approved bool) error {
	if approved || status == ItemSubmitted || status == ItemAccepted {
		return Errorf(Conflict, "error.item_not_open", a.Code)
	}
	var fe fieldErrors
	switch a.State {
	case AnswerDone, AnswerPartly, AnswerNotDone:
	case "":
		fe.add("state", "error.required")
	default:
		fe.add("state", "error.bad_choice")
	}
	if utf8.RuneCountInString(a.Note) > MaxItemNote {
		fe.add("note", "error.too_long", MaxItemNote)
	}
	if len(a.FileIDs) > MaxItemFiles {
		fe.add("file_ids", "error.too_many", MaxItemFiles)
	}
	return fe.err()
}

// CheckSubmit checks that a school may submit: every item answered, and
// something to submit (a draft item). Invalid naming each unanswered item
// by its code.
func CheckSubmit(items []ItemAnswer, approved bool) error {
	if approved {
		return Errorf(Conflict, "error.readiness_approved")
	}
	var fe fieldErrors
	drafts := 0
	for _, it := range items {
		if it.State == "" || it.Status == ItemReturned {
			fe.add(it.Item.Code, "error.item_unanswered")
		}
		if it.Status == ItemDraft {
			drafts++
		}
	}
	if err := fe.err(); err != nil {
		return err
	}
	if drafts == 0 {
		return Errorf(Conflict, "error.nothing_to_submit")
	}
	return nil
}

// Verdict is the region's decision on one submitted item.
type Verdict string

const (
	VerdictAccept Verdict = "accept"
	VerdictReturn Verdict = "return"
)

// CheckReview checks a review of an item: only a submitted item is
// reviewed (Conflict otherwise); returning it needs a comment.
func CheckReview(code string, status ItemStatus, v Verdict, comment string) error {
	if v != VerdictAccept && v != VerdictReturn {
		return InvalidFields([]FieldError{{Field: "verdict", Msg: "error.bad_choice"}})
	}
	if status != ItemSubmitted {
		return Errorf(Conflict, "error.item_not_submitted", code)
	}
	if v == VerdictReturn && strings.TrimSpace(comment) == "" {
		return InvalidFields([]FieldError{{Field: "comment", Msg: "error.required"}})
	}
	if utf8.RuneCountInString(comment) > MaxItemNote {
		return InvalidFields([]FieldError{{Field: "comment", Msg: "error.too_long", Args: []any{MaxItemNote}}})
	}
	return nil
}

// CheckApprove checks that the region may approve a school: not already
// approved, every item accepted (Invalid naming each open item).
func CheckApprove(items []ItemAnswer, approved bool) error {
	if approved {
		return Errorf(Conflict, "error.readiness_approved")
	}
	var fe fieldErrors
	for _, it := range items {
		if it.Status != ItemAccepted {
			fe.add(it.Item.Code, "error.item_open")
		}
	}
	if len(items) == 0 {
		fe.add("items", "error.required")
	}
	return fe.err()
}

// PlanKind is one of a school's two plans (一校一案).
type PlanKind string

const (
	PlanPrevention PlanKind = "prevention" // 防控方案
	PlanEmergency  PlanKind = "emergency"  // 应急预案
)

// PlanKinds lists them.
var PlanKinds = []PlanKind{PlanPrevention, PlanEmergency}

// PlanMaxAge is how long a plan stays current: a term. An older plan is
// outdated and the region's overview says so.
const PlanMaxAge = 180

// Plan is one version of one of a school's plans.
type Plan struct {
	Kind       PlanKind  `json:"kind"`
	Version    int       `json:"version"`
	File       File      `json:"file"`
	UploadedAt time.Time `json:"uploaded_at"`
	UploadedBy string    `json:"uploaded_by"`
}

// Outdated reports whether the plan is older than PlanMaxAge days on day.
func (p Plan) Outdated(today Date) bool {
	return DateOf(p.UploadedAt.In(China)).AddDays(PlanMaxAge).Before(today)
}

// SchoolReadiness is a school's line in the region's overview.
type SchoolReadiness struct {
	SchoolID  int64        `json:"school_id"`
	Name      string       `json:"name"`
	Type      SchoolType   `json:"school_type"`
	Status    ReviewStatus `json:"status"`
	Progress  Progress     `json:"progress"`
	Approval  *Approval    `json:"approval,omitempty"`
	Plans     []string     `json:"plans"` // per PlanKinds: "none", "outdated" or "current"
	Open      int          `json:"open_classes"`
	Classes   int          `json:"classes"`
	Suspended int          `json:"suspended_classes"`
	Reopening string       `json:"reopening"` // not_submitted, in_review, approved, partly_open, open
}

// ReadinessService is issue 11's service: checklists, readiness reviews,
// plans, approval, phases and suspensions.
type ReadinessService interface {
	// Checklist returns the current version of a top-level region's
	// checklist (the default one if it has never set its own); for all
	// with a grant in the region.
	Checklist(ctx context.Context, regionID int64) (*Checklist, error)
	// SetChecklist stores a new version: region reviewers only.
	SetChecklist(ctx context.Context, regionID int64, items []ChecklistItem) (*Checklist, error)
	// SchoolReadiness returns a school's review, returned items first: for
	// readers of the school.
	SchoolReadiness(ctx context.Context, schoolID int64) (*Readiness, error)
	// AnswerItem stores a school's answer to an item.
	AnswerItem(ctx context.Context, a Answer) error
	// SubmitReadiness sends every draft item to the region.
	SubmitReadiness(ctx context.Context, schoolID int64) error
	// ReviewItem accepts or returns a submitted item.
	ReviewItem(ctx context.Context, schoolID int64, code string, v Verdict, comment string) error
	// ApproveReopening approves a school whose items are all accepted.
	ApproveReopening(ctx context.Context, schoolID int64) error
	// WithdrawApproval withdraws a school's approval, with a reason.
	WithdrawApproval(ctx context.Context, schoolID int64, reason string) error
	// UploadPlan stores a new version of a school's plan from a file
	// already uploaded.
	UploadPlan(ctx context.Context, schoolID int64, kind PlanKind, fileID int64) error
	// RegionReadiness returns every school's line under a region node.
	RegionReadiness(ctx context.Context, orgID int64) ([]SchoolReadiness, error)

	ReopeningService
}
