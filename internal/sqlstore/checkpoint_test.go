package sqlstore_test

import (
	"testing"
	"time"

	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// The writer leaves checkpoints to the background goroutine: its own
// automatic checkpoint is only the backstop, and the goroutine runs after
// commits, without failing.
func TestBackgroundCheckpoint(t *testing.T) {
	s := sqlstoretest.OpenDialect(t, "sqlite")
	var pages int
	if err := s.WriteDB().QueryRow(`PRAGMA wal_autocheckpoint`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if pages < 10000 {
		t.Fatalf("the writer checkpoints every %d pages itself; want the backstop (≥ 10,000)", pages)
	}
	before, _ := sqlstore.CheckpointRuns(s)
	sqlstoretest.MustTree(t, s) // commits
	deadline := time.Now().Add(10 * time.Second)
	for {
		runs, failing := sqlstore.CheckpointRuns(s)
		if failing {
			t.Fatal("the background checkpoint failed")
		}
		if runs > before {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no background checkpoint ran within 10 s of the commits (runs %d)", runs)
		}
		time.Sleep(20 * time.Millisecond)
	}
	// Everything the log held can now be copied: a checkpoint by hand
	// finds the log fully checkpointed or copies the rest without a reader
	// or writer in its way.
	var busy, logged, copied int
	if err := s.WriteDB().QueryRow(`PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &logged, &copied); err != nil {
		t.Fatal(err)
	}
	if busy != 0 || logged != copied {
		t.Fatalf("checkpoint: busy %d, %d frames logged, %d copied", busy, logged, copied)
	}
}
