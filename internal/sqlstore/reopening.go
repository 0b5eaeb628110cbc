package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"campusguard"
)

// ---- Who is open: phases, approvals, suspensions ----

// loadOpenness reads what decides which classes of a region are open on
// day: its phases, its schools' standing approvals and the suspensions
// that stand on day.
func loadOpenness(ctx context.Context, q queryer, regionID int64, day campusguard.Date) (campusguard.Openness, error) {
	o := campusguard.Openness{Approved: map[int64]campusguard.Date{}}
	var err error
	if o.Phases, err = phases(ctx, q, regionID); err != nil {
		return o, err
	}
	o.Managed = len(o.Phases) > 0
	rows, err := q.QueryContext(ctx, `SELECT a.school_id, a.day FROM approvals a WHERE a.region_id = $1 AND a.withdrawn_at IS NULL
		AND a.id = (SELECT MAX(b.id) FROM approvals b WHERE b.school_id = a.school_id)`, regionID)
	if err != nil {
		return o, fmt.Errorf("approvals: %w", err)
	}
	for rows.Next() {
		var id int64
		var d campusguard.Date
		if err := rows.Scan(&id, &d); err != nil {
			rows.Close()
			return o, err
		}
		o.Approved[id] = d
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return o, err
	}
	o.Suspensions, err = suspensions(ctx, q, regionID, "", day, &day)
	return o, err
}

// classRow is a class with what decides whether it is open.
type classRow struct {
	id, schoolID int64
	path         string
	name         string
	schoolName   string
	schoolType   campusguard.SchoolType
	grade        int
	students     int
}

