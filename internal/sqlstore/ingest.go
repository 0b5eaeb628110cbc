package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"campusguard"
)

// submission is one check to record, with who submits it, and after
// recordBatch its outcome: the stored check and whether it is new, or a
// row error (not found, forbidden, a reused key) that stored nothing.
type submission struct {
	actor   *campusguard.Actor
	by      string // the actor's name, for reported_by
	check   *campusguard.Check
	out     *campusguard.Check
	created bool
	err     error
}

// personDay is what a batch knows of one person's day: the current checks
// and the status before the batch, read once and then kept in memory while
// the batch's rows are applied in order.
type personDay struct {
	person  *campusguard.Person
	path    string
	current []*campusguard.Check
	was     campusguard.DayStatus
	stored  bool // a person_days row exists
	touched bool
}

type dayKey struct {
	person int64
	day    campusguard.Date
}

type nodeDay struct {
	region, org int64
	day         campusguard.Date
}

// located is a person with the path of their class (or school).
type located struct {
	p    *campusguard.Person
	path string
}

// inChunk is the largest number of values in one IN list. A list is padded
// with its last value to the next of a few sizes, so there are few query
// texts to prepare, and a commit of one check binds one value, not 256.
const inChunk = 256

var inSizes = []int{1, 8, 64, inChunk}

// inList returns "$first, …" and the values padded to the size of their
// list.
func inList[T any](first int, vals []T) (string, []any) {
	n := inSizes[slices.IndexFunc(inSizes, func(n int) bool { return n >= len(vals) })]
	var b strings.Builder
	args := make([]any, n)
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('$')
		b.WriteString(strconv.Itoa(first + i))
		args[i] = vals[min(i, len(vals)-1)]
	}
	return b.String(), args
}

// chunks calls fn with ids in slices of at most inChunk.
func chunks(ids []int64, fn func(part []int64) error) error {
	for start := 0; start < len(ids); start += inChunk {
		if err := fn(ids[start:min(start+inChunk, len(ids))]); err != nil {
			return err
		}
	}
	return nil
}

// batch is a batch of checks on its way through the store: what it read,
// what its rows did in memory, and what it writes. recordBatch reads and
// writes it statement by statement; on PostgreSQL, recordPipelined sends
// its reads together and its writes together (pipeline.go). Both apply
// the rows in memory with the same code.
type batch struct {
	subs   []*submission
	people map[int64]located
	seen   map[string]*campusguard.Check // stored or earlier in the batch, by keyOf
	days   map[dayKey]*personDay

	added      []*campusguard.Check // the new rows, in order
	superseded []int64              // stored rows that stop being current
	changed    []dayRow             // the person-days to write
	deltas     map[nodeDay]campusguard.Rollup
}

type dayRow struct {
	pd  *personDay
	day campusguard.Date
	now campusguard.DayStatus
}

func newBatch(subs []*submission) *batch {
	return &batch{subs: subs, people: make(map[int64]located, len(subs)), seen: map[string]*campusguard.Check{},
		days: make(map[dayKey]*personDay, len(subs))}
}

// keyOf is the key of a client key in batch.seen: client keys are unique
// within a region.
func keyOf(region int64, key string) string { return strconv.FormatInt(region, 10) + "\x00" + key }

