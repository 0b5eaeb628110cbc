// Package authn is the HTTP side of signing in: it turns a session cookie or
// a bearer token into the actor that the services read from the context,
// sets and clears the cookie, and checks CSRF tokens. It refuses a request
// itself only when it cannot tell who is calling because the database
// failed (503: a device must not drop its token, nor a teacher be sent to
// sign in again and lose a form, over an outage); otherwise each surface
// decides what an anonymous caller gets (a redirect to the login page, or
// a JSON 401).
package authn

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"campusguard"
	"campusguard/internal/i18n"
)

// CookieName is the session cookie's name.
const CookieName = "cg_session"

// CSRFField is the form field, and CSRFHeader the header, that carry the
// CSRF token on state-changing requests made with a session cookie.
const (
	CSRFField  = "csrf"
	CSRFHeader = "X-CSRF-Token"
)

// Sessions is what authn needs from the store.
type Sessions interface {
	SessionActor(ctx context.Context, token, remote string) (*campusguard.Actor, string, error)
	TokenActor(ctx context.Context, secret, remote string) (*campusguard.Actor, error)
}

type ctxKey int

const (
	csrfKey ctxKey = iota
	viaKey
)

// Via says how a request was authenticated.
type Via int

// The ways a request may be authenticated.
const (
	Anonymous Via = iota
	ViaCookie
	ViaToken
)

// Middleware attaches the actor of a valid session cookie or bearer token
// to each request's context.
type Middleware struct {
	Store  Sessions
	Logger *slog.Logger
}

// Wrap returns next behind the middleware.
func (m *Middleware) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		remote := RemoteAddr(r)
		if h := r.Header.Get("Authorization"); h != "" {
			secret, ok := strings.CutPrefix(h, "Bearer ")
			if ok {
				a, err := m.Store.TokenActor(ctx, strings.TrimSpace(secret), remote)
				if err == nil {
					ctx = context.WithValue(campusguard.WithActor(ctx, a), viaKey, ViaToken)
				} else if campusguard.ErrorCode(err) == campusguard.Internal {
					m.unavailable(w, r, "token lookup", err)
					return
				}
			}
		} else if c, err := r.Cookie(CookieName); err == nil && c.Value != "" {
			a, csrf, err := m.Store.SessionActor(ctx, c.Value, remote)
			if err == nil {
				ctx = campusguard.WithActor(ctx, a)
				ctx = context.WithValue(ctx, csrfKey, csrf)
				ctx = context.WithValue(ctx, viaKey, ViaCookie)
			} else if campusguard.ErrorCode(err) == campusguard.Internal {
				m.unavailable(w, r, "session lookup", err)
				return
			}
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// unavailable answers 503 with Retry-After when the caller could not be
// looked up: JSON in the API's error shape under /api/, text otherwise,
// in the caller's language.
func (m *Middleware) unavailable(w http.ResponseWriter, r *http.Request, what string, err error) {
	if m.Logger != nil {
		m.Logger.Error(what, "err", err)
	}
	msg := i18n.T(i18n.Match(r.Header.Get("Accept-Language")), "error.unavailable")
	w.Header().Set("Retry-After", "5")
	w.Header().Set("Cache-Control", "no-store")
	if strings.HasPrefix(r.URL.Path, "/api/") {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		json.NewEncoder(w).Encode(map[string]string{"code": string(campusguard.Internal), "message": msg})
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusServiceUnavailable)
	io.WriteString(w, msg+"\n")
}

// HowAuthenticated returns how the request in ctx was authenticated.
func HowAuthenticated(ctx context.Context) Via {
	v, _ := ctx.Value(viaKey).(Via)
	return v
}

// CSRFToken returns the session's CSRF token, for forms.
func CSRFToken(ctx context.Context) string {
	s, _ := ctx.Value(csrfKey).(string)
	return s
}

// CheckCSRF reports whether a state-changing request may proceed: safe
// methods always; requests with a bearer token always (a browser never
// adds one by itself); cookie requests only with the session's token in
// the form field or the header. Anonymous requests pass: the handler then
// refuses them as unauthenticated, or they are public (login, join).
// Call it after any multipart form has been parsed.
func CheckCSRF(r *http.Request) bool {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return true
	}
	if HowAuthenticated(r.Context()) != ViaCookie {
		return true
	}
	want := CSRFToken(r.Context())
	got := r.Header.Get(CSRFHeader)
	if got == "" {
		got = r.PostFormValue(CSRFField)
	}
	return want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// SetSessionCookie sends the session cookie: HttpOnly, SameSite=Lax (so a
// link from a message app still arrives signed in, while cross-site posts
// do not carry it), Secure when the request came over TLS. Its life is
// given as Max-Age, the session's length on the server's clock, and not
// as an Expires date, which a phone whose clock is wrong would read as
// already past (or as far off); the server ends the session on its own
// clock whatever the cookie says.
func SetSessionCookie(w http.ResponseWriter, r *http.Request, s *campusguard.Session) {
	issued := s.IssuedAt
	if issued.IsZero() {
		issued = time.Now()
	}
	life := max(int(s.ExpiresAt.Sub(issued).Seconds()), 1)
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: s.Token, Path: "/", MaxAge: life, HttpOnly: true,
		Secure: secure(r), SameSite: http.SameSiteLaxMode})
}

// ClearSessionCookie removes the session cookie.
func ClearSessionCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: secure(r), SameSite: http.SameSiteLaxMode})
}

// SessionToken returns the request's session cookie value, or "".
func SessionToken(r *http.Request) string {
	if c, err := r.Cookie(CookieName); err == nil {
		return c.Value
	}
	return ""
}

func secure(r *http.Request) bool {
	return r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https"
}

// RemoteAddr returns the client's address: the connection's peer. A
// forwarded header is not trusted, since anyone can send one; behind a
// load balancer the balancer's address is what the throttle then sees.
func RemoteAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
