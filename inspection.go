package campusguard

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Supervision (SPEC §8, issue 12): a region plans inspections by joint
// teams for a period, announced or unannounced (明察暗訪); a visit to a
// school fills the region's inspection checklist and records findings.

// Actions of the supervision. A region's admins and its inspection teams
// plan and carry out inspections and verify rectification; a school's
// principal and health officer answer its items. SeeUnannounced is held
// only by region-level roles: a school-level account never sees an
// unannounced visit before it is carried out.
const (
	Inspect          Action = "inspect"           // plan inspections, visit, record findings, verify items
	ReadInspections  Action = "read_inspections"  // see the region's plans, visits and coverage
	SeeUnannounced   Action = "see_unannounced"   // see an unannounced visit before it is closed
	ReadRectifying   Action = "read_rectifying"   // see a school's rectification items and closed visits
	AnswerRectifying Action = "answer_rectifying" // answer a school's rectification items
)

// inspectionRoleActions is the supervision's part of the access matrix.
var inspectionRoleActions = map[AccessRole][]Action{
	SystemAdmin:  {Inspect, ReadInspections, SeeUnannounced, ReadRectifying, AnswerRectifying},
	RegionAdmin:  {Inspect, ReadInspections, SeeUnannounced, ReadRectifying},
	Inspector:    {Inspect, ReadInspections, SeeUnannounced, ReadRectifying},
	RegionViewer: {ReadInspections, SeeUnannounced, ReadRectifying}, // joint teams' agencies read
	SchoolAdmin:  {ReadRectifying, AnswerRectifying},
	HealthOffice: {ReadRectifying, AnswerRectifying},
}

// SchoolLevelRoles are the accounts of a school and its families: none of
// them may see an unannounced visit before it is carried out.
var SchoolLevelRoles = []AccessRole{SchoolAdmin, HealthOffice, ClassTeacher, GateStaff, StaffMember, GuardianRole}

// Agency is the body a joint team's member comes from.
type Agency string

const (
	AgencyEducation Agency = "education"
	AgencyHealth    Agency = "health"
	AgencyMarket    Agency = "market"
	AgencyPolice    Agency = "police"
)

// Agencies lists them.
var Agencies = []Agency{AgencyEducation, AgencyHealth, AgencyMarket, AgencyPolice}

// TeamMember is one member of a joint team.
type TeamMember struct {
	Name   string `json:"name"`
	Agency Agency `json:"agency"`
}

// Inspection is a region's plan for a period: a joint team visits schools,
// announced or not.
type Inspection struct {
	ID        int64        `json:"id"`
	RegionID  int64        `json:"region_id"`
	Title     string       `json:"title"`
	From      Date         `json:"from"`
	To        Date         `json:"to"`
	Announced bool         `json:"announced"`
	Team      string       `json:"team"`
	Members   []TeamMember `json:"members"`
	CreatedAt time.Time    `json:"created_at"`
	CreatedBy string       `json:"created_by"`
	Visits    []Visit      `json:"visits,omitempty"`
}

// Limits of an inspection.
const (
	MaxTeamMembers    = 30
	MaxInspectionDays = 92 // a quarter: plans are for a week or a month
	MaxVisitFindings  = 100
)

// ValidateInspection checks a plan: a title, a team, a period of at most
// MaxInspectionDays that does not end before it starts, one to
// MaxTeamMembers members each with a name and a known agency (a field
// error's Row is the member's 1-based position).
func ValidateInspection(in Inspection) error {
	var fe fieldErrors
	text := func(field, v string, max int) {
		if strings.TrimSpace(v) == "" {
			fe.add(field, "error.required")
		} else if utf8.RuneCountInString(v) > max {
			fe.add(field, "error.too_long", max)
		}
	}
	text("title", in.Title, MaxItemTitle)
	text("team", in.Team, MaxItemTitle)
	switch {
	case in.From.IsZero():
		fe.add("from", "error.required")
	case in.To.IsZero():
		fe.add("to", "error.required")
	case in.To.Before(in.From):
		fe.add("to", "error.period_order")
	case in.From.AddDays(MaxInspectionDays).Before(in.To):
		fe.add("to", "error.period_too_long", MaxInspectionDays)
	}
	if len(in.Members) == 0 {
		fe.add("members", "error.required")
	}
	if len(in.Members) > MaxTeamMembers {
		fe.add("members", "error.too_many", MaxTeamMembers)
	}
	for i, m := range in.Members {
		if strings.TrimSpace(m.Name) == "" {
			fe = append(fe, FieldError{Field: "members", Row: i + 1, Msg: "error.required"})
		} else if utf8.RuneCountInString(m.Name) > 100 {
			fe = append(fe, FieldError{Field: "members", Row: i + 1, Msg: "error.too_long", Args: []any{100}})
		}
		if !slices.Contains(Agencies, m.Agency) {
			fe = append(fe, FieldError{Field: "agency", Row: i + 1, Msg: "error.bad_choice"})
		}
	}
	return fe.err()
}

