package api

import (
	"net/http"

	"campusguard"
)

// signOffInput is the body of "POST /api/v1/schools/{id}/signoff".
type signOffInput struct {
	Day  campusguard.Date `json:"day"`
	Note string           `json:"note"`
}

// handleSignOff handles "POST /api/v1/schools/{id}/signoff": the school's
// sign-off of its day (today in China when the body names none), made even
// when every figure is zero; signing again updates the note.
func (s *Server) handleSignOff(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in signOffInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	day := in.Day
	if day.IsZero() {
		day = today()
	}
	so, err := s.Health.SignOffDay(r.Context(), id, day, in.Note)
	if err != nil {
		return err
	}
	return ok(w, so)
}

// handleSignOffIndex handles "GET /api/v1/orgs/{id}/signoffs": every school
// under an org node with whether it signed off day (today in China when
// left out), unsigned first.
func (s *Server) handleSignOffIndex(w http.ResponseWriter, r *http.Request) error {
	id, day, err := pathIDAndDay(r)
	if err != nil {
		return err
	}
	list, err := s.Health.SignOffs(r.Context(), id, day)
	if err != nil {
		return err
	}
	return ok(w, newItems(list))
}
