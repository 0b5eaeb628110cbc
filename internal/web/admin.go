package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"campusguard"
	"campusguard/internal/i18n"
)

// Page sizes of the admin lists.
const (
	usersPerPage = 50
	auditPerPage = 50
	orgChoiceMax = 500 // regions and schools offered in a select; others by id
)

// accountFields names the fields of the account forms as the store calls
// them where a label of their own is needed.
var accountFields = map[string]string{"role": "access_role"}

// needRight refuses an actor without act anywhere: the admin pages exist
// for everyone, but open only to those with the right.
func needRight(r *http.Request, act campusguard.Action) error {
	if !campusguard.ActorFrom(r.Context()).CanAnywhere(act) {
		return campusguard.Errorf(campusguard.Forbidden, "error.forbidden")
	}
	return nil
}

// grantForm is the part of a form that names a role at an org: the role,
// the org from a select (regions and schools) or picked by name (any node,
// grades and classes included), and a viewer's duty.
type grantForm struct {
	Roles   []option
	Orgs    []option
	OrgID   string   // picked (a refused form's, sent back)
	OrgPick pickList // the picker, with the one picked
	Duties  []option
}

// grantForm returns the choices of a grant for the actor, with the values
// of a refused post selected again. Guardians join by code, not here.
func (s *Server) grantForm(ctx context.Context, a *campusguard.Actor, l i18n.Lang, roles []campusguard.AccessRole,
	role, org, orgID, duty string) (grantForm, error) {
	g := grantForm{OrgID: orgID, OrgPick: pickList{Lang: l, Field: "org_id", Choices: s.chosenOrg(ctx, l, orgID)}}
	for _, r := range roles {
		if r == campusguard.SystemAdmin && !isSystemAdmin(a) {
			continue
		}
		g.Roles = append(g.Roles, option{Value: string(r), Label: tr(l, accessRoleKey(r)), Selected: string(r) == role})
	}
	g.Duties = []option{{Value: "", Label: tr(l, "admin.duty.none"), Selected: duty == ""}}
	for _, d := range duties {
		g.Duties = append(g.Duties, option{Value: d, Label: tr(l, dutyKey(d)), Selected: d == duty})
	}
	orgs, err := s.orgChoices(ctx, a, l)
	if err != nil {
		return g, err
	}
	g.Orgs = append([]option{{Value: "", Label: tr(l, "admin.org.choose")}}, orgs...)
	for i := range g.Orgs {
		g.Orgs[i].Selected = g.Orgs[i].Value == org && org != ""
	}
	return g, nil
}

func isSystemAdmin(a *campusguard.Actor) bool {
	_, all := a.Scopes(campusguard.ManageUsers)
	return all
}

// userRoles are the roles an admin may give an account; tokenRoles those
// a device or an integration may have.
var (
	userRoles  = []campusguard.AccessRole{campusguard.SystemAdmin, campusguard.RegionAdmin, campusguard.RegionViewer, campusguard.Inspector, campusguard.SchoolAdmin, campusguard.HealthOffice, campusguard.ClassTeacher, campusguard.GateStaff, campusguard.StaffMember}
	tokenRoles = []campusguard.AccessRole{campusguard.RegionAdmin, campusguard.RegionViewer, campusguard.Inspector, campusguard.SchoolAdmin, campusguard.HealthOffice, campusguard.ClassTeacher, campusguard.GateStaff}
)

// orgChoices lists the regions and schools where the actor manages users,
// for a select; grades and classes are typed by number.
func (s *Server) orgChoices(ctx context.Context, a *campusguard.Actor, l i18n.Lang) ([]option, error) {
	return s.orgChoicesFor(ctx, a, l, campusguard.ManageUsers)
}

// orgChoicesFor lists the regions and schools where the actor may do act.
func (s *Server) orgChoicesFor(ctx context.Context, a *campusguard.Actor, l i18n.Lang, act campusguard.Action) ([]option, error) {
	var out []option
	seen := map[int64]bool{}
	add := func(o *campusguard.Org) {
		if seen[o.ID] || !a.Can(act, o.Path) {
			return
		}
		seen[o.ID] = true
		out = append(out, option{Value: strconv.FormatInt(o.ID, 10), Label: o.Name + "（" + orgLabel(l, o) + "）"})
	}
	var unders []*int64
	paths, all := a.Scopes(act)
	if all {
		unders = []*int64{nil}
	}
	for _, p := range paths {
		ids := campusguard.PathIDs(p)
		if len(ids) == 0 {
			continue
		}
		o, err := s.Orgs.FindOrgByID(ctx, ids[len(ids)-1])
		if campusguard.ErrorCode(err) == campusguard.NotFound {
			continue
		}
		if err != nil {
			return nil, err
		}
		add(o)
		unders = append(unders, &o.ID)
	}
	for _, under := range unders {
		for _, k := range []campusguard.OrgKind{campusguard.KindRegion, campusguard.KindSchool} {
			orgs, _, err := s.Orgs.FindOrgs(ctx, campusguard.OrgFilter{Under: under, Kind: ptr(k), Limit: orgChoiceMax})
			if err != nil {
				return nil, err
			}
			for _, o := range orgs {
				if len(out) < orgChoiceMax {
					add(o)
				}
			}
		}
	}
	return out, nil
}

