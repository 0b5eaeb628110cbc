package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"campusguard"
	"campusguard/internal/ears"
)

// RuleConfig returns a region's settings of the rules and statistics: the
// national defaults unless the region set its own.
func (s *Store) RuleConfig(ctx context.Context, regionID int64) (campusguard.RuleConfig, error) {
	return ruleConfig(ctx, s.read, regionID)
}

func ruleConfig(ctx context.Context, q queryer, regionID int64) (campusguard.RuleConfig, error) {
	cfg := campusguard.DefaultRuleConfig()
	var raw, sens string
	err := q.QueryRowContext(ctx, `SELECT rules, alert_sensitivity FROM region_settings WHERE region_id = $1`, regionID).Scan(&raw, &sens)
	if err == nil && sens != "" {
		cfg.Sensitivity = campusguard.Sensitivity(sens) // set on its own, never by the rules' JSON
	}
	switch {
	case err == sql.ErrNoRows || err == nil && raw == "":
		return cfg, nil
	case err != nil:
		return cfg, fmt.Errorf("rule config: %w", err)
	}
	if err := json.Unmarshal([]byte(raw), &cfg); err != nil {
		return campusguard.DefaultRuleConfig(), fmt.Errorf("rule config of region %d: %w", regionID, err)
	}
	cfg.Sensitivity = campusguard.Sensitivity(sens)
	if sens == "" {
		cfg.Sensitivity = campusguard.SensitivityNormal
	}
	return cfg, nil
}

