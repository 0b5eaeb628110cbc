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

const caseColumns = `k.id, k.region_id, k.person_id, p.name, k.school_id, k.class_id, k.state, k.source, k.check_id,
	k.onset_day, k.symptoms, k.temperature, k.detected_at, k.report_due, k.reported_at, k.isolated_at, k.isolation,
	k.outcome, k.certificate, k.cleared_by, k.closed_at, k.escalated, k.note, k.updated_at, k.drill_id, COALESCE(c.path, s.path)`

const caseFrom = ` FROM cases k JOIN people p ON p.id = k.person_id JOIN orgs s ON s.id = k.school_id
	LEFT JOIN orgs c ON c.id = k.class_id`

// scanCase reads a case and the path of its person's class (or school).
func scanCase(sc interface{ Scan(...any) error }, now time.Time, extra ...any) (*campusguard.Case, string, error) {
	var k campusguard.Case
	var class, check, drill sql.NullInt64
	var temp sql.NullFloat64
	var reported, isolated, closed sql.NullTime
	var symptoms, path string
	dst := []any{&k.ID, &k.RegionID, &k.PersonID, &k.PersonName, &k.SchoolID, &class, &k.State, &k.Source, &check,
		&k.OnsetDay, &symptoms, &temp, &k.DetectedAt, &k.ReportDue, &reported, &isolated, &k.Isolation, &k.Outcome,
		&k.Certificate, &k.ClearedBy, &closed, &k.Escalated, &k.Note, &k.UpdatedAt, &drill, &path}
	if err := sc.Scan(append(dst, extra...)...); err != nil {
		return nil, "", err
	}
	k.ClassID, k.CheckID, k.DrillID = idPtr(class), idPtr(check), idPtr(drill)
	if temp.Valid {
		k.Temperature = &temp.Float64
	}
	for _, t := range []struct {
		src sql.NullTime
		dst **time.Time
	}{{reported, &k.ReportedAt}, {isolated, &k.IsolatedAt}, {closed, &k.ClosedAt}} {
		if t.src.Valid {
			v := t.src.Time.UTC()
			*t.dst = &v
		}
	}
	k.DetectedAt, k.ReportDue, k.UpdatedAt = k.DetectedAt.UTC(), k.ReportDue.UTC(), k.UpdatedAt.UTC()
	k.Symptoms = splitSymptoms(symptoms)
	k.Overdue = k.IsOverdue(now)
	return &k, path, nil
}

func splitSymptoms(s string) []campusguard.Symptom {
	out := []campusguard.Symptom{}
	for _, x := range strings.Split(s, ",") {
		if x != "" {
			out = append(out, campusguard.Symptom(x))
		}
	}
	return out
}

// canReadCase: staff with ReadCases in scope, a guardian of the person, or
// the person themself.
func canReadCase(a *campusguard.Actor, personID int64, path string) bool {
	return a.Can(campusguard.ReadCases, path) || slices.Contains(a.GuardianOf, personID) ||
		(a.PersonID != nil && *a.PersonID == personID)
}

// reportWithin returns the region's time limit for reporting a case.
func reportWithin(ctx context.Context, q queryer, region int64) (time.Duration, error) {
	var minutes int
	err := q.QueryRowContext(ctx, `SELECT report_within_minutes FROM region_settings WHERE region_id = $1`, region).Scan(&minutes)
	switch {
	case err == sql.ErrNoRows:
		return campusguard.DefaultReportWithin, nil
	case err != nil:
		return 0, fmt.Errorf("region settings: %w", err)
	}
	return time.Duration(minutes) * time.Minute, nil
}

// SetReportWithin sets a region's time limit for reporting a case: whole
// minutes from 10 to 1440. Region admins of the region only.
func (s *Store) SetReportWithin(ctx context.Context, regionID int64, within time.Duration) error {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return err
	}
	if within < 10*time.Minute || within > 24*time.Hour {
		return campusguard.InvalidFields([]campusguard.FieldError{{Field: "report_within_minutes", Msg: "error.range",
			Args: []any{10, 1440}}})
	}
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
		if _, err := tx.ExecContext(ctx, `INSERT INTO region_settings (region_id, report_within_minutes, updated_at)
			VALUES ($1, $2, $3) ON CONFLICT (region_id) DO UPDATE SET report_within_minutes = excluded.report_within_minutes,
			updated_at = excluded.updated_at`, regionID, int(within/time.Minute), tx.now); err != nil {
			return err
		}
		return audit(ctx, tx, regionID, "set_report_within", "org:"+strconv.FormatInt(regionID, 10), within.String())
	})
}

