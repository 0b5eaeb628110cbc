package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"campusguard"
	"campusguard/internal/auth"
)

// sessionLife is how long a sign-in lasts. Phones stay signed in for the
// daily reports; a password change or logout ends it sooner.
const sessionLife = 14 * 24 * time.Hour

// dummyHash is checked when a login does not exist, so that a wrong login
// takes as long as a wrong password and does not reveal which accounts exist.
var dummyHash, _ = auth.HashPassword("no such user, no such password")

// forbidden is the error for an action out of the actor's rights on
// something it may see.
func forbidden() error { return campusguard.Errorf(campusguard.Forbidden, "error.forbidden") }

// audit writes one audit line in tx, naming the actor of ctx.
func audit(ctx context.Context, tx *Tx, regionID int64, action, object, detail string) error {
	a := campusguard.ActorFrom(ctx)
	var user, token any
	name, remote := campusguard.ActorName(ctx), ""
	if a != nil {
		if a.UserID != 0 {
			user = a.UserID
		}
		if a.TokenID != 0 {
			token = a.TokenID
		}
		if a.Name != "" {
			name = a.Name
		}
		remote = a.Remote
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO audit_log (region_id, at, user_id, token_id, actor, action, object, remote, detail)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, regionID, tx.now, user, token, name, action, object, remote, detail)
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

// checkGrant checks that role r may be granted at org o (nil for a system
// admin) and that the actor may grant it.
func checkGrant(a *campusguard.Actor, r campusguard.AccessRole, o *campusguard.Org) error {
	bad := func() error {
		return campusguard.InvalidFields([]campusguard.FieldError{{Field: "role", Msg: "error.role_scope"}})
	}
	if !campusguard.ValidAccessRole(r) {
		return campusguard.InvalidFields([]campusguard.FieldError{{Field: "role", Msg: "error.bad_choice"}})
	}
	if r == campusguard.SystemAdmin {
		if o != nil {
			return bad()
		}
		if !a.System && !hasRole(a, campusguard.SystemAdmin) {
			return forbidden()
		}
		return nil
	}
	if o == nil {
		return campusguard.InvalidFields([]campusguard.FieldError{{Field: "org_id", Msg: "error.required"}})
	}
	want := map[campusguard.AccessRole][]campusguard.OrgKind{
		campusguard.RegionAdmin: {campusguard.KindRegion}, campusguard.RegionViewer: {campusguard.KindRegion},
		campusguard.Inspector:   {campusguard.KindRegion},
		campusguard.SchoolAdmin: {campusguard.KindSchool}, campusguard.HealthOffice: {campusguard.KindSchool},
		campusguard.GateStaff: {campusguard.KindSchool}, campusguard.StaffMember: {campusguard.KindSchool},
		campusguard.ClassTeacher: {campusguard.KindClass, campusguard.KindGrade},
	}[r]
	ok := false
	for _, k := range want {
		ok = ok || k == o.Kind
	}
	if !ok {
		return bad()
	}
	if !a.Can(campusguard.ManageUsers, o.Path) {
		return forbidden()
	}
	return nil
}

func hasRole(a *campusguard.Actor, r campusguard.AccessRole) bool {
	for _, g := range a.Grants {
		if g.Role == r {
			return true
		}
	}
	return false
}

// CreateUser adds an account with its grants.
func (s *Store) CreateUser(ctx context.Context, u *campusguard.User, password string) error {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return err
	}
	u.Login, u.Name = strings.TrimSpace(u.Login), strings.TrimSpace(u.Name)
	var fe []campusguard.FieldError
	if u.Login == "" || len(u.Login) > 64 {
		fe = append(fe, campusguard.FieldError{Field: "login", Msg: "error.required"})
	}
	if u.Name == "" {
		fe = append(fe, campusguard.FieldError{Field: "name", Msg: "error.required"})
	}
	if err := campusguard.ValidatePassword(password); err != nil {
		fe = append(fe, campusguard.ErrorFields(err)...)
	}
	if len(fe) > 0 {
		return campusguard.InvalidFields(fe)
	}
	hash, err := auth.HashPasswordContext(ctx, password)
	if err != nil {
		return hashErr(err)
	}
	return s.inTx(ctx, func(tx *Tx) error {
		if len(u.Grants) == 0 && !a.System {
			return campusguard.InvalidFields([]campusguard.FieldError{{Field: "grants", Msg: "error.required"}})
		}
		region := int64(0)
		for i := range u.Grants {
			g := &u.Grants[i]
			if err := checkDuty(*g); err != nil {
				return err
			}
			var o *campusguard.Org
			if g.OrgID != 0 {
				if o, err = findOrgByID(ctx, tx, g.OrgID); err != nil {
					return campusguard.InvalidFields([]campusguard.FieldError{{Field: "org_id", Msg: "error.not_found"}})
				}
				g.OrgPath, g.OrgName, region = o.Path, o.Name, o.RegionID
			}
			if err := checkGrant(a, g.Role, o); err != nil {
				return err
			}
		}
		if u.PersonID != nil {
			// An account tied to a person's file must be a staff member
			// where the actor manages accounts.
			p, path, err := personAndPath(ctx, tx, *u.PersonID)
			if err != nil && !isNotFound(err) { // an outage is not "not found"
				return err
			}
			if err != nil || p.Kind != campusguard.Staff || !a.Can(campusguard.ManageUsers, path) {
				return campusguard.InvalidFields([]campusguard.FieldError{{Field: "person_id", Msg: "error.not_in_school"}})
			}
		}
		if err := loginFree(ctx, tx, u.Login); err != nil {
			return err
		}
		if region == 0 && u.GuardianID != nil {
			tx.QueryRowContext(ctx, `SELECT region_id FROM guardians WHERE id = $1`, *u.GuardianID).Scan(&region)
		}
		if region == 0 && u.PersonID != nil {
			tx.QueryRowContext(ctx, `SELECT region_id FROM people WHERE id = $1`, *u.PersonID).Scan(&region)
		}
		u.RegionID, u.CreatedAt = region, tx.now
		if err := tx.QueryRowContext(ctx, `INSERT INTO users (region_id, login, name, password_hash, person_id, guardian_id,
			disabled, created_at, password_at) VALUES ($1, $2, $3, $4, $5, $6, FALSE, $7, $7) RETURNING id`,
			u.RegionID, u.Login, u.Name, hash, nullID(u.PersonID), nullID(u.GuardianID), tx.now).Scan(&u.ID); err != nil {
			return fmt.Errorf("insert user: %w", err)
		}
		for _, g := range u.Grants {
			if err := insertGrant(ctx, tx, u, g); err != nil {
				return err
			}
		}
		return audit(ctx, tx, u.RegionID, "create_user", "user:"+strconv.FormatInt(u.ID, 10), u.Login)
	})
}

