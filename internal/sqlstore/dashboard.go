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

// Dashboard draws a node's day from the roll-ups and the open cases and
// alerts, never from raw checks: the node's figures of the last 30 days
// (one query), every school under it with its figures, sign-off and town
// (one query), and, for readers of cases, open and overdue cases and open
// alerts per school (two queries).
func (s *Store) Dashboard(ctx context.Context, orgID int64, day campusguard.Date) (*campusguard.Dashboard, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	o, err := s.FindOrgByID(ctx, orgID)
	if err != nil {
		return nil, err
	}
	now := s.Now().UTC()
	d := &campusguard.Dashboard{OrgID: o.ID, OrgName: o.Name, Kind: o.Kind, Day: day, Trend: []campusguard.Rollup{},
		Schools: []*campusguard.SchoolStatus{}}
	trend, err := s.Rollups(ctx, o.ID, day.AddDays(-29), day)
	if err != nil {
		return nil, err
	}
	exceptions, err := calendarDays(ctx, s.read, o.RegionID, day.AddDays(-29), day)
	if err != nil {
		return nil, err
	}
	cal := campusguard.CalendarOf(exceptions)
	d.SchoolDay = cal.SchoolDay(day)
	if n := len(exceptions); n > 0 && exceptions[n-1].Day == day {
		d.DayNote = exceptions[n-1].Name
	}
	for _, r := range trend {
		if r.Day == day {
			d.Today = r
		} else if r.Expected > 0 && cal.SchoolDay(r.Day) {
			d.Yesterday = r // the latest school day before
		}
		if r.Expected > 0 && cal.SchoolDay(r.Day) || r.Day == day {
			d.Trend = append(d.Trend, r)
		}
	}
	d.Today.OrgID, d.Today.Day = o.ID, day
	if d.Yesterday.Day.IsZero() {
		// No school day before with anyone expected: zeros, as the
		// document promises, of the school day before (a date, never "").
		d.Yesterday.OrgID, d.Yesterday.Day = o.ID, day.AddDays(-1)
		for p := day.AddDays(-1); !p.Before(day.AddDays(-29)); p = p.AddDays(-1) {
			if cal.SchoolDay(p) {
				d.Yesterday.Day = p
				break
			}
		}
	}
	lo, hi := subtree(o.Path)
	rows, err := hotReads{s}.QueryContext(ctx, `SELECT s.id, s.name, COALESCE(s.code, ''), s.school_type, COALESCE(t.id, 0),
		COALESCE(t.name, ''), COALESCE(r.expected, 0), COALESCE(r.reported, 0), COALESCE(r.abnormal, 0), COALESCE(r.fever, 0),
		COALESCE(r.absent, 0), COALESCE(r.ill_absent, 0), COALESCE(r.open_followups, 0), f.signed_at
		FROM orgs s LEFT JOIN orgs t ON t.id = s.parent_id AND t.kind = 'region'
		LEFT JOIN rollups r ON r.org_id = s.id AND r.day = $1 LEFT JOIN signoffs f ON f.school_id = s.id AND f.day = $1
		WHERE s.kind = 'school' AND s.path >= $2 AND s.path < $3 ORDER BY COALESCE(s.code, ''), s.name`, day, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("dashboard: %w", err)
	}
	byID := map[int64]*campusguard.SchoolStatus{}
	for rows.Next() {
		st := &campusguard.SchoolStatus{}
		r := &st.Rollup
		var signed sql.NullTime
		if err := rows.Scan(&st.SchoolID, &st.Name, &st.Code, &st.Type, &st.TownID, &st.Town, &r.Expected, &r.Reported,
			&r.Abnormal, &r.Fever, &r.Absent, &r.IllAbsent, &r.OpenFollowUps, &signed); err != nil {
			rows.Close()
			return nil, err
		}
		r.OrgID, r.Day, r.Missing, st.Signed = st.SchoolID, day, max(r.Expected-r.Reported, 0), signed.Valid
		if !st.Signed {
			d.Unsigned++
		}
		d.Schools = append(d.Schools, st)
		byID[st.SchoolID] = st
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if d.Cases = a.Can(campusguard.ReadCases, o.Path); d.Cases {
		d.CasesByState = map[campusguard.CaseState]int{}
		rows, err := hotReads{s}.QueryContext(ctx, `SELECT k.school_id, k.state, COUNT(*),
			SUM(CASE WHEN k.state = 'detected' AND k.report_due < $1 THEN 1 ELSE 0 END)
			FROM cases k JOIN orgs s ON s.id = k.school_id WHERE k.state <> 'closed' AND `+notDrill("k")+` AND s.path >= $2 AND s.path < $3
			GROUP BY k.school_id, k.state`, now, lo, hi)
		if err != nil {
			return nil, fmt.Errorf("dashboard cases: %w", err)
		}
		for rows.Next() {
			var school int64
			var state campusguard.CaseState
			var n, overdue int
			if err := rows.Scan(&school, &state, &n, &overdue); err != nil {
				rows.Close()
				return nil, err
			}
			d.CasesByState[state] += n
			d.OpenCases += n
			d.OverdueCases += overdue
			if st := byID[school]; st != nil {
				st.OpenCases += n
				st.OverdueCases += overdue
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		// Open alerts, on the school they are under (a class's on its school).
		rows, err = hotReads{s}.QueryContext(ctx, `SELECT o.path FROM alerts a JOIN orgs o ON o.id = a.org_id
			WHERE a.state <> 'closed' AND o.path >= $1 AND o.path < $2`, lo, hi)
		if err != nil {
			return nil, fmt.Errorf("dashboard alerts: %w", err)
		}
		for rows.Next() {
			var path string
			if err := rows.Scan(&path); err != nil {
				rows.Close()
				return nil, err
			}
			d.OpenAlerts++
			for _, id := range campusguard.PathIDs(path) {
				if st := byID[id]; st != nil {
					st.OpenAlerts++
				}
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	if err := addLowStock(ctx, s.read, o.RegionID, byID); err != nil {
		return nil, err
	}
	if err := addRectItems(ctx, s.read, a, o, campusguard.Today(now), byID); err != nil {
		return nil, err
	}
	if err := addDirectives(ctx, s.read, o.RegionID, day, byID); err != nil {
		return nil, err
	}
	if err := addEnvRates(ctx, s.read, a, o, day, byID); err != nil {
		return nil, err
	}
	// Each school is late by its own report deadline (its region's unless
	// it set one).
	book, err := regionDeadlines(ctx, s.read, o.RegionID)
	if err != nil {
		return nil, err
	}
	for _, st := range d.Schools {
		st.Light = campusguard.LightOf(st, book.of(st.SchoolID).ReportsLate(day, now))
	}
	return d, nil
}

// regionForBriefing checks that id is a top-level region the actor may
// read, and whether it may write its briefings.
func (s *Store) regionForBriefing(ctx context.Context, a *campusguard.Actor, id int64) (*campusguard.Org, bool, error) {
	o, err := findOrgByID(ctx, s.read, id)
	if err != nil && !isNotFound(err) { // an outage is not "not found"
		return nil, false, err
	}
	if err != nil || o.ParentID != nil || !a.Can(campusguard.ReadOrg, o.Path) {
		return nil, false, notFound("region")
	}
	return o, a.System || a.Can(campusguard.ManageUsers, o.Path), nil
}

// GenerateBriefing builds a region's daily briefing from its dashboard,
// alerts and cases, and stores it for day, replacing an earlier one.
func (s *Store) GenerateBriefing(ctx context.Context, regionID int64, day campusguard.Date) (*campusguard.Briefing, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	o, canWrite, err := s.regionForBriefing(ctx, a, regionID)
	if err != nil {
		return nil, err
	}
	if !canWrite {
		return nil, forbidden()
	}
	// The briefing is read by the whole bureau: build it as the system, so
	// it holds every case and alert of the region.
	sys := campusguard.SystemContext(ctx, "briefing")
	d, err := s.Dashboard(sys, regionID, day)
	if err != nil {
		return nil, err
	}
	b := &campusguard.Briefing{RegionID: regionID, RegionName: o.Name, Day: day, GeneratedAt: s.Now().UTC().Truncate(time.Second),
		Today: d.Today, Yesterday: d.Yesterday, CasesByState: d.CasesByState, NewAlerts: []*campusguard.Alert{},
		Unsigned: []string{}, Incomplete: []*campusguard.SchoolStatus{}}
	alerts, _, err := s.FindAlerts(sys, campusguard.AlertFilter{OrgID: &regionID, Open: true, Limit: 500})
	if err != nil {
		return nil, err
	}
	b.OpenAlerts = alerts
	for _, al := range alerts {
		if al.FirstDay == day {
			b.NewAlerts = append(b.NewAlerts, al)
		}
	}
	b.Overdue, _, err = s.FindCases(sys, campusguard.CaseFilter{OrgID: &regionID, Overdue: true, Limit: 500})
	if err != nil {
		return nil, err
	}
	for _, st := range d.Schools {
		if !st.Signed && st.Rollup.Expected > 0 {
			b.Unsigned = append(b.Unsigned, st.Name)
		}
		if st.Rollup.Expected > 0 && st.Rollup.Reported < st.Rollup.Expected {
			b.Incomplete = append(b.Incomplete, st)
		}
	}
	slices.SortStableFunc(b.Incomplete, func(x, y *campusguard.SchoolStatus) int {
		return y.Rollup.Missing - x.Rollup.Missing
	})
	if len(b.Incomplete) > 20 {
		b.Incomplete = b.Incomplete[:20]
	}
	if err := briefSupplies(ctx, s.read, o, day, d, b); err != nil {
		return nil, err
	}
	if b.Reopening, err = s.briefReopening(sys, o, day); err != nil {
		return nil, err
	}
	if err := s.briefInspections(sys, o, day, b); err != nil {
		return nil, err
	}
	if b.Directives, err = briefDirectives(ctx, s.read, o.RegionID); err != nil {
		return nil, err
	}
	if b.Environment, err = briefEnvironment(ctx, s.read, o, day); err != nil {
		return nil, err
	}
	body, err := json.Marshal(b)
	if err != nil {
		return nil, err
	}
	err = s.inTx(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO briefings (region_id, day, generated_at, generated_by, body)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (region_id, day) DO UPDATE SET generated_at = excluded.generated_at,
			generated_by = excluded.generated_by, body = excluded.body`, regionID, day, b.GeneratedAt,
			campusguard.ActorName(ctx), string(body)); err != nil {
			return err
		}
		return audit(ctx, tx, regionID, "generate_briefing", "org:"+strconv.FormatInt(regionID, 10), day.String())
	})
	if err != nil {
		return nil, err
	}
	return b, nil
}

// FindBriefing returns a region's stored briefing of day.
func (s *Store) FindBriefing(ctx context.Context, regionID int64, day campusguard.Date) (*campusguard.Briefing, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	o, _, err := s.regionForBriefing(ctx, a, regionID)
	if err != nil {
		return nil, err
	}
	var body string
	err = s.read.QueryRowContext(ctx, `SELECT body FROM briefings WHERE region_id = $1 AND day = $2`, regionID, day).Scan(&body)
	if err == sql.ErrNoRows {
		return nil, notFound("briefing")
	}
	if err != nil {
		return nil, err
	}
	var b campusguard.Briefing
	if err := json.NewDecoder(strings.NewReader(body)).Decode(&b); err != nil {
		return nil, fmt.Errorf("briefing %d %s: %w", regionID, day, err)
	}
	if !a.Can(campusguard.ReadCases, o.Path) {
		// Readers without access to cases see the figures only.
		b.NewAlerts, b.OpenAlerts, b.Overdue, b.CasesByState = nil, nil, nil, nil
	}
	if !a.Can(campusguard.ReadRectifying, o.Path) {
		b.OverdueItems = nil
	}
	if !a.Can(campusguard.ReadInspections, o.Path) {
		b.Inspections = nil
	}
	if !a.Can(campusguard.ReadEnvironment, o.Path) {
		b.Environment = nil
	}
	return &b, nil
}

// BriefingDays lists the days a region has briefings for, newest first.
func (s *Store) BriefingDays(ctx context.Context, regionID int64) ([]campusguard.Date, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	if _, _, err := s.regionForBriefing(ctx, a, regionID); err != nil {
		return nil, err
	}
	rows, err := s.read.QueryContext(ctx, `SELECT day FROM briefings WHERE region_id = $1 ORDER BY day DESC LIMIT 400`, regionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []campusguard.Date{}
	for rows.Next() {
		var d campusguard.Date
		if err := rows.Scan(&d); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}
