package api

import (
	"context"
	"net/http"
	"strings"
	"time"

	"campusguard"
	"campusguard/internal/authn"
)

// session is the JSON of who is signed in: the answer to signing in,
// joining, changing one's password and "GET /api/v1/me".
type session struct {
	User       *campusguard.User    `json:"user"` // null for an API token
	Name       string               `json:"name"`
	Grants     []campusguard.Grant  `json:"grants"`
	Actions    []campusguard.Action `json:"actions"` // what the actor may do somewhere
	PersonID   *int64               `json:"person_id"`
	GuardianOf []int64              `json:"guardian_of"`
	Via        string               `json:"via"`        // "cookie" or "token"
	CSRFToken  string               `json:"csrf_token"` // "" for an API token
	ExpiresAt  *time.Time           `json:"expires_at"` // when a new session ends; null otherwise
}

// allActions lists the actions of the access matrix, for "actions".
var allActions = []campusguard.Action{campusguard.ReadOrg, campusguard.WriteOrg, campusguard.ListPeople,
	campusguard.ReadPersonFile, campusguard.WritePerson, campusguard.RevealIdentity, campusguard.SeeContacts,
	campusguard.IssueBinding, campusguard.ManageUsers, campusguard.ReadAudit}

// sessionOf describes the actor of ctx.
func (s *Server) sessionOf(ctx context.Context, a *campusguard.Actor, csrf string) (*session, error) {
	out := &session{Name: a.Name, Grants: a.Grants, PersonID: a.PersonID, GuardianOf: a.GuardianOf,
		Via: "cookie", CSRFToken: csrf, Actions: []campusguard.Action{}}
	if a.TokenID != 0 {
		out.Via = "token"
	}
	if a.UserID != 0 {
		u, err := s.Access.FindUserByID(ctx, a.UserID)
		if err != nil {
			return nil, err
		}
		out.User = u
	}
	if out.Grants == nil {
		out.Grants = []campusguard.Grant{}
	}
	if out.GuardianOf == nil {
		out.GuardianOf = []int64{}
	}
	for _, act := range allActions {
		if a.CanAnywhere(act) {
			out.Actions = append(out.Actions, act)
		}
	}
	return out, nil
}

// signIn opens a session for login and password, sends its cookie and
// returns what the client needs: the user and the CSRF token. A session
// the request already carried ends.
func (s *Server) signIn(w http.ResponseWriter, r *http.Request, login, password string) (*session, error) {
	ctx, remote := r.Context(), authn.RemoteAddr(r)
	sess, err := s.Access.Login(ctx, login, password, remote)
	if err != nil {
		return nil, err
	}
	a, csrf, err := s.Access.SessionActor(ctx, sess.Token, remote)
	if err != nil {
		return nil, err
	}
	out, err := s.sessionOf(campusguard.WithActor(ctx, a), a, csrf)
	if err != nil {
		return nil, err
	}
	if old := authn.SessionToken(r); old != "" && old != sess.Token {
		if err := s.Access.Logout(ctx, old); err != nil {
			return nil, err
		}
	}
	out.ExpiresAt = &sess.ExpiresAt
	authn.SetSessionCookie(w, r, sess)
	return out, nil
}

// loginBody is the body of "POST /api/v1/login".
type loginBody struct {
	Login    string `json:"login"`
	Password string `json:"password"`
}

// handleLogin handles "POST /api/v1/login": checks a login and password,
// sends the session cookie and returns the user and the CSRF token that
// state-changing requests with the cookie must carry. Throttled: after 3
// failures for one account or one address, a 429 says how long to wait.
func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) error {
	if err := anonymousPost(r); err != nil {
		return err
	}
	var in loginBody
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	var fe []campusguard.FieldError
	if strings.TrimSpace(in.Login) == "" {
		fe = append(fe, campusguard.FieldError{Field: "login", Msg: "error.required"})
	}
	if in.Password == "" {
		fe = append(fe, campusguard.FieldError{Field: "password", Msg: "error.required"})
	}
	if len(fe) > 0 {
		return campusguard.InvalidFields(fe)
	}
	out, err := s.signIn(w, r, in.Login, in.Password)
	if err != nil {
		return err
	}
	return ok(w, out)
}

// handleJoin handles "POST /api/v1/join": a guardian signs up with the
// binding code the school gave for their child, and is signed in. A code
// works once.
func (s *Server) handleJoin(w http.ResponseWriter, r *http.Request) error {
	if err := anonymousPost(r); err != nil {
		return err
	}
	var in campusguard.GuardianSignup
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	u, err := s.Access.RedeemBindingCode(r.Context(), in, authn.RemoteAddr(r))
	if err != nil {
		return err
	}
	out, err := s.signIn(w, r, u.Login, in.Password)
	if err != nil {
		return err
	}
	return created(w, "/api/v1/me", out)
}

// handleLogout handles "POST /api/v1/logout": ends the session of the
// cookie and removes the cookie. An API token stays valid; it is revoked
// with "DELETE /api/v1/tokens/{id}".
func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) error {
	if authn.HowAuthenticated(r.Context()) == authn.ViaCookie {
		if err := s.Access.Logout(r.Context(), authn.SessionToken(r)); err != nil {
			return err
		}
		authn.ClearSessionCookie(w, r)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// handleMe handles "GET /api/v1/me": who is signed in, with their grants
// and the session's CSRF token.
func (s *Server) handleMe(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	out, err := s.sessionOf(ctx, campusguard.ActorFrom(ctx), authn.CSRFToken(ctx))
	if err != nil {
		return err
	}
	return ok(w, out)
}

// passwordChange is the body of "POST /api/v1/me/password".
type passwordChange struct {
	OldPassword string `json:"old_password"`
	Password    string `json:"password"`
}

// handleChangePassword handles "POST /api/v1/me/password". A new password
// ends every session of the user, this one included, so the user is signed
// in again with the new password: a new cookie and a new CSRF token.
func (s *Server) handleChangePassword(w http.ResponseWriter, r *http.Request) error {
	var in passwordChange
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	ctx := r.Context()
	a := campusguard.ActorFrom(ctx)
	if a.UserID == 0 {
		return campusguard.Errorf(campusguard.Forbidden, "error.forbidden") // an API token has no password
	}
	u, err := s.Access.FindUserByID(ctx, a.UserID)
	if err != nil {
		return err
	}
	if err := s.Access.ChangePassword(ctx, in.OldPassword, in.Password); err != nil {
		return err
	}
	out, err := s.signIn(w, r, u.Login, in.Password)
	if err != nil {
		return err
	}
	return ok(w, out)
}
