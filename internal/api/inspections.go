package api

import (
	"net/http"
	"strconv"

	"campusguard"
)

// Inspections and rectification (issue 12). The store decides who sees
// what, an unannounced visit included; these handlers parse and answer.

// inspectionRoutes are the routes of issue 12's first part.
func (s *Server) inspectionRoutes() []route {
	return []route{
		{"GET", "/api/v1/orgs/{id}/inspection-checklist", false, s.handleInspectionChecklistView},
		{"PUT", "/api/v1/orgs/{id}/inspection-checklist", false, s.handleInspectionChecklistSet},
		{"GET", "/api/v1/orgs/{id}/inspections", false, s.handleInspectionIndex},
		{"POST", "/api/v1/orgs/{id}/inspections", false, s.handleInspectionCreate},
		{"GET", "/api/v1/inspections/{id}", false, s.handleInspectionView},
		{"POST", "/api/v1/inspections/{id}/visits", false, s.handleVisitCreate},
		{"GET", "/api/v1/visits", false, s.handleVisitIndex},
		{"GET", "/api/v1/visits/{id}", false, s.handleVisitView},
		{"PUT", "/api/v1/visits/{id}/results/{code}", false, s.handleVisitResult},
		{"POST", "/api/v1/visits/{id}/findings", false, s.handleFindingCreate},
		{"POST", "/api/v1/visits/{id}/close", false, s.handleVisitClose},
		{"GET", "/api/v1/orgs/{id}/inspection-coverage", false, s.handleCoverage},
		{"GET", "/api/v1/orgs/{id}/rectifications", false, s.handleRectIndex},
		{"GET", "/api/v1/rectifications/{id}", false, s.handleRectView},
		{"POST", "/api/v1/rectifications/{id}/answer", false, s.handleRectAnswer},
		{"POST", "/api/v1/rectifications/{id}/verify", false, s.handleRectVerify},
	}
}

// withInspections parses the path's {id} and runs fn with the service, or
// answers 404 when the program runs without one.
func (s *Server) withInspections(r *http.Request, fn func(is campusguard.InspectionService, id int64) error) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if s.Inspections == nil {
		return campusguard.Errorf(campusguard.NotFound, "error.not_found")
	}
	return fn(s.Inspections, id)
}

// handleInspectionChecklistView handles "GET /api/v1/orgs/{id}/inspection-checklist".
func (s *Server) handleInspectionChecklistView(w http.ResponseWriter, r *http.Request) error {
	return s.withInspections(r, func(is campusguard.InspectionService, id int64) error {
		c, err := is.InspectionChecklist(r.Context(), id)
		if err != nil {
			return err
		}
		return ok(w, c)
	})
}

// handleInspectionChecklistSet handles "PUT /api/v1/orgs/{id}/inspection-checklist".
func (s *Server) handleInspectionChecklistSet(w http.ResponseWriter, r *http.Request) error {
	return s.withInspections(r, func(is campusguard.InspectionService, id int64) error {
		var in checklistInput
		if err := decodeJSON(w, r, &in); err != nil {
			return err
		}
		c, err := is.SetInspectionChecklist(r.Context(), id, in.Items)
		if err != nil {
			return err
		}
		return ok(w, c)
	})
}

// handleInspectionIndex handles "GET /api/v1/orgs/{id}/inspections?from=&to=".
func (s *Server) handleInspectionIndex(w http.ResponseWriter, r *http.Request) error {
	return s.withInspections(r, func(is campusguard.InspectionService, id int64) error {
		q := newQuery(r)
		f := campusguard.InspectionFilter{RegionID: id, From: q.date("from"), To: q.date("to")}
		if err := q.err(); err != nil {
			return err
		}
		ins, err := is.FindInspections(r.Context(), f)
		if err != nil {
			return err
		}
		return ok(w, newItems(ins))
	})
}

type inspectionInput struct {
	Title     string                   `json:"title"`
	From      campusguard.Date         `json:"from"`
	To        campusguard.Date         `json:"to"`
	Announced bool                     `json:"announced"`
	Team      string                   `json:"team"`
	Members   []campusguard.TeamMember `json:"members"`
}

