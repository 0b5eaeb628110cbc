package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"campusguard"
)

// Drills (應急演練, issue 14). A drill's injected case is written here in
// its own transaction, never through the group-commit path: its check is
// stored with current = FALSE and its drill, so no person-day, roll-up or
// "current" reader sees it, and the case is opened by insertCase, the
// real opening, with the drill on it (no webhook event; every figure
// filters with notDrill).

// notDrill is the condition that keeps a drill's synthetic check and case
// out of a query of real ones, on the table alias given ("" for none). A
// drill's rows carry their drill_id and are stored as real rows are, so
// that the case pages work on them unchanged; they belong to the drill,
// which reads them by its id. Every other reader of checks or cases
// passes this: a figure, a list, a person's history or export, or the
// detector that counted them would show the drill as an outbreak or a
// person's illness; the retention sweep leaves them to their drill,
// whose page shows them.
func notDrill(alias string) string {
	if alias == "" {
		return "drill_id IS NULL"
	}
	return alias + ".drill_id IS NULL"
}

const drillColumns = `d.id, d.region_id, d.school_id, s.name, d.scenario, d.planned_day, d.participants, d.participant_count,
	d.state, d.started_at, d.finished_at, d.created_by, s.path`

const drillFrom = ` FROM drills d JOIN orgs s ON s.id = d.school_id`

func scanDrill(sc interface{ Scan(...any) error }) (*campusguard.Drill, string, error) {
	d := &campusguard.Drill{Cases: []*campusguard.Case{}, Problems: []campusguard.DrillProblem{}}
	var started, finished sql.NullTime
	var path string
	if err := sc.Scan(&d.ID, &d.RegionID, &d.SchoolID, &d.SchoolName, &d.Scenario, &d.PlannedDay, &d.Participants,
		&d.ParticipantCount, &d.State, &started, &finished, &d.CreatedBy, &path); err != nil {
		return nil, "", err
	}
	if started.Valid {
		t := started.Time.UTC()
		d.StartedAt = &t
	}
	if finished.Valid {
		t := finished.Time.UTC()
		d.FinishedAt = &t
	}
	return d, path, nil
}

func drillLink(id int64) string { return "/drills/" + strconv.FormatInt(id, 10) }

// findDrillTx reads a drill the actor may read (act at its school), with
// its cases and problems; NotFound otherwise.
func findDrillTx(ctx context.Context, q queryer, a *campusguard.Actor, id int64, act campusguard.Action, now time.Time) (*campusguard.Drill, string, error) {
	d, path, err := scanDrill(q.QueryRowContext(ctx, `SELECT `+drillColumns+drillFrom+` WHERE d.id = $1`, id))
	if err != nil {
		return nil, "", hidden(err, "drill")
	}
	if !a.Can(campusguard.ReadDrills, path) {
		return nil, "", notFound("drill")
	}
	if !a.Can(act, path) {
		return nil, "", forbidden()
	}
	if err := drillDetails(ctx, q, []*campusguard.Drill{d}, now); err != nil {
		return nil, "", err
	}
	hideDrillCases(a, d, path)
	return d, path, nil
}

// hideDrillCases keeps the measured times but drops the cases (a named
// volunteer) for a reader who may not read the school's cases: a market
// or police liaison, an inspector.
func hideDrillCases(a *campusguard.Actor, d *campusguard.Drill, path string) {
	if !a.Can(campusguard.ReadCases, path) {
		d.Cases = []*campusguard.Case{}
	}
}

