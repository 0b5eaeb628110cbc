package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"campusguard"
)

// A lease is one server's claim on a scheduled job's run for a period (the
// open-day job for a half hour, the reminders for a morning, detection for
// an hour, the briefing for a day). Several servers share the database;
// the one that takes the lease does the work, and the row then records it
// as done, or failed. A lease whose owner died (it expires unfinished) or
// whose run failed is taken again by whichever server asks next: every job
// is idempotent for its period, so work left half done is finished, not
// repeated. On SQLite the one server takes every lease through the same
// code.

// takeLeaseSQL inserts the lease, or takes over one that expired unfinished
// or failed; it returns no row when another server holds it or it is done.
// A lease is free again once failed: its expiry is set to the failure.
const takeLeaseSQL = `INSERT INTO job_leases (job, period, owner, taken_at, expires_at) VALUES ($1, $2, $3, $4, $5)
	ON CONFLICT (job, period) DO UPDATE SET owner = excluded.owner, taken_at = excluded.taken_at,
		expires_at = excluded.expires_at, error = '',
		takeovers = job_leases.takeovers + CASE WHEN job_leases.error = '' THEN 1 ELSE 0 END
	WHERE job_leases.done_at IS NULL AND job_leases.expires_at <= excluded.taken_at
	RETURNING takeovers`

// TakeLease tries to take job's lease for period as owner until now+ttl.
// taken says whether this caller now holds it; takeover, whether it took
// it from an owner that neither finished nor failed in time (a server that
// died). The insert decides who holds the lease; the read before it only
// tells a takeover from a retry, for the metrics. System only.
func (s *Store) TakeLease(ctx context.Context, job, period, owner string, now time.Time, ttl time.Duration) (taken, takeover bool, err error) {
	if a, err := campusguard.RequireActor(ctx); err != nil || !a.System {
		return false, false, forbidden()
	}
	now = now.UTC().Truncate(time.Microsecond)
	var prevOwner, prevErr string
	var prevDone sql.NullTime
	err = s.write.QueryRowContext(ctx, `SELECT owner, done_at, error FROM job_leases WHERE job = $1 AND period = $2`,
		job, period).Scan(&prevOwner, &prevDone, &prevErr)
	switch {
	case err == sql.ErrNoRows:
	case err != nil:
		return false, false, fmt.Errorf("take lease %s %s: %w", job, period, err)
	case prevDone.Valid:
		return false, false, nil // done
	}
	err = s.inTx(ctx, func(tx *Tx) error {
		var n int
		err := tx.QueryRowContext(ctx, takeLeaseSQL, job, period, owner, now, now.Add(ttl)).Scan(&n)
		if err == sql.ErrNoRows {
			return nil
		}
		taken = err == nil
		return err
	})
	if err != nil {
		return false, false, fmt.Errorf("take lease %s %s: %w", job, period, err)
	}
	return taken, taken && prevOwner != "" && prevErr == "", nil
}

// FinishLease records the end of owner's run of job for period: done, or
// failed (failure is the error), which frees the lease for the next try.
// It reports false when the lease was no longer owner's (it expired and
// another server took it over). System only.
func (s *Store) FinishLease(ctx context.Context, job, period, owner string, now time.Time, failure string) (bool, error) {
	if a, err := campusguard.RequireActor(ctx); err != nil || !a.System {
		return false, forbidden()
	}
	now = now.UTC().Truncate(time.Microsecond)
	if len(failure) > 500 {
		failure = failure[:500]
	}
	var done any
	if failure == "" {
		done = now
	}
	var n int64
	err := s.inTx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE job_leases SET done_at = $1, error = $2, expires_at = $3
			WHERE job = $4 AND period = $5 AND owner = $6 AND done_at IS NULL`, done, failure, now, job, period, owner)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return false, fmt.Errorf("finish lease %s %s: %w", job, period, err)
	}
	return n == 1, nil
}

// JobRuns returns the latest run of each job, by name: for the system
// administrator's page. System administrators and the system only.
func (s *Store) JobRuns(ctx context.Context) ([]*campusguard.JobRun, error) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	if !a.System && !hasRole(a, campusguard.SystemAdmin) {
		return nil, forbidden()
	}
	rows, err := s.read.QueryContext(ctx, `SELECT l.job, l.period, l.owner, l.taken_at, l.expires_at, l.done_at, l.error, l.takeovers
		FROM job_leases l WHERE l.taken_at = (SELECT MAX(m.taken_at) FROM job_leases m WHERE m.job = l.job)
		ORDER BY l.job`)
	if err != nil {
		return nil, fmt.Errorf("job leases: %w", err)
	}
	defer rows.Close()
	var out []*campusguard.JobRun
	now := s.Now()
	for rows.Next() {
		l := &campusguard.JobRun{}
		var done sql.NullTime
		if err := rows.Scan(&l.Job, &l.Period, &l.Owner, &l.TakenAt, &l.ExpiresAt, &done, &l.Error, &l.Takeovers); err != nil {
			return nil, err
		}
		if done.Valid {
			t := done.Time
			l.DoneAt = &t
		}
		l.State = campusguard.JobStateAt(l, now)
		out = append(out, l)
	}
	return out, rows.Err()
}