// recordBatch stores a batch of validated checks in one transaction with
// everything they change, reading what it needs in a few set queries and
// writing each person's day once and each roll-up node once, whatever the
// number of rows. Rows are applied in order, so a later row of the batch
// sees an earlier one (a correction in the same batch, a repeated key).
// A row error is kept in its submission and stores nothing for that row;
// the returned error is an internal one that fails the whole batch.
func (s *Store) recordBatch(ctx context.Context, tx *Tx, subs []*submission) error {
	// 1. The people and their places in the tree, locked on PostgreSQL
	// until the batch commits. Several servers write at once there, and a
	// person's day is read, changed in memory and written back, with the
	// difference added to the roll-ups: two writers reading the same old
	// day would both add their difference and one view of the day would be
	// lost. Holding the person's row makes a second writer wait and then
	// read what the first wrote (each statement of a READ COMMITTED
	// transaction sees what committed before it began). The same lock
	// serialises a person's client keys and open case. People are locked
	// in id order, so writers never wait for each other in a cycle.
	//
	// On SQLite, the writer's cache holds the people and days that earlier
	// batches read or wrote (writercache.go): only the others are read.
	view, err := s.beginCacheView(ctx, tx)
	if err != nil {
		return err
	}
	b := newBatch(subs)
	ids := make([]int64, 0, len(subs))
	for _, sb := range subs {
		ids = append(ids, sb.check.PersonID)
	}
	ids = view.cachedPeople(ids, b.people)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	err = chunks(ids, func(part []int64) error {
		in, args := inList(1, part)
		rows, err := tx.QueryContext(ctx, `SELECT `+batchPeopleColumns+` FROM people p WHERE p.id IN (`+in+`)
			ORDER BY p.id`+s.dialect.lockRows, args...)
		if err != nil {
			return fmt.Errorf("batch people: %w", err)
		}
		defer rows.Close()
		return b.scanPeople(rows)
	})
	if err != nil {
		return err
	}

	// 2. Access, per row.
	byRegion := b.access()

	// 3. Submissions seen before, by client key.
	for region, keys := range byRegion {
		slices.Sort(keys)
		keys = slices.Compact(keys)
		for start := 0; start < len(keys); start += inChunk {
			in, args := inList(2, keys[start:min(start+inChunk, len(keys))])
			rows, err := tx.QueryContext(ctx, `SELECT `+checkColumns+` FROM checks c WHERE c.region_id = $1
				AND c.client_key IN (`+in+`)`, append([]any{region}, args...)...)
			if err != nil {
				return fmt.Errorf("batch keys: %w", err)
			}
			err = b.scanSeen(rows)
			rows.Close()
			if err != nil {
				return err
			}
		}
	}

	// 4. The days the batch touches: current checks and stored status,
	// read for the days the cache does not hold.
	for day, pids := range view.cachedDays(b.byDay(), b.days) {
		if len(pids) == 0 {
			continue
		}
		err := chunks(pids, func(part []int64) error {
			in, args := inList(2, part)
			args = append([]any{day}, args...)
			rows, err := tx.QueryContext(ctx, `SELECT `+checkColumns+` FROM checks c WHERE c.day = $1 AND c.current = TRUE
				AND c.person_id IN (`+in+`)`, args...)
			if err != nil {
				return fmt.Errorf("batch current checks: %w", err)
			}
			err = b.scanCurrent(rows, day)
			rows.Close()
			if err != nil {
				return err
			}
			rows, err = tx.QueryContext(ctx, `SELECT person_id, reported, abnormal, fever, absent, ill_absent FROM person_days
				WHERE day = $1 AND person_id IN (`+in+`)`, args...)
			if err != nil {
				return fmt.Errorf("batch person days: %w", err)
			}
			defer rows.Close()
			return b.scanDays(rows, day)
		})
		if err != nil {
			return err
		}
	}

	// 5. Each row in order, in memory; then the new rows in one go.
	newIDs, err := s.allocCheckIDs(ctx, tx, b.candidates())
	if err != nil {
		return err
	}
	err = b.apply(tx.now, newIDs, func(region int64) (float64, error) { return s.feverThreshold(ctx, tx, region) })
	if err != nil {
		return err
	}
	for _, st := range b.superseding() {
		if err := exec(ctx, tx, st); err != nil {
			return fmt.Errorf("supersede checks: %w", err)
		}
	}
	if err := b.checkRows().exec(ctx, tx); err != nil {
		return err
	}
	// An abnormal check opens its person's case, or joins the open one.
	if err := s.casesFromChecks(ctx, tx, b.added, b.people); err != nil {
		return err
	}

	// 6. Each touched day once, and each roll-up node once.
	if err := b.summarize(ctx, tx); err != nil {
		return err
	}
	if err := b.dayRows().exec(ctx, tx); err != nil {
		return err
	}
	if err := b.rollupRows().exec(ctx, tx); err != nil {
		return err
	}
	if view != nil {
		tx.afterCommit = append(tx.afterCommit, func() { view.committed(b.people, b.days) })
	}
	return nil
}

// rowScanner is what database/sql's and pgx's rows both offer.
type rowScanner interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// batchPeopleColumns are the columns a batch reads of its people: the
// person and the path of the org the person is in (the class, else the
// school). The path is a subquery that reads the one org by its key, not a
// join of orgs: under the pipeline's generic plans (genericPlans), which are
// made without the number of people, PostgreSQL planned the join as two
// hash joins over every org of a county, for every group. Measured on
// PostgreSQL, a group of 21 people on the 20,000-student demo county: 356 µs
// with the join, 119 µs with the subquery; with 45,000 more orgs (a city),
// where the join is planned as a merge join instead, 340 µs and 190 µs. A
// person's school and class always exist (foreign keys).
const batchPeopleColumns = personColumns + `, (SELECT o.path FROM orgs o WHERE o.id = COALESCE(p.class_id, p.school_id))`

