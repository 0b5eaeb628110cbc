package e2e

import (
	"fmt"
	"strings"
	"testing"
)

// TestRegionPolicyForms: the bureau sets the fever threshold, the retention
// and the deadlines on the settings page in a real browser, at desktop and
// phone sizes; a sign-off deadline before the reports' is refused with the
// field named, and the values it had stay; the page fits a phone.
func TestRegionPolicyForms(t *testing.T) {
	for _, vp := range []viewport{desktop, phone} {
		t.Run(vp.name, func(t *testing.T) {
			b := newTab(t, vp, acceptChinese)
			settings := fmt.Sprintf("/orgs/%d/settings", rootRegion(t))
			b.open(settings)
			if got := b.attrs(testid("fever-input"), "value"); len(got) != 1 || got[0] == "" {
				t.Fatalf("fever input = %q", got)
			}
			b.choose(testid("fever-input"), "37.6")
			b.follow(testid("fever-submit"))
			if got := b.text(testid("notice")); got != "已保存" {
				t.Errorf("notice after saving = %q", got)
			}
			if got := b.attrs(testid("fever-input"), "value"); len(got) != 1 || got[0] != "37.6" {
				t.Errorf("fever input after saving = %q, want 37.6", got)
			}
			// Both are times the browser accepts; the rule is the server's.
			b.choose(testid("deadline-report"), "09:00")
			b.choose(testid("deadline-signoff"), "08:00")
			b.clickFor(testid("deadlines-submit"), 422)
			errs := strings.Join(b.texts(testid("field-error")), " | ")
			if !strings.Contains(errs, "日报签发截止时间") || !strings.Contains(errs, "09:00 到 23:00") {
				t.Errorf("errors = %q, want the sign-off deadline named with its range", errs)
			}
			if got := b.attrs(testid("deadline-signoff"), "aria-invalid"); len(got) != 1 || got[0] != "true" {
				t.Errorf("sign-off input aria-invalid = %q", got)
			}
			b.open(settings)
			if got := b.attrs(testid("deadline-report"), "value"); len(got) != 1 || got[0] != "07:00" {
				t.Errorf("report deadline after a refused change = %q, want 07:00", got)
			}
			b.choose(testid("retention-checks"), "730")
			b.follow(testid("retention-submit"))
			if got := b.attrs(testid("retention-checks"), "value"); len(got) != 1 || got[0] != "730" {
				t.Errorf("checks retention after saving = %q, want 730", got)
			}
			if sw, iw := b.overflow(); sw > iw {
				t.Errorf("the settings page is %d px wide in a %d px window", sw, iw)
			}
			// Put the county back for the other tests.
			b.choose(testid("fever-input"), "37.3")
			b.follow(testid("fever-submit"))
			b.choose(testid("retention-checks"), "548")
			b.follow(testid("retention-submit"))
		})
	}
}
