package web

import (
	"errors"
	"net/http"
	"strings"

	"campusguard"
	"campusguard/internal/authn"
	"campusguard/internal/i18n"
)

// formState is what a form shows after a refused post: the message, each
// bad field, and which inputs to mark.
type formState struct {
	Message string
	Errors  []fieldLine
	bad     map[string]bool
}

// Bad reports whether the field was refused, for aria-invalid.
func (f *formState) Bad(field string) bool { return f.bad[field] }

// formFailed fills f from an input error (Invalid or Conflict) and returns
// the status to answer with; ok is false for any other error, which the
// caller returns to the error page.
func formFailed(l i18n.Lang, err error, f *formState) (status int, ok bool) {
	return formFailedAs(l, err, f, nil)
}

// formFailedAs is formFailed for a form whose fields the store names
// otherwise: as["role"] = "access_role" labels the store's "role" as an
// account's role, not a staff member's post.
func formFailedAs(l i18n.Lang, err error, f *formState, as map[string]string) (status int, ok bool) {
	var ce *campusguard.Error
	if !errors.As(err, &ce) || (ce.Code != campusguard.Invalid && ce.Code != campusguard.Conflict) {
		return 0, false
	}
	f.Message = tr(l, ce.Message, ce.Args...)
	f.bad = map[string]bool{}
	for _, fe := range ce.Fields {
		label := fe.Field
		if x, ok := as[label]; ok {
			label = x
		}
		f.Errors = append(f.Errors, fieldLine{Field: fieldLabel(l, label), Reason: tr(l, fe.Msg, fe.Args...)})
		f.bad[fe.Field] = true
	}
	return codeStatus[ce.Code], true
}

// loginPage is the sign-in form.
type loginPage struct {
	basePage
	formState
	Login  string
	Next   string
	Notice string // translated: signed out, joined
}

// handleLoginForm handles "GET /login?next=": the sign-in form. Someone
// already signed in goes on to where they were going.
func (s *Server) handleLoginForm(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if campusguard.ActorFrom(r.Context()) != nil && q.Get("joined") == "" {
		return seeOther(w, r, nextPath(q.Get("next")))
	}
	p := &loginPage{basePage: s.base(r, "page.login.title"), Next: nextPath(q.Get("next"))}
	switch {
	case q.Get("out") != "":
		p.Notice = p.T("login.signed_out")
	case q.Get("joined") != "":
		p.Notice = p.T("login.joined")
	}
	return s.render(w, r, http.StatusOK, "login", p)
}

// handleLogin handles "POST /login": a login and a password. A wrong one
// gets the same answer whichever was wrong; while throttled the form says
// how long to wait.
func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) error {
	if !authn.SameOrigin(r) {
		return campusguard.Errorf(campusguard.Forbidden, "error.cross_origin")
	}
	login, password := strings.TrimSpace(r.PostFormValue("login")), r.PostFormValue("password")
	p := &loginPage{basePage: s.base(r, "page.login.title"), Login: login, Next: nextPath(r.PostFormValue("next"))}
	if login == "" || password == "" {
		var fe []campusguard.FieldError
		if login == "" {
			fe = append(fe, campusguard.FieldError{Field: "login", Msg: "error.required"})
		}
		if password == "" {
			fe = append(fe, campusguard.FieldError{Field: "password", Msg: "error.required"})
		}
		status, _ := formFailed(p.Lang, campusguard.InvalidFields(fe), &p.formState)
		return s.render(w, r, status, "login", p)
	}
	sess, err := s.Access.Login(r.Context(), login, password, authn.RemoteAddr(r))
	var ce *campusguard.Error
	switch {
	case err == nil:
		s.endOldSession(r)
		authn.SetSessionCookie(w, r, sess)
		http.Redirect(w, r, p.Next, http.StatusSeeOther)
		return nil
	case errors.As(err, &ce) && ce.Code == campusguard.Unauthenticated:
		p.Message = p.T("error.login_failed")
		return s.render(w, r, http.StatusUnauthorized, "login", p)
	case errors.As(err, &ce) && ce.Code == campusguard.TooManyRequests:
		setRetryAfter(w, ce)
		p.Message = tr(p.Lang, ce.Message, ce.Args...)
		return s.render(w, r, http.StatusTooManyRequests, "login", p)
	}
	return err
}

// endOldSession ends the session the request came with, if any, when a
// new one replaces it.
func (s *Server) endOldSession(r *http.Request) {
	if old := authn.SessionToken(r); old != "" {
		if err := s.Access.Logout(r.Context(), old); err != nil {
			s.Logger.Warn("end old session", "err", err)
		}
	}
}

// handleLogout handles "POST /logout": the session ends here and in the
// store, so a copied cookie is worth nothing.
func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) error {
	if tok := authn.SessionToken(r); tok != "" {
		if err := s.Access.Logout(r.Context(), tok); err != nil {
			return err
		}
	}
	authn.ClearSessionCookie(w, r)
	http.Redirect(w, r, "/login?out=1", http.StatusSeeOther)
	return nil
}

