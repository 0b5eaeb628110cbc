package jobs

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"
)

func TestRunner(t *testing.T) {
	var runs, fails atomic.Int32
	ctx, cancel := context.WithCancel(context.Background())
	r := &Runner{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Jobs: []Job{
		{Name: "count", Every: 5 * time.Millisecond, Run: func(context.Context) error { runs.Add(1); return nil }},
		{Name: "fail", Every: 5 * time.Millisecond, Run: func(context.Context) error { fails.Add(1); return errors.New("boom") }},
	}}
	r.Start(ctx)
	deadline := time.Now().Add(5 * time.Second)
	for (runs.Load() < 3 || fails.Load() < 3) && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	cancel()
	r.Wait()
	if runs.Load() < 3 || fails.Load() < 3 {
		t.Errorf("runs = %d, fails = %d; want each job to keep running, failures included", runs.Load(), fails.Load())
	}
	after := runs.Load()
	time.Sleep(20 * time.Millisecond)
	if runs.Load() != after {
		t.Errorf("a job ran after the runner stopped")
	}
}
