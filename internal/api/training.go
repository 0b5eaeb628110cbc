package api

import (
	"net/http"
	"strconv"

	"campusguard"
)

// Training (issue 14): sessions and attendance, the required topics per
// term, a school's and a region's coverage. The store decides who may:
// out of scope is a 404.

func (s *Server) trainingRoutes() []route {
	return []route{
		{"GET", "/api/v1/orgs/{id}/training-coverage", false, s.handleTrainingCoverage},
		{"GET", "/api/v1/orgs/{id}/training-sessions", false, s.handleTrainingIndex},
		{"POST", "/api/v1/orgs/{id}/training-sessions", false, s.handleTrainingCreate},
		{"GET", "/api/v1/orgs/{id}/training-roster", false, s.handleTrainingRoster},
		{"GET", "/api/v1/training-sessions/{id}", false, s.handleTrainingView},
		{"PUT", "/api/v1/training-sessions/{id}/attendance", false, s.handleTrainingAttendance},
		{"GET", "/api/v1/orgs/{id}/training-topics", false, s.handleTrainingTopics},
		{"PUT", "/api/v1/orgs/{id}/training-topics", false, s.handleTrainingTopicsUpdate},
	}
}

// training returns the training service, or a 404 when the program runs
// without one.
func (s *Server) training() (campusguard.TrainingService, error) {
	if s.Training == nil {
		return nil, campusguard.Errorf(campusguard.NotFound, "error.not_found")
	}
	return s.Training, nil
}

// termQuery reads ?term=, the current term when left out (400 naming
// term when malformed).
func termQuery(q *query) campusguard.Term {
	v, ok := q.get("term")
	if !ok || v == "" {
		return campusguard.TermOf(today())
	}
	t, good := campusguard.ParseTerm(v)
	if !good {
		q.fail("term", "error.training_term")
	}
	return t
}

// withTraining parses the path id and ?term= and calls fn.
func (s *Server) withTraining(r *http.Request, fn func(ts campusguard.TrainingService, id int64, term campusguard.Term, q *query) error) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	q := newQuery(r)
	term := termQuery(q)
	if err := q.err(); err != nil {
		return err
	}
	ts, err := s.training()
	if err != nil {
		return err
	}
	return fn(ts, id, term, q)
}

// trainingCoverage is the coverage of a school (School) or of the schools
// under a region (Region), one of the two.
type trainingCoverage struct {
	School *campusguard.TrainingCoverage       `json:"school,omitempty"`
	Region *campusguard.RegionTrainingCoverage `json:"region,omitempty"`
}

// handleTrainingCoverage handles "GET /api/v1/orgs/{id}/training-coverage?term=":
// a school's coverage with the names, or a region's per school.
func (s *Server) handleTrainingCoverage(w http.ResponseWriter, r *http.Request) error {
	return s.withTraining(r, func(ts campusguard.TrainingService, id int64, term campusguard.Term, _ *query) error {
		o, err := s.Orgs.FindOrgByID(r.Context(), id)
		if err != nil {
			return err
		}
		if o.Kind == campusguard.KindSchool {
			c, err := ts.SchoolTrainingCoverage(r.Context(), id, term)
			if err != nil {
				return err
			}
			return ok(w, trainingCoverage{School: c})
		}
		c, err := ts.RegionTrainingCoverage(r.Context(), id, term)
		if err != nil {
			return err
		}
		return ok(w, trainingCoverage{Region: c})
	})
}

// handleTrainingIndex handles "GET /api/v1/orgs/{id}/training-sessions?term=":
// a school's sessions in the term, latest first.
func (s *Server) handleTrainingIndex(w http.ResponseWriter, r *http.Request) error {
	return s.withTraining(r, func(ts campusguard.TrainingService, id int64, term campusguard.Term, _ *query) error {
		xs, err := ts.FindTrainingSessions(r.Context(), id, term)
		if err != nil {
			return err
		}
		return ok(w, newItems(xs))
	})
}

// trainingInput is a session as posted.
type trainingInput struct {
	Kind        campusguard.TrainingKind `json:"kind"`
	Topic       string                   `json:"topic"`
	Title       string                   `json:"title"`
	Day         campusguard.Date         `json:"day"`
	Trainer     string                   `json:"trainer"`
	ClassID     *int64                   `json:"class_id"`
	Notes       string                   `json:"notes"`
	FileID      *int64                   `json:"file_id"`
	AttendeeIDs []int64                  `json:"attendee_ids"`
}

