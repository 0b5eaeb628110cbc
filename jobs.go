package campusguard

import (
	"context"
	"time"
)

// JobRun is the record of a scheduled job's run for one period (a day, an
// hour), kept by the lease through which one of several servers took the
// work.
type JobRun struct {
	Job       string     `json:"job"`
	Period    string     `json:"period"`
	Owner     string     `json:"owner"` // the server: host/process/random
	TakenAt   time.Time  `json:"taken_at"`
	ExpiresAt time.Time  `json:"expires_at"`
	DoneAt    *time.Time `json:"done_at"`
	Error     string     `json:"error"`     // the last failure, while not done
	Takeovers int        `json:"takeovers"` // times another server took over a lease left unfinished
	State     JobState   `json:"state"`
}

// JobState is where a job's run for its period stands.
type JobState string

// The states of a job's run.
const (
	JobDone    JobState = "done"
	JobFailed  JobState = "failed"  // free for the next try
	JobRunning JobState = "running" // its server holds the lease
	JobExpired JobState = "expired" // its server did not finish in time; the next to ask takes it over
)

// JobStateAt says where a run stands at now.
func JobStateAt(r *JobRun, now time.Time) JobState {
	switch {
	case r.DoneAt != nil:
		return JobDone
	case r.Error != "":
		return JobFailed
	case now.Before(r.ExpiresAt):
		return JobRunning
	default:
		return JobExpired
	}
}

// JobService reads the scheduled jobs' runs. System administrators only.
type JobService interface {
	// JobRuns returns each job's latest run, by job name.
	JobRuns(ctx context.Context) ([]*JobRun, error)
}
