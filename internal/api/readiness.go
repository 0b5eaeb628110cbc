package api

import (
	"net/http"
	"strconv"

	"campusguard"
)

// readiness returns the readiness service, or a 404 when the program runs
// without one.
func (s *Server) readiness() (campusguard.ReadinessService, error) {
	if s.Readiness == nil {
		return nil, campusguard.Errorf(campusguard.NotFound, "error.not_found")
	}
	return s.Readiness, nil
}

// withReadiness parses the path's {id} and runs fn with the service.
func (s *Server) withReadiness(r *http.Request, fn func(rs campusguard.ReadinessService, id int64) error) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	rs, err := s.readiness()
	if err != nil {
		return err
	}
	return fn(rs, id)
}

// queryDay reads the "day" query parameter, today in China when left out.
func queryDay(r *http.Request) (campusguard.Date, error) {
	q := newQuery(r)
	d := q.date("day")
	if err := q.err(); err != nil {
		return campusguard.Date{}, err
	}
	if d == nil {
		return today(), nil
	}
	return *d, nil
}

// handleChecklistView handles "GET /api/v1/orgs/{id}/checklist": a
// top-level region's current checklist.
func (s *Server) handleChecklistView(w http.ResponseWriter, r *http.Request) error {
	return s.withReadiness(r, func(rs campusguard.ReadinessService, id int64) error {
		c, err := rs.Checklist(r.Context(), id)
		if err != nil {
			return err
		}
		return ok(w, c)
	})
}

type checklistInput struct {
	Items []campusguard.ChecklistItem `json:"items"`
}

// handleChecklistSet handles "PUT /api/v1/orgs/{id}/checklist": a new
// version of the region's checklist.
func (s *Server) handleChecklistSet(w http.ResponseWriter, r *http.Request) error {
	return s.withReadiness(r, func(rs campusguard.ReadinessService, id int64) error {
		var in checklistInput
		if err := decodeJSON(w, r, &in); err != nil {
			return err
		}
		c, err := rs.SetChecklist(r.Context(), id, in.Items)
		if err != nil {
			return err
		}
		return ok(w, c)
	})
}

// handleRegionReadiness handles "GET /api/v1/orgs/{id}/readiness": every
// school's progress under a node.
func (s *Server) handleRegionReadiness(w http.ResponseWriter, r *http.Request) error {
	return s.withReadiness(r, func(rs campusguard.ReadinessService, id int64) error {
		lines, err := rs.RegionReadiness(r.Context(), id)
		if err != nil {
			return err
		}
		return ok(w, newItems(lines))
	})
}

// handleSchoolReadiness handles "GET /api/v1/schools/{id}/readiness".
func (s *Server) handleSchoolReadiness(w http.ResponseWriter, r *http.Request) error {
	return s.withReadiness(r, func(rs campusguard.ReadinessService, id int64) error {
		rd, err := rs.SchoolReadiness(r.Context(), id)
		if err != nil {
			return err
		}
		return ok(w, rd)
	})
}

// answerSchool answers the school's readiness after a change.
func answerSchool(w http.ResponseWriter, r *http.Request, rs campusguard.ReadinessService, id int64) error {
	rd, err := rs.SchoolReadiness(r.Context(), id)
	if err != nil {
		return err
	}
	return ok(w, rd)
}

// handleItemAnswer handles "PUT /api/v1/schools/{id}/readiness/items/{code}".
func (s *Server) handleItemAnswer(w http.ResponseWriter, r *http.Request) error {
	return s.withReadiness(r, func(rs campusguard.ReadinessService, id int64) error {
		var in campusguard.Answer
		if err := decodeJSON(w, r, &in); err != nil {
			return err
		}
		in.SchoolID, in.Code = id, r.PathValue("code")
		if err := rs.AnswerItem(r.Context(), in); err != nil {
			return err
		}
		return answerSchool(w, r, rs, id)
	})
}

type reviewInput struct {
	Verdict campusguard.Verdict `json:"verdict"`
	Comment string              `json:"comment"`
}

// handleItemReview handles "POST /api/v1/schools/{id}/readiness/items/{code}/review".
func (s *Server) handleItemReview(w http.ResponseWriter, r *http.Request) error {
	return s.withReadiness(r, func(rs campusguard.ReadinessService, id int64) error {
		var in reviewInput
		if err := decodeJSON(w, r, &in); err != nil {
			return err
		}
		if err := rs.ReviewItem(r.Context(), id, r.PathValue("code"), in.Verdict, in.Comment); err != nil {
			return err
		}
		return answerSchool(w, r, rs, id)
	})
}

