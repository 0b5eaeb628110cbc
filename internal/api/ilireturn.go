package api

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"

	"campusguard"
)

// handleILIReturn handles "GET /api/v1/people/{id}/ili-return": whether a
// student with influenza-like illness may return now, and from when.
func (s *Server) handleILIReturn(w http.ResponseWriter, r *http.Request) error {
	return s.withReadiness(r, func(rs campusguard.ReadinessService, id int64) error {
		ret, err := rs.ILIReturn(r.Context(), id)
		if err != nil {
			return err
		}
		return ok(w, ret)
	})
}

// handleILIHeld handles "GET /api/v1/orgs/{id}/ili-held": the students of
// a school or class not yet cleared after ILI, for the gate.
func (s *Server) handleILIHeld(w http.ResponseWriter, r *http.Request) error {
	return s.withReadiness(r, func(rs campusguard.ReadinessService, id int64) error {
		held, err := rs.ILIHeld(r.Context(), id)
		if err != nil {
			return err
		}
		items := []campusguard.ILIReturn{}
		for _, h := range held {
			items = append(items, h)
		}
		slices.SortFunc(items, func(a, b campusguard.ILIReturn) int { return cmp.Compare(a.PersonID, b.PersonID) })
		return ok(w, newItems(items))
	})
}

type returnNoteInput struct {
	Day    campusguard.Date `json:"day"`
	FileID *int64           `json:"file_id"`
	Note   string           `json:"note"`
}

// handleReturnNoteCreate handles "POST /api/v1/people/{id}/return-notes":
// the school doctor records a doctor's note that clears the student.
func (s *Server) handleReturnNoteCreate(w http.ResponseWriter, r *http.Request) error {
	return s.withReadiness(r, func(rs campusguard.ReadinessService, id int64) error {
		var in returnNoteInput
		if err := decodeJSON(w, r, &in); err != nil {
			return err
		}
		n := &campusguard.ReturnNote{PersonID: id, Day: in.Day, FileID: in.FileID, Note: in.Note}
		if err := rs.RecordReturnNote(r.Context(), n); err != nil {
			return err
		}
		return created(w, "/api/v1/people/"+strconv.FormatInt(id, 10)+"/ili-return", n)
	})
}