// formGrant reads a grant from a form: the role, the org typed (which wins)
// or chosen, and the duty.
func formGrant(r *http.Request) (campusguard.Grant, error) {
	g := campusguard.Grant{Role: campusguard.AccessRole(r.PostFormValue("role")), Duty: r.PostFormValue("duty")}
	org := strings.TrimSpace(r.PostFormValue("org_id"))
	field := "org_id"
	if org == "" {
		org, field = r.PostFormValue("org"), "org"
	}
	if org != "" {
		id, err := strconv.ParseInt(org, 10, 64)
		if err != nil || id <= 0 {
			return g, campusguard.InvalidFields([]campusguard.FieldError{{Field: field, Msg: "error.bad_id"}})
		}
		g.OrgID = id
	}
	return g, nil
}

// userRow is one account in the list.
type userRow struct {
	URL      string
	Login    string
	Name     string
	Roles    []string
	Created  string
	Disabled bool
}

// usersPage lists the accounts the actor manages.
type usersPage struct {
	basePage
	Query  string
	Users  []userRow
	Pager  pager
	NewURL string
}

// handleUserIndex handles "GET /admin/users?q=&offset=".
func (s *Server) handleUserIndex(w http.ResponseWriter, r *http.Request) error {
	if err := needRight(r, campusguard.ManageUsers); err != nil {
		return err
	}
	p := &usersPage{basePage: s.base(r, "page.users.title"), Query: searchText(r.URL.Query().Get("q")), NewURL: "/admin/users/new"}
	p.Crumbs = []crumb{{Name: p.Title}}
	f := campusguard.UserFilter{Offset: queryOffset(r), Limit: usersPerPage}
	if p.Query != "" {
		f.Query = &p.Query
	}
	users, total, err := s.Access.FindUsers(r.Context(), f)
	if err != nil {
		return err
	}
	for _, u := range users {
		row := userRow{URL: userURL(u.ID), Login: u.Login, Name: u.Name, Created: p.Time(u.CreatedAt), Disabled: u.Disabled}
		for _, g := range u.Grants {
			row.Roles = append(row.Roles, roleLabel(p.Lang, g))
		}
		p.Users = append(p.Users, row)
	}
	p.Pager = newPager(r, f.Offset, usersPerPage, len(users), total)
	return s.render(w, r, http.StatusOK, "users", p)
}

func userURL(id int64) string { return "/admin/users/" + strconv.FormatInt(id, 10) }

// userNewPage is the form for a new account with its first grant.
type userNewPage struct {
	basePage
	formState
	Login    string
	Name     string
	PersonID string
	// PersonPick is the staff member picked by name (issue 19).
	PersonPick pickList
	Grant      grantForm
}

// handleUserNew handles "GET /admin/users/new?org_id=": the form, with the
// org filled in when the link came from its page.
func (s *Server) handleUserNew(w http.ResponseWriter, r *http.Request) error {
	if err := needRight(r, campusguard.ManageUsers); err != nil {
		return err
	}
	p, err := s.userNewPage(r, "", "", "", "", r.URL.Query().Get("org_id"), "", "")
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "user_new", p)
}

func (s *Server) userNewPage(r *http.Request, login, name, personID, role, orgID, org, duty string) (*userNewPage, error) {
	p := &userNewPage{basePage: s.base(r, "page.user_new.title"), Login: login, Name: name, PersonID: personID}
	p.PersonPick = pickList{Lang: p.Lang, Field: "person_id", Choices: s.chosenPerson(r.Context(), personID)}
	p.Crumbs = []crumb{{Name: p.T("page.users.title"), URL: "/admin/users"}, {Name: p.Title}}
	p.setBack("/admin/users/new")
	// A number from the org's page goes in the select when it is there.
	if org == "" && orgID != "" {
		org, orgID = orgID, ""
	}
	g, err := s.grantForm(r.Context(), p.actor, p.Lang, userRoles, role, org, orgID, duty)
	if err != nil {
		return nil, err
	}
	if org != "" && !selected(g.Orgs) {
		g.OrgID = org // not among the choices: keep it picked
		g.OrgPick.Choices = s.chosenOrg(r.Context(), p.Lang, org)
	}
	p.Grant = g
	return p, nil
}

