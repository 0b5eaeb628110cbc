package campusguard

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// CaseState is where a case stands in its life (SPEC §4).
type CaseState string

const (
	CaseDetected CaseState = "detected" // found by a check or by hand
	CaseReported CaseState = "reported" // reported to the region
	CaseIsolated CaseState = "isolated" // in the observation room, or sent home with a guardian
	CaseReferred CaseState = "referred" // sent to a fever clinic
	CaseOutcome  CaseState = "outcome"  // ruled out, suspected or confirmed
	CaseCleared  CaseState = "cleared"  // return cleared against a certificate
	CaseClosed   CaseState = "closed"
)

// CaseStates lists the states in their order.
var CaseStates = []CaseState{CaseDetected, CaseReported, CaseIsolated, CaseReferred, CaseOutcome, CaseCleared, CaseClosed}

// caseNext is the one state each state may move to: the life of a case is
// a line, and a step out of it is refused.
var caseNext = map[CaseState]CaseState{
	CaseDetected: CaseReported,
	CaseReported: CaseIsolated,
	CaseIsolated: CaseReferred,
	CaseReferred: CaseOutcome,
	CaseOutcome:  CaseCleared,
	CaseCleared:  CaseClosed,
}

// NextCaseState returns the state a case in st may move to, and false for a
// closed case.
func NextCaseState(st CaseState) (CaseState, bool) {
	n, ok := caseNext[st]
	return n, ok
}

// Isolation is where an isolated person is kept.
type Isolation string

const (
	IsolationRoom Isolation = "observation_room"
	IsolationHome Isolation = "home" // sent home with a guardian
)

// Outcome is what the fever clinic found.
type Outcome string

const (
	OutcomeRuledOut  Outcome = "ruled_out"
	OutcomeSuspected Outcome = "suspected"
	OutcomeConfirmed Outcome = "confirmed"
)

// CaseSource says how a case was opened.
type CaseSource string

const (
	SourceCheck  CaseSource = "check"  // from an abnormal check, in the same transaction
	SourceManual CaseSource = "manual" // by a teacher or health officer
)

// DefaultReportWithin is how long after detection a case must be reported
// to the region unless the region sets its own limit.
const DefaultReportWithin = 2 * time.Hour

// Case follows one person's illness from discovery to return.
type Case struct {
	ID         int64      `json:"id"`
	RegionID   int64      `json:"region_id"`
	PersonID   int64      `json:"person_id"`
	PersonName string     `json:"person_name"`
	SchoolID   int64      `json:"school_id"`
	ClassID    *int64     `json:"class_id"`
	State      CaseState  `json:"state"`
	Source     CaseSource `json:"source"`
	CheckID    *int64     `json:"check_id"` // the check that opened it
	OnsetDay   Date       `json:"onset_day"`
	Symptoms   []Symptom  `json:"symptoms"`
	// Temperature is the highest reading among its checks.
	Temperature *float64   `json:"temperature"`
	DetectedAt  time.Time  `json:"detected_at"`
	ReportDue   time.Time  `json:"report_due"`
	ReportedAt  *time.Time `json:"reported_at"`
	IsolatedAt  *time.Time `json:"isolated_at"`
	Isolation   Isolation  `json:"isolation"`
	Outcome     Outcome    `json:"outcome"`
	Certificate string     `json:"certificate"`
	ClearedBy   string     `json:"cleared_by"`
	ClosedAt    *time.Time `json:"closed_at"`
	// Escalated is set once the overdue report went to the region.
	Escalated bool      `json:"escalated"`
	Overdue   bool      `json:"overdue"` // set on read from the clock
	Note      string    `json:"note"`
	UpdatedAt time.Time `json:"updated_at"`
	// DrillID is the drill a synthetic case was injected by (issue 14):
	// such a case is kept out of every real figure and shown as a drill.
	DrillID *int64 `json:"drill_id"`
}

// IsOverdue reports whether the case is still unreported after its due time.
func (c *Case) IsOverdue(now time.Time) bool {
	return c.State == CaseDetected && now.After(c.ReportDue)
}

// IsOpen reports whether the case is not closed.
func (c *Case) IsOpen() bool { return c.State != CaseClosed }

// HoldsAtGate reports whether the person must be stopped at the gate: an
// open case without return clearance.
func (c *Case) HoldsAtGate() bool {
	return c.State != CaseCleared && c.State != CaseClosed
}

// NeedsContacts reports whether the case's close contacts must be traced:
// a suspected or confirmed outcome.
func (c *Case) NeedsContacts() bool {
	return c.Outcome == OutcomeSuspected || c.Outcome == OutcomeConfirmed
}

