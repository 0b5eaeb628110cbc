package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"campusguard"
	"campusguard/internal/netguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// TestWebhookInternalAddressPage: the webhook form refuses a loopback
// address with the error beside the URL field, keeps what was typed, and
// stores nothing.
func TestWebhookInternalAddressPage(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		t.Setenv(netguard.EnvAllow, "")
		f := mustFixture(t, s)
		srv := newServer(t, s)
		admin := signIn(t, s, grant(campusguard.RegionAdmin, f.county))
		form := url.Values{"name": {"县疾控中心"}, "url": {"http://127.0.0.1:6379/"}, "events": {campusguard.EventCaseOpened},
			"org": {itoa(f.county.ID)}}
		p := admin.post(t, srv.URL+"/admin/webhooks", form)
		if p.status != http.StatusUnprocessableEntity {
			t.Fatalf("loopback URL = %d:\n%s", p.status, p.body)
		}
		got := p.texts(t, testid("field-error"))
		if len(got) != 1 || !strings.HasPrefix(got[0], "接收网址") || !strings.Contains(got[0], "内部网络") {
			t.Errorf("loopback URL errors = %q", got)
		}
		in := p.all(t, testid("webhook-url-input"))[0]
		if attr(in, "aria-invalid") != "true" || attr(in, "value") != "http://127.0.0.1:6379/" {
			t.Errorf("the refused form does not mark the URL or keep it")
		}
		if hooks, err := s.FindWebhooks(ctx); err != nil || len(hooks) != 0 {
			t.Fatalf("stored after the refusal: %d, %v", len(hooks), err)
		}
	})
}
