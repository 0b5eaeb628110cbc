package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
	"campusguard/internal/web"
)

// TestQualitySettingsPage: the county's admin sees the data-quality
// thresholds (the defaults until set), changes them on the page, and a bad
// value is named with what was typed kept and nothing saved; a region
// viewer reads them without a form; a school's principal may not open the
// county's; a town is not a top-level region. The same on a school day
// and on a Saturday (the page does not depend on the day, and says so by
// being the same).
func TestQualitySettingsPage(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		for _, at := range []time.Time{
			time.Date(2026, time.December, 7, 9, 30, 0, 0, campusguard.China),  // a Monday
			time.Date(2026, time.December, 12, 9, 30, 0, 0, campusguard.China), // a Saturday
		} {
			s.Now = func() time.Time { return at }
			srv := newServerWith(t, s, web.Config{Orgs: s, People: s, Access: s, Health: s, Inbox: s, Dashboards: s, Quality: s,
				Logger: discardLogger(), Now: func() time.Time { return at }})
			page := srv.URL + "/orgs/" + itoa(f.county.ID) + "/quality/settings"
			admin := signIn(t, s, grant(campusguard.RegionAdmin, f.county))
			p := admin.get(t, page)
			if p.status != http.StatusOK {
				t.Fatalf("%s: GET = %d: %.300s", at.Weekday(), p.status, p.body)
			}
			if got := attr(p.all(t, testid("qs-burst_reports"))[0], "value"); got != "10" && got != "12" {
				t.Errorf("%s: burst_reports shows %q, want the default 10 (or 12 once saved)", at.Weekday(), got)
			}
			form := url.Values{}
			for _, n := range p.all(t, `[data-testid="quality-settings-form"] input[type=text]`) {
				form.Set(attr(n, "name"), attr(n, "value"))
			}
			if len(form) != 11 {
				t.Fatalf("%s: the form has %d thresholds, want 11", at.Weekday(), len(form))
			}
			bad := url.Values{}
			for k, v := range form {
				bad[k] = v
			}
			bad.Set("burst_reports", "十")
			bad.Set("uniform_share", "1.5")
			r := admin.post(t, page, bad)
			if r.status != http.StatusUnprocessableEntity {
				t.Fatalf("%s: POST bad = %d", at.Weekday(), r.status)
			}
			errs := strings.Join(r.texts(t, testid("field-error")), " | ")
			if !strings.Contains(errs, "集中上报") || !strings.Contains(errs, "应为数字") {
				t.Errorf("%s: errors %q, want the burst count named as not a number", at.Weekday(), errs)
			}
			if got := attr(r.all(t, testid("qs-burst_reports"))[0], "value"); got != "十" {
				t.Errorf("%s: the refused form shows %q, want what was typed", at.Weekday(), got)
			}
			r = admin.post(t, page, url.Values{"uniform_share": {"1.5"}, "uniform_days": form["uniform_days"],
				"uniform_min_readings": form["uniform_min_readings"], "round_share": form["round_share"],
				"round_min_readings": form["round_min_readings"], "burst_reports": form["burst_reports"],
				"burst_seconds": form["burst_seconds"], "earliest_home": form["earliest_home"], "early_reports": form["early_reports"],
				"shared_phone_children": form["shared_phone_children"], "perfect_days": form["perfect_days"]})
			if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.text(t, testid("field-error")), "0.5") {
				t.Errorf("%s: uniform_share 1.5 = %d %q, want 422 with the range", at.Weekday(), r.status, r.text(t, testid("field-error")))
			}
			if q, err := s.QualitySettings(ctx, f.county.ID); err != nil || q.UniformShare != campusguard.DefaultQualitySettings.UniformShare {
				t.Fatalf("%s: a refused form changed the settings: %+v, %v", at.Weekday(), q, err)
			}
			form.Set("burst_reports", "12")
			form.Set("earliest_home", "04:30")
			r = admin.post(t, page, form)
			if r.status != http.StatusSeeOther {
				t.Fatalf("%s: POST good = %d: %.300s", at.Weekday(), r.status, r.body)
			}
			if q, err := s.QualitySettings(ctx, f.county.ID); err != nil || q.BurstReports != 12 || q.EarliestHome != 4*60+30 {
				t.Errorf("%s: saved %+v, %v; want 12 reports and 04:30", at.Weekday(), q, err)
			}
			p = admin.get(t, page+"?done=saved")
			if p.text(t, testid("notice")) == "" || attr(p.all(t, testid("qs-earliest_home"))[0], "value") != "04:30" {
				t.Errorf("%s: after saving, no notice or the time is not shown", at.Weekday())
			}
			viewer := signIn(t, s, campusguard.Grant{Role: campusguard.RegionViewer, OrgID: f.county.ID, Duty: campusguard.DutyHealth})
			v := viewer.get(t, page)
			if v.status != http.StatusOK || len(v.all(t, testid("quality-settings-form"))) != 0 || v.text(t, testid("qs-burst_reports")) != "12" {
				t.Errorf("%s: a region viewer = %d, want the values without a form", at.Weekday(), v.status)
			}
			if r := viewer.post(t, page, form); r.status != http.StatusForbidden {
				t.Errorf("%s: a region viewer's POST = %d, want 403", at.Weekday(), r.status)
			}
			principal := signIn(t, s, grant(campusguard.SchoolAdmin, f.school))
			if r := principal.get(t, page); r.status != http.StatusNotFound {
				t.Errorf("%s: a principal's GET of the county's = %d, want 404", at.Weekday(), r.status)
			}
			if r := admin.get(t, srv.URL+"/orgs/"+itoa(f.town.ID)+"/quality/settings"); r.status != http.StatusNotFound {
				t.Errorf("%s: a town's thresholds = %d, want 404", at.Weekday(), r.status)
			}
			if r := admin.get(t, srv.URL+"/orgs/"+itoa(f.county.ID)+"/quality"); !strings.Contains(attr(r.all(t, testid("quality-settings-link"))[0], "href"), "/quality/settings") {
				t.Errorf("%s: the quality page has no link to the thresholds", at.Weekday())
			}
		}
	})
}