// regionClasses reads every class of a region with its grade year, its
// school and its active students.
func regionClasses(ctx context.Context, q queryer, regionID int64) ([]classRow, error) {
	rows, err := q.QueryContext(ctx, `SELECT c.id, c.path, c.name, g.grade_year, s.id, s.name, s.school_type,
		(SELECT COUNT(*) FROM people p WHERE p.class_id = c.id AND p.kind = 'student' AND p.active = TRUE)
		FROM orgs c JOIN orgs g ON g.id = c.parent_id JOIN orgs s ON s.id = g.parent_id
		WHERE c.region_id = $1 AND c.kind = 'class' ORDER BY c.path`, regionID)
	if err != nil {
		return nil, fmt.Errorf("classes: %w", err)
	}
	defer rows.Close()
	var out []classRow
	for rows.Next() {
		var c classRow
		if err := rows.Scan(&c.id, &c.path, &c.name, &c.grade, &c.schoolID, &c.schoolName, &c.schoolType, &c.students); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// openDay sets a day's expected counts of every node of a region's tree
// from the active students of its open classes: every row of the day is
// set, so a class that closed expects nobody.
func openDay(ctx context.Context, tx *Tx, regionID int64, day campusguard.Date) error {
	open, err := loadOpenness(ctx, tx, regionID, day)
	if err != nil {
		return err
	}
	classes, err := regionClasses(ctx, tx, regionID)
	if err != nil {
		return err
	}
	expected := map[int64]int{}
	for _, c := range classes {
		if c.students == 0 || !open.ClassOpen(c.schoolID, c.schoolType, c.grade, c.path, day) {
			continue
		}
		for _, id := range campusguard.PathIDs(c.path) {
			expected[id] += c.students
		}
	}
	// A node no longer open expects 0. Its row is written with the others,
	// in id order, the check writers' order: no deadlock with them on
	// PostgreSQL (an UPDATE over the day's rows would lock in any order).
	rows, err := tx.QueryContext(ctx, `SELECT org_id FROM rollups WHERE region_id = $1 AND day = $2 AND expected <> 0`,
		regionID, day)
	if err != nil {
		return fmt.Errorf("open day: %w", err)
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		if _, ok := expected[id]; !ok {
			expected[id] = 0
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	ids := slices.Sorted(maps.Keys(expected))
	return insertMany(ctx, tx, "rollups", []string{"region_id", "org_id", "day", "expected"}, len(ids),
		func(i int) []any { return []any{regionID, ids[i], day, expected[ids[i]]} },
		" ON CONFLICT (org_id, day) DO UPDATE SET expected = excluded.expected")
}

// reopenToday sets today's expected counts again after a change of who is
// open, if today is a school day of the region: at once, as the calendar
// does.
func reopenToday(ctx context.Context, tx *Tx, regionID int64) error {
	today := campusguard.Today(tx.now)
	cal, err := calendar(ctx, tx, regionID, today, today)
	if err != nil {
		return err
	}
	if !cal.SchoolDay(today) {
		return nil
	}
	return openDay(ctx, tx, regionID, today)
}

// classOpen reports whether a class is open on day.
func classOpen(ctx context.Context, q queryer, class *campusguard.Org, day campusguard.Date) (bool, error) {
	open, err := loadOpenness(ctx, q, class.RegionID, day)
	if err != nil {
		return false, err
	}
	var grade int
	var schoolID int64
	var t campusguard.SchoolType
	if err := q.QueryRowContext(ctx, `SELECT g.grade_year, s.id, s.school_type FROM orgs g JOIN orgs s ON s.id = g.parent_id
		WHERE g.id = $1`, *class.ParentID).Scan(&grade, &schoolID, &t); err != nil {
		return false, err
	}
	return open.ClassOpen(schoolID, t, grade, class.Path, day), nil
}

// OpenFigures counts the classes and students under a node, open on day
// and all.
func (s *Store) OpenFigures(ctx context.Context, orgID int64, day campusguard.Date) (campusguard.OpenFigures, error) {
	var f campusguard.OpenFigures
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return f, err
	}
	o, err := findOrgByID(ctx, s.read, orgID)
	if err != nil || !a.Can(campusguard.ReadOrg, o.Path) {
		return f, hidden(err, "org")
	}
	open, err := loadOpenness(ctx, s.read, o.RegionID, day)
	if err != nil {
		return f, err
	}
	classes, err := regionClasses(ctx, s.read, o.RegionID)
	if err != nil {
		return f, err
	}
	cal, err := calendar(ctx, s.read, o.RegionID, day, day)
	if err != nil {
		return f, err
	}
	for _, c := range classes {
		if !strings.HasPrefix(c.path, o.Path) || c.students == 0 {
			continue
		}
		f.Classes++
		f.Students += c.students
		if open.Suspended(c.path, day) != nil {
			f.Suspended++
		}
		if cal.SchoolDay(day) && open.ClassOpen(c.schoolID, c.schoolType, c.grade, c.path, day) {
			f.OpenClasses++
			f.OpenStudents += c.students
		}
	}
	return f, nil
}

// ---- Phases ----

func phases(ctx context.Context, q queryer, regionID int64) ([]campusguard.Phase, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, name, school_type, grades, start_day FROM reopen_phases WHERE region_id = $1
		ORDER BY start_day, id`, regionID)
	if err != nil {
		return nil, fmt.Errorf("phases: %w", err)
	}
	defer rows.Close()
	out := []campusguard.Phase{}
	for rows.Next() {
		p := campusguard.Phase{RegionID: regionID}
		var grades string
		if err := rows.Scan(&p.ID, &p.Name, &p.SchoolType, &grades, &p.Start); err != nil {
			return nil, err
		}
		for _, g := range strings.Split(grades, ",") {
			if n, err := strconv.Atoi(g); err == nil {
				p.Grades = append(p.Grades, n)
			}
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Phases returns a region's phases.
func (s *Store) Phases(ctx context.Context, regionID int64) ([]campusguard.Phase, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := regionRootFor(ctx, s.read, a, regionID); err != nil {
		return nil, err
	}
	return phases(ctx, s.read, regionID)
}

// regionReview runs fn for a region reviewer of a top-level region.
func (s *Store) regionReview(ctx context.Context, regionID int64, fn func(tx *Tx) error) error {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *Tx) error {
		root, err := regionRootFor(ctx, tx, a, regionID)
		if err != nil {
			return err
		}
		if !a.Can(campusguard.ReviewReadiness, root.Path) {
			return forbidden()
		}
		return fn(tx)
	})
}

// SetPhase creates or changes a phase; today's expected counts follow.
func (s *Store) SetPhase(ctx context.Context, p *campusguard.Phase) error {
	p.Name = strings.TrimSpace(p.Name)
	return s.regionReview(ctx, p.RegionID, func(tx *Tx) error {
		if err := p.Validate(); err != nil {
			return err
		}
		slices.Sort(p.Grades)
		p.Grades = slices.Compact(p.Grades)
		var gs []string
		for _, g := range p.Grades {
			gs = append(gs, strconv.Itoa(g))
		}
		grades := strings.Join(gs, ",")
		if p.ID == 0 {
			if err := tx.QueryRowContext(ctx, `INSERT INTO reopen_phases (region_id, name, school_type, grades, start_day, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, p.RegionID, p.Name, p.SchoolType, grades, p.Start, tx.now).Scan(&p.ID); err != nil {
				return err
			}
		} else {
			res, err := tx.ExecContext(ctx, `UPDATE reopen_phases SET name = $1, school_type = $2, grades = $3, start_day = $4,
				updated_at = $5 WHERE id = $6 AND region_id = $7`, p.Name, p.SchoolType, grades, p.Start, tx.now, p.ID, p.RegionID)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return notFound("phase")
			}
		}
		if err := audit(ctx, tx, p.RegionID, "set_phase", "phase:"+strconv.FormatInt(p.ID, 10),
			p.Name+" "+string(p.SchoolType)+" "+grades+" "+p.Start.String()); err != nil {
			return err
		}
		return reopenToday(ctx, tx, p.RegionID)
	})
}

