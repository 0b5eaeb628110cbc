package authn

import (
	"mime"
	"net/http"
	"net/url"
	"strings"
)

// SameOrigin reports whether a browser sent r from one of our own pages.
// The anonymous posts (sign-in, join) carry no CSRF token, so another site
// could otherwise sign a visitor in to an account of its choosing (login
// CSRF). A browser says where a post comes from in Origin (or, failing
// that, Referer); its host must be the request's. A request with neither
// is not from a browser page (a phone app, curl) and is let through.
func SameOrigin(r *http.Request) bool {
	from := r.Header.Get("Origin")
	if from == "" {
		from = r.Header.Get("Referer")
	}
	if from == "" {
		return true
	}
	if from == "null" { // a sandboxed frame, a data: page
		return false
	}
	u, err := url.Parse(from)
	if err != nil || u.Host == "" {
		return false
	}
	return strings.EqualFold(u.Host, r.Host)
}

// IsJSON reports whether r's body is declared JSON. A form on another site
// can post text/plain that parses as JSON without asking the browser's
// permission; application/json needs it (CORS preflight), so requiring it
// closes that door.
func IsJSON(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}