func loginFree(ctx context.Context, q queryer, login string) error {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE login = $1`, login).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return &campusguard.Error{Code: campusguard.Conflict, Message: "error.login_taken",
			Fields: []campusguard.FieldError{{Field: "login", Msg: "error.login_taken"}}}
	}
	return nil
}

func insertGrant(ctx context.Context, tx *Tx, u *campusguard.User, g campusguard.Grant) error {
	var org any
	if g.OrgID != 0 {
		org = g.OrgID
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO grants (region_id, user_id, role, org_id, duty) VALUES ($1, $2, $3, $4, $5)`,
		u.RegionID, u.ID, g.Role, org, g.Duty)
	return err
}

// AddGrant gives a user one more grant.
func (s *Store) AddGrant(ctx context.Context, userID int64, g campusguard.Grant) error {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return err
	}
	if err := checkDuty(g); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *Tx) error {
		u, err := s.userInScope(ctx, tx, a, userID, true)
		if err != nil {
			return err
		}
		var o *campusguard.Org
		if g.OrgID != 0 {
			if o, err = findOrgByID(ctx, tx, g.OrgID); err != nil {
				return campusguard.InvalidFields([]campusguard.FieldError{{Field: "org_id", Msg: "error.not_found"}})
			}
		}
		if err := checkGrant(a, g.Role, o); err != nil {
			return err
		}
		if u.RegionID == 0 && o != nil {
			u.RegionID = o.RegionID
		}
		if err := insertGrant(ctx, tx, u, g); err != nil {
			return err
		}
		return audit(ctx, tx, u.RegionID, "add_grant", "user:"+strconv.FormatInt(u.ID, 10), string(g.Role))
	})
}

// userInScope returns a user the actor may see (one of its grants lies in
// a subtree where the actor manages users), NotFound otherwise; with manage
// set, the actor must also manage it (campusguard.Actor.CanManageUser),
// Forbidden otherwise.
func (s *Store) userInScope(ctx context.Context, q queryer, a *campusguard.Actor, id int64, manage bool) (*campusguard.User, error) {
	u, err := findUser(ctx, q, id)
	if err != nil {
		return nil, err
	}
	if !a.CanSeeUser(u) {
		return nil, notFound("user")
	}
	if manage && !a.CanManageUser(u) {
		return nil, forbidden()
	}
	return u, nil
}

