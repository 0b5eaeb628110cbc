package campusguard

import (
	"context"
	"slices"
	"strings"
	"time"
)

// AccessRole is what a user may do, within the org subtree of a grant.
type AccessRole string

// The roles of SPEC §2.
const (
	SystemAdmin  AccessRole = "system_admin"  // everything, every tree
	RegionAdmin  AccessRole = "region_admin"  // the education bureau: all of its subtree
	RegionViewer AccessRole = "region_viewer" // health bureau, CDC, market supervision, police: read-only
	Inspector    AccessRole = "inspector"     // inspection teams: read-only, inspections later
	SchoolAdmin  AccessRole = "school_admin"  // the principal
	HealthOffice AccessRole = "health_officer"
	ClassTeacher AccessRole = "class_teacher"
	GateStaff    AccessRole = "gate_staff"
	StaffMember  AccessRole = "staff_member" // reports own health
	GuardianRole AccessRole = "guardian"     // their own children only
)

// AccessRoles lists every role, from the widest.
var AccessRoles = []AccessRole{SystemAdmin, RegionAdmin, RegionViewer, Inspector, SchoolAdmin, HealthOffice,
	ClassTeacher, GateStaff, StaffMember, GuardianRole}

// ValidAccessRole reports whether r is a known role.
func ValidAccessRole(r AccessRole) bool {
	return slices.Contains(AccessRoles, r)
}

// Action is something an actor asks to do to a resource.
type Action string

// The actions access is decided on.
const (
	ReadOrg        Action = "read_org"         // see a node and its figures
	WriteOrg       Action = "write_org"        // create or change nodes, places, routes
	ListPeople     Action = "list_people"      // see names and numbers (a gate needs only this)
	ReadPersonFile Action = "read_person_file" // see a person's whole file
	WritePerson    Action = "write_person"     // create or change people, guardians; import rosters
	RevealIdentity Action = "reveal_identity"  // see a full ID number (audited)
	SeeContacts    Action = "see_contacts"     // see phone numbers unmasked
	IssueBinding   Action = "issue_binding"    // print guardians' binding codes
	ManageUsers    Action = "manage_users"     // accounts, grants, device tokens
	ReadAudit      Action = "read_audit"       // search the audit log
	ReadCases      Action = "read_cases"       // see cases, their steps and contacts
	OpenCases      Action = "open_cases"       // open a case by hand
	MoveCases      Action = "move_cases"       // report, isolate, refer, record outcome, clear, close
	ManageHooks    Action = "manage_webhooks"  // outgoing webhooks and their delivery log
	ReadBusFigures Action = "read_bus_figures" // each bus route's checks, counted
	ExportFile     Action = "export_file"      // a person's whole file for their guardian (audited)
	// Issue 11: reopening readiness.
	AnswerReadiness Action = "answer_readiness" // a school answers its checklist, uploads evidence and plans
	ReviewReadiness Action = "review_readiness" // the region reviews, approves, sets phases and checklists
	SuspendClasses  Action = "suspend_classes"  // decide a suspension or resumption within the subtree
	ClearReturn     Action = "clear_return"     // record a doctor's note that clears a student's return after ILI
)

// roleActions is the access matrix: which role may do what within its
// subtree. Guardians and staff members act on people, not subtrees: their
// rules are in Actor.CanPerson.
var roleActions = map[AccessRole][]Action{
	SystemAdmin: {ReadOrg, WriteOrg, ListPeople, ReadPersonFile, WritePerson, RevealIdentity, SeeContacts, IssueBinding, ManageUsers, ReadAudit,
		ReadCases, OpenCases, MoveCases, ManageHooks, ReadBusFigures, ExportFile, AnswerReadiness, ReviewReadiness, SuspendClasses, ClearReturn},
	RegionAdmin: {ReadOrg, WriteOrg, ListPeople, ReadPersonFile, WritePerson, RevealIdentity, IssueBinding, ManageUsers, ReadAudit,
		ReadCases, OpenCases, MoveCases, ManageHooks, ReadBusFigures, ReviewReadiness, SuspendClasses},
	RegionViewer: {ReadOrg}, // and what the grant's duty adds: dutyActions
	Inspector:    {ReadOrg, ListPeople},
	SchoolAdmin: {ReadOrg, WriteOrg, ListPeople, ReadPersonFile, WritePerson, RevealIdentity, SeeContacts, IssueBinding, ManageUsers, ReadCases,
		OpenCases, MoveCases, ReadBusFigures, ExportFile, AnswerReadiness, SuspendClasses, ClearReturn},
	HealthOffice: {ReadOrg, ListPeople, ReadPersonFile, RevealIdentity, SeeContacts, ReadCases, OpenCases, MoveCases, ReadBusFigures, ExportFile,
		AnswerReadiness, ClearReturn},
	ClassTeacher: {ReadOrg, ListPeople, ReadPersonFile, SeeContacts, IssueBinding, ReadCases, OpenCases},
	GateStaff:    {ReadOrg, ListPeople, ReadBusFigures},
	StaffMember:  {},
	GuardianRole: {},
}