// CaseStep is one recorded transition: who moved the case, when, and why.
type CaseStep struct {
	ID          int64     `json:"id"`
	CaseID      int64     `json:"case_id"`
	From        CaseState `json:"from"` // empty for the opening step
	To          CaseState `json:"to"`
	At          time.Time `json:"at"`
	By          string    `json:"by"`
	Note        string    `json:"note"`
	Isolation   Isolation `json:"isolation,omitempty"`
	Outcome     Outcome   `json:"outcome,omitempty"`
	Certificate string    `json:"certificate,omitempty"`
}

// Transition asks to move a case to a state with what that state needs.
type Transition struct {
	To          CaseState `json:"to"`
	Note        string    `json:"note"`
	Isolation   Isolation `json:"isolation"`   // for isolated
	Outcome     Outcome   `json:"outcome"`     // for outcome
	Certificate string    `json:"certificate"` // for cleared: the certificate's reference
}

// MaxNote is the longest note, in characters.
const MaxNote = 500

// Apply checks t against the case's state and moves it, returning the step
// to record. An Invalid error names the field: "to" for a step the state
// does not allow, or the missing detail.
func (c *Case) Apply(t Transition, by string, at time.Time) (CaseStep, error) {
	var fe fieldErrors
	next, ok := caseNext[c.State]
	switch {
	case !slices.Contains(CaseStates, t.To):
		fe.add("to", "error.bad_choice")
	case !ok || t.To != next:
		fe.add("to", "error.case_transition", string(c.State), string(t.To))
	}
	if utf8.RuneCountInString(t.Note) > MaxNote {
		fe.add("note", "error.too_long", MaxNote)
	}
	switch t.To {
	case CaseIsolated:
		if t.Isolation != IsolationRoom && t.Isolation != IsolationHome {
			fe.add("isolation", "error.required")
		}
	case CaseOutcome:
		if t.Outcome != OutcomeRuledOut && t.Outcome != OutcomeSuspected && t.Outcome != OutcomeConfirmed {
			fe.add("outcome", "error.required")
		}
	case CaseCleared:
		t.Certificate = strings.TrimSpace(t.Certificate)
		if t.Certificate == "" {
			fe.add("certificate", "error.required")
		} else if utf8.RuneCountInString(t.Certificate) > 100 {
			fe.add("certificate", "error.too_long", 100)
		}
	}
	if err := fe.err(); err != nil {
		return CaseStep{}, err
	}
	step := CaseStep{CaseID: c.ID, From: c.State, To: t.To, At: at, By: by, Note: strings.TrimSpace(t.Note)}
	c.State, c.UpdatedAt = t.To, at
	switch t.To {
	case CaseReported:
		c.ReportedAt = &at
	case CaseIsolated:
		c.Isolation, step.Isolation, c.IsolatedAt = t.Isolation, t.Isolation, &at
	case CaseOutcome:
		c.Outcome, step.Outcome = t.Outcome, t.Outcome
	case CaseCleared:
		c.Certificate, c.ClearedBy, step.Certificate = t.Certificate, by, t.Certificate
	case CaseClosed:
		c.ClosedAt = &at
	}
	return step, nil
}

// CaseFromCheck returns the case an abnormal check opens for its person.
func CaseFromCheck(ch *Check, name string, reportWithin time.Duration) *Case {
	id := ch.ID
	c := &Case{RegionID: ch.RegionID, PersonID: ch.PersonID, PersonName: name, SchoolID: ch.SchoolID, ClassID: ch.ClassID,
		State: CaseDetected, Source: SourceCheck, CheckID: &id, OnsetDay: ch.Day, Symptoms: slices.Clone(ch.Symptoms),
		DetectedAt: ch.At, ReportDue: ch.At.Add(reportWithin), UpdatedAt: ch.At}
	if ch.Temperature != nil {
		t := *ch.Temperature
		c.Temperature = &t
	}
	if c.Symptoms == nil {
		c.Symptoms = []Symptom{}
	}
	return c
}

// Attach folds a later abnormal check of the same person into an open case:
// its symptoms join the case's, and the highest temperature is kept.
func (c *Case) Attach(ch *Check) {
	for _, s := range ch.Symptoms {
		if !slices.Contains(c.Symptoms, s) {
			c.Symptoms = append(c.Symptoms, s)
		}
	}
	if ch.Temperature != nil && (c.Temperature == nil || *ch.Temperature > *c.Temperature) {
		t := *ch.Temperature
		c.Temperature = &t
	}
}

