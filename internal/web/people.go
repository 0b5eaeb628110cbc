package web

import (
	"context"
	"net/http"

	"campusguard"
	"campusguard/internal/i18n"
)

// peoplePage is the search for people in a node's subtree.
type peoplePage struct {
	basePage
	Org      *campusguard.Org
	OrgURL   string
	Action   string
	Query    string
	Kind     campusguard.PersonKind
	Kinds    []option
	People   []personRow
	Pager    pager
	Searched bool
}

// personRow is one person in a search result.
type personRow struct {
	URL    string
	Number string
	Name   string
	Label  string // student, or the staff member's post
	Gender string
	School string
	Class  string // grade and class
	Active bool
}

// handlePeopleIndex handles "GET /orgs/{id}/people?q=&kind=&offset=": the
// people of a region, school, grade or class, by name, number or ID number.
// The search box asks again as the user types (htmx), and the page swaps in
// the new result list.
func (s *Server) handlePeopleIndex(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	o, err := s.Orgs.FindOrgByID(ctx, id)
	if err != nil {
		return err
	}
	anc, err := s.Orgs.OrgAncestors(ctx, id)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	p := &peoplePage{basePage: s.base(r, "page.people.title"), Org: o, OrgURL: orgURL(o.ID),
		Action: orgURL(o.ID) + "/people", Query: searchText(q.Get("q"))}
	p.Title = p.T("page.people.title") + " · " + o.Name
	p.Crumbs = append(crumbs(anc, o), crumb{Name: p.T("page.people.title")})
	p.Crumbs[len(p.Crumbs)-2].URL = orgURL(o.ID)
	if k := campusguard.PersonKind(q.Get("kind")); k == campusguard.Student || k == campusguard.Staff {
		p.Kind = k
	}
	p.Kinds = []option{{Value: "", Label: p.T("people.kind.all"), Selected: p.Kind == ""}}
	for _, k := range []campusguard.PersonKind{campusguard.Student, campusguard.Staff} {
		p.Kinds = append(p.Kinds, option{Value: string(k), Label: p.T(personKindKey(k)), Selected: k == p.Kind})
	}
	f := campusguard.PersonFilter{Under: &o.ID, Offset: queryOffset(r), Limit: peoplePerPage}
	if p.Query != "" {
		f.Query = &p.Query
	}
	if p.Kind != "" {
		f.Kind = &p.Kind
	}
	p.Searched = p.Query != "" || p.Kind != ""
	people, total, err := s.People.FindPeople(ctx, f)
	if err != nil {
		return err
	}
	names := s.orgNames()
	for _, x := range people {
		row := personRow{URL: personURL(x.ID), Number: x.Number, Name: x.Name, Label: personLabel(p.Lang, x),
			Gender: genderLabel(p.Lang, x.Gender), Active: x.Active}
		if row.School, err = names.name(ctx, &x.SchoolID); err != nil {
			return err
		}
		if row.Class, err = names.className(ctx, x.ClassID); err != nil {
			return err
		}
		p.People = append(p.People, row)
	}
	p.Pager = newPager(r, f.Offset, peoplePerPage, len(people), total)
	return s.render(w, r, http.StatusOK, "people", p)
}

// orgNames looks up org nodes by id for labels, each at most once a request.
type orgNames struct {
	s    *Server
	seen map[int64]*campusguard.Org
}

func (s *Server) orgNames() *orgNames { return &orgNames{s: s, seen: map[int64]*campusguard.Org{}} }

func (on *orgNames) org(ctx context.Context, id int64) (*campusguard.Org, error) {
	if o, ok := on.seen[id]; ok {
		return o, nil
	}
	o, err := on.s.Orgs.FindOrgByID(ctx, id)
	if campusguard.ErrorCode(err) == campusguard.NotFound {
		o, err = nil, nil
	}
	if err != nil {
		return nil, err
	}
	on.seen[id] = o
	return o, nil
}

func (on *orgNames) name(ctx context.Context, id *int64) (string, error) {
	if id == nil {
		return "", nil
	}
	o, err := on.org(ctx, *id)
	if o == nil || err != nil {
		return "", err
	}
	return o.Name, nil
}

