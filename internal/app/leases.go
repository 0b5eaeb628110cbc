package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"time"

	"campusguard"
	"campusguard/internal/jobs"
	"campusguard/internal/webhook"

	"github.com/prometheus/client_golang/prometheus"
)

// Several servers behind a load balancer share one PostgreSQL. Each
// scheduled job's run for its period is leased to one of them (see
// package jobs); these are the periods. A period that returns "" has
// nothing to do yet. Every job is idempotent for its period, so a server
// taking over a dead one's lease finishes the work without repeating it.
var jobPeriods = map[string]func(now time.Time) string{
	// Each half-hour run: the day's expected counts follow roster changes.
	"open-day": slot(30 * time.Minute),
	// Each minute's sweep of overdue cases.
	"escalate-overdue": slot(time.Minute),
	// The morning's reminders, once a day from RemindAt.
	"remind-missing": dayFrom(RemindAt),
	// Each hour's detection, from 09:00.
	"detect-alerts": func(now time.Time) string {
		local := now.In(campusguard.China)
		if local.Hour() < 9 {
			return ""
		}
		return local.Format("2006-01-02T15")
	},
	// The day's briefing, from BriefAt.
	"briefing": dayFrom(BriefAt),
	// The night's retention, from RetainAt.
	"retention": dayFrom(RetainAt),
}

// slot names the interval of length every that now falls in.
func slot(every time.Duration) func(time.Time) string {
	return func(now time.Time) string { return now.UTC().Truncate(every).Format(time.RFC3339) }
}

// dayFrom names today in China once it is past at, and nothing before.
func dayFrom(at time.Duration) func(time.Time) string {
	return func(now time.Time) string {
		local := now.In(campusguard.China)
		midnight := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, campusguard.China)
		if local.Sub(midnight) < at {
			return ""
		}
		return campusguard.DateOf(local).String()
	}
}

// jobLeaseFor is how long a server may hold a job's lease before another
// takes over, for the jobs that may run longer than jobs.DefaultLease on a
// big province: a takeover while the first server still works would run
// the period twice at once.
var jobLeaseFor = map[string]time.Duration{
	"retention":     time.Hour,
	"detect-alerts": 20 * time.Minute,
	"briefing":      20 * time.Minute,
}

// withPeriods gives each job its period and its lease.
func withPeriods(js []jobs.Job) []jobs.Job {
	for i := range js {
		js[i].Period = jobPeriods[js[i].Name]
		js[i].Lease = jobLeaseFor[js[i].Name]
	}
	return js
}

// dispatcher returns the server's webhook dispatcher, claiming deliveries
// under its owner name.
func (m *Main) dispatcher() *webhook.Dispatcher {
	if m.hooks == nil {
		m.hooks = &webhook.Dispatcher{Store: m.store, Logger: m.Logger, Backoff: webhookBackoff(), Owner: m.owner(),
			ClaimFor: webhookClaim()}
	}
	return m.hooks
}

// webhookClaim is how long a server's claim on a delivery keeps the others
// off it: webhook.ClaimFor, or CAMPUSGUARD_WEBHOOK_CLAIM. Past it, a
// server that died holding the claim loses it and another sends the
// delivery.
func webhookClaim() time.Duration {
	if d, err := time.ParseDuration(os.Getenv("CAMPUSGUARD_WEBHOOK_CLAIM")); err == nil && d > 0 {
		return d
	}
	return webhook.ClaimFor
}

func (m *Main) now() time.Time {
	if m.Now != nil {
		return m.Now()
	}
	return time.Now()
}

// owner names this server in leases and delivery claims: the host, the
// process and a random part, so a restarted server is a new owner.
func (m *Main) owner() string {
	if m.ownerName == "" {
		host, _ := os.Hostname()
		b := make([]byte, 3)
		rand.Read(b)
		m.ownerName = fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b))
	}
	return m.ownerName
}

// runner builds the job runner, leasing through the store.
func (m *Main) runner(js []jobs.Job) *jobs.Runner {
	r := &jobs.Runner{Jobs: js, Logger: m.Logger, Leases: m.store, Owner: m.owner(), Now: m.now,
		LeaseCtx: func(ctx context.Context) context.Context { return campusguard.SystemContext(ctx, "jobs") }}
	return r
}

