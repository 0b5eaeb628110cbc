package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"campusguard"
)

// guardiansKnownElsewhere returns, of the given guardians, those a school
// may not link to another child by phone alone: a guardian with an account,
// or with a child at another school. Such a guardian is linked only through
// their own confirmation, a binding code (RedeemBindingCode); otherwise a
// school that typed another school's parent's phone would rename that
// parent and hand their account a child.
func guardiansKnownElsewhere(ctx context.Context, q queryer, schoolID int64, ids []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	for _, id := range ids {
		var n int
		err := q.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM users WHERE guardian_id = $1) +
			(SELECT COUNT(*) FROM guardian_students gs JOIN people p ON p.id = gs.student_id
			 WHERE gs.guardian_id = $1 AND p.school_id <> $2)`, id, schoolID).Scan(&n)
		if err != nil {
			return nil, fmt.Errorf("guardian %d known elsewhere: %w", id, err)
		}
		if n > 0 {
			out[id] = true
		}
	}
	return out, nil
}

// isNotFound reports whether a lookup's error says the row is not there,
// as opposed to a failure to look (an outage), which must surface as an
// internal error and be logged, not read as "not found".
func isNotFound(err error) bool {
	return errors.Is(err, sql.ErrNoRows) || campusguard.ErrorCode(err) == campusguard.NotFound
}
