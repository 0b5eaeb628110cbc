package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"campusguard"
)

// Training (issue 14): required topics per region and term, sessions and
// their attendance, coverage. The rules are the domain's
// (ValidateTrainingSession, TrainingCoverageOf); this file reads and
// writes, and checks the actor. Out of scope is NotFound.

var _ campusguard.TrainingService = (*Store)(nil)

// trainingSchool returns the school id names if the actor may read its
// training or record a class's health education there; NotFound
// otherwise.
func trainingSchool(ctx context.Context, q queryer, a *campusguard.Actor, id int64) (*campusguard.Org, error) {
	o, err := findOrgByID(ctx, q, id)
	if err != nil || o.Kind != campusguard.KindSchool {
		return nil, hidden(err, "school")
	}
	if !a.Can(campusguard.ReadTraining, o.Path) && !a.Can(campusguard.RecordTraining, o.Path) && !canClassHealthUnder(a, o.Path) {
		return nil, notFound("school")
	}
	return o, nil
}

// canClassHealthUnder reports whether the actor records health education
// for some class under path (a class teacher's grant lies below it).
func canClassHealthUnder(a *campusguard.Actor, path string) bool {
	paths, all := a.Scopes(campusguard.RecordClassHealth)
	if all {
		return true
	}
	for _, p := range paths {
		if strings.HasPrefix(p, path) || strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}

// trainingTopics reads a top-level region's list for a term: the list set
// for it, else for the latest term before, else the default list.
func trainingTopics(ctx context.Context, q queryer, regionID int64, term campusguard.Term) ([]campusguard.TrainingTopic, error) {
	rows, err := q.QueryContext(ctx, `SELECT code, name FROM training_topics WHERE region_id = $1 AND term_start =
		(SELECT MAX(term_start) FROM training_topics WHERE region_id = $1 AND term_start <= $2) ORDER BY position`,
		regionID, term.Start())
	if err != nil {
		return nil, fmt.Errorf("training topics: %w", err)
	}
	defer rows.Close()
	var out []campusguard.TrainingTopic
	for rows.Next() {
		var t campusguard.TrainingTopic
		if err := rows.Scan(&t.Code, &t.Name); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		out = campusguard.DefaultTrainingTopics()
	}
	return out, nil
}

// trainingRegion returns a top-level region the actor has training rights
// in (reading, setting topics, or recording below it); NotFound otherwise.
func trainingRegion(ctx context.Context, q queryer, a *campusguard.Actor, id int64) (*campusguard.Org, error) {
	o, err := findOrgByID(ctx, q, id)
	if err != nil || o.Kind != campusguard.KindRegion || o.ParentID != nil {
		return nil, hidden(err, "region")
	}
	for _, act := range []campusguard.Action{campusguard.ReadTraining, campusguard.SetTrainingTopics, campusguard.RecordTraining,
		campusguard.RecordClassHealth} {
		paths, all := a.Scopes(act)
		if all {
			return o, nil
		}
		for _, p := range paths {
			if strings.HasPrefix(p, o.Path) {
				return o, nil
			}
		}
	}
	return nil, notFound("region")
}

// TrainingTopics returns a top-level region's required topics for a term.
func (s *Store) TrainingTopics(ctx context.Context, regionID int64, term campusguard.Term) ([]campusguard.TrainingTopic, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := trainingRegion(ctx, s.read, a, regionID); err != nil {
		return nil, err
	}
	return trainingTopics(ctx, s.read, regionID, term)
}

// SetTrainingTopics sets a top-level region's list for a term.
func (s *Store) SetTrainingTopics(ctx context.Context, regionID int64, term campusguard.Term, topics []campusguard.TrainingTopic) error {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return err
	}
	r, err := trainingRegion(ctx, s.read, a, regionID)
	if err != nil {
		return err
	}
	if !a.Can(campusguard.SetTrainingTopics, r.Path) {
		return forbidden()
	}
	if err := campusguard.ValidateTrainingTopics(topics); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM training_topics WHERE region_id = $1 AND term_start = $2`,
			r.ID, term.Start()); err != nil {
			return fmt.Errorf("set training topics: %w", err)
		}
		codes := make([]string, len(topics))
		for i, t := range topics {
			if _, err := tx.ExecContext(ctx, `INSERT INTO training_topics (region_id, term_start, position, code, name)
				VALUES ($1, $2, $3, $4, $5)`, r.ID, term.Start(), i+1, t.Code, t.Name); err != nil {
				return fmt.Errorf("set training topics: %w", err)
			}
			codes[i] = t.Code
		}
		return audit(ctx, tx, r.ID, "set_training_topics", "org:"+strconv.FormatInt(r.ID, 10),
			term.String()+" "+strings.Join(codes, ","))
	})
}

// rosterClass returns a class of the school; NotFound-like Invalid when
// it is not one.
func rosterClass(ctx context.Context, q queryer, school *campusguard.Org, id int64) (*campusguard.Org, error) {
	c, err := findOrgByID(ctx, q, id)
	if err != nil || c.Kind != campusguard.KindClass || !strings.HasPrefix(c.Path, school.Path) {
		if err != nil && campusguard.ErrorCode(err) != campusguard.NotFound {
			return nil, err
		}
		return nil, campusguard.InvalidFields([]campusguard.FieldError{{Field: "class_id", Msg: "error.training_class"}})
	}
	return c, nil
}

// rosterPeople lists the active staff of a school (classID nil) or the
// active students of a class, by name.
func rosterPeople(ctx context.Context, q queryer, schoolID int64, classID *int64) ([]campusguard.TrainingPerson, error) {
	query, arg := `SELECT id, name, number, role FROM people WHERE school_id = $1 AND kind = 'staff' AND active = TRUE
		ORDER BY name, number, id`, any(schoolID)
	if classID != nil {
		query, arg = `SELECT id, name, number, role FROM people WHERE class_id = $1 AND kind = 'student' AND active = TRUE
			ORDER BY number, name, id`, *classID
	}
	rows, err := q.QueryContext(ctx, query, arg)
	if err != nil {
		return nil, fmt.Errorf("roster: %w", err)
	}
	defer rows.Close()
	out := []campusguard.TrainingPerson{}
	for rows.Next() {
		var p campusguard.TrainingPerson
		if err := rows.Scan(&p.ID, &p.Name, &p.Number, &p.Role); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// TrainingRoster returns the attendance form's lists.
func (s *Store) TrainingRoster(ctx context.Context, schoolID int64, kind campusguard.TrainingKind, classID *int64) (*campusguard.TrainingRoster, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	sch, err := trainingSchool(ctx, s.read, a, schoolID)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(campusguard.TrainingKinds, kind) {
		return nil, campusguard.InvalidFields([]campusguard.FieldError{{Field: "kind", Msg: "error.bad_choice"}})
	}
	r := &campusguard.TrainingRoster{SchoolID: sch.ID, SchoolName: sch.Name, RegionID: sch.RegionID, Kind: kind,
		Classes: []campusguard.RosterClass{}, People: []campusguard.TrainingPerson{}}
	for _, k := range campusguard.TrainingKinds {
		if a.Can(campusguard.RecordTraining, sch.Path) || (k == campusguard.HealthEducation && canClassHealthUnder(a, sch.Path)) {
			r.Kinds = append(r.Kinds, k)
		}
	}
	if len(r.Kinds) == 0 {
		return nil, forbidden()
	}
	if !slices.Contains(r.Kinds, kind) {
		return nil, campusguard.InvalidFields([]campusguard.FieldError{{Field: "kind", Msg: "error.bad_choice"}})
	}
	if r.Topics, err = trainingTopics(ctx, s.read, sch.RegionID, campusguard.TermOf(campusguard.Today(s.Now()))); err != nil {
		return nil, err
	}
	if kind.ForStudents() {
		rows, err := s.read.QueryContext(ctx, `SELECT c.id, g.name || c.name, c.path FROM orgs c JOIN orgs g ON g.id = c.parent_id
			WHERE c.kind = 'class' AND c.path >= $1 AND c.path < $2 ORDER BY g.grade_year, g.name, c.name, c.id`, sch.Path,
			sch.Path[:len(sch.Path)-1]+"0")
		if err != nil {
			return nil, fmt.Errorf("roster classes: %w", err)
		}
		for rows.Next() {
			var c campusguard.RosterClass
			var path string
			if err := rows.Scan(&c.ID, &c.Name, &path); err != nil {
				rows.Close()
				return nil, err
			}
			if a.CanRecordKind(kind, sch.Path, path) {
				r.Classes = append(r.Classes, c)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		if classID == nil && len(r.Classes) > 0 {
			classID = &r.Classes[0].ID
		}
		if classID == nil {
			return r, nil
		}
		known := slices.ContainsFunc(r.Classes, func(c campusguard.RosterClass) bool { return c.ID == *classID })
		if !known {
			return nil, campusguard.InvalidFields([]campusguard.FieldError{{Field: "class_id", Msg: "error.training_class"}})
		}
		r.ClassID = classID
	}
	if r.People, err = rosterPeople(ctx, s.read, sch.ID, r.ClassID); err != nil {
		return nil, err
	}
	return r, nil
}

// checkAttendees refuses, naming attendee_ids, a person who is not an
// active staff member of the school (or, for a class's session, an active
// student of the class).
func checkAttendees(ctx context.Context, q queryer, schoolID int64, classID *int64, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	people, err := rosterPeople(ctx, q, schoolID, classID)
	if err != nil {
		return err
	}
	known := make(map[int64]bool, len(people))
	for _, p := range people {
		known[p.ID] = true
	}
	for _, id := range ids {
		if !known[id] {
			return campusguard.InvalidFields([]campusguard.FieldError{{Field: "attendee_ids", Msg: "error.training_attendee", Args: []any{id}}})
		}
	}
	return nil
}

// writeAttendance replaces a session's attendance.
func writeAttendance(ctx context.Context, tx *Tx, regionID, sessionID int64, ids []int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM training_attendance WHERE session_id = $1`, sessionID); err != nil {
		return fmt.Errorf("attendance: %w", err)
	}
	for _, id := range ids {
		if _, err := tx.ExecContext(ctx, `INSERT INTO training_attendance (region_id, session_id, person_id) VALUES ($1, $2, $3)`,
			regionID, sessionID, id); err != nil {
			return fmt.Errorf("attendance: %w", err)
		}
	}
	return nil
}

