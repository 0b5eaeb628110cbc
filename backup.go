package campusguard

import (
	"context"
	"time"
)

// BackupRun is one backup of the database, made by the server's schedule
// or by the backup command, that worked or failed.
type BackupRun struct {
	ID         int64     `json:"id"`
	StartedAt  time.Time `json:"started_at"`
	FinishedAt time.Time `json:"finished_at"`
	Source     string    `json:"source"` // BackupScheduled or BackupCommand
	File       string    `json:"file"`   // the backup file's path on the server
	Size       int64     `json:"size_bytes"`
	OK         bool      `json:"ok"`
	Error      string    `json:"error,omitempty"` // what failed, for the administrator
}

// Where a backup came from.
const (
	BackupScheduled = "scheduled" // serve's --backup-every
	BackupCommand   = "command"   // campusguard backup
)

// BackupStatus is what the system administrator's page shows of the
// backups: the schedule, the last good one and the recent runs.
type BackupStatus struct {
	Dir       string        `json:"dir"`   // where scheduled backups go; "" when none are scheduled
	Every     time.Duration `json:"every"` // between scheduled backups
	Keep      int           `json:"keep"`  // scheduled backups kept
	LastGood  *BackupRun    `json:"last_good"`
	Recent    []*BackupRun  `json:"recent"`
	Retention []*AuditEntry `json:"retention"` // the retention job's latest runs
}

// SystemService reads the state of the installation: backups and the
// retention job. System administrators only.
type SystemService interface {
	// FindBackups returns the latest backup runs, newest first, and the
	// last one that worked. Forbidden for anyone but a system admin.
	FindBackups(ctx context.Context, limit int) (recent []*BackupRun, lastGood *BackupRun, err error)
	// RetentionRuns returns the retention job's latest runs (their audit
	// lines), newest first. Forbidden for anyone but a system admin.
	RetentionRuns(ctx context.Context, limit int) ([]*AuditEntry, error)
}
