package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"modernc.org/sqlite"

	"campusguard"
)

// The SQLite writer's cache of what check batches read (issue 20). On
// SQLite one connection does every write of the process, so a check batch
// can remember the people it looked up (their row and the path of their
// class) and each person-day it wrote (the current checks and the status
// stored), and the next batch reads them from memory instead of from three
// indexed queries. It is a cache of what the database holds, never a second
// truth, and it is thrown away whenever anything else may have written:
//
//   - any write transaction of this process that is not a check batch
//     (people moved, a class renamed, a case, an import, retention) clears
//     it before it commits, on the one writer connection;
//   - a commit by another process or connection (the CLI's import or token
//     commands on the same file, a restore) changes SQLite's data_version,
//     which each batch reads first on the writer connection;
//     data_version is counted per connection, so a new writer connection
//     (database/sql replaces a broken one) clears the cache too;
//   - a check batch's own updates are applied only after it commits, and
//     only if nothing cleared the cache in between (a generation number);
//   - raw access to the writer (WriteDB, benchmarks) turns it off for good.
//
// On PostgreSQL several servers write at once and a batch must lock its
// people's rows anyway, so there is no cache.

// writerCacheMax bounds each of the two maps; past it the cache starts
// over (a city's morning has more person-days than a county's).
const writerCacheMax = 200_000

type writerCache struct {
	mu      sync.Mutex
	off     bool
	gen     uint64
	dsn     string // the writer's, whose connections are counted
	conns   int64  // writer connections opened when last read
	version int64  // PRAGMA data_version when last read
	people  map[int64]located
	days    map[dayKey]cachedDay
}

// cachedDay is a person-day as stored: its current checks and its status.
type cachedDay struct {
	current []campusguard.Check
	status  campusguard.DayStatus
	stored  bool
}

// writerConns counts the connections opened per writer DSN, so that the
// cache knows when the writer's connection is not the one it last read
// data_version on.
var writerConns sync.Map // DSN → *atomic.Int64

func writerConnsOf(dsn string) *atomic.Int64 {
	n, _ := writerConns.LoadOrStore(dsn, new(atomic.Int64))
	return n.(*atomic.Int64)
}

func init() {
	sqlite.RegisterConnectionHook(func(_ sqlite.ExecQuerierContext, dsn string) error {
		if strings.Contains(dsn, "_txlock=immediate") { // a writer's DSN (sqliteDSN)
			writerConnsOf(dsn).Add(1)
		}
		return nil
	})
}

// clear forgets everything; the next batch reads from the database.
func (w *writerCache) clear() {
	w.mu.Lock()
	w.gen++
	w.people, w.days = nil, nil
	w.mu.Unlock()
}

// disable turns the cache off for the life of the store.
func (w *writerCache) disable() {
	w.mu.Lock()
	w.off = true
	w.gen++
	w.people, w.days = nil, nil
	w.mu.Unlock()
}

// batchView is what one check batch took from the cache, and what it will
// give back once it has committed.
type batchView struct {
	w      *writerCache
	gen    uint64
	people map[int64]located
	days   map[dayKey]cachedDay
}

// begin starts a batch's use of the cache inside its transaction: it reads
// data_version on the writer connection and clears the cache if another
// connection committed since. It returns nil when the cache is not used.
func (s *Store) beginCacheView(ctx context.Context, tx *Tx) (*batchView, error) {
	w := &s.wcache
	if s.dialect.postgres {
		return nil, nil
	}
	w.mu.Lock()
	off := w.off
	w.mu.Unlock()
	if off {
		return nil, nil
	}
	var version int64
	if err := tx.QueryRowContext(ctx, `PRAGMA data_version`).Scan(&version); err != nil {
		return nil, fmt.Errorf("data version: %w", err)
	}
	conns := writerConnsOf(w.dsn).Load()
	w.mu.Lock()
	defer w.mu.Unlock()
	if version != w.version || conns != w.conns {
		w.gen++
		w.people, w.days = nil, nil
		w.version, w.conns = version, conns
	}
	return &batchView{w: w, gen: w.gen, people: w.people, days: w.days}, nil
}

// cachedPeople puts those of ids the cache holds into people and returns
// the others, to be read from the database. It takes the cache's lock once
// for the whole batch, so a batch of a class's checks does not take it per
// row, and sees one state of the cache.
func (v *batchView) cachedPeople(ids []int64, people map[int64]located) (missing []int64) {
	if v == nil {
		return ids
	}
	v.w.mu.Lock()
	defer v.w.mu.Unlock()
	if v.w.gen != v.gen {
		return ids
	}
	for _, id := range ids {
		if l, ok := v.people[id]; ok {
			people[id] = l
			continue
		}
		missing = append(missing, id)
	}
	return missing
}

// cachedDays fills in the person-days of days that the cache holds, for
// the people of each day in byDay, their checks copied so that the batch
// may change them; it returns the others by day, in byDay's order, to be
// read from the database. Like cachedPeople it takes the lock once.
func (v *batchView) cachedDays(byDay map[campusguard.Date][]int64, days map[dayKey]*personDay) (missing map[campusguard.Date][]int64) {
	if v == nil {
		return byDay
	}
	v.w.mu.Lock()
	defer v.w.mu.Unlock()
	if v.w.gen != v.gen {
		return byDay
	}
	missing = make(map[campusguard.Date][]int64, len(byDay))
	for day, ids := range byDay {
		for _, id := range ids {
			k := dayKey{id, day}
			d, ok := v.days[k]
			if !ok {
				missing[day] = append(missing[day], id)
				continue
			}
			pd := days[k]
			for i := range d.current {
				c := d.current[i]
				pd.current = append(pd.current, &c)
			}
			pd.was, pd.stored = d.status, d.stored
		}
	}
	return missing
}

// committed gives the batch's people and final days back to the cache,
// unless something cleared it since the batch began.
func (v *batchView) committed(people map[int64]located, days map[dayKey]*personDay) {
	if v == nil {
		return
	}
	w := v.w
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.off || w.gen != v.gen {
		return
	}
	if w.people == nil || len(w.people)+len(people) > writerCacheMax {
		w.people = make(map[int64]located, len(people))
	}
	if w.days == nil || len(w.days)+len(days) > writerCacheMax {
		w.days = make(map[dayKey]cachedDay, len(days))
	}
	for id, l := range people {
		p := *l.p
		w.people[id] = located{&p, l.path}
	}
	for k, pd := range days {
		d := cachedDay{status: pd.was, stored: pd.stored}
		if pd.touched {
			d.status, d.stored = campusguard.SummarizeDay(pd.current), true
		}
		for _, c := range pd.current {
			d.current = append(d.current, *c)
		}
		w.days[k] = d
	}
}