// RoleCan reports whether role r includes action a. For a region viewer
// it is what every viewer may, whatever its duty; Grant.Allows adds the
// duty's.
func RoleCan(r AccessRole, a Action) bool {
	return slices.Contains(roleActions[r], a) || slices.Contains(supplyRoleActions[r], a) || slices.Contains(inspectionRoleActions[r], a) ||
		slices.Contains(directiveRoleActions[r], a) ||
		slices.Contains(accountabilityRoleActions[r], a) ||
		slices.Contains(drillRoleActions[r], a) ||
		slices.Contains(trainingRoleActions[r], a) ||
		slices.Contains(environmentRoleActions[r], a)
}

// The duties of a region viewer (SPEC §2): the department a liaison comes
// from decides what it reads.
const (
	DutyHealth    = "health"    // the health bureau
	DutyCDC       = "cdc"       // the centre for disease control
	DutyMarket    = "market"    // market supervision: canteens, food, supplies
	DutyPolice    = "police"    // campus security
	DutyTransport = "transport" // school transport
)

// Duties lists every duty of a region viewer.
var Duties = []string{DutyHealth, DutyCDC, DutyMarket, DutyPolice, DutyTransport}

// dutyActions is the access matrix of the region viewers, by duty (PIPL:
// a liaison reads only what its duty needs). Health and the CDC read cases,
// their close contacts and the daily checks, so people's files; market
// supervision, police and transport read aggregated figures and their own
// sector's items (transport: bus routes and the bus checks' figures), never
// a named child's health data. A viewer without a known duty reads only
// aggregated figures.
var dutyActions = map[string][]Action{
	DutyHealth:    {ListPeople, ReadPersonFile, ReadCases, ReadBusFigures},
	DutyCDC:       {ListPeople, ReadPersonFile, ReadCases, ReadBusFigures},
	DutyMarket:    {},
	DutyPolice:    {},
	DutyTransport: {ReadBusFigures},
}

// ValidDuty reports whether d is a known duty.
func ValidDuty(d string) bool { return slices.Contains(Duties, d) }

// Allows reports whether the grant's role, and for a region viewer its
// duty, includes action a.
func (g Grant) Allows(a Action) bool {
	if RoleCan(g.Role, a) {
		return true
	}
	return g.Role == RegionViewer && (slices.Contains(dutyActions[g.Duty], a) || slices.Contains(supplyDutyActions[g.Duty], a) ||
		slices.Contains(trainingDutyActions[g.Duty], a))
}

// ReadOnlyRole reports whether r never writes.
func ReadOnlyRole(r AccessRole) bool {
	return !RoleCan(r, WriteOrg) && !RoleCan(r, WritePerson) && !RoleCan(r, IssueBinding) && !RoleCan(r, ManageUsers)
}

// Grant gives a role on an org subtree. Path is the org's materialised path,
// so a subtree test needs no database.
type Grant struct {
	Role    AccessRole `json:"role"`
	OrgID   int64      `json:"org_id"`
	OrgPath string     `json:"org_path"`
	OrgName string     `json:"org_name,omitempty"`
	Duty    string     `json:"duty,omitempty"` // region viewers: one of Duties
}

// Covers reports whether the grant's subtree holds the node at path.
func (g Grant) Covers(path string) bool {
	return g.Role == SystemAdmin || (g.OrgPath != "" && strings.HasPrefix(path, g.OrgPath))
}

// Actor is who makes a request: a signed-in user or a device token, with
// what they were granted. The services read it from the context.
type Actor struct {
	UserID     int64
	TokenID    int64 // set when the request came with an API token
	Name       string
	Grants     []Grant
	PersonID   *int64  // a staff member's own person
	GuardianOf []int64 // a guardian's children
	Remote     string  // the client's address, for the audit log
	System     bool    // the program itself: CLI, demo, jobs
}