// scanPeople adds the people of rows (batchPeopleColumns).
func (b *batch) scanPeople(rows rowScanner) error {
	for rows.Next() {
		var path string
		p, err := scanPerson(rows, &path)
		if err != nil {
			return err
		}
		b.people[p.ID] = located{p, path}
	}
	return rows.Err()
}

// scanSeen adds the stored checks of rows to those seen by client key.
func (b *batch) scanSeen(rows rowScanner) error {
	for rows.Next() {
		c, err := scanCheck(rows)
		if err != nil {
			return err
		}
		b.seen[keyOf(c.RegionID, c.ClientKey)] = c
	}
	return rows.Err()
}

// scanCurrent adds the current checks of rows to their person's day.
func (b *batch) scanCurrent(rows rowScanner, day campusguard.Date) error {
	for rows.Next() {
		c, err := scanCheck(rows)
		if err != nil {
			return err
		}
		if pd := b.days[dayKey{c.PersonID, day}]; pd != nil {
			pd.current = append(pd.current, c)
		}
	}
	return rows.Err()
}

// scanDays sets the stored status of the person-days of rows.
func (b *batch) scanDays(rows rowScanner, day campusguard.Date) error {
	for rows.Next() {
		var id int64
		var st campusguard.DayStatus
		if err := rows.Scan(&id, &st.Reported, &st.Abnormal, &st.Fever, &st.Absent, &st.IllAbsent); err != nil {
			return err
		}
		if pd := b.days[dayKey{id, day}]; pd != nil {
			pd.was, pd.stored = st, true
		}
	}
	return rows.Err()
}

// access checks each row's actor against its person, keeping a row error
// for those refused, and returns the client keys of the others by region.
func (b *batch) access() map[int64][]string {
	byRegion := map[int64][]string{}
	for _, sb := range b.subs {
		c := sb.check
		l, ok := b.people[c.PersonID]
		if !ok || !sb.actor.CanPerson(campusguard.ListPeople, l.p.ID, l.path) && !sb.actor.CanRecordCheck(c.Kind, l.p.ID, l.path) {
			sb.err = &campusguard.Error{Code: campusguard.NotFound, Message: "error.not_found",
				Fields: []campusguard.FieldError{{Field: "person_id", Msg: "error.not_found"}}}
			continue
		}
		if !sb.actor.CanRecordCheck(c.Kind, l.p.ID, l.path) {
			sb.err = forbidden()
			continue
		}
		byRegion[l.p.RegionID] = append(byRegion[l.p.RegionID], c.ClientKey)
	}
	return byRegion
}

// byDay returns the people of the rows still standing by day, sorted, and
// makes their (empty) person-days.
func (b *batch) byDay() map[campusguard.Date][]int64 {
	out := map[campusguard.Date][]int64{}
	for _, sb := range b.subs {
		if sb.err == nil {
			out[sb.check.Day] = append(out[sb.check.Day], sb.check.PersonID)
		}
	}
	for day, all := range out {
		slices.Sort(all)
		all = slices.Compact(all)
		out[day] = all
		for _, id := range all {
			if _, ok := b.days[dayKey{id, day}]; !ok {
				b.days[dayKey{id, day}] = &personDay{person: b.people[id].p, path: b.people[id].path}
			}
		}
	}
	return out
}

// candidates is the number of rows still standing: the most new rows.
func (b *batch) candidates() int {
	n := 0
	for _, sb := range b.subs {
		if sb.err == nil {
			n++
		}
	}
	return n
}

