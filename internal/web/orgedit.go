package web

import (
	"errors"
	"net/http"
	"strings"

	"campusguard"
)

// orgFormPage is the form that adds a node under an org or changes one.
type orgFormPage struct {
	basePage
	formState
	Org     *campusguard.Org // the parent when adding, the node when editing
	Action  string
	Heading string
	Edit    bool
	Kinds   []option // the kinds a new child may have; one entry when fixed
	Levels  []option // a new region's level
	Types   []option // a school's type
	School  bool     // the school fields show
	Region  bool     // the level shows
	Name    string
	Code    string
	Board   bool
	Address string
	Princ   string
	Phone   string
}

// childKinds lists the kinds of node that may sit under o.
func childKinds(o *campusguard.Org) []campusguard.OrgKind {
	switch o.Kind {
	case campusguard.KindRegion:
		return []campusguard.OrgKind{campusguard.KindRegion, campusguard.KindSchool}
	case campusguard.KindSchool:
		return []campusguard.OrgKind{campusguard.KindGrade}
	case campusguard.KindGrade:
		return []campusguard.OrgKind{campusguard.KindClass}
	}
	return nil
}

// orgForWrite reads the node in the path and refuses an actor who may not
// change it.
func (s *Server) orgForWrite(r *http.Request) (*campusguard.Org, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	o, err := s.Orgs.FindOrgByID(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if !campusguard.ActorFrom(r.Context()).Can(campusguard.WriteOrg, o.Path) {
		return nil, errForbidden
	}
	return o, nil
}

func (s *Server) orgFormPage(r *http.Request, o *campusguard.Org, edit bool, v *campusguard.Org) (*orgFormPage, error) {
	anc, err := s.Orgs.OrgAncestors(r.Context(), o.ID)
	if err != nil {
		return nil, err
	}
	p := &orgFormPage{basePage: s.base(r, ""), Org: o, Edit: edit, Name: v.Name, Code: v.Code, Board: v.Boarding,
		Address: v.Address, Princ: v.Principal, Phone: v.Phone}
	p.Crumbs = crumbs(anc, o)
	p.Crumbs[len(p.Crumbs)-1].URL = orgURL(o.ID)
	if edit {
		p.Action, p.Heading = orgURL(o.ID)+"/edit", p.T("org.edit.title")
		p.School = o.Kind == campusguard.KindSchool
	} else {
		p.Action, p.Heading = orgURL(o.ID)+"/children", p.T("org.child.title")
		for _, k := range childKinds(o) {
			p.Kinds = append(p.Kinds, option{Value: string(k), Label: p.T(orgKindKey(k)), Selected: k == v.Kind})
		}
		p.Region = o.Kind == campusguard.KindRegion
		p.School = p.Region
		for _, l := range campusguard.RegionLevels {
			p.Levels = append(p.Levels, option{Value: string(l), Label: p.T(levelKey(l)), Selected: l == v.Level})
		}
	}
	for _, t := range campusguard.SchoolTypes {
		p.Types = append(p.Types, option{Value: string(t), Label: p.T(schoolTypeKey(t)), Selected: t == v.SchoolType})
	}
	p.Title = p.Heading + " · " + o.Name
	p.Crumbs = append(p.Crumbs, crumb{Name: p.Heading})
	return p, nil
}

// handleOrgChildForm handles "GET /orgs/{id}/children": the form for a node
// under this one.
func (s *Server) handleOrgChildForm(w http.ResponseWriter, r *http.Request) error {
	o, err := s.orgForWrite(r)
	if err != nil {
		return err
	}
	if len(childKinds(o)) == 0 {
		return errNotFound
	}
	p, err := s.orgFormPage(r, o, false, &campusguard.Org{})
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "org_form", p)
}