// CreateTrainingSession stores a session of a school the actor may record
// it at, and its attendance.
func (s *Store) CreateTrainingSession(ctx context.Context, x *campusguard.TrainingSession) error {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return err
	}
	if x.AttendeeIDs == nil {
		x.AttendeeIDs = []int64{}
	}
	return s.inTx(ctx, func(tx *Tx) error {
		sch, err := trainingSchool(ctx, tx, a, x.SchoolID)
		if err != nil {
			return err
		}
		today := campusguard.Today(tx.now)
		term := campusguard.TermOf(today)
		if !x.Day.IsZero() {
			term = campusguard.TermOf(x.Day)
		}
		topics, err := trainingTopics(ctx, tx, sch.RegionID, term)
		if err != nil {
			return err
		}
		if err := campusguard.ValidateTrainingSession(x, today, topics); err != nil {
			return err
		}
		var class *campusguard.Org
		classPath := ""
		if x.Kind.ForStudents() {
			if class, err = rosterClass(ctx, tx, sch, *x.ClassID); err != nil {
				return err
			}
			classPath = class.Path
		} else {
			x.ClassID = nil
		}
		if !a.CanRecordKind(x.Kind, sch.Path, classPath) {
			if class != nil && canClassHealthUnder(a, sch.Path) {
				return campusguard.InvalidFields([]campusguard.FieldError{{Field: "class_id", Msg: "error.training_class"}})
			}
			return forbidden()
		}
		if err := checkAttendees(ctx, tx, sch.ID, x.ClassID, x.AttendeeIDs); err != nil {
			return err
		}
		var file any
		if x.FileID != nil {
			files, err := filesByID(ctx, tx, []int64{*x.FileID})
			if err != nil {
				return err
			}
			if f := files[*x.FileID]; f == nil || f.OrgID != sch.ID {
				return campusguard.InvalidFields([]campusguard.FieldError{{Field: "file_id", Msg: "error.training_file"}})
			}
			file = *x.FileID
		}
		var classID any
		if x.ClassID != nil {
			classID = *x.ClassID
			x.ClassName = class.Name
		}
		x.RegionID, x.SchoolName, x.By, x.CreatedAt, x.Attended = sch.RegionID, sch.Name, campusguard.ActorName(ctx), tx.now, len(x.AttendeeIDs)
		if err := tx.QueryRowContext(ctx, `INSERT INTO training_sessions (region_id, school_id, class_id, kind, topic, title, day,
			trainer, notes, file_id, created_at, created_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $11)
			RETURNING id`, x.RegionID, sch.ID, classID, x.Kind, x.Topic, x.Title, x.Day, x.Trainer, x.Notes, file, tx.now, x.By).
			Scan(&x.ID); err != nil {
			return fmt.Errorf("create training session: %w", err)
		}
		if err := writeAttendance(ctx, tx, x.RegionID, x.ID, x.AttendeeIDs); err != nil {
			return err
		}
		return audit(ctx, tx, x.RegionID, "create_training", "training:"+strconv.FormatInt(x.ID, 10),
			fmt.Sprintf("school %d %s %s %s, %d attended", sch.ID, x.Kind, x.Topic, x.Day, len(x.AttendeeIDs)))
	})
}

