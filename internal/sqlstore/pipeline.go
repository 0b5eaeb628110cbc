package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"slices"
	"time"

	"campusguard"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// recordPipelined stores a batch of checks on PostgreSQL as recordBatch
// does, in the same transaction and with the same person locks, but in
// about two round trips instead of twelve: BEGIN and every read the batch
// needs are sent together, the rows are applied in memory with the same
// code, and every write and COMMIT are sent together (a pgx pipeline on the
// connection beneath database/sql). Measured, each round trip of a group
// cost 0.5–1 ms while the clients of the group waited for all of them
// (docs/benchmarks.md, issue 15).
//
// A batch whose rows open or join cases sends its checks with one more
// pipeline, which reads what the cases need (pipeline_cases.go). A batch
// that opens or drops a follow-up writes those through database/sql on the
// same connection and in the same transaction, as recordBatch does: the
// roll-up counts a follow-up only if it was not there.
func (s *Store) recordPipelined(ctx context.Context, subs []*submission) (err error) {
	conn, err := s.write.Conn(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer conn.Close()
	tx := &Tx{conn: conn, now: s.Now().UTC().Truncate(time.Microsecond), s: s}
	open := false // a transaction is open on conn: roll it back on failure
	defer func() {
		if open && err != nil {
			if _, rbErr := conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK"); rbErr != nil {
				// A connection that cannot roll back goes, rather than
				// back to the pool in a transaction.
				conn.Raw(func(any) error { return driver.ErrBadConn })
			}
		}
	}()
	b := newBatch(subs)
	var ids []int64
	err = pipeline(ctx, conn, func(pc *pgx.Conn) error {
		open = true
		var err error
		ids, err = s.pipelinedReads(ctx, pc, b)
		return err
	})
	if err != nil {
		return mapError(err)
	}
	// The fever threshold as recordBatch reads it: from the store's cache,
	// or on a miss (once a region and 30 s) in the transaction.
	err = b.apply(tx.now, ids, func(region int64) (float64, error) { return s.feverThreshold(ctx, tx, region) })
	if err != nil {
		return mapError(err)
	}
	var writes []statement
	checks := append(b.superseding(), b.checkRows().statements()...)
	if b.opensCases() {
		// The checks go with what their cases need to read; the cases'
		// writes go with the rest (pipeline_cases.go).
		err := pipeline(ctx, conn, func(pc *pgx.Conn) error {
			var err error
			writes, err = s.pipelinedCases(ctx, pc, b, checks, tx.now)
			return err
		})
		if err != nil {
			return mapError(err)
		}
	} else {
		writes = checks
	}
	// summarize writes through tx only for a follow-up opened or dropped.
	if err := b.summarize(ctx, tx); err != nil {
		return mapError(err)
	}
	writes = append(writes, b.dayRows().statements()...)
	writes = append(writes, b.rollupRows().statements()...)
	err = pipeline(ctx, conn, func(pc *pgx.Conn) error {
		err := send(ctx, pc, append(writes, statement{sql: "COMMIT"}))
		if err == nil {
			open = false
		}
		return err
	})
	if err != nil {
		return mapError(fmt.Errorf("commit: %w", err))
	}
	for _, f := range tx.afterCommit {
		f()
	}
	return nil
}

// pipeline runs fn with the pgx connection beneath conn.
func pipeline(ctx context.Context, conn *sql.Conn, fn func(pc *pgx.Conn) error) error {
	return conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("pipeline: not a pgx connection (%T)", dc)
		}
		return fn(c.Conn())
	})
}

// send sends statements in one pipeline and waits for all their results.
func send(ctx context.Context, pc *pgx.Conn, statements []statement) error {
	bt := &pgx.Batch{}
	for _, st := range statements {
		bt.Queue(st.sql, st.args...)
	}
	return pc.SendBatch(ctx, bt).Close()
}

// readNext reads the next query's rows of a pipeline with scan.
func readNext(br pgx.BatchResults, what string, scan func(rows pgx.Rows) error) error {
	rows, err := br.Query()
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	if err := scan(rows); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return rows.Err()
}

// eachRow is a scan of readNext that calls row for each row.
func eachRow(row func(rows pgx.Rows) error) func(rows pgx.Rows) error {
	return func(rows pgx.Rows) error {
		for rows.Next() {
			if err := row(rows); err != nil {
				return err
			}
		}
		return rows.Err()
	}
}

