package web

import (
	"context"
	"net/http"
	"strings"

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
	URL    string // "" when the reader may see the name but not the file
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
	o, anc, err := s.orgLine(ctx, id)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	p := &peoplePage{basePage: s.base(r, "page.people.title"), Org: o, OrgURL: orgURL(o.ID),
		Action: orgURL(o.ID) + "/people", Query: searchText(q.Get("q"))}
	p.underOrg("page.people.title", o, anc)
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
		row := personRow{Number: x.Number, Name: x.Name, Label: personLabel(p.Lang, x),
			Gender: genderLabel(p.Lang, x.Gender), Active: x.Active}
		if row.URL, err = s.fileURL(ctx, p.actor, names, x); err != nil {
			return err
		}
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
	Person    *campusguard.Person // as the reader may see it
	KindLabel string
	Gender    string
	School    *personLink
	Grade     *personLink
	Class     *personLink
	Guardians []guardianRow // phones as the reader may see them
	Dorm      string
	Bed       string
	Bus       string
	History   []historyRow
	// Checks is the person's latest health checks, newest first.
	Checks []checkRow
	// Cases is the person's cases, open first; OpenCaseURL opens one by
	// hand, for those who may.
	Cases       []caseRow
	OpenCaseURL string
	// HomeReportURL opens the home report for those who may file it.
	HomeReportURL string
	// EditURL changes the file and adds guardians, for those who may.
	EditURL string
	// Sections is the history that later parts of the product record.
	Sections []fileSection

	// MaskedNote says what is hidden from this reader; "" when nothing is.
	MaskedNote string
	// RevealURL shows the full ID number and phone, audited; "" for
	// readers who may not.
	RevealURL string
	// ExportURL opens the person's whole file for their guardian (audited),
	// for the school's admins and health officers.
	ExportURL string
	// Revealed is set on the answer to a reveal.
	Revealed bool
	// RevokeURL voids the student's unused binding codes; "" for readers
	// who may not print them.
	RevokeURL string
	// Notice is a translated line about what was just done.
	Notice string
	// ILI is the student's return after influenza-like illness (issue
	// 11), nil when they had none.
	ILI *iliCard
}

// guardianRow is one of a student's guardians.
type guardianRow struct {
	Name     string
	Relation string
	Phone    string // masked unless the reader calls families
	Callable bool   // the phone is whole: a tap calls it
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
	{"absences", "person.section.absences"},
	{"contacts", "person.section.contacts"},
	{"travel", "person.section.travel"},
	{"clearances", "person.section.clearances"},
}

// handlePersonView handles "GET /people/{id}": a person's file, as the
// store shows it to the reader: the ID number masked, phones masked unless
// the reader calls families. Reading it is audited by the store.
func (s *Server) handlePersonView(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := s.personPage(r, id)
	if err != nil {
		return err
	}
	if r.URL.Query().Get("revoked") != "" && p.RevokeURL != "" {
		p.Notice = p.T("binding.revoked")
	}
	return s.render(w, r, http.StatusOK, "person", p)
}

// handlePersonReveal handles "POST /people/{id}/reveal": the file once more
// with the full ID number and phone, for readers who may see them. The
// store audits the reveal.
func (s *Server) handlePersonReveal(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	idNumber, phone, err := s.Access.RevealIdentity(r.Context(), id)
	if err != nil {
		return err
	}
	p, err := s.personPage(r, id)
	if err != nil {
		return err
	}
	p.Person.IDNumber, p.Person.Phone = idNumber, phone
	p.Revealed, p.RevealURL, p.MaskedNote = true, "", ""
	p.setBack(personURL(id))
	return s.render(w, r, http.StatusOK, "person", p)
}

// personPage reads a person's file and lays it out for the reader.
func (s *Server) personPage(r *http.Request, id int64) (*personPage, error) {
	f, err := s.People.FindPersonFile(r.Context(), id)
	if err != nil {
		return nil, err
	}
	p := &personPage{basePage: s.base(r, ""), Person: f.Person}
	a, l := p.actor, p.Lang
	p.Title = p.Person.Name
	p.KindLabel = personLabel(l, p.Person)
	p.Gender = genderLabel(l, p.Person.Gender)
	// The breadcrumbs name the nodes the reader may open; a guardian sees
	// where their child is without links.
	link := func(o *campusguard.Org) *personLink {
		if o == nil {
			return nil
		}
		pl := &personLink{Name: o.Name}
		if a.Can(campusguard.ReadOrg, o.Path) {
			pl.URL = orgURL(o.ID)
			p.Crumbs = append(p.Crumbs, crumb{Name: o.Name, URL: pl.URL})
		}
		return pl
	}
	for _, o := range f.Path {
		link(o)
	}
	p.School, p.Grade, p.Class = link(f.School), link(f.Grade), link(f.Class)
	p.Crumbs = append(p.Crumbs, crumb{Name: p.Person.Name})
	for _, g := range f.Guardians {
		p.Guardians = append(p.Guardians, guardianRow{Name: g.Name, Relation: g.Relation, Phone: g.Phone,
			Callable: g.Phone != "" && !strings.Contains(g.Phone, "*")})
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
	// The person's scope: their class, else their school.
	var path string
	if f.Class != nil {
		path = f.Class.Path
	} else if f.School != nil {
		path = f.School.Path
	}
	p.MaskedNote = p.T("person.masked_note")
	if a.CanPerson(campusguard.SeeContacts, p.Person.ID, path) {
		p.MaskedNote = p.T("person.masked_note_id")
	}
	if a.Can(campusguard.WritePerson, path) {
		p.EditURL = personURL(p.Person.ID) + "/edit"
	}
	if a.CanRecordCheck(campusguard.HomeCheck, p.Person.ID, path) {
		p.HomeReportURL = personURL(p.Person.ID) + "/home-report"
	}
	if p.Checks, err = s.checkHistory(r.Context(), l, p.Person.ID); err != nil {
		return nil, err
	}
	if p.Cases, err = s.personCases(r.Context(), &p.basePage, p.Person.ID); err != nil {
		return nil, err
	}
	if s.Cases != nil && a.Can(campusguard.OpenCases, path) {
		p.OpenCaseURL = personURL(p.Person.ID) + "/cases/new"
	}
	if a.Can(campusguard.RevealIdentity, path) {
		p.RevealURL = personURL(p.Person.ID) + "/reveal"
	}
	if s.Export != nil && a.Can(campusguard.ExportFile, path) {
		p.ExportURL = personURL(p.Person.ID) + "/export"
	}
	if p.Person.Kind == campusguard.Student && a.Can(campusguard.IssueBinding, path) {
		p.RevokeURL = personURL(p.Person.ID) + "/binding-codes/revoke"
	}
	if p.ILI, err = s.iliCard(r.Context(), a, p.Person, path); err != nil {
		return nil, err
	}
	return p, nil
}

// actorLabel names who made a change; "system" is the program itself.
func actorLabel(l i18n.Lang, actor string) string {
	if actor == "" || actor == "system" {
		return tr(l, "history.actor.system")
	}
	if s, ok := systemActorLabel(l, actor); ok {
		return s
	}
	return actor
}