// className returns "grade class", as schools say it: 一年级1班.
func (on *orgNames) className(ctx context.Context, id *int64) (string, error) {
	if id == nil {
		return "", nil
	}
	c, err := on.org(ctx, *id)
	if c == nil || err != nil {
		return "", err
	}
	grade, err := on.name(ctx, c.ParentID)
	if err != nil {
		return "", err
	}
	return grade + c.Name, nil
}

// personPage is one file per person (一人一档).
type personPage struct {
	basePage
	Person    *campusguard.Person // masked
	KindLabel string
	Gender    string
	School    *personLink
	Grade     *personLink
	Class     *personLink
	Path      []crumb
	Guardians []*campusguard.Guardian // phones masked
	Dorm      string
	Bed       string
	Bus       string
	History   []historyRow
	// Sections is the history that later parts of the product record.
	Sections []fileSection
}

// historyRow is one translated line of a person's history.
type historyRow struct {
	At     string
	What   string
	Detail string
	Actor  string
}

// fileSection is a part of a person's file with its own records.
type fileSection struct {
	ID    string // for data-testid: "checkins"
	Title string
}

// fileSections are the sections of a person's file that later work fills;
// until then each says it has no records.
var fileSections = []struct{ id, key string }{
	{"checkins", "person.section.checkins"},
	{"absences", "person.section.absences"},
	{"cases", "person.section.cases"},
	{"contacts", "person.section.contacts"},
	{"travel", "person.section.travel"},
	{"clearances", "person.section.clearances"},
}

// handlePersonView handles "GET /people/{id}": a person's file. The ID
// number and every phone number are masked for every reader until access
// roles decide who may see them.
func (s *Server) handlePersonView(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, err := s.People.FindPersonFile(r.Context(), id)
	if err != nil {
		return err
	}
	p := &personPage{basePage: s.base(r, ""), Person: f.Person.Masked()}
	l := p.Lang
	p.Title = p.Person.Name
	p.KindLabel = personLabel(l, p.Person)
	p.Gender = genderLabel(l, p.Person.Gender)
	for _, o := range f.Path {
		p.Path = append(p.Path, crumb{Name: o.Name, URL: orgURL(o.ID)})
	}
	p.Crumbs = append(p.Crumbs, p.Path...)
	if f.School != nil {
		p.School = &personLink{URL: orgURL(f.School.ID), Name: f.School.Name}
		p.Crumbs = append(p.Crumbs, crumb{Name: f.School.Name, URL: p.School.URL})
	}
	if f.Grade != nil {
		p.Grade = &personLink{URL: orgURL(f.Grade.ID), Name: f.Grade.Name}
		p.Crumbs = append(p.Crumbs, crumb{Name: f.Grade.Name, URL: p.Grade.URL})
	}
	if f.Class != nil {
		p.Class = &personLink{URL: orgURL(f.Class.ID), Name: f.Class.Name}
		p.Crumbs = append(p.Crumbs, crumb{Name: f.Class.Name, URL: p.Class.URL})
	}
	p.Crumbs = append(p.Crumbs, crumb{Name: p.Person.Name})
	for _, g := range f.Guardians {
		m := *g
		m.Phone = campusguard.MaskPhone(m.Phone)
		p.Guardians = append(p.Guardians, &m)
	}
	if f.DormRoom != nil {
		p.Dorm, p.Bed = f.DormRoom.Name, p.Person.Bed
	}
	if f.BusRoute != nil {
		p.Bus = f.BusRoute.Name
	}
	for _, e := range f.History {
		what, detail := historyLine(l, e)
		p.History = append(p.History, historyRow{At: p.Time(e.At), What: what, Detail: detail, Actor: actorLabel(l, e.Actor)})
	}
	for _, sec := range fileSections {
		p.Sections = append(p.Sections, fileSection{ID: sec.id, Title: tr(l, sec.key)})
	}
	return s.render(w, r, http.StatusOK, "person", p)
}

// actorLabel names who made a change; "system" is the program itself.
func actorLabel(l i18n.Lang, actor string) string {
	if actor == "" || actor == "system" {
		return tr(l, "history.actor.system")
	}
	return actor
}
