// Package jobs runs the scheduled work: each job at start and then at its
// interval, until the context ends.
//
// Several servers may share one database. A job with a Period is run for
// each of its periods by exactly one of them: the runner takes the
// period's lease from the database before running it and records it done
// (or failed) after. A server that dies holding a lease loses it when it
// expires, and the next server to ask takes it over and does the work;
// jobs are idempotent for their period, so what the dead server half did
// is finished, not repeated. A job without a Period runs on every server
// (webhook delivery, which claims each delivery instead). Tests call
// RunDue with a fake clock.
package jobs

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Job is one piece of scheduled work.
type Job struct {
	Name  string
	Every time.Duration
	Run   func(ctx context.Context) error
	// Period names the period that now falls in, whose work one server
	// does once ("2026-11-30" for a daily job), or "" when the job has
	// nothing to do at now (before the morning's reminders). Nil: no
	// lease; the job runs on every server at every tick.
	Period func(now time.Time) string
	// Lease is how long a server may hold the period's lease before it
	// counts as dead and another may take over; 0 means DefaultLease.
	Lease time.Duration
}

// DefaultLease is how long a job's lease lasts unless the job says.
const DefaultLease = 5 * time.Minute

// Leases is the database's record of who does which period's work.
type Leases interface {
	TakeLease(ctx context.Context, job, period, owner string, now time.Time, ttl time.Duration) (taken, takeover bool, err error)
	FinishLease(ctx context.Context, job, period, owner string, now time.Time, failure string) (bool, error)
}

// Stats are a job's counts on this server, for /metrics.
type Stats struct {
	Runs, Failures, Takeovers, Skipped atomic.Int64
}

// Runner runs jobs in the background.
type Runner struct {
	Jobs   []Job
	Logger *slog.Logger
	Leases Leases           // nil: every job runs here without a lease
	Owner  string           // this server, as leases name it
	Now    func() time.Time // nil: time.Now
	// LeaseCtx gives the context for the lease calls (the store wants an
	// acting system); nil: ctx as it is.
	LeaseCtx func(ctx context.Context) context.Context

	wg    sync.WaitGroup
	mu    sync.Mutex
	stats map[string]*Stats
}

// Start runs every job now and then at its interval, until ctx is done.
func (r *Runner) Start(ctx context.Context) {
	for _, j := range r.Jobs {
		r.wg.Add(1)
		go func() {
			defer r.wg.Done()
			every := j.Every
			if TestEvery > 0 {
				every = TestEvery
			}
			t := time.NewTicker(every)
			defer t.Stop()
			for {
				r.once(ctx, j)
				select {
				case <-ctx.Done():
					return
				case <-t.C:
				}
			}
		}()
	}
}

// RunDue runs every job once, now, as a tick would: tests drive the
// runner with it and a fake clock.
func (r *Runner) RunDue(ctx context.Context) {
	for _, j := range r.Jobs {
		r.once(ctx, j)
	}
}

// Stats returns the job's counts on this server.
func (r *Runner) Stats(job string) *Stats {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stats == nil {
		r.stats = map[string]*Stats{}
	}
	st := r.stats[job]
	if st == nil {
		st = &Stats{}
		r.stats[job] = st
	}
	return st
}

func (r *Runner) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

func (r *Runner) once(ctx context.Context, j Job) {
	st := r.Stats(j.Name)
	start := time.Now()
	period, lctx := "", ctx
	if j.Period != nil && r.Leases != nil {
		if period = j.Period(r.now()); period == "" {
			return // nothing to do yet
		}
		if r.LeaseCtx != nil {
			lctx = r.LeaseCtx(ctx)
		}
		ttl := j.Lease
		if ttl <= 0 {
			ttl = DefaultLease
		}
		taken, takeover, err := r.Leases.TakeLease(lctx, j.Name, period, r.Owner, r.now(), ttl)
		if err != nil {
			if ctx.Err() == nil {
				st.Failures.Add(1)
				r.Logger.Error("job lease failed", "job", j.Name, "period", period, "err", err)
			}
			return
		}
		if !taken {
			st.Skipped.Add(1)
			return // another server does it, or it is done
		}
		if takeover {
			st.Takeovers.Add(1)
			r.Logger.Warn("job lease taken over", "job", j.Name, "period", period, "owner", r.Owner)
		}
		if TestHookLeaseTaken != nil {
			TestHookLeaseTaken(j.Name, period)
		}
	}
	st.Runs.Add(1)
	err := j.Run(ctx)
	if err != nil {
		st.Failures.Add(1)
		if ctx.Err() == nil {
			r.Logger.Error("job failed", "job", j.Name, "period", period, "err", err)
		}
	} else {
		r.Logger.Debug("job done", "job", j.Name, "period", period, "ms", time.Since(start).Milliseconds())
	}
	if period == "" {
		return
	}
	failure := ""
	if err != nil {
		failure = err.Error() // frees the lease for the next try, here or elsewhere
	}
	if ok, ferr := r.Leases.FinishLease(context.WithoutCancel(lctx), j.Name, period, r.Owner, r.now(), failure); ferr != nil {
		r.Logger.Error("job lease not recorded", "job", j.Name, "period", period, "err", ferr)
	} else if !ok {
		r.Logger.Warn("job lease lost before the job ended: it ran past its lease", "job", j.Name, "period", period)
	}
}

// TestHookLeaseTaken, when set, is called once a lease is taken, before the
// job runs: a test makes a server stall there, holding the lease, and kills
// it.
var TestHookLeaseTaken func(job, period string)

// TestEvery, when set, replaces every job's interval: tests of several
// server processes make them tick fast.
var TestEvery time.Duration

// Wait returns when every job has stopped.
func (r *Runner) Wait() { r.wg.Wait() }