// drillDetails reads the drills' cases and problems and measures them.
func drillDetails(ctx context.Context, q queryer, ds []*campusguard.Drill, now time.Time) error {
	if len(ds) == 0 {
		return nil
	}
	byID := map[int64]*campusguard.Drill{}
	ids := make([]int64, len(ds))
	for i, d := range ds {
		byID[d.ID], ids[i] = d, d.ID
	}
	err := chunks(ids, func(part []int64) error {
		in, args := inList(1, part)
		rows, err := q.QueryContext(ctx, `SELECT `+caseColumns+caseFrom+` WHERE k.drill_id IN (`+in+`) ORDER BY k.detected_at, k.id`, args...)
		if err != nil {
			return fmt.Errorf("drill cases: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			k, _, err := scanCase(rows, now)
			if err != nil {
				return err
			}
			d := byID[*k.DrillID]
			d.Cases = append(d.Cases, k)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		rows, err = q.QueryContext(ctx, `SELECT id, drill_id, problem, rectification_id FROM drill_problems
			WHERE drill_id IN (`+in+`) ORDER BY id`, args...)
		if err != nil {
			return fmt.Errorf("drill problems: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var p campusguard.DrillProblem
			var drill int64
			if err := rows.Scan(&p.ID, &drill, &p.Problem, &p.RectificationID); err != nil {
				return err
			}
			byID[drill].Problems = append(byID[drill].Problems, p)
		}
		return rows.Err()
	})
	if err != nil {
		return err
	}
	for _, d := range ds {
		d.Times = campusguard.MeasureDrill(d.Cases)
	}
	return nil
}

// PlanDrill plans a drill at a school.
func (s *Store) PlanDrill(ctx context.Context, n campusguard.NewDrill) (*campusguard.Drill, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	var id int64
	err = s.inTx(ctx, func(tx *Tx) error {
		o, err := findOrgByID(ctx, tx, n.SchoolID)
		if err != nil && !isNotFound(err) {
			return err
		}
		if err != nil || o.Kind != campusguard.KindSchool || !a.Can(campusguard.ReadDrills, o.Path) {
			return &campusguard.Error{Code: campusguard.NotFound, Message: "error.not_found",
				Fields: []campusguard.FieldError{{Field: "school_id", Msg: "error.not_found"}}}
		}
		if !a.Can(campusguard.RunDrills, o.Path) {
			return forbidden()
		}
		if err := n.Validate(campusguard.Today(tx.now)); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO drills (region_id, school_id, scenario, planned_day, participants,
			participant_count, state, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 'planned', $7, $8, $8)
			RETURNING id`, o.RegionID, o.ID, n.Scenario, n.PlannedDay, n.Participants, n.ParticipantCount,
			campusguard.ActorName(ctx), tx.now).Scan(&id); err != nil {
			return fmt.Errorf("plan drill: %w", err)
		}
		return audit(ctx, tx, o.RegionID, "plan_drill", "drill:"+strconv.FormatInt(id, 10), string(n.Scenario)+" "+n.PlannedDay.String())
	})
	if err != nil {
		return nil, err
	}
	return s.FindDrill(ctx, id)
}

// FindDrill returns a drill with its cases, times and problems.
func (s *Store) FindDrill(ctx context.Context, id int64) (*campusguard.Drill, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	d, _, err := findDrillTx(ctx, s.read, a, id, campusguard.ReadDrills, s.Now().UTC())
	return d, err
}

// FindDrills lists the drills under a node the actor may read, newest
// first.
func (s *Store) FindDrills(ctx context.Context, f campusguard.DrillFilter) ([]*campusguard.Drill, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	o, err := s.FindOrgByID(ctx, f.OrgID)
	if err != nil {
		return nil, err
	}
	if !a.Can(campusguard.ReadDrills, o.Path) {
		return nil, notFound("org")
	}
	var sq conds
	lo, hi := subtree(o.Path)
	sq.and("s.path >= "+sq.arg(lo), "s.path < "+sq.arg(hi))
	rows, err := s.read.QueryContext(ctx, `SELECT `+drillColumns+drillFrom+` WHERE `+sq.where()+
		` ORDER BY d.planned_day DESC, d.id DESC LIMIT 500`, sq.args...)
	if err != nil {
		return nil, fmt.Errorf("find drills: %w", err)
	}
	out := []*campusguard.Drill{}
	var paths []string
	for rows.Next() {
		d, path, err := scanDrill(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out, paths = append(out, d), append(paths, path)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if err := drillDetails(ctx, s.read, out, s.Now().UTC()); err != nil {
		return nil, err
	}
	for i, d := range out {
		hideDrillCases(a, d, paths[i])
	}
	return out, nil
}

// drillWrite runs fn on a drill the actor may run, in a transaction.
func (s *Store) drillWrite(ctx context.Context, id int64, fn func(tx *Tx, d *campusguard.Drill, path string) error) error {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *Tx) error {
		d, path, err := findDrillTx(ctx, tx, a, id, campusguard.RunDrills, tx.now)
		if err != nil {
			return err
		}
		return fn(tx, d, path)
	})
}

// StartDrill starts a planned drill.
func (s *Store) StartDrill(ctx context.Context, id int64) (*campusguard.Drill, error) {
	err := s.drillWrite(ctx, id, func(tx *Tx, d *campusguard.Drill, _ string) error {
		if err := campusguard.CheckDrillStart(d); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE drills SET state = 'running', started_at = $1, updated_at = $1
			WHERE id = $2 AND state = 'planned'`, tx.now, d.ID)
		if err != nil {
			return fmt.Errorf("start drill: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return campusguard.Errorf(campusguard.Conflict, "error.conflict")
		}
		return audit(ctx, tx, d.RegionID, "start_drill", "drill:"+strconv.FormatInt(d.ID, 10), "")
	})
	if err != nil {
		return nil, err
	}
	return s.FindDrill(ctx, id)
}

// InjectDrillCase records the volunteer's drill check (never current) and
// opens the drill's case through insertCase, with its notifications.
func (s *Store) InjectDrillCase(ctx context.Context, id int64, in campusguard.DrillInjection) (*campusguard.Case, error) {
	var k *campusguard.Case
	err := s.drillWrite(ctx, id, func(tx *Tx, d *campusguard.Drill, _ string) error {
		if err := campusguard.CheckDrillInjection(d); err != nil {
			return err
		}
		p, path, err := personAndPath(ctx, tx, in.PersonID)
		if err != nil && !isNotFound(err) {
			return err
		}
		if err != nil || p.SchoolID != d.SchoolID {
			return campusguard.InvalidFields([]campusguard.FieldError{{Field: "person_id", Msg: "drill.error_not_of_school"}})
		}
		for _, c := range d.Cases {
			if c.PersonID == p.ID && c.IsOpen() {
				return &campusguard.Error{Code: campusguard.Conflict, Message: "error.case_open",
					Fields: []campusguard.FieldError{{Field: "person_id", Msg: "error.case_open"}}}
			}
		}
		threshold, err := s.feverThreshold(ctx, tx, d.RegionID)
		if err != nil {
			return err
		}
		by := campusguard.ActorName(ctx)
		ch := campusguard.DrillCheck(d, p, tx.now, by, threshold)
		ch.ClientKey = "drill:" + strconv.FormatInt(d.ID, 10) + ":" + strconv.FormatInt(p.ID, 10) + ":" +
			strconv.FormatInt(tx.now.UnixNano(), 10)
		if err := tx.QueryRowContext(ctx, `INSERT INTO checks (region_id, person_id, school_id, class_id, day, kind, at,
			temperature, symptoms, attendance, note, client_key, version, current, reported_by, fever, abnormal, received_at, drill_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) RETURNING id`,
			ch.RegionID, ch.PersonID, ch.SchoolID, nullID(ch.ClassID), ch.Day, ch.Kind, ch.At, nullFloat(ch.Temperature),
			joinSymptoms(ch.Symptoms), ch.Attendance, ch.Note, ch.ClientKey, ch.Version, false, ch.ReportedBy, ch.Fever,
			ch.Abnormal, ch.ReceivedAt, d.ID).Scan(&ch.ID); err != nil {
			return fmt.Errorf("drill check: %w", err)
		}
		w, err := reportWithin(ctx, tx, d.RegionID)
		if err != nil {
			return err
		}
		k = campusguard.CaseFromCheck(ch, p.Name, w)
		k.Note, k.DrillID = "drill", &d.ID
		if err := s.insertCase(ctx, tx, k, path, by); err != nil {
			return err
		}
		if err := linkCaseCheck(ctx, tx, k, ch.ID); err != nil {
			return err
		}
		return audit(ctx, tx, d.RegionID, "inject_drill_case", "drill:"+strconv.FormatInt(d.ID, 10),
			"case:"+strconv.FormatInt(k.ID, 10)+" person:"+strconv.FormatInt(p.ID, 10))
	})
	if err != nil {
		return nil, err
	}
	return k, nil
}

// FinishDrill ends a running drill; each problem found becomes a
// rectification item of the school, its principal and health officer told.
func (s *Store) FinishDrill(ctx context.Context, id int64, problems []campusguard.DrillProblemInput) (*campusguard.Drill, error) {
	err := s.drillWrite(ctx, id, func(tx *Tx, d *campusguard.Drill, path string) error {
		if err := campusguard.CheckDrillFinish(d, problems, campusguard.Today(tx.now)); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE drills SET state = 'finished', finished_at = $1, updated_at = $1
			WHERE id = $2 AND state = 'running'`, tx.now, d.ID)
		if err != nil {
			return fmt.Errorf("finish drill: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return campusguard.Errorf(campusguard.Conflict, "error.conflict")
		}
		for _, p := range problems {
			problem := strings.TrimSpace(p.Problem)
			var rect int64
			if err := tx.QueryRowContext(ctx, `INSERT INTO rectifications (region_id, school_id, source, problem, severity,
				deadline, responsible, state, opened_at, updated_at) VALUES ($1, $2, 'drill', $3, $4, $5, $6, 'open', $7, $7)
				RETURNING id`, d.RegionID, d.SchoolID, problem, p.Severity, p.Deadline, strings.TrimSpace(p.Responsible),
				tx.now).Scan(&rect); err != nil {
				return fmt.Errorf("drill rectification: %w", err)
			}
			if _, err := rectEvent(ctx, tx, d.RegionID, rect, "open", problem); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO drill_problems (region_id, drill_id, problem, rectification_id)
				VALUES ($1, $2, $3, $4)`, d.RegionID, d.ID, problem, rect); err != nil {
				return fmt.Errorf("drill problem: %w", err)
			}
			args := []string{d.SchoolName, "severity." + string(p.Severity), p.Deadline.String()}
			if err := notifySchool(ctx, tx, d.RegionID, path, "rectification", "rect.inbox_open", args, rectLink(rect)); err != nil {
				return err
			}
			if p.Severity == campusguard.SeverityCritical {
				if err := notify(ctx, tx, d.RegionID, path, rectLeaders, "rectification", "rect.inbox_critical", args, rectLink(rect)); err != nil {
					return err
				}
			}
			if err := audit(ctx, tx, d.RegionID, "open_rectification", "rectification:"+strconv.FormatInt(rect, 10),
				string(p.Severity)+" drill "+strconv.FormatInt(d.ID, 10)); err != nil {
				return err
			}
		}
		return audit(ctx, tx, d.RegionID, "finish_drill", "drill:"+strconv.FormatInt(d.ID, 10), strconv.Itoa(len(problems))+" problems")
	})
	if err != nil {
		return nil, err
	}
	return s.FindDrill(ctx, id)
}

// DrillOverview lists each school under a node with its last drill
// (finished, else the latest planned or running) and whether it finished
// one this term.
func (s *Store) DrillOverview(ctx context.Context, orgID int64) (*campusguard.DrillOverview, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	o, err := s.FindOrgByID(ctx, orgID)
	if err != nil {
		return nil, err
	}
	if !a.Can(campusguard.ReadDrills, o.Path) {
		return nil, notFound("org")
	}
	today := campusguard.Today(s.Now())
	ov := &campusguard.DrillOverview{OrgID: o.ID, TermStart: campusguard.TermStart(today), Schools: []campusguard.SchoolDrills{}}
	lo, hi := subtree(o.Path)
	rows, err := s.read.QueryContext(ctx, `SELECT id, name FROM orgs WHERE kind = 'school' AND path >= $1 AND path < $2
		ORDER BY name, id`, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("drill overview: %w", err)
	}
	index := map[int64]int{}
	for rows.Next() {
		var sd campusguard.SchoolDrills
		if err := rows.Scan(&sd.SchoolID, &sd.SchoolName); err != nil {
			rows.Close()
			return nil, err
		}
		index[sd.SchoolID] = len(ov.Schools)
		ov.Schools = append(ov.Schools, sd)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	drills, err := s.FindDrills(ctx, campusguard.DrillFilter{OrgID: o.ID})
	if err != nil {
		return nil, err
	}
	// Newest first: the first finished drill of a school is its last.
	for _, d := range drills {
		i, ok := index[d.SchoolID]
		if !ok {
			continue
		}
		sd := &ov.Schools[i]
		finished := d.State == campusguard.DrillFinished
		if sd.Last == nil || finished && sd.Last.State != campusguard.DrillFinished {
			sd.Last = d
		}
		if finished && d.FinishedAt != nil && !campusguard.Today(*d.FinishedAt).Before(ov.TermStart) {
			sd.ThisTerm = true
		}
	}
	for _, sd := range ov.Schools {
		if !sd.ThisTerm {
			ov.Without++
		}
	}
	return ov, nil
}
