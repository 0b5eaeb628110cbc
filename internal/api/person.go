package api

import (
	"context"
	"fmt"
	"net/http"

	"campusguard"
)

var personKinds = []campusguard.PersonKind{campusguard.Student, campusguard.Staff}

// The store answers with personal data masked for the actor: ID numbers
// always, phones unless the actor's role needs to call families. The API
// masks nothing more; what it builds itself it masks the same way.

// contactsVisible reports whether the actor of ctx may see the phones of
// the student with the given id unmasked: whether the store shows them
// the guardians' phones in the student's file.
func (s *Server) contactsVisible(ctx context.Context, studentID int64) bool {
	a := campusguard.ActorFrom(ctx)
	p, err := s.People.FindPersonByID(ctx, studentID)
	if err != nil || a == nil {
		return false
	}
	at := p.SchoolID
	if p.ClassID != nil {
		at = *p.ClassID
	}
	o, err := s.Orgs.FindOrgByID(ctx, at)
	return err == nil && a.CanPerson(campusguard.SeeContacts, p.ID, o.Path)
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
	if f.Under != nil {
		// A node outside the caller's scope is as unknown as one that does
		// not exist, as in the org list.
		if _, err := s.Orgs.FindOrgByID(r.Context(), *f.Under); err != nil {
			return underNotFound(err)
		}
	}
	people, total, err := s.People.FindPeople(r.Context(), f)
	if err != nil {
		return underNotFound(err)
	}
	return ok(w, newList(people, total, p))
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
	return ok(w, p)
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
	ctx := r.Context()
	if err := s.People.CreatePerson(ctx, p); err != nil {
		return err
	}
	// The created person as the actor may see them; fully masked should
	// the reading fail, since the person exists either way.
	shown, err := s.People.FindPersonByID(ctx, p.ID)
	if err != nil {
		s.Logger.Warn("api: read back created person", "id", p.ID, "err", err)
		shown = p.Masked()
	}
	return created(w, fmt.Sprintf("/api/v1/people/%d", p.ID), shown)
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
	return ok(w, p)
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
	if f.Path == nil {
		f.Path = []*campusguard.Org{}
	}
	if f.Guardians == nil {
		f.Guardians = []*campusguard.Guardian{}
	}
	if f.History == nil {
		f.History = []campusguard.Event{}
	}
	return ok(w, f)
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
	ctx := r.Context()
	g := &campusguard.Guardian{Name: in.Name, Phone: in.Phone, Relation: in.Relation}
	if err := s.People.AddGuardian(ctx, id, g); err != nil {
		return renameFields(err, guardianFields)
	}
	if !s.contactsVisible(ctx, id) {
		g.Phone = campusguard.MaskPhone(g.Phone)
	}
	return created(w, "", g)
}