// apply applies each row still standing, in order, to its person's day in
// memory, giving new rows the ids in newIDs. threshold gives a region's
// fever threshold.
func (b *batch) apply(now time.Time, newIDs []int64, threshold func(region int64) (float64, error)) error {
	fresh := make(map[int64]bool, len(newIDs)) // ids of this batch's rows
	thresholds := map[int64]float64{}          // by region: a batch may hold several
	for _, sb := range b.subs {
		if sb.err != nil {
			continue
		}
		c := sb.check
		p := b.people[c.PersonID].p
		if prev, ok := b.seen[keyOf(p.RegionID, c.ClientKey)]; ok {
			if !campusguard.SameSubmission(prev, c) {
				sb.err = &campusguard.Error{Code: campusguard.Conflict, Message: "error.client_key_reused",
					Fields: []campusguard.FieldError{{Field: "client_key", Msg: "error.client_key_reused"}}}
				continue
			}
			sb.out = prev
			continue
		}
		if err := campusguard.CheckDayAllowed(sb.actor, c.Day, now); err != nil {
			sb.err = err
			continue
		}
		taken, err := campusguard.TakenTime(c.Day, c.At, now)
		if err != nil {
			sb.err = err
			continue
		}
		c.ID, newIDs = newIDs[0], newIDs[1:]
		c.RegionID, c.SchoolID, c.ClassID, c.At, c.ReceivedAt = p.RegionID, p.SchoolID, p.ClassID, taken, now
		c.ReportedBy, c.Current, c.Version, c.Supersedes = sb.by, true, 1, nil
		th, ok := thresholds[p.RegionID]
		if !ok {
			if th, err = threshold(p.RegionID); err != nil {
				return err
			}
			thresholds[p.RegionID] = th
		}
		c.Evaluate(th)
		if c.Symptoms == nil {
			c.Symptoms = []campusguard.Symptom{}
		}
		pd := b.days[dayKey{p.ID, c.Day}]
		if i := slices.IndexFunc(pd.current, func(o *campusguard.Check) bool { return o.Kind == c.Kind }); i >= 0 {
			old := pd.current[i]
			c.Version, c.Supersedes = old.Version+1, &old.ID
			if fresh[old.ID] {
				old.Current = false // not written yet: written as it ends
			} else {
				b.superseded = append(b.superseded, old.ID)
			}
			pd.current = slices.Delete(pd.current, i, i+1)
		}
		fresh[c.ID] = true
		b.added = append(b.added, c)
		pd.current = append(pd.current, c)
		pd.touched = true
		b.seen[keyOf(p.RegionID, c.ClientKey)] = c
		sb.out, sb.created = c, true
	}
	return nil
}

// opensCases reports whether a new row of the batch is abnormal, so that
// it opens or joins a case.
func (b *batch) opensCases() bool {
	return slices.ContainsFunc(b.added, func(c *campusguard.Check) bool { return c.Abnormal && c.Current })
}

// superseding returns the statements that mark the stored rows the batch
// supersedes as no longer current.
func (b *batch) superseding() []statement {
	var out []statement
	for start := 0; start < len(b.superseded); start += inChunk {
		in, args := inList(1, b.superseded[start:min(start+inChunk, len(b.superseded))])
		out = append(out, statement{`UPDATE checks SET current = FALSE WHERE id IN (` + in + `)`, args})
	}
	return out
}

// rowsInsert is an insert of many rows, run by insertMany or sent as its
// statements in a pipeline.
type rowsInsert struct {
	table  string
	cols   []string
	n      int
	row    func(i int) []any
	suffix string
}

func (r rowsInsert) exec(ctx context.Context, tx *Tx) error {
	return insertMany(ctx, tx, r.table, r.cols, r.n, r.row, r.suffix)
}

func (r rowsInsert) statements() []statement {
	if r.n == 0 {
		return nil
	}
	return insertStatements(r.table, r.cols, r.n, r.row, r.suffix)
}

// checkRows inserts the batch's new rows.
func (b *batch) checkRows() rowsInsert {
	return rowsInsert{"checks", []string{"id", "region_id", "person_id", "school_id", "class_id", "day", "kind", "at",
		"temperature", "symptoms", "health_code", "household_unwell", "risk_exposure", "attendance", "absence_reason", "mask",
		"bus_route_id", "note", "client_key", "version", "supersedes", "current", "reported_by", "fever", "abnormal", "received_at"},
		len(b.added), func(i int) []any {
			c := b.added[i]
			var temp, mask any
			if c.Temperature != nil {
				temp = *c.Temperature
			}
			if c.Mask != nil {
				mask = *c.Mask
			}
			return []any{c.ID, c.RegionID, c.PersonID, c.SchoolID, nullID(c.ClassID), c.Day, c.Kind, c.At, temp,
				joinSymptoms(c.Symptoms), c.HealthCode, c.HouseholdUnwell, c.RiskExposure, c.Attendance, c.AbsenceReason, mask,
				nullID(c.BusRouteID), c.Note, c.ClientKey, c.Version, nullID(c.Supersedes), c.Current, c.ReportedBy, c.Fever,
				c.Abnormal, c.ReceivedAt}
		}, ""}
}