func findUser(ctx context.Context, q queryer, id int64) (*campusguard.User, error) {
	var u campusguard.User
	var person, guardian sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT id, region_id, login, name, person_id, guardian_id, disabled, created_at
		FROM users WHERE id = $1`, id).Scan(&u.ID, &u.RegionID, &u.Login, &u.Name, &person, &guardian, &u.Disabled, &u.CreatedAt)
	if err == sql.ErrNoRows {
		return nil, notFound("user")
	}
	if err != nil {
		return nil, err
	}
	u.PersonID, u.GuardianID, u.CreatedAt = idPtr(person), idPtr(guardian), u.CreatedAt.UTC()
	if u.Grants, err = grantsOf(ctx, q, u.ID); err != nil {
		return nil, err
	}
	return &u, nil
}

func grantsOf(ctx context.Context, q queryer, userID int64) ([]campusguard.Grant, error) {
	rows, err := q.QueryContext(ctx, `SELECT g.role, COALESCE(g.org_id, 0), COALESCE(o.path, ''), COALESCE(o.name, ''), g.duty
		FROM grants g LEFT JOIN orgs o ON o.id = g.org_id WHERE g.user_id = $1 ORDER BY g.id`, userID)
	if err != nil {
		return nil, fmt.Errorf("grants: %w", err)
	}
	defer rows.Close()
	out := []campusguard.Grant{}
	for rows.Next() {
		var g campusguard.Grant
		if err := rows.Scan(&g.Role, &g.OrgID, &g.OrgPath, &g.OrgName, &g.Duty); err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// FindUserByID returns one account in the actor's scope.
func (s *Store) FindUserByID(ctx context.Context, id int64) (*campusguard.User, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	if a.UserID == id {
		return findUser(ctx, s.read, id)
	}
	if !a.CanAnywhere(campusguard.ManageUsers) {
		return nil, notFound("user")
	}
	return s.userInScope(ctx, s.read, a, id, false)
}

// FindUsers lists accounts with a grant in the actor's scope.
func (s *Store) FindUsers(ctx context.Context, f campusguard.UserFilter) ([]*campusguard.User, int, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, 0, err
	}
	var sq conds
	paths, all := a.Scopes(campusguard.ManageUsers)
	if !all {
		if len(paths) == 0 {
			return []*campusguard.User{}, 0, nil
		}
		sq.and("u.id IN (SELECT g.user_id FROM grants g JOIN orgs o ON o.id = g.org_id WHERE " + pathRanges("o.path", paths, sq.arg) + ")")
	}
	if f.Under != nil {
		o, err := s.FindOrgByID(ctx, *f.Under)
		if err != nil {
			return nil, 0, err
		}
		sq.and("u.id IN (SELECT g.user_id FROM grants g JOIN orgs o ON o.id = g.org_id WHERE " + pathRanges("o.path", []string{o.Path}, sq.arg) + ")")
	}
	if f.Query != nil && *f.Query != "" {
		like := "%" + escapeLike(*f.Query) + "%"
		sq.and("(u.name LIKE " + sq.arg(like) + " ESCAPE '\\' OR u.login LIKE " + sq.arg(like) + " ESCAPE '\\')")
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	// The text first: its sq.arg calls add the arguments the call then passes.
	query := `SELECT u.id, COUNT(*) OVER () FROM users u WHERE ` + sq.where() +
		` ORDER BY u.login LIMIT ` + sq.arg(limit) + ` OFFSET ` + sq.arg(max(f.Offset, 0))
	rows, err := s.read.QueryContext(ctx, query, sq.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("find users: %w", err)
	}
	var ids []int64
	total := 0
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id, &total); err != nil {
			rows.Close()
			return nil, 0, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	out := make([]*campusguard.User, 0, len(ids))
	for _, id := range ids {
		u, err := findUser(ctx, s.read, id)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, u)
	}
	return out, total, nil
}

// pathRanges returns "(col >= lo AND col < hi) OR ..." for each subtree.
func pathRanges(col string, paths []string, arg func(any) string) string {
	parts := make([]string, len(paths))
	for i, p := range paths {
		lo, hi := subtree(p)
		parts[i] = "(" + col + " >= " + arg(lo) + " AND " + col + " < " + arg(hi) + ")"
	}
	return "(" + strings.Join(parts, " OR ") + ")"
}

// ResetPassword sets another user's password and ends their sessions.
func (s *Store) ResetPassword(ctx context.Context, userID int64, password string) error {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return err
	}
	if err := campusguard.ValidatePassword(password); err != nil {
		return err
	}
	hash, err := auth.HashPasswordContext(ctx, password)
	if err != nil {
		return hashErr(err)
	}
	return s.inTx(ctx, func(tx *Tx) error {
		if !a.CanAnywhere(campusguard.ManageUsers) {
			return forbidden()
		}
		u, err := s.userInScope(ctx, tx, a, userID, true)
		if err != nil {
			return err
		}
		if err := setPassword(ctx, tx, u.ID, hash); err != nil {
			return err
		}
		return audit(ctx, tx, u.RegionID, "reset_password", "user:"+strconv.FormatInt(u.ID, 10), "")
	})
}

func setPassword(ctx context.Context, tx *Tx, userID int64, hash string) error {
	if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1, password_at = $2 WHERE id = $3`, hash, tx.now, userID); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID)
	return err
}

// ChangePassword changes the actor's own password. Every session of the
// user ends, the current one too: the caller signs in again with the new
// password (a stolen session cannot outlive the change).
func (s *Store) ChangePassword(ctx context.Context, old, password string) error {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return err
	}
	if a.UserID == 0 {
		return forbidden()
	}
	var hash string
	var region int64
	if err := s.read.QueryRowContext(ctx, `SELECT password_hash, region_id FROM users WHERE id = $1`, a.UserID).Scan(&hash, &region); err != nil {
		return err
	}
	if err := campusguard.ValidatePassword(password); err != nil {
		return err
	}
	if len(old) > maxPasswordLen {
		return campusguard.InvalidFields([]campusguard.FieldError{{Field: "old_password", Msg: "error.old_password"}})
	}
	// Guesses of the old password (a stolen session trying to keep the
	// account) are throttled like sign-ins.
	keys := []string{"password:" + strconv.FormatInt(a.UserID, 10)}
	if err := s.claimAttempt(ctx, keys); err != nil {
		return err
	}
	ok, err := auth.CheckPasswordContext(ctx, hash, old)
	if errors.Is(err, auth.ErrBusy) {
		s.unclaimAttempt(ctx, keys)
		return busyError()
	}
	if err != nil && !isNotFound(err) { // an outage is not "not found"
		return err
	}
	if err != nil || !ok {
		return campusguard.InvalidFields([]campusguard.FieldError{{Field: "old_password", Msg: "error.old_password"}})
	}
	newHash, err := auth.HashPasswordContext(ctx, password)
	if err != nil {
		return hashErr(err)
	}
	return s.inTx(ctx, func(tx *Tx) error {
		if err := forgetAttempts(ctx, tx, keys); err != nil {
			return err
		}
		if err := setPassword(ctx, tx, a.UserID, newHash); err != nil {
			return err
		}
		return audit(ctx, tx, region, "change_password", "user:"+strconv.FormatInt(a.UserID, 10), "")
	})
}

