package auth

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"

	"campusguard/internal/memtest"
)

// TestHashingMemoryBounded: 300 parallel password checks (the anonymous
// sign-in flood of issue 18) keep the process's memory within the hashing
// slots' 19 MiB each, with room for the garbage collector: far below the
// 300 × 19 MiB = 5.7 GiB they take unbounded.
func TestHashingMemoryBounded(t *testing.T) {
	hash, err := HashPassword("right-password-1")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	checked, busy := 0, 0
	growth := memtest.PeakGrowthMiB(t, func() {
		var wg sync.WaitGroup
		for i := 0; i < 300; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ok, err := CheckPasswordContext(context.Background(), hash, "wrong-password-"+strconv.Itoa(i))
				mu.Lock()
				defer mu.Unlock()
				switch {
				case errors.Is(err, ErrBusy):
					busy++
				case err != nil || ok:
					t.Errorf("CheckPassword(wrong) = %v, %v", ok, err)
				default:
					checked++
				}
			}()
		}
		wg.Wait()
	})
	limit := int64(HashSlots())*19*3 + 64 // MiB: each slot's block, twice over for the GC, and the rest
	t.Logf("300 parallel checks: %d checked, %d refused as busy, peak RSS growth %d MiB (limit %d, %d slots)",
		checked, busy, growth, limit, HashSlots())
	if growth > limit {
		t.Errorf("peak RSS grew by %d MiB under 300 parallel checks, want at most %d", growth, limit)
	}
	if checked < HashSlots() {
		t.Errorf("only %d of 300 checks ran, want at least the %d slots' worth", checked, HashSlots())
	}
}

// TestHashingBusy: with every slot taken and the queue full, a check is
// refused at once with ErrBusy; a cancelled caller leaves the queue.
func TestHashingBusy(t *testing.T) {
	var releases []func()
	for range cap(hashSlots) {
		r, err := acquire(context.Background())
		if err != nil {
			t.Fatalf("acquire free slot = %v", err)
		}
		releases = append(releases, r)
	}
	defer func() {
		for _, r := range releases {
			r()
		}
	}()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := HashPasswordContext(ctx, "some-password-1"); !errors.Is(err, ErrBusy) {
		t.Errorf("HashPassword(all slots taken, cancelled) = %v, want ErrBusy", err)
	}
	hashWaiting.Add(hashQueue())
	_, err := CheckPasswordContext(context.Background(), "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA", "x")
	hashWaiting.Add(-hashQueue())
	if !errors.Is(err, ErrBusy) {
		t.Errorf("CheckPassword(queue full) = %v, want ErrBusy", err)
	}
	if hashWaiting.Load() != 0 {
		t.Errorf("%d callers still counted as waiting", hashWaiting.Load())
	}
}