// SetRuleConfig stores a region's settings of the rules and statistics.
// Region admins of a top-level region only.
func (s *Store) SetRuleConfig(ctx context.Context, regionID int64, cfg campusguard.RuleConfig) error {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	cfg.Sensitivity = "" // set on its own: SetAlertSensitivity
	raw, _ := json.Marshal(cfg)
	return s.inTx(ctx, func(tx *Tx) error {
		o, err := findOrgByID(ctx, tx, regionID)
		if err != nil && !isNotFound(err) { // an outage is not "not found"
			return err
		}
		if err != nil || o.ParentID != nil || !a.Can(campusguard.ReadOrg, o.Path) {
			return notFound("region")
		}
		if !a.Can(campusguard.ManageUsers, o.Path) || !a.Can(campusguard.WriteOrg, o.Path) {
			return forbidden()
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO region_settings (region_id, rules, updated_at) VALUES ($1, $2, $3)
			ON CONFLICT (region_id) DO UPDATE SET rules = excluded.rules, updated_at = excluded.updated_at`,
			regionID, string(raw), tx.now); err != nil {
			return err
		}
		return audit(ctx, tx, regionID, "set_rules", "org:"+strconv.FormatInt(regionID, 10), string(raw))
	})
}

// schoolDays returns a region's school days up to day, oldest first: the
// days its calendar opens (weekdays but days off, and make-up weekend
// days) on which its root node has students expected.
func schoolDays(ctx context.Context, q queryer, regionID int64, from, day campusguard.Date) ([]campusguard.Date, error) {
	cal, err := calendar(ctx, q, regionID, from, day)
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT day FROM rollups WHERE org_id = $1 AND day >= $2 AND day <= $3 AND expected > 0
		ORDER BY day`, regionID, from, day)
	if err != nil {
		return nil, fmt.Errorf("school days: %w", err)
	}
	defer rows.Close()
	var out []campusguard.Date
	for rows.Next() {
		var d campusguard.Date
		if err := rows.Scan(&d); err != nil {
			return nil, err
		}
		if cal.SchoolDay(d) {
			out = append(out, d)
		}
	}
	return out, rows.Err()
}

// seriesDays is how many school days of counts the statistics read: the
// longest baseline, the guard days and C3's lookback, with room to spare.
const seriesDays = 60

// nodeSeries returns the daily fever and illness-absence counts of the
// region's schools and regions over days (zero where a node has no row).
func nodeSeries(ctx context.Context, q queryer, regionID int64, days []campusguard.Date, orgIDs []int64) (map[int64]map[campusguard.Series][]float64, error) {
	out := map[int64]map[campusguard.Series][]float64{}
	if len(days) == 0 {
		return out, nil
	}
	index := map[campusguard.Date]int{}
	for i, d := range days {
		index[d] = i
	}
	where := `o.kind IN ('school', 'region')`
	args := []any{regionID, days[0], days[len(days)-1]}
	if len(orgIDs) > 0 {
		in, ids := inList(4, orgIDs)
		where = `o.id IN (` + in + `)`
		args = append(args, ids...)
	}
	rows, err := q.QueryContext(ctx, `SELECT r.org_id, r.day, r.fever, r.ill_absent FROM rollups r JOIN orgs o ON o.id = r.org_id
		WHERE r.region_id = $1 AND r.day >= $2 AND r.day <= $3 AND `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("series: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var org int64
		var d campusguard.Date
		var fever, ill int
		if err := rows.Scan(&org, &d, &fever, &ill); err != nil {
			return nil, err
		}
		i, ok := index[d]
		if !ok {
			continue // a weekend row
		}
		if out[org] == nil {
			out[org] = map[campusguard.Series][]float64{campusguard.SeriesFever: make([]float64, len(days)),
				campusguard.SeriesIllAbsent: make([]float64, len(days))}
		}
		out[org][campusguard.SeriesFever][i] = float64(fever)
		out[org][campusguard.SeriesIllAbsent][i] = float64(ill)
	}
	return out, rows.Err()
}

// earsParams returns the region's method and parameters.
func earsParams(cfg campusguard.RuleConfig) (ears.Method, ears.Params) {
	m := ears.Method(cfg.Method)
	p := ears.Defaults(m)
	p.Baseline, p.MinSigma = cfg.Baseline, cfg.MinSigma
	if cfg.Alpha > 0 {
		p.Alpha = cfg.Alpha
	}
	p.Alpha = cfg.Sensitivity.Alpha(p.Alpha)
	return m, p
}

// RunDetection runs a top-level region's early warning for day now, as the
// hourly job would, on a region admin's request: NotFound for another node
// or outside the actor's scope, Forbidden for other roles, Invalid for a
// day after today in China. The run itself is the system's, named after
// the actor (by: "api", "web") in the alerts' history.
func (s *Store) RunDetection(ctx context.Context, regionID int64, day campusguard.Date, by string) (opened, updated int, err error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return 0, 0, err
	}
	o, err := s.FindOrgByID(ctx, regionID)
	if err != nil {
		return 0, 0, err
	}
	if o.Kind != campusguard.KindRegion || o.ParentID != nil {
		return 0, 0, notFound("region")
	}
	if !a.Can(campusguard.ManageUsers, o.Path) {
		return 0, 0, forbidden()
	}
	if campusguard.Today(s.Now()).Before(day) {
		return 0, 0, campusguard.InvalidFields([]campusguard.FieldError{{Field: "day", Msg: "error.future_date"}})
	}
	sys := campusguard.SystemContext(ctx, by+" detect by "+a.Name)
	return s.DetectAlerts(sys, o.ID, day)
}

// DetectAlerts evaluates a region's fixed rules and its statistics for day
// and opens an alert for each new signal, or updates the open alert of a
// signal that fired before: one alert per signal, however many days it
// lasts. Running it again for the same day changes nothing.
func (s *Store) DetectAlerts(ctx context.Context, regionID int64, day campusguard.Date) (opened, updated int, err error) {
	if a, err := campusguard.RequireActor(ctx); err != nil || !a.System {
		return 0, 0, forbidden()
	}
	// The rules and statistics read through a read connection and run
	// outside any transaction: on SQLite the write transaction holds the
	// only writer, and every check submission would wait behind them. Only
	// the alerts are written, in a short transaction; raising a signal is
	// idempotent, so a run that races another changes nothing twice.
	signals, err := s.detectSignals(ctx, s.read, regionID, day)
	if err != nil {
		return 0, 0, err
	}
	if detectComputed != nil {
		detectComputed()
	}
	err = s.inTx(ctx, func(tx *Tx) error {
		ids := make([]int64, len(signals))
		for i, sig := range signals {
			change, id, err := s.raise(ctx, tx, regionID, sig)
			if err != nil {
				return err
			}
			ids[i] = id
			switch change {
			case alertOpened:
				opened++
			case alertUpdated:
				updated++
			}
		}
		return groupAlerts(ctx, tx, signals, ids)
	})
	return opened, updated, err
}

// detectSignals evaluates a region's fixed rules and statistics for day,
// reading through q, and returns the signals that fire.
func (s *Store) detectSignals(ctx context.Context, q queryer, regionID int64, day campusguard.Date) ([]campusguard.Signal, error) {
	var signals []campusguard.Signal
	cfg, err := ruleConfig(ctx, q, regionID)
	if err != nil {
		return nil, err
	}
	days, err := schoolDays(ctx, q, regionID, day.AddDays(-seriesDays*7/5-14), day)
	if err != nil {
		return nil, err
	}
	// Fixed rules over the cases by onset.
	threshold, err := s.feverThreshold(ctx, q, regionID)
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT k.id, k.school_id, k.class_id, p.dorm_room_id, k.onset_day, k.symptoms,
		k.temperature, k.outcome FROM cases k JOIN people p ON p.id = k.person_id
		WHERE k.region_id = $1 AND k.onset_day >= $2 AND k.onset_day <= $3 AND `+notDrill("k"), regionID, day.AddDays(-14), day)
	if err != nil {
		return nil, fmt.Errorf("detect: %w", err)
	}
	var cases []campusguard.CaseOnset
	for rows.Next() {
		var c campusguard.CaseOnset
		var class, room sql.NullInt64
		var temp sql.NullFloat64
		var symptoms string
		if err := rows.Scan(&c.CaseID, &c.SchoolID, &class, &room, &c.Onset, &symptoms, &temp, &c.Outcome); err != nil {
			rows.Close()
			return nil, err
		}
		c.ClassID, c.RoomID = idPtr(class), idPtr(room)
		if temp.Valid {
			c.Temperature = &temp.Float64
		}
		c.Signs = campusguard.SignsOf(splitSymptoms(symptoms), c.Temperature, threshold)
		cases = append(cases, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	signals = append(signals, campusguard.ClusterRules(cases, day, cfg, days)...)
	signals = append(signals, campusguard.HighFeverRule(cases, day, cfg)...)
	// The schools' day.
	rows, err = q.QueryContext(ctx, `SELECT r.org_id, r.expected, r.fever, r.ill_absent FROM rollups r
		JOIN orgs o ON o.id = r.org_id WHERE r.region_id = $1 AND r.day = $2 AND o.kind = 'school' ORDER BY r.org_id`, regionID, day)
	if err != nil {
		return nil, fmt.Errorf("detect: %w", err)
	}
	for rows.Next() {
		r := campusguard.Rollup{Day: day}
		if err := rows.Scan(&r.OrgID, &r.Expected, &r.Fever, &r.IllAbsent); err != nil {
			rows.Close()
			return nil, err
		}
		if sig, ok := campusguard.AbsenceRateRule(r.OrgID, r, cfg); ok {
			signals = append(signals, sig)
		}
		if sig, ok := campusguard.EpidemicFeverRule(r.OrgID, r, cfg); ok {
			signals = append(signals, sig)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Statistics, on school days only.
	if len(days) > 0 && days[len(days)-1] == day {
		if len(days) > seriesDays {
			days = days[len(days)-seriesDays:]
		}
		series, err := nodeSeries(ctx, q, regionID, days, nil)
		if err != nil {
			return nil, err
		}
		m, p := earsParams(cfg)
		for _, org := range slices.Sorted(maps.Keys(series)) {
			for _, name := range []campusguard.Series{campusguard.SeriesFever, campusguard.SeriesIllAbsent} {
				rs, err := ears.Detect(m, series[org][name], p)
				if err != nil {
					continue // too few school days yet
				}
				if last := rs[len(rs)-1]; alarmDays(rs, cfg.Sensitivity.AlarmDays()) {
					signals = append(signals, campusguard.Signal{Rule: campusguard.RuleAberration, OrgID: org, Series: name,
						Method: string(m), Day: day, Count: last.Observed, Threshold: last.Upper})
				}
			}
		}
	}
	ili, err := iliSignals(ctx, q, regionID, day) // issue 11: a class reaching the suspension criteria
	if err != nil {
		return nil, err
	}
	return append(signals, ili...), nil
}

// detectComputed, when set (tests), runs after detection computed its
// signals and before it writes them.
var detectComputed func()

const alertColumns = `a.id, a.region_id, a.org_id, o.name, a.key, a.rule, a.room_id, a.symptom, a.series, a.method, a.state,
	a.first_day, a.last_day, a.days, a.count, a.threshold, a.case_ids, a.conclusion, a.opened_at, a.updated_at, a.severity,
	a.parent_id, o.path`

func scanAlert(sc interface{ Scan(...any) error }, extra ...any) (*campusguard.Alert, string, error) {
	var a campusguard.Alert
	var room, parent sql.NullInt64
	var ids, path string
	if err := sc.Scan(append([]any{&a.ID, &a.RegionID, &a.OrgID, &a.OrgName, &a.Key, &a.Rule, &room, &a.Symptom, &a.Series,
		&a.Method, &a.State, &a.FirstDay, &a.LastDay, &a.Days, &a.Count, &a.Threshold, &ids, &a.Conclusion, &a.OpenedAt,
		&a.UpdatedAt, &a.Severity, &parent, &path}, extra...)...); err != nil {
		return nil, "", err
	}
	a.RoomID, a.ParentID, a.OpenedAt, a.UpdatedAt = idPtr(room), idPtr(parent), a.OpenedAt.UTC(), a.UpdatedAt.UTC()
	a.Children = []campusguard.AlertChild{}
	a.CaseIDs = []int64{}
	for _, x := range strings.Split(ids, ",") {
		if id, err := strconv.ParseInt(x, 10, 64); err == nil {
			a.CaseIDs = append(a.CaseIDs, id)
		}
	}
	return &a, path, nil
}

func joinIDs(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(parts, ",")
}

// alertChange is what raising a signal did to its alert.
type alertChange int

const (
	alertUnchanged alertChange = iota // the open alert knew the signal already
	alertUpdated                      // the open alert took in a new day or count
	alertOpened                       // a new alert
)

// raise opens the alert of a signal, or folds the signal into its open
// alert, and says which, with the alert's id.
func (s *Store) raise(ctx context.Context, tx *Tx, region int64, sig campusguard.Signal) (alertChange, int64, error) {
	key := sig.Key()
	existing, path, err := scanAlert(tx.QueryRowContext(ctx, `SELECT `+alertColumns+` FROM alerts a JOIN orgs o ON o.id = a.org_id
		WHERE a.region_id = $1 AND a.key = $2 AND a.state <> 'closed'`, region, key))
	switch {
	case err == nil:
		before := *existing
		before.CaseIDs = slices.Clone(existing.CaseIDs)
		existing.Merge(sig)
		if existing.LastDay == before.LastDay && existing.Days == before.Days && existing.Count == before.Count &&
			existing.Threshold == before.Threshold && slices.Equal(existing.CaseIDs, before.CaseIDs) {
			return alertUnchanged, existing.ID, nil
		}
		_, err := tx.ExecContext(ctx, `UPDATE alerts SET last_day = $1, days = $2, count = $3, threshold = $4, case_ids = $5,
			updated_at = $6, severity = $7 WHERE id = $8`, existing.LastDay, existing.Days, existing.Count, existing.Threshold,
			joinIDs(existing.CaseIDs), tx.now, existing.Severity, existing.ID)
		if err == nil {
			err = raiseParent(ctx, tx, existing.ParentID, existing.Severity)
		}
		return alertUpdated, existing.ID, err
	case err != sql.ErrNoRows:
		return 0, 0, fmt.Errorf("raise: %w", err)
	}
	a := campusguard.AlertFromSignal(sig, region, tx.now)
	o, err := findOrgByID(ctx, tx, sig.OrgID)
	if err != nil {
		return 0, 0, err
	}
	a.OrgName, path = o.Name, o.Path
	if err := tx.QueryRowContext(ctx, `INSERT INTO alerts (region_id, org_id, key, rule, room_id, symptom, series, method, state,
		first_day, last_day, days, count, threshold, case_ids, opened_at, updated_at, severity)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) RETURNING id`,
		a.RegionID, a.OrgID, a.Key, a.Rule, nullID(a.RoomID), a.Symptom, a.Series, a.Method, a.State, a.FirstDay, a.LastDay,
		a.Days, a.Count, a.Threshold, joinIDs(a.CaseIDs), a.OpenedAt, a.UpdatedAt, a.Severity).Scan(&a.ID); err != nil {
		return 0, 0, fmt.Errorf("raise: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO alert_steps (region_id, alert_id, from_state, to_state, at, by_name, note)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, region, a.ID, "", a.State, tx.now, "system", ""); err != nil {
		return 0, 0, err
	}
	payload := map[string]any{"alert": map[string]any{"id": a.ID, "rule": a.Rule, "org_id": a.OrgID, "org_name": a.OrgName,
		"symptom": a.Symptom, "series": a.Series, "method": a.Method, "day": a.FirstDay, "count": a.Count,
		"threshold": a.Threshold, "case_ids": a.CaseIDs}}
	if err := emit(ctx, tx, region, path, campusguard.EventAlertRaised, payload); err != nil {
		return 0, 0, err
	}
	roles := caseRoles
	if o.Kind == campusguard.KindRegion {
		roles = regionRoles
	}
	return alertOpened, a.ID, notify(ctx, tx, region, path, roles, "alert_raised", "notify.alert_raised",
		[]string{a.OrgName, "alert.rule." + string(a.Rule)}, "/alerts/"+strconv.FormatInt(a.ID, 10))
}

// alertsScope is the SQL condition on alerts' orgs o the actor may read.
func alertsScope(a *campusguard.Actor, arg func(any) string) string {
	paths, all := a.Scopes(campusguard.ReadCases)
	if all {
		return ""
	}
	if len(paths) == 0 {
		return "1 = 0"
	}
	return pathRanges("o.path", paths, arg)
}

// FindAlerts lists the alerts in the actor's scope: open first, newest
// first.
func (s *Store) FindAlerts(ctx context.Context, f campusguard.AlertFilter) ([]*campusguard.Alert, int, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, 0, err
	}
	var sq conds
	if scope := alertsScope(a, sq.arg); scope != "" {
		sq.and(scope)
	}
	if f.OrgID != nil {
		o, err := s.FindOrgByID(ctx, *f.OrgID)
		if err != nil {
			return nil, 0, err
		}
		sq.and(pathRanges("o.path", []string{o.Path}, sq.arg))
	}
	if f.Rule != nil {
		sq.and("a.rule = " + sq.arg(string(*f.Rule)))
	}
	if f.State != nil {
		sq.and("a.state = " + sq.arg(string(*f.State)))
	}
	if f.Open {
		sq.and("a.state <> 'closed'")
	}
	if f.Severity != nil {
		sq.and("a.severity = " + sq.arg(string(*f.Severity)))
	}
	if f.HideBlips {
		sq.and("a.severity <> " + sq.arg(string(campusguard.SeverityLow)))
	}
	if f.Grouped {
		if err := groupedCond(ctx, s, a, f, &sq); err != nil {
			return nil, 0, err
		}
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	cond, condArgs := sq.where(), slices.Clone(sq.args)
	// The text first: its sq.arg calls add the arguments the call then passes.
	query := `SELECT ` + alertColumns + `, COUNT(*) OVER () FROM alerts a JOIN orgs o ON o.id = a.org_id
		WHERE ` + cond + ` ORDER BY CASE WHEN a.state = 'closed' THEN 1 ELSE 0 END, ` + severityOrder + `, a.last_day DESC, a.id DESC
		LIMIT ` + sq.arg(limit) + ` OFFSET ` + sq.arg(max(f.Offset, 0))
	rows, err := s.read.QueryContext(ctx, query, sq.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("find alerts: %w", err)
	}
	defer rows.Close()
	out := []*campusguard.Alert{}
	total := 0
	for rows.Next() {
		al, _, err := scanAlert(rows, &total)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, al)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	if len(out) == 0 && f.Offset > 0 { // a page past the end still tells how many there are
		err = s.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM alerts a JOIN orgs o ON o.id = a.org_id WHERE `+cond,
			condArgs...).Scan(&total)
	}
	if err == nil {
		err = fillChildren(ctx, s.read, a, out)
	}
	return out, total, err
}