// Login checks a login and password, throttled per login and per address,
// and opens a session. The throttle is checked and the attempt counted
// before the password is hashed (claimAttempt), so parallel guesses do not
// slip past it; the hash runs in a bounded slot (auth.ErrBusy: 429).
func (s *Store) Login(ctx context.Context, login, password, remote string) (*campusguard.Session, error) {
	login = strings.TrimSpace(login)
	if login == "" || len(login) > maxLoginLen || len(password) > maxPasswordLen {
		// No account has such a login or password: refused before any
		// hashing, and not stored.
		return nil, campusguard.Errorf(campusguard.Unauthenticated, "error.login_failed")
	}
	keys := []string{"login:" + strings.ToLower(login), "addr:" + remote}
	if err := s.claimAttempt(ctx, keys); err != nil {
		return nil, err
	}
	var id int64
	var hash string
	var disabled bool
	err := s.read.QueryRowContext(ctx, `SELECT id, password_hash, disabled FROM users WHERE login = $1`, login).Scan(&id, &hash, &disabled)
	if err == sql.ErrNoRows {
		hash, id = dummyHash, 0
	} else if err != nil {
		s.unclaimAttempt(ctx, keys)
		return nil, err
	}
	ok, err := auth.CheckPasswordContext(ctx, hash, password)
	if errors.Is(err, auth.ErrBusy) {
		if err := s.unclaimAttempt(ctx, keys); err != nil {
			return nil, err
		}
		return nil, busyError()
	}
	if !ok || id == 0 || disabled {
		var region int64
		if id != 0 {
			s.read.QueryRowContext(ctx, `SELECT region_id FROM users WHERE id = $1`, id).Scan(&region)
		}
		// The failure was counted by claimAttempt; only the audit line here.
		err := s.inTx(ctx, func(tx *Tx) error {
			return audit(campusguard.WithActor(ctx, &campusguard.Actor{Name: login, Remote: remote}), tx, region, "login_failed", "", "")
		})
		if err != nil {
			return nil, err
		}
		return nil, campusguard.Errorf(campusguard.Unauthenticated, "error.login_failed")
	}
	sess := &campusguard.Session{Token: auth.NewToken("", 32), CSRF: auth.NewToken("", 24), UserID: id}
	err = s.inTx(ctx, func(tx *Tx) error {
		if err := forgetAttempts(ctx, tx, keys); err != nil {
			return err
		}
		var region int64
		if err := tx.QueryRowContext(ctx, `SELECT region_id FROM users WHERE id = $1`, id).Scan(&region); err != nil {
			return err
		}
		sess.IssuedAt, sess.ExpiresAt = tx.now, tx.now.Add(sessionLife)
		if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (region_id, token_hash, user_id, csrf, remote, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, region, auth.Digest(sess.Token), id, sess.CSRF, remote, tx.now, sess.ExpiresAt); err != nil {
			return err
		}
		return audit(campusguard.WithActor(ctx, &campusguard.Actor{UserID: id, Name: login, Remote: remote}), tx, region, "login", "user:"+strconv.FormatInt(id, 10), "")
	})
	if err != nil {
		return nil, err
	}
	return sess, nil
}

// throttled returns TooManyRequests, with the seconds to wait, while any
// of keys has failed too often too recently.
func (s *Store) throttled(ctx context.Context, keys []string) error {
	now := s.Now().UTC()
	for _, k := range keys {
		var n int
		var last time.Time
		err := s.read.QueryRowContext(ctx, `SELECT failures, last_at FROM login_failures WHERE key = $1`, k).Scan(&n, &last)
		if err == sql.ErrNoRows {
			continue
		}
		if err != nil {
			return err
		}
		if wait := last.Add(campusguard.ThrottleDelay(n)).Sub(now); wait > 0 {
			return campusguard.Errorf(campusguard.TooManyRequests, "error.throttled", int(wait.Seconds()+0.999))
		}
	}
	return nil
}

// recordFailure counts one more failure for each key.
func recordFailure(ctx context.Context, tx *Tx, keys []string) error {
	for _, k := range keys {
		if _, err := tx.ExecContext(ctx, `INSERT INTO login_failures (key, failures, last_at) VALUES ($1, 1, $2)
			ON CONFLICT (key) DO UPDATE SET failures = login_failures.failures + 1, last_at = excluded.last_at`, k, tx.now); err != nil {
			return err
		}
	}
	return nil
}