// handleInspectionCreate handles "POST /api/v1/orgs/{id}/inspections".
func (s *Server) handleInspectionCreate(w http.ResponseWriter, r *http.Request) error {
	return s.withInspections(r, func(is campusguard.InspectionService, id int64) error {
		var in inspectionInput
		if err := decodeJSON(w, r, &in); err != nil {
			return err
		}
		ins := &campusguard.Inspection{RegionID: id, Title: in.Title, From: in.From, To: in.To, Announced: in.Announced,
			Team: in.Team, Members: in.Members}
		if err := is.CreateInspection(r.Context(), ins); err != nil {
			return err
		}
		return created(w, "/api/v1/inspections/"+strconv.FormatInt(ins.ID, 10), ins)
	})
}

// handleInspectionView handles "GET /api/v1/inspections/{id}".
func (s *Server) handleInspectionView(w http.ResponseWriter, r *http.Request) error {
	return s.withInspections(r, func(is campusguard.InspectionService, id int64) error {
		in, err := is.FindInspection(r.Context(), id)
		if err != nil {
			return err
		}
		return ok(w, in)
	})
}

type visitInput struct {
	SchoolID int64            `json:"school_id"`
	Day      campusguard.Date `json:"day"`
}

// handleVisitCreate handles "POST /api/v1/inspections/{id}/visits".
func (s *Server) handleVisitCreate(w http.ResponseWriter, r *http.Request) error {
	return s.withInspections(r, func(is campusguard.InspectionService, id int64) error {
		var in visitInput
		if err := decodeJSON(w, r, &in); err != nil {
			return err
		}
		v, err := is.AddVisit(r.Context(), id, in.SchoolID, in.Day)
		if err != nil {
			return err
		}
		return created(w, "/api/v1/visits/"+strconv.FormatInt(v.ID, 10), v)
	})
}

// handleVisitIndex handles "GET /api/v1/visits?school_id=&region_id=&inspection_id=&day=&from=&to=&open=":
// the visits the caller sees; one of the first three is required.
func (s *Server) handleVisitIndex(w http.ResponseWriter, r *http.Request) error {
	if s.Inspections == nil {
		return campusguard.Errorf(campusguard.NotFound, "error.not_found")
	}
	q := newQuery(r)
	f := campusguard.VisitFilter{SchoolID: q.id("school_id"), InspectionID: q.id("inspection_id"), Day: q.date("day"), Open: q.optBool("open"),
		From: q.date("from"), To: q.date("to")}
	if rid := q.id("region_id"); rid != nil {
		f.RegionID = *rid
	}
	if err := q.err(); err != nil {
		return err
	}
	if f.SchoolID == nil && f.InspectionID == nil && f.RegionID == 0 {
		return campusguard.InvalidFields([]campusguard.FieldError{{Field: "school_id", Msg: "error.required"}})
	}
	vs, err := s.Inspections.FindVisits(r.Context(), f)
	if err != nil {
		return err
	}
	return ok(w, newItems(vs))
}

// handleVisitView handles "GET /api/v1/visits/{id}".
func (s *Server) handleVisitView(w http.ResponseWriter, r *http.Request) error {
	return s.withInspections(r, func(is campusguard.InspectionService, id int64) error {
		v, err := is.FindVisit(r.Context(), id)
		if err != nil {
			return err
		}
		return ok(w, v)
	})
}

type resultInput struct {
	Result campusguard.CheckResult `json:"result"`
	Note   string                  `json:"note"`
}

// handleVisitResult handles "PUT /api/v1/visits/{id}/results/{code}".
func (s *Server) handleVisitResult(w http.ResponseWriter, r *http.Request) error {
	return s.withInspections(r, func(is campusguard.InspectionService, id int64) error {
		var in resultInput
		if err := decodeJSON(w, r, &in); err != nil {
			return err
		}
		if err := is.RecordResult(r.Context(), id, r.PathValue("code"), in.Result, in.Note); err != nil {
			return err
		}
		v, err := is.FindVisit(r.Context(), id)
		if err != nil {
			return err
		}
		return ok(w, v)
	})
}

type findingInput struct {
	Code        string                      `json:"code"`
	Severity    campusguard.FindingSeverity `json:"severity"`
	Note        string                      `json:"note"`
	FileIDs     []int64                     `json:"file_ids"`
	Deadline    *campusguard.Date           `json:"deadline"`
	Responsible string                      `json:"responsible"`
	Reinspect   bool                        `json:"reinspect"`
}