// DeletePhase removes a phase; today's expected counts follow.
func (s *Store) DeletePhase(ctx context.Context, regionID, id int64) error {
	return s.regionReview(ctx, regionID, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM reopen_phases WHERE id = $1 AND region_id = $2`, id, regionID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("phase")
		}
		if err := audit(ctx, tx, regionID, "delete_phase", "phase:"+strconv.FormatInt(id, 10), ""); err != nil {
			return err
		}
		return reopenToday(ctx, tx, regionID)
	})
}

// ---- Suspensions ----

const suspensionColumns = `x.id, x.region_id, x.org_id, o.name, o.kind, o.path, x.start_day, x.end_day, x.reason, x.decided_by,
	x.decided_at, x.resumed_day, x.resumed_by, x.resume_reason, x.resumed_at`

// suspensions reads a region's suspensions under path ("" for all) that
// stand on or after from (and, with to, start by to), by start.
func suspensions(ctx context.Context, q queryer, regionID int64, path string, from campusguard.Date, to *campusguard.Date) ([]campusguard.Suspension, error) {
	var c conds
	c.and("x.region_id = "+c.arg(regionID), "x.end_day >= "+c.arg(from),
		"(x.resumed_day IS NULL OR x.resumed_day > "+c.arg(from)+")")
	if to != nil {
		c.and("x.start_day <= " + c.arg(*to))
	}
	if path != "" {
		lo, hi := subtree(path)
		c.and("o.path >= "+c.arg(lo), "o.path < "+c.arg(hi))
	}
	rows, err := q.QueryContext(ctx, `SELECT `+suspensionColumns+` FROM suspensions x JOIN orgs o ON o.id = x.org_id
		WHERE `+c.where()+` ORDER BY x.start_day, x.id`, c.args...)
	if err != nil {
		return nil, fmt.Errorf("suspensions: %w", err)
	}
	defer rows.Close()
	out := []campusguard.Suspension{}
	for rows.Next() {
		x, err := scanSuspension(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *x)
	}
	return out, rows.Err()
}

func scanSuspension(row interface{ Scan(...any) error }) (*campusguard.Suspension, error) {
	var x campusguard.Suspension
	var rd sql.Null[campusguard.Date]
	var rat sql.NullTime
	if err := row.Scan(&x.ID, &x.RegionID, &x.OrgID, &x.OrgName, &x.OrgKind, &x.OrgPath, &x.Start, &x.End, &x.Reason,
		&x.DecidedBy, &x.DecidedAt, &rd, &x.ResumedBy, &x.ResumeReason, &rat); err != nil {
		return nil, err
	}
	if rd.Valid {
		x.Resumed = &rd.V
	}
	if rat.Valid {
		x.ResumedAt = &rat.Time
	}
	return &x, nil
}

// Suspensions returns the suspensions under a node that stand on or
// after from.
func (s *Store) Suspensions(ctx context.Context, orgID int64, from campusguard.Date) ([]campusguard.Suspension, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	o, err := findOrgByID(ctx, s.read, orgID)
	if err != nil || !a.Can(campusguard.ReadOrg, o.Path) {
		return nil, hidden(err, "org")
	}
	return suspensions(ctx, s.read, o.RegionID, o.Path, from, nil)
}

// suspendWrite runs fn on a node the actor may suspend: the level that
// owns it (campusguard.SuspendLevel) or above.
func (s *Store) suspendWrite(ctx context.Context, orgID int64, fn func(tx *Tx, o *campusguard.Org) error) error {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *Tx) error {
		o, err := findOrgByID(ctx, tx, orgID)
		if err != nil || !a.Can(campusguard.ReadOrg, o.Path) {
			return hidden(err, "org")
		}
		if !a.Can(campusguard.SuspendClasses, o.Path) {
			return forbidden()
		}
		if campusguard.SuspendLevel(o.Kind) == campusguard.RegionAdmin && !a.Can(campusguard.ReviewReadiness, o.Path) {
			return forbidden()
		}
		return fn(tx, o)
	})
}

// Suspend decides a suspension of a node (a class, grade, school or region
// node); its end defaults to the region's length; today's expected counts
// follow.
func (s *Store) Suspend(ctx context.Context, x *campusguard.Suspension) error {
	x.Reason = strings.TrimSpace(x.Reason)
	return s.suspendWrite(ctx, x.OrgID, func(tx *Tx, o *campusguard.Org) error {
		if x.End.IsZero() && !x.Start.IsZero() {
			t, err := iliSettings(ctx, tx, o.RegionID)
			if err != nil {
				return err
			}
			x.End = x.Start.AddDays(t.Days - 1)
		}
		others, err := suspensions(ctx, tx, o.RegionID, o.Path, campusguard.Date{Year: 1, Month: 1, Day: 1}, nil)
		if err != nil {
			return err
		}
		if err := campusguard.CheckSuspension(*x, others); err != nil {
			return err
		}
		x.RegionID, x.OrgName, x.OrgKind, x.OrgPath, x.DecidedBy, x.DecidedAt = o.RegionID, o.Name, o.Kind, o.Path,
			campusguard.ActorName(ctx), tx.now
		if err := tx.QueryRowContext(ctx, `INSERT INTO suspensions (region_id, org_id, start_day, end_day, reason, decided_by, decided_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, x.RegionID, x.OrgID, x.Start, x.End, x.Reason, x.DecidedBy, tx.now).
			Scan(&x.ID); err != nil {
			return err
		}
		if err := audit(ctx, tx, o.RegionID, "suspend", "org:"+strconv.FormatInt(o.ID, 10),
			x.Start.String()+".."+x.End.String()+" "+x.Reason); err != nil {
			return err
		}
		return reopenToday(ctx, tx, o.RegionID)
	})
}