type actorCtxKey struct{}

// WithActor returns a context carrying a.
func WithActor(ctx context.Context, a *Actor) context.Context {
	return context.WithValue(ctx, actorCtxKey{}, a)
}

// ActorFrom returns the actor in ctx, or nil.
func ActorFrom(ctx context.Context) *Actor {
	a, _ := ctx.Value(actorCtxKey{}).(*Actor)
	return a
}

// SystemContext returns a context in which the program itself acts, with
// every right: for the CLI, the demo builder and scheduled jobs.
func SystemContext(ctx context.Context, name string) context.Context {
	return WithActor(ctx, &Actor{Name: name, System: true, Grants: []Grant{{Role: SystemAdmin}}})
}

// Can reports whether the actor may do a to the node at path.
func (a *Actor) Can(act Action, path string) bool {
	if a == nil {
		return false
	}
	if a.System {
		return true
	}
	for _, g := range a.Grants {
		if g.Covers(path) && g.Allows(act) {
			return true
		}
	}
	return false
}

// CanManageUser reports whether the actor may manage the account u: reset
// its password, give it grants. Every grant of u must lie in a subtree where
// the actor manages users, and none may be of a role the actor could not
// grant (a system admin's grant: only system admins). An account with no
// grant (a guardian's) or a grant on no node is managed by system admins
// only. One grant in the actor's subtree is not enough: a county admin who
// is also staff at a school would otherwise fall to that school's principal.
func (a *Actor) CanManageUser(u *User) bool {
	if a == nil || u == nil {
		return false
	}
	if a.System || a.isSystemAdmin() {
		return true
	}
	if len(u.Grants) == 0 {
		return false
	}
	for _, g := range u.Grants {
		if g.Role == SystemAdmin || g.OrgPath == "" || !a.Can(ManageUsers, g.OrgPath) {
			return false
		}
	}
	return true
}

// CanSeeUser reports whether the actor may see the account u: one of its
// grants lies in a subtree where the actor manages users.
func (a *Actor) CanSeeUser(u *User) bool {
	if a == nil || u == nil {
		return false
	}
	if a.System || a.isSystemAdmin() {
		return true
	}
	for _, g := range u.Grants {
		if g.OrgPath != "" && a.Can(ManageUsers, g.OrgPath) {
			return true
		}
	}
	return false
}

func (a *Actor) isSystemAdmin() bool {
	for _, g := range a.Grants {
		if g.Role == SystemAdmin {
			return true
		}
	}
	return false
}

// CanAnywhere reports whether any grant of the actor includes act.
func (a *Actor) CanAnywhere(act Action) bool {
	if a == nil {
		return false
	}
	if a.System {
		return true
	}
	for _, g := range a.Grants {
		if g.Allows(act) {
			return true
		}
	}
	return false
}

// CanPerson reports whether the actor may do act to a person whose class
// (for students) or school (for staff) sits at path: by a grant on the
// subtree, or as the person's guardian, or as the person themself.
func (a *Actor) CanPerson(act Action, personID int64, path string) bool {
	if a.Can(act, path) {
		return true
	}
	if a == nil || (act != ReadPersonFile && act != ListPeople && act != SeeContacts) {
		return false
	}
	for _, id := range a.GuardianOf {
		if id == personID {
			return true
		}
	}
	return a.PersonID != nil && *a.PersonID == personID && act != SeeContacts
}

// Scopes returns the subtree paths in which the actor may do act, and
// whether it may do it everywhere.
func (a *Actor) Scopes(act Action) (paths []string, all bool) {
	if a == nil {
		return nil, false
	}
	if a.System {
		return nil, true
	}
	for _, g := range a.Grants {
		if !g.Allows(act) {
			continue
		}
		if g.Role == SystemAdmin {
			return nil, true
		}
		paths = append(paths, g.OrgPath)
	}
	return paths, false
}

// RequireActor returns the actor in ctx, or Unauthenticated.
func RequireActor(ctx context.Context) (*Actor, error) {
	a := ActorFrom(ctx)
	if a == nil {
		return nil, Errorf(Unauthenticated, "error.unauthenticated")
	}
	return a, nil
}

