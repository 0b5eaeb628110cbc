package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"campusguard"
	"campusguard/internal/i18n"
)

// The account and token forms pick a grade or class (for a grant) and a
// staff member (for an account's person) by name: the admin types part of
// a name, the page lists what matches inside the admin's part of the tree,
// and a choice is a radio button carrying the id. Before, the forms asked
// for "the number after /orgs/ in the page's address" (issue 19).

// pickMax bounds a picker's list; the note asks for more letters beyond.
const pickMax = 20

// pickChoice is one line of a picker.
type pickChoice struct {
	ID      int64
	Label   string // the lineage: 云霄一中 · 七年级 · 1班
	Checked bool
}

// pickList is a picker's list: the radio buttons of one field.
type pickList struct {
	Lang     i18n.Lang
	Field    string // org_id or person_id
	Choices  []pickChoice
	More     bool // more matched than are listed
	Searched bool
}

// T translates for the list's template.
func (p pickList) T(key string, args ...any) string { return tr(p.Lang, key, args...) }

// Max is how many a list shows at most.
func (p pickList) Max() int { return pickMax }

// pickPage is a picker's list as a page: htmx swaps its list into the
// form; without htmx it is a page of its own.
type pickPage struct {
	basePage
	List pickList
}

// handlePickOrgs handles "GET /admin/pick/orgs?q=": the grades, classes,
// schools and regions whose name holds q, where the actor manages users.
func (s *Server) handlePickOrgs(w http.ResponseWriter, r *http.Request) error {
	if err := needRight(r, campusguard.ManageUsers); err != nil {
		return err
	}
	p := &pickPage{basePage: s.base(r, "pick.org.title")}
	p.List = pickList{Lang: p.Lang, Field: "org_id"}
	if q := searchText(r.URL.Query().Get("q")); q != "" {
		p.List.Searched = true
		var err error
		p.List.Choices, p.List.More, err = s.pickOrgs(r.Context(), p.actor, p.Lang, q)
		if err != nil {
			return err
		}
	}
	return s.render(w, r, http.StatusOK, "pick", p)
}

// handlePickPeople handles "GET /admin/pick/people?q=": the staff whose
// name or number holds q, where the actor manages users.
func (s *Server) handlePickPeople(w http.ResponseWriter, r *http.Request) error {
	if err := needRight(r, campusguard.ManageUsers); err != nil {
		return err
	}
	p := &pickPage{basePage: s.base(r, "pick.person.title")}
	p.List = pickList{Lang: p.Lang, Field: "person_id"}
	if q := searchText(r.URL.Query().Get("q")); q != "" {
		p.List.Searched = true
		var err error
		p.List.Choices, p.List.More, err = s.pickPeople(r.Context(), p.actor, q)
		if err != nil {
			return err
		}
	}
	return s.render(w, r, http.StatusOK, "pick", p)
}

// managedRoots are the nodes under which the actor manages users: nil
// alone for the whole installation.
func managedRoots(a *campusguard.Actor) []*int64 {
	paths, all := a.Scopes(campusguard.ManageUsers)
	if all {
		return []*int64{nil}
	}
	var out []*int64
	for _, p := range paths {
		if ids := campusguard.PathIDs(p); len(ids) > 0 {
			id := ids[len(ids)-1]
			out = append(out, &id)
		}
	}
	return out
}

