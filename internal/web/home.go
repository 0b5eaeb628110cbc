package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"campusguard"
	"campusguard/internal/i18n"
)

// emptyPage is the home page of someone with nothing to see yet: a
// database that holds no org, or an account without rights.
type emptyPage struct {
	basePage
	NoAccess bool // the account has no rights yet (else the database is empty)
}

// homePage is a guardian's home: their children.
type homePage struct {
	basePage
	Children []childLink
	OrgURL   string // when the guardian also works somewhere
	OwnURL   string // when the guardian is also a staff member
}

// childLink is one of a guardian's children.
type childLink struct {
	URL       string
	Name      string
	Number    string
	ReportURL string // the home report (居家填报)
}

// handleHome handles "GET /": a guardian's children; else the widest node
// the actor may read; else a staff member's own file; else a page that
// says how to begin.
func (s *Server) handleHome(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := campusguard.ActorFrom(ctx)
	org, err := s.homeOrg(ctx, a)
	if err != nil {
		return err
	}
	if len(a.GuardianOf) > 0 {
		p := &homePage{basePage: s.base(r, "page.home.title")}
		for _, id := range a.GuardianOf {
			c, err := s.People.FindPersonByID(ctx, id)
			if campusguard.ErrorCode(err) == campusguard.NotFound {
				continue
			}
			if err != nil {
				return err
			}
			p.Children = append(p.Children, childLink{URL: personURL(c.ID), Name: c.Name, Number: c.Number,
				ReportURL: personURL(c.ID) + "/home-report"})
		}
		if org != 0 {
			p.OrgURL = orgURL(org)
		}
		if a.PersonID != nil {
			p.OwnURL = personURL(*a.PersonID)
		}
		return s.render(w, r, http.StatusOK, "home", p)
	}
	switch {
	case org != 0:
		return seeOther(w, r, orgURL(org))
	case a.PersonID != nil:
		return seeOther(w, r, personURL(*a.PersonID))
	}
	_, all := a.Scopes(campusguard.ReadOrg)
	p := &emptyPage{basePage: s.base(r, "page.empty.title"), NoAccess: !all}
	if p.NoAccess {
		p.Title = p.T("page.no_access.title")
	}
	return s.render(w, r, http.StatusOK, "empty", p)
}

// homeOrg returns the widest node the actor may read: the shallowest of
// its grants, the oldest on a tie; for one who may read every tree, the
// first tree's root. 0 when there is none.
func (s *Server) homeOrg(ctx context.Context, a *campusguard.Actor) (int64, error) {
	paths, all := a.Scopes(campusguard.ReadOrg)
	if all {
		// Every node carries its tree's root as RegionID; the oldest tree
		// is the first root.
		regions, _, err := s.Orgs.FindOrgs(ctx, campusguard.OrgFilter{Kind: ptr(campusguard.KindRegion), Limit: 1000})
		if err != nil {
			return 0, err
		}
		var root int64
		for _, o := range regions {
			if root == 0 || o.RegionID < root {
				root = o.RegionID
			}
		}
		return root, nil
	}
	var best []int64
	for _, p := range paths {
		ids := campusguard.PathIDs(p)
		if len(ids) == 0 {
			continue
		}
		if best == nil || len(ids) < len(best) || len(ids) == len(best) && ids[len(ids)-1] < best[len(best)-1] {
			best = ids
		}
	}
	if best == nil {
		return 0, nil
	}
	return best[len(best)-1], nil
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