// NewCase is a case opened by hand.
type NewCase struct {
	PersonID    int64     `json:"person_id"`
	OnsetDay    Date      `json:"onset_day"`
	Symptoms    []Symptom `json:"symptoms"`
	Temperature *float64  `json:"temperature"`
	Note        string    `json:"note"`
}

// Validate checks a case opened by hand.
func (n *NewCase) Validate(today Date) error {
	var fe fieldErrors
	if n.PersonID <= 0 {
		fe.add("person_id", "error.required")
	}
	if n.OnsetDay.IsZero() {
		fe.add("onset_day", "error.required")
	} else if today.Before(n.OnsetDay) {
		fe.add("onset_day", "error.future_date")
	}
	seen := map[Symptom]bool{}
	for _, s := range n.Symptoms {
		if !slices.Contains(Symptoms, s) || seen[s] {
			fe.add("symptoms", "error.bad_choice")
			break
		}
		seen[s] = true
	}
	if t := n.Temperature; t != nil && (*t < MinTemperature || *t > MaxTemperature) {
		fe.add("temperature", "error.temperature_range", MinTemperature, MaxTemperature)
	}
	if len(n.Symptoms) == 0 && n.Temperature == nil {
		fe.add("symptoms", "error.case_needs_sign")
	}
	if utf8.RuneCountInString(n.Note) > MaxNote {
		fe.add("note", "error.too_long", MaxNote)
	}
	return fe.err()
}

// CaseFilter selects cases.
type CaseFilter struct {
	OrgID    *int64 // cases of people under this node
	PersonID *int64
	State    *CaseState
	Open     bool // not closed
	Overdue  bool // unreported past the due time
	// WithDrills lists drill cases too (issue 14): only lists that mark
	// them set it; every count and figure leaves them out.
	WithDrills bool
	Offset     int
	Limit      int
}

// ContactReason says why someone is a close contact.
type ContactReason string

const (
	ContactClassmate ContactReason = "classmate"
	ContactDorm      ContactReason = "dorm_room"
	ContactBus       ContactReason = "bus_route"
	ContactTeacher   ContactReason = "teacher"
	ContactCanteen   ContactReason = "canteen"
)

// ContactLookBack is how many days before onset contacts are traced from.
const ContactLookBack = 2

// ContactFollowDays is how many days a close contact's checks are followed.
const ContactFollowDays = 14

// Contact is a close contact of a case, with why and how they are doing
// since.
type Contact struct {
	PersonID int64           `json:"person_id"`
	Name     string          `json:"name"`
	Kind     PersonKind      `json:"kind"`
	Number   string          `json:"number"`
	Reasons  []ContactReason `json:"reasons"`
	// The follow-up: the days of checks since the contact's last exposure.
	FollowFrom  Date `json:"follow_from"`
	FollowUntil Date `json:"follow_until"`
	DaysChecked int  `json:"days_checked"` // days in the window with a report
	Abnormal    bool `json:"abnormal"`     // any abnormal check in the window
	OpenCase    bool `json:"open_case"`
}

// ContactWindow returns the days over which a case's contacts are traced:
// from ContactLookBack days before onset to the day the person was isolated,
// or today while they are not.
func ContactWindow(c *Case, today Date, loc *time.Location) (from, to Date) {
	from, to = c.OnsetDay.AddDays(-ContactLookBack), today
	if c.IsolatedAt != nil {
		to = DateOf(c.IsolatedAt.In(loc))
	}
	if to.Before(c.OnsetDay) {
		to = c.OnsetDay
	}
	if today.Before(to) {
		to = today
	}
	return from, to
}

// CaseService opens, moves and reads cases and their contacts.
type CaseService interface {
	// OpenCase opens a case by hand. Invalid; NotFound (person out of
	// scope); Forbidden (a role that does not record class checks);
	// Conflict (the person has an open case).
	OpenCase(ctx context.Context, n NewCase) (*Case, error)
	// FindCase returns a case with its steps, oldest first.
	FindCase(ctx context.Context, id int64) (*Case, []CaseStep, error)
	// FindCases lists cases in the actor's scope, open and newest first.
	FindCases(ctx context.Context, f CaseFilter) ([]*Case, int, error)
	// MoveCase applies a transition. Invalid (a step the state does not
	// allow, or a missing detail), NotFound, Forbidden.
	MoveCase(ctx context.Context, id int64, t Transition) (*Case, error)
	// CaseContacts lists the close contacts of a suspected or confirmed
	// case. Invalid for a case without such an outcome.
	CaseContacts(ctx context.Context, id int64) ([]*Contact, error)
	// EscalateOverdue marks every unreported case past its due time as
	// escalated and notifies the region, once per case. System only.
	EscalateOverdue(ctx context.Context) (int, error)
}

