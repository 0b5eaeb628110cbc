package api

import (
	"net/http"
	"strconv"

	"campusguard"
)

// Directives (issue 12, 日部署、日調度). The store decides who sees which
// directive and which schools' rows; these handlers parse and answer.

// directiveRoutes are the directives' routes.
func (s *Server) directiveRoutes() []route {
	return []route{
		{"GET", "/api/v1/orgs/{id}/directives", false, s.handleDirectiveIndex},
		{"POST", "/api/v1/orgs/{id}/directives", false, s.handleDirectiveCreate},
		{"GET", "/api/v1/directives/{id}", false, s.handleDirectiveView},
		{"POST", "/api/v1/directives/{id}/acknowledge", false, s.handleDirectiveAcknowledge},
		{"POST", "/api/v1/directives/{id}/complete", false, s.handleDirectiveComplete},
		{"POST", "/api/v1/directives/{id}/remind", false, s.handleDirectiveRemind},
		{"GET", "/api/v1/schools/{id}/directives", false, s.handleSchoolDirectives},
	}
}

// withDirectives parses the path's {id} and runs fn with the service, or
// answers 404 when the program runs without one.
func (s *Server) withDirectives(r *http.Request, fn func(ds campusguard.DirectiveService, id int64) error) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if s.Directives == nil {
		return campusguard.Errorf(campusguard.NotFound, "error.not_found")
	}
	return fn(s.Directives, id)
}

// handleDirectiveIndex handles "GET /api/v1/orgs/{id}/directives?overdue=":
// a region's directives with their counts.
func (s *Server) handleDirectiveIndex(w http.ResponseWriter, r *http.Request) error {
	return s.withDirectives(r, func(ds campusguard.DirectiveService, id int64) error {
		q := newQuery(r)
		f := campusguard.DirectiveFilter{RegionID: id}
		if o := q.optBool("overdue"); o != nil {
			f.Overdue = *o
		}
		if err := q.err(); err != nil {
			return err
		}
		list, err := ds.FindDirectives(r.Context(), f)
		if err != nil {
			return err
		}
		return ok(w, newItems(list))
	})
}

type directiveInput struct {
	Title          string                      `json:"title"`
	Text           string                      `json:"text"`
	Deadline       campusguard.Date            `json:"deadline"`
	ReportRequired bool                        `json:"report_required"`
	Target         campusguard.DirectiveTarget `json:"target"`
	SchoolType     campusguard.SchoolType      `json:"school_type"`
	TownID         int64                       `json:"town_id"`
	SchoolIDs      []int64                     `json:"school_ids"`
	FileIDs        []int64                     `json:"file_ids"`
}

// handleDirectiveCreate handles "POST /api/v1/orgs/{id}/directives".
func (s *Server) handleDirectiveCreate(w http.ResponseWriter, r *http.Request) error {
	return s.withDirectives(r, func(ds campusguard.DirectiveService, id int64) error {
		var in directiveInput
		if err := decodeJSON(w, r, &in); err != nil {
			return err
		}
		d := &campusguard.Directive{RegionID: id, Title: in.Title, Text: in.Text, Deadline: in.Deadline, ReportRequired: in.ReportRequired,
			Target: in.Target, SchoolType: in.SchoolType, TownID: in.TownID, SchoolIDs: in.SchoolIDs, FileIDs: in.FileIDs}
		if err := ds.SendDirective(r.Context(), d); err != nil {
			return err
		}
		full, err := ds.FindDirective(r.Context(), d.ID)
		if err != nil {
			return err
		}
		return created(w, "/api/v1/directives/"+strconv.FormatInt(d.ID, 10), full)
	})
}

// handleDirectiveView handles "GET /api/v1/directives/{id}": a directive
// with each school's answer the caller may see.
func (s *Server) handleDirectiveView(w http.ResponseWriter, r *http.Request) error {
	return s.withDirectives(r, func(ds campusguard.DirectiveService, id int64) error {
		d, err := ds.FindDirective(r.Context(), id)
		if err != nil {
			return err
		}
		return ok(w, d)
	})
}

type directiveAnswerInput struct {
	SchoolID int64   `json:"school_id"`
	Note     string  `json:"note"`
	FileIDs  []int64 `json:"file_ids"`
}

// handleDirectiveAcknowledge handles "POST /api/v1/directives/{id}/acknowledge".
func (s *Server) handleDirectiveAcknowledge(w http.ResponseWriter, r *http.Request) error {
	return s.withDirectives(r, func(ds campusguard.DirectiveService, id int64) error {
		var in directiveAnswerInput
		if err := decodeJSON(w, r, &in); err != nil {
			return err
		}
		if err := ds.AcknowledgeDirective(r.Context(), id, in.SchoolID); err != nil {
			return err
		}
		d, err := ds.FindDirective(r.Context(), id)
		if err != nil {
			return err
		}
		return ok(w, d)
	})
}

// handleDirectiveComplete handles "POST /api/v1/directives/{id}/complete".
func (s *Server) handleDirectiveComplete(w http.ResponseWriter, r *http.Request) error {
	return s.withDirectives(r, func(ds campusguard.DirectiveService, id int64) error {
		var in directiveAnswerInput
		if err := decodeJSON(w, r, &in); err != nil {
			return err
		}
		if err := ds.CompleteDirective(r.Context(), id, in.SchoolID, in.Note, in.FileIDs); err != nil {
			return err
		}
		d, err := ds.FindDirective(r.Context(), id)
		if err != nil {
			return err
		}
		return ok(w, d)
	})
}

// handleDirectiveRemind handles "POST /api/v1/directives/{id}/remind".
func (s *Server) handleDirectiveRemind(w http.ResponseWriter, r *http.Request) error {
	return s.withDirectives(r, func(ds campusguard.DirectiveService, id int64) error {
		n, err := ds.RemindDirective(r.Context(), id)
		if err != nil {
			return err
		}
		return ok(w, map[string]int{"reminded": n})
	})
}

// handleSchoolDirectives handles "GET /api/v1/schools/{id}/directives?overdue=":
// the directives sent to a school, each with its own row.
func (s *Server) handleSchoolDirectives(w http.ResponseWriter, r *http.Request) error {
	return s.withDirectives(r, func(ds campusguard.DirectiveService, id int64) error {
		q := newQuery(r)
		f := campusguard.DirectiveFilter{SchoolID: id}
		if o := q.optBool("overdue"); o != nil {
			f.Overdue = *o
		}
		if err := q.err(); err != nil {
			return err
		}
		list, err := ds.FindDirectives(r.Context(), f)
		if err != nil {
			return err
		}
		return ok(w, newItems(list))
	})
}
