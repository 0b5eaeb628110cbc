package api

import (
	"net/http"
	"slices"
	"strconv"

	"campusguard"
)

// Accountability records (issue 12): the region's alone. The store answers
// 404 to everyone else, a school's accounts first of all.

func (s *Server) accountabilityRoutes() []route {
	return []route{
		{"GET", "/api/v1/orgs/{id}/accountability", false, s.handleAccountabilityIndex},
		{"POST", "/api/v1/orgs/{id}/accountability", false, s.handleAccountabilityCreate},
		{"GET", "/api/v1/accountability/{id}", false, s.handleAccountabilityView},
		{"GET", "/api/v1/orgs/{id}/reinspections", false, s.handleReinspectionIndex},
		{"PUT", "/api/v1/findings/{id}/reinspect", false, s.handleFindingReinspect},
		{"POST", "/api/v1/schools/{id}/readiness/items/{code}/rectification", false, s.handleItemRectify},
	}
}

// handleAccountabilityIndex handles
// "GET /api/v1/orgs/{id}/accountability?school_id=&person_id=&measure=&kind=&from=&to=".
func (s *Server) handleAccountabilityIndex(w http.ResponseWriter, r *http.Request) error {
	return s.withInspections(r, func(is campusguard.InspectionService, id int64) error {
		q := newQuery(r)
		f := campusguard.AccountabilityFilter{OrgID: id, SchoolID: q.id("school_id"), PersonID: q.id("person_id"),
			From: q.date("from"), To: q.date("to")}
		if m := q.text("measure"); m != nil && *m != "" {
			if measure := campusguard.Measure(*m); slices.Contains(campusguard.Measures, measure) {
				f.Measure = &measure
			} else {
				q.fail("measure", "error.bad_choice")
			}
		}
		if k := q.text("kind"); k != nil && *k != "" {
			if kind := campusguard.FailureKind(*k); slices.Contains(campusguard.FailureKinds, kind) {
				f.Kind = &kind
			} else {
				q.fail("kind", "error.bad_choice")
			}
		}
		if err := q.err(); err != nil {
			return err
		}
		xs, err := is.FindAccountabilities(r.Context(), f)
		if err != nil {
			return err
		}
		return ok(w, newItems(xs))
	})
}

type accountabilityInput struct {
	SchoolID    int64                   `json:"school_id"`
	FailureKind campusguard.FailureKind `json:"failure_kind"`
	LinkIDs     []int64                 `json:"link_ids"`
	Failure     string                  `json:"failure"`
	PersonID    *int64                  `json:"person_id"`
	PersonName  string                  `json:"person_name"`
	Post        string                  `json:"post"`
	Measure     campusguard.Measure     `json:"measure"`
	Day         campusguard.Date        `json:"day"`
	Note        string                  `json:"note"`
}

// handleAccountabilityCreate handles "POST /api/v1/orgs/{id}/accountability":
// the school must lie under the node.
func (s *Server) handleAccountabilityCreate(w http.ResponseWriter, r *http.Request) error {
	return s.withInspections(r, func(is campusguard.InspectionService, id int64) error {
		var in accountabilityInput
		if err := decodeJSON(w, r, &in); err != nil {
			return err
		}
		x := &campusguard.Accountability{RegionID: id, SchoolID: in.SchoolID, FailureKind: in.FailureKind, LinkIDs: in.LinkIDs, Failure: in.Failure,
			PersonID: in.PersonID, PersonName: in.PersonName, Post: in.Post, Measure: in.Measure, Day: in.Day, Note: in.Note}
		if err := is.RecordAccountability(r.Context(), x); err != nil {
			return err
		}
		return created(w, "/api/v1/accountability/"+strconv.FormatInt(x.ID, 10), x)
	})
}

// handleAccountabilityView handles "GET /api/v1/accountability/{id}".
func (s *Server) handleAccountabilityView(w http.ResponseWriter, r *http.Request) error {
	return s.withInspections(r, func(is campusguard.InspectionService, id int64) error {
		x, err := is.FindAccountability(r.Context(), id)
		if err != nil {
			return err
		}
		return ok(w, x)
	})
}

// handleReinspectionIndex handles "GET /api/v1/orgs/{id}/reinspections?open=".
func (s *Server) handleReinspectionIndex(w http.ResponseWriter, r *http.Request) error {
	return s.withInspections(r, func(is campusguard.InspectionService, id int64) error {
		q := newQuery(r)
		f := campusguard.ReinspectionFilter{OrgID: id, Open: q.optBool("open")}
		if err := q.err(); err != nil {
			return err
		}
		xs, err := is.FindReinspections(r.Context(), f)
		if err != nil {
			return err
		}
		return ok(w, newItems(xs))
	})
}

type reinspectInput struct {
	Reinspect bool `json:"reinspect"`
}

// handleFindingReinspect handles "PUT /api/v1/findings/{id}/reinspect".
func (s *Server) handleFindingReinspect(w http.ResponseWriter, r *http.Request) error {
	return s.withInspections(r, func(is campusguard.InspectionService, id int64) error {
		var in reinspectInput
		if err := decodeJSON(w, r, &in); err != nil {
			return err
		}
		f, err := is.SetReinspect(r.Context(), id, in.Reinspect)
		if err != nil {
			return err
		}
		return ok(w, f)
	})
}

// handleItemRectify handles "POST /api/v1/schools/{id}/readiness/items/{code}/rectification".
func (s *Server) handleItemRectify(w http.ResponseWriter, r *http.Request) error {
	return s.withInspections(r, func(is campusguard.InspectionService, id int64) error {
		var in campusguard.RectOpening
		if err := decodeJSON(w, r, &in); err != nil {
			return err
		}
		x, err := is.RectifyReadinessItem(r.Context(), id, r.PathValue("code"), in)
		if err != nil {
			return err
		}
		return created(w, "/api/v1/rectifications/"+strconv.FormatInt(x.ID, 10), x)
	})
}