// ReportWithin returns a region's time limit for reporting a case.
func (s *Store) ReportWithin(ctx context.Context, regionID int64) (time.Duration, error) {
	return reportWithin(ctx, s.read, regionID)
}

// casesFromChecks opens a case for each person with a new abnormal check
// and no open case, and attaches the check to the open case otherwise: in
// the transaction that stores the checks.
func (s *Store) casesFromChecks(ctx context.Context, tx *Tx, added []*campusguard.Check, people map[int64]located) error {
	var abnormal []*campusguard.Check
	var ids []int64
	for _, c := range added {
		if c.Abnormal && c.Current {
			abnormal = append(abnormal, c)
			ids = append(ids, c.PersonID)
		}
	}
	if len(abnormal) == 0 {
		return nil
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	open := map[int64]*campusguard.Case{}
	err := chunks(ids, func(part []int64) error {
		in, args := inList(1, part)
		rows, err := tx.QueryContext(ctx, `SELECT `+caseColumns+caseFrom+` WHERE k.state <> 'closed' AND `+notDrill("k")+`
			AND k.person_id IN (`+in+`)`, args...)
		if err != nil {
			return fmt.Errorf("open cases: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			k, _, err := scanCase(rows, tx.now)
			if err != nil {
				return err
			}
			open[k.PersonID] = k
		}
		return rows.Err()
	})
	if err != nil {
		return err
	}
	within := map[int64]time.Duration{}
	for _, ch := range abnormal {
		if k := open[ch.PersonID]; k != nil {
			k.Attach(ch)
			if err := exec(ctx, tx, caseAttach(k, tx.now)); err != nil {
				return fmt.Errorf("attach check: %w", err)
			}
			if err := linkCaseCheck(ctx, tx, k, ch.ID); err != nil {
				return err
			}
			continue
		}
		w, ok := within[ch.RegionID]
		if !ok {
			if w, err = reportWithin(ctx, tx, ch.RegionID); err != nil {
				return err
			}
			within[ch.RegionID] = w
		}
		l := people[ch.PersonID]
		k := campusguard.CaseFromCheck(ch, l.p.Name, w)
		k.Note = "auto"
		if err := s.insertCase(ctx, tx, k, l.path, ch.ReportedBy); err != nil {
			return err
		}
		if err := linkCaseCheck(ctx, tx, k, ch.ID); err != nil {
			return err
		}
		open[k.PersonID] = k
	}
	return nil
}

func linkCaseCheck(ctx context.Context, tx *Tx, k *campusguard.Case, checkID int64) error {
	return exec(ctx, tx, caseLink(k, checkID))
}

// exec runs one statement in tx.
func exec(ctx context.Context, tx *Tx, st statement) error {
	_, err := tx.ExecContext(ctx, st.sql, st.args...)
	return err
}

// The writes of a case opened or joined by a check, shared by
// casesFromChecks (run one by one) and caseWrites (sent in a pipeline,
// pipeline_cases.go), so that the two write the same rows.

// caseAttach stores what a check attached to k changed (k.Attach).
func caseAttach(k *campusguard.Case, now time.Time) statement {
	return statement{`UPDATE cases SET symptoms = $1, temperature = $2, updated_at = $3 WHERE id = $4`,
		[]any{joinSymptoms(k.Symptoms), nullFloat(k.Temperature), now, k.ID}}
}

// caseLink links a check to its case, once.
func caseLink(k *campusguard.Case, checkID int64) statement {
	return statement{`INSERT INTO case_checks (region_id, case_id, check_id) VALUES ($1, $2, $3)
		ON CONFLICT (case_id, check_id) DO NOTHING`, []any{k.RegionID, k.ID, checkID}}
}

const (
	caseRowColumns  = `region_id, person_id, school_id, class_id, state, source, check_id, onset_day, symptoms, temperature, detected_at, report_due, note, updated_at, drill_id`
	stepRowColumns  = `region_id, case_id, from_state, to_state, at, by_name, note, isolation, outcome, certificate`
	eventRowColumns = `region_id, kind, payload, created_at`
)

var (
	deliveryColumns     = []string{"region_id", "webhook_id", "event_id", "next_at", "created_at"}
	notificationColumns = []string{"region_id", "user_id", "kind", "subject", "args", "link", "created_at"}
)

// caseRow is a new case's row, in caseRowColumns' order, without its id.
func caseRow(k *campusguard.Case) []any {
	return []any{k.RegionID, k.PersonID, k.SchoolID, nullID(k.ClassID), k.State, k.Source, nullID(k.CheckID), k.OnsetDay,
		joinSymptoms(k.Symptoms), nullFloat(k.Temperature), k.DetectedAt, k.ReportDue, k.Note, k.UpdatedAt, nullID(k.DrillID)}
}

// stepRow is a case step's row, in stepRowColumns' order, without its id.
func stepRow(region int64, st *campusguard.CaseStep) []any {
	return []any{region, st.CaseID, st.From, st.To, st.At, st.By, st.Note, st.Isolation, st.Outcome, st.Certificate}
}

// insertRow is the INSERT of one row of table with cols (a comma list):
// with its id given first (ids reserved ahead, as a pipeline does) or,
// without, returning the id the table gives it.
func insertRow(table, cols string, withID bool) string {
	n := strings.Count(cols, ",") + 1
	if withID {
		cols, n = "id, "+cols, n+1
	}
	var b strings.Builder
	b.WriteString("INSERT INTO " + table + " (" + cols + ") VALUES (")
	for i := 1; i <= n; i++ {
		if i > 1 {
			b.WriteString(", ")
		}
		b.WriteString("$" + strconv.Itoa(i))
	}
	b.WriteString(")")
	if !withID {
		b.WriteString(" RETURNING id")
	}
	return b.String()
}

func nullFloat(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

// insertCase stores a new case, its opening step, the event for webhooks
// and the notifications of the people responsible. A drill's case (issue
// 14) carries its drill, queues no webhook event and tells the inbox it is
// a drill.
func (s *Store) insertCase(ctx context.Context, tx *Tx, k *campusguard.Case, path, by string) error {
	err := tx.QueryRowContext(ctx, insertRow("cases", caseRowColumns, false), caseRow(k)...).Scan(&k.ID)
	if err != nil {
		if campusguard.ErrorCode(mapError(err)) == campusguard.Conflict {
			return caseOpenConflict()
		}
		return fmt.Errorf("insert case: %w", err)
	}
	step := campusguard.CaseStep{CaseID: k.ID, To: campusguard.CaseDetected, At: k.DetectedAt, By: by, Note: k.Note}
	if err := insertStep(ctx, tx, k.RegionID, &step); err != nil {
		return err
	}
	if k.DrillID != nil {
		return notify(ctx, tx, k.RegionID, path, caseRoles, "case_opened", "drill.notify_case_opened",
			[]string{k.PersonName}, "/cases/"+strconv.FormatInt(k.ID, 10))
	}
	if err := emit(ctx, tx, k.RegionID, path, campusguard.EventCaseOpened, casePayload(k)); err != nil {
		return err
	}
	return notify(ctx, tx, k.RegionID, path, caseRoles, "case_opened", "notify.case_opened",
		[]string{k.PersonName}, "/cases/"+strconv.FormatInt(k.ID, 10))
}

func caseOpenConflict() error {
	return &campusguard.Error{Code: campusguard.Conflict, Message: "error.case_open",
		Fields: []campusguard.FieldError{{Field: "person_id", Msg: "error.case_open"}}}
}

func insertStep(ctx context.Context, tx *Tx, region int64, st *campusguard.CaseStep) error {
	return tx.QueryRowContext(ctx, insertRow("case_steps", stepRowColumns, false), stepRow(region, st)...).Scan(&st.ID)
}

// caseRoles are notified of a case's life: the class teacher, the school's
// health officer and principal, the education bureau.
var caseRoles = []campusguard.AccessRole{campusguard.ClassTeacher, campusguard.HealthOffice, campusguard.SchoolAdmin,
	campusguard.RegionAdmin}

// regionRoles are notified of an overdue case: the education bureau and
// the health bureau's viewers.
var regionRoles = []campusguard.AccessRole{campusguard.RegionAdmin, campusguard.RegionViewer}

// notify puts a message in the inbox of every active user holding one of
// roles on a node of path (the case's class and everything above it).
func notify(ctx context.Context, tx *Tx, region int64, path string, roles []campusguard.AccessRole, kind, subject string,
	args []string, link string) error {
	return notifyNodes(ctx, tx, region, campusguard.PathIDs(path), roles, kind, subject, args, link)
}

// notifyNodes puts a message in the inbox of every active user holding one
// of roles on one of the nodes (each user once).
func notifyNodes(ctx context.Context, tx *Tx, region int64, nodes []int64, roles []campusguard.AccessRole, kind, subject string,
	args []string, link string) error {
	if len(nodes) == 0 {
		return nil
	}
	in, ids := inList(3, nodes)
	rs := make([]string, len(roles))
	for i, r := range roles {
		rs[i] = "'" + string(r) + "'" // constants of the domain, not input
	}
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT g.user_id FROM grants g JOIN users u ON u.id = g.user_id
		WHERE g.region_id = $1 AND u.disabled = $2 AND g.org_id IN (`+in+`) AND g.role IN (`+strings.Join(rs, ", ")+`)
		ORDER BY g.user_id`, append([]any{region, false}, ids...)...)
	if err != nil {
		return fmt.Errorf("notify: %w", err)
	}
	var users []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		users = append(users, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	argsJSON, _ := json.Marshal(args)
	return insertMany(ctx, tx, "notifications", notificationColumns,
		len(users), func(i int) []any {
			return []any{region, users[i], kind, subject, string(argsJSON), link, tx.now}
		}, "")
}

// casePayload is what a webhook receives about a case: enough for the
// health bureau to act, without the ID number.
func casePayload(k *campusguard.Case) map[string]any {
	return map[string]any{"case": map[string]any{
		"id": k.ID, "state": k.State, "source": k.Source, "person_id": k.PersonID, "person_name": k.PersonName,
		"school_id": k.SchoolID, "class_id": k.ClassID, "onset_day": k.OnsetDay, "symptoms": k.Symptoms,
		"temperature": k.Temperature, "detected_at": k.DetectedAt, "report_due": k.ReportDue, "reported_at": k.ReportedAt,
		"isolation": k.Isolation, "outcome": k.Outcome, "escalated": k.Escalated,
	}}
}

// emit writes an event to the outbox with a delivery for every active
// webhook of the region that covers path and takes the event, in the
// caller's transaction: the event exists if and only if what it reports
// was committed, and survives any crash until delivered.
func emit(ctx context.Context, tx *Tx, region int64, path, kind string, payload map[string]any) error {
	rows, err := tx.QueryContext(ctx, `SELECT w.id, o.path, w.events FROM webhooks w JOIN orgs o ON o.id = w.org_id
		WHERE w.region_id = $1 AND w.active = $2`, region, true)
	if err != nil {
		return fmt.Errorf("emit: %w", err)
	}
	var hooks []int64
	for rows.Next() {
		var id int64
		var hookPath, events string
		if err := rows.Scan(&id, &hookPath, &events); err != nil {
			rows.Close()
			return err
		}
		if hookTakes(hookPath, events, path, kind) {
			hooks = append(hooks, id)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if len(hooks) == 0 {
		return nil // nobody listens: no event to keep
	}
	var id int64
	data, err := eventBody(kind, tx.now, payload)
	if err != nil {
		return err
	}
	if err := tx.QueryRowContext(ctx, insertRow("events", eventRowColumns, false), region, kind, string(data), tx.now).Scan(&id); err != nil {
		return fmt.Errorf("emit: %w", err)
	}
	return insertMany(ctx, tx, "deliveries", deliveryColumns,
		len(hooks), func(i int) []any { return []any{region, hooks[i], id, tx.now, tx.now} }, "")
}

// hookTakes reports whether a webhook on hookPath taking events (a comma
// list) takes an event of kind about something at path.
func hookTakes(hookPath, events, path, kind string) bool {
	return strings.HasPrefix(path, hookPath) && slices.Contains(strings.Split(events, ","), kind)
}

// eventBody is what the outbox keeps of an event: its kind, its time and
// its payload.
func eventBody(kind string, at time.Time, payload map[string]any) ([]byte, error) {
	body := map[string]any{"event": kind, "at": at}
	for k, v := range payload {
		body[k] = v
	}
	return json.Marshal(body)
}

// OpenCase opens a case by hand.
func (s *Store) OpenCase(ctx context.Context, n campusguard.NewCase) (*campusguard.Case, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	now := s.Now().UTC()
	if err := n.Validate(campusguard.Today(now)); err != nil {
		return nil, err
	}
	var k *campusguard.Case
	err = s.inTx(ctx, func(tx *Tx) error {
		p, path, err := personAndPath(ctx, tx, n.PersonID)
		if err != nil && !isNotFound(err) { // an outage is not "not found"
			return err
		}
		if err != nil || !canReadCase(a, n.PersonID, path) && !a.CanPerson(campusguard.ListPeople, n.PersonID, path) {
			return &campusguard.Error{Code: campusguard.NotFound, Message: "error.not_found",
				Fields: []campusguard.FieldError{{Field: "person_id", Msg: "error.not_found"}}}
		}
		if !a.Can(campusguard.OpenCases, path) {
			return forbidden()
		}
		var open int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM cases WHERE person_id = $1 AND state <> 'closed'
			AND `+notDrill(""), p.ID).Scan(&open); err != nil {
			return err
		}
		if open > 0 {
			return caseOpenConflict()
		}
		w, err := reportWithin(ctx, tx, p.RegionID)
		if err != nil {
			return err
		}
		symptoms := n.Symptoms
		if symptoms == nil {
			symptoms = []campusguard.Symptom{}
		}
		k = &campusguard.Case{RegionID: p.RegionID, PersonID: p.ID, PersonName: p.Name, SchoolID: p.SchoolID, ClassID: p.ClassID,
			State: campusguard.CaseDetected, Source: campusguard.SourceManual, OnsetDay: n.OnsetDay, Symptoms: symptoms,
			Temperature: n.Temperature, DetectedAt: tx.now, ReportDue: tx.now.Add(w), Note: strings.TrimSpace(n.Note), UpdatedAt: tx.now}
		if err := s.insertCase(ctx, tx, k, path, campusguard.ActorName(ctx)); err != nil {
			return err
		}
		return audit(ctx, tx, p.RegionID, "open_case", "case:"+strconv.FormatInt(k.ID, 10), "person:"+strconv.FormatInt(p.ID, 10))
	})
	if err != nil {
		return nil, err
	}
	return k, nil
}