// RunJobs runs every scheduled job once, now by the program's clock, as
// the ticks do: for tests, with a fake clock.
func (m *Main) RunJobs(ctx context.Context) { m.jobs.RunDue(ctx) }

// Owner returns the name this server takes leases and claims under.
func (m *Main) Owner() string { return m.owner() }

// jobCollector exports each job's runs, failures, lease takeovers and
// periods left to other servers; the webhook deliveries claimed and sent
// here; and the delivery queue's depth.
func (m *Main) jobCollector() prometheus.Collector { return jobCollector{m} }

type jobCollector struct{ m *Main }

var (
	jobRunsDesc      = prometheus.NewDesc("campusguard_job_runs_total", "Scheduled job runs on this server.", []string{"job"}, nil)
	jobFailuresDesc  = prometheus.NewDesc("campusguard_job_failures_total", "Scheduled job runs that failed on this server.", []string{"job"}, nil)
	jobTakeoverDesc  = prometheus.NewDesc("campusguard_job_lease_takeovers_total", "Leases this server took over from a server that did not finish in time.", []string{"job"}, nil)
	jobSkippedDesc   = prometheus.NewDesc("campusguard_job_lease_skipped_total", "Periods whose lease another server held or had done.", []string{"job"}, nil)
	hookClaimedDesc  = prometheus.NewDesc("campusguard_webhook_deliveries_claimed_total", "Webhook deliveries this server claimed.", nil, nil)
	hookSentDesc     = prometheus.NewDesc("campusguard_webhook_deliveries_sent_total", "Webhook deliveries this server sent and the receiver accepted.", nil, nil)
	hookPendingDesc  = prometheus.NewDesc("campusguard_webhook_queue_depth", "Webhook deliveries not yet delivered, of every server.", nil, nil)
	jobCollectorDesc = []*prometheus.Desc{jobRunsDesc, jobFailuresDesc, jobTakeoverDesc, jobSkippedDesc, hookClaimedDesc, hookSentDesc, hookPendingDesc}
)

func (c jobCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range jobCollectorDesc {
		ch <- d
	}
}

func (c jobCollector) Collect(ch chan<- prometheus.Metric) {
	m := c.m
	if m.jobs == nil {
		return
	}
	for _, j := range m.jobs.Jobs {
		st := m.jobs.Stats(j.Name)
		ch <- prometheus.MustNewConstMetric(jobRunsDesc, prometheus.CounterValue, float64(st.Runs.Load()), j.Name)
		ch <- prometheus.MustNewConstMetric(jobFailuresDesc, prometheus.CounterValue, float64(st.Failures.Load()), j.Name)
		ch <- prometheus.MustNewConstMetric(jobTakeoverDesc, prometheus.CounterValue, float64(st.Takeovers.Load()), j.Name)
		ch <- prometheus.MustNewConstMetric(jobSkippedDesc, prometheus.CounterValue, float64(st.Skipped.Load()), j.Name)
	}
	if m.hooks != nil {
		ch <- prometheus.MustNewConstMetric(hookClaimedDesc, prometheus.CounterValue, float64(m.hooks.Claimed.Load()))
		ch <- prometheus.MustNewConstMetric(hookSentDesc, prometheus.CounterValue, float64(m.hooks.Sent.Load()))
	}
	ctx, cancel := context.WithTimeout(campusguard.SystemContext(context.Background(), "metrics"), 2*time.Second)
	defer cancel()
	if n, err := m.store.PendingDeliveries(ctx); err == nil {
		ch <- prometheus.MustNewConstMetric(hookPendingDesc, prometheus.GaugeValue, float64(n))
	}
}

// JobStats returns a job's counts on this server, for tests.
func (m *Main) JobStats(job string) *jobs.Stats { return m.jobs.Stats(job) }

// Webhooks returns the server's webhook dispatcher, for tests.
func (m *Main) Webhooks() *webhook.Dispatcher { return m.dispatcher() }
