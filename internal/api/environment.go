package api

import (
	"net/http"
	"strconv"
	"time"

	"campusguard"
)

// Environment (issue 14, first part): spaces and their schedules, the
// ventilation and disinfection logs, the overdue list and the compliance.
// The store decides who may; these handlers parse and answer.

// environmentRoutes are the environment's routes.
func (s *Server) environmentRoutes() []route {
	return []route{
		{"GET", "/api/v1/orgs/{id}/env-schedules", false, s.handleEnvSchedules},
		{"PUT", "/api/v1/orgs/{id}/env-schedules/{kind}", false, s.handleEnvScheduleSet},
		{"GET", "/api/v1/orgs/{id}/spaces", false, s.handleSpaceIndex},
		{"POST", "/api/v1/orgs/{id}/spaces", false, s.handleSpaceCreate},
		{"PUT", "/api/v1/orgs/{id}/spaces/{space}", false, s.handleSpaceUpdate},
		{"GET", "/api/v1/orgs/{id}/env-logs", false, s.handleEnvLogIndex},
		{"POST", "/api/v1/orgs/{id}/env-logs", false, s.handleEnvLogCreate},
		{"GET", "/api/v1/orgs/{id}/env-overdue", false, s.handleEnvOverdue},
		{"GET", "/api/v1/orgs/{id}/env-compliance", false, s.handleEnvCompliance},
	}
}

// withEnvironment parses the path's {id} and runs fn with the service, or
// answers 404 when the program runs without one.
func (s *Server) withEnvironment(r *http.Request, fn func(es campusguard.EnvironmentService, id int64) error) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if s.Environment == nil {
		return campusguard.Errorf(campusguard.NotFound, "error.not_found")
	}
	return fn(s.Environment, id)
}

// handleEnvSchedules handles "GET /api/v1/orgs/{id}/env-schedules".
func (s *Server) handleEnvSchedules(w http.ResponseWriter, r *http.Request) error {
	return s.withEnvironment(r, func(es campusguard.EnvironmentService, id int64) error {
		ks, err := es.EnvDefaults(r.Context(), id)
		if err != nil {
			return err
		}
		return ok(w, newItems(ks))
	})
}

// handleEnvScheduleSet handles "PUT /api/v1/orgs/{id}/env-schedules/{kind}".
func (s *Server) handleEnvScheduleSet(w http.ResponseWriter, r *http.Request) error {
	return s.withEnvironment(r, func(es campusguard.EnvironmentService, id int64) error {
		var in campusguard.Schedule
		if err := decodeJSON(w, r, &in); err != nil {
			return err
		}
		k := campusguard.KindSchedule{Kind: campusguard.SpaceKind(r.PathValue("kind")), Schedule: in, Own: true}
		if err := es.SetEnvDefault(r.Context(), id, k); err != nil {
			return err
		}
		if k.Schedule.Disinfection == campusguard.DisinfectDaily {
			k.Schedule.Uses = 0
		}
		return ok(w, k)
	})
}

// handleSpaceIndex handles "GET /api/v1/orgs/{id}/spaces".
func (s *Server) handleSpaceIndex(w http.ResponseWriter, r *http.Request) error {
	return s.withEnvironment(r, func(es campusguard.EnvironmentService, id int64) error {
		sps, err := es.Spaces(r.Context(), id)
		if err != nil {
			return err
		}
		return ok(w, newItems(sps))
	})
}

type spaceInput struct {
	Kind       campusguard.SpaceKind `json:"kind"`
	Name       string                `json:"name"`
	ClassID    *int64                `json:"class_id"`
	BusRouteID *int64                `json:"bus_route_id"`
	Own        *campusguard.Schedule `json:"own_schedule"`
}

func (in spaceInput) space(schoolID, id int64) *campusguard.Space {
	return &campusguard.Space{ID: id, SchoolID: schoolID, Kind: in.Kind, Name: in.Name, ClassID: in.ClassID, BusRouteID: in.BusRouteID,
		Own: in.Own}
}

// handleSpaceCreate handles "POST /api/v1/orgs/{id}/spaces".
func (s *Server) handleSpaceCreate(w http.ResponseWriter, r *http.Request) error {
	return s.withEnvironment(r, func(es campusguard.EnvironmentService, id int64) error {
		var in spaceInput
		if err := decodeJSON(w, r, &in); err != nil {
			return err
		}
		sp := in.space(id, 0)
		if err := es.SaveSpace(r.Context(), sp); err != nil {
			return err
		}
		return created(w, "/api/v1/orgs/"+strconv.FormatInt(id, 10)+"/spaces", s.savedSpace(r, es, sp))
	})
}

