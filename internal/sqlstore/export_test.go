package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"campusguard"
)

// SetCommitTimeout sets the group commit's deadline for a test and returns
// a function that restores it.
func SetCommitTimeout(d time.Duration) (restore func()) {
	old, oldWait := commitTimeout, closeWait
	commitTimeout, closeWait = d, d+time.Second
	return func() { commitTimeout, closeWait = old, oldWait }
}

// SetDetectComputed sets a function detection calls between computing its
// signals and writing them, and returns a function that removes it.
func SetDetectComputed(f func()) (restore func()) {
	detectComputed = f
	return func() { detectComputed = nil }
}

// CommitTogether commits checks as one group of single submissions, each
// its own request as RecordCheck makes them, the way the commit goroutine
// commits what queued while the previous commit ran, and returns each
// request's error (internal) and row error. It calls the group commit
// directly, so the test decides which requests share the group.
func CommitTogether(ctx context.Context, s *Store, checks []*campusguard.Check) (reqErrs, rowErrs []error, out []*campusguard.Check) {
	a, err := campusguard.RequireActor(ctx)
	if err != nil {
		panic(err)
	}
	var group []*groupRequest
	for _, c := range checks {
		if err := c.Validate(); err != nil {
			panic(err)
		}
		sb := &submission{actor: a, by: campusguard.ActorName(ctx), check: c}
		group = append(group, &groupRequest{ctx: ctx, subs: []*submission{sb}, done: make(chan error, 1)})
	}
	s.commitGroup(group)
	for _, r := range group {
		reqErrs = append(reqErrs, <-r.done)
		rowErrs = append(rowErrs, r.subs[0].err)
		out = append(out, r.subs[0].out)
	}
	return reqErrs, rowErrs, out
}

// ScanAll is scanAll, for its test.
func ScanAll[T any](rows *sql.Rows, scan func(*sql.Rows) (T, error)) ([]T, error) {
	return scanAll(rows, scan)
}

// CheckpointRuns returns how many background checkpoints ran and whether
// the last one failed (SQLite; 0 and false on PostgreSQL).
func CheckpointRuns(s *Store) (runs int64, failing bool) {
	if s.ckpt == nil {
		return 0, false
	}
	return s.ckpt.runs.Load(), s.ckpt.failing.Load()
}

// WriterCacheSize returns how many people and person-days the SQLite
// writer's cache holds.
func WriterCacheSize(s *Store) (people, days int) {
	s.wcache.mu.Lock()
	defer s.wcache.mu.Unlock()
	return len(s.wcache.people), len(s.wcache.days)
}

// DummyHash is the hash a sign-in with an unknown login is checked against.
func DummyHash() string { return dummyHash }

// Unpipelined makes s write check groups statement by statement on
// PostgreSQL, as before the pipeline, so a test can run both ways at once.
func Unpipelined(s *Store) { s.unpipelined = true }