func findAlertTx(ctx context.Context, q queryer, id int64) (*campusguard.Alert, string, error) {
	al, path, err := scanAlert(q.QueryRowContext(ctx, `SELECT `+alertColumns+` FROM alerts a JOIN orgs o ON o.id = a.org_id
		WHERE a.id = $1`, id))
	if err == sql.ErrNoRows {
		return nil, "", notFound("alert")
	}
	return al, path, err
}

// FindAlert returns an alert with its steps.
func (s *Store) FindAlert(ctx context.Context, id int64) (*campusguard.Alert, []campusguard.AlertStep, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, nil, err
	}
	al, path, err := findAlertTx(ctx, s.read, id)
	if err != nil && !isNotFound(err) { // an outage is not "not found"
		return nil, nil, err
	}
	if err != nil || !a.Can(campusguard.ReadCases, path) {
		return nil, nil, hidden(err, "alert")
	}
	if err := fillChildren(ctx, s.read, a, []*campusguard.Alert{al}); err != nil {
		return nil, nil, err
	}
	rows, err := s.read.QueryContext(ctx, `SELECT id, alert_id, from_state, to_state, at, by_name, note FROM alert_steps
		WHERE alert_id = $1 ORDER BY id`, id)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	steps := []campusguard.AlertStep{}
	for rows.Next() {
		var st campusguard.AlertStep
		if err := rows.Scan(&st.ID, &st.AlertID, &st.From, &st.To, &st.At, &st.By, &st.Note); err != nil {
			return nil, nil, err
		}
		st.At = st.At.UTC()
		steps = append(steps, st)
	}
	return al, steps, rows.Err()
}