// handleReadinessSubmit handles "POST /api/v1/schools/{id}/readiness/submit".
func (s *Server) handleReadinessSubmit(w http.ResponseWriter, r *http.Request) error {
	return s.withReadiness(r, func(rs campusguard.ReadinessService, id int64) error {
		if err := rs.SubmitReadiness(r.Context(), id); err != nil {
			return err
		}
		return answerSchool(w, r, rs, id)
	})
}

// handleApprove handles "POST /api/v1/schools/{id}/approval".
func (s *Server) handleApprove(w http.ResponseWriter, r *http.Request) error {
	return s.withReadiness(r, func(rs campusguard.ReadinessService, id int64) error {
		if err := rs.ApproveReopening(r.Context(), id); err != nil {
			return err
		}
		return answerSchool(w, r, rs, id)
	})
}

type reasonInput struct {
	Reason string `json:"reason"`
}

// handleApprovalWithdraw handles "POST /api/v1/schools/{id}/approval/withdraw".
func (s *Server) handleApprovalWithdraw(w http.ResponseWriter, r *http.Request) error {
	return s.withReadiness(r, func(rs campusguard.ReadinessService, id int64) error {
		var in reasonInput
		if err := decodeJSON(w, r, &in); err != nil {
			return err
		}
		if err := rs.WithdrawApproval(r.Context(), id, in.Reason); err != nil {
			return err
		}
		return answerSchool(w, r, rs, id)
	})
}

type planInput struct {
	Kind   campusguard.PlanKind `json:"kind"`
	FileID int64                `json:"file_id"`
}

// handlePlanCreate handles "POST /api/v1/schools/{id}/plans".
func (s *Server) handlePlanCreate(w http.ResponseWriter, r *http.Request) error {
	return s.withReadiness(r, func(rs campusguard.ReadinessService, id int64) error {
		var in planInput
		if err := decodeJSON(w, r, &in); err != nil {
			return err
		}
		if err := rs.UploadPlan(r.Context(), id, in.Kind, in.FileID); err != nil {
			return err
		}
		return answerSchool(w, r, rs, id)
	})
}

// handlePhaseIndex handles "GET /api/v1/orgs/{id}/phases".
func (s *Server) handlePhaseIndex(w http.ResponseWriter, r *http.Request) error {
	return s.withReadiness(r, func(rs campusguard.ReadinessService, id int64) error {
		ps, err := rs.Phases(r.Context(), id)
		if err != nil {
			return err
		}
		return ok(w, newItems(ps))
	})
}

type phaseInput struct {
	Name       string                 `json:"name"`
	SchoolType campusguard.SchoolType `json:"school_type"`
	Grades     []int                  `json:"grades"`
	Start      campusguard.Date       `json:"start"`
}

func (s *Server) setPhase(w http.ResponseWriter, r *http.Request, phaseID int64) error {
	return s.withReadiness(r, func(rs campusguard.ReadinessService, id int64) error {
		var in phaseInput
		if err := decodeJSON(w, r, &in); err != nil {
			return err
		}
		p := &campusguard.Phase{ID: phaseID, RegionID: id, Name: in.Name, SchoolType: in.SchoolType, Grades: in.Grades, Start: in.Start}
		if err := rs.SetPhase(r.Context(), p); err != nil {
			return err
		}
		if phaseID == 0 {
			return created(w, r.URL.Path+"/"+itoa(p.ID), p)
		}
		return ok(w, p)
	})
}

// handlePhaseCreate handles "POST /api/v1/orgs/{id}/phases".
func (s *Server) handlePhaseCreate(w http.ResponseWriter, r *http.Request) error {
	return s.setPhase(w, r, 0)
}

// handlePhaseUpdate handles "PUT /api/v1/orgs/{id}/phases/{phase}".
func (s *Server) handlePhaseUpdate(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathID(r, "phase")
	if err != nil {
		return err
	}
	return s.setPhase(w, r, pid)
}

// handlePhaseDelete handles "DELETE /api/v1/orgs/{id}/phases/{phase}".
func (s *Server) handlePhaseDelete(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathID(r, "phase")
	if err != nil {
		return err
	}
	return s.withReadiness(r, func(rs campusguard.ReadinessService, id int64) error {
		if err := rs.DeletePhase(r.Context(), id, pid); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	})
}