const trainingColumns = `x.id, x.region_id, x.school_id, s.name, s.path, x.class_id, COALESCE(g.name || c.name, ''), COALESCE(c.path, ''),
	x.kind, x.topic, x.title, x.day, x.trainer, x.notes, x.file_id, x.created_by, x.created_at,
	(SELECT COUNT(*) FROM training_attendance t WHERE t.session_id = x.id)`

const trainingFrom = ` FROM training_sessions x JOIN orgs s ON s.id = x.school_id LEFT JOIN orgs c ON c.id = x.class_id
	LEFT JOIN orgs g ON g.id = c.parent_id`

// scanTraining reads a session and the paths its access is decided on.
func scanTraining(sc interface{ Scan(...any) error }) (x *campusguard.TrainingSession, schoolPath, classPath string, err error) {
	x = &campusguard.TrainingSession{AttendeeIDs: []int64{}, Attendees: []campusguard.TrainingPerson{}}
	var class, file sql.NullInt64
	err = sc.Scan(&x.ID, &x.RegionID, &x.SchoolID, &x.SchoolName, &schoolPath, &class, &x.ClassName, &classPath, &x.Kind, &x.Topic,
		&x.Title, &x.Day, &x.Trainer, &x.Notes, &file, &x.By, &x.CreatedAt, &x.Attended)
	x.ClassID, x.FileID = idPtr(class), idPtr(file)
	return x, schoolPath, classPath, err
}

