package api

import (
	"context"
	"fmt"
	"net/http"

	"campusguard"
)

var orgKinds = []campusguard.OrgKind{campusguard.KindRegion, campusguard.KindSchool, campusguard.KindGrade, campusguard.KindClass}

// underNotFound turns the NotFound of an unknown "under" filter into a 422
// naming the parameter: the list exists, the filter is wrong.
func underNotFound(err error) error {
	if campusguard.ErrorCode(err) == campusguard.NotFound {
		return campusguard.InvalidFields([]campusguard.FieldError{{Field: "under", Msg: "error.not_found"}})
	}
	return err
}

// handleOrgIndex handles "GET /api/v1/orgs": a page of org nodes.
func (s *Server) handleOrgIndex(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	f := campusguard.OrgFilter{
		ParentID:   q.id("parent_id"),
		Under:      q.id("under"),
		Kind:       choice(q, "kind", orgKinds),
		SchoolType: choice(q, "school_type", campusguard.SchoolTypes),
		Query:      q.text("q"),
		WithCounts: q.bool("counts"),
	}
	p := q.page()
	if err := q.err(); err != nil {
		return err
	}
	f.Offset, f.Limit = p.Offset, p.Limit
	orgs, total, err := s.Orgs.FindOrgs(r.Context(), f)
	if err != nil {
		return underNotFound(err)
	}
	return ok(w, newList(orgs, total, p))
}

// orgDetail is one org node with the sizes of its subtree and the nodes
// above it.
type orgDetail struct {
	*campusguard.Org
	Ancestors []*campusguard.Org `json:"ancestors"`
}

// handleOrgView handles "GET /api/v1/orgs/{id}".
func (s *Server) handleOrgView(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	o, err := s.Orgs.FindOrgByID(ctx, id)
	if err != nil {
		return err
	}
	if o.Counts, err = s.Orgs.OrgCounts(ctx, id); err != nil {
		return err
	}
	anc, err := s.Orgs.OrgAncestors(ctx, id)
	if err != nil {
		return err
	}
	if anc == nil {
		anc = []*campusguard.Org{}
	}
	return ok(w, orgDetail{Org: o, Ancestors: anc})
}

// orgCreate is the body of "POST /api/v1/orgs".
type orgCreate struct {
	ParentID   *int64                  `json:"parent_id"`
	Kind       campusguard.OrgKind     `json:"kind"`
	Name       string                  `json:"name"`
	Code       string                  `json:"code"`
	Level      campusguard.RegionLevel `json:"level"`
	SchoolType campusguard.SchoolType  `json:"school_type"`
	Boarding   bool                    `json:"boarding"`
	Address    string                  `json:"address"`
	Principal  string                  `json:"principal"`
	Phone      string                  `json:"phone"`
	GradeYear  int                     `json:"grade_year"`
}

// handleOrgCreate handles "POST /api/v1/orgs": a region, school, grade or
// class under its parent, or a new tree's root region.
func (s *Server) handleOrgCreate(w http.ResponseWriter, r *http.Request) error {
	var in orgCreate
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	o := &campusguard.Org{ParentID: in.ParentID, Kind: in.Kind, Name: in.Name, Code: in.Code, Level: in.Level,
		SchoolType: in.SchoolType, Boarding: in.Boarding, Address: in.Address, Principal: in.Principal,
		Phone: in.Phone, GradeYear: in.GradeYear}
	if err := s.Orgs.CreateOrg(r.Context(), o); err != nil {
		return err
	}
	return created(w, fmt.Sprintf("/api/v1/orgs/%d", o.ID), o)
}

// handleOrgUpdate handles "PATCH /api/v1/orgs/{id}": fields left out stay.
func (s *Server) handleOrgUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var u campusguard.OrgUpdate
	if err := decodeJSON(w, r, &u); err != nil {
		return err
	}
	o, err := s.Orgs.UpdateOrg(r.Context(), id, u)
	if err != nil {
		return err
	}
	return ok(w, o)
}

// schoolID returns the id of the school named in the path: 400 for a bad
// id, 404 when no school has it.
func (s *Server) schoolID(ctx context.Context, r *http.Request) (int64, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, err
	}
	o, err := s.Orgs.FindOrgByID(ctx, id)
	if err != nil {
		return 0, err
	}
	if o.Kind != campusguard.KindSchool {
		return 0, campusguard.Errorf(campusguard.NotFound, "error.not_a_school")
	}
	return id, nil
}

// handlePlaceIndex handles "GET /api/v1/schools/{id}/places".
func (s *Server) handlePlaceIndex(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	kind := choice(q, "kind", campusguard.PlaceKinds)
	if err := q.err(); err != nil {
		return err
	}
	id, err := s.schoolID(r.Context(), r)
	if err != nil {
		return err
	}
	var k campusguard.PlaceKind
	if kind != nil {
		k = *kind
	}
	places, err := s.Orgs.FindPlaces(r.Context(), id, k)
	if err != nil {
		return err
	}
	return ok(w, newItems(places))
}

// placeCreate is the body of "POST /api/v1/schools/{id}/places".
type placeCreate struct {
	Kind    campusguard.PlaceKind `json:"kind"`
	Name    string                `json:"name"`
	Beds    int                   `json:"beds"`
	ClassID *int64                `json:"class_id"`
}

// handlePlaceCreate handles "POST /api/v1/schools/{id}/places".
func (s *Server) handlePlaceCreate(w http.ResponseWriter, r *http.Request) error {
	id, err := s.schoolID(r.Context(), r)
	if err != nil {
		return err
	}
	var in placeCreate
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	p := &campusguard.Place{SchoolID: id, Kind: in.Kind, Name: in.Name, Beds: in.Beds, ClassID: in.ClassID}
	if err := s.Orgs.CreatePlace(r.Context(), p); err != nil {
		return err
	}
	return created(w, "", p)
}

// handleBusRouteIndex handles "GET /api/v1/schools/{id}/bus-routes".
func (s *Server) handleBusRouteIndex(w http.ResponseWriter, r *http.Request) error {
	id, err := s.schoolID(r.Context(), r)
	if err != nil {
		return err
	}
	routes, err := s.Orgs.FindBusRoutes(r.Context(), id)
	if err != nil {
		return err
	}
	return ok(w, newItems(routes))
}

// busRouteCreate is the body of "POST /api/v1/schools/{id}/bus-routes".
type busRouteCreate struct {
	Name     string `json:"name"`
	Plate    string `json:"plate"`
	DriverID *int64 `json:"driver_id"`
}

// handleBusRouteCreate handles "POST /api/v1/schools/{id}/bus-routes".
func (s *Server) handleBusRouteCreate(w http.ResponseWriter, r *http.Request) error {
	id, err := s.schoolID(r.Context(), r)
	if err != nil {
		return err
	}
	var in busRouteCreate
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	br := &campusguard.BusRoute{SchoolID: id, Name: in.Name, Plate: in.Plate, DriverID: in.DriverID}
	if err := s.Orgs.CreateBusRoute(r.Context(), br); err != nil {
		return err
	}
	return created(w, "", br)
}
