package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"

	"campusguard"
)

// RetentionBatch is the most rows one transaction of the retention job
// deletes or changes. Each batch is its own short transaction on the one
// writer, so the group commit of submissions waits for one batch at most,
// never for the whole run. Tests make it small.
var RetentionBatch = 500

// anonymiseBatch is the most people one transaction anonymises: each takes
// a dozen statements.
const anonymiseBatch = 50

// RunRetention deletes or anonymises what is past a top-level region's
// retention periods at now (see campusguard.Retention): closed cases with
// their steps, then the daily checks and people's days of each past school
// day (keeping the checks a kept case holds), then follow-ups, old
// notifications and delivered webhook events, then it anonymises the people
// who left. The roll-ups, which hold no person, stay, so every figure reads
// the same. Candidates are found on the read pool; each batch is deleted in
// a short transaction of its own. One audit line says what the run did. The
// system only (the daily job, the CLI).
func (s *Store) RunRetention(ctx context.Context, regionID int64, now time.Time) (*campusguard.RetentionReport, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	if !a.System {
		return nil, forbidden()
	}
	o, err := findOrgByID(ctx, s.read, regionID)
	if err != nil && !isNotFound(err) { // an outage is not "not found"
		return nil, err
	}
	if err != nil || o.ParentID != nil {
		return nil, notFound("region")
	}
	pol, err := regionPolicy(ctx, s.read, regionID)
	if err != nil {
		return nil, err
	}
	rep := &campusguard.RetentionReport{RegionID: regionID, Cutoffs: pol.Retention.Cutoffs(now)}
	cut := rep.Cutoffs
	if rep.Cases, err = s.deleteClosedCases(ctx, regionID, cut.CasesClosed); err != nil {
		return nil, err
	}
	schools, err := s.regionSchools(ctx, regionID)
	if err != nil {
		return nil, err
	}
	if rep.Checks, rep.PersonDays, err = s.deleteCheckDays(ctx, schools, cut.Checks); err != nil {
		return nil, err
	}
	for _, sch := range schools {
		n, err := s.deleteBatches(ctx, `SELECT id FROM followups WHERE school_id = $1 AND day < $2 ORDER BY id LIMIT $3`,
			[]any{sch, cut.FollowUps}, `DELETE FROM followups WHERE id IN (%s)`)
		if err != nil {
			return nil, fmt.Errorf("retention: follow-ups: %w", err)
		}
		rep.FollowUps += n
	}
	// Notifications and webhook events name people; they are kept no
	// longer than the daily checks they came from.
	if _, err := s.deleteBatches(ctx, `SELECT id FROM notifications WHERE region_id = $1 AND created_at < $2 ORDER BY id LIMIT $3`,
		[]any{regionID, cut.LeftBefore}, `DELETE FROM notifications WHERE id IN (%s)`); err != nil {
		return nil, fmt.Errorf("retention: notifications: %w", err)
	}
	if _, err := s.deleteBatches(ctx, `SELECT e.id FROM events e WHERE e.region_id = $1 AND e.created_at < $2
		AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id AND d.delivered_at IS NULL) ORDER BY e.id LIMIT $3`,
		[]any{regionID, cut.LeftBefore}, `DELETE FROM deliveries WHERE event_id IN (%[1]s); DELETE FROM events WHERE id IN (%[1]s)`); err != nil {
		return nil, fmt.Errorf("retention: events: %w", err)
	}
	if rep.Anonymised, err = s.anonymiseLeavers(ctx, regionID, cut.LeftBefore); err != nil {
		return nil, err
	}
	detail, _ := json.Marshal(rep)
	err = s.inTx(ctx, func(tx *Tx) error {
		return audit(ctx, tx, regionID, "retention", "org:"+strconv.FormatInt(regionID, 10), string(detail))
	})
	return rep, err
}

// regionSchools lists the ids of the schools of a region.
func (s *Store) regionSchools(ctx context.Context, regionID int64) ([]int64, error) {
	return s.ids(ctx, `SELECT id FROM orgs WHERE kind = 'school' AND region_id = $1 ORDER BY id`, regionID)
}