// summarize works out each touched day's new status and the roll-ups'
// differences, opening or dropping follow-ups through tx as it goes (a
// follow-up counts in the roll-ups only if this batch opened it).
func (b *batch) summarize(ctx context.Context, tx *Tx) error {
	touched := make([]dayKey, 0, len(b.days))
	for k, pd := range b.days {
		if pd.touched {
			touched = append(touched, k)
		}
	}
	slices.SortFunc(touched, func(a, b dayKey) int {
		if c := a.day.Compare(b.day); c != 0 {
			return c
		}
		return int(a.person - b.person)
	})
	b.deltas = map[nodeDay]campusguard.Rollup{}
	for _, k := range touched {
		pd := b.days[k]
		now := campusguard.SummarizeDay(pd.current)
		if pd.stored && now == pd.was {
			continue
		}
		b.changed = append(b.changed, dayRow{pd, k.day, now})
		p := pd.person
		if p.Kind != campusguard.Student {
			continue // roll-ups count students
		}
		d := pd.was.Delta(now)
		if d == (campusguard.Rollup{}) {
			continue
		}
		var res sql.Result
		var err error
		switch {
		case now.IllAbsent && !pd.was.IllAbsent:
			res, err = tx.ExecContext(ctx, `INSERT INTO followups (region_id, person_id, school_id, class_id, day)
				VALUES ($1, $2, $3, $4, $5) ON CONFLICT (person_id, day) DO NOTHING`, p.RegionID, p.ID, p.SchoolID, nullID(p.ClassID), k.day)
		case !now.IllAbsent && pd.was.IllAbsent:
			res, err = tx.ExecContext(ctx, `DELETE FROM followups WHERE person_id = $1 AND day = $2 AND done = FALSE`, p.ID, k.day)
		}
		if err != nil {
			return fmt.Errorf("follow-up: %w", err)
		}
		if res != nil {
			if n, _ := res.RowsAffected(); n > 0 {
				d.OpenFollowUps = d.IllAbsent
			}
		}
		for _, org := range campusguard.PathIDs(pd.path) {
			k := nodeDay{p.RegionID, org, k.day}
			b.deltas[k] = b.deltas[k].Add(d)
		}
	}
	return nil
}

// dayRows writes the batch's person-days.
func (b *batch) dayRows() rowsInsert {
	return rowsInsert{"person_days", []string{"region_id", "person_id", "day", "class_id", "school_id", "reported",
		"abnormal", "fever", "absent", "ill_absent"}, len(b.changed), func(i int) []any {
		r := b.changed[i]
		p := r.pd.person
		return []any{p.RegionID, p.ID, r.day, nullID(p.ClassID), p.SchoolID, r.now.Reported, r.now.Abnormal, r.now.Fever,
			r.now.Absent, r.now.IllAbsent}
	}, ` ON CONFLICT (person_id, day) DO UPDATE SET reported = excluded.reported, abnormal = excluded.abnormal,
		fever = excluded.fever, absent = excluded.absent, ill_absent = excluded.ill_absent`}
}

// rollupRows adds the batch's differences to the roll-ups, node by node in
// a fixed order (no deadlocks between writers on PostgreSQL).
func (b *batch) rollupRows() rowsInsert {
	nodes := make([]nodeDay, 0, len(b.deltas))
	for k, d := range b.deltas {
		if d != (campusguard.Rollup{}) {
			nodes = append(nodes, k)
		}
	}
	slices.SortFunc(nodes, func(a, b nodeDay) int {
		if c := a.day.Compare(b.day); c != 0 {
			return c
		}
		return int(a.org - b.org)
	})
	return rowsInsert{"rollups", []string{"region_id", "org_id", "day", "reported", "abnormal", "fever", "absent",
		"ill_absent", "open_followups"}, len(nodes), func(i int) []any {
		k := nodes[i]
		d := b.deltas[k]
		return []any{k.region, k.org, k.day, d.Reported, d.Abnormal, d.Fever, d.Absent, d.IllAbsent, d.OpenFollowUps}
	}, rollupAdd}
}

// allocCheckIDs reserves n ids for new checks. On PostgreSQL they come
// from the identity's sequence; on SQLite, whose one writer holds the
// database while the batch runs, they follow the largest id.
func (s *Store) allocCheckIDs(ctx context.Context, tx *Tx, n int) ([]int64, error) {
	ids := make([]int64, 0, n)
	if n == 0 {
		return ids, nil
	}
	if !s.dialect.postgres {
		var last int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM checks`).Scan(&last); err != nil {
			return nil, fmt.Errorf("check ids: %w", err)
		}
		for i := range int64(n) {
			ids = append(ids, last+1+i)
		}
		return ids, nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT nextval(pg_get_serial_sequence('checks', 'id')) FROM generate_series(1, $1)`, n)
	if err != nil {
		return nil, fmt.Errorf("check ids: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
