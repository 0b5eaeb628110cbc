package api

import (
	"net/http"

	"campusguard"
)

// sensitivityBody is the body and answer of
// "/api/v1/orgs/{id}/alert-sensitivity" (issue 19).
type sensitivityBody struct {
	Sensitivity *campusguard.Sensitivity `json:"sensitivity"`
}

// handleSensitivityView handles "GET /api/v1/orgs/{id}/alert-sensitivity":
// how readily a top-level region's statistics raise an alert.
func (s *Server) handleSensitivityView(w http.ResponseWriter, r *http.Request) error {
	o, err := s.regionOrg(r)
	if err != nil {
		return err
	}
	cfg, err := s.Alerts.RuleConfig(r.Context(), o.ID)
	if err != nil {
		return err
	}
	return ok(w, sensitivityBody{Sensitivity: &cfg.Sensitivity})
}

// handleSensitivityUpdate handles "PUT /api/v1/orgs/{id}/alert-sensitivity":
// sets it; a missing or unknown choice is a 422 naming "sensitivity".
func (s *Server) handleSensitivityUpdate(w http.ResponseWriter, r *http.Request) error {
	if _, err := pathID(r, "id"); err != nil {
		return err
	}
	var in sensitivityBody
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.Sensitivity == nil {
		return campusguard.InvalidFields([]campusguard.FieldError{{Field: "sensitivity", Msg: "error.required"}})
	}
	o, err := s.regionOrg(r)
	if err != nil {
		return err
	}
	if err := s.Alerts.SetAlertSensitivity(r.Context(), o.ID, *in.Sensitivity); err != nil {
		return err
	}
	return ok(w, in)
}
