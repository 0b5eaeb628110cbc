package web

import (
	"net/http"
	"strconv"
	"strings"

	"campusguard"
)

// placeFormPage adds a place or a bus route to a school.
type placeFormPage struct {
	basePage
	School    *campusguard.Org
	PlaceURL  string
	RouteURL  string
	Kinds     []option
	PlaceName string
	Beds      string
	RouteName string
	Plate     string
	PlaceForm formState
	RouteForm formState
}

// schoolForWrite reads the school in the path for an actor who may change it.
func (s *Server) schoolForWrite(r *http.Request) (*campusguard.Org, error) {
	o, err := s.orgForWrite(r)
	if err != nil {
		return nil, err
	}
	if o.Kind != campusguard.KindSchool {
		return nil, errNotFound
	}
	return o, nil
}

func (s *Server) placeFormPage(r *http.Request, o *campusguard.Org, kind campusguard.PlaceKind) (*placeFormPage, error) {
	anc, err := s.Orgs.OrgAncestors(r.Context(), o.ID)
	if err != nil {
		return nil, err
	}
	p := &placeFormPage{basePage: s.base(r, "org.place.add"), School: o,
		PlaceURL: orgURL(o.ID) + "/places", RouteURL: orgURL(o.ID) + "/bus-routes"}
	p.Crumbs = crumbs(anc, o)
	p.Crumbs[len(p.Crumbs)-1].URL = orgURL(o.ID)
	p.Crumbs = append(p.Crumbs, crumb{Name: p.Title})
	for _, k := range campusguard.PlaceKinds {
		p.Kinds = append(p.Kinds, option{Value: string(k), Label: p.T(placeKindKey(k)), Selected: k == kind})
	}
	return p, nil
}

// handlePlaceForm handles "GET /orgs/{id}/places": the forms for a place and
// a bus route.
func (s *Server) handlePlaceForm(w http.ResponseWriter, r *http.Request) error {
	o, err := s.schoolForWrite(r)
	if err != nil {
		return err
	}
	p, err := s.placeFormPage(r, o, "")
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "place_form", p)
}

// handlePlaceCreate handles "POST /orgs/{id}/places".
func (s *Server) handlePlaceCreate(w http.ResponseWriter, r *http.Request) error {
	o, err := s.schoolForWrite(r)
	if err != nil {
		return err
	}
	pl := &campusguard.Place{SchoolID: o.ID, Kind: campusguard.PlaceKind(r.PostFormValue("kind")), Name: r.PostFormValue("name")}
	beds := strings.TrimSpace(r.PostFormValue("beds"))
	if beds != "" {
		n, perr := strconv.Atoi(beds)
		if perr != nil {
			err = campusguard.InvalidFields([]campusguard.FieldError{{Field: "beds", Msg: "error.range", Args: []any{0, 64}}})
		}
		pl.Beds = n
	}
	if err == nil {
		err = s.Orgs.CreatePlace(r.Context(), pl)
	}
	if err == nil {
		return seeOther(w, r, orgURL(o.ID))
	}
	p, perr := s.placeFormPage(r, o, pl.Kind)
	if perr != nil {
		return perr
	}
	p.PlaceName, p.Beds = pl.Name, beds
	status, ok := formFailedAs(p.Lang, err, &p.PlaceForm, map[string]string{"kind": "place_kind", "name": "org_name"})
	if !ok {
		return err
	}
	return s.render(w, r, status, "place_form", p)
}

// handleRouteCreate handles "POST /orgs/{id}/bus-routes".
func (s *Server) handleRouteCreate(w http.ResponseWriter, r *http.Request) error {
	o, err := s.schoolForWrite(r)
	if err != nil {
		return err
	}
	rt := &campusguard.BusRoute{SchoolID: o.ID, Name: strings.TrimSpace(r.PostFormValue("name")),
		Plate: strings.TrimSpace(r.PostFormValue("plate"))}
	if rt.Name == "" {
		err = campusguard.InvalidFields([]campusguard.FieldError{{Field: "name", Msg: "error.required"}})
	} else {
		err = s.Orgs.CreateBusRoute(r.Context(), rt)
	}
	if err == nil {
		return seeOther(w, r, orgURL(o.ID))
	}
	p, perr := s.placeFormPage(r, o, "")
	if perr != nil {
		return perr
	}
	p.RouteName, p.Plate = rt.Name, rt.Plate
	status, ok := formFailedAs(p.Lang, err, &p.RouteForm, map[string]string{"name": "org_name"})
	if !ok {
		return err
	}
	return s.render(w, r, status, "place_form", p)
}
