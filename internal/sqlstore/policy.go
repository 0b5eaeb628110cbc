package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"sync"
	"time"

	"campusguard"
)

// feverCache keeps each region's fever threshold for a short while: every
// group commit of checks needs it, and a setting changes a few times a
// year. A change made through this store voids it at once; one made by
// another server takes effect here within feverTTL.
type feverCache struct {
	mu sync.Mutex
	m  map[int64]feverEntry
}

type feverEntry struct {
	t  float64
	at time.Time
}

const feverTTL = 30 * time.Second

func (c *feverCache) get(region int64) (float64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[region]
	if !ok || time.Since(e.at) > feverTTL {
		return 0, false
	}
	return e.t, true
}

func (c *feverCache) put(region int64, t float64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[int64]feverEntry{}
	}
	c.m[region] = feverEntry{t: t, at: time.Now()}
}

func (c *feverCache) void(region int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, region)
}

// FeverThreshold returns the temperature from which a reading is a fever
// in a top-level region: its setting, else the national default. It is the
// one place the threshold is read: checks, cases, alerts and pages ask it.
// Any signed-in actor may read it; it is no secret.
func (s *Store) FeverThreshold(ctx context.Context, regionID int64) (float64, error) {
	if _, err := campusguard.RequireActor(ctx); err != nil {
		return 0, err
	}
	return s.feverThreshold(ctx, s.read, regionID)
}

func (s *Store) feverThreshold(ctx context.Context, q queryer, regionID int64) (float64, error) {
	if t, ok := s.fever.get(regionID); ok {
		return t, nil
	}
	var t sql.NullFloat64
	err := q.QueryRowContext(ctx, `SELECT fever_threshold FROM region_settings WHERE region_id = $1`, regionID).Scan(&t)
	if err != nil && err != sql.ErrNoRows {
		return 0, fmt.Errorf("fever threshold of region %d: %w", regionID, err)
	}
	th := campusguard.DefaultFeverThreshold
	if t.Valid {
		th = t.Float64
	}
	s.fever.put(regionID, th)
	return th, nil
}

// regionPolicy reads a top-level region's settings; what it never set reads
// as the product's defaults.
func regionPolicy(ctx context.Context, q queryer, regionID int64) (*campusguard.RegionPolicy, error) {
	p := &campusguard.RegionPolicy{RegionID: regionID, FeverThreshold: campusguard.DefaultFeverThreshold,
		Retention: campusguard.DefaultRetention, Deadlines: campusguard.DefaultDeadlines}
	var fever sql.NullFloat64
	var checks, followups, cases, reportBy, signOffBy sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT fever_threshold, keep_checks_days, keep_followups_days, keep_cases_days,
		report_by_minutes, signoff_by_minutes FROM region_settings WHERE region_id = $1`, regionID).
		Scan(&fever, &checks, &followups, &cases, &reportBy, &signOffBy)
	if err == sql.ErrNoRows {
		return p, nil
	}
	if err != nil {
		return nil, fmt.Errorf("settings of region %d: %w", regionID, err)
	}
	if fever.Valid {
		p.FeverThreshold = fever.Float64
	}
	setInt := func(dst *int, v sql.NullInt64) {
		if v.Valid {
			*dst = int(v.Int64)
		}
	}
	setInt(&p.Retention.Checks, checks)
	setInt(&p.Retention.FollowUps, followups)
	setInt(&p.Retention.Cases, cases)
	if reportBy.Valid {
		p.Deadlines.ReportBy = campusguard.Clock(reportBy.Int64)
	}
	if signOffBy.Valid {
		p.Deadlines.SignOffBy = campusguard.Clock(signOffBy.Int64)
	}
	return p, nil
}

// RegionPolicy returns a top-level region's settings. NotFound unless the
// actor may read the region.
func (s *Store) RegionPolicy(ctx context.Context, regionID int64) (*campusguard.RegionPolicy, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	o, err := findOrgByID(ctx, s.read, regionID)
	if err != nil && !isNotFound(err) { // an outage is not "not found"
		return nil, err
	}
	if err != nil || o.ParentID != nil || !a.Can(campusguard.ReadOrg, o.Path) {
		return nil, notFound("region")
	}
	return regionPolicy(ctx, s.read, regionID)
}

// settingsRegion checks, in tx, that regionID is a top-level region the
// actor may read (else NotFound) and set (its region admins, else
// Forbidden), as every region setting does.
func settingsRegion(ctx context.Context, tx *Tx, a *campusguard.Actor, regionID int64) (*campusguard.Org, error) {
	o, err := findOrgByID(ctx, tx, regionID)
	if err != nil && !isNotFound(err) { // an outage is not "not found"
		return nil, err
	}
	if err != nil || o.ParentID != nil || !a.Can(campusguard.ReadOrg, o.Path) {
		return nil, notFound("region")
	}
	if !a.Can(campusguard.ManageUsers, o.Path) || !a.Can(campusguard.WriteOrg, o.Path) {
		return nil, forbidden()
	}
	return o, nil
}

// SetFeverThreshold sets a region's fever threshold, 37.0–38.5 °C in
// tenths. Checks recorded from then on are judged by it; stored checks
// keep the judgement of when they were recorded.
func (s *Store) SetFeverThreshold(ctx context.Context, regionID int64, t float64) error {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return err
	}
	if err := campusguard.ValidateFeverThreshold(t); err != nil {
		return err
	}
	t = math.Round(t*10) / 10
	defer s.fever.void(regionID) // after the commit: a read meanwhile is not kept
	return s.inTx(ctx, func(tx *Tx) error {
		if _, err := settingsRegion(ctx, tx, a, regionID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO region_settings (region_id, fever_threshold, updated_at) VALUES ($1, $2, $3)
			ON CONFLICT (region_id) DO UPDATE SET fever_threshold = excluded.fever_threshold, updated_at = excluded.updated_at`,
			regionID, t, tx.now); err != nil {
			return err
		}
		return audit(ctx, tx, regionID, "set_fever_threshold", "org:"+strconv.FormatInt(regionID, 10),
			strconv.FormatFloat(t, 'f', 1, 64))
	})
}

