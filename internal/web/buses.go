package web

import (
	"net/http"

	"campusguard"
)

// busesPage is the day's figures of the school buses under an org node:
// for school transport and the bureau.
type busesPage struct {
	basePage
	Org  *campusguard.Org
	Day  string
	Rows []*campusguard.BusFigures
}

// handleBusFigures handles "GET /orgs/{id}/buses?day=": each bus route's
// riders and the day's boardings, fevers and missing masks, counted.
func (s *Server) handleBusFigures(w http.ResponseWriter, r *http.Request) error {
	if s.Transport == nil {
		return errNotFound
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	day := s.today()
	if v := r.URL.Query().Get("day"); v != "" {
		if day, err = campusguard.ParseDate(v); err != nil {
			return &statusError{status: http.StatusBadRequest, key: "error.type_date"}
		}
	}
	rows, err := s.Transport.BusFigures(r.Context(), id, day)
	if err != nil {
		return err
	}
	o, err := s.Orgs.FindOrgByID(r.Context(), id)
	if err != nil {
		return err
	}
	p := &busesPage{basePage: s.base(r, "page.buses.title"), Org: o, Day: day.String(), Rows: rows}
	p.Crumbs = []crumb{{Name: o.Name, URL: orgURL(o.ID)}, {Name: p.Title}}
	return s.render(w, r, http.StatusOK, "buses", p)
}
