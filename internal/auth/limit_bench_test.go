package auth

import (
	"context"
	"strconv"
	"sync"
	"testing"

	"campusguard/internal/memtest"
)

// BenchmarkHashFlood runs 300 parallel password checks per iteration, with
// the hashing slots unbounded (300, as before issue 18) and bounded
// (HashSlots), and reports the peak RSS growth (peak-MiB) and how many
// checks were refused as busy (busy/op). Run with -benchtime=1x.
func BenchmarkHashFlood(b *testing.B) {
	hash, err := HashPassword("right-password-1")
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		slots int
	}{{"hashing=unbounded", 300}, {"hashing=bounded", HashSlots()}} {
		b.Run(c.name, func(b *testing.B) {
			saved := hashSlots
			hashSlots = make(chan struct{}, c.slots)
			defer func() { hashSlots = saved }()
			var peak, busy int64
			for range b.N {
				var mu sync.Mutex
				g := memtest.PeakGrowthMiB(b, func() {
					var wg sync.WaitGroup
					for i := range 300 {
						wg.Add(1)
						go func() {
							defer wg.Done()
							if _, err := CheckPasswordContext(context.Background(), hash, "wrong-"+strconv.Itoa(i)); err != nil {
								mu.Lock()
								busy++
								mu.Unlock()
							}
						}()
					}
					wg.Wait()
				})
				peak = max(peak, g)
			}
			b.ReportMetric(float64(peak), "peak-MiB")
			b.ReportMetric(float64(busy)/float64(b.N), "busy/op")
		})
	}
}
