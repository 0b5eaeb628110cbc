package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"campusguard"
)

const checkColumns = `c.id, c.region_id, c.person_id, c.school_id, c.class_id, c.day, c.kind, c.at, c.temperature, c.symptoms,
	c.health_code, c.household_unwell, c.risk_exposure, c.attendance, c.absence_reason, c.mask, c.bus_route_id, c.note,
	c.client_key, c.version, c.supersedes, c.current, c.reported_by, c.fever, c.abnormal, c.received_at`

func scanCheck(sc interface{ Scan(...any) error }, extra ...any) (*campusguard.Check, error) {
	var c campusguard.Check
	var class, route, sup sql.NullInt64
	var temp sql.NullFloat64
	var mask sql.NullBool
	var received sql.NullTime
	var symptoms string
	dst := []any{&c.ID, &c.RegionID, &c.PersonID, &c.SchoolID, &class, &c.Day, &c.Kind, &c.At, &temp, &symptoms,
		&c.HealthCode, &c.HouseholdUnwell, &c.RiskExposure, &c.Attendance, &c.AbsenceReason, &mask, &route, &c.Note,
		&c.ClientKey, &c.Version, &sup, &c.Current, &c.ReportedBy, &c.Fever, &c.Abnormal, &received}
	if err := sc.Scan(append(dst, extra...)...); err != nil {
		return nil, err
	}
	c.ClassID, c.BusRouteID, c.Supersedes, c.At = idPtr(class), idPtr(route), idPtr(sup), c.At.UTC()
	c.ReceivedAt = c.At // before received_at was kept, a check arrived when taken
	if received.Valid {
		c.ReceivedAt = received.Time.UTC()
	}
	if temp.Valid {
		c.Temperature = &temp.Float64
	}
	if mask.Valid {
		c.Mask = &mask.Bool
	}
	c.Symptoms = []campusguard.Symptom{}
	for _, s := range strings.Split(symptoms, ",") {
		if s != "" {
			c.Symptoms = append(c.Symptoms, campusguard.Symptom(s))
		}
	}
	return &c, nil
}

func joinSymptoms(s []campusguard.Symptom) string {
	parts := make([]string, len(s))
	for i, x := range s {
		parts[i] = string(x)
	}
	return strings.Join(parts, ",")
}

// RecordCheck stores a check in one transaction with everything it changes:
// the superseded version, the person's day and the roll-ups of the class,
// the school and every region above, so pages read current figures without
// touching raw rows. A retried submission (same client key) returns the
// stored check and changes nothing. Concurrent calls share a commit (see
// group.go); each returns once its check is durable.
func (s *Store) RecordCheck(ctx context.Context, c *campusguard.Check) (*campusguard.Check, bool, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, false, err
	}
	if err := c.Validate(); err != nil {
		return nil, false, err
	}
	sb := &submission{actor: a, by: campusguard.ActorName(ctx), check: c}
	if err := s.submit(ctx, []*submission{sb}); err != nil {
		return nil, false, mapError(err)
	}
	if sb.err != nil {
		return nil, false, sb.err
	}
	return sb.out, sb.created, nil
}

