package sqlstore

import (
	"context"
	"errors"
	"time"

	"campusguard"
	"campusguard/internal/auth"
)

// maxLoginLen is the longest login a sign-in looks up: logins are at most
// 64 characters (CreateUser), so a longer one is refused before anything is
// hashed or stored.
const maxLoginLen = 64

// maxPasswordLen is the longest password a sign-in hashes, in bytes: a
// password is at most 128 characters of up to 4 bytes.
const maxPasswordLen = 4 * 128

// busyError is the answer when every hashing slot is taken: try again in a
// moment (429 with Retry-After).
func busyError() error {
	return &campusguard.Error{Code: campusguard.TooManyRequests, Message: "error.throttled", Args: []any{2}, Err: auth.ErrBusy}
}

// hashErr turns auth.ErrBusy into busyError.
func hashErr(err error) error {
	if errors.Is(err, auth.ErrBusy) {
		return busyError()
	}
	return err
}

// claimAttempt checks the throttle of keys and, when none is throttled,
// counts this attempt as a failure of each, in one transaction: parallel
// attempts cannot all pass the check before any failure is recorded.
// A success forgets the keys (forgetAttempts); a check that never ran
// gives the attempt back (unclaimAttempt).
func (s *Store) claimAttempt(ctx context.Context, keys []string) error {
	return s.inTx(ctx, func(tx *Tx) error {
		for _, k := range keys {
			// The upsert locks the row (PostgreSQL) or the database
			// (SQLite) until commit, and returns its latest values.
			var n int
			var last time.Time
			if err := tx.QueryRowContext(ctx, `INSERT INTO login_failures (key, failures, last_at) VALUES ($1, 0, $2)
				ON CONFLICT (key) DO UPDATE SET failures = login_failures.failures RETURNING failures, last_at`, k, tx.now).
				Scan(&n, &last); err != nil {
				return err
			}
			if wait := last.Add(campusguard.ThrottleDelay(n)).Sub(tx.now); wait > 0 {
				return campusguard.Errorf(campusguard.TooManyRequests, "error.throttled", int(wait.Seconds()+0.999))
			}
		}
		return recordFailure(ctx, tx, keys)
	})
}

// unclaimAttempt gives back an attempt claimed by claimAttempt whose
// password was never checked (no hashing slot was free).
func (s *Store) unclaimAttempt(ctx context.Context, keys []string) error {
	return s.inTx(ctx, func(tx *Tx) error {
		for _, k := range keys {
			if _, err := tx.ExecContext(ctx, `UPDATE login_failures SET failures = failures - 1 WHERE key = $1 AND failures > 0`, k); err != nil {
				return err
			}
		}
		return nil
	})
}

// forgetAttempts clears the failures of keys after a success.
func forgetAttempts(ctx context.Context, tx *Tx, keys []string) error {
	for _, k := range keys {
		if _, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE key = $1`, k); err != nil {
			return err
		}
	}
	return nil
}
