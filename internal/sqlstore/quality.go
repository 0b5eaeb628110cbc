package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"campusguard"
)

// Data quality (issue 17). A run reads each school in turn through the
// indexes on school and day (so its cost follows the region's size, not
// the years of checks kept), hands plain values to the domain's rules, and
// writes what they found in one short transaction at the end.

// QualitySettings returns a top-level region's data-quality thresholds.
func (s *Store) QualitySettings(ctx context.Context, regionID int64) (*campusguard.QualitySettings, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	o, err := findOrgByID(ctx, s.read, regionID)
	if err != nil || o.ParentID != nil || !a.Can(campusguard.ReadOrg, o.Path) {
		return nil, notFound("region")
	}
	return qualitySettings(ctx, s.read, regionID)
}

func qualitySettings(ctx context.Context, q queryer, regionID int64) (*campusguard.QualitySettings, error) {
	out := campusguard.DefaultQualitySettings
	var raw sql.NullString
	err := q.QueryRowContext(ctx, `SELECT quality FROM region_settings WHERE region_id = $1`, regionID).Scan(&raw)
	if err != nil && err != sql.ErrNoRows {
		return nil, fmt.Errorf("quality settings of region %d: %w", regionID, err)
	}
	if raw.Valid && raw.String != "" {
		if err := json.Unmarshal([]byte(raw.String), &out); err != nil {
			return nil, fmt.Errorf("quality settings of region %d: %w", regionID, err)
		}
	}
	return &out, nil
}

