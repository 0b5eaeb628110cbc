// Package memtest measures a process's resident memory for tests that
// bound it: the peak growth while a function runs, sampled from
// /proc/self/status (Linux).
package memtest

import (
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// RSSKiB returns the process's resident set size in KiB. It skips the test
// where /proc is missing.
func RSSKiB(tb testing.TB) int64 {
	tb.Helper()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		tb.Skipf("no /proc/self/status: %v", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			n, _ := strconv.ParseInt(f[1], 10, 64)
			return n
		}
	}
	tb.Fatal("no VmRSS in /proc/self/status")
	return 0
}

// PeakGrowthMiB runs fn while sampling the RSS every 2 ms and returns the
// largest growth over the RSS before it, in MiB. Memory freed before is
// returned to the system first, so the base is the live heap.
func PeakGrowthMiB(tb testing.TB, fn func()) int64 {
	tb.Helper()
	runtime.GC()
	debug.FreeOSMemory()
	base := RSSKiB(tb)
	var mu sync.Mutex
	peak := base
	sample := func() {
		n := RSSKiB(tb)
		mu.Lock()
		peak = max(peak, n)
		mu.Unlock()
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			sample()
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	fn()
	close(done)
	wg.Wait()
	sample()
	return (peak - base) / 1024
}
