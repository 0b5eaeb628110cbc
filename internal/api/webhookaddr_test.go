package api

import (
	"net/http"
	"strings"
	"testing"

	"campusguard"
	"campusguard/internal/netguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// TestWebhookInternalAddressAPI: POST /webhooks with a loopback or private
// URL is refused with 422 naming "url" and saying why, nothing stored;
// once the system administrator allows the address, the same URL is saved.
func TestWebhookInternalAddressAPI(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		cp := mustCasePeople(t, s)
		c := newStoreClient(t, s)
		admin := c.as(t, s, campusguard.RegionAdmin, cp.tr.County)
		body := func(u string) map[string]any {
			return map[string]any{"org_id": cp.tr.County.ID, "name": "疾控", "url": u, "events": []string{"case.opened"}}
		}
		t.Setenv(netguard.EnvAllow, "")
		for _, u := range []string{"http://127.0.0.1:9/hook", "http://[::1]/", "http://10.1.2.3/", "http://169.254.169.254/",
			"http://localhost:8080/"} {
			e := wantError(t, admin.send("POST", "/api/v1/webhooks", body(u)), http.StatusUnprocessableEntity, campusguard.Invalid)
			wantFields(t, e, "url")
			if len(e.Fields) == 1 && !strings.Contains(e.Fields[0].Message, "内部网络") {
				t.Errorf("%s refused with %q, want the internal-network message", u, e.Fields[0].Message)
			}
		}
		if n := countWebhooks(t, s); n != 0 {
			t.Fatalf("webhooks stored after refusals = %d", n)
		}
		t.Setenv(netguard.EnvAllow, "127.0.0.1")
		wantStatus(t, admin.send("POST", "/api/v1/webhooks", body("http://127.0.0.1:9/hook")), http.StatusCreated)
		wantFields(t, wantError(t, admin.send("POST", "/api/v1/webhooks", body("http://10.1.2.3/")),
			http.StatusUnprocessableEntity, campusguard.Invalid), "url")
		if n := countWebhooks(t, s); n != 1 {
			t.Errorf("webhooks stored = %d, want 1", n)
		}
	})
}
