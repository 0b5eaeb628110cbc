package api

import (
	"net/http"

	"campusguard"
)

// shownFollowUp returns fu ready to render: symptoms as a list, never null.
func shownFollowUp(fu *campusguard.FollowUp) *campusguard.FollowUp {
	if fu.Symptoms == nil {
		fu.Symptoms = []campusguard.Symptom{}
	}
	return fu
}

// handleFollowUpIndex handles "GET /api/v1/followups": the illness-absence
// follow-ups of people in the caller's scope, open ones first.
func (s *Server) handleFollowUpIndex(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	f := campusguard.FollowUpFilter{
		SchoolID: q.id("school_id"),
		ClassID:  q.id("class_id"),
		Day:      q.date("day"),
		OpenOnly: q.bool("open"),
	}
	if err := q.err(); err != nil {
		return err
	}
	fus, err := s.Health.FindFollowUps(r.Context(), f)
	if err != nil {
		return err
	}
	for _, fu := range fus {
		shownFollowUp(fu)
	}
	return ok(w, newItems(fus))
}

// handleFollowUpComplete handles "POST /api/v1/followups/{id}/complete":
// what the teacher or school doctor learned; it closes the follow-up.
func (s *Server) handleFollowUpComplete(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in campusguard.FollowUpReport
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	fu, err := s.Health.CompleteFollowUp(r.Context(), id, in)
	if err != nil {
		return err
	}
	return ok(w, shownFollowUp(fu))
}

// handleMissingReports handles "GET /api/v1/classes/{id}/missing": the
// class's active students with nothing reported on day (today in China
// when left out), masked for the caller by the service.
func (s *Server) handleMissingReports(w http.ResponseWriter, r *http.Request) error {
	id, day, err := pathIDAndDay(r)
	if err != nil {
		return err
	}
	ps, err := s.Health.MissingReports(r.Context(), id, day)
	if err != nil {
		return err
	}
	return ok(w, newItems(ps))
}