// pickOrgs finds the nodes named by q inside the actor's part of the tree.
func (s *Server) pickOrgs(ctx context.Context, a *campusguard.Actor, l i18n.Lang, q string) ([]pickChoice, bool, error) {
	var out []pickChoice
	seen := map[int64]bool{}
	more := false
	for _, under := range managedRoots(a) {
		if under != nil && !seen[*under] {
			o, err := s.Orgs.FindOrgByID(ctx, *under)
			if err != nil && campusguard.ErrorCode(err) != campusguard.NotFound {
				return nil, false, err
			}
			if o != nil && strings.Contains(o.Name, q) && a.Can(campusguard.ManageUsers, o.Path) {
				seen[o.ID] = true
				out = append(out, pickChoice{ID: o.ID, Label: o.Name + "（" + orgLabel(l, o) + "）"})
			}
		}
		orgs, total, err := s.Orgs.FindOrgs(ctx, campusguard.OrgFilter{Under: under, Query: &q, Limit: pickMax})
		if err != nil {
			return nil, false, err
		}
		more = more || total > len(orgs)
		for _, o := range orgs {
			if seen[o.ID] || !a.Can(campusguard.ManageUsers, o.Path) {
				continue
			}
			seen[o.ID] = true
			label, err := s.lineage(ctx, o)
			if err != nil {
				return nil, false, err
			}
			out = append(out, pickChoice{ID: o.ID, Label: label + "（" + orgLabel(l, o) + "）"})
		}
	}
	if len(out) > pickMax {
		out, more = out[:pickMax], true
	}
	return out, more, nil
}

// lineage names a node with its school and grade: "云霄一中 · 七年级 · 1班";
// a region or a school is its own name.
func (s *Server) lineage(ctx context.Context, o *campusguard.Org) (string, error) {
	if o.Kind != campusguard.KindGrade && o.Kind != campusguard.KindClass {
		return o.Name, nil
	}
	names := []string{o.Name}
	for id := o.ParentID; id != nil; {
		p, err := s.Orgs.FindOrgByID(ctx, *id)
		if err != nil {
			return "", err
		}
		names = append([]string{p.Name}, names...)
		if p.Kind == campusguard.KindSchool {
			break
		}
		id = p.ParentID
	}
	return strings.Join(names, " · "), nil
}

// pickPeople finds the staff named by q inside the actor's part of the tree.
func (s *Server) pickPeople(ctx context.Context, a *campusguard.Actor, q string) ([]pickChoice, bool, error) {
	var out []pickChoice
	seen := map[int64]bool{}
	more := false
	staff := campusguard.Staff
	schools := map[int64]string{}
	for _, under := range managedRoots(a) {
		people, total, err := s.People.FindPeople(ctx, campusguard.PersonFilter{Under: under, Kind: &staff, Query: &q, Limit: pickMax})
		if err != nil {
			return nil, false, err
		}
		more = more || total > len(people)
		for _, p := range people {
			if seen[p.ID] {
				continue
			}
			seen[p.ID] = true
			school, ok := schools[p.SchoolID]
			if !ok {
				o, err := s.Orgs.FindOrgByID(ctx, p.SchoolID)
				if err != nil {
					return nil, false, err
				}
				school, schools[p.SchoolID] = o.Name, o.Name
			}
			out = append(out, pickChoice{ID: p.ID, Label: p.Name + " · " + p.Number + " · " + school})
		}
	}
	if len(out) > pickMax {
		out, more = out[:pickMax], true
	}
	return out, more, nil
}

// chosenOrg is the picker's line for an id a refused form sent back, so
// that the choice stays made; nil when there is none to show.
func (s *Server) chosenOrg(ctx context.Context, l i18n.Lang, id string) []pickChoice {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 {
		return nil
	}
	o, err := s.Orgs.FindOrgByID(ctx, n)
	if err != nil {
		return nil
	}
	label, err := s.lineage(ctx, o)
	if err != nil {
		return nil
	}
	return []pickChoice{{ID: o.ID, Label: label + "（" + orgLabel(l, o) + "）", Checked: true}}
}

// chosenPerson is chosenOrg for a staff member.
func (s *Server) chosenPerson(ctx context.Context, id string) []pickChoice {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 {
		return nil
	}
	p, err := s.People.FindPersonByID(ctx, n)
	if err != nil {
		return nil
	}
	return []pickChoice{{ID: p.ID, Label: p.Name + " · " + p.Number, Checked: true}}
}
