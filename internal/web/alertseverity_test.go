package web_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
	"campusguard/internal/web"
)

// mustFeverGroup writes forty weekdays of fever counts up to a Friday in
// the past with a jump at one school, its town and its county on that
// Friday, and runs the county's detection for it: three one-day
// aberrations, grouped under the county's.
func mustFeverGroup(t *testing.T, s *sqlstore.Store, f *fixture) campusguard.Date {
	t.Helper()
	friday := campusguard.Date{Year: 2026, Month: 11, Day: 27}
	n := 0
	for d := friday; n < 40; d = d.AddDays(-1) {
		if wd := d.Time().Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		for org, base := range map[int64]int{f.county.ID: 10, f.town.ID: 6, f.school.ID: 2, f.other.ID: 2} {
			fever := base + n%2
			if n == 0 && org != f.other.ID {
				fever = base + 30
			}
			if _, err := s.WriteDB().Exec(`INSERT INTO rollups (region_id, org_id, day, expected, fever) VALUES ($1, $2, $3, 300, $4)
				ON CONFLICT (org_id, day) DO UPDATE SET expected = excluded.expected, fever = excluded.fever`,
				f.county.ID, org, d, fever); err != nil {
				t.Fatal(err)
			}
		}
		n++
	}
	if _, _, err := s.DetectAlerts(ctx, f.county.ID, friday); err != nil {
		t.Fatal(err)
	}
	return friday
}

// TestAlertListBySeverity: on a school day and on a day off, the county's
// list shows the high class cluster with its badge and hides the one-day
// statistical blip, saying how many it hides; "show all" shows the blip as
// one alert listing its town and school; the alert pages show the badge,
// the group and the head of the group.
func TestAlertListBySeverity(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		cluster := mustClassAlert(t, s, f)
		mustFeverGroup(t, s, f)
		friday := time.Date(2026, time.December, 4, 9, 30, 0, 0, campusguard.China)
		for _, tc := range []struct {
			name string
			now  time.Time
		}{{"school day", friday}, {"day off", friday.AddDate(0, 0, 1)}} {
			t.Run(tc.name, func(t *testing.T) {
				now := tc.now
				srv := newServerWith(t, s, web.Config{Orgs: s, People: s, Access: s, Health: s, Cases: s, Alerts: s,
					Calendar: s, Dashboards: s, Settings: s, Logger: discardLogger(), Now: func() time.Time { return now }})
				admin := signIn(t, s, grant(campusguard.RegionAdmin, f.county))
				list := srv.URL + "/orgs/" + itoa(f.county.ID) + "/alerts"
				p := admin.get(t, list)
				if p.status != http.StatusOK {
					t.Fatalf("GET alerts = %d:\n%s", p.status, p.body)
				}
				if got := p.texts(t, testid("alert-severity")); !slices.Equal(got, []string{"高"}) {
					t.Errorf("default list severities = %q, want the cluster's 高 alone", got)
				}
				if got := p.text(t, testid("alert-link")); got != "同班（宿舍）单日聚集" {
					t.Errorf("default list = %q", got)
				}
				if got := p.text(t, testid("alert-blips")); !strings.Contains(got, "另有 1 条单日统计波动（低）未显示") {
					t.Errorf("blips note = %q", got)
				}
				show := attr(p.all(t, testid("alert-show-all"))[0], "href")
				all := admin.get(t, srv.URL+show)
				if got := all.texts(t, testid("alert-severity")); !slices.Equal(got, []string{"高", "低"}) {
					t.Errorf("all, by severity = %q, want 高 then 低", got)
				}
				if got := all.texts(t, testid("alert-node")); len(got) != 2 || got[1] != f.county.Name {
					t.Errorf("all: nodes %q, want the county's group second", got)
				}
				if got := all.texts(t, testid("alert-group-node")); !slices.Equal(got, []string{f.town.Name, f.school.Name}) {
					t.Errorf("the county's group lists %q, want the town and the school", got)
				}
				if len(all.all(t, testid("alert-hide-blips"))) != 1 {
					t.Error("showing all has no way back")
				}
				low := admin.get(t, list+"?severity=low")
				if got := low.texts(t, testid("alert-severity")); !slices.Equal(got, []string{"低"}) {
					t.Errorf("severity=low = %q", got)
				}
				if len(low.all(t, testid("alert-blips"))) != 0 {
					t.Error("a severity asked for still hides blips")
				}
				// The county's alert page: its badge and its group; the
				// school's: the head of its group.
				head := attr(all.all(t, testid("alert-link"))[1], "href")
				ap := admin.get(t, srv.URL+head)
				if got := ap.text(t, testid("alert-severity")); got != "低" {
					t.Errorf("alert page badge = %q", got)
				}
				if got := ap.texts(t, testid("alert-group-node")); len(got) != 2 {
					t.Errorf("alert page group = %q", got)
				}
				school := attr(ap.all(t, testid("alert-group-node"))[1], "href")
				sp := admin.get(t, srv.URL+school)
				if got := sp.text(t, testid("alert-parent")); !strings.Contains(got, f.county.Name) {
					t.Errorf("the school's alert names its group's head as %q", got)
				}
				cp := admin.get(t, srv.URL+"/alerts/"+itoa(cluster.ID))
				if got := cp.text(t, testid("alert-severity")); got != "高" {
					t.Errorf("the cluster's badge = %q", got)
				}
				en := admin.get(t, list, "Accept-Language: en")
				if got := en.text(t, testid("alert-severity")); got != "High" {
					t.Errorf("English badge = %q", got)
				}
			})
		}
	})
}