// SessionActor returns the actor of a session token and its CSRF token.
func (s *Store) SessionActor(ctx context.Context, token, remote string) (*campusguard.Actor, string, error) {
	var userID int64
	var csrf string
	var expires time.Time
	err := hotReads{s}.QueryRowContext(ctx, `SELECT user_id, csrf, expires_at FROM sessions WHERE token_hash = $1`, auth.Digest(token)).
		Scan(&userID, &csrf, &expires)
	if err == sql.ErrNoRows || (err == nil && !expires.After(s.Now())) {
		return nil, "", campusguard.Errorf(campusguard.Unauthenticated, "error.unauthenticated")
	}
	if err != nil {
		return nil, "", err
	}
	a, err := s.userActor(ctx, userID, remote)
	if err != nil {
		return nil, "", err
	}
	return a, csrf, nil
}

// userActor builds the actor of a user: grants, own person, children.
func (s *Store) userActor(ctx context.Context, userID int64, remote string) (*campusguard.Actor, error) {
	u, err := findUser(ctx, hotReads{s}, userID)
	if campusguard.ErrorCode(err) == campusguard.NotFound || (err == nil && u.Disabled) {
		return nil, campusguard.Errorf(campusguard.Unauthenticated, "error.unauthenticated")
	}
	if err != nil {
		return nil, err
	}
	a := &campusguard.Actor{UserID: u.ID, Name: u.Name, Grants: u.Grants, PersonID: u.PersonID, Remote: remote}
	if u.GuardianID != nil {
		rows, err := hotReads{s}.QueryContext(ctx, `SELECT student_id FROM guardian_students WHERE guardian_id = $1 ORDER BY student_id`, *u.GuardianID)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return nil, err
			}
			a.GuardianOf = append(a.GuardianOf, id)
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// Logout ends a session.
func (s *Store) Logout(ctx context.Context, token string) error {
	return s.inTx(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, auth.Digest(token))
		return err
	})
}

// CreateToken makes an API token for a device or integration.
func (s *Store) CreateToken(ctx context.Context, name string, role campusguard.AccessRole, orgID int64) (string, *campusguard.APIToken, error) {
	return s.CreateTokenFor(ctx, name, campusguard.Grant{Role: role, OrgID: orgID})
}

// CreateTokenFor makes an API token with a grant: a role on an org and, for
// a region viewer, its duty.
func (s *Store) CreateTokenFor(ctx context.Context, name string, g campusguard.Grant) (string, *campusguard.APIToken, error) {
	role, orgID := g.Role, g.OrgID
	if err := checkDuty(g); err != nil {
		return "", nil, err
	}
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return "", nil, err
	}
	name = strings.TrimSpace(name)
	if name == "" {
		return "", nil, campusguard.InvalidFields([]campusguard.FieldError{{Field: "name", Msg: "error.required"}})
	}
	if role == campusguard.GuardianRole || role == campusguard.StaffMember || role == campusguard.SystemAdmin {
		return "", nil, campusguard.InvalidFields([]campusguard.FieldError{{Field: "role", Msg: "error.role_scope"}})
	}
	secret := auth.NewToken("cgt_", 32)
	t := &campusguard.APIToken{Name: name, Prefix: secret[:10], Role: role, Duty: g.Duty, OrgID: orgID, CreatedBy: a.Name}
	err = s.inTx(ctx, func(tx *Tx) error {
		o, err := findOrgByID(ctx, tx, orgID)
		if err != nil {
			return campusguard.InvalidFields([]campusguard.FieldError{{Field: "org_id", Msg: "error.not_found"}})
		}
		if err := checkGrant(a, role, o); err != nil {
			return err
		}
		t.RegionID, t.CreatedAt = o.RegionID, tx.now
		if err := tx.QueryRowContext(ctx, `INSERT INTO api_tokens (region_id, name, token_hash, prefix, role, org_id, created_by, created_at, duty)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, t.RegionID, t.Name, auth.Digest(secret), t.Prefix, t.Role,
			t.OrgID, t.CreatedBy, tx.now, t.Duty).Scan(&t.ID); err != nil {
			return err
		}
		return audit(ctx, tx, t.RegionID, "create_token", "token:"+strconv.FormatInt(t.ID, 10), t.Name)
	})
	if err != nil {
		return "", nil, err
	}
	return secret, t, nil
}

// FindTokens lists the tokens whose org lies where the actor manages users.
func (s *Store) FindTokens(ctx context.Context) ([]*campusguard.APIToken, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	var sq conds
	paths, all := a.Scopes(campusguard.ManageUsers)
	if !all {
		if len(paths) == 0 {
			return []*campusguard.APIToken{}, nil
		}
		sq.and(pathRanges("o.path", paths, sq.arg))
	}
	rows, err := s.read.QueryContext(ctx, `SELECT t.id, t.region_id, t.name, t.prefix, t.role, t.org_id, t.created_by, t.created_at,
		t.last_used_at, t.revoked_at, t.duty FROM api_tokens t JOIN orgs o ON o.id = t.org_id WHERE `+sq.where()+` ORDER BY t.id`, sq.args...)
	if err != nil {
		return nil, fmt.Errorf("find tokens: %w", err)
	}
	defer rows.Close()
	out := []*campusguard.APIToken{}
	for rows.Next() {
		var t campusguard.APIToken
		var used, revoked sql.NullTime
		if err := rows.Scan(&t.ID, &t.RegionID, &t.Name, &t.Prefix, &t.Role, &t.OrgID, &t.CreatedBy, &t.CreatedAt, &used, &revoked,
			&t.Duty); err != nil {
			return nil, err
		}
		t.CreatedAt = t.CreatedAt.UTC()
		if used.Valid {
			v := used.Time.UTC()
			t.LastUsedAt = &v
		}
		if revoked.Valid {
			v := revoked.Time.UTC()
			t.RevokedAt = &v
		}
		out = append(out, &t)
	}
	return out, rows.Err()
}

// RevokeToken revokes a token in the actor's scope.
func (s *Store) RevokeToken(ctx context.Context, id int64) error {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return err
	}
	defer s.tokens.void() // after the commit: a lookup that read the row before it is not kept
	return s.inTx(ctx, func(tx *Tx) error {
		var path string
		var region int64
		err := tx.QueryRowContext(ctx, `SELECT o.path, t.region_id FROM api_tokens t JOIN orgs o ON o.id = t.org_id WHERE t.id = $1`, id).Scan(&path, &region)
		if err == sql.ErrNoRows || (err == nil && !a.Can(campusguard.ManageUsers, path)) {
			return notFound("token")
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL`, tx.now, id); err != nil {
			return err
		}
		return audit(ctx, tx, region, "revoke_token", "token:"+strconv.FormatInt(id, 10), "")
	})
}

