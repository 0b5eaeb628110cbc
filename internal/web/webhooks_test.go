package web_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// TestWebhooks: a region admin makes a webhook and sees its secret once;
// a bad URL is refused and nothing stored; a case opened below it shows
// in its delivery log; it can be disabled.
func TestWebhooks(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		srv := newServer(t, s)
		admin := signIn(t, s, grant(campusguard.RegionAdmin, f.county))

		p := admin.get(t, srv.URL+"/admin/webhooks")
		if p.status != http.StatusOK || p.text(t, testid("webhooks")+" "+testid("none")) != "还没有推送地址" {
			t.Fatalf("empty webhook list = %d:\n%s", p.status, p.body)
		}
		if got := attr(p.all(t, testid("webhook-org-input")+" option[selected]")[0], "value"); got != itoa(f.county.ID) {
			t.Errorf("node defaults to %q, want the admin's county %d", got, f.county.ID)
		}
		var events []string
		for _, n := range p.all(t, testid("webhook-event")) {
			events = append(events, attr(n, "value"))
		}
		if diff := cmp.Diff(campusguard.WebhookEvents, events); diff != "" {
			t.Errorf("event choices (-want +got):\n%s", diff)
		}
		if got := attr(p.all(t, testid("nav-webhooks"))[0], "href"); got != "/admin/webhooks" {
			t.Errorf("nav link to webhooks = %q", got)
		}
		if got := attr(p.all(t, testid("nav-settings"))[0], "href"); got != "/orgs/"+itoa(f.county.ID)+"/settings" {
			t.Errorf("nav link to settings = %q", got)
		}

		// Bad input: each field named, the values kept, nothing stored.
		form := url.Values{"name": {"县疾控中心"}, "url": {"ftp://cdc.example/hook"}, "events": {campusguard.EventCaseOpened},
			"org": {itoa(f.county.ID)}}
		p = admin.post(t, srv.URL+"/admin/webhooks", form)
		if p.status != http.StatusUnprocessableEntity {
			t.Fatalf("ftp URL = %d:\n%s", p.status, p.body)
		}
		if got := p.texts(t, testid("field-error")); len(got) != 1 || !strings.HasPrefix(got[0], "接收网址") {
			t.Errorf("ftp URL errors = %q", got)
		}
		if attr(p.all(t, testid("webhook-url-input"))[0], "aria-invalid") != "true" ||
			attr(p.all(t, testid("webhook-name-input"))[0], "value") != "县疾控中心" {
			t.Errorf("the refused form does not mark the URL or keep the name")
		}
		if n := len(p.all(t, testid("webhook-event")+"[checked]")); n != 1 {
			t.Errorf("checked events after a refusal = %d", n)
		}
		p = admin.post(t, srv.URL+"/admin/webhooks", url.Values{"name": {" "}, "url": {"https://cdc.example/hook"}, "org": {itoa(f.county.ID)}})
		if p.status != http.StatusUnprocessableEntity || len(p.texts(t, testid("field-error"))) != 2 {
			t.Errorf("no name, no events = %d %q", p.status, p.texts(t, testid("field-error")))
		}
		if hooks, err := s.FindWebhooks(ctx); err != nil || len(hooks) != 0 {
			t.Fatalf("stored after refusals: %d, %v", len(hooks), err)
		}

		// Created: the secret once, with how to check a signature.
		form.Set("url", "https://cdc.example/hook")
		form["events"] = []string{campusguard.EventCaseOpened, campusguard.EventCaseOverdue}
		p = admin.post(t, srv.URL+"/admin/webhooks", form)
		if p.status != http.StatusCreated {
			t.Fatalf("create webhook = %d:\n%s", p.status, p.body)
		}
		secret := p.text(t, testid("webhook-secret"))
		if !strings.HasPrefix(secret, "whsec_") || len(secret) < 30 {
			t.Fatalf("secret = %q", secret)
		}
		card := p.text(t, testid("webhook-secret-card"))
		for _, w := range []string{"只显示这一次", "X-Campusguard-Signature: t=UNIX,v1=HEX", "HMAC-SHA256(secret, UNIX + \".\" + BODY)"} {
			if !strings.Contains(card, w) {
				t.Errorf("secret card lacks %q", w)
			}
		}
		p = admin.get(t, srv.URL+"/admin/webhooks")
		if strings.Contains(p.body, secret) {
			t.Errorf("the list shows the secret")
		}
		rows := p.all(t, testid("webhook-row"))
		if len(rows) != 1 {
			t.Fatalf("webhook rows = %d", len(rows))
		}
		want := map[string]string{"webhook-link": "县疾控中心", "webhook-url": "https://cdc.example/hook",
			"webhook-events": "新病例、病例超时未上报", "webhook-org": "云霄县", "webhook-active": "启用中"}
		for id, w := range want {
			if got := nodeText(find(t, rows[0], testid(id))); got != w {
				t.Errorf("%s = %q, want %q", id, got, w)
			}
		}
		logURL := attr(find(t, rows[0], testid("webhook-link")), "href")

		// The log: empty, then a delivery waiting for a case opened below.
		p = admin.get(t, srv.URL+logURL)
		if p.status != http.StatusOK || p.text(t, testid("deliveries")+" "+testid("none")) != "还没有推送记录" {
			t.Fatalf("empty log = %d:\n%s", p.status, p.body)
		}
		officer := signIn(t, s, grant(campusguard.HealthOffice, f.school))
		inboxCase(t, s, officer.user, f.student.ID)
		p = admin.get(t, srv.URL+logURL)
		ds := p.all(t, testid("delivery-row"))
		if len(ds) != 1 {
			t.Fatalf("deliveries = %d:\n%s", len(ds), p.body)
		}
		got := map[string]string{}
		for _, id := range []string{"delivery-attempts", "delivery-status", "delivery-error", "delivery-delivered"} {
			got[id] = nodeText(find(t, ds[0], testid(id)))
		}
		if diff := cmp.Diff(map[string]string{"delivery-attempts": "0", "delivery-status": "—", "delivery-error": "—",
			"delivery-delivered": "—"}, got); diff != "" {
			t.Errorf("delivery (-want +got):\n%s", diff)
		}
		if ev := nodeText(find(t, ds[0], testid("delivery-event"))); !strings.HasPrefix(ev, "新病例") {
			t.Errorf("delivery event = %q", ev)
		}
		if next := nodeText(find(t, ds[0], testid("delivery-next"))); next == "—" || next == "" {
			t.Errorf("no next attempt for a waiting delivery")
		}
		if p.text(t, testid("deliveries-total")) != "共 1 条" {
			t.Errorf("total = %q", p.text(t, testid("deliveries-total")))
		}

		// Another county's admin does not find it; a health officer may
		// not open the webhook pages at all.
		stranger := signIn(t, s, grant(campusguard.RegionAdmin, f.other))
		if p := stranger.get(t, srv.URL+logURL); p.status != http.StatusNotFound {
			t.Errorf("another county's log = %d, want 404", p.status)
		}
		if p := stranger.post(t, srv.URL+logURL+"/disable", nil); p.status != http.StatusNotFound {
			t.Errorf("another county disables = %d, want 404", p.status)
		}
		for _, c := range []struct{ method, path string }{
			{"GET", "/admin/webhooks"}, {"POST", "/admin/webhooks"}, {"GET", logURL}, {"POST", logURL + "/disable"},
		} {
			var p *page
			if c.method == "GET" {
				p = officer.get(t, srv.URL+c.path)
			} else {
				p = officer.post(t, srv.URL+c.path, form)
			}
			if p.status != http.StatusForbidden && p.status != http.StatusNotFound {
				t.Errorf("health officer %s %s = %d, want 403 or 404", c.method, c.path, p.status)
			}
		}
		p = officer.get(t, srv.URL+"/")
		if len(p.all(t, testid("nav-webhooks"))) != 0 || len(p.all(t, testid("nav-settings"))) != 0 {
			t.Errorf("a health officer's menu links to the webhooks or settings")
		}
		if hooks, _ := s.FindWebhooks(ctx); len(hooks) != 1 || !hooks[0].Active {
			t.Fatalf("webhooks after refusals = %d", len(hooks))
		}

		// Disabled: the list says so, and the log page offers no button.
		p = admin.get(t, srv.URL+"/admin/webhooks")
		action := attr(p.all(t, testid("webhook-disable-form"))[0], "action")
		p = admin.post(t, srv.URL+action, nil)
		if p.status != http.StatusSeeOther || p.header.Get("Location") != "/admin/webhooks?disabled=1" {
			t.Fatalf("disable = %d → %q", p.status, p.header.Get("Location"))
		}
		p = admin.get(t, srv.URL+"/admin/webhooks?disabled=1")
		if p.text(t, testid("webhook-disabled")) != "已停用" || len(p.all(t, testid("webhook-disable"))) != 0 || p.text(t, testid("notice")) == "" {
			t.Errorf("disabled webhook row: %q", p.text(t, testid("webhook-state")))
		}
		if p := admin.get(t, srv.URL+logURL); p.text(t, testid("webhook-state")) != "已停用" || len(p.all(t, testid("webhook-disable"))) != 0 {
			t.Errorf("log page of a disabled webhook still offers to disable it")
		}
	})
}