// Notification is a message in a user's in-app inbox. Subject is a
// catalog key rendered with Args in the reader's language.
type Notification struct {
	ID        int64      `json:"id"`
	Kind      string     `json:"kind"`
	Subject   string     `json:"subject"`
	Args      []string   `json:"args"`
	Link      string     `json:"link"`
	CreatedAt time.Time  `json:"created_at"`
	ReadAt    *time.Time `json:"read_at"`
}

// InboxService reads and marks the actor's notifications.
type InboxService interface {
	// Inbox lists the actor's notifications, newest first, and the unread count.
	Inbox(ctx context.Context, unreadOnly bool, offset, limit int) ([]*Notification, int, error)
	// MarkRead marks one notification read, or all with id 0.
	MarkRead(ctx context.Context, id int64) error
}

// Webhook events.
const (
	EventCaseOpened  = "case.opened"
	EventCaseChanged = "case.state_changed"
	EventCaseOverdue = "case.overdue"
	EventAlertRaised = "alert.raised"
)

// WebhookEvents lists the events a webhook may subscribe to.
var WebhookEvents = []string{EventCaseOpened, EventCaseChanged, EventCaseOverdue, EventAlertRaised}

// Webhook sends a region's events to an outside system: the health
// bureau, the CDC. Bodies are signed with HMAC-SHA256 under its secret.
type Webhook struct {
	ID        int64     `json:"id"`
	RegionID  int64     `json:"region_id"`
	OrgID     int64     `json:"org_id"` // events of cases under this node
	Name      string    `json:"name"`
	URL       string    `json:"url"`
	Events    []string  `json:"events"`
	Active    bool      `json:"active"`
	CreatedAt time.Time `json:"created_at"`
}

// Validate checks a webhook's name, URL (http or https with a host) and
// events.
func (w *Webhook) Validate() error {
	var fe fieldErrors
	w.Name = strings.TrimSpace(w.Name)
	if w.Name == "" {
		fe.add("name", "error.required")
	} else if utf8.RuneCountInString(w.Name) > 100 {
		fe.add("name", "error.too_long", 100)
	}
	u, err := url.Parse(strings.TrimSpace(w.URL))
	switch {
	case strings.TrimSpace(w.URL) == "":
		fe.add("url", "error.required")
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil:
		fe.add("url", "error.webhook_url")
	case len(w.URL) > 500:
		fe.add("url", "error.too_long", 500)
	default:
		w.URL = u.String()
	}
	if len(w.Events) == 0 {
		fe.add("events", "error.required")
	}
	for _, e := range w.Events {
		if !slices.Contains(WebhookEvents, e) {
			fe.add("events", "error.bad_choice")
			break
		}
	}
	if w.OrgID <= 0 {
		fe.add("org_id", "error.required")
	}
	return fe.err()
}

// Delivery is one event's delivery to one webhook: tried until the
// receiver answers 2xx, with growing waits between attempts.
type Delivery struct {
	ID          int64      `json:"id"`
	WebhookID   int64      `json:"webhook_id"`
	EventID     int64      `json:"event_id"`
	Event       string     `json:"event"`
	Attempts    int        `json:"attempts"`
	NextAt      time.Time  `json:"next_at"`
	DeliveredAt *time.Time `json:"delivered_at"`
	LastStatus  int        `json:"last_status"`
	LastError   string     `json:"last_error"`
	CreatedAt   time.Time  `json:"created_at"`
}

// RetryDelay is the wait before attempt n+1 after n failed attempts:
// 10 s doubling to at most an hour.
func RetryDelay(n int) time.Duration { return RetryDelayFrom(10*time.Second, n) }

// RetryDelayFrom is RetryDelay with another first wait.
func RetryDelayFrom(first time.Duration, n int) time.Duration {
	d := first
	for i := 1; i < n && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}

// WebhookService manages webhooks and their deliveries.
type WebhookService interface {
	// CreateWebhook stores a webhook and returns its signing secret, shown
	// once. Invalid; Forbidden (not a region admin of the node).
	CreateWebhook(ctx context.Context, w *Webhook) (secret string, err error)
	FindWebhooks(ctx context.Context) ([]*Webhook, error)
	// DisableWebhook stops deliveries to a webhook.
	DisableWebhook(ctx context.Context, id int64) error
	// Deliveries lists a webhook's deliveries, newest first.
	Deliveries(ctx context.Context, webhookID int64, offset, limit int) ([]*Delivery, int, error)
}