// SetQualitySettings sets a region's thresholds; audited.
func (s *Store) SetQualitySettings(ctx context.Context, regionID int64, qs campusguard.QualitySettings) error {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return err
	}
	if err := qs.Validate(); err != nil {
		return err
	}
	raw, _ := json.Marshal(qs)
	return s.inTx(ctx, func(tx *Tx) error {
		if _, err := settingsRegion(ctx, tx, a, regionID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO region_settings (region_id, quality, updated_at) VALUES ($1, $2, $3)
			ON CONFLICT (region_id) DO UPDATE SET quality = excluded.quality, updated_at = excluded.updated_at`,
			regionID, string(raw), tx.now); err != nil {
			return err
		}
		return audit(ctx, tx, regionID, "set_quality", "org:"+strconv.FormatInt(regionID, 10), string(raw))
	})
}

// qualityRoles are told of a new finding: the school's admin and health
// officer.
var qualityRoles = []campusguard.AccessRole{campusguard.SchoolAdmin, campusguard.HealthOffice}

// RunQuality runs the data-quality rules over a top-level region for the
// window ending on day. See campusguard.QualityService.
func (s *Store) RunQuality(ctx context.Context, regionID int64, day campusguard.Date) (*campusguard.QualityRun, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	region, err := findOrgByID(ctx, s.read, regionID)
	if err != nil || region.ParentID != nil || !a.Can(campusguard.ReadOrg, region.Path) {
		return nil, notFound("region")
	}
	if !a.System && !a.Can(campusguard.WriteOrg, region.Path) {
		return nil, forbidden()
	}
	qs, err := qualitySettings(ctx, s.read, regionID)
	if err != nil {
		return nil, err
	}
	run := &campusguard.QualityRun{RegionID: regionID, Day: day}
	schools, err := s.regionSchools(ctx, regionID)
	if err != nil {
		return nil, err
	}
	run.Schools = len(schools)
	var found []campusguard.Finding
	for _, sch := range schools {
		fs, students, err := s.schoolQuality(ctx, *qs, sch, day)
		if err != nil {
			return nil, fmt.Errorf("quality of school %d: %w", sch, err)
		}
		run.Students += students
		found = append(found, fs...)
	}
	fs, err := s.regionQuality(ctx, *qs, regionID, day)
	if err != nil {
		return nil, err
	}
	found = append(found, fs...)
	run.Found = len(found)
	err = s.inTx(ctx, func(tx *Tx) error {
		n, err := saveFindings(ctx, tx, regionID, day, found)
		run.New = n
		if err != nil {
			return err
		}
		detail, _ := json.Marshal(run)
		return audit(ctx, tx, regionID, "quality", "org:"+strconv.FormatInt(regionID, 10), string(detail))
	})
	if err != nil {
		return nil, err
	}
	return run, nil
}

// LastQualityRun returns when a region's data-quality rules last ran
// before an instant, or the zero time.
func (s *Store) LastQualityRun(ctx context.Context, regionID int64, before time.Time) (time.Time, error) {
	var at time.Time
	err := s.read.QueryRowContext(ctx, `SELECT at FROM audit_log WHERE object = $1 AND action = $2 AND at < $3
		ORDER BY at DESC LIMIT 1`, "org:"+strconv.FormatInt(regionID, 10), "quality", before.UTC()).Scan(&at)
	if err == sql.ErrNoRows {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("last quality run: %w", err)
	}
	return at.UTC(), nil
}

// schoolQuality reads one school and runs the per-class and per-school
// rules; it returns the findings and the students seen on day.
func (s *Store) schoolQuality(ctx context.Context, qs campusguard.QualitySettings, school int64,
	day campusguard.Date) ([]campusguard.Finding, int, error) {
	var out []campusguard.Finding
	// Temperatures the teacher recorded, as counts per class, day, value.
	from := day.AddDays(-(campusguard.ReadingsWindow - 1))
	rows, err := s.read.QueryContext(ctx, `SELECT class_id, day, temperature, COUNT(*) FROM checks
		WHERE school_id = $1 AND day >= $2 AND day <= $3 AND current = TRUE AND kind IN ('morning', 'noon', 'evening')
		AND temperature IS NOT NULL AND class_id IS NOT NULL GROUP BY class_id, day, temperature ORDER BY class_id, day`,
		school, from, day)
	if err != nil {
		return nil, 0, fmt.Errorf("readings: %w", err)
	}
	var classes []campusguard.ClassReadings
	for rows.Next() {
		var class int64
		var d campusguard.Date
		var t float64
		var n int
		if err := rows.Scan(&class, &d, &t, &n); err != nil {
			rows.Close()
			return nil, 0, err
		}
		if len(classes) == 0 || classes[len(classes)-1].ClassID != class {
			classes = append(classes, campusguard.ClassReadings{SchoolID: school, ClassID: class})
		}
		c := &classes[len(classes)-1]
		if len(c.Days) == 0 || c.Days[len(c.Days)-1].Day != d {
			c.Days = append(c.Days, campusguard.DayReadings{Day: d})
		}
		c.Days[len(c.Days)-1].Add(t, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	out = append(out, campusguard.UniformFindings(qs, classes)...)
	out = append(out, campusguard.RoundDigitFindings(qs, classes)...)

	// Home reports of the day: those of an account that sent a burst's
	// worth in one class, and those taken before the earliest hour.
	early := qs.EarliestHome.On(day)
	rows, err = s.read.QueryContext(ctx, `SELECT c.person_id, c.class_id, c.reported_by, c.at FROM checks c
		LEFT JOIN (SELECT class_id, reported_by FROM checks WHERE school_id = $1 AND day = $2 AND kind = 'home'
			AND current = TRUE GROUP BY class_id, reported_by HAVING COUNT(*) >= $4) b
			ON b.class_id = c.class_id AND b.reported_by = c.reported_by
		WHERE c.school_id = $1 AND c.day = $2 AND c.kind = 'home' AND c.current = TRUE AND c.class_id IS NOT NULL
		AND (c.at < $3 OR b.class_id IS NOT NULL)`, school, day, early.UTC(), qs.BurstReports)
	if err != nil {
		return nil, 0, fmt.Errorf("home reports: %w", err)
	}
	var reports []campusguard.HomeReport
	for rows.Next() {
		r := campusguard.HomeReport{SchoolID: school, Day: day}
		if err := rows.Scan(&r.PersonID, &r.ClassID, &r.By, &r.At); err != nil {
			rows.Close()
			return nil, 0, err
		}
		reports = append(reports, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	out = append(out, campusguard.TimingFindings(qs, reports)...)

	// Each student's day: home fever, morning check, gate.
	var seen, gate, students int
	if err := s.read.QueryRowContext(ctx, `SELECT
		COALESCE(SUM(CASE WHEN kind = 'morning' AND attendance <> 'absent' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN kind = 'gate' THEN 1 ELSE 0 END), 0), COUNT(DISTINCT person_id)
		FROM checks WHERE school_id = $1 AND day = $2 AND current = TRUE`, school, day).Scan(&seen, &gate, &students); err != nil {
		return nil, 0, fmt.Errorf("school day: %w", err)
	}
	gateOn := gate > 0 && 2*gate >= seen
	rows, err = s.read.QueryContext(ctx, `SELECT c.person_id, p.name, c.class_id,
		SUM(CASE WHEN c.kind = 'home' AND c.fever = TRUE THEN 1 ELSE 0 END),
		SUM(CASE WHEN c.kind = 'morning' AND c.attendance <> 'absent' THEN 1 ELSE 0 END),
		SUM(CASE WHEN c.kind = 'morning' AND c.attendance = 'present' AND c.abnormal = FALSE THEN 1 ELSE 0 END),
		SUM(CASE WHEN c.kind = 'gate' THEN 1 ELSE 0 END)
		FROM checks c JOIN people p ON p.id = c.person_id
		WHERE c.school_id = $1 AND c.day = $2 AND c.current = TRUE AND c.class_id IS NOT NULL
		GROUP BY c.person_id, p.name, c.class_id
		HAVING ($3 = TRUE AND SUM(CASE WHEN c.kind = 'morning' AND c.attendance <> 'absent' THEN 1 ELSE 0 END) > 0
			AND SUM(CASE WHEN c.kind = 'gate' THEN 1 ELSE 0 END) = 0)
		OR (SUM(CASE WHEN c.kind = 'home' AND c.fever = TRUE THEN 1 ELSE 0 END) > 0
			AND SUM(CASE WHEN c.kind = 'morning' AND c.attendance = 'present' AND c.abnormal = FALSE THEN 1 ELSE 0 END) > 0)`,
		school, day, gateOn)
	if err != nil {
		return nil, 0, fmt.Errorf("contradictions: %w", err)
	}
	var days []campusguard.ClassDay
	for rows.Next() {
		d := campusguard.ClassDay{SchoolID: school, Day: day, SchoolGateOn: gateOn}
		var fever, morning, well, through int
		if err := rows.Scan(&d.PersonID, &d.Name, &d.ClassID, &fever, &morning, &well, &through); err != nil {
			rows.Close()
			return nil, 0, err
		}
		d.HomeFever, d.MorningSeen, d.MorningWell, d.ThroughGate = fever > 0, morning > 0, well > 0, through > 0
		days = append(days, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	out = append(out, campusguard.ContradictionFindings(days)...)

	// The school's figures over the window.
	rows, err = s.read.QueryContext(ctx, `SELECT day, expected, reported, absent FROM rollups
		WHERE org_id = $1 AND day >= $2 AND day <= $3 ORDER BY day`, school, day.AddDays(-(campusguard.QualityWindow - 1)), day)
	if err != nil {
		return nil, 0, fmt.Errorf("figures: %w", err)
	}
	fig := campusguard.SchoolFigures{SchoolID: school}
	for rows.Next() {
		r := campusguard.Rollup{OrgID: school}
		if err := rows.Scan(&r.Day, &r.Expected, &r.Reported, &r.Absent); err != nil {
			rows.Close()
			return nil, 0, err
		}
		fig.Days = append(fig.Days, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	out = append(out, campusguard.PerfectFindings(qs, []campusguard.SchoolFigures{fig})...)
	return out, students, nil
}

// regionQuality runs the rules over people rather than days: one ID number
// in two schools (of any region: a child enrolled in two counties; one
// GROUP BY over every student, never a lookup per student), one phone on
// many children.
func (s *Store) regionQuality(ctx context.Context, qs campusguard.QualitySettings, regionID int64,
	day campusguard.Date) ([]campusguard.Finding, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT p.id_number, p.id, p.school_id, p.class_id, p.name, s.name,
		EXISTS (SELECT 1 FROM person_days d WHERE d.person_id = p.id AND d.day = $1 AND d.reported = TRUE)
		FROM people p JOIN orgs s ON s.id = p.school_id
		JOIN (SELECT id_number FROM people WHERE kind = 'student' AND active = TRUE AND id_number IS NOT NULL
			AND id_number <> '' GROUP BY id_number HAVING COUNT(DISTINCT school_id) > 1) dup ON dup.id_number = p.id_number
		WHERE p.kind = 'student' AND p.active = TRUE`, day)
	if err != nil {
		return nil, fmt.Errorf("duplicate ID numbers: %w", err)
	}
	var holders []campusguard.IDHolder
	inRegion := map[int64]bool{}
	for rows.Next() {
		var h campusguard.IDHolder
		var class sql.NullInt64
		if err := rows.Scan(&h.IDNumber, &h.PersonID, &h.SchoolID, &class, &h.Name, &h.School, &h.Reported); err != nil {
			rows.Close()
			return nil, err
		}
		h.ClassID = idPtr(class)
		holders = append(holders, h)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	schools, err := s.regionSchools(ctx, regionID)
	if err != nil {
		return nil, err
	}
	for _, id := range schools {
		inRegion[id] = true
	}
	var out []campusguard.Finding
	for _, f := range campusguard.DuplicateFindings(holders, day) {
		if inRegion[f.SchoolID] {
			out = append(out, f)
		}
	}
	rows, err = s.read.QueryContext(ctx, `SELECT g.phone, p.id, p.school_id, p.class_id, p.name FROM guardians g
		JOIN guardian_students gs ON gs.guardian_id = g.id JOIN people p ON p.id = gs.student_id
		WHERE g.region_id = $1 AND p.active = TRUE AND g.id IN (SELECT guardian_id FROM guardian_students
			WHERE region_id = $1 GROUP BY guardian_id HAVING COUNT(*) >= $2)`, regionID, qs.SharedPhoneChildren)
	if err != nil {
		return nil, fmt.Errorf("shared phones: %w", err)
	}
	var children []campusguard.PhoneChild
	for rows.Next() {
		var c campusguard.PhoneChild
		var class sql.NullInt64
		if err := rows.Scan(&c.Phone, &c.PersonID, &c.SchoolID, &class, &c.Name); err != nil {
			rows.Close()
			return nil, err
		}
		c.ClassID = idPtr(class)
		children = append(children, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return append(out, campusguard.SharedPhoneFindings(qs, children, day)...), nil
}

type episodeKey struct {
	school  int64
	rule    campusguard.QualityRule
	subject string
}

// saveFindings keeps a run's findings: one that continues the latest
// episode of its rule and subject in its school extends it (its status and
// note kept); any other is a new finding, told to the school's inbox. It
// returns how many were new.
func saveFindings(ctx context.Context, tx *Tx, regionID int64, day campusguard.Date, found []campusguard.Finding) (int, error) {
	type last struct {
		id       int64
		from, to campusguard.Date
	}
	latest := map[episodeKey]last{}
	rows, err := tx.QueryContext(ctx, `SELECT id, school_id, rule, subject, from_day, to_day FROM quality_findings
		WHERE region_id = $1 AND to_day >= $2 ORDER BY to_day, id`, regionID, day.AddDays(-campusguard.QualityWindow))
	if err != nil {
		return 0, fmt.Errorf("findings: %w", err)
	}
	for rows.Next() {
		var k episodeKey
		var l last
		if err := rows.Scan(&l.id, &k.school, &k.rule, &k.subject, &l.from, &l.to); err != nil {
			rows.Close()
			return 0, err
		}
		latest[k] = l
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	var fresh []campusguard.Finding
	for _, f := range found {
		k := episodeKey{f.SchoolID, f.Rule, f.Subject}
		ev, _ := json.Marshal(f.Evidence)
		if l, ok := latest[k]; ok && f.Continues(l.to) && !f.From.Before(l.from) {
			to := l.to
			if to.Before(f.To) {
				to = f.To
			}
			if _, err := tx.ExecContext(ctx, `UPDATE quality_findings SET to_day = $1, evidence = $2, updated_at = $3
				WHERE id = $4`, to, string(ev), tx.now, l.id); err != nil {
				return 0, fmt.Errorf("extend finding: %w", err)
			}
			continue
		}
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO quality_findings (region_id, school_id, class_id, rule, subject,
			from_day, to_day, evidence, status, found_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)
			RETURNING id`, regionID, f.SchoolID, nullID(f.ClassID), f.Rule, f.Subject, f.From, f.To, string(ev),
			campusguard.FindingOpen, tx.now).Scan(&id); err != nil {
			return 0, fmt.Errorf("new finding: %w", err)
		}
		latest[k] = last{id, f.From, f.To}
		f.ID = id
		fresh = append(fresh, f)
	}
	for _, f := range fresh {
		var path string
		if err := tx.QueryRowContext(ctx, `SELECT path FROM orgs WHERE id = $1`, f.SchoolID).Scan(&path); err != nil {
			return 0, err
		}
		if err := notifySchool(ctx, tx, regionID, path, "quality", "quality.inbox",
			[]string{f.From.String(), f.To.String()}, "/quality-findings/"+strconv.FormatInt(f.ID, 10)); err != nil {
			return 0, err
		}
	}
	return len(fresh), nil
}

// notifySchool tells the school's admins and health officers (grants on
// the school itself, not on the regions above it).
func notifySchool(ctx context.Context, tx *Tx, region int64, path, kind, subject string, args []string, link string) error {
	ids := campusguard.PathIDs(path)
	if len(ids) == 0 {
		return nil
	}
	return notifyNodes(ctx, tx, region, ids[len(ids)-1:], qualityRoles, kind, subject, args, link)
}

const findingColumns = `f.id, f.region_id, f.school_id, s.name, f.class_id, COALESCE(c.name, ''), f.rule, f.subject,
	f.from_day, f.to_day, f.evidence, f.status, f.note, f.explained_by, f.explained_at, f.found_at, COALESCE(c.path, s.path)`

const findingFrom = ` FROM quality_findings f JOIN orgs s ON s.id = f.school_id LEFT JOIN orgs c ON c.id = f.class_id`

func scanFinding(sc interface{ Scan(...any) error }) (*campusguard.Finding, string, error) {
	var f campusguard.Finding
	var class sql.NullInt64
	var ev, path string
	var at sql.NullTime
	if err := sc.Scan(&f.ID, &f.RegionID, &f.SchoolID, &f.SchoolName, &class, &f.ClassName, &f.Rule, &f.Subject,
		&f.From, &f.To, &ev, &f.Status, &f.Note, &f.By, &at, &f.FoundAt, &path); err != nil {
		return nil, "", err
	}
	f.ClassID, f.Path = idPtr(class), path
	if at.Valid {
		f.At = at.Time.UTC()
	}
	f.FoundAt = f.FoundAt.UTC()
	if err := json.Unmarshal([]byte(ev), &f.Evidence); err != nil {
		return nil, "", fmt.Errorf("finding %d evidence: %w", f.ID, err)
	}
	return &f, path, nil
}

// FindFindings lists findings under an org node in the actor's scope.
func (s *Store) FindFindings(ctx context.Context, ff campusguard.FindingFilter) ([]*campusguard.Finding, int, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, 0, err
	}
	o, err := findOrgByID(ctx, s.read, ff.OrgID)
	if err != nil || !a.Can(campusguard.ReadOrg, o.Path) {
		return nil, 0, hidden(err, "org")
	}
	where := []string{"f.region_id = $1", "(s.path = $2 OR s.path LIKE $3 OR c.path = $2 OR c.path LIKE $3)"}
	args := []any{o.RegionID, o.Path, o.Path + "%"}
	if ff.Status != nil {
		args = append(args, *ff.Status)
		where = append(where, "f.status = $"+strconv.Itoa(len(args)))
	}
	if ff.Rule != nil {
		args = append(args, *ff.Rule)
		where = append(where, "f.rule = $"+strconv.Itoa(len(args)))
	}
	limit := ff.Limit
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	args = append(args, limit, max(ff.Offset, 0))
	rows, err := s.read.QueryContext(ctx, `SELECT `+findingColumns+`, COUNT(*) OVER ()`+findingFrom+` WHERE `+
		strings.Join(where, " AND ")+` ORDER BY CASE WHEN f.status = 'open' THEN 0 ELSE 1 END, f.to_day DESC, f.id DESC
		LIMIT $`+strconv.Itoa(len(args)-1)+` OFFSET $`+strconv.Itoa(len(args)), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("find findings: %w", err)
	}
	defer rows.Close()
	var out []*campusguard.Finding
	total := 0
	for rows.Next() {
		var f campusguard.Finding
		var class sql.NullInt64
		var ev, path string
		var at sql.NullTime
		if err := rows.Scan(&f.ID, &f.RegionID, &f.SchoolID, &f.SchoolName, &class, &f.ClassName, &f.Rule, &f.Subject,
			&f.From, &f.To, &ev, &f.Status, &f.Note, &f.By, &at, &f.FoundAt, &path, &total); err != nil {
			return nil, 0, err
		}
		f.ClassID, f.Path = idPtr(class), path
		if at.Valid {
			f.At = at.Time.UTC()
		}
		f.FoundAt = f.FoundAt.UTC()
		if err := json.Unmarshal([]byte(ev), &f.Evidence); err != nil {
			return nil, 0, fmt.Errorf("finding %d evidence: %w", f.ID, err)
		}
		out = append(out, f.MaskedFor(a, path))
	}
	return out, total, rows.Err()
}

// FindFindingByID returns one finding as the actor may see it. NotFound.
func (s *Store) FindFindingByID(ctx context.Context, id int64) (*campusguard.Finding, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	f, path, err := scanFinding(s.read.QueryRowContext(ctx, `SELECT `+findingColumns+findingFrom+` WHERE f.id = $1`, id))
	if err == sql.ErrNoRows || err == nil && !a.Can(campusguard.ReadOrg, path) {
		return nil, notFound("finding")
	}
	if err != nil {
		return nil, err
	}
	return f.MaskedFor(a, path), nil
}

// ExplainFinding marks a finding explained with a note; audited. A finding
// explained again keeps the newest note (the audit log keeps each).
func (s *Store) ExplainFinding(ctx context.Context, id int64, note string) (*campusguard.Finding, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	note, err = campusguard.ValidateExplanation(note)
	if err != nil {
		return nil, err
	}
	var out *campusguard.Finding
	err = s.inTx(ctx, func(tx *Tx) error {
		f, path, err := scanFinding(tx.QueryRowContext(ctx, `SELECT `+findingColumns+findingFrom+` WHERE f.id = $1`, id))
		if err == sql.ErrNoRows || err == nil && !a.Can(campusguard.ReadOrg, path) {
			return notFound("finding")
		}
		if err != nil {
			return err
		}
		if !a.CanExplainFinding(path) {
			return forbidden()
		}
		by := campusguard.ActorName(ctx)
		if _, err := tx.ExecContext(ctx, `UPDATE quality_findings SET status = $1, note = $2, explained_by = $3,
			explained_at = $4, updated_at = $4 WHERE id = $5`, campusguard.FindingExplained, note, by, tx.now, id); err != nil {
			return err
		}
		f.Status, f.Note, f.By, f.At = campusguard.FindingExplained, note, by, tx.now
		out = f.MaskedFor(a, path)
		return audit(ctx, tx, f.RegionID, "explain_finding", "finding:"+strconv.FormatInt(id, 10), note)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// QualitySummaries returns each school under an org node with its open
// findings and score, worst first.
func (s *Store) QualitySummaries(ctx context.Context, orgID int64) ([]campusguard.QualitySummary, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	o, err := findOrgByID(ctx, s.read, orgID)
	if err != nil || !a.Can(campusguard.ReadOrg, o.Path) {
		return nil, hidden(err, "org")
	}
	rows, err := s.read.QueryContext(ctx, `SELECT s.id, s.name, COUNT(f.id) FROM orgs s
		LEFT JOIN quality_findings f ON f.school_id = s.id AND f.status = 'open'
		WHERE s.region_id = $1 AND s.kind = $2 AND (s.path = $3 OR s.path LIKE $4)
		GROUP BY s.id, s.name`, o.RegionID, campusguard.KindSchool, o.Path, o.Path+"%")
	if err != nil {
		return nil, fmt.Errorf("quality summaries: %w", err)
	}
	defer rows.Close()
	var out []campusguard.QualitySummary
	for rows.Next() {
		var q campusguard.QualitySummary
		if err := rows.Scan(&q.SchoolID, &q.Name, &q.Open); err != nil {
			return nil, err
		}
		q.Score = campusguard.QualityScore(q.Open)
		out = append(out, q)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b campusguard.QualitySummary) int {
		if a.Open != b.Open {
			return b.Open - a.Open
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out, nil
}