// joinPage is a guardian's sign-up with the binding code the school gave.
type joinPage struct {
	basePage
	formState
	Code      string
	Name      string
	Phone     string
	Relations []option
}

func (s *Server) joinPage(r *http.Request, code, name, phone, relation string) *joinPage {
	p := &joinPage{basePage: s.base(r, "page.join.title"), Code: code, Name: name, Phone: phone}
	p.Relations = append(p.Relations, option{Value: "", Label: p.T("join.relation.choose"), Selected: relation == ""})
	for _, rel := range relations {
		p.Relations = append(p.Relations, option{Value: rel.value, Label: p.T(relationKey(rel.key)), Selected: rel.value == relation})
	}
	return p
}

// handleJoinForm handles "GET /join?code=": the sign-up form, with the code
// filled in when the link carried it.
func (s *Server) handleJoinForm(w http.ResponseWriter, r *http.Request) error {
	p := s.joinPage(r, strings.TrimSpace(r.URL.Query().Get("code")), "", "", "")
	return s.render(w, r, http.StatusOK, "join", p)
}

// handleJoin handles "POST /join": the code, the guardian's name, phone,
// relation and a password. The code works once; the guardian is signed in
// and sees their child's file.
func (s *Server) handleJoin(w http.ResponseWriter, r *http.Request) error {
	if !authn.SameOrigin(r) {
		return campusguard.Errorf(campusguard.Forbidden, "error.cross_origin")
	}
	su := campusguard.GuardianSignup{Code: strings.TrimSpace(r.PostFormValue("code")), Name: strings.TrimSpace(r.PostFormValue("name")),
		Phone: strings.TrimSpace(r.PostFormValue("phone")), Relation: r.PostFormValue("relation"), Password: r.PostFormValue("password")}
	p := s.joinPage(r, su.Code, su.Name, su.Phone, su.Relation)
	var err error
	if su.Password != r.PostFormValue("password2") {
		err = campusguard.InvalidFields([]campusguard.FieldError{{Field: "password2", Msg: "error.password_mismatch"}})
	} else {
		_, err = s.Access.RedeemBindingCode(r.Context(), su, authn.RemoteAddr(r))
	}
	if err != nil {
		status, ok := formFailed(p.Lang, err, &p.formState)
		if !ok {
			return err
		}
		return s.render(w, r, status, "join", p)
	}
	ctx := r.Context()
	remote := authn.RemoteAddr(r)
	sess, err := s.Access.Login(ctx, su.Phone, su.Password, remote)
	if err != nil {
		// The phone already had an account with another password: the
		// child is linked to it; sign in with that password.
		return seeOther(w, r, "/login?joined=1")
	}
	s.endOldSession(r)
	authn.SetSessionCookie(w, r, sess)
	next := "/"
	if a, _, err := s.Access.SessionActor(ctx, sess.Token, remote); err == nil && len(a.GuardianOf) == 1 {
		next = personURL(a.GuardianOf[0])
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// passwordPage is the form to change one's own password.
type passwordPage struct {
	basePage
	formState
	Done bool
}

// handlePasswordForm handles "GET /account/password".
func (s *Server) handlePasswordForm(w http.ResponseWriter, r *http.Request) error {
	if err := needUser(r); err != nil {
		return err
	}
	p := &passwordPage{basePage: s.base(r, "page.password.title"), Done: r.URL.Query().Get("done") != ""}
	return s.render(w, r, http.StatusOK, "password", p)
}

// handlePasswordChange handles "POST /account/password": the old password
// and the new one twice. Every session of the user ends, this one is
// replaced by a new one.
func (s *Server) handlePasswordChange(w http.ResponseWriter, r *http.Request) error {
	if err := needUser(r); err != nil {
		return err
	}
	ctx := r.Context()
	a := campusguard.ActorFrom(ctx)
	p := &passwordPage{basePage: s.base(r, "page.password.title")}
	old, pw := r.PostFormValue("old_password"), r.PostFormValue("password")
	u, err := s.Access.FindUserByID(ctx, a.UserID)
	if err != nil {
		return err
	}
	if pw != r.PostFormValue("password2") {
		err = campusguard.InvalidFields([]campusguard.FieldError{{Field: "password2", Msg: "error.password_mismatch"}})
	} else {
		err = s.Access.ChangePassword(ctx, old, pw)
	}
	if err != nil {
		status, ok := formFailed(p.Lang, err, &p.formState)
		if !ok {
			return err
		}
		return s.render(w, r, status, "password", p)
	}
	sess, err := s.Access.Login(ctx, u.Login, pw, authn.RemoteAddr(r))
	if err != nil {
		authn.ClearSessionCookie(w, r)
		return seeOther(w, r, "/login")
	}
	authn.SetSessionCookie(w, r, sess)
	return seeOther(w, r, "/account/password?done=1")
}

// needUser refuses a request that is not a user's own session, such as a
// device token's: only a user has a password.
func needUser(r *http.Request) error {
	if a := campusguard.ActorFrom(r.Context()); a == nil || a.UserID == 0 {
		return campusguard.Errorf(campusguard.Forbidden, "error.forbidden")
	}
	return nil
}