// handleOrgChildCreate handles "POST /orgs/{id}/children".
func (s *Server) handleOrgChildCreate(w http.ResponseWriter, r *http.Request) error {
	o, err := s.orgForWrite(r)
	if err != nil {
		return err
	}
	kinds := childKinds(o)
	if len(kinds) == 0 {
		return errNotFound
	}
	c := &campusguard.Org{ParentID: &o.ID, Kind: kinds[0], Name: r.PostFormValue("name"), Code: r.PostFormValue("code")}
	if k := campusguard.OrgKind(r.PostFormValue("kind")); len(kinds) > 1 && k != "" {
		c.Kind = k
	}
	switch c.Kind {
	case campusguard.KindRegion:
		c.Level = campusguard.RegionLevel(r.PostFormValue("level"))
	case campusguard.KindSchool:
		readSchoolFields(r, c)
	}
	if err = checkOrgForm(c); err == nil {
		err = s.Orgs.CreateOrg(r.Context(), c)
	}
	if err == nil {
		return seeOther(w, r, orgURL(c.ID))
	}
	p, perr := s.orgFormPage(r, o, false, c)
	if perr != nil {
		return perr
	}
	status, ok := formFailedAs(p.Lang, err, &p.formState, orgFields)
	if !ok {
		return err
	}
	return s.render(w, r, status, "org_form", p)
}

func readSchoolFields(r *http.Request, o *campusguard.Org) {
	o.SchoolType = campusguard.SchoolType(r.PostFormValue("school_type"))
	o.Boarding = r.PostFormValue("boarding") != ""
	o.Address = strings.TrimSpace(r.PostFormValue("address"))
	o.Principal = strings.TrimSpace(r.PostFormValue("principal"))
	o.Phone = strings.TrimSpace(r.PostFormValue("phone"))
}

// handleOrgEditForm handles "GET /orgs/{id}/edit".
func (s *Server) handleOrgEditForm(w http.ResponseWriter, r *http.Request) error {
	o, err := s.orgForWrite(r)
	if err != nil {
		return err
	}
	p, err := s.orgFormPage(r, o, true, o)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "org_form", p)
}

// handleOrgEdit handles "POST /orgs/{id}/edit".
func (s *Server) handleOrgEdit(w http.ResponseWriter, r *http.Request) error {
	o, err := s.orgForWrite(r)
	if err != nil {
		return err
	}
	v := *o
	v.Name, v.Code = strings.TrimSpace(r.PostFormValue("name")), strings.TrimSpace(r.PostFormValue("code"))
	u := campusguard.OrgUpdate{Name: &v.Name, Code: &v.Code}
	if o.Kind == campusguard.KindSchool {
		readSchoolFields(r, &v)
		u.SchoolType, u.Boarding, u.Address, u.Principal = &v.SchoolType, &v.Boarding, &v.Address, &v.Principal
		u.Phone = &v.Phone
	}
	if err = checkOrgForm(&v); err == nil {
		_, err = s.Orgs.UpdateOrg(r.Context(), o.ID, u)
	}
	if err == nil {
		return seeOther(w, r, orgURL(o.ID))
	}
	p, perr := s.orgFormPage(r, o, true, &v)
	if perr != nil {
		return perr
	}
	status, ok := formFailedAs(p.Lang, err, &p.formState, orgFields)
	if !ok {
		return err
	}
	return s.render(w, r, status, "org_form", p)
}

// checkOrgForm checks what the store may not: a school's phone.
func checkOrgForm(o *campusguard.Org) error {
	c := *o
	var bad []campusguard.FieldError
	if err := c.Validate(); err != nil {
		var ce *campusguard.Error
		if errors.As(err, &ce) {
			bad = append(bad, ce.Fields...)
		}
	}
	if o.Phone != "" && !campusguard.ValidPhone(o.Phone) {
		bad = append(bad, campusguard.FieldError{Field: "phone", Msg: "error.phone"})
	}
	if len(bad) > 0 {
		return campusguard.InvalidFields(bad)
	}
	return nil
}

// orgFields labels the store's org fields on these forms.
var orgFields = map[string]string{"name": "org_name", "code": "org_code"}