// TestRegionSettings: a region admin sets the case report time limit of a
// top-level region, within 10 to 1440 minutes; nobody else may.
func TestRegionSettings(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		srv := newServer(t, s)
		admin := signIn(t, s, grant(campusguard.RegionAdmin, f.county))
		u := srv.URL + "/orgs/" + itoa(f.county.ID) + "/settings"

		p := admin.get(t, u)
		if p.status != http.StatusOK || attr(p.all(t, testid("report-within-input"))[0], "value") != "120" {
			t.Fatalf("settings = %d:\n%s", p.status, p.body)
		}
		for _, c := range []struct{ name, in, want string }{
			{"too short", "5", "应在 10 到 1440 之间"},
			{"too long", "1441", "应在 10 到 1440 之间"},
			{"huge", "99999999999999", "应在 10 到 1440 之间"},
			{"not a number", "两小时", "应为整数"},
			{"empty", "", "必填"},
		} {
			t.Run(c.name, func(t *testing.T) {
				p := admin.post(t, u, url.Values{"report_within_minutes": {c.in}})
				if p.status != http.StatusUnprocessableEntity {
					t.Fatalf("POST %q = %d", c.in, p.status)
				}
				if got := p.text(t, testid("field-error")); !strings.HasPrefix(got, "上报时限（分钟）") || !strings.Contains(got, c.want) {
					t.Errorf("POST %q error = %q, want %q", c.in, got, c.want)
				}
				if attr(p.all(t, testid("report-within-input"))[0], "aria-invalid") != "true" {
					t.Errorf("the input is not marked")
				}
			})
		}
		if d, err := s.ReportWithin(ctx, f.county.ID); err != nil || d != campusguard.DefaultReportWithin {
			t.Errorf("ReportWithin after refusals = %v, %v", d, err)
		}
		p = admin.post(t, u, url.Values{"report_within_minutes": {"45"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("save = %d:\n%s", p.status, p.body)
		}
		p = admin.get(t, srv.URL+p.header.Get("Location"))
		if attr(p.all(t, testid("report-within-input"))[0], "value") != "45" || p.text(t, testid("notice")) != "已保存" {
			t.Errorf("after saving: value %q", attr(p.all(t, testid("report-within-input"))[0], "value"))
		}
		if d, err := s.ReportWithin(ctx, f.county.ID); err != nil || d != 45*time.Minute {
			t.Errorf("ReportWithin = %v, %v; want 45m", d, err)
		}

		// Only a top-level region has settings; only its admins may.
		if p := admin.get(t, srv.URL+"/orgs/"+itoa(f.town.ID)+"/settings"); p.status != http.StatusNotFound {
			t.Errorf("a town's settings = %d, want 404", p.status)
		}
		officer := signIn(t, s, grant(campusguard.HealthOffice, f.school))
		stranger := signIn(t, s, grant(campusguard.RegionAdmin, f.other))
		for name, b := range map[string]*browser{"health officer": officer, "other county": stranger} {
			if p := b.get(t, u); p.status != http.StatusForbidden && p.status != http.StatusNotFound {
				t.Errorf("%s GET = %d", name, p.status)
			}
			if p := b.post(t, u, url.Values{"report_within_minutes": {"10"}}); p.status != http.StatusForbidden && p.status != http.StatusNotFound {
				t.Errorf("%s POST = %d", name, p.status)
			}
		}
		if d, _ := s.ReportWithin(ctx, f.county.ID); d != 45*time.Minute {
			t.Errorf("ReportWithin after refused posts = %v", d)
		}
		// A system administrator finds the region's settings on the
		// webhooks page.
		root := signIn(t, s, campusguard.Grant{Role: campusguard.SystemAdmin})
		p = root.get(t, srv.URL+"/admin/webhooks")
		var links []string
		for _, n := range p.all(t, testid("region-settings-link")) {
			links = append(links, attr(n, "href"))
		}
		want := []string{"/orgs/" + itoa(f.county.ID) + "/settings", "/orgs/" + itoa(f.other.ID) + "/settings"}
		slices.Sort(want)
		slices.Sort(links)
		if diff := cmp.Diff(want, links); diff != "" {
			t.Errorf("settings links for a system administrator (-want +got):\n%s", diff)
		}
	})
}
