package web

import (
	"net/http"
	"strconv"
	"strings"

	"campusguard"
)

// personFormPage changes a person's file and adds a guardian.
type personFormPage struct {
	basePage
	Person       *campusguard.Person
	Action       string
	GuardianURL  string
	Student      bool
	Classes      []option
	Name         string
	Number       string
	Phone        string
	Boarding     bool
	Rooms        []option // the school's dormitory rooms, after a "none" choice
	Bed          string
	Routes       []option // the school's bus routes, after a "none" choice
	Town         string
	Village      string
	GName        string
	GPhone       string
	GRelation    string
	EditForm     formState
	GuardianForm formState
}

// personForWrite reads the person in the path for an actor who may change
// them: one with WritePerson on their class, or without one their school.
func (s *Server) personForWrite(r *http.Request) (*campusguard.Person, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	x, err := s.People.FindPersonByID(ctx, id)
	if err != nil {
		return nil, err
	}
	oid := x.SchoolID
	if x.ClassID != nil {
		oid = *x.ClassID
	}
	o, err := s.Orgs.FindOrgByID(ctx, oid)
	if err != nil {
		return nil, err
	}
	if !campusguard.ActorFrom(ctx).Can(campusguard.WritePerson, o.Path) {
		return nil, errForbidden
	}
	return x, nil
}