// RecordChecks stores a device's batch in one transaction: every good row
// exactly once (a row whose key was seen before counts as a duplicate), and
// nothing for a bad row, which the result names by its 1-based index with
// the reason. It fails as a whole only for internal errors.
func (s *Store) RecordChecks(ctx context.Context, checks []*campusguard.Check) (*campusguard.BatchResult, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	if len(checks) > campusguard.MaxBatch {
		return nil, campusguard.InvalidFields([]campusguard.FieldError{{Field: "checks", Msg: "error.batch_too_large", Args: []any{campusguard.MaxBatch}}})
	}
	res := &campusguard.BatchResult{Rows: len(checks), Errors: []campusguard.FieldError{}}
	bad := func(i int, err error) {
		fields := campusguard.ErrorFields(err)
		if len(fields) == 0 {
			var e *campusguard.Error
			errors.As(err, &e)
			fields = []campusguard.FieldError{{Field: "", Msg: e.Message, Args: e.Args}}
		}
		for _, f := range fields {
			f.Row = i + 1
			res.Errors = append(res.Errors, f)
		}
		res.Failed++
	}
	by := campusguard.ActorName(ctx)
	subs := make([]*submission, 0, len(checks))
	index := make([]int, 0, len(checks))
	for i, c := range checks {
		if err := c.Validate(); err != nil {
			bad(i, err)
			continue
		}
		subs = append(subs, &submission{actor: a, by: by, check: c})
		index = append(index, i)
	}
	if len(subs) > 0 {
		if err := s.submit(ctx, subs); err != nil {
			return nil, mapError(err)
		}
	}
	for j, sb := range subs {
		switch {
		case sb.err != nil:
			bad(index[j], sb.err)
		case sb.created:
			res.Created++
		default:
			res.Duplicate++
		}
	}
	slices.SortStableFunc(res.Errors, func(a, b campusguard.FieldError) int { return a.Row - b.Row })
	return res, nil
}

