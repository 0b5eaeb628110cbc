package sqlstore_test

import (
	"testing"

	"campusguard"
	"campusguard/internal/netguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// TestWebhookInternalAddress: a webhook whose URL names an internal host
// (loopback, private, link-local, unspecified, a localhost name) is refused
// with the field "url" and nothing is stored, unless the system
// administrator's list allows it; a public name is saved without being
// resolved.
func TestWebhookInternalAddress(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustCaseWorld(t, s)
		hook := func(u string) *campusguard.Webhook {
			return &campusguard.Webhook{Name: "疾控", URL: u, Events: []string{campusguard.EventCaseOpened}, OrgID: w.tr.County.ID}
		}
		refused := func(u string) {
			t.Helper()
			_, err := s.CreateWebhook(ctx, hook(u))
			var e *campusguard.Error
			if !asError(err, &e) || e.Code != campusguard.Invalid || len(e.Fields) != 1 || e.Fields[0].Field != "url" ||
				e.Fields[0].Msg != "error.webhook_internal" {
				t.Errorf("CreateWebhook(%s) = %v, want Invalid url error.webhook_internal", u, err)
			}
		}
		t.Setenv(netguard.EnvAllow, "")
		internal := []string{
			"http://127.0.0.1:8080/hook", "http://127.1/", "http://2130706433/", "http://[::1]:9/hook",
			"http://10.0.0.5/hook", "https://172.16.3.4/", "http://192.168.1.1/", "http://169.254.169.254/latest/meta-data",
			"http://[fc00::1]/", "http://[fd12:3456::1]/", "http://0.0.0.0:80/", "http://localhost:8080/hook",
			"http://api.localhost/", "http://LOCALHOST./",
		}
		for _, u := range internal {
			refused(u)
		}
		if n := countRows(t, s, "webhooks"); n != 0 {
			t.Fatalf("internal webhooks stored: %d", n)
		}
		// A public name is not resolved now: the delivery checks the
		// address it dials. A public address is fine.
		for _, u := range []string{"https://cdc.example.cn/hook", "http://203.0.113.7:8443/in", "https://[2001:db8::1]/hook"} {
			if _, err := s.CreateWebhook(ctx, hook(u)); err != nil {
				t.Errorf("CreateWebhook(%s) = %v", u, err)
			}
		}

		// The administrator allows the bureau's own network and loopback.
		t.Setenv(netguard.EnvAllow, "127.0.0.1, 10.20.0.0/16")
		for _, u := range []string{"http://127.0.0.1:9/hook", "http://localhost/hook", "http://10.20.1.2/hook"} {
			if _, err := s.CreateWebhook(ctx, hook(u)); err != nil {
				t.Errorf("allowed CreateWebhook(%s) = %v", u, err)
			}
		}
		for _, u := range []string{"http://10.21.0.1/hook", "http://127.0.0.2/", "http://[::1]/", "http://192.168.1.1/"} {
			refused(u)
		}
		if n := countRows(t, s, "webhooks"); n != 6 {
			t.Errorf("webhooks stored = %d, want 6", n)
		}
	})
}