// handleSpaceUpdate handles "PUT /api/v1/orgs/{id}/spaces/{space}".
func (s *Server) handleSpaceUpdate(w http.ResponseWriter, r *http.Request) error {
	return s.withEnvironment(r, func(es campusguard.EnvironmentService, id int64) error {
		spaceID, err := pathID(r, "space")
		if err != nil {
			return err
		}
		var in spaceInput
		if err := decodeJSON(w, r, &in); err != nil {
			return err
		}
		sp := in.space(id, spaceID)
		if err := es.SaveSpace(r.Context(), sp); err != nil {
			return err
		}
		return ok(w, s.savedSpace(r, es, sp))
	})
}

// savedSpace reads a saved space back with its schedule in force; the
// space as saved if it cannot be read (a principal always can).
func (s *Server) savedSpace(r *http.Request, es campusguard.EnvironmentService, sp *campusguard.Space) *campusguard.Space {
	sps, err := es.Spaces(r.Context(), sp.SchoolID)
	if err == nil {
		for _, x := range sps {
			if x.ID == sp.ID {
				return x
			}
		}
	}
	return sp
}

// handleEnvLogIndex handles "GET /api/v1/orgs/{id}/env-logs?day=".
func (s *Server) handleEnvLogIndex(w http.ResponseWriter, r *http.Request) error {
	return s.withEnvironment(r, func(es campusguard.EnvironmentService, id int64) error {
		q := newQuery(r)
		d := q.date("day")
		if err := q.err(); err != nil {
			return err
		}
		var day campusguard.Date // zero: today
		if d != nil {
			day = *d
		}
		logs, err := es.EnvLogs(r.Context(), id, day)
		if err != nil {
			return err
		}
		return ok(w, newItems(logs))
	})
}

type envLogInput struct {
	SpaceIDs []int64             `json:"space_ids"`
	Task     campusguard.EnvTask `json:"task"`
	At       *time.Time          `json:"at"`
	FileID   *int64              `json:"file_id"`
	Note     string              `json:"note"`
}

// handleEnvLogCreate handles "POST /api/v1/orgs/{id}/env-logs": one log
// per space named, all or none.
func (s *Server) handleEnvLogCreate(w http.ResponseWriter, r *http.Request) error {
	return s.withEnvironment(r, func(es campusguard.EnvironmentService, id int64) error {
		var in envLogInput
		if err := decodeJSON(w, r, &in); err != nil {
			return err
		}
		li := campusguard.EnvLogInput{SchoolID: id, SpaceIDs: in.SpaceIDs, Task: in.Task, FileID: in.FileID, Note: in.Note}
		if in.At != nil {
			li.At = *in.At
		}
		logs, err := es.LogEnvironment(r.Context(), li)
		if err != nil {
			return err
		}
		return created(w, "/api/v1/orgs/"+strconv.FormatInt(id, 10)+"/env-logs", newItems(logs))
	})
}

// handleEnvOverdue handles "GET /api/v1/orgs/{id}/env-overdue".
func (s *Server) handleEnvOverdue(w http.ResponseWriter, r *http.Request) error {
	return s.withEnvironment(r, func(es campusguard.EnvironmentService, id int64) error {
		o, err := es.OverdueToday(r.Context(), id)
		if err != nil {
			return err
		}
		return ok(w, o)
	})
}

// handleEnvCompliance handles "GET /api/v1/orgs/{id}/env-compliance?from=&to=".
func (s *Server) handleEnvCompliance(w http.ResponseWriter, r *http.Request) error {
	return s.withEnvironment(r, func(es campusguard.EnvironmentService, id int64) error {
		q := newQuery(r)
		from, to := q.date("from"), q.date("to")
		if err := q.err(); err != nil {
			return err
		}
		var f, t campusguard.Date
		if from != nil {
			f = *from
		}
		if to != nil {
			t = *to
		}
		c, err := es.EnvCompliance(r.Context(), id, f, t)
		if err != nil {
			return err
		}
		return ok(w, c)
	})
}
