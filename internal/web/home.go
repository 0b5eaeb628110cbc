package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"campusguard"
	"campusguard/internal/i18n"
)

// emptyPage is the home page of a database that holds no org yet.
type emptyPage struct {
	basePage
}

// handleHome handles "GET /": the first root region's page, or a page that
// tells how to begin when there is none.
func (s *Server) handleHome(w http.ResponseWriter, r *http.Request) error {
	// Every node carries its tree's root as RegionID; the oldest tree is
	// the first root.
	regions, _, err := s.Orgs.FindOrgs(r.Context(), campusguard.OrgFilter{Kind: ptr(campusguard.KindRegion), Limit: 1000})
	if err != nil {
		return err
	}
	var root int64
	for _, o := range regions {
		if root == 0 || o.RegionID < root {
			root = o.RegionID
		}
	}
	if root != 0 {
		return seeOther(w, r, orgURL(root))
	}
	return s.render(w, r, http.StatusOK, "empty", &emptyPage{basePage: s.base(r, "page.empty.title")})
}

// handleLang handles "GET /lang?set=zh-Hant&back=/path": it keeps the chosen
// language in a cookie and goes back to the page the switch was on.
func (s *Server) handleLang(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if l, ok := i18n.Parse(q.Get("set")); ok {
		http.SetCookie(w, &http.Cookie{Name: langCookie, Value: string(l), Path: "/", MaxAge: 365 * 24 * 60 * 60,
			HttpOnly: true, SameSite: http.SameSiteLaxMode})
	}
	http.Redirect(w, r, localPath(q.Get("back")), http.StatusSeeOther)
	return nil
}

// localPath returns back when it is a path on this site, else "/": the
// language switch must not become an open redirect.
func localPath(back string) string {
	if !strings.HasPrefix(back, "/") || strings.HasPrefix(back, "//") || strings.HasPrefix(back, `/\`) ||
		strings.ContainsAny(back, "\\\r\n\t") {
		return "/"
	}
	u, err := url.Parse(back)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return "/"
	}
	return u.RequestURI()
}

func orgURL(id int64) string    { return "/orgs/" + strconv.FormatInt(id, 10) }
func personURL(id int64) string { return "/people/" + strconv.FormatInt(id, 10) }

func ptr[T any](v T) *T { return &v }
