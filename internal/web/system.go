package web

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"campusguard"
)

// SystemInfo is what the system administrator's page shows of the
// installation: the backups and the retention job, from the service, and
// the backup schedule the server was started with.
type SystemInfo struct {
	Service     campusguard.SystemService // nil hides the page
	BackupDir   string                    // "" when no backup is scheduled
	BackupEvery time.Duration
	BackupKeep  int
}

// systemPage is the system administrator's page: the backups and the
// retention runs.
type systemPage struct {
	basePage
	Scheduled bool
	Dir       string
	Every     string
	Keep      int
	LastGood  *backupRow
	Stale     bool // the last good backup is older than two intervals, or there is none while scheduled
	Runs      []backupRow
	Retention []retentionRow
}

// backupRow is one backup run as the page shows it.
type backupRow struct {
	At       string
	Took     string
	Source   string
	File     string
	Size     string
	OK       bool
	Error    string
	Duration time.Duration
}

// retentionRow is one run of the retention job in a region.
type retentionRow struct {
	At                                               string
	Region                                           string
	Checks, PersonDays, FollowUps, Cases, Anonymised int
}

// handleSystem handles "GET /admin/system": the backups (schedule, the last
// that worked, the recent runs with their errors) and the retention job's
// latest runs. System administrators only.
func (s *Server) handleSystem(w http.ResponseWriter, r *http.Request) error {
	if s.System.Service == nil {
		return errNotFound
	}
	p := &systemPage{basePage: s.base(r, "page.system.title"), Scheduled: s.System.BackupDir != "", Dir: s.System.BackupDir,
		Keep: s.System.BackupKeep}
	p.Crumbs = []crumb{{Name: p.Title}}
	if p.Scheduled {
		p.Every = s.System.BackupEvery.String()
	}
	ctx := r.Context()
	recent, good, err := s.System.Service.FindBackups(ctx, 20)
	if err != nil {
		return err
	}
	row := func(b *campusguard.BackupRun) backupRow {
		return backupRow{At: p.Time(b.StartedAt), Took: b.FinishedAt.Sub(b.StartedAt).Round(time.Millisecond).String(),
			Source: p.T("backup.source." + b.Source), File: b.File, Size: byteSize(b.Size), OK: b.OK, Error: b.Error}
	}
	for _, b := range recent {
		p.Runs = append(p.Runs, row(b))
	}
	if good != nil {
		g := row(good)
		p.LastGood = &g
	}
	now := s.Now()
	p.Stale = p.Scheduled && (good == nil || now.Sub(good.FinishedAt) > 2*s.System.BackupEvery)
	runs, err := s.System.Service.RetentionRuns(ctx, 20)
	if err != nil {
		return err
	}
	for _, e := range runs {
		var rep campusguard.RetentionReport
		if json.Unmarshal([]byte(e.Detail), &rep) != nil {
			continue
		}
		region := "#" + strconv.FormatInt(rep.RegionID, 10)
		if o, err := s.Orgs.FindOrgByID(ctx, rep.RegionID); err == nil {
			region = o.Name
		}
		p.Retention = append(p.Retention, retentionRow{At: p.Time(e.At), Region: region, Checks: rep.Checks,
			PersonDays: rep.PersonDays, FollowUps: rep.FollowUps, Cases: rep.Cases, Anonymised: rep.Anonymised})
	}
	return s.render(w, r, http.StatusOK, "system", p)
}

// byteSize writes a size for people: 1.2 GB, 340.5 MB, 12 kB.
func byteSize(n int64) string {
	switch {
	case n >= 1e9:
		return strconv.FormatFloat(float64(n)/1e9, 'f', 1, 64) + " GB"
	case n >= 1e6:
		return strconv.FormatFloat(float64(n)/1e6, 'f', 1, 64) + " MB"
	case n >= 1e3:
		return strconv.FormatFloat(float64(n)/1e3, 'f', 0, 64) + " kB"
	}
	return strconv.FormatInt(n, 10) + " B"
}
