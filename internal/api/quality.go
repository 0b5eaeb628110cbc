package api

import (
	"net/http"

	"campusguard"
)

// Data quality (issue 17).

var findingStatuses = []campusguard.FindingStatus{campusguard.FindingOpen, campusguard.FindingExplained}

// handleFindingIndex handles "GET /api/v1/orgs/{id}/quality-findings": the
// data-quality findings under a school or region, open first.
func (s *Server) handleFindingIndex(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	q := newQuery(r)
	f := campusguard.FindingFilter{OrgID: id, Status: choice(q, "status", findingStatuses),
		Rule: choice(q, "rule", campusguard.QualityRules)}
	p := q.page()
	if err := q.err(); err != nil {
		return err
	}
	f.Offset, f.Limit = p.Offset, p.Limit
	list, total, err := s.Quality.FindFindings(r.Context(), f)
	if err != nil {
		return err
	}
	if list == nil {
		list = []*campusguard.Finding{}
	}
	return ok(w, newList(list, total, p))
}

// handleFindingExplain handles "POST /api/v1/quality-findings/{id}/explain":
// the school's note; the finding is explained, and the note audited.
func (s *Server) handleFindingExplain(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		Note string `json:"note"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	f, err := s.Quality.ExplainFinding(r.Context(), id, in.Note)
	if err != nil {
		return err
	}
	return ok(w, f)
}

// handleQualityRun handles "POST /api/v1/orgs/{id}/quality-run?day=": a
// top-level region's data-quality checks now, for day (today by default).
func (s *Server) handleQualityRun(w http.ResponseWriter, r *http.Request) error {
	id, day, err := pathIDAndDay(r)
	if err != nil {
		return err
	}
	run, err := s.Quality.RunQuality(r.Context(), id, day)
	if err != nil {
		return err
	}
	return ok(w, run)
}

// handleQualitySummary handles "GET /api/v1/orgs/{id}/quality": each school
// under the node with its open findings and score, worst first.
func (s *Server) handleQualitySummary(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	sums, err := s.Quality.QualitySummaries(r.Context(), id)
	if err != nil {
		return err
	}
	if sums == nil {
		sums = []campusguard.QualitySummary{}
	}
	return ok(w, sums)
}

// handleQualitySettingsView handles "GET /api/v1/orgs/{id}/quality-settings".
func (s *Server) handleQualitySettingsView(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	qs, err := s.Quality.QualitySettings(r.Context(), id)
	if err != nil {
		return err
	}
	return ok(w, qs)
}

// handleQualitySettingsUpdate handles "PUT /api/v1/orgs/{id}/quality-settings":
// every threshold at once (start from what GET returns).
func (s *Server) handleQualitySettingsUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in campusguard.QualitySettings
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := s.Quality.SetQualitySettings(r.Context(), id, in); err != nil {
		return err
	}
	return s.handleQualitySettingsView(w, r)
}
