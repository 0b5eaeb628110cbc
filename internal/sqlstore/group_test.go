package sqlstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// blockWriter holds the check writer: on SQLite the one write connection,
// on PostgreSQL an exclusive lock on checks. The returned function lets go.
func blockWriter(t *testing.T, s *sqlstore.Store) func() {
	t.Helper()
	tx, err := s.WriteDB().BeginTx(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.Dialect() == "postgres" {
		if _, err := tx.Exec(`LOCK TABLE checks IN ACCESS EXCLUSIVE MODE`); err != nil {
			t.Fatal(err)
		}
	}
	var once bool
	return func() {
		if !once {
			once = true
			tx.Rollback()
		}
	}
}

func gateCheck(w *world, key string) *campusguard.Check {
	temp := 36.5
	return &campusguard.Check{PersonID: w.student.ID, Day: campusguard.Today(time.Now()), Kind: campusguard.GateCheck,
		Temperature: &temp, ClientKey: key}
}

// TestGroupCommitFailurePaths: a caller whose context ends while its
// commit waits goes at once; a commit that cannot finish fails by its
// deadline instead of holding every later submission, and the next commit
// works; a submission after Close is refused.
func TestGroupCommitFailurePaths(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustWorld(t, s)
		restore := sqlstore.SetCommitTimeout(300 * time.Millisecond)
		defer restore()
		if _, _, err := s.RecordCheck(ctx, gateCheck(w, "warm-up")); err != nil {
			t.Fatalf("RecordCheck = %v", err)
		}

		// A cancelled caller goes. The writer is let go after 20 s at
		// the latest, so without the fix the call returns nil then.
		release := blockWriter(t, s)
		safety := time.AfterFunc(20*time.Second, release)
		cctx, cancel := context.WithCancel(ctx)
		time.AfterFunc(100*time.Millisecond, cancel)
		_, _, err := s.RecordCheck(cctx, gateCheck(w, "cancelled"))
		if !errors.Is(err, context.Canceled) {
			t.Errorf("RecordCheck(cancelled while the writer is held) = %v, want context.Canceled", err)
		}
		release()
		safety.Stop()

		// A commit that cannot finish fails by its deadline.
		release = blockWriter(t, s)
		safety = time.AfterFunc(20*time.Second, release)
		_, _, err = s.RecordCheck(ctx, gateCheck(w, "stuck"))
		release()
		safety.Stop()
		if err == nil {
			t.Errorf("RecordCheck(writer held past the commit deadline) = nil, want an error")
		}
		if _, _, err := s.RecordCheck(ctx, gateCheck(w, "after")); err != nil {
			t.Errorf("RecordCheck after the stuck commit = %v", err)
		}

		// After Close, a submission is refused, not left waiting.
		s.Close()
		if _, _, err := s.RecordCheck(ctx, gateCheck(w, "closed")); err == nil {
			t.Error("RecordCheck after Close = nil, want an error")
		}
	})
}
