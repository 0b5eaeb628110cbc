package api

import (
	"fmt"
	"net/http"

	"campusguard"
)

var personKinds = []campusguard.PersonKind{campusguard.Student, campusguard.Staff}

// Until roles exist, nobody reading through the API may see a full ID
// number or phone number: every person and guardian goes out masked.

func maskPeople(people []*campusguard.Person) []*campusguard.Person {
	out := make([]*campusguard.Person, len(people))
	for i, p := range people {
		out[i] = p.Masked()
	}
	return out
}

func maskGuardian(g *campusguard.Guardian) *campusguard.Guardian {
	c := *g
	c.Phone = campusguard.MaskPhone(c.Phone)
	return &c
}

func maskFile(f *campusguard.PersonFile) *campusguard.PersonFile {
	c := *f
	c.Person = f.Person.Masked()
	c.Guardians = make([]*campusguard.Guardian, len(f.Guardians))
	for i, g := range f.Guardians {
		c.Guardians[i] = maskGuardian(g)
	}
	if f.Students != nil {
		c.Students = maskPeople(f.Students)
	}
	if c.Path == nil {
		c.Path = []*campusguard.Org{}
	}
	if c.History == nil {
		c.History = []campusguard.Event{}
	}
	return &c
}

// handlePersonIndex handles "GET /api/v1/people": a page of students and
// staff.
func (s *Server) handlePersonIndex(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	f := campusguard.PersonFilter{
		Under:      q.id("under"),
		SchoolID:   q.id("school_id"),
		ClassID:    q.id("class_id"),
		Kind:       choice(q, "kind", personKinds),
		Role:       choice(q, "role", campusguard.StaffRoles),
		BusRouteID: q.id("bus_route_id"),
		DormRoomID: q.id("dorm_room_id"),
		Query:      q.text("q"),
	}
	p := q.page()
	if err := q.err(); err != nil {
		return err
	}
	f.Offset, f.Limit = p.Offset, p.Limit
	people, total, err := s.People.FindPeople(r.Context(), f)
	if err != nil {
		return underNotFound(err)
	}
	return ok(w, newList(maskPeople(people), total, p))
}

// handlePersonView handles "GET /api/v1/people/{id}".
func (s *Server) handlePersonView(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := s.People.FindPersonByID(r.Context(), id)
	if err != nil {
		return err
	}
	return ok(w, p.Masked())
}

// personCreate is the body of "POST /api/v1/people".
type personCreate struct {
	SchoolID   int64                  `json:"school_id"`
	Kind       campusguard.PersonKind `json:"kind"`
	Name       string                 `json:"name"`
	Gender     campusguard.Gender     `json:"gender"`
	IDNumber   string                 `json:"id_number"`
	Birth      campusguard.Date       `json:"birth_date"`
	Phone      string                 `json:"phone"`
	Number     string                 `json:"number"`
	ClassID    *int64                 `json:"class_id"`
	Role       campusguard.StaffRole  `json:"role"`
	Boarding   bool                   `json:"boarding"`
	DormRoomID *int64                 `json:"dorm_room_id"`
	Bed        string                 `json:"bed"`
	BusRouteID *int64                 `json:"bus_route_id"`
	Town       string                 `json:"town"`
	Village    string                 `json:"village"`
}

// handlePersonCreate handles "POST /api/v1/people": a student or staff
// member; birth date and gender come from the ID number when it is given.
func (s *Server) handlePersonCreate(w http.ResponseWriter, r *http.Request) error {
	var in personCreate
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	p := &campusguard.Person{SchoolID: in.SchoolID, Kind: in.Kind, Name: in.Name, Gender: in.Gender,
		IDNumber: in.IDNumber, Birth: in.Birth, Phone: in.Phone, Number: in.Number, ClassID: in.ClassID,
		Role: in.Role, Boarding: in.Boarding, DormRoomID: in.DormRoomID, Bed: in.Bed, BusRouteID: in.BusRouteID,
		Town: in.Town, Village: in.Village}
	if err := s.People.CreatePerson(r.Context(), p); err != nil {
		return err
	}
	return created(w, fmt.Sprintf("/api/v1/people/%d", p.ID), p.Masked())
}

// handlePersonUpdate handles "PATCH /api/v1/people/{id}": fields left out
// stay; 0 for class_id, dorm_room_id or bus_route_id removes the link.
func (s *Server) handlePersonUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var u campusguard.PersonUpdate
	if err := decodeJSON(w, r, &u); err != nil {
		return err
	}
	p, err := s.People.UpdatePerson(r.Context(), id, u)
	if err != nil {
		return err
	}
	return ok(w, p.Masked())
}

// handlePersonFile handles "GET /api/v1/people/{id}/file": the person's
// whole file (一人一档).
func (s *Server) handlePersonFile(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, err := s.People.FindPersonFile(r.Context(), id)
	if err != nil {
		return err
	}
	return ok(w, maskFile(f))
}

// guardianCreate is the body of "POST /api/v1/people/{id}/guardians".
type guardianCreate struct {
	Name     string `json:"name"`
	Phone    string `json:"phone"`
	Relation string `json:"relation"`
}

// guardianFields renames the domain's field names, which are those of the
// roster's columns, to those of the request: the body's fields and the
// path's id.
var guardianFields = map[string]string{"guardian_name": "name", "guardian_phone": "phone", "student_id": "id"}

// handleGuardianCreate handles "POST /api/v1/people/{id}/guardians": links
// a guardian, found by phone or created, to a student.
func (s *Server) handleGuardianCreate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in guardianCreate
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	g := &campusguard.Guardian{Name: in.Name, Phone: in.Phone, Relation: in.Relation}
	if err := s.People.AddGuardian(r.Context(), id, g); err != nil {
		return renameFields(err, guardianFields)
	}
	return created(w, "", maskGuardian(g))
}
