package api

import (
	"net/http"

	"campusguard"
	"campusguard/internal/authn"
)

// anonymousPost checks a post that needs no session (sign-in, join): from
// our own pages or no browser page at all, with a JSON body declared as
// such (login CSRF: another site's form could otherwise sign a visitor in
// to an account of its choosing).
func anonymousPost(r *http.Request) error {
	if !authn.SameOrigin(r) {
		return campusguard.Errorf(campusguard.Forbidden, "error.cross_origin")
	}
	if !authn.IsJSON(r) {
		return withStatus(http.StatusUnsupportedMediaType, campusguard.Errorf(campusguard.Invalid, "error.want_json"))
	}
	return nil
}