// TokenActor returns the actor of an API token and records its use at most
// once a minute, so a busy gate does not write on every request. What a
// token grants is kept for a few seconds (see tokencache.go).
func (s *Store) TokenActor(ctx context.Context, secret, remote string) (*campusguard.Actor, error) {
	digest := auth.Digest(secret)
	now := s.Now().UTC()
	e, ok := s.tokens.get(digest, now)
	if !ok {
		generation := s.tokens.generation.Load() // before the read: a change meanwhile voids what is read
		var path, orgName string
		var used, revoked sql.NullTime
		e = tokenEntry{generation: generation, loaded: now}
		err := hotReads{s}.QueryRowContext(ctx, `SELECT t.id, t.name, t.role, t.org_id, o.path, o.name, t.last_used_at, t.revoked_at, t.duty
			FROM api_tokens t JOIN orgs o ON o.id = t.org_id WHERE t.token_hash = $1`, digest).
			Scan(&e.id, &e.name, &e.grant.Role, &e.grant.OrgID, &path, &orgName, &used, &revoked, &e.grant.Duty)
		if err == sql.ErrNoRows || (err == nil && revoked.Valid) {
			return nil, campusguard.Errorf(campusguard.Unauthenticated, "error.token_invalid")
		}
		if err != nil {
			return nil, err
		}
		e.grant.OrgPath, e.grant.OrgName = path, orgName
		if used.Valid {
			e.used = used.Time
		}
	}
	if e.used.IsZero() || now.Sub(e.used) > time.Minute {
		if err := s.inTx(ctx, func(tx *Tx) error {
			tx.keepsCache = true // a token's row: nothing a check batch reads
			_, err := tx.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2`, tx.now, e.id)
			return err
		}); err != nil {
			return nil, err
		}
		e.used = now
	}
	if !ok || e.used.Equal(now) {
		s.tokens.put(digest, e)
	}
	return &campusguard.Actor{TokenID: e.id, Name: "token:" + e.name, Remote: remote,
		Grants: []campusguard.Grant{e.grant}}, nil
}

// IssueBindingCodes makes a fresh code for every active student of a class.
func (s *Store) IssueBindingCodes(ctx context.Context, classID int64) ([]campusguard.BindingCode, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	var out []campusguard.BindingCode
	err = s.inTx(ctx, func(tx *Tx) error {
		c, err := findOrgByID(ctx, tx, classID)
		if err != nil && !isNotFound(err) { // an outage is not "not found"
			return err
		}
		if err != nil || c.Kind != campusguard.KindClass || !a.Can(campusguard.ReadOrg, c.Path) {
			return notFound("class")
		}
		if !a.Can(campusguard.IssueBinding, c.Path) {
			return forbidden()
		}
		var schoolName, className string
		if err := tx.QueryRowContext(ctx, `SELECT s.name, g.name FROM orgs g JOIN orgs s ON s.id = g.parent_id WHERE g.id = $1`,
			nullID(c.ParentID)).Scan(&schoolName, &className); err != nil {
			return fmt.Errorf("binding codes: school of class %d: %w", c.ID, err)
		}
		className += c.Name
		rows, err := tx.QueryContext(ctx, `SELECT id, name, number FROM people WHERE class_id = $1 AND kind = 'student'
			AND active = TRUE ORDER BY number`, classID)
		if err != nil {
			return err
		}
		for rows.Next() {
			var b campusguard.BindingCode
			if err := rows.Scan(&b.StudentID, &b.Name, &b.Number); err != nil {
				rows.Close()
				return err
			}
			b.Code, b.School, b.Class = auth.NewBindingCode(), schoolName, className
			out = append(out, b)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, b := range out {
			if _, err := tx.ExecContext(ctx, `UPDATE binding_codes SET revoked_at = $1 WHERE student_id = $2
				AND used_at IS NULL AND revoked_at IS NULL`, tx.now, b.StudentID); err != nil {
				return err
			}
		}
		err = insertMany(ctx, tx, "binding_codes", []string{"region_id", "code_hash", "student_id", "created_at"}, len(out),
			func(i int) []any { return []any{c.RegionID, auth.Digest(out[i].Code), out[i].StudentID, tx.now} }, "")
		if err != nil {
			return err
		}
		return audit(ctx, tx, c.RegionID, "issue_binding_codes", "org:"+strconv.FormatInt(c.ID, 10), strconv.Itoa(len(out)))
	})
	return out, err
}

// RevokeBindingCodes revokes a student's unused codes.
func (s *Store) RevokeBindingCodes(ctx context.Context, studentID int64) error {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *Tx) error {
		p, path, err := personAndPath(ctx, tx, studentID)
		if err != nil && !isNotFound(err) { // an outage is not "not found"
			return err
		}
		if err != nil || !a.CanPerson(campusguard.ListPeople, p.ID, path) {
			return hidden(err, "person")
		}
		if !a.Can(campusguard.IssueBinding, path) {
			return forbidden()
		}
		if _, err := tx.ExecContext(ctx, `UPDATE binding_codes SET revoked_at = $1 WHERE student_id = $2
			AND used_at IS NULL AND revoked_at IS NULL`, tx.now, studentID); err != nil {
			return err
		}
		return audit(ctx, tx, p.RegionID, "revoke_binding_codes", "person:"+strconv.FormatInt(p.ID, 10), "")
	})
}

// RedeemBindingCode signs a guardian up with a code that works once.
func (s *Store) RedeemBindingCode(ctx context.Context, su campusguard.GuardianSignup, remote string) (*campusguard.User, error) {
	g := &campusguard.Guardian{Name: su.Name, Phone: su.Phone, Relation: strings.TrimSpace(su.Relation)}
	var fe []campusguard.FieldError
	code := auth.NormalizeBindingCode(su.Code)
	if code == "" {
		fe = append(fe, campusguard.FieldError{Field: "code", Msg: "error.required"})
	}
	if err := g.Validate(); err != nil {
		for _, f := range campusguard.ErrorFields(err) {
			f.Field = strings.TrimPrefix(f.Field, "guardian_")
			fe = append(fe, f)
		}
	}
	if err := campusguard.ValidatePassword(su.Password); err != nil {
		fe = append(fe, campusguard.ErrorFields(err)...)
	}
	if len(fe) > 0 {
		return nil, campusguard.InvalidFields(fe)
	}
	// Codes are guessed from an address like passwords: the same growing
	// delays apply to wrong codes.
	// The throttle is checked and the attempt counted in one step, and the
	// code is checked before anything is hashed: a wrong code costs no
	// argon2 run.
	keys := []string{"join:" + remote}
	if err := s.claimAttempt(ctx, keys); err != nil {
		return nil, err
	}
	var codeID, studentID int64
	err := s.read.QueryRowContext(ctx, `SELECT id, student_id FROM binding_codes WHERE code_hash = $1
		AND used_at IS NULL AND revoked_at IS NULL`, auth.Digest(code)).Scan(&codeID, &studentID)
	if err == sql.ErrNoRows {
		return nil, campusguard.InvalidFields([]campusguard.FieldError{{Field: "code", Msg: "error.code_invalid"}})
	}
	if err != nil {
		return nil, err
	}
	// A right code: not a guess.
	if err := s.unclaimAttempt(ctx, keys); err != nil {
		return nil, err
	}
	hash, err := auth.HashPasswordContext(ctx, su.Password)
	if err != nil {
		return nil, hashErr(err)
	}
	var u *campusguard.User
	err = s.inTx(ctx, func(tx *Tx) error {
		// Read again inside the transaction: the code works once.
		err := tx.QueryRowContext(ctx, `SELECT id, student_id FROM binding_codes WHERE code_hash = $1
			AND used_at IS NULL AND revoked_at IS NULL`, auth.Digest(code)).Scan(&codeID, &studentID)
		if err == sql.ErrNoRows {
			return campusguard.InvalidFields([]campusguard.FieldError{{Field: "code", Msg: "error.code_invalid"}})
		}
		if err != nil {
			return err
		}
		p, err := findPerson(ctx, tx, studentID)
		if err != nil {
			return err
		}
		var id int64
		var existingHash string
		err = tx.QueryRowContext(ctx, `SELECT id, password_hash FROM users WHERE login = $1`, g.Phone).Scan(&id, &existingHash)
		if err == nil {
			// The phone already has an account: only its owner may add a
			// child to it, so the password must be theirs. Checked before
			// the code is spent.
			ok, err := auth.CheckPasswordContext(ctx, existingHash, su.Password)
			if errors.Is(err, auth.ErrBusy) {
				return busyError()
			}
			if !ok {
				return &campusguard.Error{Code: campusguard.Conflict, Message: "error.login_taken",
					Fields: []campusguard.FieldError{{Field: "phone", Msg: "error.login_taken"}}}
			}
			var known string
			if tx.QueryRowContext(ctx, `SELECT name FROM guardians WHERE region_id = $1 AND phone = $2`, p.RegionID, g.Phone).Scan(&known) == nil {
				g.Name = known // a code does not rename a guardian the school knows
			}
		}
		if err := linkGuardian(ctx, tx, p, g); err != nil {
			return err
		}
		switch {
		case err == sql.ErrNoRows:
			u = &campusguard.User{RegionID: p.RegionID, Login: g.Phone, Name: g.Name, GuardianID: &g.ID, CreatedAt: tx.now}
			if err := tx.QueryRowContext(ctx, `INSERT INTO users (region_id, login, name, password_hash, guardian_id, disabled,
				created_at, password_at) VALUES ($1, $2, $3, $4, $5, FALSE, $6, $6) RETURNING id`,
				u.RegionID, u.Login, u.Name, hash, g.ID, tx.now).Scan(&u.ID); err != nil {
				return err
			}
		case err != nil:
			return err
		default:
			// The phone already has an account: the code links this child to
			// it only if it is that guardian's account.
			if u, err = findUser(ctx, tx, id); err != nil {
				return err
			}
			if u.GuardianID == nil || *u.GuardianID != g.ID {
				return &campusguard.Error{Code: campusguard.Conflict, Message: "error.login_taken",
					Fields: []campusguard.FieldError{{Field: "phone", Msg: "error.login_taken"}}}
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE binding_codes SET used_at = $1, used_by = $2 WHERE id = $3`, tx.now, u.ID, codeID); err != nil {
			return err
		}
		actx := campusguard.WithActor(ctx, &campusguard.Actor{UserID: u.ID, Name: g.Name, Remote: remote})
		if err := addEvent(actx, tx, p, "guardian", g.Name); err != nil {
			return err
		}
		return audit(actx, tx, p.RegionID, "redeem_binding_code", "person:"+strconv.FormatInt(p.ID, 10), g.Relation)
	})
	return u, err
}