// findSuspension reads one suspension; no access check.
func findSuspension(ctx context.Context, q queryer, id int64) (*campusguard.Suspension, error) {
	x, err := scanSuspension(q.QueryRowContext(ctx, `SELECT `+suspensionColumns+` FROM suspensions x JOIN orgs o ON o.id = x.org_id
		WHERE x.id = $1`, id))
	if err == sql.ErrNoRows {
		return nil, notFound("suspension")
	}
	return x, err
}

// ExtendSuspension moves a standing suspension's end later.
func (s *Store) ExtendSuspension(ctx context.Context, id int64, end campusguard.Date, reason string) error {
	x, err := findSuspension(ctx, s.read, id)
	if err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	return s.suspendWrite(ctx, x.OrgID, func(tx *Tx, o *campusguard.Org) error {
		if x.Resumed != nil {
			return campusguard.Errorf(campusguard.Conflict, "error.suspension_resumed")
		}
		if !x.End.Before(end) {
			return campusguard.InvalidFields([]campusguard.FieldError{{Field: "end", Msg: "error.extend_later", Args: []any{x.End.String()}}})
		}
		y := *x
		y.End, y.Reason = end, reason
		others, err := suspensions(ctx, tx, o.RegionID, o.Path, x.Start, nil)
		if err != nil {
			return err
		}
		if err := campusguard.CheckSuspension(y, others); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE suspensions SET end_day = $1 WHERE id = $2`, end, id); err != nil {
			return err
		}
		if err := audit(ctx, tx, o.RegionID, "extend_suspension", "suspension:"+strconv.FormatInt(id, 10),
			end.String()+" "+reason); err != nil {
			return err
		}
		return reopenToday(ctx, tx, o.RegionID)
	})
}

// Resume ends a suspension from day on (classes come back that day).
func (s *Store) Resume(ctx context.Context, id int64, day campusguard.Date, reason string) error {
	x, err := findSuspension(ctx, s.read, id)
	if err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	return s.suspendWrite(ctx, x.OrgID, func(tx *Tx, o *campusguard.Org) error {
		if x.Resumed != nil {
			return campusguard.Errorf(campusguard.Conflict, "error.suspension_resumed")
		}
		var fe []campusguard.FieldError
		if day.IsZero() {
			fe = append(fe, campusguard.FieldError{Field: "day", Msg: "error.required"})
		} else if day.Before(x.Start) {
			fe = append(fe, campusguard.FieldError{Field: "day", Msg: "error.resume_before_start", Args: []any{x.Start.String()}})
		}
		if reason == "" {
			fe = append(fe, campusguard.FieldError{Field: "reason", Msg: "error.required"})
		} else if len([]rune(reason)) > campusguard.MaxReason {
			fe = append(fe, campusguard.FieldError{Field: "reason", Msg: "error.too_long", Args: []any{campusguard.MaxReason}})
		}
		if fe != nil {
			return campusguard.InvalidFields(fe)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE suspensions SET resumed_day = $1, resumed_by = $2, resume_reason = $3, resumed_at = $4
			WHERE id = $5`, day, campusguard.ActorName(ctx), reason, tx.now, id); err != nil {
			return err
		}
		if err := audit(ctx, tx, o.RegionID, "resume", "suspension:"+strconv.FormatInt(id, 10), day.String()+" "+reason); err != nil {
			return err
		}
		return reopenToday(ctx, tx, o.RegionID)
	})
}

