package web

import (
	"net/http"

	"campusguard"
)

// jobsPage is the system administrator's page of the scheduled jobs: each
// job's latest run, which server ran it, and any failure. With several
// servers on one database, each period's work is leased to one of them.
type jobsPage struct {
	basePage
	Runs []jobRow
}

// jobRow is one job's latest run as the page shows it.
type jobRow struct {
	Job, Period, Owner, Taken, Done, Error string
	State                                  campusguard.JobState
	Takeovers                              int
}

// handleJobs handles "GET /admin/jobs": the scheduled jobs' latest runs.
// System administrators only (the service refuses anyone else).
func (s *Server) handleJobs(w http.ResponseWriter, r *http.Request) error {
	if s.Jobs == nil {
		return errNotFound
	}
	runs, err := s.Jobs.JobRuns(r.Context())
	if err != nil {
		return err
	}
	p := &jobsPage{basePage: s.base(r, "page.jobs.title")}
	p.Crumbs = []crumb{{Name: p.T("page.system.title"), URL: "/admin/system"}, {Name: p.Title}}
	for _, run := range runs {
		row := jobRow{Job: p.T("jobs.name." + run.Job), Period: run.Period, Owner: run.Owner, Taken: p.Time(run.TakenAt),
			Error: run.Error, State: run.State, Takeovers: run.Takeovers}
		if run.DoneAt != nil {
			row.Done = p.Time(*run.DoneAt)
		}
		p.Runs = append(p.Runs, row)
	}
	return s.render(w, r, http.StatusOK, "jobs", p)
}