// SetRetention sets how long a region keeps health records. A period
// shorter than the school year is refused.
func (s *Store) SetRetention(ctx context.Context, regionID int64, r campusguard.Retention) error {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return err
	}
	if err := r.Validate(); err != nil {
		return err
	}
	detail, _ := json.Marshal(r)
	return s.inTx(ctx, func(tx *Tx) error {
		if _, err := settingsRegion(ctx, tx, a, regionID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO region_settings (region_id, keep_checks_days, keep_followups_days,
			keep_cases_days, updated_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (region_id) DO UPDATE SET
			keep_checks_days = excluded.keep_checks_days, keep_followups_days = excluded.keep_followups_days,
			keep_cases_days = excluded.keep_cases_days, updated_at = excluded.updated_at`,
			regionID, r.Checks, r.FollowUps, r.Cases, tx.now); err != nil {
			return err
		}
		return audit(ctx, tx, regionID, "set_retention", "org:"+strconv.FormatInt(regionID, 10), string(detail))
	})
}

// schoolDeadlines reads the deadlines of a school under its region's.
func schoolDeadlines(ctx context.Context, q queryer, sch *campusguard.Org) (*campusguard.SchoolDeadlines, error) {
	p, err := regionPolicy(ctx, q, sch.RegionID)
	if err != nil {
		return nil, err
	}
	d := &campusguard.SchoolDeadlines{OrgID: sch.ID, Deadlines: p.Deadlines, Region: p.Deadlines}
	if sch.Kind != campusguard.KindSchool {
		return d, nil
	}
	var report, signOff sql.NullInt64
	err = q.QueryRowContext(ctx, `SELECT report_by_minutes, signoff_by_minutes FROM school_deadlines WHERE school_id = $1`,
		sch.ID).Scan(&report, &signOff)
	if err != nil && err != sql.ErrNoRows {
		return nil, fmt.Errorf("deadlines of school %d: %w", sch.ID, err)
	}
	if report.Valid {
		d.Deadlines.ReportBy, d.OwnReport = campusguard.Clock(report.Int64), true
	}
	if signOff.Valid {
		d.Deadlines.SignOffBy, d.OwnSignOff = campusguard.Clock(signOff.Int64), true
	}
	return d, nil
}

// SchoolDeadlines returns a school's deadlines (those of a grade's or a
// class's school for a grade or a class), or a top-level region's
// defaults. NotFound for a lower region or out of scope.
func (s *Store) SchoolDeadlines(ctx context.Context, orgID int64) (*campusguard.SchoolDeadlines, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	o, err := findOrgByID(ctx, s.read, orgID)
	if err != nil && !isNotFound(err) { // an outage is not "not found"
		return nil, err
	}
	if err != nil || !a.Can(campusguard.ReadOrg, o.Path) || (o.Kind == campusguard.KindRegion && o.ParentID != nil) {
		return nil, hidden(err, "school")
	}
	if o.Kind == campusguard.KindClass || o.Kind == campusguard.KindGrade {
		// The reader of a class may not read its school: found as the system.
		for _, id := range campusguard.PathIDs(o.Path) {
			if sch, err := findOrgByID(ctx, s.read, id); err == nil && sch.Kind == campusguard.KindSchool {
				d, err := schoolDeadlines(ctx, s.read, sch)
				if err == nil {
					d.OrgID = o.ID
				}
				return d, err
			}
		}
		return nil, notFound("school")
	}
	return schoolDeadlines(ctx, s.read, o)
}

// SetDeadlines sets a school's own deadlines (its admins or the region's;
// Clear* goes back to the region's) or a top-level region's defaults (its
// region admins). The deadlines that result must hold: reports between
// 05:00 and 12:00, the sign-off after them and by 23:00.
func (s *Store) SetDeadlines(ctx context.Context, orgID int64, u campusguard.DeadlinesUpdate) (*campusguard.SchoolDeadlines, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	var out *campusguard.SchoolDeadlines
	err = s.inTx(ctx, func(tx *Tx) error {
		o, err := findOrgByID(ctx, tx, orgID)
		if err != nil && !isNotFound(err) { // an outage is not "not found"
			return err
		}
		if err != nil || !a.Can(campusguard.ReadOrg, o.Path) || !(o.Kind == campusguard.KindSchool || o.ParentID == nil) {
			return hidden(err, "school")
		}
		if o.Kind == campusguard.KindSchool && !a.Can(campusguard.WriteOrg, o.Path) {
			return forbidden()
		}
		if o.Kind != campusguard.KindSchool {
			if _, err := settingsRegion(ctx, tx, a, o.ID); err != nil {
				return err
			}
		}
		cur, err := schoolDeadlines(ctx, tx, o)
		if err != nil {
			return err
		}
		next := *cur
		if u.ReportBy != nil {
			next.Deadlines.ReportBy, next.OwnReport = *u.ReportBy, true
		} else if u.ClearReport {
			next.Deadlines.ReportBy, next.OwnReport = cur.Region.ReportBy, false
		}
		if u.SignOffBy != nil {
			next.Deadlines.SignOffBy, next.OwnSignOff = *u.SignOffBy, true
		} else if u.ClearSignOff {
			next.Deadlines.SignOffBy, next.OwnSignOff = cur.Region.SignOffBy, false
		}
		if err := next.Deadlines.Validate(); err != nil {
			return err
		}
		own := func(set bool, c campusguard.Clock) any {
			if !set {
				return nil
			}
			return int(c)
		}
		if o.Kind == campusguard.KindSchool {
			_, err = tx.ExecContext(ctx, `INSERT INTO school_deadlines (region_id, school_id, report_by_minutes, signoff_by_minutes,
				updated_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (school_id) DO UPDATE SET
				report_by_minutes = excluded.report_by_minutes, signoff_by_minutes = excluded.signoff_by_minutes,
				updated_at = excluded.updated_at`, o.RegionID, o.ID, own(next.OwnReport, next.Deadlines.ReportBy),
				own(next.OwnSignOff, next.Deadlines.SignOffBy), tx.now)
		} else {
			next.Region = next.Deadlines
			_, err = tx.ExecContext(ctx, `INSERT INTO region_settings (region_id, report_by_minutes, signoff_by_minutes, updated_at)
				VALUES ($1, $2, $3, $4) ON CONFLICT (region_id) DO UPDATE SET report_by_minutes = excluded.report_by_minutes,
				signoff_by_minutes = excluded.signoff_by_minutes, updated_at = excluded.updated_at`,
				o.ID, int(next.Deadlines.ReportBy), int(next.Deadlines.SignOffBy), tx.now)
		}
		if err != nil {
			return err
		}
		out = &next
		return audit(ctx, tx, o.RegionID, "set_deadlines", "org:"+strconv.FormatInt(o.ID, 10),
			next.Deadlines.ReportBy.String()+" "+next.Deadlines.SignOffBy.String())
	})
	return out, err
}

// checkDuty checks a grant's duty: a region viewer needs one of the duties
// (it decides what the liaison reads); no other role has one.
func checkDuty(g campusguard.Grant) error {
	switch {
	case g.Role == campusguard.RegionViewer && !campusguard.ValidDuty(g.Duty):
		return campusguard.InvalidFields([]campusguard.FieldError{{Field: "duty", Msg: "error.duty_required"}})
	case g.Role != campusguard.RegionViewer && g.Duty != "":
		return campusguard.InvalidFields([]campusguard.FieldError{{Field: "duty", Msg: "error.duty_viewer_only"}})
	}
	return nil
}

// deadlineBook is every school's deadlines in a region: the region's, and
// the schools' own where set.
type deadlineBook struct {
	region campusguard.Deadlines
	own    map[int64]campusguard.Deadlines
}

// of returns a school's deadlines.
func (b deadlineBook) of(school int64) campusguard.Deadlines {
	if d, ok := b.own[school]; ok {
		return d
	}
	return b.region
}

// regionDeadlines reads the deadlines of a region's schools in two queries.
func regionDeadlines(ctx context.Context, q queryer, regionID int64) (deadlineBook, error) {
	p, err := regionPolicy(ctx, q, regionID)
	if err != nil {
		return deadlineBook{}, err
	}
	b := deadlineBook{region: p.Deadlines, own: map[int64]campusguard.Deadlines{}}
	rows, err := q.QueryContext(ctx, `SELECT school_id, report_by_minutes, signoff_by_minutes FROM school_deadlines
		WHERE region_id = $1`, regionID)
	if err != nil {
		return b, fmt.Errorf("school deadlines: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var report, signOff sql.NullInt64
		if err := rows.Scan(&id, &report, &signOff); err != nil {
			return b, err
		}
		d := p.Deadlines
		if report.Valid {
			d.ReportBy = campusguard.Clock(report.Int64)
		}
		if signOff.Valid {
			d.SignOffBy = campusguard.Clock(signOff.Int64)
		}
		b.own[id] = d
	}
	return b, rows.Err()
}