// ---- ILI criteria ----

func iliSettings(ctx context.Context, q queryer, regionID int64) (campusguard.ILIThresholds, error) {
	t := campusguard.DefaultILI
	err := q.QueryRowContext(ctx, `SELECT new_cases, percent, hospitalised, days FROM ili_settings WHERE region_id = $1`, regionID).
		Scan(&t.NewCases, &t.Percent, &t.Hospitalised, &t.Days)
	if err == sql.ErrNoRows {
		return campusguard.DefaultILI, nil
	}
	return t, err
}

// ILISettings returns a region's suspension criteria.
func (s *Store) ILISettings(ctx context.Context, regionID int64) (campusguard.ILIThresholds, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return campusguard.ILIThresholds{}, err
	}
	if _, err := regionRootFor(ctx, s.read, a, regionID); err != nil {
		return campusguard.ILIThresholds{}, err
	}
	return iliSettings(ctx, s.read, regionID)
}

// SetILISettings sets a region's suspension criteria.
func (s *Store) SetILISettings(ctx context.Context, regionID int64, t campusguard.ILIThresholds) error {
	return s.regionReview(ctx, regionID, func(tx *Tx) error {
		if err := t.Validate(); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO ili_settings (region_id, new_cases, percent, hospitalised, days, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (region_id) DO UPDATE SET new_cases = excluded.new_cases,
			percent = excluded.percent, hospitalised = excluded.hospitalised, days = excluded.days, updated_at = excluded.updated_at`,
			regionID, t.NewCases, t.Percent, t.Hospitalised, t.Days, tx.now)
		if err != nil {
			return err
		}
		return audit(ctx, tx, regionID, "set_ili", "org:"+strconv.FormatInt(regionID, 10),
			fmt.Sprintf("%d %d%% %d %dd", t.NewCases, t.Percent, t.Hospitalised, t.Days))
	})
}

// ClassILI returns the classes under a node whose ILI figures on day reach
// the region's criteria. A student has ILI on a day when a current check
// of that day shows 38 °C or more with cough or sore throat; a new case
// had none the calendar day before;
// the hospitalisations are the class's cases confirmed at the fever
// clinic in the seven days to day (see docs/decisions.md).
func (s *Store) ClassILI(ctx context.Context, orgID int64, day campusguard.Date) ([]campusguard.ClassILI, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	o, err := findOrgByID(ctx, s.read, orgID)
	if err != nil || !a.Can(campusguard.ReadOrg, o.Path) {
		return nil, hidden(err, "org")
	}
	return classILI(ctx, s.read, o.RegionID, o.Path, day)
}

// classILI computes ClassILI for the classes under path; no access check.
func classILI(ctx context.Context, q queryer, regionID int64, path string, day campusguard.Date) ([]campusguard.ClassILI, error) {
	t, err := iliSettings(ctx, q, regionID)
	if err != nil {
		return nil, err
	}
	ill := func(d campusguard.Date) (map[int64]map[int64]bool, error) {
		rows, err := q.QueryContext(ctx, `SELECT c.class_id, c.person_id, c.temperature, c.symptoms FROM checks c
			WHERE c.region_id = $1 AND c.day = $2 AND c.current = TRUE AND c.temperature >= $3 AND c.class_id IS NOT NULL`, regionID, d, campusguard.ILIFever)
		if err != nil {
			return nil, fmt.Errorf("ili: %w", err)
		}
		defer rows.Close()
		out := map[int64]map[int64]bool{}
		for rows.Next() {
			var class, person int64
			var temp sql.NullFloat64
			var syms string
			if err := rows.Scan(&class, &person, &temp, &syms); err != nil {
				return nil, err
			}
			if !temp.Valid || !campusguard.IsILI(&temp.Float64, splitSymptoms(syms)) {
				continue
			}
			if out[class] == nil {
				out[class] = map[int64]bool{}
			}
			out[class][person] = true
		}
		return out, rows.Err()
	}
	today, err := ill(day)
	if err != nil {
		return nil, err
	}
	before, err := ill(day.AddDays(-1))
	if err != nil {
		return nil, err
	}
	hosp := map[int64]int{}
	rows, err := q.QueryContext(ctx, `SELECT p.class_id, COUNT(*) FROM cases k JOIN people p ON p.id = k.person_id
		WHERE k.region_id = $1 AND k.outcome = 'confirmed' AND `+notDrill("k")+` AND k.onset_day >= $2 AND k.onset_day <= $3 AND p.class_id IS NOT NULL
		GROUP BY p.class_id`, regionID, day.AddDays(-6), day)
	if err != nil {
		return nil, fmt.Errorf("ili: %w", err)
	}
	for rows.Next() {
		var class int64
		var n int
		if err := rows.Scan(&class, &n); err != nil {
			rows.Close()
			return nil, err
		}
		hosp[class] = n
	}
	rows.Close()
	classes, err := regionClasses(ctx, q, regionID)
	if err != nil {
		return nil, err
	}
	open, err := loadOpenness(ctx, q, regionID, day)
	if err != nil {
		return nil, err
	}
	out := []campusguard.ClassILI{}
	for _, c := range classes {
		if !strings.HasPrefix(c.path, path) {
			continue
		}
		ci := campusguard.ClassILI{ClassID: c.id, ClassName: c.name, SchoolID: c.schoolID, SchoolName: c.schoolName, Day: day,
			Size: c.students, Current: len(today[c.id]), Hospitalised: hosp[c.id]}
		for p := range today[c.id] {
			if !before[c.id][p] {
				ci.New++
			}
		}
		if ci.Reasons = t.Reached(ci); len(ci.Reasons) == 0 {
			continue
		}
		ci.Suspended = open.Suspended(c.path, day) != nil
		out = append(out, ci)
	}
	return out, nil
}

// iliSignals are the alerts' signals of the classes that reach the ILI
// suspension criteria on day and are not suspended: the alert proposes the
// suspension, which the principal or the region decides.
func iliSignals(ctx context.Context, q queryer, regionID int64, day campusguard.Date) ([]campusguard.Signal, error) {
	root, err := findOrgByID(ctx, q, regionID)
	if err != nil {
		return nil, err
	}
	cs, err := classILI(ctx, q, regionID, root.Path, day)
	if err != nil {
		return nil, err
	}
	var out []campusguard.Signal
	for _, c := range cs {
		if c.Suspended {
			continue
		}
		out = append(out, campusguard.Signal{Rule: campusguard.RuleILISuspension, OrgID: c.ClassID, Day: day, Count: float64(c.Current)})
	}
	return out, nil
}