// personAndPath returns a person and the path that scopes them: their
// class's for a student in a class, else their school's.
func personAndPath(ctx context.Context, q queryer, id int64) (*campusguard.Person, string, error) {
	var path string
	p, err := scanPerson(q.QueryRowContext(ctx, `SELECT `+personColumns+`, COALESCE(c.path, s.path) FROM people p
		JOIN orgs s ON s.id = p.school_id LEFT JOIN orgs c ON c.id = p.class_id WHERE p.id = $1`, id), &path)
	if err == sql.ErrNoRows {
		return nil, "", notFound("person")
	}
	return p, path, err
}

// RevealIdentity returns a person's full ID number and phone, audited.
func (s *Store) RevealIdentity(ctx context.Context, personID int64) (string, string, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return "", "", err
	}
	var id, phone string
	err = s.inTx(ctx, func(tx *Tx) error {
		p, path, err := personAndPath(ctx, tx, personID)
		if err != nil && !isNotFound(err) { // an outage is not "not found"
			return err
		}
		if err != nil || !a.CanPerson(campusguard.ListPeople, p.ID, path) {
			return hidden(err, "person")
		}
		if !a.Can(campusguard.RevealIdentity, path) {
			return forbidden()
		}
		id, phone = p.IDNumber, p.Phone
		return audit(ctx, tx, p.RegionID, "reveal_identity", "person:"+strconv.FormatInt(p.ID, 10), "")
	})
	return id, phone, err
}

