package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"runtime/debug"
	"runtime/pprof"
	"time"

	"campusguard/internal/app"
	"campusguard/internal/logbuf"
)

// cmdServe runs the web server until ctx is done.
func cmdServe(ctx context.Context, env environment, args []string) error {
	fs, c := env.flags("serve")
	addr := fs.String("addr", env.env("CAMPUSGUARD_ADDR", "localhost:8080"), "listen address HOST:PORT (env CAMPUSGUARD_ADDR)")
	backups := backupFlags(env, fs)
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the whole run to this file, for measuring (issue 20)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *cpuprofile != "" {
		stop, err := startCPUProfile(*cpuprofile)
		if err != nil {
			return err
		}
		defer stop()
	}
	cfg, err := backups.config()
	if err != nil {
		return err
	}
	tuneGC()
	logger, flush := newLogger(env)
	defer flush()
	m := &app.Main{DB: c.db, Addr: *addr, Logger: logger, Backup: cfg, Now: serveClock}
	if err := m.Run(ctx); err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "campusguard is serving %s on %s\n", m.Store().Target(), m.URL())
	<-ctx.Done()
	return m.Close()
}

// startCPUProfile profiles the process into path until stop is called.
func startCPUProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// A serving process collects garbage less often than Go's default: at the
// default (GOGC=100) the collector's marking was a tenth of the server's CPU
// under a stream of single checks, at 400 under 3 % (docs/benchmarks.md,
// issue 20). The heap of a server is small (caches of tokens, statements
// and settings, and the requests in flight), so four times it is still
// small; the soft memory limit makes the collector run sooner if it ever is
// not. GOGC and GOMEMLIMIT in the environment, when set, win.
const (
	serverGCPercent   = 400
	serverMemoryLimit = 1 << 30 // bytes
)

// tuneGC applies the serving process's collector settings, unless the
// environment sets its own.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(serverGCPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(serverMemoryLimit)
	}
}

// serveClock is the server's clock: nil, the real one; the tests' TestMain
// sets a fake one shared by several server processes.
var serveClock func() time.Time

// logInterval is how long a serving process's log may hold lines under a
// burst (see internal/logbuf): its access log is a line a request.
const logInterval = 100 * time.Millisecond

// newLogger returns the serving process's logger and the flush to call
// before the process ends.
func newLogger(env environment) (*slog.Logger, func()) {
	w := logbuf.New(env.stderr, logInterval)
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelInfo})), func() { w.Flush() }
}