func selected(opts []option) bool {
	for _, o := range opts {
		if o.Selected {
			return true
		}
	}
	return false
}

// handleUserCreate handles "POST /admin/users": an account with one grant.
func (s *Server) handleUserCreate(w http.ResponseWriter, r *http.Request) error {
	if err := needRight(r, campusguard.ManageUsers); err != nil {
		return err
	}
	u := &campusguard.User{Login: strings.TrimSpace(r.PostFormValue("login")), Name: strings.TrimSpace(r.PostFormValue("name"))}
	personID := strings.TrimSpace(r.PostFormValue("person_id"))
	g, err := formGrant(r)
	if err == nil && personID != "" {
		id, perr := strconv.ParseInt(personID, 10, 64)
		if perr != nil || id <= 0 {
			err = campusguard.InvalidFields([]campusguard.FieldError{{Field: "person_id", Msg: "error.bad_id"}})
		}
		u.PersonID = &id
	}
	if err == nil {
		u.Grants = []campusguard.Grant{g}
		err = s.Access.CreateUser(r.Context(), u, r.PostFormValue("password"))
	}
	if err == nil {
		return seeOther(w, r, userURL(u.ID)+"?created=1")
	}
	p, perr := s.userNewPage(r, u.Login, u.Name, personID, r.PostFormValue("role"), strings.TrimSpace(r.PostFormValue("org_id")),
		r.PostFormValue("org"), r.PostFormValue("duty"))
	if perr != nil {
		return perr
	}
	status, ok := formFailedAs(p.Lang, err, &p.formState, accountFields)
	if !ok {
		return err
	}
	return s.render(w, r, status, "user_new", p)
}

// userPage is one account: its grants, a form for one more, and a
// password reset.
type userPage struct {
	basePage
	User      *campusguard.User
	Roles     []string
	Created   string
	URL       string
	Notice    string
	Grant     grantForm
	GrantForm formState
	ResetForm formState
}

// handleUserView handles "GET /admin/users/{id}".
func (s *Server) handleUserView(w http.ResponseWriter, r *http.Request) error {
	p, err := s.userPage(r, "", "", "", "")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	for _, n := range []string{"created", "granted", "reset"} {
		if q.Get(n) != "" {
			p.Notice = p.T("admin.user." + n)
		}
	}
	return s.render(w, r, http.StatusOK, "user", p)
}

func (s *Server) userPage(r *http.Request, role, org, orgID, duty string) (*userPage, error) {
	if err := needRight(r, campusguard.ManageUsers); err != nil {
		return nil, err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	u, err := s.Access.FindUserByID(r.Context(), id)
	if err != nil {
		return nil, err
	}
	p := &userPage{basePage: s.base(r, ""), User: u, URL: userURL(u.ID), Created: ""}
	p.Title = u.Name
	p.Created = p.Time(u.CreatedAt)
	p.Crumbs = []crumb{{Name: p.T("page.users.title"), URL: "/admin/users"}, {Name: u.Name}}
	p.setBack(p.URL)
	for _, g := range u.Grants {
		p.Roles = append(p.Roles, roleLabel(p.Lang, g))
	}
	if p.Grant, err = s.grantForm(r.Context(), p.actor, p.Lang, userRoles, role, org, orgID, duty); err != nil {
		return nil, err
	}
	return p, nil
}

// handleGrantCreate handles "POST /admin/users/{id}/grants": one more role.
func (s *Server) handleGrantCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := s.userPage(r, r.PostFormValue("role"), r.PostFormValue("org"), strings.TrimSpace(r.PostFormValue("org_id")), r.PostFormValue("duty"))
	if err != nil {
		return err
	}
	g, err := formGrant(r)
	if err == nil {
		err = s.Access.AddGrant(r.Context(), p.User.ID, g)
	}
	if err == nil {
		return seeOther(w, r, p.URL+"?granted=1")
	}
	status, ok := formFailedAs(p.Lang, err, &p.GrantForm, accountFields)
	if !ok {
		return err
	}
	return s.render(w, r, status, "user", p)
}