// findCaseTx reads a case and its path.
func findCaseTx(ctx context.Context, q queryer, id int64, now time.Time) (*campusguard.Case, string, error) {
	k, path, err := scanCase(q.QueryRowContext(ctx, `SELECT `+caseColumns+caseFrom+` WHERE k.id = $1`, id), now)
	if err == sql.ErrNoRows {
		return nil, "", notFound("case")
	}
	return k, path, err
}

// FindCase returns a case with its steps; reading it is audited.
func (s *Store) FindCase(ctx context.Context, id int64) (*campusguard.Case, []campusguard.CaseStep, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, nil, err
	}
	var k *campusguard.Case
	var steps []campusguard.CaseStep
	err = s.inTx(ctx, func(tx *Tx) error {
		var path string
		var err error
		k, path, err = findCaseTx(ctx, tx, id, tx.now)
		if err != nil && !isNotFound(err) { // an outage is not "not found"
			return err
		}
		if err != nil || !canReadCase(a, k.PersonID, path) {
			return notFound("case")
		}
		rows, err := tx.QueryContext(ctx, `SELECT id, case_id, from_state, to_state, at, by_name, note, isolation, outcome,
			certificate FROM case_steps WHERE case_id = $1 ORDER BY id`, id)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var st campusguard.CaseStep
			if err := rows.Scan(&st.ID, &st.CaseID, &st.From, &st.To, &st.At, &st.By, &st.Note, &st.Isolation, &st.Outcome,
				&st.Certificate); err != nil {
				return err
			}
			st.At = st.At.UTC()
			steps = append(steps, st)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		return audit(ctx, tx, k.RegionID, "read_case", "case:"+strconv.FormatInt(id, 10), "")
	})
	if err != nil {
		return nil, nil, err
	}
	return k, steps, nil
}

