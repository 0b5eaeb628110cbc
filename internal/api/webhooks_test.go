package api

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

func countWebhooks(tb testing.TB, s *sqlstore.Store) int {
	tb.Helper()
	var n int
	if err := s.DB().QueryRow(`SELECT COUNT(*) FROM webhooks`).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

// TestWebhooks: a region admin creates a webhook for the CDC, sees the
// deliveries a new case makes, and disables it.
func TestWebhooks(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		cp := mustCasePeople(t, s)
		tr := cp.tr
		c := newStoreClient(t, s)
		admin := c.as(t, s, campusguard.RegionAdmin, tr.County)

		r := admin.send("POST", "/api/v1/webhooks", map[string]any{"org_id": tr.County.ID, "name": " 县疾控中心 ",
			"url": "https://cdc.example.cn/hook", "events": []string{"case.opened", "case.state_changed"}})
		wantStatus(t, r, http.StatusCreated)
		var nw struct {
			Webhook campusguard.Webhook `json:"webhook"`
			Secret  string              `json:"secret"`
		}
		r.JSON(t, &nw)
		h := nw.Webhook
		if !strings.HasPrefix(nw.Secret, "whsec_") || h.ID == 0 || !h.Active || h.Name != "县疾控中心" || h.OrgID != tr.County.ID ||
			h.RegionID != tr.County.ID || len(h.Events) != 2 {
			t.Fatalf("created webhook = %+v, secret %q", h, nw.Secret)
		}
		admin.secret(nw.Secret) // shown once, and never again

		r = admin.get("/api/v1/webhooks")
		wantStatus(t, r, http.StatusOK)
		var hooks items[campusguard.Webhook]
		if r.JSON(t, &hooks); len(hooks.Items) != 1 || hooks.Items[0].ID != h.ID || hooks.Items[0].URL != "https://cdc.example.cn/hook" {
			t.Errorf("webhooks = %+v", hooks.Items)
		}
		// A principal manages no webhooks.
		r = c.as(t, s, campusguard.SchoolAdmin, tr.School).get("/api/v1/webhooks")
		wantStatus(t, r, http.StatusOK)
		if r.JSON(t, &hooks); len(hooks.Items) != 0 {
			t.Errorf("a principal sees webhooks %+v", hooks.Items)
		}

		// A new case is delivered.
		deliveries := fmt.Sprintf("/api/v1/webhooks/%d/deliveries", h.ID)
		r = admin.get(deliveries)
		wantStatus(t, r, http.StatusOK)
		var ds list[campusguard.Delivery]
		if r.JSON(t, &ds); len(ds.Items) != 0 || ds.Total != 0 {
			t.Errorf("deliveries before any event = %+v", ds)
		}
		wantStatus(t, c.as(t, s, campusguard.HealthOffice, tr.School).send("POST", "/api/v1/cases",
			map[string]any{"person_id": cp.student.ID, "onset_day": today().String(), "temperature": 38.6}), http.StatusCreated)
		r = admin.get(deliveries + "?offset=0&limit=10")
		wantStatus(t, r, http.StatusOK)
		if r.JSON(t, &ds); len(ds.Items) != 1 || ds.Total != 1 || ds.Items[0].Event != campusguard.EventCaseOpened ||
			ds.Items[0].WebhookID != h.ID || ds.Items[0].DeliveredAt != nil {
			t.Errorf("deliveries = %+v, want the case.opened event, pending", ds)
		}

		// Disabled, twice.
		for range 2 {
			r = admin.send("POST", fmt.Sprintf("/api/v1/webhooks/%d/disable", h.ID), nil)
			wantStatus(t, r, http.StatusOK)
			var got campusguard.Webhook
			if r.JSON(t, &got); got.ID != h.ID || got.Active {
				t.Errorf("disabled webhook = %+v", got)
			}
		}
		r = admin.get("/api/v1/webhooks")
		wantStatus(t, r, http.StatusOK)
		if r.JSON(t, &hooks); len(hooks.Items) != 1 || hooks.Items[0].Active {
			t.Errorf("webhooks after disabling = %+v", hooks.Items)
		}

		// Bad input creates nothing.
		good := func(change func(m map[string]any)) map[string]any {
			m := map[string]any{"org_id": tr.County.ID, "name": "疾控", "url": "https://cdc.example.cn/hook", "events": []string{"case.opened"}}
			change(m)
			return m
		}
		for _, tt := range []struct {
			name   string
			who    *client
			body   any
			status int
			fields []string
		}{
			{"ftp URL", admin, good(func(m map[string]any) { m["url"] = "ftp://cdc.example.cn/hook" }), http.StatusUnprocessableEntity, []string{"url"}},
			{"URL without host", admin, good(func(m map[string]any) { m["url"] = "https://" }), http.StatusUnprocessableEntity, []string{"url"}},
			{"URL with a password", admin, good(func(m map[string]any) { m["url"] = "https://a:b@cdc.example.cn/" }), http.StatusUnprocessableEntity, []string{"url"}},
			{"unknown event", admin, good(func(m map[string]any) { m["events"] = []string{"case.deleted"} }), http.StatusUnprocessableEntity, []string{"events"}},
			{"nothing", admin, map[string]any{}, http.StatusUnprocessableEntity, []string{"org_id", "name", "url", "events"}},
			{"wrong types", admin, good(func(m map[string]any) { m["events"] = "case.opened"; m["org_id"] = "县" }), http.StatusBadRequest, []string{"events", "org_id"}},
			{"unknown field", admin, good(func(m map[string]any) { m["secret"] = "mine" }), http.StatusBadRequest, []string{"secret"}},
			{"node out of scope", c.as(t, s, campusguard.SchoolAdmin, tr.Other), good(func(m map[string]any) { m["org_id"] = tr.School.ID }), http.StatusNotFound, []string{"org_id"}},
			{"a health officer", c.as(t, s, campusguard.HealthOffice, tr.School), good(func(m map[string]any) { m["org_id"] = tr.School.ID }), http.StatusForbidden, nil},
			{"anonymous", c.anonymous(), good(func(m map[string]any) {}), http.StatusUnauthorized, nil},
		} {
			t.Run(tt.name, func(t *testing.T) {
				r := tt.who.send("POST", "/api/v1/webhooks", tt.body)
				wantStatus(t, r, tt.status)
				if tt.fields != nil {
					wantFields(t, r.Err(t), tt.fields...)
				}
			})
		}
		if n := countWebhooks(t, s); n != 1 {
			t.Errorf("webhooks stored = %d, want 1", n)
		}

		wantFields(t, wantError(t, admin.send("POST", "/api/v1/webhooks/abc/disable", nil), http.StatusBadRequest, campusguard.Invalid), "id")
		wantError(t, admin.send("POST", "/api/v1/webhooks/999999/disable", nil), http.StatusNotFound, campusguard.NotFound)
		wantError(t, c.as(t, s, campusguard.SchoolAdmin, tr.School).send("POST", fmt.Sprintf("/api/v1/webhooks/%d/disable", h.ID), nil),
			http.StatusNotFound, campusguard.NotFound)
		wantError(t, admin.get("/api/v1/webhooks/999999/deliveries"), http.StatusNotFound, campusguard.NotFound)
		wantError(t, c.as(t, s, campusguard.SchoolAdmin, tr.School).get(deliveries), http.StatusNotFound, campusguard.NotFound)
		wantFields(t, wantError(t, admin.get("/api/v1/webhooks/0/deliveries"), http.StatusBadRequest, campusguard.Invalid), "id")
		wantFields(t, wantError(t, admin.get(deliveries+"?limit=501"), http.StatusBadRequest, campusguard.Invalid), "limit")
		for _, path := range []string{"/api/v1/webhooks", deliveries} {
			wantError(t, c.anonymous().get(path), http.StatusUnauthorized, campusguard.Unauthenticated)
		}
		wantError(t, c.anonymous().send("POST", fmt.Sprintf("/api/v1/webhooks/%d/disable", h.ID), nil), http.StatusUnauthorized, campusguard.Unauthenticated)
	})
}