// handlePasswordReset handles "POST /admin/users/{id}/password": a new
// password for someone who forgot theirs. Their sessions end.
func (s *Server) handlePasswordReset(w http.ResponseWriter, r *http.Request) error {
	p, err := s.userPage(r, "", "", "", "")
	if err != nil {
		return err
	}
	pw := r.PostFormValue("password")
	if pw != r.PostFormValue("password2") {
		err = campusguard.InvalidFields([]campusguard.FieldError{{Field: "password2", Msg: "error.password_mismatch"}})
	} else {
		err = s.Access.ResetPassword(r.Context(), p.User.ID, pw)
	}
	if err == nil {
		return seeOther(w, r, p.URL+"?reset=1")
	}
	status, ok := formFailedAs(p.Lang, err, &p.ResetForm, accountFields)
	if !ok {
		return err
	}
	return s.render(w, r, status, "user", p)
}

// tokenRow is one API token in the list.
type tokenRow struct {
	ID        int64
	Name      string
	Prefix    string
	Role      string
	Org       string
	CreatedBy string
	Created   string
	LastUsed  string
	Revoked   string
	RevokeURL string // "" once revoked
}

// tokensPage lists the API tokens and makes new ones. A new token's secret
// is shown on the answer to its creation, and never again.
type tokensPage struct {
	basePage
	formState
	Tokens []tokenRow
	Name   string
	Grant  grantForm
	Secret string
	New    *tokenRow
	Notice string
}

// handleTokenIndex handles "GET /admin/tokens".
func (s *Server) handleTokenIndex(w http.ResponseWriter, r *http.Request) error {
	p, err := s.tokensPage(r, "", "", "", "", "")
	if err != nil {
		return err
	}
	if r.URL.Query().Get("revoked") != "" {
		p.Notice = p.T("admin.token.revoked")
	}
	return s.render(w, r, http.StatusOK, "tokens", p)
}

func (s *Server) tokensPage(r *http.Request, name, role, org, orgID, duty string) (*tokensPage, error) {
	if err := needRight(r, campusguard.ManageUsers); err != nil {
		return nil, err
	}
	ctx := r.Context()
	p := &tokensPage{basePage: s.base(r, "page.tokens.title"), Name: name}
	p.Crumbs = []crumb{{Name: p.Title}}
	p.setBack("/admin/tokens")
	tokens, err := s.Access.FindTokens(ctx)
	if err != nil {
		return nil, err
	}
	names := s.orgNames()
	for _, t := range tokens {
		row, err := s.tokenRow(ctx, p, names, t)
		if err != nil {
			return nil, err
		}
		p.Tokens = append(p.Tokens, row)
	}
	if p.Grant, err = s.grantForm(ctx, p.actor, p.Lang, tokenRoles, role, org, orgID, duty); err != nil {
		return nil, err
	}
	return p, nil
}

func (s *Server) tokenRow(ctx context.Context, p *tokensPage, names *orgNames, t *campusguard.APIToken) (tokenRow, error) {
	row := tokenRow{ID: t.ID, Name: t.Name, Prefix: t.Prefix, Role: p.T(accessRoleKey(t.Role)), CreatedBy: t.CreatedBy,
		Created: p.Time(t.CreatedAt)}
	var err error
	if row.Org, err = names.name(ctx, &t.OrgID); err != nil {
		return row, err
	}
	if t.LastUsedAt != nil {
		row.LastUsed = p.Time(*t.LastUsedAt)
	}
	if t.RevokedAt != nil {
		row.Revoked = p.Time(*t.RevokedAt)
	} else {
		row.RevokeURL = "/admin/tokens/" + strconv.FormatInt(t.ID, 10) + "/revoke"
	}
	return row, nil
}

// handleTokenCreate handles "POST /admin/tokens": a token with one grant.
// The answer shows its secret once.
func (s *Server) handleTokenCreate(w http.ResponseWriter, r *http.Request) error {
	if err := needRight(r, campusguard.ManageUsers); err != nil {
		return err
	}
	name := strings.TrimSpace(r.PostFormValue("name"))
	g, err := formGrant(r)
	var secret string
	var t *campusguard.APIToken
	if err == nil {
		secret, t, err = s.Access.CreateTokenFor(r.Context(), name, g)
	}
	if err == nil {
		p, err := s.tokensPage(r, "", "", "", "", "")
		if err != nil {
			return err
		}
		row, err := s.tokenRow(r.Context(), p, s.orgNames(), t)
		if err != nil {
			return err
		}
		p.Secret, p.New = secret, &row
		return s.render(w, r, http.StatusCreated, "tokens", p)
	}
	p, perr := s.tokensPage(r, name, r.PostFormValue("role"), r.PostFormValue("org"), strings.TrimSpace(r.PostFormValue("org_id")), "")
	if perr != nil {
		return perr
	}
	status, ok := formFailedAs(p.Lang, err, &p.formState, accountFields)
	if !ok {
		return err
	}
	return s.render(w, r, status, "tokens", p)
}