// ParseMembers reads a team typed as text, one member a line:
// "NAME | AGENCY". Blank lines are skipped.
func ParseMembers(text string) []TeamMember {
	var out []TeamMember
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		name, agency, _ := strings.Cut(line, "|")
		a := strings.TrimSpace(agency)
		if alias, ok := agencyNames[a]; ok {
			a = string(alias)
		}
		out = append(out, TeamMember{Name: strings.TrimSpace(name), Agency: Agency(a)})
	}
	return out
}

// agencyNames are the agencies as a bureau writes them, in both scripts.
var agencyNames = map[string]Agency{
	"教育": AgencyEducation, "教育局": AgencyEducation,
	"卫健": AgencyHealth, "卫生": AgencyHealth, "卫健委": AgencyHealth, "衛健": AgencyHealth, "衛生": AgencyHealth, "疾控": AgencyHealth,
	"市场监管": AgencyMarket, "市場監管": AgencyMarket, "市场监管局": AgencyMarket,
	"公安": AgencyPolice, "派出所": AgencyPolice,
}

// FormatMembers writes members as ParseMembers reads them.
func FormatMembers(ms []TeamMember) string {
	var b strings.Builder
	for _, m := range ms {
		b.WriteString(m.Name + " | " + string(m.Agency) + "\n")
	}
	return b.String()
}

// DefaultInspectionChecklist is the inspection template every region starts
// from: what an inspector looks at in a school (SPEC §5 and §7).
func DefaultInspectionChecklist() []ChecklistItem {
	const gate, health, env, life = "校门", "健康管理", "环境卫生", "食宿交通"
	return []ChecklistItem{
		{Code: "G1", Section: gate, Title: "校门测温、入校登记和健康码查验落实，外来人员不随意入校"},
		{Code: "G2", Section: gate, Title: "晨午检和因病缺勤追踪记录完整、及时上报"},
		{Code: "H1", Section: health, Title: "临时留观室位置独立、通风良好、物品齐全"},
		{Code: "H2", Section: health, Title: "口罩、消毒剂、体温计等防疫物资储备满足需要，台账清楚"},
		{Code: "H3", Section: health, Title: "发热师生处置流程清楚，相关人员熟悉应急预案"},
		{Code: "E1", Section: env, Title: "教室、办公室每日通风记录完整"},
		{Code: "E2", Section: env, Title: "公共区域消毒记录完整，消毒剂配比正确"},
		{Code: "E3", Section: env, Title: "洗手设施充足，厕所保洁和垃圾处理到位"},
		{Code: "L1", Section: life, Title: "食堂错峰就餐、从业人员健康管理、餐具消毒和食品留样"},
		{Code: "L2", Section: life, Title: "宿舍住宿人数控制、每日晨检和通风消毒"},
		{Code: "L3", Section: life, Title: "校车乘车测温、座位固定和车辆消毒记录"},
	}
}

// CheckResult is an inspector's result for one checklist item.
type CheckResult string

const (
	ResultPass CheckResult = "pass"
	ResultFail CheckResult = "fail"
	ResultNA   CheckResult = "na" // not applicable: a school without dormitories or buses
)

// CheckResults lists them.
var CheckResults = []CheckResult{ResultPass, ResultFail, ResultNA}

// VisitResult is one checklist item's result on a visit.
type VisitResult struct {
	Item   ChecklistItem `json:"item"`
	Result CheckResult   `json:"result,omitempty"` // "" until checked
	Note   string        `json:"note"`
}

// Visit is one visit of an inspection to a school.
type Visit struct {
	ID           int64               `json:"id"`
	InspectionID int64               `json:"inspection_id"`
	RegionID     int64               `json:"region_id"`
	SchoolID     int64               `json:"school_id"`
	SchoolName   string              `json:"school_name"`
	Day          Date                `json:"day"`
	Announced    bool                `json:"announced"`
	Title        string              `json:"title"`
	Team         string              `json:"team"`
	ClosedAt     *time.Time          `json:"closed_at,omitempty"`
	ClosedBy     string              `json:"closed_by,omitempty"`
	Note         string              `json:"note"`
	Findings     int                 `json:"findings"`
	Results      []VisitResult       `json:"results,omitempty"`
	FindingList  []InspectionFinding `json:"finding_list,omitempty"`
}

// Closed reports whether the visit has been carried out.
func (v *Visit) Closed() bool { return v.ClosedAt != nil }