// handleSuspensionIndex handles "GET /api/v1/orgs/{id}/suspensions?from=".
func (s *Server) handleSuspensionIndex(w http.ResponseWriter, r *http.Request) error {
	return s.withReadiness(r, func(rs campusguard.ReadinessService, id int64) error {
		q := newQuery(r)
		from := q.date("from")
		if err := q.err(); err != nil {
			return err
		}
		if from == nil {
			d := today()
			from = &d
		}
		xs, err := rs.Suspensions(r.Context(), id, *from)
		if err != nil {
			return err
		}
		return ok(w, newItems(xs))
	})
}

type suspensionInput struct {
	Start  campusguard.Date `json:"start"`
	End    campusguard.Date `json:"end"`
	Reason string           `json:"reason"`
}

// handleSuspensionCreate handles "POST /api/v1/orgs/{id}/suspensions".
func (s *Server) handleSuspensionCreate(w http.ResponseWriter, r *http.Request) error {
	return s.withReadiness(r, func(rs campusguard.ReadinessService, id int64) error {
		var in suspensionInput
		if err := decodeJSON(w, r, &in); err != nil {
			return err
		}
		x := &campusguard.Suspension{OrgID: id, Start: in.Start, End: in.End, Reason: in.Reason}
		if err := rs.Suspend(r.Context(), x); err != nil {
			return err
		}
		return created(w, "/api/v1/orgs/"+itoa(id)+"/suspensions", x)
	})
}

type extendInput struct {
	End    campusguard.Date `json:"end"`
	Reason string           `json:"reason"`
}

// handleSuspensionExtend handles "POST /api/v1/suspensions/{id}/extend".
func (s *Server) handleSuspensionExtend(w http.ResponseWriter, r *http.Request) error {
	return s.withReadiness(r, func(rs campusguard.ReadinessService, id int64) error {
		var in extendInput
		if err := decodeJSON(w, r, &in); err != nil {
			return err
		}
		if err := rs.ExtendSuspension(r.Context(), id, in.End, in.Reason); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	})
}

type resumeInput struct {
	Day    campusguard.Date `json:"day"`
	Reason string           `json:"reason"`
}

// handleSuspensionResume handles "POST /api/v1/suspensions/{id}/resume".
func (s *Server) handleSuspensionResume(w http.ResponseWriter, r *http.Request) error {
	return s.withReadiness(r, func(rs campusguard.ReadinessService, id int64) error {
		var in resumeInput
		if err := decodeJSON(w, r, &in); err != nil {
			return err
		}
		if err := rs.Resume(r.Context(), id, in.Day, in.Reason); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	})
}

// handleClassILI handles "GET /api/v1/orgs/{id}/ili?day=": the classes
// that reach the ILI suspension criteria.
func (s *Server) handleClassILI(w http.ResponseWriter, r *http.Request) error {
	return s.withReadiness(r, func(rs campusguard.ReadinessService, id int64) error {
		day, err := queryDay(r)
		if err != nil {
			return err
		}
		cs, err := rs.ClassILI(r.Context(), id, day)
		if err != nil {
			return err
		}
		return ok(w, newItems(cs))
	})
}

// handleILISettingsView handles "GET /api/v1/orgs/{id}/ili-settings".
func (s *Server) handleILISettingsView(w http.ResponseWriter, r *http.Request) error {
	return s.withReadiness(r, func(rs campusguard.ReadinessService, id int64) error {
		t, err := rs.ILISettings(r.Context(), id)
		if err != nil {
			return err
		}
		return ok(w, t)
	})
}

// handleILISettingsSet handles "PUT /api/v1/orgs/{id}/ili-settings".
func (s *Server) handleILISettingsSet(w http.ResponseWriter, r *http.Request) error {
	return s.withReadiness(r, func(rs campusguard.ReadinessService, id int64) error {
		var in campusguard.ILIThresholds
		if err := decodeJSON(w, r, &in); err != nil {
			return err
		}
		if err := rs.SetILISettings(r.Context(), id, in); err != nil {
			return err
		}
		return ok(w, in)
	})
}

// handleOpenFigures handles "GET /api/v1/orgs/{id}/open-figures?day=".
func (s *Server) handleOpenFigures(w http.ResponseWriter, r *http.Request) error {
	return s.withReadiness(r, func(rs campusguard.ReadinessService, id int64) error {
		day, err := queryDay(r)
		if err != nil {
			return err
		}
		f, err := rs.OpenFigures(r.Context(), id, day)
		if err != nil {
			return err
		}
		return ok(w, f)
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