// updatePersonDay folds the person's current checks of day into their day
// status and applies the change to the roll-ups above them.
func (s *Store) updatePersonDay(ctx context.Context, tx *Tx, p *campusguard.Person, day campusguard.Date) error {
	rows, err := tx.QueryContext(ctx, `SELECT `+checkColumns+` FROM checks c WHERE c.person_id = $1 AND c.day = $2 AND c.current = TRUE`,
		p.ID, day)
	if err != nil {
		return err
	}
	var checks []*campusguard.Check
	for rows.Next() {
		c, err := scanCheck(rows)
		if err != nil {
			rows.Close()
			return err
		}
		checks = append(checks, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	now := campusguard.SummarizeDay(checks)
	var was campusguard.DayStatus
	err = tx.QueryRowContext(ctx, `SELECT reported, abnormal, fever, absent, ill_absent FROM person_days
		WHERE person_id = $1 AND day = $2`, p.ID, day).Scan(&was.Reported, &was.Abnormal, &was.Fever, &was.Absent, &was.IllAbsent)
	if err != nil && err != sql.ErrNoRows {
		return err
	}
	if err == nil && was == now {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO person_days (region_id, person_id, day, class_id, school_id, reported,
		abnormal, fever, absent, ill_absent) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT (person_id, day) DO UPDATE SET reported = excluded.reported, abnormal = excluded.abnormal,
		fever = excluded.fever, absent = excluded.absent, ill_absent = excluded.ill_absent`,
		p.RegionID, p.ID, day, nullID(p.ClassID), p.SchoolID, now.Reported, now.Abnormal, now.Fever, now.Absent, now.IllAbsent); err != nil {
		return err
	}
	if p.Kind != campusguard.Student {
		return nil // roll-ups count students
	}
	d := was.Delta(now)
	// An illness absence opens a follow-up; a correction that takes the
	// absence back removes it while it is still open. Counted only when a
	// row really changed, so a rebuild does not count twice.
	var res sql.Result
	err = nil
	switch {
	case now.IllAbsent && !was.IllAbsent:
		res, err = tx.ExecContext(ctx, `INSERT INTO followups (region_id, person_id, school_id, class_id, day)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (person_id, day) DO NOTHING`, p.RegionID, p.ID, p.SchoolID, nullID(p.ClassID), day)
	case !now.IllAbsent && was.IllAbsent:
		res, err = tx.ExecContext(ctx, `DELETE FROM followups WHERE person_id = $1 AND day = $2 AND done = FALSE`, p.ID, day)
	}
	if err != nil {
		return fmt.Errorf("follow-up: %w", err)
	}
	if res != nil {
		if n, _ := res.RowsAffected(); n > 0 {
			d.OpenFollowUps = d.IllAbsent
		}
	}
	for _, org := range rollupOrgs(ctx, tx, p) {
		if err := addRollup(ctx, tx, p.RegionID, org, day, d); err != nil {
			return err
		}
	}
	return nil
}

// rollupAdd makes an insert into rollups add its counts to a node's day.
const rollupAdd = ` ON CONFLICT (org_id, day) DO UPDATE SET
		reported = rollups.reported + excluded.reported, abnormal = rollups.abnormal + excluded.abnormal,
		fever = rollups.fever + excluded.fever, absent = rollups.absent + excluded.absent,
		ill_absent = rollups.ill_absent + excluded.ill_absent, open_followups = rollups.open_followups + excluded.open_followups`

// addRollup adds d to one node's figures of one day.
func addRollup(ctx context.Context, tx *Tx, region, org int64, day campusguard.Date, d campusguard.Rollup) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO rollups (region_id, org_id, day, reported, abnormal, fever, absent, ill_absent,
		open_followups) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`+rollupAdd,
		region, org, day, d.Reported, d.Abnormal, d.Fever, d.Absent, d.IllAbsent, d.OpenFollowUps); err != nil {
		return fmt.Errorf("roll up: %w", err)
	}
	return nil
}

// rollupOrgs returns the nodes whose figures include a student: every node
// on the class's path except the grade (the class, the school, the regions).
func rollupOrgs(ctx context.Context, q queryer, p *campusguard.Person) []int64 {
	var path string
	if p.ClassID == nil || q.QueryRowContext(ctx, `SELECT path FROM orgs WHERE id = $1`, *p.ClassID).Scan(&path) != nil {
		q.QueryRowContext(ctx, `SELECT path FROM orgs WHERE id = $1`, p.SchoolID).Scan(&path)
	}
	return campusguard.PathIDs(path)
}

// OpenDay sets the day's expected counts of every node of a region's tree
// from the active students of its open classes (issue 11: approved,
// phase started, not suspended). It is idempotent: a job runs it each
// morning, and it may run again after a roster changes.
func (s *Store) OpenDay(ctx context.Context, regionID int64, day campusguard.Date) error {
	if a, err := campusguard.RequireActor(ctx); err != nil || !a.System {
		return forbidden()
	}
	return s.inTx(ctx, func(tx *Tx) error { return openDay(ctx, tx, regionID, day) })
}

// RebuildRollups recomputes a region's day from raw rows: every person's
// day from their current checks, then the roll-ups from the people's days.
// The incremental figures must always equal what this computes.
func (s *Store) RebuildRollups(ctx context.Context, regionID int64, day campusguard.Date) error {
	if a, err := campusguard.RequireActor(ctx); err != nil || !a.System {
		return forbidden()
	}
	return s.inTx(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM person_days WHERE region_id = $1 AND day = $2`, regionID, day); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE rollups SET reported = 0, abnormal = 0, fever = 0, absent = 0, ill_absent = 0,
			open_followups = 0 WHERE region_id = $1 AND day = $2`, regionID, day); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT DISTINCT person_id FROM checks WHERE region_id = $1 AND day = $2 AND `+notDrill(""), regionID, day)
		if err != nil {
			return err
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, id := range ids {
			p, err := findPerson(ctx, tx, id)
			if err != nil {
				return err
			}
			if err := s.updatePersonDay(ctx, tx, p, day); err != nil {
				return err
			}
		}
		// Follow-ups outlive the days they came from; count the open ones.
		frows, err := tx.QueryContext(ctx, `SELECT p.id FROM followups f JOIN people p ON p.id = f.person_id
			WHERE f.region_id = $1 AND f.day = $2 AND f.done = FALSE AND p.kind = 'student'`, regionID, day)
		if err != nil {
			return err
		}
		var open []int64
		for frows.Next() {
			var id int64
			if err := frows.Scan(&id); err != nil {
				frows.Close()
				return err
			}
			open = append(open, id)
		}
		frows.Close()
		if err := frows.Err(); err != nil {
			return err
		}
		for _, id := range open {
			p, err := findPerson(ctx, tx, id)
			if err != nil {
				return err
			}
			for _, org := range rollupOrgs(ctx, tx, p) {
				if err := addRollup(ctx, tx, regionID, org, day, campusguard.Rollup{OpenFollowUps: 1}); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// FindChecks lists checks of people in the actor's scope, newest first.
func (s *Store) FindChecks(ctx context.Context, f campusguard.CheckFilter) ([]*campusguard.Check, int, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, 0, err
	}
	var sq conds
	if scope := peopleScope(a, sq.arg); scope != "" {
		sq.and("c.person_id IN (SELECT p.id FROM people p WHERE " + scope + ")")
	}
	if !f.History {
		sq.and("c.current = TRUE")
	}
	// A drill's synthetic check is never current, and its history is the
	// drill's and its case's (both marked as a drill), not the person's.
	sq.and(notDrill("c"))
	if f.PersonID != nil {
		sq.and("c.person_id = " + sq.arg(*f.PersonID))
	}
	if f.ClassID != nil {
		sq.and("c.class_id = " + sq.arg(*f.ClassID))
	}
	if f.SchoolID != nil {
		sq.and("c.school_id = " + sq.arg(*f.SchoolID))
	}
	if f.Day != nil {
		sq.and("c.day = " + sq.arg(*f.Day))
	}
	if f.Kind != nil {
		sq.and("c.kind = " + sq.arg(string(*f.Kind)))
	}
	if f.Abnormal != nil {
		sq.and("c.abnormal = " + sq.arg(*f.Abnormal))
	}
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 200
	}
	// The text first: its sq.arg calls add the arguments the call then passes.
	query := `SELECT ` + checkColumns + `, COUNT(*) OVER () FROM checks c WHERE ` +
		sq.where() + ` ORDER BY c.day DESC, c.at DESC, c.id DESC LIMIT ` + sq.arg(limit) + ` OFFSET ` + sq.arg(max(f.Offset, 0))
	rows, err := s.read.QueryContext(ctx, query, sq.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("find checks: %w", err)
	}
	defer rows.Close()
	out := []*campusguard.Check{}
	total := 0
	for rows.Next() {
		c, err := scanCheck(rows, &total)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, c)
	}
	return out, total, rows.Err()
}

// Rollups returns an org node's figures for the days in [from, to], read
// from the pre-aggregated rows.
func (s *Store) Rollups(ctx context.Context, orgID int64, from, to campusguard.Date) ([]campusguard.Rollup, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	// One prepared query reads the node's path, for the access check, and
	// its pre-aggregated days: this is what every page and dashboard reads.
	rows, err := hotReads{s}.QueryContext(ctx, `SELECT o.path, r.day, r.expected, r.reported, r.abnormal, r.fever, r.absent,
		r.ill_absent, r.open_followups FROM orgs o LEFT JOIN rollups r ON r.org_id = o.id AND r.day >= $2 AND r.day <= $3
		WHERE o.id = $1 ORDER BY r.day`, orgID, from, to)
	if err != nil {
		return nil, fmt.Errorf("rollups: %w", err)
	}
	defer rows.Close()
	out := []campusguard.Rollup{}
	found := false
	for rows.Next() {
		var path string
		var day sql.Null[campusguard.Date]
		var n [7]sql.NullInt64
		if err := rows.Scan(&path, &day, &n[0], &n[1], &n[2], &n[3], &n[4], &n[5], &n[6]); err != nil {
			return nil, err
		}
		if !a.Can(campusguard.ReadOrg, path) {
			return nil, notFound("org")
		}
		found = true
		if !day.Valid {
			continue // the node has no figures in the range
		}
		r := campusguard.Rollup{OrgID: orgID, Day: day.V, Expected: int(n[0].Int64), Reported: int(n[1].Int64),
			Abnormal: int(n[2].Int64), Fever: int(n[3].Int64), Absent: int(n[4].Int64), IllAbsent: int(n[5].Int64),
			OpenFollowUps: int(n[6].Int64)}
		r.Missing = max(r.Expected-r.Reported, 0)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if !found {
		return nil, notFound("org")
	}
	return out, nil
}

// FindFollowUps lists illness-absence follow-ups of people in the actor's
// scope, open ones first, oldest first.
func (s *Store) FindFollowUps(ctx context.Context, f campusguard.FollowUpFilter) ([]*campusguard.FollowUp, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	var sq conds
	if scope := peopleScope(a, sq.arg); scope != "" {
		sq.and(scope)
	}
	if f.SchoolID != nil {
		sq.and("f.school_id = " + sq.arg(*f.SchoolID))
	}
	if f.ClassID != nil {
		sq.and("f.class_id = " + sq.arg(*f.ClassID))
	}
	if f.Day != nil {
		sq.and("f.day = " + sq.arg(*f.Day))
	}
	if f.OpenOnly {
		sq.and("f.done = FALSE")
	}
	rows, err := s.read.QueryContext(ctx, `SELECT `+followUpColumns+` FROM followups f JOIN people p ON p.id = f.person_id
		WHERE `+sq.where()+` ORDER BY f.done, f.day, p.number LIMIT 1000`, sq.args...)
	if err != nil {
		return nil, fmt.Errorf("find follow-ups: %w", err)
	}
	defer rows.Close()
	out := []*campusguard.FollowUp{}
	for rows.Next() {
		fu, err := scanFollowUp(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, fu)
	}
	return out, rows.Err()
}

const followUpColumns = `f.id, f.person_id, p.name, f.school_id, f.class_id, f.day, f.done, f.symptoms, f.clinic_visit,
	f.diagnosis, f.expected_return, f.note, f.done_by`

func scanFollowUp(sc interface{ Scan(...any) error }) (*campusguard.FollowUp, error) {
	var fu campusguard.FollowUp
	var class sql.NullInt64
	var symptoms string
	if err := sc.Scan(&fu.ID, &fu.PersonID, &fu.PersonName, &fu.SchoolID, &class, &fu.Day, &fu.Done, &symptoms,
		&fu.ClinicVisit, &fu.Diagnosis, &fu.ExpectedReturn, &fu.Note, &fu.DoneBy); err != nil {
		return nil, err
	}
	fu.ClassID = idPtr(class)
	fu.Symptoms = []campusguard.Symptom{}
	for _, x := range strings.Split(symptoms, ",") {
		if x != "" {
			fu.Symptoms = append(fu.Symptoms, campusguard.Symptom(x))
		}
	}
	return &fu, nil
}

// CompleteFollowUp records what was learned about an illness absence and
// closes its follow-up; the day's open follow-ups go down by one.
func (s *Store) CompleteFollowUp(ctx context.Context, id int64, r campusguard.FollowUpReport) (*campusguard.FollowUp, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	var out *campusguard.FollowUp
	err = s.inTx(ctx, func(tx *Tx) error {
		fu, err := scanFollowUp(tx.QueryRowContext(ctx, `SELECT `+followUpColumns+` FROM followups f
			JOIN people p ON p.id = f.person_id WHERE f.id = $1`, id))
		if err == sql.ErrNoRows {
			return notFound("follow-up")
		}
		if err != nil {
			return err
		}
		p, path, err := personAndPath(ctx, tx, fu.PersonID)
		if err != nil && !isNotFound(err) { // an outage is not "not found"
			return err
		}
		if err != nil || !a.CanPerson(campusguard.ListPeople, p.ID, path) {
			return hidden(err, "follow-up")
		}
		if !a.CanRecordCheck(campusguard.MorningCheck, p.ID, path) {
			return forbidden()
		}
		if err := r.Validate(fu.Day); err != nil {
			return err
		}
		wasOpen := !fu.Done
		if _, err := tx.ExecContext(ctx, `UPDATE followups SET done = TRUE, symptoms = $1, clinic_visit = $2, diagnosis = $3,
			expected_return = $4, note = $5, done_by = $6, done_at = $7 WHERE id = $8`, joinSymptoms(r.Symptoms), r.ClinicVisit,
			r.Diagnosis, r.ExpectedReturn, r.Note, campusguard.ActorName(ctx), tx.now, id); err != nil {
			return err
		}
		if wasOpen && p.Kind == campusguard.Student {
			for _, org := range rollupOrgs(ctx, tx, p) {
				if err := addRollup(ctx, tx, p.RegionID, org, fu.Day, campusguard.Rollup{OpenFollowUps: -1}); err != nil {
					return err
				}
			}
		}
		if err := audit(ctx, tx, p.RegionID, "complete_followup", "person:"+strconv.FormatInt(p.ID, 10), r.Diagnosis); err != nil {
			return err
		}
		fu.Done, fu.Symptoms, fu.ClinicVisit, fu.Diagnosis, fu.ExpectedReturn, fu.Note, fu.DoneBy =
			true, r.Symptoms, r.ClinicVisit, r.Diagnosis, r.ExpectedReturn, r.Note, campusguard.ActorName(ctx)
		out = fu
		return nil
	})
	return out, err
}

// MissingReports lists a class's active students with no report on day,
// masked for the actor like any list of people.
func (s *Store) MissingReports(ctx context.Context, classID int64, day campusguard.Date) ([]*campusguard.Person, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	class, err := s.FindOrgByID(ctx, classID)
	if err != nil {
		return nil, err
	}
	if class.Kind != campusguard.KindClass {
		return nil, notFound("class")
	}
	if !a.Can(campusguard.ListPeople, class.Path) {
		return nil, forbidden()
	}
	if open, err := classOpen(ctx, s.read, class, day); err != nil || !open {
		return []*campusguard.Person{}, err // a class that is not open expects nobody (issue 11)
	}
	rows, err := s.read.QueryContext(ctx, `SELECT `+personColumns+` FROM people p
		WHERE p.class_id = $1 AND p.kind = 'student' AND p.active = TRUE AND NOT EXISTS (
			SELECT 1 FROM person_days d WHERE d.person_id = p.id AND d.day = $2 AND d.reported = TRUE)
		ORDER BY p.number`, classID, day)
	if err != nil {
		return nil, fmt.Errorf("missing reports: %w", err)
	}
	defer rows.Close()
	out := []*campusguard.Person{}
	for rows.Next() {
		p, err := scanPerson(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a.MaskFor(p, class.Path))
	}
	return out, rows.Err()
}

// SignOffDay records a school's sign-off of its day.
func (s *Store) SignOffDay(ctx context.Context, schoolID int64, day campusguard.Date, note string) (*campusguard.SignOff, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	note = strings.TrimSpace(note)
	if len([]rune(note)) > 500 {
		return nil, campusguard.InvalidFields([]campusguard.FieldError{{Field: "note", Msg: "error.too_long", Args: []any{500}}})
	}
	var out *campusguard.SignOff
	err = s.inTx(ctx, func(tx *Tx) error {
		sch, err := findOrgByID(ctx, tx, schoolID)
		if err != nil && !isNotFound(err) { // an outage is not "not found"
			return err
		}
		if err != nil || sch.Kind != campusguard.KindSchool || !a.Can(campusguard.ReadOrg, sch.Path) {
			return notFound("school")
		}
		if !a.System && !hasRoleAt(a, sch.Path, campusguard.SchoolAdmin, campusguard.HealthOffice, campusguard.SystemAdmin) {
			return forbidden()
		}
		out = &campusguard.SignOff{SchoolID: sch.ID, SchoolName: sch.Name, Day: day, Signed: true,
			SignedBy: campusguard.ActorName(ctx), SignedAt: tx.now, Note: note}
		if _, err := tx.ExecContext(ctx, `INSERT INTO signoffs (region_id, school_id, day, signed_by, signed_at, note)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (school_id, day) DO UPDATE SET signed_by = excluded.signed_by,
			signed_at = excluded.signed_at, note = excluded.note`, sch.RegionID, sch.ID, day, out.SignedBy, tx.now, note); err != nil {
			return err
		}
		return audit(ctx, tx, sch.RegionID, "sign_off_day", "org:"+strconv.FormatInt(sch.ID, 10), day.String())
	})
	return out, err
}

// hasRoleAt reports whether one of the actor's grants covering path has one
// of the roles.
func hasRoleAt(a *campusguard.Actor, path string, roles ...campusguard.AccessRole) bool {
	for _, g := range a.Grants {
		if g.Covers(path) && slices.Contains(roles, g.Role) {
			return true
		}
	}
	return false
}

// SignOffs lists the schools under an org node with their sign-off of day.
func (s *Store) SignOffs(ctx context.Context, orgID int64, day campusguard.Date) ([]*campusguard.SignOff, error) {
	o, err := s.FindOrgByID(ctx, orgID)
	if err != nil {
		return nil, err
	}
	book, err := regionDeadlines(ctx, s.read, o.RegionID)
	if err != nil {
		return nil, err
	}
	lo, hi := subtree(o.Path)
	rows, err := s.read.QueryContext(ctx, `SELECT s.id, s.name, COALESCE(f.signed_by, ''), f.signed_at, COALESCE(f.note, '')
		FROM orgs s LEFT JOIN signoffs f ON f.school_id = s.id AND f.day = $1
		WHERE s.kind = 'school' AND s.path >= $2 AND s.path < $3 ORDER BY f.signed_at IS NOT NULL, s.code, s.name`, day, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("sign-offs: %w", err)
	}
	defer rows.Close()
	out := []*campusguard.SignOff{}
	for rows.Next() {
		so := &campusguard.SignOff{Day: day}
		var at sql.NullTime
		if err := rows.Scan(&so.SchoolID, &so.SchoolName, &so.SignedBy, &at, &so.Note); err != nil {
			return nil, err
		}
		dl := book.of(so.SchoolID)
		so.Deadline = dl.SignOffBy
		if at.Valid {
			so.Signed, so.SignedAt = true, at.Time.UTC()
			so.Late = dl.SignOffLate(day, so.SignedAt)
		}
		out = append(out, so)
	}
	return out, rows.Err()
}

// SchoolDays returns the day's figures and sign-off of every school under
// an org node, in code order: the rows of the region's daily report.
func (s *Store) SchoolDays(ctx context.Context, orgID int64, day campusguard.Date) ([]*campusguard.SchoolDay, error) {
	o, err := s.FindOrgByID(ctx, orgID)
	if err != nil {
		return nil, err
	}
	lo, hi := subtree(o.Path)
	rows, err := s.read.QueryContext(ctx, `SELECT s.id, s.name, COALESCE(s.code, ''), s.school_type,
		COALESCE(r.expected, 0), COALESCE(r.reported, 0), COALESCE(r.abnormal, 0), COALESCE(r.fever, 0),
		COALESCE(r.absent, 0), COALESCE(r.ill_absent, 0), COALESCE(r.open_followups, 0), f.signed_at, COALESCE(f.note, '')
		FROM orgs s LEFT JOIN rollups r ON r.org_id = s.id AND r.day = $1
		LEFT JOIN signoffs f ON f.school_id = s.id AND f.day = $1
		WHERE s.kind = 'school' AND s.path >= $2 AND s.path < $3 ORDER BY COALESCE(s.code, ''), s.name`, day, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("school days: %w", err)
	}
	defer rows.Close()
	out := []*campusguard.SchoolDay{}
	for rows.Next() {
		d := &campusguard.SchoolDay{}
		r := &d.Rollup
		var signed sql.NullTime
		if err := rows.Scan(&d.SchoolID, &d.Name, &d.Code, &d.Type, &r.Expected, &r.Reported, &r.Abnormal, &r.Fever,
			&r.Absent, &r.IllAbsent, &r.OpenFollowUps, &signed, &d.Note); err != nil {
			return nil, err
		}
		r.OrgID, r.Day, r.Missing, d.Signed = d.SchoolID, day, max(r.Expected-r.Reported, 0), signed.Valid
		out = append(out, d)
	}
	return out, rows.Err()
}