// handleFindingCreate handles "POST /api/v1/visits/{id}/findings".
func (s *Server) handleFindingCreate(w http.ResponseWriter, r *http.Request) error {
	return s.withInspections(r, func(is campusguard.InspectionService, id int64) error {
		var in findingInput
		if err := decodeJSON(w, r, &in); err != nil {
			return err
		}
		f := &campusguard.InspectionFinding{Code: in.Code, Severity: in.Severity, Note: in.Note, FileIDs: in.FileIDs,
			Deadline: in.Deadline, Responsible: in.Responsible, Reinspect: in.Reinspect}
		if f.FileIDs == nil {
			f.FileIDs = []int64{}
		}
		if err := is.AddFinding(r.Context(), id, f); err != nil {
			return err
		}
		return created(w, "/api/v1/visits/"+strconv.FormatInt(id, 10), f)
	})
}

type noteInput struct {
	Note string `json:"note"`
}

// handleVisitClose handles "POST /api/v1/visits/{id}/close".
func (s *Server) handleVisitClose(w http.ResponseWriter, r *http.Request) error {
	return s.withInspections(r, func(is campusguard.InspectionService, id int64) error {
		var in noteInput
		if err := decodeJSON(w, r, &in); err != nil {
			return err
		}
		if err := is.CloseVisit(r.Context(), id, in.Note); err != nil {
			return err
		}
		v, err := is.FindVisit(r.Context(), id)
		if err != nil {
			return err
		}
		return ok(w, v)
	})
}

// handleCoverage handles "GET /api/v1/orgs/{id}/inspection-coverage?from=&to=".
func (s *Server) handleCoverage(w http.ResponseWriter, r *http.Request) error {
	return s.withInspections(r, func(is campusguard.InspectionService, id int64) error {
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
		c, err := is.Coverage(r.Context(), id, f, t)
		if err != nil {
			return err
		}
		return ok(w, c)
	})
}

// handleRectIndex handles "GET /api/v1/orgs/{id}/rectifications?state=&overdue=".
func (s *Server) handleRectIndex(w http.ResponseWriter, r *http.Request) error {
	return s.withInspections(r, func(is campusguard.InspectionService, id int64) error {
		q := newQuery(r)
		f := campusguard.RectFilter{OrgID: id, Overdue: q.optBool("overdue")}
		if st := q.text("state"); st != nil && *st != "" {
			state := campusguard.RectState(*st)
			switch state {
			case campusguard.RectOpen, campusguard.RectAnswered, campusguard.RectReturned, campusguard.RectClosed:
				f.State = &state
			default:
				q.fail("state", "error.bad_choice")
			}
		}
		if err := q.err(); err != nil {
			return err
		}
		items, err := is.FindRectifications(r.Context(), f)
		if err != nil {
			return err
		}
		return ok(w, newItems(items))
	})
}

// handleRectView handles "GET /api/v1/rectifications/{id}".
func (s *Server) handleRectView(w http.ResponseWriter, r *http.Request) error {
	return s.withInspections(r, func(is campusguard.InspectionService, id int64) error {
		x, err := is.FindRectification(r.Context(), id)
		if err != nil {
			return err
		}
		return ok(w, x)
	})
}

type rectAnswerInput struct {
	Note    string  `json:"note"`
	FileIDs []int64 `json:"file_ids"`
}

// handleRectAnswer handles "POST /api/v1/rectifications/{id}/answer".
func (s *Server) handleRectAnswer(w http.ResponseWriter, r *http.Request) error {
	return s.withInspections(r, func(is campusguard.InspectionService, id int64) error {
		var in rectAnswerInput
		if err := decodeJSON(w, r, &in); err != nil {
			return err
		}
		if err := is.AnswerRectification(r.Context(), id, in.Note, in.FileIDs); err != nil {
			return err
		}
		x, err := is.FindRectification(r.Context(), id)
		if err != nil {
			return err
		}
		return ok(w, x)
	})
}

type rectVerifyInput struct {
	Verdict campusguard.Verdict `json:"verdict"`
	Comment string              `json:"comment"`
}

// handleRectVerify handles "POST /api/v1/rectifications/{id}/verify".
func (s *Server) handleRectVerify(w http.ResponseWriter, r *http.Request) error {
	return s.withInspections(r, func(is campusguard.InspectionService, id int64) error {
		var in rectVerifyInput
		if err := decodeJSON(w, r, &in); err != nil {
			return err
		}
		if err := is.VerifyRectification(r.Context(), id, in.Verdict, in.Comment); err != nil {
			return err
		}
		x, err := is.FindRectification(r.Context(), id)
		if err != nil {
			return err
		}
		return ok(w, x)
	})
}