// TestSensitivitySettings: a region admin sets the county's sensitivity
// on the settings page; a bad choice names the field and changes nothing.
func TestSensitivitySettings(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		srv := newServer(t, s)
		admin := signIn(t, s, grant(campusguard.RegionAdmin, f.county))
		settings := srv.URL + "/orgs/" + itoa(f.county.ID) + "/settings"
		p := admin.get(t, settings)
		if p.status != http.StatusOK {
			t.Fatalf("GET settings = %d", p.status)
		}
		if n := p.all(t, testid("sensitivity-normal")); len(n) != 1 || !hasAttr(n[0], "checked") {
			t.Error("normal is not the checked default")
		}
		bad := admin.post(t, settings+"/sensitivity", url.Values{"sensitivity": {"extreme"}})
		if bad.status != http.StatusUnprocessableEntity {
			t.Fatalf("bad choice = %d", bad.status)
		}
		if got := bad.text(t, testid("form-error")); !strings.Contains(got, "统计预警灵敏度") {
			t.Errorf("error = %q, want the field named", got)
		}
		if cfg, _ := s.RuleConfig(ctx, f.county.ID); cfg.Sensitivity != campusguard.SensitivityNormal {
			t.Errorf("a refused choice changed it to %q", cfg.Sensitivity)
		}
		ok := admin.post(t, settings+"/sensitivity", url.Values{"sensitivity": {"low"}})
		if ok.status != http.StatusSeeOther {
			t.Fatalf("POST low = %d:\n%s", ok.status, ok.body)
		}
		if cfg, _ := s.RuleConfig(ctx, f.county.ID); cfg.Sensitivity != campusguard.SensitivityLow {
			t.Errorf("sensitivity = %q, want low", cfg.Sensitivity)
		}
		if n := admin.get(t, settings).all(t, testid("sensitivity-low")); len(n) != 1 || !hasAttr(n[0], "checked") {
			t.Error("low is not checked after saving it")
		}
		viewer := signIn(t, s, grant(campusguard.RegionViewer, f.county))
		if r := viewer.post(t, settings+"/sensitivity", url.Values{"sensitivity": {"high"}}); r.status == http.StatusSeeOther {
			t.Error("a region viewer set the sensitivity")
		}
	})
}
