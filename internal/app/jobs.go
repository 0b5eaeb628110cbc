package app

import (
	"context"
	"fmt"
	"os"
	"slices"
	"time"

	"campusguard"
	"campusguard/internal/jobs"
	"campusguard/internal/sqlstore"
	"campusguard/internal/webhook"
)

// scheduled returns the program's jobs, reading the time from now. The
// jobs with a Period are leased: one server of several does each period's
// work (see leases.go for the periods).
func scheduled(s *sqlstore.Store, now func() time.Time, hooks *webhook.Dispatcher) []jobs.Job {
	return withPeriods([]jobs.Job{
		{Name: "open-day", Every: 30 * time.Minute, Run: func(ctx context.Context) error {
			return OpenToday(ctx, s, now())
		}},
		{Name: "escalate-overdue", Every: time.Minute, Run: func(ctx context.Context) error {
			_, err := s.EscalateOverdue(campusguard.SystemContext(ctx, "job escalate-overdue"))
			return err
		}},
		{Name: "remind-missing", Every: 10 * time.Minute, Run: func(ctx context.Context) error {
			return RemindMissing(ctx, s, now())
		}},
		{Name: "detect-alerts", Every: time.Hour, Run: func(ctx context.Context) error {
			return DetectToday(ctx, s, now())
		}},
		{Name: "briefing", Every: 15 * time.Minute, Run: func(ctx context.Context) error {
			return BriefToday(ctx, s, now())
		}},
		{Name: "retention", Every: time.Hour, Run: func(ctx context.Context) error {
			return RetainDaily(ctx, s, now())
		}},
		{Name: "data-quality", Every: 15 * time.Minute, Run: func(ctx context.Context) error { return QualityDaily(ctx, s, now()) }},
		{Name: "supply-low-stock", Every: 30 * time.Minute, Run: func(ctx context.Context) error { return DetectLowStockToday(ctx, s, now()) }},
		{Name: "rectification-overdue", Every: 30 * time.Minute, Run: func(ctx context.Context) error { return RectifyOverdueToday(ctx, s, now()) }},
		{Name: "webhooks", Every: webhookPoll(), Run: func(ctx context.Context) error {
			_, err := hooks.RunOnce(ctx)
			return err
		}},
	})
}

// RemindAt is when, in China, class teachers get the morning list of
// students who have not reported.
const RemindAt = 7*time.Hour + 30*time.Minute

// RemindMissing sends the morning reminders of missing reports once it is
// past RemindAt; each class is reminded once a day however often it runs.
// Only opened days expect anyone, so a weekend or a day off of the
// region's calendar reminds nobody, and a make-up Saturday does.
func RemindMissing(ctx context.Context, s *sqlstore.Store, now time.Time) error {
	local := now.In(campusguard.China)
	midnight := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, campusguard.China)
	if local.Sub(midnight) < RemindAt {
		return nil
	}
	_, err := s.RemindMissing(campusguard.SystemContext(ctx, "job remind-missing"), campusguard.DateOf(local))
	return err
}

// DetectToday runs the early warning of every region for today in China,
// from 09:00 on (after the morning's reports and checks). Hourly runs
// update the day's alerts rather than repeat them.
func DetectToday(ctx context.Context, s *sqlstore.Store, now time.Time) error {
	local := now.In(campusguard.China)
	if local.Hour() < 9 {
		return nil
	}
	ctx = campusguard.SystemContext(ctx, "job detect-alerts")
	regions, err := rootRegions(ctx, s)
	if err != nil {
		return err
	}
	for _, r := range regions {
		if _, _, err := s.DetectAlerts(ctx, r.ID, campusguard.DateOf(local)); err != nil {
			return fmt.Errorf("detect alerts in %s: %w", r.Name, err)
		}
	}
	return nil
}

// BriefAt is when, in China, the day's briefing is generated: after the
// morning's reports, before the bureau's morning meeting.
const BriefAt = 8*time.Hour + 30*time.Minute