// VisitVisible is the invisibility rule: an unannounced visit is seen,
// before it is closed, only by those who may see unannounced visits at its
// school (region-level accounts); once closed, or when announced, by every
// reader of the school.
func VisitVisible(announced, closed, seesUnannounced bool) bool {
	return announced || closed || seesUnannounced
}

// CheckVisit checks a planned visit against its inspection: a school, a
// day within the inspection's period.
func CheckVisit(in *Inspection, schoolID int64, day Date) error {
	var fe fieldErrors
	if schoolID == 0 {
		fe.add("school_id", "error.required")
	}
	switch {
	case day.IsZero():
		fe.add("day", "error.required")
	case day.Before(in.From) || in.To.Before(day):
		fe.add("day", "error.outside_period", in.From.String(), in.To.String())
	}
	return fe.err()
}

// CheckResultEntry checks a result given on a visit: the visit open, a
// known result, a short note.
func CheckResultEntry(closed bool, r CheckResult, note string) error {
	if closed {
		return Errorf(Conflict, "error.visit_closed")
	}
	var fe fieldErrors
	if !slices.Contains(CheckResults, r) {
		fe.add("result", "error.bad_choice")
	}
	if utf8.RuneCountInString(note) > MaxItemNote {
		fe.add("note", "error.too_long", MaxItemNote)
	}
	return fe.err()
}

// FindingSeverity is how grave a finding is (an alert's is Severity).
type FindingSeverity string

const (
	SeverityMinor    FindingSeverity = "minor"
	SeveritySerious  FindingSeverity = "serious"
	SeverityCritical FindingSeverity = "critical"
)

// FindingSeverities lists them, from the mildest.
var FindingSeverities = []FindingSeverity{SeverityMinor, SeveritySerious, SeverityCritical}

// InspectionFinding is a problem found on a visit. A finding with a
// deadline becomes a rectification item when the visit closes.
type InspectionFinding struct {
	ID          int64           `json:"id"`
	VisitID     int64           `json:"visit_id"`
	SchoolID    int64           `json:"school_id"`
	Code        string          `json:"code,omitempty"` // the checklist item, if any
	Severity    FindingSeverity `json:"severity"`
	Note        string          `json:"note"`
	FileIDs     []int64         `json:"file_ids"`
	Files       []File          `json:"files,omitempty"`
	Deadline    *Date           `json:"deadline,omitempty"`
	Responsible string          `json:"responsible,omitempty"`
	Reinspect   bool            `json:"reinspect"`
	By          string          `json:"by"`
	At          time.Time       `json:"at"`
	ItemID      *int64          `json:"rectification_id,omitempty"`
}

// CheckFinding checks a finding recorded on a visit: the visit still open
// (Conflict), a known severity, a note, at most MaxItemFiles files, and,
// when it asks for rectification, a responsible person and a deadline not
// before today. Only a serious or critical finding may require a
// re-inspection.
func CheckFinding(f InspectionFinding, closed bool, today Date) error {
	if closed {
		return Errorf(Conflict, "error.visit_closed")
	}
	var fe fieldErrors
	if !slices.Contains(FindingSeverities, f.Severity) {
		fe.add("severity", "error.bad_choice")
	}
	if strings.TrimSpace(f.Note) == "" {
		fe.add("note", "error.required")
	} else if utf8.RuneCountInString(f.Note) > MaxItemNote {
		fe.add("note", "error.too_long", MaxItemNote)
	}
	if len(f.FileIDs) > MaxItemFiles {
		fe.add("file_ids", "error.too_many", MaxItemFiles)
	}
	if f.Deadline != nil {
		if f.Deadline.Before(today) {
			fe.add("deadline", "error.deadline_past")
		}
		if strings.TrimSpace(f.Responsible) == "" {
			fe.add("responsible", "error.required")
		}
	} else if strings.TrimSpace(f.Responsible) != "" {
		fe.add("deadline", "error.required")
	}
	if utf8.RuneCountInString(f.Responsible) > 100 {
		fe.add("responsible", "error.too_long", 100)
	}
	if f.Reinspect && f.Severity == SeverityMinor {
		fe.add("reinspect", "error.reinspect_minor")
	}
	return fe.err()
}

// CheckCloseVisit checks that a visit may be closed: not closed already,
// and every checklist item given a result (Invalid naming each by code).
func CheckCloseVisit(v *Visit) error {
	if v.Closed() {
		return Errorf(Conflict, "error.visit_closed")
	}
	var fe fieldErrors
	for _, r := range v.Results {
		if r.Result == "" {
			fe.add(r.Item.Code, "error.item_unchecked")
		}
	}
	return fe.err()
}