// genericPlans makes PostgreSQL plan the writer's statements once per
// connection and reuse the plan, rather than plan them again with each
// group's parameters (by default it makes custom plans for a prepared
// statement's first five runs, and after them whenever a custom plan looks
// cheaper; a group's inserts differ in their number of rows, each number a
// statement of its own). Every statement of a group finds rows by key or
// inserts them, so one plan serves every group. Measured under home
// reports, planning fell from 5.5 % to 1.6 % of the machine's CPU (perf,
// docs/benchmarks.md, issue 15). LOCAL: the setting ends with the group's
// transaction, so the pool's other uses keep PostgreSQL's choice.
const genericPlans = `SET LOCAL plan_cache_mode = force_generic_plan`

// pipelinedReads sends BEGIN and the batch's reads in one pipeline: its
// people, locked in id order as recordBatch locks them (the statements
// after it run once the locks are held, each seeing what committed before
// it began); the checks already stored under its client keys; the current
// checks and stored status of the days it touches; and ids for its new
// rows. It returns the ids.
func (s *Store) pipelinedReads(ctx context.Context, pc *pgx.Conn, b *batch) ([]int64, error) {
	var people []int64
	var keys []string
	days := map[campusguard.Date][]int64{}
	for _, sb := range b.subs {
		c := sb.check
		people = append(people, c.PersonID)
		keys = append(keys, c.ClientKey)
		days[c.Day] = append(days[c.Day], c.PersonID)
	}
	slices.Sort(people)
	people = slices.Compact(people)
	slices.Sort(keys)
	keys = slices.Compact(keys)
	order := make([]campusguard.Date, 0, len(days))
	for day, ids := range days {
		slices.Sort(ids)
		days[day] = slices.Compact(ids)
		order = append(order, day)
	}
	slices.SortFunc(order, campusguard.Date.Compare)

	bt := &pgx.Batch{}
	bt.Queue("BEGIN")
	bt.Queue(genericPlans)
	bt.Queue(`SELECT `+batchPeopleColumns+` FROM people p WHERE p.id = ANY($1)
		ORDER BY p.id`+s.dialect.lockRows, people)
	bt.Queue(`SELECT `+checkColumns+` FROM checks c WHERE c.client_key = ANY($1)
		AND c.region_id IN (SELECT region_id FROM people WHERE id = ANY($2))`, keys, people)
	for _, day := range order {
		bt.Queue(`SELECT `+checkColumns+` FROM checks c WHERE c.day = $1 AND c.current = TRUE
			AND c.person_id = ANY($2)`, day, days[day])
		bt.Queue(`SELECT person_id, reported, abnormal, fever, absent, ill_absent FROM person_days
			WHERE day = $1 AND person_id = ANY($2)`, day, days[day])
	}
	bt.Queue(`SELECT nextval(pg_get_serial_sequence('checks', 'id')) FROM generate_series(1, $1)`, len(b.subs))

	br := pc.SendBatch(ctx, bt)
	defer br.Close()
	for range 2 {
		if _, err := br.Exec(); err != nil {
			return nil, fmt.Errorf("begin: %w", err)
		}
	}
	read := func(what string, scan func(rows pgx.Rows) error) error { return readNext(br, what, scan) }
	if err := read("batch people", func(rows pgx.Rows) error { return b.scanPeople(rows) }); err != nil {
		return nil, err
	}
	// Access decides which rows stand; the days are made for those, and
	// only their current checks and status are kept.
	b.access()
	b.byDay()
	// Keys are read for every row; only those of the person's region count.
	if err := read("batch keys", func(rows pgx.Rows) error { return b.scanSeen(rows) }); err != nil {
		return nil, err
	}
	for _, day := range order {
		if err := read("batch current checks", func(rows pgx.Rows) error { return b.scanCurrent(rows, day) }); err != nil {
			return nil, err
		}
		if err := read("batch person days", func(rows pgx.Rows) error { return b.scanDays(rows, day) }); err != nil {
			return nil, err
		}
	}
	var ids []int64
	err := read("check ids", func(rows pgx.Rows) (err error) {
		ids, err = pgx.CollectRows(rows, pgx.RowTo[int64])
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := br.Close(); err != nil {
		return nil, err
	}
	return ids, nil
}