// MoveAlert moves an alert along open → acknowledged → investigated →
// closed, recording who, when and the note (the conclusion when closing).
func (s *Store) MoveAlert(ctx context.Context, id int64, m campusguard.AlertMove) (*campusguard.Alert, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	var al *campusguard.Alert
	err = s.inTx(ctx, func(tx *Tx) error {
		var path string
		var err error
		al, path, err = findAlertTx(ctx, tx, id)
		if err != nil && !isNotFound(err) { // an outage is not "not found"
			return err
		}
		if err != nil || !a.Can(campusguard.ReadCases, path) {
			return hidden(err, "alert")
		}
		if !a.Can(campusguard.MoveCases, path) {
			return forbidden()
		}
		from := al.State
		step, err := al.Apply(m, campusguard.ActorName(ctx), tx.now)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE alerts SET state = $1, conclusion = $2, updated_at = $3 WHERE id = $4 AND state = $5`,
			al.State, al.Conclusion, al.UpdatedAt, al.ID, from)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return campusguard.Errorf(campusguard.Conflict, "error.conflict")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO alert_steps (region_id, alert_id, from_state, to_state, at, by_name, note)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, al.RegionID, al.ID, step.From, step.To, step.At, step.By, step.Note); err != nil {
			return err
		}
		return audit(ctx, tx, al.RegionID, "move_alert", "alert:"+strconv.FormatInt(al.ID, 10), string(from)+"->"+string(al.State))
	})
	if err != nil {
		return nil, err
	}
	return al, nil
}

// AlertSeries returns the daily count behind an alert (illness absences for
// the absence rule and that series' aberrations, fevers otherwise) of its
// node over the school days up to its last day, with the region's method's
// upper bound on each day it can evaluate.
func (s *Store) AlertSeries(ctx context.Context, id int64) ([]campusguard.SeriesPoint, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	al, path, err := findAlertTx(ctx, s.read, id)
	if err != nil && !isNotFound(err) { // an outage is not "not found"
		return nil, err
	}
	if err != nil || !a.Can(campusguard.ReadCases, path) {
		return nil, hidden(err, "alert")
	}
	cfg, err := ruleConfig(ctx, s.read, al.RegionID)
	if err != nil {
		return nil, err
	}
	days, err := schoolDays(ctx, s.read, al.RegionID, al.LastDay.AddDays(-seriesDays*7/5-14), al.LastDay)
	if err != nil {
		return nil, err
	}
	if len(days) > seriesDays {
		days = days[len(days)-seriesDays:]
	}
	out := []campusguard.SeriesPoint{}
	if len(days) == 0 {
		return out, nil
	}
	series, err := nodeSeries(ctx, s.read, al.RegionID, days, []int64{al.OrgID})
	if err != nil {
		return nil, err
	}
	name := campusguard.SeriesFever
	if al.Series == campusguard.SeriesIllAbsent {
		name = campusguard.SeriesIllAbsent
	}
	y := series[al.OrgID][name]
	if y == nil {
		y = make([]float64, len(days))
	}
	m, p := earsParams(cfg)
	if al.Method != "" {
		m = ears.Method(al.Method)
	}
	upper := make([]float64, len(days))
	alarm := make([]bool, len(days))
	for i := range upper {
		upper[i] = math.NaN()
	}
	if rs, err := ears.Detect(m, y, p); err == nil {
		for _, r := range rs {
			upper[r.Index], alarm[r.Index] = r.Upper, r.Alarm == ears.Yes
		}
	}
	for i, d := range days {
		pt := campusguard.SeriesPoint{Day: d, Count: y[i], Alarm: alarm[i]}
		if !math.IsNaN(upper[i]) {
			u := upper[i]
			pt.Upper = &u
		}
		out = append(out, pt)
	}
	return out, nil
}

// TermDays returns a region's school days in [from, to], oldest first.
func (s *Store) TermDays(ctx context.Context, regionID int64, from, to campusguard.Date) ([]campusguard.Date, error) {
	if _, err := campusguard.RequireActor(ctx); err != nil {
		return nil, err
	}
	return schoolDays(ctx, s.read, regionID, from, to)
}
