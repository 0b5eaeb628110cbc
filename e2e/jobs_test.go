package e2e

import (
	"strings"
	"testing"
	"time"

	"campusguard"
)

// TestJobsPage: the system administrator opens the scheduled jobs from the
// menu, on a phone and a desktop, in Chinese and in English: the jobs the
// running server has done are listed with the server that did them, and
// the page fits the window. The same on the demo's school day and on the
// Saturday before it (the page's clock: the jobs' runs are the same, the
// page must not depend on the day).
func TestJobsPage(t *testing.T) {
	session := signIn(t, "e2e-jobs-admin", campusguard.Grant{Role: campusguard.SystemAdmin})
	saturday := time.Date(demoToday.Year, demoToday.Month, demoToday.Day, 9, 30, 0, 0, campusguard.China)
	for saturday.Weekday() != time.Saturday {
		saturday = saturday.AddDate(0, 0, -1)
	}
	for _, c := range []struct {
		vp     viewport
		accept string
		title  string
		at     time.Time // zero: the e2e clock's school day
	}{{phone, acceptChinese, "定时任务", time.Time{}}, {desktop, "en-US,en;q=0.9", "Scheduled jobs", time.Time{}},
		{phone, acceptChinese, "定时任务", saturday}} {
		name := c.vp.name
		if !c.at.IsZero() {
			name += "-saturday"
		}
		t.Run(name, func(t *testing.T) {
			if !c.at.IsZero() {
				e2eClock.set(t, c.at)
			}
			b := newTabAs(t, c.vp, c.accept, session)
			b.open("/admin/system")
			b.click(testid("user-menu") + " summary")
			b.follow(testid("nav-jobs"))
			if got := b.path(); got != "/admin/jobs" {
				t.Fatalf("the menu led to %s", got)
			}
			if got := b.text(testid("page-title")); got != c.title {
				t.Errorf("title = %q, want %q", got, c.title)
			}
			// The server ran its jobs when it started: escalation, at least.
			if n := b.count(testid("job-row")); n == 0 {
				t.Fatal("no job listed although the server has run its jobs")
			}
			owners := b.texts(testid("job-owner"))
			if len(owners) == 0 || !strings.Contains(owners[0], "/") {
				t.Errorf("owners = %q, want host/process/…", owners)
			}
			if sw, iw := b.overflow(); sw > iw {
				t.Errorf("the jobs page is %d px wide in a %d px window", sw, iw)
			}
		})
	}
}