// casesScope is the SQL condition on cases k the actor may read.
func casesScope(a *campusguard.Actor, arg func(any) string) string {
	paths, all := a.Scopes(campusguard.ReadCases)
	if all {
		return ""
	}
	var or []string
	if len(paths) > 0 {
		or = append(or, "k.school_id IN (SELECT id FROM orgs WHERE kind = 'school' AND "+pathRanges("path", paths, arg)+")")
		or = append(or, "k.class_id IN (SELECT id FROM orgs WHERE kind = 'class' AND "+pathRanges("path", paths, arg)+")")
	}
	for _, id := range a.GuardianOf {
		or = append(or, "k.person_id = "+arg(id))
	}
	if a.PersonID != nil {
		or = append(or, "k.person_id = "+arg(*a.PersonID))
	}
	if len(or) == 0 {
		return "1 = 0"
	}
	return "(" + strings.Join(or, " OR ") + ")"
}

// FindCases lists the cases in the actor's scope: open before closed,
// overdue first, newest first.
func (s *Store) FindCases(ctx context.Context, f campusguard.CaseFilter) ([]*campusguard.Case, int, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, 0, err
	}
	now := s.Now().UTC()
	var sq conds
	if scope := casesScope(a, sq.arg); scope != "" {
		sq.and(scope)
	}
	if f.OrgID != nil {
		o, err := s.FindOrgByID(ctx, *f.OrgID)
		if err != nil {
			return nil, 0, err
		}
		r := pathRanges("path", []string{o.Path}, sq.arg)
		sq.and("(k.school_id IN (SELECT id FROM orgs WHERE kind = 'school' AND " + r + ")" +
			" OR k.class_id IN (SELECT id FROM orgs WHERE kind = 'class' AND " + pathRanges("path", []string{o.Path}, sq.arg) + "))")
	}
	if !f.WithDrills { // drill cases only in the lists that mark them (issue 14)
		sq.and(notDrill("k"))
	}
	if f.PersonID != nil {
		sq.and("k.person_id = " + sq.arg(*f.PersonID))
	}
	if f.State != nil {
		sq.and("k.state = " + sq.arg(string(*f.State)))
	}
	if f.Open {
		sq.and("k.state <> 'closed'")
	}
	if f.Overdue {
		sq.and("k.state = 'detected' AND k.report_due < " + sq.arg(now))
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	cond, condArgs := sq.where(), slices.Clone(sq.args)
	// The text first: its sq.arg calls add the arguments the call then passes.
	query := `SELECT ` + caseColumns + `, COUNT(*) OVER ()` + caseFrom + ` WHERE ` + cond +
		` ORDER BY CASE WHEN k.state = 'closed' THEN 1 ELSE 0 END, CASE WHEN k.state = 'detected' AND k.report_due < ` + sq.arg(now) +
		` THEN 0 ELSE 1 END, k.detected_at DESC, k.id DESC LIMIT ` + sq.arg(limit) + ` OFFSET ` + sq.arg(max(f.Offset, 0))
	rows, err := s.read.QueryContext(ctx, query, sq.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("find cases: %w", err)
	}
	defer rows.Close()
	out := []*campusguard.Case{}
	total := 0
	for rows.Next() {
		k, _, err := scanCase(rows, now, &total)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, k)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	if len(out) == 0 && f.Offset > 0 { // a page past the end still tells how many there are
		err = s.read.QueryRowContext(ctx, `SELECT COUNT(*)`+caseFrom+` WHERE `+cond, condArgs...).Scan(&total)
	}
	return out, total, err
}

