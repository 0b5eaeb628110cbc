package api

import (
	"net/http"
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// TestJobsAPI: a system administrator reads each job's latest run with
// the server that ran it and its state; a region admin may not.
func TestJobsAPI(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		tr := mustTree(t, s)
		c := newStoreClient(t, s)
		ctx := sqlstoretest.Ctx
		now := time.Now()
		if _, _, err := s.TakeLease(ctx, "briefing", "2026-11-30", "server-a", now, time.Minute); err != nil {
			t.Fatal(err)
		}
		if _, err := s.FinishLease(ctx, "briefing", "2026-11-30", "server-a", now, ""); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.TakeLease(ctx, "remind-missing", "2026-11-30", "server-b", now, time.Minute); err != nil {
			t.Fatal(err)
		}
		if _, err := s.FinishLease(ctx, "remind-missing", "2026-11-30", "server-b", now, "database gone"); err != nil {
			t.Fatal(err)
		}
		sys, _ := c.signedIn(t, s, campusguard.Grant{Role: campusguard.SystemAdmin})
		r := sys.get("/api/v1/system/jobs")
		wantStatus(t, r, http.StatusOK)
		var list struct{ Items []campusguard.JobRun }
		r.JSON(t, &list)
		if len(list.Items) != 2 || list.Items[0].Job != "briefing" || list.Items[0].State != campusguard.JobDone ||
			list.Items[0].Owner != "server-a" || list.Items[1].State != campusguard.JobFailed || list.Items[1].Error != "database gone" {
			t.Errorf("jobs = %+v", list.Items)
		}
		wantError(t, c.as(t, s, campusguard.RegionAdmin, tr.County).get("/api/v1/system/jobs"), http.StatusForbidden, campusguard.Forbidden)
	})
}