// handleTrainingCreate handles "POST /api/v1/orgs/{id}/training-sessions".
func (s *Server) handleTrainingCreate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in trainingInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	ts, err := s.training()
	if err != nil {
		return err
	}
	x := &campusguard.TrainingSession{SchoolID: id, Kind: in.Kind, Topic: in.Topic, Title: in.Title, Day: in.Day,
		Trainer: in.Trainer, ClassID: in.ClassID, Notes: in.Notes, FileID: in.FileID, AttendeeIDs: in.AttendeeIDs}
	if err := ts.CreateTrainingSession(r.Context(), x); err != nil {
		return err
	}
	got, err := ts.FindTrainingSession(r.Context(), x.ID)
	if err != nil {
		return err
	}
	return created(w, "/api/v1/training-sessions/"+strconv.FormatInt(x.ID, 10), got)
}

// handleTrainingRoster handles "GET /api/v1/orgs/{id}/training-roster?kind=&class_id=":
// whom the attendance of a session of the kind is taken from.
func (s *Server) handleTrainingRoster(w http.ResponseWriter, r *http.Request) error {
	return s.withTraining(r, func(ts campusguard.TrainingService, id int64, _ campusguard.Term, q *query) error {
		kind := campusguard.StaffTraining
		if k := choice(q, "kind", campusguard.TrainingKinds); k != nil {
			kind = *k
		}
		class := q.id("class_id")
		if err := q.err(); err != nil {
			return err
		}
		roster, err := ts.TrainingRoster(r.Context(), id, kind, class)
		if err != nil {
			return err
		}
		return ok(w, roster)
	})
}

// handleTrainingView handles "GET /api/v1/training-sessions/{id}".
func (s *Server) handleTrainingView(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ts, err := s.training()
	if err != nil {
		return err
	}
	x, err := ts.FindTrainingSession(r.Context(), id)
	if err != nil {
		return err
	}
	return ok(w, x)
}

// attendanceInput is a session's attendance as put.
type attendanceInput struct {
	AttendeeIDs []int64 `json:"attendee_ids"`
}

// handleTrainingAttendance handles "PUT /api/v1/training-sessions/{id}/attendance":
// the whole attendance, replaced.
func (s *Server) handleTrainingAttendance(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in attendanceInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	ts, err := s.training()
	if err != nil {
		return err
	}
	if err := ts.SetTrainingAttendance(r.Context(), id, in.AttendeeIDs); err != nil {
		return err
	}
	x, err := ts.FindTrainingSession(r.Context(), id)
	if err != nil {
		return err
	}
	return ok(w, x)
}

// trainingTopics is a term's required topics.
type trainingTopics struct {
	Term   campusguard.Term            `json:"term"`
	Topics []campusguard.TrainingTopic `json:"topics"`
}

// handleTrainingTopics handles "GET /api/v1/orgs/{id}/training-topics?term=".
func (s *Server) handleTrainingTopics(w http.ResponseWriter, r *http.Request) error {
	return s.withTraining(r, func(ts campusguard.TrainingService, id int64, term campusguard.Term, _ *query) error {
		topics, err := ts.TrainingTopics(r.Context(), id, term)
		if err != nil {
			return err
		}
		return ok(w, trainingTopics{Term: term, Topics: topics})
	})
}

// handleTrainingTopicsUpdate handles "PUT /api/v1/orgs/{id}/training-topics":
// a term's list, set by the region.
func (s *Server) handleTrainingTopicsUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in trainingTopics
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	ts, err := s.training()
	if err != nil {
		return err
	}
	if in.Term == (campusguard.Term{}) {
		return campusguard.InvalidFields([]campusguard.FieldError{{Field: "term", Msg: "error.required"}})
	}
	if err := ts.SetTrainingTopics(r.Context(), id, in.Term, in.Topics); err != nil {
		return err
	}
	topics, err := ts.TrainingTopics(r.Context(), id, in.Term)
	if err != nil {
		return err
	}
	return ok(w, trainingTopics{Term: in.Term, Topics: topics})
}
