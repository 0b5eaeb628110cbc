package e2e

import (
	"strings"
	"testing"

	"campusguard"
)

// TestJobsPage: the system administrator opens the scheduled jobs from the
// menu, on a phone and a desktop, in Chinese and in English: the jobs the
// running server has done are listed with the server that did them, and
// the page fits the window.
func TestJobsPage(t *testing.T) {
	session := signIn(t, "e2e-jobs-admin", campusguard.Grant{Role: campusguard.SystemAdmin})
	for _, c := range []struct {
		vp     viewport
		accept string
		title  string
	}{{phone, acceptChinese, "定时任务"}, {desktop, "en-US,en;q=0.9", "Scheduled jobs"}} {
		t.Run(c.vp.name, func(t *testing.T) {
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
