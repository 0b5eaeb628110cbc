package api

import (
	"net/http"

	"campusguard"
)

// jobList is the answer to "GET /api/v1/system/jobs".
type jobList struct {
	Items []*campusguard.JobRun `json:"items"`
}

// handleJobIndex handles "GET /api/v1/system/jobs": each scheduled job's
// latest run, the server that ran it and any failure. System
// administrators only.
func (s *Server) handleJobIndex(w http.ResponseWriter, r *http.Request) error {
	if s.Jobs == nil {
		return campusguard.Errorf(campusguard.NotFound, "error.not_found")
	}
	runs, err := s.Jobs.JobRuns(r.Context())
	if err != nil {
		return err
	}
	if runs == nil {
		runs = []*campusguard.JobRun{}
	}
	return ok(w, jobList{Items: runs})
}