// ids runs a query of one id column on the read pool.
func (s *Store) ids(ctx context.Context, query string, args ...any) ([]int64, error) {
	rows, err := s.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// deleteBatches finds up to RetentionBatch ids with find (its last
// argument is the limit) and deletes them with del, a statement (or two)
// whose %s takes the ids' placeholders, until find finds none. It returns
// how many it deleted.
func (s *Store) deleteBatches(ctx context.Context, find string, args []any, del string) (int, error) {
	total := 0
	for {
		ids, err := s.ids(ctx, find, append(slices.Clone(args), RetentionBatch)...)
		if err != nil {
			return total, err
		}
		if len(ids) == 0 {
			return total, nil
		}
		if err := s.deleteIDs(ctx, ids, del); err != nil {
			return total, err
		}
		total += len(ids)
		if err := ctx.Err(); err != nil {
			return total, err
		}
	}
}

// deleteIDs deletes ids with del in one short transaction; each statement
// of del (separated by "; ") gets the ids as its IN list.
func (s *Store) deleteIDs(ctx context.Context, ids []int64, del string) error {
	return s.inTx(ctx, func(tx *Tx) error {
		return chunks(ids, func(part []int64) error {
			in, args := inList(1, part)
			for _, stmt := range splitStatements(fmt.Sprintf(del, in)) {
				if _, err := tx.ExecContext(ctx, stmt, args...); err != nil {
					return err
				}
			}
			return nil
		})
	})
}

func splitStatements(s string) []string {
	var out []string
	for len(s) > 0 {
		i := 0
		for i < len(s) && !(s[i] == ';' && i+1 < len(s) && s[i+1] == ' ') {
			i++
		}
		out = append(out, s[:i])
		if i >= len(s) {
			break
		}
		s = s[i+2:]
	}
	return out
}

// deleteClosedCases deletes cases closed before cut, with their steps and
// their links to checks, in batches.
func (s *Store) deleteClosedCases(ctx context.Context, regionID int64, cut time.Time) (int, error) {
	n, err := s.deleteBatches(ctx, `SELECT id FROM cases WHERE region_id = $1 AND state = 'closed' AND closed_at < $2 AND `+notDrill("")+`
		ORDER BY id LIMIT $3`, []any{regionID, cut.UTC()},
		`DELETE FROM case_steps WHERE case_id IN (%[1]s); DELETE FROM case_checks WHERE case_id IN (%[1]s); DELETE FROM cases WHERE id IN (%[1]s) AND state = 'closed'`)
	if err != nil {
		return n, fmt.Errorf("retention: cases: %w", err)
	}
	return n, nil
}

// checkRow is a stored check as the retention job sees it.
type checkRow struct {
	id, supersedes int64
}

// deleteCheckDays deletes, school day by school day before cut, the
// region's checks and people's days. A day's checks are read whole, so a
// correction and the version it supersedes go together: the newest
// versions are deleted first (ids descending), so no batch deletes a check
// another still points to. A check a kept case holds stays, with the
// versions it supersedes.
func (s *Store) deleteCheckDays(ctx context.Context, schools []int64, cut campusguard.Date) (checks, days int, err error) {
	first, ok, err := s.firstDay(ctx, schools)
	if err != nil || !ok {
		return 0, 0, err
	}
	for day := first; day.Before(cut); day = day.AddDays(1) {
		var rows []checkRow
		keep := map[int64]bool{}
		for _, sch := range schools {
			r, err := s.read.QueryContext(ctx, `SELECT c.id, COALESCE(c.supersedes, 0),
				EXISTS (SELECT 1 FROM case_checks cc WHERE cc.check_id = c.id) OR EXISTS (SELECT 1 FROM cases k WHERE k.check_id = c.id)
				FROM checks c WHERE c.school_id = $1 AND c.day = $2`, sch, day)
			if err != nil {
				return checks, days, fmt.Errorf("retention: checks of %s: %w", day, err)
			}
			for r.Next() {
				var c checkRow
				var held bool
				if err := r.Scan(&c.id, &c.supersedes, &held); err != nil {
					r.Close()
					return checks, days, err
				}
				rows = append(rows, c)
				if held {
					keep[c.id] = true
				}
			}
			r.Close()
			if err := r.Err(); err != nil {
				return checks, days, err
			}
		}
		del := keptChecks(rows, keep)
		for start := 0; start < len(del); start += RetentionBatch {
			part := del[start:min(start+RetentionBatch, len(del))]
			if err := s.deleteIDs(ctx, part, `DELETE FROM checks WHERE id IN (%s)`); err != nil {
				return checks, days, fmt.Errorf("retention: checks of %s: %w", day, err)
			}
			checks += len(part)
		}
		for _, sch := range schools {
			for {
				people, err := s.ids(ctx, `SELECT person_id FROM person_days WHERE school_id = $1 AND day = $2 LIMIT $3`,
					sch, day, RetentionBatch)
				if err != nil {
					return checks, days, err
				}
				if len(people) == 0 {
					break
				}
				err = s.inTx(ctx, func(tx *Tx) error {
					return chunks(people, func(part []int64) error {
						in, args := inList(2, part)
						_, err := tx.ExecContext(ctx, `DELETE FROM person_days WHERE day = $1 AND person_id IN (`+in+`)`,
							append([]any{day}, args...)...)
						return err
					})
				})
				if err != nil {
					return checks, days, fmt.Errorf("retention: person days of %s: %w", day, err)
				}
				days += len(people)
			}
		}
		if err := ctx.Err(); err != nil {
			return checks, days, err
		}
	}
	return checks, days, nil
}

// keptChecks returns the ids of rows to delete, newest first: all but
// those in keep and the versions a kept check supersedes, transitively.
func keptChecks(rows []checkRow, keep map[int64]bool) []int64 {
	sup := make(map[int64]int64, len(rows))
	for _, c := range rows {
		sup[c.id] = c.supersedes
	}
	for id := range keep {
		for next := sup[id]; next != 0 && !keep[next]; next = sup[next] {
			keep[next] = true
		}
	}
	var del []int64
	for _, c := range rows {
		if !keep[c.id] {
			del = append(del, c.id)
		}
	}
	slices.Sort(del)
	slices.Reverse(del)
	return del
}

// firstDay returns the earliest day of any check or person's day of the
// schools, each found from its index.
func (s *Store) firstDay(ctx context.Context, schools []int64) (campusguard.Date, bool, error) {
	var first campusguard.Date
	found := false
	for _, sch := range schools {
		for _, q := range []string{`SELECT MIN(day) FROM checks WHERE school_id = $1`, `SELECT MIN(day) FROM person_days WHERE school_id = $1`} {
			var d sql.Null[campusguard.Date]
			if err := s.read.QueryRowContext(ctx, q, sch).Scan(&d); err != nil {
				return first, false, fmt.Errorf("retention: first day: %w", err)
			}
			if d.Valid && (!found || d.V.Before(first)) {
				first, found = d.V, true
			}
		}
	}
	return first, found, nil
}

// anonymiseLeavers anonymises the people of a region who left before cut:
// the file keeps its place (its school, its class, so stored figures and
// links hold) but nothing that names the person: name, ID number, birth
// date, gender, phone, residence, bed and route go, with the history, the
// guardians' links (a guardian left with no child is anonymised and their
// account closed), binding codes, the person's own account, and the free
// text that checks, follow-ups and cases hold about them.
func (s *Store) anonymiseLeavers(ctx context.Context, regionID int64, cut time.Time) (int, error) {
	total := 0
	for {
		ids, err := s.ids(ctx, `SELECT id FROM people WHERE region_id = $1 AND active = $2 AND anonymised_at IS NULL
			AND left_at < $3 ORDER BY id LIMIT $4`, regionID, false, cut.UTC(), anonymiseBatch)
		if err != nil {
			return total, fmt.Errorf("retention: leavers: %w", err)
		}
		if len(ids) == 0 {
			return total, nil
		}
		err = s.inTx(ctx, func(tx *Tx) error {
			for _, id := range ids {
				if err := anonymisePerson(ctx, tx, id); err != nil {
					return fmt.Errorf("anonymise person %d: %w", id, err)
				}
			}
			return nil
		})
		if err != nil {
			return total, err
		}
		total += len(ids)
	}
}

// anonymisePerson removes what names person id, in tx.
func anonymisePerson(ctx context.Context, tx *Tx, id int64) error {
	number := "#" + strconv.FormatInt(id, 10)
	exec := func(query string, args ...any) error {
		_, err := tx.ExecContext(ctx, query, args...)
		return err
	}
	var guardians []int64
	rows, err := tx.QueryContext(ctx, `SELECT guardian_id FROM guardian_students WHERE student_id = $1`, id)
	if err != nil {
		return err
	}
	for rows.Next() {
		var g int64
		if err := rows.Scan(&g); err != nil {
			rows.Close()
			return err
		}
		guardians = append(guardians, g)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	steps := []struct {
		q    string
		args []any
	}{
		{`UPDATE people SET name = $2, gender = '', id_number = NULL, birth_date = NULL, phone = '', number = $3,
			dorm_room_id = NULL, bed = '', bus_route_id = NULL, town = '', village = '', anonymised_at = $4, updated_at = $4
			WHERE id = $1`, []any{id, campusguard.Anonymised, number, tx.now}},
		{`DELETE FROM person_events WHERE person_id = $1`, []any{id}},
		{`DELETE FROM binding_codes WHERE student_id = $1`, []any{id}},
		{`DELETE FROM guardian_students WHERE student_id = $1`, []any{id}},
		{`DELETE FROM class_teachers WHERE staff_id = $1`, []any{id}},
		{`UPDATE bus_routes SET driver_id = NULL WHERE driver_id = $1`, []any{id}},
		{`UPDATE orgs SET head_teacher_id = NULL WHERE head_teacher_id = $1`, []any{id}},
		{`UPDATE checks SET reported_by = '', note = '' WHERE person_id = $1`, []any{id}},
		{`UPDATE followups SET note = '', diagnosis = '', done_by = '' WHERE person_id = $1`, []any{id}},
		{`UPDATE case_steps SET note = '', certificate = '' WHERE case_id IN (SELECT id FROM cases WHERE person_id = $1)`, []any{id}},
		{`UPDATE cases SET note = '', certificate = '', cleared_by = '' WHERE person_id = $1`, []any{id}},
	}
	for _, st := range steps {
		if err := exec(st.q, st.args...); err != nil {
			return err
		}
	}
	if err := closeAccounts(ctx, tx, `person_id = $1`, id); err != nil {
		return err
	}
	for _, g := range guardians {
		var others int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM guardian_students WHERE guardian_id = $1`, g).Scan(&others); err != nil {
			return err
		}
		if others > 0 {
			continue // still the guardian of a child the school keeps
		}
		if err := exec(`UPDATE guardians SET name = $2, phone = $3 WHERE id = $1`, g, campusguard.Anonymised,
			"#g"+strconv.FormatInt(g, 10)); err != nil {
			return err
		}
		if err := closeAccounts(ctx, tx, `guardian_id = $1`, g); err != nil {
			return err
		}
	}
	return nil
}

// closeAccounts disables the accounts that match where (with $1 = id),
// renames them so that no login names a person, and ends their sessions.
func closeAccounts(ctx context.Context, tx *Tx, where string, id int64) error {
	rows, err := tx.QueryContext(ctx, `SELECT id FROM users WHERE `+where, id)
	if err != nil {
		return err
	}
	var users []int64
	for rows.Next() {
		var u int64
		if err := rows.Scan(&u); err != nil {
			rows.Close()
			return err
		}
		users = append(users, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, u := range users {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET disabled = $2, login = $3, name = $4 WHERE id = $1`,
			u, true, "#u"+strconv.FormatInt(u, 10), campusguard.Anonymised); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, u); err != nil {
			return err
		}
	}
	return nil
}

// LastRetention returns when a region's retention job last ran, zero if
// never: the daily job runs once a day. The system's own read.
func (s *Store) LastRetention(ctx context.Context, regionID int64) (time.Time, error) {
	var at time.Time
	err := s.read.QueryRowContext(ctx, `SELECT at FROM audit_log WHERE object = $1 AND action = $2 ORDER BY at DESC LIMIT 1`,
		"org:"+strconv.FormatInt(regionID, 10), "retention").Scan(&at)
	if err == sql.ErrNoRows {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("last retention: %w", err)
	}
	return at.UTC(), nil
}
