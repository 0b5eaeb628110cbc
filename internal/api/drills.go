package api

import (
	"net/http"
	"strconv"

	"campusguard"
)

// Drills (issue 14, 應急演練). The store decides who sees and runs which
// drill; these handlers parse and answer.

// drillRoutes are the drills' routes.
func (s *Server) drillRoutes() []route {
	return []route{
		{"GET", "/api/v1/orgs/{id}/drills", false, s.handleDrillIndex},
		{"GET", "/api/v1/orgs/{id}/drill-overview", false, s.handleDrillOverview},
		{"POST", "/api/v1/schools/{id}/drills", false, s.handleDrillCreate},
		{"GET", "/api/v1/drills/{id}", false, s.handleDrillView},
		{"POST", "/api/v1/drills/{id}/start", false, s.handleDrillStart},
		{"POST", "/api/v1/drills/{id}/inject", false, s.handleDrillInject},
		{"POST", "/api/v1/drills/{id}/finish", false, s.handleDrillFinish},
	}
}

// withDrills parses the path's {id} and runs fn with the service, or
// answers 404 when the program runs without one.
func (s *Server) withDrills(r *http.Request, fn func(ds campusguard.DrillService, id int64) error) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if s.Drills == nil {
		return campusguard.Errorf(campusguard.NotFound, "error.not_found")
	}
	return fn(s.Drills, id)
}

// handleDrillIndex handles "GET /api/v1/orgs/{id}/drills": the drills
// under a node, newest first.
func (s *Server) handleDrillIndex(w http.ResponseWriter, r *http.Request) error {
	return s.withDrills(r, func(ds campusguard.DrillService, id int64) error {
		list, err := ds.FindDrills(r.Context(), campusguard.DrillFilter{OrgID: id})
		if err != nil {
			return err
		}
		return ok(w, newItems(list))
	})
}

// handleDrillOverview handles "GET /api/v1/orgs/{id}/drill-overview": each
// school's last drill and its times, and the schools without one this term.
func (s *Server) handleDrillOverview(w http.ResponseWriter, r *http.Request) error {
	return s.withDrills(r, func(ds campusguard.DrillService, id int64) error {
		ov, err := ds.DrillOverview(r.Context(), id)
		if err != nil {
			return err
		}
		return ok(w, ov)
	})
}

type drillInput struct {
	Scenario         campusguard.DrillScenario `json:"scenario"`
	PlannedDay       campusguard.Date          `json:"planned_day"`
	Participants     string                    `json:"participants"`
	ParticipantCount int                       `json:"participant_count"`
}

// handleDrillCreate handles "POST /api/v1/schools/{id}/drills": plan one.
func (s *Server) handleDrillCreate(w http.ResponseWriter, r *http.Request) error {
	return s.withDrills(r, func(ds campusguard.DrillService, id int64) error {
		var in drillInput
		if err := decodeJSON(w, r, &in); err != nil {
			return err
		}
		d, err := ds.PlanDrill(r.Context(), campusguard.NewDrill{SchoolID: id, Scenario: in.Scenario, PlannedDay: in.PlannedDay,
			Participants: in.Participants, ParticipantCount: in.ParticipantCount})
		if err != nil {
			return err
		}
		return created(w, "/api/v1/drills/"+strconv.FormatInt(d.ID, 10), d)
	})
}

// handleDrillView handles "GET /api/v1/drills/{id}".
func (s *Server) handleDrillView(w http.ResponseWriter, r *http.Request) error {
	return s.withDrills(r, func(ds campusguard.DrillService, id int64) error {
		d, err := ds.FindDrill(r.Context(), id)
		if err != nil {
			return err
		}
		return ok(w, d)
	})
}

// handleDrillStart handles "POST /api/v1/drills/{id}/start".
func (s *Server) handleDrillStart(w http.ResponseWriter, r *http.Request) error {
	return s.withDrills(r, func(ds campusguard.DrillService, id int64) error {
		d, err := ds.StartDrill(r.Context(), id)
		if err != nil {
			return err
		}
		return ok(w, d)
	})
}

// handleDrillInject handles "POST /api/v1/drills/{id}/inject": the
// synthetic case, answered with the case (its drill_id set).
func (s *Server) handleDrillInject(w http.ResponseWriter, r *http.Request) error {
	return s.withDrills(r, func(ds campusguard.DrillService, id int64) error {
		var in campusguard.DrillInjection
		if err := decodeJSON(w, r, &in); err != nil {
			return err
		}
		k, err := ds.InjectDrillCase(r.Context(), id, in)
		if err != nil {
			return err
		}
		return created(w, "/api/v1/cases/"+strconv.FormatInt(k.ID, 10), k)
	})
}

type drillFinishInput struct {
	Problems []campusguard.DrillProblemInput `json:"problems"`
}

// handleDrillFinish handles "POST /api/v1/drills/{id}/finish".
func (s *Server) handleDrillFinish(w http.ResponseWriter, r *http.Request) error {
	return s.withDrills(r, func(ds campusguard.DrillService, id int64) error {
		var in drillFinishInput
		if err := decodeJSON(w, r, &in); err != nil {
			return err
		}
		d, err := ds.FinishDrill(r.Context(), id, in.Problems)
		if err != nil {
			return err
		}
		return ok(w, d)
	})
}