// canSeeSession reports whether the actor may read a session: a reader of
// the school's training, or the class teacher who may record it.
func canSeeSession(a *campusguard.Actor, x *campusguard.TrainingSession, schoolPath, classPath string) bool {
	return a.Can(campusguard.ReadTraining, schoolPath) || a.CanRecordKind(x.Kind, schoolPath, classPath)
}

// findSession reads a session the actor may see, with its paths.
func findSession(ctx context.Context, q queryer, a *campusguard.Actor, id int64) (*campusguard.TrainingSession, string, string, error) {
	x, sp, cp, err := scanTraining(q.QueryRowContext(ctx, `SELECT `+trainingColumns+trainingFrom+` WHERE x.id = $1`, id))
	if err == sql.ErrNoRows {
		return nil, "", "", notFound("training")
	}
	if err != nil {
		return nil, "", "", fmt.Errorf("find training %d: %w", id, err)
	}
	if !canSeeSession(a, x, sp, cp) {
		return nil, "", "", notFound("training")
	}
	return x, sp, cp, nil
}

// FindTrainingSession returns a session with its attendees.
func (s *Store) FindTrainingSession(ctx context.Context, id int64) (*campusguard.TrainingSession, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	x, _, _, err := findSession(ctx, s.read, a, id)
	if err != nil {
		return nil, err
	}
	rows, err := s.read.QueryContext(ctx, `SELECT p.id, p.name, p.number, p.role FROM training_attendance t
		JOIN people p ON p.id = t.person_id WHERE t.session_id = $1 ORDER BY p.name, p.number, p.id`, id)
	if err != nil {
		return nil, fmt.Errorf("find training %d: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var p campusguard.TrainingPerson
		if err := rows.Scan(&p.ID, &p.Name, &p.Number, &p.Role); err != nil {
			return nil, err
		}
		x.Attendees = append(x.Attendees, p)
		x.AttendeeIDs = append(x.AttendeeIDs, p.ID)
	}
	return x, rows.Err()
}

// SetTrainingAttendance replaces a session's attendance.
func (s *Store) SetTrainingAttendance(ctx context.Context, id int64, personIDs []int64) error {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *Tx) error {
		x, sp, cp, err := findSession(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if !a.CanRecordKind(x.Kind, sp, cp) {
			return forbidden()
		}
		x.AttendeeIDs = personIDs
		if x.AttendeeIDs == nil {
			x.AttendeeIDs = []int64{}
		}
		// The session as stored passes its own checks, but for its
		// attendance: only the list is validated here.
		var ids []int64
		for _, id := range x.AttendeeIDs {
			if !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
		if len(ids) > campusguard.MaxTrainingAttendees {
			return campusguard.InvalidFields([]campusguard.FieldError{{Field: "attendee_ids", Msg: "error.too_many",
				Args: []any{campusguard.MaxTrainingAttendees}}})
		}
		if err := checkAttendees(ctx, tx, x.SchoolID, x.ClassID, ids); err != nil {
			return err
		}
		if err := writeAttendance(ctx, tx, x.RegionID, x.ID, ids); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE training_sessions SET updated_at = $1 WHERE id = $2`, tx.now, x.ID); err != nil {
			return fmt.Errorf("attendance: %w", err)
		}
		return audit(ctx, tx, x.RegionID, "set_training_attendance", "training:"+strconv.FormatInt(x.ID, 10),
			fmt.Sprintf("%d attended, %d before", len(ids), x.Attended))
	})
}

// FindTrainingSessions lists a school's sessions in a term, latest first:
// every session for a reader of the school's training, a class teacher's
// own class's health education for the teacher.
func (s *Store) FindTrainingSessions(ctx context.Context, schoolID int64, term campusguard.Term) ([]*campusguard.TrainingSession, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	sch, err := trainingSchool(ctx, s.read, a, schoolID)
	if err != nil {
		return nil, err
	}
	rows, err := s.read.QueryContext(ctx, `SELECT `+trainingColumns+trainingFrom+` WHERE x.school_id = $1 AND x.day >= $2
		AND x.day <= $3 ORDER BY x.day DESC, x.id DESC LIMIT 1000`, sch.ID, term.Start(), term.End())
	if err != nil {
		return nil, fmt.Errorf("find trainings: %w", err)
	}
	defer rows.Close()
	out := []*campusguard.TrainingSession{}
	for rows.Next() {
		x, sp, cp, err := scanTraining(rows)
		if err != nil {
			return nil, err
		}
		if canSeeSession(a, x, sp, cp) {
			out = append(out, x)
		}
	}
	return out, rows.Err()
}

// staffTrainingRecords reads the attendance at staff training in a term
// of the schools under path: person, topic, day, and the school.
func staffTrainingRecords(ctx context.Context, q queryer, regionID int64, path string, term campusguard.Term) (map[int64][]campusguard.TrainingRecord, map[int64]int, error) {
	lo, hi := subtree(path)
	rows, err := q.QueryContext(ctx, `SELECT x.school_id, x.id, t.person_id, x.topic, x.day FROM training_sessions x
		JOIN orgs s ON s.id = x.school_id LEFT JOIN training_attendance t ON t.session_id = x.id
		WHERE x.region_id = $1 AND x.kind = $2 AND x.day >= $3 AND x.day <= $4 AND s.path >= $5 AND s.path < $6`,
		regionID, campusguard.StaffTraining, term.Start(), term.End(), lo, hi)
	if err != nil {
		return nil, nil, fmt.Errorf("training records: %w", err)
	}
	defer rows.Close()
	recs := map[int64][]campusguard.TrainingRecord{}
	sessions := map[int64]map[int64]bool{}
	for rows.Next() {
		var school, session int64
		var person sql.NullInt64
		r := campusguard.TrainingRecord{Kind: campusguard.StaffTraining}
		if err := rows.Scan(&school, &session, &person, &r.Topic, &r.Day); err != nil {
			return nil, nil, err
		}
		if sessions[school] == nil {
			sessions[school] = map[int64]bool{}
		}
		sessions[school][session] = true
		if person.Valid {
			r.PersonID = person.Int64
			recs[school] = append(recs[school], r)
		}
	}
	counts := make(map[int64]int, len(sessions))
	for sch, ss := range sessions {
		counts[sch] = len(ss)
	}
	return recs, counts, rows.Err()
}

// staffUnder reads the active staff of the schools under path, by school.
func staffUnder(ctx context.Context, q queryer, regionID int64, path string) (map[int64][]campusguard.TrainingPerson, error) {
	lo, hi := subtree(path)
	rows, err := q.QueryContext(ctx, `SELECT p.school_id, p.id, p.name, p.number, p.role FROM people p JOIN orgs s ON s.id = p.school_id
		WHERE p.region_id = $1 AND p.kind = 'staff' AND p.active = TRUE AND s.path >= $2 AND s.path < $3
		ORDER BY p.school_id, p.name, p.number, p.id`, regionID, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("staff: %w", err)
	}
	defer rows.Close()
	out := map[int64][]campusguard.TrainingPerson{}
	for rows.Next() {
		var school int64
		var p campusguard.TrainingPerson
		if err := rows.Scan(&school, &p.ID, &p.Name, &p.Number, &p.Role); err != nil {
			return nil, err
		}
		out[school] = append(out[school], p)
	}
	return out, rows.Err()
}

// SchoolTrainingCoverage returns a school's coverage in a term: readers of
// its training only.
func (s *Store) SchoolTrainingCoverage(ctx context.Context, schoolID int64, term campusguard.Term) (*campusguard.TrainingCoverage, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	sch, err := findOrgByID(ctx, s.read, schoolID)
	if err != nil || sch.Kind != campusguard.KindSchool || !a.Can(campusguard.ReadTraining, sch.Path) {
		return nil, hidden(err, "school")
	}
	topics, err := trainingTopics(ctx, s.read, sch.RegionID, term)
	if err != nil {
		return nil, err
	}
	staff, err := staffUnder(ctx, s.read, sch.RegionID, sch.Path)
	if err != nil {
		return nil, err
	}
	recs, _, err := staffTrainingRecords(ctx, s.read, sch.RegionID, sch.Path, term)
	if err != nil {
		return nil, err
	}
	c := campusguard.TrainingCoverageOf(term, staff[sch.ID], topics, recs[sch.ID])
	c.SchoolID, c.SchoolName = sch.ID, sch.Name
	return &c, nil
}

// RegionTrainingCoverage returns every school's line under a node the
// actor reads training at, in a term.
func (s *Store) RegionTrainingCoverage(ctx context.Context, orgID int64, term campusguard.Term) (*campusguard.RegionTrainingCoverage, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	o, err := findOrgByID(ctx, s.read, orgID)
	if err != nil || (o.Kind != campusguard.KindRegion && o.Kind != campusguard.KindSchool) || !a.Can(campusguard.ReadTraining, o.Path) {
		return nil, hidden(err, "org")
	}
	topics, err := trainingTopics(ctx, s.read, o.RegionID, term)
	if err != nil {
		return nil, err
	}
	lo, hi := subtree(o.Path)
	rows, err := s.read.QueryContext(ctx, `SELECT id, name FROM orgs WHERE region_id = $1 AND kind = 'school' AND path >= $2
		AND path < $3 ORDER BY path`, o.RegionID, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("region training: %w", err)
	}
	type school struct {
		id   int64
		name string
	}
	var schools []school
	for rows.Next() {
		var sc school
		if err := rows.Scan(&sc.id, &sc.name); err != nil {
			rows.Close()
			return nil, err
		}
		schools = append(schools, sc)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	staff, err := staffUnder(ctx, s.read, o.RegionID, o.Path)
	if err != nil {
		return nil, err
	}
	recs, sessions, err := staffTrainingRecords(ctx, s.read, o.RegionID, o.Path, term)
	if err != nil {
		return nil, err
	}
	out := &campusguard.RegionTrainingCoverage{OrgID: o.ID, Term: term, Topics: topics, Schools: []campusguard.SchoolTrainingLine{},
		Trained: make([]int, len(topics))}
	for _, sc := range schools {
		c := campusguard.TrainingCoverageOf(term, staff[sc.id], topics, recs[sc.id])
		c.SchoolID, c.SchoolName = sc.id, sc.name
		l := campusguard.TrainingLineOf(c, sessions[sc.id])
		out.Schools = append(out.Schools, l)
		out.Staff += l.Staff
		for i, n := range l.Trained {
			out.Trained[i] += n
		}
	}
	return out, nil
}
