package main

import (
	"math"
	"runtime/debug"
	"testing"
)

// A serving process collects at GOGC=400 with a soft limit, unless the
// environment says otherwise.
func TestTuneGC(t *testing.T) {
	t.Cleanup(func() { debug.SetGCPercent(100); debug.SetMemoryLimit(math.MaxInt64) })

	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	debug.SetGCPercent(100)
	tuneGC()
	if got := debug.SetGCPercent(100); got != serverGCPercent {
		t.Fatalf("GOGC unset: the collector's percent is %d, want %d", got, serverGCPercent)
	}
	if got := debug.SetMemoryLimit(-1); got != serverMemoryLimit {
		t.Fatalf("GOMEMLIMIT unset: the memory limit is %d, want %d", got, serverMemoryLimit)
	}

	t.Setenv("GOGC", "150")
	t.Setenv("GOMEMLIMIT", "2GiB")
	debug.SetGCPercent(150)
	debug.SetMemoryLimit(2 << 30)
	tuneGC()
	if got := debug.SetGCPercent(150); got != 150 {
		t.Fatalf("GOGC=150 set: the collector's percent is %d, want it left at 150", got)
	}
	if got := debug.SetMemoryLimit(-1); got != 2<<30 {
		t.Fatalf("GOMEMLIMIT set: the memory limit is %d, want it left", got)
	}
}
