package api

import (
	"fmt"
	"net/http"

	"campusguard"
)

// Accounts, grants, API tokens, binding codes, revealing personal data and
// the audit log. The access service decides who may do each: the handlers
// only translate.

// maxAccessLimit is the longest page of users or audit lines.
const maxAccessLimit = 500

// grantBody is one grant in a request: a role on an org subtree.
type grantBody struct {
	Role  campusguard.AccessRole `json:"role"`
	OrgID int64                  `json:"org_id"`
	Duty  string                 `json:"duty"`
}

func (g grantBody) grant() campusguard.Grant {
	return campusguard.Grant{Role: g.Role, OrgID: g.OrgID, Duty: g.Duty}
}

// handleUserIndex handles "GET /api/v1/users": the accounts with a grant
// where the actor manages users.
func (s *Server) handleUserIndex(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	f := campusguard.UserFilter{Under: q.id("under"), Query: q.text("q")}
	p := q.pageUpTo(maxAccessLimit)
	if err := q.err(); err != nil {
		return err
	}
	f.Offset, f.Limit = p.Offset, p.Limit
	users, total, err := s.Access.FindUsers(r.Context(), f)
	if err != nil {
		return underNotFound(err)
	}
	return ok(w, newList(users, total, p))
}

// userCreate is the body of "POST /api/v1/users".
type userCreate struct {
	Login    string      `json:"login"`
	Name     string      `json:"name"`
	Password string      `json:"password"`
	PersonID *int64      `json:"person_id"`
	Grants   []grantBody `json:"grants"`
}

// handleUserCreate handles "POST /api/v1/users": an account with its
// grants, each of which the actor must be allowed to give.
func (s *Server) handleUserCreate(w http.ResponseWriter, r *http.Request) error {
	var in userCreate
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	ctx := r.Context()
	if in.PersonID != nil {
		// A staff member's own account: the person must be one the actor
		// can see, or an account could be tied to anyone's file.
		if _, err := s.People.FindPersonByID(ctx, *in.PersonID); err != nil {
			if campusguard.ErrorCode(err) == campusguard.NotFound {
				return campusguard.InvalidFields([]campusguard.FieldError{{Field: "person_id", Msg: "error.not_found"}})
			}
			return err
		}
	}
	u := &campusguard.User{Login: in.Login, Name: in.Name, PersonID: in.PersonID, Grants: []campusguard.Grant{}}
	for _, g := range in.Grants {
		u.Grants = append(u.Grants, g.grant())
	}
	if err := s.Access.CreateUser(ctx, u, in.Password); err != nil {
		return err
	}
	got, err := s.Access.FindUserByID(ctx, u.ID)
	if err != nil {
		return err
	}
	return created(w, fmt.Sprintf("/api/v1/users/%d", u.ID), got)
}

// handleUserView handles "GET /api/v1/users/{id}".
func (s *Server) handleUserView(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	u, err := s.Access.FindUserByID(r.Context(), id)
	if err != nil {
		return err
	}
	return ok(w, u)
}

// handleGrantCreate handles "POST /api/v1/users/{id}/grants": one more
// grant for a user; the answer is the user with all their grants.
func (s *Server) handleGrantCreate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in grantBody
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	ctx := r.Context()
	if err := s.Access.AddGrant(ctx, id, in.grant()); err != nil {
		return err
	}
	u, err := s.Access.FindUserByID(ctx, id)
	if err != nil {
		return err
	}
	return created(w, fmt.Sprintf("/api/v1/users/%d", id), u)
}

// passwordReset is the body of "POST /api/v1/users/{id}/password".
type passwordReset struct {
	Password string `json:"password"`
}

// handlePasswordReset handles "POST /api/v1/users/{id}/password": an
// admin sets another user's password; the user's sessions end.
func (s *Server) handlePasswordReset(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in passwordReset
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := s.Access.ResetPassword(r.Context(), id, in.Password); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// handleTokenIndex handles "GET /api/v1/tokens": the API tokens where the
// actor manages users, revoked ones included; never their secrets.
func (s *Server) handleTokenIndex(w http.ResponseWriter, r *http.Request) error {
	tokens, err := s.Access.FindTokens(r.Context())
	if err != nil {
		return err
	}
	return ok(w, newItems(tokens))
}

// tokenCreate is the body of "POST /api/v1/tokens".
type tokenCreate struct {
	Name  string                 `json:"name"`
	Role  campusguard.AccessRole `json:"role"`
	OrgID int64                  `json:"org_id"`
	Duty  string                 `json:"duty"`
}

// newToken is the answer to "POST /api/v1/tokens": the token and its
// secret, which is shown this once and stored only as a digest.
type newToken struct {
	Token  *campusguard.APIToken `json:"token"`
	Secret string                `json:"secret"`
}

// handleTokenCreate handles "POST /api/v1/tokens": a token for a device or
// an integration, with one grant.
func (s *Server) handleTokenCreate(w http.ResponseWriter, r *http.Request) error {
	var in tokenCreate
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.OrgID <= 0 {
		return campusguard.InvalidFields([]campusguard.FieldError{{Field: "org_id", Msg: "error.required"}})
	}
	secret, t, err := s.Access.CreateTokenFor(r.Context(), in.Name, campusguard.Grant{Role: in.Role, OrgID: in.OrgID, Duty: in.Duty})
	if err != nil {
		return err
	}
	return created(w, "", newToken{Token: t, Secret: secret})
}

// handleTokenRevoke handles "DELETE /api/v1/tokens/{id}". Revoking a
// revoked token again changes nothing.
func (s *Server) handleTokenRevoke(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.Access.RevokeToken(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// handleBindingCodesIssue handles "POST /api/v1/classes/{id}/binding-codes":
// a fresh code for every student of the class, shown this once; the
// students' unused older codes stop working.
func (s *Server) handleBindingCodesIssue(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	codes, err := s.Access.IssueBindingCodes(r.Context(), id)
	if err != nil {
		return err
	}
	return created(w, "", newItems(codes))
}

// handleBindingCodesRevoke handles "DELETE /api/v1/people/{id}/binding-codes":
// a student's unused codes stop working.
func (s *Server) handleBindingCodesRevoke(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.Access.RevokeBindingCodes(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// revealed is the answer to "POST /api/v1/people/{id}/reveal".
type revealed struct {
	IDNumber string `json:"id_number"`
	Phone    string `json:"phone"`
}

// handleReveal handles "POST /api/v1/people/{id}/reveal": a person's full
// ID number and phone, for a role that may see them; the audit log records
// who asked. It is a POST because it is an act, not a read to cache.
func (s *Server) handleReveal(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	idNumber, phone, err := s.Access.RevealIdentity(r.Context(), id)
	if err != nil {
		return err
	}
	return ok(w, revealed{IDNumber: idNumber, Phone: phone})
}

// handleAuditIndex handles "GET /api/v1/audit": the audit log of the
// actor's regions, newest first.
func (s *Server) handleAuditIndex(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	f := campusguard.AuditFilter{Actor: q.text("actor"), Action: q.text("action"), Object: q.text("object"),
		From: q.time("from"), To: q.time("to")}
	p := q.pageUpTo(maxAccessLimit)
	if err := q.err(); err != nil {
		return err
	}
	f.Offset, f.Limit = p.Offset, p.Limit
	entries, total, err := s.Access.FindAudit(r.Context(), f)
	if err != nil {
		return err
	}
	return ok(w, newList(entries, total, p))
}