// MoveCase applies a transition in one transaction with its step, the
// event for webhooks and the notifications.
func (s *Store) MoveCase(ctx context.Context, id int64, t campusguard.Transition) (*campusguard.Case, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	var k *campusguard.Case
	err = s.inTx(ctx, func(tx *Tx) error {
		var path string
		var err error
		k, path, err = findCaseTx(ctx, tx, id, tx.now)
		if err != nil && !isNotFound(err) { // an outage is not "not found"
			return err
		}
		if err != nil || !a.Can(campusguard.ReadCases, path) {
			return hidden(err, "case")
		}
		if !a.Can(campusguard.MoveCases, path) {
			return forbidden()
		}
		from := k.State
		step, err := k.Apply(t, campusguard.ActorName(ctx), tx.now)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE cases SET state = $1, reported_at = $2, isolated_at = $3, isolation = $4,
			outcome = $5, certificate = $6, cleared_by = $7, closed_at = $8, updated_at = $9 WHERE id = $10 AND state = $11`,
			k.State, nullTime(k.ReportedAt), nullTime(k.IsolatedAt), k.Isolation, k.Outcome, k.Certificate, k.ClearedBy,
			nullTime(k.ClosedAt), k.UpdatedAt, k.ID, from)
		if err != nil {
			return fmt.Errorf("move case: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return campusguard.Errorf(campusguard.Conflict, "error.conflict") // moved meanwhile
		}
		if err := insertStep(ctx, tx, k.RegionID, &step); err != nil {
			return err
		}
		k.Overdue = k.IsOverdue(tx.now)
		subject := "drill.notify_case_changed" // a drill's case queues no webhook event (issue 14)
		if k.DrillID == nil {
			subject = "notify.case_changed"
			payload := casePayload(k)
			payload["from"], payload["to"], payload["by"], payload["note"] = from, k.State, step.By, step.Note
			if err := emit(ctx, tx, k.RegionID, path, campusguard.EventCaseChanged, payload); err != nil {
				return err
			}
		}
		if err := notify(ctx, tx, k.RegionID, path, caseRoles, "case_changed", subject,
			[]string{k.PersonName, "case.state." + string(k.State)}, "/cases/"+strconv.FormatInt(k.ID, 10)); err != nil {
			return err
		}
		return audit(ctx, tx, k.RegionID, "move_case", "case:"+strconv.FormatInt(k.ID, 10), string(from)+"->"+string(k.State))
	})
	if err != nil {
		return nil, err
	}
	return k, nil
}

func nullTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return *t
}

// EscalateOverdue marks every unreported case past its due time as
// escalated, once, with an event and a notification to the region.
func (s *Store) EscalateOverdue(ctx context.Context) (int, error) {
	if a, err := campusguard.RequireActor(ctx); err != nil || !a.System {
		return 0, forbidden()
	}
	n := 0
	err := s.inTx(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+caseColumns+caseFrom+` WHERE k.state = 'detected' AND k.escalated = $1
			AND k.report_due < $2 AND `+notDrill("k")+` ORDER BY k.id`, false, tx.now)
		if err != nil {
			return err
		}
		type due struct {
			k    *campusguard.Case
			path string
		}
		var all []due
		for rows.Next() {
			k, path, err := scanCase(rows, tx.now)
			if err != nil {
				rows.Close()
				return err
			}
			all = append(all, due{k, path})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, d := range all {
			if _, err := tx.ExecContext(ctx, `UPDATE cases SET escalated = $1 WHERE id = $2`, true, d.k.ID); err != nil {
				return err
			}
			d.k.Escalated = true
			if err := emit(ctx, tx, d.k.RegionID, d.path, campusguard.EventCaseOverdue, casePayload(d.k)); err != nil {
				return err
			}
			if err := notify(ctx, tx, d.k.RegionID, d.path, regionRoles, "case_overdue", "notify.case_overdue",
				[]string{d.k.PersonName}, "/cases/"+strconv.FormatInt(d.k.ID, 10)); err != nil {
				return err
			}
		}
		n = len(all)
		return nil
	})
	return n, err
}

// HeldAtGate returns the ids of the people of a school who must be stopped
// at the gate: an open case without return clearance.
func (s *Store) HeldAtGate(ctx context.Context, schoolID int64) (map[int64]campusguard.CaseState, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	o, err := s.FindOrgByID(ctx, schoolID)
	if err != nil {
		return nil, err
	}
	if !a.Can(campusguard.ListPeople, o.Path) {
		return nil, notFound("org")
	}
	rows, err := s.read.QueryContext(ctx, `SELECT person_id, state FROM cases WHERE school_id = $1
		AND state NOT IN ('cleared', 'closed') AND `+notDrill(""), schoolID)
	if err != nil {
		return nil, fmt.Errorf("held at gate: %w", err)
	}
	defer rows.Close()
	out := map[int64]campusguard.CaseState{}
	for rows.Next() {
		var id int64
		var st campusguard.CaseState
		if err := rows.Scan(&id, &st); err != nil {
			return nil, err
		}
		out[id] = st
	}
	return out, rows.Err()
}

// OpenHistoryCases opens the cases that loaded history would have opened
// had its checks been recorded one by one: one per person, from their
// fever checks that no case holds yet, oldest first. System only; the demo
// runs it after loading its month of checks.
func (s *Store) OpenHistoryCases(ctx context.Context, regionID int64) (int, error) {
	if a, err := campusguard.RequireActor(ctx); err != nil || !a.System {
		return 0, forbidden()
	}
	n := 0
	err := s.inTx(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+checkColumns+` FROM checks c WHERE c.region_id = $1 AND c.fever = $2
			AND c.current = $2 AND NOT EXISTS (SELECT 1 FROM case_checks x WHERE x.check_id = c.id) ORDER BY c.at, c.id`, regionID, true)
		if err != nil {
			return err
		}
		var checks []*campusguard.Check
		var ids []int64
		for rows.Next() {
			c, err := scanCheck(rows)
			if err != nil {
				rows.Close()
				return err
			}
			checks = append(checks, c)
			ids = append(ids, c.PersonID)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		people := map[int64]located{}
		for _, id := range ids {
			if _, ok := people[id]; ok {
				continue
			}
			p, path, err := personAndPath(ctx, tx, id)
			if err != nil {
				return err
			}
			people[id] = located{p, path}
		}
		before := 0
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM cases WHERE region_id = $1`, regionID).Scan(&before); err != nil {
			return err
		}
		if err := s.casesFromChecks(ctx, tx, checks, people); err != nil {
			return err
		}
		after := 0
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM cases WHERE region_id = $1`, regionID).Scan(&after); err != nil {
			return err
		}
		n = after - before
		return nil
	})
	return n, err
}

// RemindMissing tells each class teacher, once a day, how many students of
// their class have not reported on day: the morning reminder list. It
// returns the number of classes reminded. System only.
func (s *Store) RemindMissing(ctx context.Context, day campusguard.Date) (int, error) {
	if a, err := campusguard.RequireActor(ctx); err != nil || !a.System {
		return 0, forbidden()
	}
	n := 0
	err := s.inTx(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT o.id, o.region_id, o.name, o.path, r.expected - r.reported FROM rollups r
			JOIN orgs o ON o.id = r.org_id WHERE r.day = $1 AND o.kind = 'class' AND r.expected > r.reported
			AND NOT EXISTS (SELECT 1 FROM reminders m WHERE m.class_id = o.id AND m.day = $1) ORDER BY o.id`, day)
		if err != nil {
			return fmt.Errorf("remind missing: %w", err)
		}
		type class struct {
			id, region int64
			name, path string
			missing    int
		}
		var classes []class
		for rows.Next() {
			var c class
			if err := rows.Scan(&c.id, &c.region, &c.name, &c.path, &c.missing); err != nil {
				rows.Close()
				return err
			}
			classes = append(classes, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, c := range classes {
			if _, err := tx.ExecContext(ctx, `INSERT INTO reminders (region_id, class_id, day, missing, sent_at)
				VALUES ($1, $2, $3, $4, $5)`, c.region, c.id, day, c.missing, tx.now); err != nil {
				return err
			}
			// The class teacher only: the class node is the path's last.
			if err := notify(ctx, tx, c.region, "/"+strconv.FormatInt(c.id, 10)+"/", []campusguard.AccessRole{campusguard.ClassTeacher},
				"missing_reports", "notify.missing_reports", []string{c.name, strconv.Itoa(c.missing)},
				"/orgs/"+strconv.FormatInt(c.id, 10)); err != nil {
				return err
			}
		}
		n = len(classes)
		return nil
	})
	return n, err
}
