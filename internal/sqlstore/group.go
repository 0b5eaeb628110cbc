package sqlstore

import (
	"context"
	"errors"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// Group commit. Every check write of the process goes through one goroutine
// (on PostgreSQL, one of a few: see Committers) that commits, as one
// transaction, whatever queued while the previous commit ran. A durable
// commit costs a few milliseconds whatever it holds (an fsync on SQLite,
// a WAL flush on PostgreSQL), so many concurrent single
// submissions share one, and each caller is answered only once its rows
// are durable. On SQLite one writer also means check writes never race
// each other; on PostgreSQL they lock their people (see recordBatch).

// maxGroup is the number of rows after which a group stops taking more.
const maxGroup = 2000

// commitDelay is how long a commit on SQLite waits for more submissions to
// share it, when the last one was shared. 300 µs measured best under 64
// connections of single gate checks (bench/wrk.sh, issue 20): 10,500–12,400
// checks a second against 8,100–8,600 at 1 ms and 2 ms, at the same CPU per
// check; 100 µs and 500 µs were between (docs/benchmarks.md).
var commitDelay = 300 * time.Microsecond

// pgCommitDelay is the same on PostgreSQL, where the shorter window has not
// been measured: it stays at the 1 ms its figures were taken with.
var pgCommitDelay = 1 * time.Millisecond

// commitTimeout bounds one group's transaction: a commit that hangs (a lock
// held elsewhere, a database that stopped answering) fails its group
// rather than holding every later submission behind it.
var commitTimeout = 30 * time.Second

// closeWait bounds how long Close waits for the commit goroutine.
var closeWait = commitTimeout + 5*time.Second

type groupRequest struct {
	ctx  context.Context
	subs []*submission
	done chan error
}

type groupCommit struct {
	once     sync.Once
	stopOnce sync.Once
	queue    chan *groupRequest
	quit     chan struct{}
	stopped  chan struct{} // closed when every loop has returned

	groups, rows atomic.Int64 // committed so far, for metrics
}

// CommitStats returns how many group commits of checks ran and how many
// rows they held: rows/groups is the mean group size.
func (s *Store) CommitStats() (groups, rows int64) {
	return s.group.groups.Load(), s.group.rows.Load()
}

var errClosed = errors.New("store closed")

// submit queues subs for the next group and waits until it is committed.
// The error is an internal one; row errors are in the submissions.
func (s *Store) submit(ctx context.Context, subs []*submission) error {
	g := &s.group
	g.once.Do(func() {
		g.queue = make(chan *groupRequest, 1024)
		g.quit = make(chan struct{})
		g.stopped = make(chan struct{})
		var loops sync.WaitGroup
		for range s.committers() {
			loops.Go(s.commitLoop)
		}
		go func() { loops.Wait(); close(g.stopped) }()
	})
	if g.queue == nil {
		return errClosed // stopped before it ever started
	}
	req := &groupRequest{ctx: ctx, subs: subs, done: make(chan error, 1)}
	select {
	case g.queue <- req:
	case <-g.quit:
		return errClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	// A caller that goes away stops waiting: its rows may still be
	// committed (the group goes on; done is buffered), and the client's
	// retry with the same key finds them, so the answer is only dropped.
	select {
	case err := <-req.done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	case <-g.stopped:
		select {
		case err := <-req.done:
			return err
		default:
			return errClosed
		}
	}
}

// Committers is the number of group committers on PostgreSQL. There,
// several servers write at once anyway, and a check batch locks its
// people's rows (see recordBatch), so several committers per server are as
// safe as several servers, and while one group waits for its pipeline's
// answers (pipeline.go) or its commit's WAL flush, the next can be
// written. Before the pipeline, measured, a second committer gained
// nothing; with it, two measured about a fifth faster than one (quiet
// machine, docs/benchmarks.md, issue 15), three no better than two, four
// slower: every group adds to the same roll-up rows (the region's day
// above all) and holds them until its commit is flushed, and more
// committers make each group smaller. So two, unless
// CAMPUSGUARD_PG_COMMITTERS says otherwise; SQLite has one writer.
var Committers = 2

func (s *Store) committers() int {
	if !s.dialect.postgres {
		return 1
	}
	if n, err := strconv.Atoi(os.Getenv("CAMPUSGUARD_PG_COMMITTERS")); err == nil && n > 0 {
		return n
	}
	return max(Committers, 1)
}

func (s *Store) commitLoop() {
	g := &s.group
	busy := false
	for {
		var first *groupRequest
		select {
		case first = <-g.queue:
		case <-g.quit:
			// Answer whoever is still queued.
			for {
				select {
				case r := <-g.queue:
					r.done <- errClosed
				default:
					return
				}
			}
		}
		group, n := []*groupRequest{first}, len(first.subs)
		// Under load (the last commit was shared), wait a moment for more
		// to share this one: a commit costs about the same whatever it
		// holds. A lone submission does not wait.
		delay := time.Duration(0)
		if busy {
			delay = commitDelay
			if s.dialect.postgres {
				delay = pgCommitDelay
			}
		}
		wait := time.NewTimer(delay)
	drain:
		for n < maxGroup {
			select {
			case r := <-g.queue:
				group = append(group, r)
				n += len(r.subs)
			case <-wait.C:
				break drain
			}
		}
		wait.Stop()
		busy = len(group) > 1
		s.commitGroup(group)
	}
}

// commitGroup commits a group's requests in one transaction. Requests whose
// callers have gone are dropped. If the transaction fails, each request is
// tried alone so one request's failure is not another's.
func (s *Store) commitGroup(group []*groupRequest) {
	live := group[:0]
	for _, r := range group {
		if err := r.ctx.Err(); err != nil {
			r.done <- err
			continue
		}
		live = append(live, r)
	}
	if len(live) == 0 {
		return
	}
	run := func(reqs []*groupRequest) error {
		var subs []*submission
		for _, r := range reqs {
			subs = append(subs, r.subs...)
		}
		// One caller's going away does not cancel the others' commit, but
		// the commit has a deadline of its own.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(reqs[0].ctx), commitTimeout)
		defer cancel()
		var err error
		for try := 0; ; try++ {
			if s.dialect.postgres && !s.unpipelined {
				err = s.recordPipelined(ctx, subs)
			} else {
				err = s.inTx(ctx, func(tx *Tx) error {
					tx.keepsCache = true // what it writes, it gives back to the cache after its commit
					return s.recordBatch(ctx, tx, subs)
				})
			}
			if try == 2 || !retryable(err) {
				return err
			}
			for _, sb := range subs { // forget what the failed attempt set
				sb.out, sb.created, sb.err = nil, false, nil
			}
		}
	}
	err := run(live)
	if err == nil {
		s.group.groups.Add(1)
		for _, r := range live {
			s.group.rows.Add(int64(len(r.subs)))
		}
	}
	if err == nil || len(live) == 1 {
		for _, r := range live {
			r.done <- err
		}
		return
	}
	for _, r := range live {
		for _, sb := range r.subs { // forget what the failed attempt set
			sb.out, sb.created, sb.err = nil, false, nil
		}
		r.done <- run([]*groupRequest{r})
	}
}

// retryable reports whether a transaction failed only because it met
// another writer on PostgreSQL (a deadlock, a serialisation failure): run
// again, it sees what the other committed. Check writers lock people in id
// order, so this is rare (two people given the same client key at once).
func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40P01" || pe.Code == "40001")
}

// stopGroup ends the commit goroutine, if it was started, and waits for it.
func (s *Store) stopGroup() {
	g := &s.group
	g.once.Do(func() {}) // from here on, queue is set if and only if the loop runs
	if g.queue != nil {
		g.stopOnce.Do(func() { close(g.quit) })
		// The running commit ends by its deadline; Close does not wait
		// longer than that.
		t := time.NewTimer(closeWait)
		defer t.Stop()
		select {
		case <-g.stopped:
		case <-t.C:
		}
	}
}