// SchoolCoverage is one school's line in a period's coverage.
type SchoolCoverage struct {
	SchoolID    int64  `json:"school_id"`
	Name        string `json:"name"`
	Announced   int    `json:"announced"`   // closed announced visits in the period
	Unannounced int    `json:"unannounced"` // closed unannounced visits in the period
	Planned     int    `json:"planned"`     // visits in the period not yet closed
}

// Inspected reports whether the school was visited in the period.
func (c SchoolCoverage) Inspected() bool { return c.Announced+c.Unannounced > 0 }

// Coverage is a region's inspection coverage for a period.
type Coverage struct {
	From        Date             `json:"from"`
	To          Date             `json:"to"`
	Schools     []SchoolCoverage `json:"schools"`
	Inspected   int              `json:"inspected"`
	Announced   int              `json:"announced"`   // schools with an announced visit
	Unannounced int              `json:"unannounced"` // schools with an unannounced visit
	NotYet      int              `json:"not_inspected"`
}

// CoverageOf totals the schools' lines.
func CoverageOf(from, to Date, schools []SchoolCoverage) Coverage {
	c := Coverage{From: from, To: to, Schools: schools}
	if c.Schools == nil {
		c.Schools = []SchoolCoverage{}
	}
	for _, s := range schools {
		if s.Inspected() {
			c.Inspected++
		} else {
			c.NotYet++
		}
		if s.Announced > 0 {
			c.Announced++
		}
		if s.Unannounced > 0 {
			c.Unannounced++
		}
	}
	return c
}

// CheckPeriod checks a coverage period: both ends, in order, at most a
// year.
func CheckPeriod(from, to Date) error {
	var fe fieldErrors
	switch {
	case from.IsZero():
		fe.add("from", "error.required")
	case to.IsZero():
		fe.add("to", "error.required")
	case to.Before(from):
		fe.add("to", "error.period_order")
	case from.AddDays(366).Before(to):
		fe.add("to", "error.period_too_long", 366)
	}
	return fe.err()
}

// InspectionFilter narrows a region's inspections.
type InspectionFilter struct {
	RegionID int64
	From, To *Date // inspections whose period meets [From, To]
}

// VisitFilter narrows visits. SchoolID or InspectionID or RegionID.
type VisitFilter struct {
	RegionID     int64
	SchoolID     *int64
	InspectionID *int64
	Day          *Date
	From, To     *Date // visits on a day in [From, To], either end open
	Open         *bool // not yet closed
}

// CheckVisitDays checks a filter's days: To not before From.
func (f VisitFilter) CheckVisitDays() error {
	if f.From != nil && f.To != nil && f.To.Before(*f.From) {
		return InvalidFields([]FieldError{{Field: "to", Msg: "error.period_order"}})
	}
	return nil
}

// InspectionService is issue 12's first part: inspections, visits,
// findings and rectification items. Out of scope: NotFound.
type InspectionService interface {
	// InspectionChecklist returns a region's current inspection template.
	InspectionChecklist(ctx context.Context, regionID int64) (*Checklist, error)
	// SetInspectionChecklist stores a new version: Inspect at the region.
	SetInspectionChecklist(ctx context.Context, regionID int64, items []ChecklistItem) (*Checklist, error)
	// CreateInspection plans an inspection: Inspect at the region.
	CreateInspection(ctx context.Context, in *Inspection) error
	// FindInspection returns a plan with its visits: ReadInspections.
	FindInspection(ctx context.Context, id int64) (*Inspection, error)
	// FindInspections lists a region's plans: ReadInspections.
	FindInspections(ctx context.Context, f InspectionFilter) ([]*Inspection, error)
	// AddVisit plans a visit of an inspection to a school.
	AddVisit(ctx context.Context, inspectionID, schoolID int64, day Date) (*Visit, error)
	// FindVisit returns a visit with its results and findings; NotFound to
	// whoever may not see it (an unannounced open one, to a school).
	FindVisit(ctx context.Context, id int64) (*Visit, error)
	// FindVisits lists the visits the actor sees.
	FindVisits(ctx context.Context, f VisitFilter) ([]*Visit, error)
	// CountVisits counts them.
	CountVisits(ctx context.Context, f VisitFilter) (int, error)
	// RecordResult records a checklist item's result on an open visit.
	RecordResult(ctx context.Context, visitID int64, code string, r CheckResult, note string) error
	// AddFinding records a finding on an open visit.
	AddFinding(ctx context.Context, visitID int64, f *InspectionFinding) error
	// CloseVisit closes a visit and opens an item for each finding with a
	// deadline.
	CloseVisit(ctx context.Context, visitID int64, note string) error
	// Coverage returns which schools under a region node were inspected
	// in a period.
	Coverage(ctx context.Context, orgID int64, from, to Date) (*Coverage, error)

	RectificationService
	AccountabilityService
	ReinspectionService
	ReadinessRectifier
}
