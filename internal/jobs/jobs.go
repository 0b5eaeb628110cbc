// Package jobs runs the scheduled work: each job at start and then at its
// interval, until the context ends. Jobs are idempotent, so two servers
// running the same job, or a job running twice after a restart, do no harm;
// tests call the job functions directly.
package jobs

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// Job is one piece of scheduled work.
type Job struct {
	Name  string
	Every time.Duration
	Run   func(ctx context.Context) error
}

// Runner runs jobs in the background.
type Runner struct {
	Jobs   []Job
	Logger *slog.Logger
	wg     sync.WaitGroup
}

// Start runs every job now and then at its interval, until ctx is done.
func (r *Runner) Start(ctx context.Context) {
	for _, j := range r.Jobs {
		r.wg.Add(1)
		go func() {
			defer r.wg.Done()
			t := time.NewTicker(j.Every)
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

func (r *Runner) once(ctx context.Context, j Job) {
	start := time.Now()
	if err := j.Run(ctx); err != nil && ctx.Err() == nil {
		r.Logger.Error("job failed", "job", j.Name, "err", err)
		return
	}
	r.Logger.Debug("job done", "job", j.Name, "ms", time.Since(start).Milliseconds())
}

// Wait returns when every job has stopped.
func (r *Runner) Wait() { r.wg.Wait() }