// FindAudit searches the audit log of the regions where the actor may.
func (s *Store) FindAudit(ctx context.Context, f campusguard.AuditFilter) ([]*campusguard.AuditEntry, int, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, 0, err
	}
	var sq conds
	paths, all := a.Scopes(campusguard.ReadAudit)
	if !all {
		if len(paths) == 0 {
			return nil, 0, forbidden()
		}
		// A county bureau reads its tree's log, a town only its subtree's.
		sq.and(auditScope(paths, sq.arg))
	}
	if f.Actor != nil && *f.Actor != "" {
		sq.and("actor LIKE " + sq.arg("%"+escapeLike(*f.Actor)+"%") + " ESCAPE '\\'")
	}
	if f.Action != nil && *f.Action != "" {
		sq.and("action = " + sq.arg(*f.Action))
	}
	if f.Object != nil && *f.Object != "" {
		sq.and("object = " + sq.arg(*f.Object))
	}
	if f.From != nil {
		sq.and("at >= " + sq.arg(f.From.UTC()))
	}
	if f.To != nil {
		sq.and("at < " + sq.arg(f.To.UTC()))
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	// The text first: its sq.arg calls add the arguments the call then passes.
	query := `SELECT id, region_id, at, COALESCE(user_id, 0), COALESCE(token_id, 0), actor, action,
		object, remote, detail, COUNT(*) OVER () FROM audit_log WHERE ` + sq.where() +
		` ORDER BY at DESC, id DESC LIMIT ` + sq.arg(limit) + ` OFFSET ` + sq.arg(max(f.Offset, 0))
	rows, err := s.read.QueryContext(ctx, query, sq.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("find audit: %w", err)
	}
	defer rows.Close()
	out := []*campusguard.AuditEntry{}
	total := 0
	for rows.Next() {
		var e campusguard.AuditEntry
		if err := rows.Scan(&e.ID, &e.RegionID, &e.At, &e.UserID, &e.TokenID, &e.Actor, &e.Action, &e.Object, &e.Remote,
			&e.Detail, &total); err != nil {
			return nil, 0, err
		}
		e.At = e.At.UTC()
		out = append(out, &e)
	}
	return out, total, rows.Err()
}