// handleTokenRevoke handles "POST /admin/tokens/{id}/revoke".
func (s *Server) handleTokenRevoke(w http.ResponseWriter, r *http.Request) error {
	if err := needRight(r, campusguard.ManageUsers); err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.Access.RevokeToken(r.Context(), id); err != nil {
		return err
	}
	return seeOther(w, r, "/admin/tokens?revoked=1")
}

// auditRow is one line of the audit log.
type auditRow struct {
	At        string
	Actor     string
	Action    string // translated when known
	Object    string
	ObjectURL string
	Remote    string
	Detail    string
}

// auditPage searches the audit log.
type auditPage struct {
	basePage
	formState
	Actor   string
	Actions []option
	Object  string
	From    string
	To      string
	Rows    []auditRow
	Pager   pager
	Action  string
}

// handleAudit handles "GET /admin/audit?actor=&action=&object=&from=&to=&offset=":
// who did what to what, newest first. Dates are days in the schools' zone;
// "to" is included.
func (s *Server) handleAudit(w http.ResponseWriter, r *http.Request) error {
	if err := needRight(r, campusguard.ReadAudit); err != nil {
		return err
	}
	q := r.URL.Query()
	p := &auditPage{basePage: s.base(r, "page.audit.title"), Actor: searchText(q.Get("actor")), Object: searchText(q.Get("object")),
		From: strings.TrimSpace(q.Get("from")), To: strings.TrimSpace(q.Get("to"))}
	p.Crumbs = []crumb{{Name: p.Title}}
	f := campusguard.AuditFilter{Offset: queryOffset(r), Limit: auditPerPage}
	for _, a := range auditActions {
		if a == q.Get("action") {
			p.Action = a
			f.Action = &p.Action
		}
	}
	p.Actions = []option{{Value: "", Label: p.T("audit.action.all"), Selected: p.Action == ""}}
	for _, a := range auditActions {
		p.Actions = append(p.Actions, option{Value: a, Label: p.T(auditActionKey(a)), Selected: a == p.Action})
	}
	if p.Actor != "" {
		f.Actor = &p.Actor
	}
	if p.Object != "" {
		f.Object = &p.Object
	}
	var bad []campusguard.FieldError
	day := func(v, field string, next bool) *time.Time {
		if v == "" {
			return nil
		}
		t, err := time.ParseInLocation("2006-01-02", v, s.Location)
		if err != nil {
			bad = append(bad, campusguard.FieldError{Field: field, Msg: "error.type_date"})
			return nil
		}
		if next {
			t = t.AddDate(0, 0, 1)
		}
		return &t
	}
	f.From, f.To = day(p.From, "from", false), day(p.To, "to", true)
	status := http.StatusOK
	if len(bad) > 0 {
		status, _ = formFailed(p.Lang, campusguard.InvalidFields(bad), &p.formState)
	}
	entries, total, err := s.Access.FindAudit(r.Context(), f)
	if err != nil {
		return err
	}
	for _, e := range entries {
		p.Rows = append(p.Rows, auditRow{At: p.Time(e.At), Actor: auditActorLabel(p.Lang, e), Action: auditActionLabel(p.Lang, e.Action),
			Object: auditObjectLabel(p.Lang, e.Object), ObjectURL: objectURL(e.Object), Remote: e.Remote, Detail: auditDetailLabel(p.Lang, e.Detail)})
	}
	p.Pager = newPager(r, f.Offset, auditPerPage, len(entries), total)
	return s.render(w, r, status, "audit", p)
}

// objectURL returns the page of an audit line's object, or "".
func objectURL(object string) string {
	kind, id, ok := strings.Cut(object, ":")
	if n, err := strconv.ParseInt(id, 10, 64); !ok || err != nil || n <= 0 {
		return ""
	}
	switch kind {
	case "person":
		return "/people/" + id
	case "org":
		return "/orgs/" + id
	case "user":
		return "/admin/users/" + id
	case "case":
		return "/cases/" + id
	case "alert":
		return "/alerts/" + id
	}
	return ""
}

// grantRef hands the grant-fields part its choices and the page that
// translates; Duty shows the region viewer's duty.
type grantRef struct {
	P    *basePage
	G    grantForm
	Duty bool
}

// GrantOf returns what the "grant-fields" template needs.
func (b *basePage) GrantOf(g grantForm, duty bool) grantRef { return grantRef{P: b, G: g, Duty: duty} }
