package sqlstore

import (
	"slices"
	"sync"
	"testing"

	"campusguard"
)

// TestWriterCacheBatchLookups: a batch's view gives the people and
// person-days the cache holds and returns the others, in order, to be
// read; the checks it gives are copies the batch may change; once anything
// cleared the cache, a view begun before sees nothing; no view sees nothing.
func TestWriterCacheBatchLookups(t *testing.T) {
	day := campusguard.Date{Year: 2026, Month: 3, Day: 10}
	newCache := func() *writerCache {
		return &writerCache{gen: 7,
			people: map[int64]located{1: {&campusguard.Person{ID: 1}, "/1/"}, 3: {&campusguard.Person{ID: 3}, "/3/"}},
			days: map[dayKey]cachedDay{{1, day}: {current: []campusguard.Check{{ID: 10, PersonID: 1}},
				status: campusguard.DayStatus{Reported: true}, stored: true}}}
	}
	view := func(w *writerCache) *batchView { // as beginCacheView takes it
		w.mu.Lock()
		defer w.mu.Unlock()
		return &batchView{w: w, gen: w.gen, people: w.people, days: w.days}
	}
	freshDays := func() map[dayKey]*personDay {
		return map[dayKey]*personDay{{1, day}: {}, {2, day}: {}}
	}

	w := newCache()
	v := view(w)
	people := map[int64]located{}
	if missing := v.cachedPeople([]int64{1, 2, 3, 4, 2}, people); !slices.Equal(missing, []int64{2, 4, 2}) {
		t.Errorf("cachedPeople missing = %v, want [2 4 2]", missing)
	}
	if len(people) != 2 || people[1].path != "/1/" || people[3].p.ID != 3 {
		t.Errorf("cachedPeople gave %v, want 1 and 3", people)
	}
	days := freshDays()
	missing := v.cachedDays(map[campusguard.Date][]int64{day: {1, 2}}, days)
	if len(missing) != 1 || !slices.Equal(missing[day], []int64{2}) {
		t.Errorf("cachedDays missing = %v, want person 2", missing)
	}
	got := days[dayKey{1, day}]
	if len(got.current) != 1 || got.current[0].ID != 10 || !got.was.Reported || !got.stored {
		t.Errorf("cachedDays gave %+v", got)
	}
	got.current[0].ID = 99
	if w.days[dayKey{1, day}].current[0].ID != 10 {
		t.Error("the batch changed the cache's check")
	}

	// Cleared since the view began: everything is read again.
	w.clear()
	people = map[int64]located{}
	if missing := v.cachedPeople([]int64{1, 3}, people); !slices.Equal(missing, []int64{1, 3}) || len(people) != 0 {
		t.Errorf("after clear: missing %v, gave %v", missing, people)
	}
	byDay := map[campusguard.Date][]int64{day: {1, 2}}
	if missing := v.cachedDays(byDay, freshDays()); !slices.Equal(missing[day], []int64{1, 2}) {
		t.Errorf("after clear: cachedDays missing = %v", missing)
	}
	var none *batchView
	if missing := none.cachedPeople([]int64{1}, map[int64]located{}); !slices.Equal(missing, []int64{1}) {
		t.Errorf("no view: missing = %v", missing)
	}
	if missing := none.cachedDays(byDay, freshDays()); !slices.Equal(missing[day], []int64{1, 2}) {
		t.Errorf("no view: cachedDays missing = %v", missing)
	}

	// A batch sees one state of the cache: all of its people, or (once a
	// clear came first) none of them, never a mix.
	w = newCache()
	var wg sync.WaitGroup
	results := make([]int, 50)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v := view(w)
			results[i] = len(v.cachedPeople([]int64{1, 3, 1, 3}, map[int64]located{}))
		}()
	}
	w.clear()
	wg.Wait()
	for i, n := range results {
		if n != 0 && n != 4 {
			t.Errorf("batch %d: %d of 4 lookups missed, want 0 or 4", i, n)
		}
	}
}