// MaskFor returns p as the actor may see it, never enough to rebuild an ID
// number: a reader of the person's file sees the birth date and no
// character of the ID number (HideIDNumber); a reader of lists only (a
// gate, an inspector) sees the ID number's last 4 characters and no birth
// date (MaskIDNumber). The whole number is revealed only through
// RevealIdentity, which is audited. The phone is masked unless the actor
// needs to call.
func (a *Actor) MaskFor(p *Person, path string) *Person {
	q := *p
	file := a.CanPerson(ReadPersonFile, p.ID, path)
	if q.IDNumber != "" {
		if file {
			q.IDNumber = HideIDNumber(q.IDNumber)
		} else {
			q.IDNumber = MaskIDNumber(q.IDNumber)
		}
	}
	if !file {
		q.Birth = Date{}
	}
	if q.Phone != "" && !a.CanPerson(SeeContacts, p.ID, path) {
		q.Phone = MaskPhone(q.Phone)
	}
	return &q
}

// User is an account: a bureau or school user, or a guardian.
type User struct {
	ID         int64     `json:"id"`
	RegionID   int64     `json:"region_id"`
	Login      string    `json:"login"` // a phone number or a user name
	Name       string    `json:"name"`
	PersonID   *int64    `json:"person_id"`   // a staff member's own person
	GuardianID *int64    `json:"guardian_id"` // a guardian's record
	Disabled   bool      `json:"disabled"`
	Grants     []Grant   `json:"grants"`
	CreatedAt  time.Time `json:"created_at"`
}

// ValidatePassword checks a new password: 10 to 128 characters, not all of
// one kind (digits only, or letters only).
func ValidatePassword(pw string) error {
	n := len([]rune(pw))
	if n < 10 || n > 128 {
		return InvalidFields([]FieldError{{Field: "password", Msg: "error.password_length", Args: []any{10, 128}}})
	}
	var digits, letters, other bool
	for _, r := range pw {
		switch {
		case r >= '0' && r <= '9':
			digits = true
		case r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z':
			letters = true
		default:
			other = true
		}
	}
	kinds := 0
	for _, b := range []bool{digits, letters, other} {
		if b {
			kinds++
		}
	}
	if kinds < 2 {
		return InvalidFields([]FieldError{{Field: "password", Msg: "error.password_weak"}})
	}
	return nil
}

// ThrottleDelay is how long a login must wait after n consecutive failures
// for one account or one address: nothing for the first 3, then 2 s doubling
// up to 15 minutes.
func ThrottleDelay(failures int) time.Duration {
	if failures < 3 {
		return 0
	}
	d := 2 * time.Second
	for i := 3; i < failures && d < 15*time.Minute; i++ {
		d *= 2
	}
	return min(d, 15*time.Minute)
}

// AuditEntry is one line of the audit log: who did what to what, when,
// from where.
type AuditEntry struct {
	ID       int64     `json:"id"`
	RegionID int64     `json:"region_id"`
	At       time.Time `json:"at"`
	UserID   int64     `json:"user_id,omitempty"`
	TokenID  int64     `json:"token_id,omitempty"`
	Actor    string    `json:"actor"`
	Action   string    `json:"action"` // "read_person_file", "update_person", "login", ...
	Object   string    `json:"object"` // "person:42", "org:7", "user:3"
	Remote   string    `json:"remote"` // client address
	Detail   string    `json:"detail"`
}

// TooManyRequests is the code of a refused sign-in while throttled.
const TooManyRequests Code = "too_many_requests"

// Session is a signed-in browser: the secret goes in the cookie, only its
// digest is stored.
type Session struct {
	Token     string    `json:"-"`
	CSRF      string    `json:"-"`
	UserID    int64     `json:"user_id"`
	ExpiresAt time.Time `json:"expires_at"`
	// IssuedAt is when the server's clock issued it: the cookie's life is
	// ExpiresAt − IssuedAt, so a browser whose clock differs from the
	// server's still keeps it for that long.
	IssuedAt time.Time `json:"-"`
}