func (s *Server) personFormPage(r *http.Request, x *campusguard.Person, v *campusguard.Person) (*personFormPage, error) {
	p := &personFormPage{basePage: s.base(r, "person.edit.title"), Person: x, Action: personURL(x.ID) + "/edit",
		GuardianURL: personURL(x.ID) + "/guardians", Student: x.Kind == campusguard.Student,
		Name: v.Name, Number: v.Number, Phone: v.Phone, Boarding: v.Boarding, Town: v.Town, Village: v.Village}
	p.Title = p.T("person.edit.title") + " · " + x.Name
	p.Crumbs = []crumb{{Name: x.Name, URL: personURL(x.ID)}, {Name: p.T("person.edit.title")}}
	classes, _, err := s.Orgs.FindOrgs(r.Context(), campusguard.OrgFilter{Under: &x.SchoolID, Kind: ptr(campusguard.KindClass)})
	if err != nil {
		return nil, err
	}
	names := s.orgNames()
	if !p.Student {
		p.Classes = append(p.Classes, option{Value: "", Label: p.T("common.none"), Selected: v.ClassID == nil})
	}
	for _, c := range classes {
		label, err := names.className(r.Context(), &c.ID)
		if err != nil {
			return nil, err
		}
		p.Classes = append(p.Classes, option{Value: strconv.FormatInt(c.ID, 10), Label: label,
			Selected: v.ClassID != nil && *v.ClassID == c.ID})
	}
	if p.Student {
		if err := s.personLinkOptions(r, p, v); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// personLinkOptions fills the dormitory room and bus route choices of a
// student's form from the school's rooms and routes, v's selected.
func (s *Server) personLinkOptions(r *http.Request, p *personFormPage, v *campusguard.Person) error {
	ctx := r.Context()
	rooms, err := s.Orgs.FindPlaces(ctx, v.SchoolID, campusguard.PlaceDormRoom)
	if err != nil {
		return err
	}
	p.Bed = v.Bed
	p.Rooms = []option{{Value: "", Label: p.T("common.none"), Selected: v.DormRoomID == nil}}
	for _, x := range rooms {
		p.Rooms = append(p.Rooms, option{Value: strconv.FormatInt(x.ID, 10),
			Label:    x.Name + " · " + p.T("school.beds_taken", x.Occupied, x.Beds),
			Selected: v.DormRoomID != nil && *v.DormRoomID == x.ID})
	}
	routes, err := s.Orgs.FindBusRoutes(ctx, v.SchoolID)
	if err != nil {
		return err
	}
	p.Routes = []option{{Value: "", Label: p.T("common.none"), Selected: v.BusRouteID == nil}}
	for _, x := range routes {
		label := x.Name
		if x.Plate != "" {
			label += " · " + x.Plate
		}
		p.Routes = append(p.Routes, option{Value: strconv.FormatInt(x.ID, 10), Label: label,
			Selected: v.BusRouteID != nil && *v.BusRouteID == x.ID})
	}
	return nil
}

// formLink reads an optional link chosen in a select: "" clears it (0 in
// an update), anything but a positive id is a bad choice.
func formLink(r *http.Request, field string, bad *[]campusguard.FieldError) (id int64, ok bool) {
	c := strings.TrimSpace(r.PostFormValue(field))
	if c == "" {
		return 0, true
	}
	id, err := strconv.ParseInt(c, 10, 64)
	if err != nil || id <= 0 {
		*bad = append(*bad, campusguard.FieldError{Field: field, Msg: "error.bad_choice"})
		return 0, false
	}
	return id, true
}

// handlePersonEditForm handles "GET /people/{id}/edit".
func (s *Server) handlePersonEditForm(w http.ResponseWriter, r *http.Request) error {
	x, err := s.personForWrite(r)
	if err != nil {
		return err
	}
	p, err := s.personFormPage(r, x, x)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "person_form", p)
}

// handlePersonEdit handles "POST /people/{id}/edit". A phone shown masked
// and sent back unchanged stays as it is.
func (s *Server) handlePersonEdit(w http.ResponseWriter, r *http.Request) error {
	x, err := s.personForWrite(r)
	if err != nil {
		return err
	}
	v := *x
	v.Name = strings.TrimSpace(r.PostFormValue("name"))
	v.Number = strings.TrimSpace(r.PostFormValue("number"))
	v.Phone = strings.TrimSpace(r.PostFormValue("phone"))
	v.Town = strings.TrimSpace(r.PostFormValue("town"))
	v.Village = strings.TrimSpace(r.PostFormValue("village"))
	u := campusguard.PersonUpdate{Name: &v.Name, Number: &v.Number, Town: &v.Town, Village: &v.Village}
	var bad []campusguard.FieldError
	if v.Name == "" {
		bad = append(bad, campusguard.FieldError{Field: "name", Msg: "error.required"})
	}
	if v.Phone != x.Phone {
		if v.Phone != "" && !campusguard.ValidPhone(v.Phone) {
			bad = append(bad, campusguard.FieldError{Field: "phone", Msg: "error.phone"})
		}
		u.Phone = &v.Phone
	}
	if c := r.PostFormValue("class_id"); c != "" {
		id, perr := strconv.ParseInt(c, 10, 64)
		if perr != nil || id <= 0 {
			bad = append(bad, campusguard.FieldError{Field: "class_id", Msg: "error.bad_choice"})
		} else {
			v.ClassID, u.ClassID = &id, &id
		}
	}
	if x.Kind == campusguard.Student {
		v.Boarding = r.PostFormValue("boarding") != ""
		u.Boarding = &v.Boarding
		if room, ok := formLink(r, "dorm_room_id", &bad); ok {
			v.DormRoomID, u.DormRoomID = nil, &room
			if room != 0 {
				v.DormRoomID = &room
			}
		}
		v.Bed = strings.TrimSpace(r.PostFormValue("bed"))
		u.Bed = &v.Bed
		if route, ok := formLink(r, "bus_route_id", &bad); ok {
			v.BusRouteID, u.BusRouteID = nil, &route
			if route != 0 {
				v.BusRouteID = &route
			}
		}
	}
	if len(bad) > 0 {
		err = campusguard.InvalidFields(bad)
	} else {
		_, err = s.People.UpdatePerson(r.Context(), x.ID, u)
	}
	if err == nil {
		return seeOther(w, r, personURL(x.ID))
	}
	p, perr := s.personFormPage(r, x, &v)
	if perr != nil {
		return perr
	}
	status, ok := formFailed(p.Lang, err, &p.EditForm)
	if !ok {
		return err
	}
	return s.render(w, r, status, "person_form", p)
}

// handleGuardianAdd handles "POST /people/{id}/guardians".
func (s *Server) handleGuardianAdd(w http.ResponseWriter, r *http.Request) error {
	x, err := s.personForWrite(r)
	if err != nil {
		return err
	}
	if x.Kind != campusguard.Student {
		return errNotFound
	}
	g := &campusguard.Guardian{Name: r.PostFormValue("name"), Phone: r.PostFormValue("phone"),
		Relation: strings.TrimSpace(r.PostFormValue("relation"))}
	if err = g.Validate(); err == nil {
		err = s.People.AddGuardian(r.Context(), x.ID, g)
	}
	if err == nil {
		return seeOther(w, r, personURL(x.ID))
	}
	p, perr := s.personFormPage(r, x, x)
	if perr != nil {
		return perr
	}
	p.GName, p.GPhone, p.GRelation = g.Name, g.Phone, g.Relation
	status, ok := formFailed(p.Lang, err, &p.GuardianForm)
	if !ok {
		return err
	}
	return s.render(w, r, status, "person_form", p)
}
