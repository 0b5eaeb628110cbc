package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
	"campusguard/internal/web"
)

// TestJobsPage: the system administrator's page lists each job's latest
// run, the server that ran it, and a failure with its detail; the menu
// links it; a region admin is refused.
func TestJobsPage(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		srv := newServerWith(t, s, web.Config{Orgs: s, People: s, Access: s, Health: s, Inbox: s, Hooks: s, Settings: s,
			Cases: s, Alerts: s, Calendar: s, Dashboards: s, Policy: s, Transport: s, Export: s,
			System: web.SystemInfo{Service: s}, Jobs: s, Logger: discardLogger()}).URL
		admin := signIn(t, s, campusguard.Grant{Role: campusguard.SystemAdmin})
		p := admin.get(t, srv+"/admin/jobs")
		if p.status != http.StatusOK {
			t.Fatalf("GET jobs = %d", p.status)
		}
		if len(p.all(t, testid("jobs-none"))) != 1 {
			t.Errorf("no 'none yet' before any run")
		}
		now := time.Now()
		if _, _, err := s.TakeLease(ctx, "briefing", "2026-11-30", "host-a/41/ab12cd", now, time.Minute); err != nil {
			t.Fatal(err)
		}
		if _, err := s.FinishLease(ctx, "briefing", "2026-11-30", "host-a/41/ab12cd", now, ""); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.TakeLease(ctx, "remind-missing", "2026-11-30", "host-b/7/ffee00", now, time.Minute); err != nil {
			t.Fatal(err)
		}
		if _, err := s.FinishLease(ctx, "remind-missing", "2026-11-30", "host-b/7/ffee00", now, "no route to database"); err != nil {
			t.Fatal(err)
		}
		p = admin.get(t, srv+"/admin/jobs")
		if got := p.texts(t, testid("job-name")); len(got) != 2 || got[0] != "每日简报" || got[1] != "未报告提醒" {
			t.Errorf("jobs = %q", got)
		}
		if got := p.texts(t, testid("job-owner")); len(got) != 2 || got[0] != "host-a/41/ab12cd" {
			t.Errorf("owners = %q", got)
		}
		if got := p.texts(t, testid("job-state")); len(got) != 2 || !strings.HasPrefix(got[0], "已完成") || !strings.HasPrefix(got[1], "失败") {
			t.Errorf("states = %q", got)
		}
		if got := p.text(t, testid("job-error")); !strings.Contains(got, "no route to database") {
			t.Errorf("failure detail = %q", got)
		}
		if len(p.all(t, testid("nav-jobs"))) != 1 {
			t.Errorf("no link to the jobs page in the menu")
		}
		en := admin.get(t, srv+"/admin/jobs", "Accept-Language: en")
		if got := en.texts(t, testid("job-name")); len(got) != 2 || got[0] != "Daily briefing" {
			t.Errorf("jobs in English = %q", got)
		}
		region := signIn(t, s, grant(campusguard.RegionAdmin, f.county))
		if r := region.get(t, srv+"/admin/jobs"); r.status != http.StatusForbidden {
			t.Errorf("region admin GET jobs = %d, want 403", r.status)
		}
		if len(region.get(t, srv+"/orgs/"+itoa(f.county.ID)).all(t, testid("nav-jobs"))) != 0 {
			t.Errorf("the region admin's menu links the jobs page")
		}
	})
}