// APIToken is a device's or an integration's credential, with one grant.
type APIToken struct {
	ID         int64      `json:"id"`
	RegionID   int64      `json:"region_id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"` // the first characters, to recognise it
	Role       AccessRole `json:"role"`
	Duty       string     `json:"duty,omitempty"` // a region viewer's: one of Duties
	OrgID      int64      `json:"org_id"`
	CreatedBy  string     `json:"created_by"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

// BindingCode is one student's code, shown once when issued.
type BindingCode struct {
	StudentID int64  `json:"student_id"`
	Name      string `json:"name"`
	Number    string `json:"number"`
	Code      string `json:"code"`
	School    string `json:"school"` // for the printed slip: a class teacher may not read the school's page
	Class     string `json:"class"`  // grade and class, e.g. 一年级1班
}

// GuardianSignup is what a guardian types to join with a binding code.
type GuardianSignup struct {
	Code     string `json:"code"`
	Name     string `json:"name"`
	Phone    string `json:"phone"`
	Relation string `json:"relation"`
	Password string `json:"password"`
}

// UserFilter selects users. Nil fields do not filter.
type UserFilter struct {
	Under  *int64 // users with a grant in this subtree
	Query  *string
	Offset int
	Limit  int
}

// AuditFilter selects audit entries. Nil fields do not filter.
type AuditFilter struct {
	Actor  *string
	Action *string
	Object *string
	From   *time.Time
	To     *time.Time
	Offset int
	Limit  int
}

// AccessService holds accounts, sessions, tokens, binding codes and the
// audit log. Every method reads the actor from ctx, except those that make
// one (Login, SessionActor, TokenActor, RedeemBindingCode).
type AccessService interface {
	// CreateUser adds an account with its grants. Forbidden unless the actor
	// may manage users at every grant's org; Invalid; Conflict (login).
	CreateUser(ctx context.Context, u *User, password string) error
	// FindUsers lists the accounts with grants in the actor's scope.
	FindUsers(ctx context.Context, f UserFilter) ([]*User, int, error)
	// FindUserByID returns one account. NotFound outside the actor's scope.
	FindUserByID(ctx context.Context, id int64) (*User, error)
	// AddGrant gives a user one more grant. Forbidden, Invalid, NotFound.
	AddGrant(ctx context.Context, userID int64, g Grant) error
	// ResetPassword sets another user's password. Forbidden, Invalid, NotFound.
	ResetPassword(ctx context.Context, userID int64, password string) error
	// ChangePassword changes the actor's own password. Invalid (old wrong, new weak).
	ChangePassword(ctx context.Context, old, password string) error
	// Login checks a password and opens a session. Unauthenticated for a
	// wrong login or password; TooManyRequests while throttled.
	Login(ctx context.Context, login, password, remote string) (*Session, error)
	// SessionActor returns the actor of a session token and its CSRF token.
	// Unauthenticated for an unknown or expired session.
	SessionActor(ctx context.Context, token, remote string) (*Actor, string, error)
	// Logout ends a session.
	Logout(ctx context.Context, token string) error
	// CreateToken makes an API token with one grant and returns its secret,
	// shown once. Forbidden, Invalid.
	CreateToken(ctx context.Context, name string, role AccessRole, orgID int64) (string, *APIToken, error)
	// CreateTokenFor makes an API token with the grant g: its role, org
	// and, for a region viewer, its duty. Forbidden, Invalid.
	CreateTokenFor(ctx context.Context, name string, g Grant) (string, *APIToken, error)
	// FindTokens lists the tokens in the actor's scope.
	FindTokens(ctx context.Context) ([]*APIToken, error)
	// RevokeToken revokes a token. NotFound outside the actor's scope.
	RevokeToken(ctx context.Context, id int64) error
	// TokenActor returns the actor of an API token and notes its use.
	// Unauthenticated for an unknown or revoked token.
	TokenActor(ctx context.Context, secret, remote string) (*Actor, error)
	// IssueBindingCodes makes a fresh code for every active student of a
	// class, revoking their unused older codes. NotFound, Forbidden.
	IssueBindingCodes(ctx context.Context, classID int64) ([]BindingCode, error)
	// RevokeBindingCodes revokes a student's unused codes. NotFound, Forbidden.
	RevokeBindingCodes(ctx context.Context, studentID int64) error
	// RedeemBindingCode signs a guardian up (or links an existing guardian
	// account with the same phone) with a code that works once.
	// Invalid (code, fields), Conflict.
	RedeemBindingCode(ctx context.Context, s GuardianSignup, remote string) (*User, error)
	// RevealIdentity returns a person's full ID number and phone, and audits
	// the reveal. NotFound, Forbidden.
	RevealIdentity(ctx context.Context, personID int64) (idNumber, phone string, err error)
	// FindAudit searches the audit log of the actor's regions. Forbidden.
	FindAudit(ctx context.Context, f AuditFilter) ([]*AuditEntry, int, error)
}
