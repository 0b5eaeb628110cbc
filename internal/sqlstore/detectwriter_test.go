package sqlstore_test

import (
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// TestDetectionLeavesWriterFree: while detection computes its rules and
// statistics, a check submission commits: detection holds no write
// transaction then (on SQLite, the only writer). The submission's commit
// has a short deadline, so a held writer would fail it.
func TestDetectionLeavesWriterFree(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		w := mustWorld(t, s)
		restore := sqlstore.SetCommitTimeout(2 * time.Second)
		defer restore()
		var during error
		ran := false
		defer sqlstore.SetDetectComputed(func() {
			ran = true
			_, _, during = s.RecordCheck(ctx, gateCheck(w, "during-detection"))
		})()
		if _, _, err := s.DetectAlerts(ctx, w.county.ID, campusguard.DateOf(time.Now())); err != nil {
			t.Fatalf("DetectAlerts = %v", err)
		}
		if !ran {
			t.Fatal("detection never reached the point between computing and writing")
		}
		if during != nil {
			t.Errorf("a check submitted while detection computed = %v, want it stored", during)
		}
	})
}
