package app

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"campusguard"
	"campusguard/internal/backup"
	"campusguard/internal/jobs"
	"campusguard/internal/sqlstore"

	"github.com/prometheus/client_golang/prometheus"
)

// BackupExt is the extension of backup files.
const BackupExt = ".cgbak"

// BackupName returns the file name of a backup taken at t:
// campusguard-20261130T020000Z.cgbak, which sorts by time.
func BackupName(t time.Time) string {
	return "campusguard-" + t.UTC().Format("20060102T150405Z") + BackupExt
}

// BackupNow backs the store up into path and notes the run in the store
// (a failure is an alert in the system administrators' inboxes). The run
// is returned with the error, if any.
func BackupNow(ctx context.Context, store *sqlstore.Store, dsn, path, source string, opt backup.Options) (*campusguard.BackupRun, *backup.Manifest, error) {
	run := &campusguard.BackupRun{StartedAt: time.Now().UTC(), Source: source, File: path}
	m, err := backup.Create(ctx, store, dsn, path, opt)
	run.FinishedAt = time.Now().UTC()
	if err == nil {
		run.OK, run.Size = true, HeaderAndPayload(m)
	} else {
		run.Error = err.Error()
	}
	if rerr := store.RecordBackup(campusguard.SystemContext(context.WithoutCancel(ctx), "backup"), run); rerr != nil && err == nil {
		err = fmt.Errorf("backup written, but not recorded: %w", rerr)
	}
	return run, m, err
}

// HeaderAndPayload is a backup file's size.
func HeaderAndPayload(m *backup.Manifest) int64 { return backup.HeaderSize + m.Size }

// BackupConfig is the schedule of serve's backups.
type BackupConfig struct {
	Dir   string        // where backups go; "" schedules none
	Every time.Duration // between backups
	Keep  int           // how many scheduled backups to keep
}

// backupScheduler makes the scheduled backups.
type backupScheduler struct {
	cfg      BackupConfig
	store    *sqlstore.Store
	dsn      string
	logger   *slog.Logger
	failures atomic.Int64
	duration atomic.Int64 // of the last backup that worked, in ms
}

// job returns the scheduled job: it looks often (every tenth of the
// interval, at most every 10 minutes) and backs up once the newest backup
// in the directory is an interval old, so a restart neither skips a
// backup nor takes one more.
func (b *backupScheduler) job() jobs.Job {
	every := min(b.cfg.Every/10, 10*time.Minute)
	return jobs.Job{Name: "backup", Every: max(every, time.Second), Run: b.run}
}

func (b *backupScheduler) run(ctx context.Context) error {
	newest, err := b.files()
	if err != nil {
		// A directory that cannot be made or read fails the backup like any
		// other cause: noted, and an alert in the administrators' inboxes.
		b.failures.Add(1)
		now := time.Now().UTC()
		run := &campusguard.BackupRun{StartedAt: now, FinishedAt: now, Source: campusguard.BackupScheduled, File: b.cfg.Dir,
			Error: err.Error()}
		if rerr := b.store.RecordBackup(campusguard.SystemContext(context.WithoutCancel(ctx), "backup"), run); rerr != nil {
			err = fmt.Errorf("%w; and not recorded: %v", err, rerr)
		}
		return fmt.Errorf("scheduled backup: %w", err)
	}
	now := time.Now()
	if n := len(newest); n > 0 {
		if t, ok := backupTime(newest[n-1]); ok && now.Sub(t) < b.cfg.Every-time.Second {
			return nil
		}
	}
	path := filepath.Join(b.cfg.Dir, BackupName(now))
	run, _, err := BackupNow(ctx, b.store, b.dsn, path, campusguard.BackupScheduled, backup.Options{})
	if err != nil {
		b.failures.Add(1)
		return fmt.Errorf("scheduled backup: %w", err)
	}
	b.duration.Store(run.FinishedAt.Sub(run.StartedAt).Milliseconds())
	b.logger.Info("backup written", "file", path, "bytes", run.Size, "ms", run.FinishedAt.Sub(run.StartedAt).Milliseconds())
	return b.prune()
}

// files lists the backups in the directory, oldest first.
func (b *backupScheduler) files() ([]string, error) {
	if err := os.MkdirAll(b.cfg.Dir, 0o750); err != nil {
		return nil, fmt.Errorf("backup dir: %w", err)
	}
	entries, err := os.ReadDir(b.cfg.Dir)
	if err != nil {
		return nil, fmt.Errorf("backup dir: %w", err)
	}
	var out []string
	for _, e := range entries {
		if _, ok := backupTime(e.Name()); ok && !e.IsDir() {
			out = append(out, e.Name())
		}
	}
	slices.Sort(out)
	return out, nil
}

// prune removes the oldest backups beyond Keep.
func (b *backupScheduler) prune() error {
	names, err := b.files()
	if err != nil {
		return err
	}
	for len(names) > max(b.cfg.Keep, 1) {
		if err := os.Remove(filepath.Join(b.cfg.Dir, names[0])); err != nil {
			return fmt.Errorf("prune backups: %w", err)
		}
		names = names[1:]
	}
	return nil
}

// backupTime reads the time in a backup's file name.
func backupTime(name string) (time.Time, bool) {
	s, ok := strings.CutPrefix(name, "campusguard-")
	if !ok {
		return time.Time{}, false
	}
	s, ok = strings.CutSuffix(s, BackupExt)
	if !ok {
		return time.Time{}, false
	}
	t, err := time.Parse("20060102T150405Z", s)
	return t, err == nil
}

// collectors returns the backup metrics: the last good backup's time and
// size (from the store, so they survive a restart), the last one's
// duration and the failures since start.
func (b *backupScheduler) collectors() []prometheus.Collector {
	last := func(pick func(time.Time, int64) float64) func() float64 {
		return func() float64 {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			at, size, err := b.store.LastBackup(ctx)
			if err != nil {
				b.logger.Warn("metrics: last backup", "err", err)
				return 0
			}
			return pick(at, size)
		}
	}
	return []prometheus.Collector{
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "campusguard_backup_last_success_timestamp_seconds",
			Help: "When the last backup that worked finished (Unix time); 0 if none."},
			last(func(at time.Time, _ int64) float64 {
				if at.IsZero() {
					return 0
				}
				return float64(at.Unix())
			})),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "campusguard_backup_last_size_bytes",
			Help: "The size of the last backup that worked, in bytes."},
			last(func(_ time.Time, size int64) float64 { return float64(size) })),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "campusguard_backup_last_duration_seconds",
			Help: "How long the last scheduled backup that worked took."},
			func() float64 { return float64(b.duration.Load()) / 1000 }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "campusguard_backup_failures_total",
			Help: "Scheduled backups that failed since the server started."},
			func() float64 { return float64(b.failures.Load()) }),
	}
}

// scheduler returns the program's backup scheduler, made on first use.
func (m *Main) scheduler() *backupScheduler {
	if m.backups == nil {
		dsn := m.DB
		if m.Open != nil && dsn == "" {
			dsn = m.store.Target()
		}
		m.backups = &backupScheduler{cfg: m.Backup, store: m.store, dsn: dsn, logger: m.Logger}
	}
	return m.backups
}

// backupJobs returns the scheduled backup's job, if backups are scheduled.
func (m *Main) backupJobs() []jobs.Job {
	if m.Backup.Dir == "" || m.Backup.Every <= 0 {
		return nil
	}
	return []jobs.Job{m.scheduler().job()}
}