// BriefToday generates each region's briefing of today once it is past
// BriefAt, if there is none yet (one made on demand earlier stands).
func BriefToday(ctx context.Context, s *sqlstore.Store, now time.Time) error {
	local := now.In(campusguard.China)
	midnight := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, campusguard.China)
	if local.Sub(midnight) < BriefAt {
		return nil
	}
	ctx = campusguard.SystemContext(ctx, "job briefing")
	day := campusguard.DateOf(local)
	regions, err := rootRegions(ctx, s)
	if err != nil {
		return err
	}
	for _, r := range regions {
		if _, err := s.FindBriefing(ctx, r.ID, day); campusguard.ErrorCode(err) != campusguard.NotFound {
			if err != nil {
				return err
			}
			continue // already made today
		}
		if _, err := s.GenerateBriefing(ctx, r.ID, day); err != nil {
			return fmt.Errorf("briefing of %s: %w", r.Name, err)
		}
	}
	return nil
}

// rootRegions returns the top-level regions: each is a tree of its own
// (a county's bureau), and the daily jobs run per tree.
func rootRegions(ctx context.Context, s *sqlstore.Store) ([]*campusguard.Org, error) {
	kind := campusguard.KindRegion
	regions, _, err := s.FindOrgs(ctx, campusguard.OrgFilter{Kind: &kind, Limit: 1000})
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(regions, func(o *campusguard.Org) bool { return o.ParentID != nil }), nil
}

// webhookPoll is how often due webhook deliveries are sent: every 2 s, or
// CAMPUSGUARD_WEBHOOK_POLL.
func webhookPoll() time.Duration {
	if d, err := time.ParseDuration(os.Getenv("CAMPUSGUARD_WEBHOOK_POLL")); err == nil && d > 0 {
		return d
	}
	return 2 * time.Second
}

// webhookBackoff returns the wait between delivery attempts: the product's
// (10 s doubling to an hour), or CAMPUSGUARD_WEBHOOK_RETRY as the first
// wait (doubling likewise), for tests and operators who need it faster.
func webhookBackoff() func(int) time.Duration {
	base, err := time.ParseDuration(os.Getenv("CAMPUSGUARD_WEBHOOK_RETRY"))
	if err != nil || base <= 0 {
		return campusguard.RetryDelay
	}
	return func(n int) time.Duration { return campusguard.RetryDelayFrom(base, n) }
}

// OpenToday sets today's expected counts in every tree whose schools open
// today by its calendar (weekdays, but its days off, and its make-up
// weekend days), so the day's figures read "missing" for everyone who has
// not reported yet. It runs at start and every half hour; it is
// idempotent. A day without school is not opened: nobody is expected, and
// pages show no day rather than everyone missing.
func OpenToday(ctx context.Context, s *sqlstore.Store, now time.Time) error {
	ctx = campusguard.SystemContext(ctx, "job open-day")
	regions, err := rootRegions(ctx, s)
	if err != nil {
		return err
	}
	today := campusguard.Today(now)
	for _, r := range regions {
		open, err := s.SchoolDay(ctx, r.ID, today)
		if err != nil {
			return fmt.Errorf("calendar of %s: %w", r.Name, err)
		}
		if !open {
			continue
		}
		if err := s.OpenDay(ctx, r.ID, today); err != nil {
			return fmt.Errorf("open %s for %s: %w", today, r.Name, err)
		}
	}
	return nil
}

// RetainAt is when, in China, the retention job may start: at night, when
// few submit.
const RetainAt = 2 * time.Hour

// RetainDaily runs each top-level region's retention (deleting and
// anonymising what is past its periods) once a day, from RetainAt China
// time; a region whose run today is in the audit log is skipped, so a
// restart or a second server does not run it again.
func RetainDaily(ctx context.Context, s *sqlstore.Store, now time.Time) error {
	local := now.In(campusguard.China)
	midnight := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, campusguard.China)
	if local.Sub(midnight) < RetainAt {
		return nil
	}
	ctx = campusguard.SystemContext(ctx, "job retention")
	regions, err := rootRegions(ctx, s)
	if err != nil {
		return err
	}
	for _, r := range regions {
		last, err := s.LastRetention(ctx, r.ID)
		if err != nil {
			return err
		}
		if !last.Before(midnight) {
			continue // ran today
		}
		if _, err := s.RunRetention(ctx, r.ID, now); err != nil {
			return fmt.Errorf("retention of %s: %w", r.Name, err)
		}
	}
	return nil
}
