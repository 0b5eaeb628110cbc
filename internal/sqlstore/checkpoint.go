package sqlstore

import (
	"context"
	"database/sql"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Checkpoints off the write path (SQLite). In WAL mode a commit appends to
// the log and syncs it; copying the log back into the database file (a
// checkpoint) is SQLite's default work for whichever commit crosses 1,000
// pages, so one commit in some thirty paid for copying and syncing
// thousands of pages while every check queued behind it waited. Here the
// writer's automatic checkpoint is raised to a backstop (walBackstop
// pages, only reached if this goroutine falls behind) and a goroutine of
// its own, on its own connection, runs a PASSIVE checkpoint shortly after
// commits: PASSIVE copies what no reader still needs and never waits for
// the writer or a reader, so the writer goes on committing while the
// database file is written and synced. A commit is durable once its log
// frames are synced (synchronous=FULL), with or without a checkpoint, so
// nothing about acknowledgements changes.

// walBackstop is the writer's wal_autocheckpoint, in pages (4 KiB each).
const walBackstop = 16000

// checkpointGap is the least time between two background checkpoints.
var checkpointGap = 100 * time.Millisecond

type checkpointer struct {
	db      *sql.DB
	kick    chan struct{}
	quit    chan struct{}
	done    chan struct{}
	stop    sync.Once
	runs    atomic.Int64
	failing atomic.Bool
}

func startCheckpointer(db *sql.DB) *checkpointer {
	c := &checkpointer{db: db, kick: make(chan struct{}, 1), quit: make(chan struct{}), done: make(chan struct{})}
	go c.loop()
	return c
}

// committed tells the checkpointer that the log grew. It never blocks.
func (c *checkpointer) committed() {
	if c == nil {
		return
	}
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

func (c *checkpointer) loop() {
	defer close(c.done)
	gap := time.NewTimer(0)
	defer gap.Stop()
	for {
		select {
		case <-c.kick:
		case <-c.quit:
			return
		}
		select { // at most one checkpoint per gap: commits come in bursts
		case <-gap.C:
		case <-c.quit:
			return
		}
		c.checkpoint()
		gap.Reset(checkpointGap)
	}
}

func (c *checkpointer) checkpoint() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var busy, logged, copied int
	err := c.db.QueryRowContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &logged, &copied)
	c.runs.Add(1)
	if err != nil {
		// The writer's backstop checkpoints in the meantime; say so once.
		if !c.failing.Swap(true) {
			slog.Warn("background checkpoint failed; the writer checkpoints itself", "err", err)
		}
		return
	}
	c.failing.Store(false)
}

// close stops the goroutine and waits for a checkpoint in progress.
func (c *checkpointer) close() error {
	if c == nil {
		return nil
	}
	c.stop.Do(func() { close(c.quit) })
	<-c.done
	return c.db.Close()
}
