package auth

import (
	"context"
	"errors"
	"runtime"
	"sync/atomic"
	"time"
)

// ErrBusy is returned when every hashing slot is taken and the queue for
// them is full, or a caller waited too long: the caller answers 503 (or
// 429) and the client tries again later. Argon2id takes 19 MiB per hash;
// unbounded, 300 parallel anonymous sign-ins took the process to 5.8 GB.
var ErrBusy = errors.New("auth: too many password checks at once")

// hashSlots bounds the hashes that run at once, so their memory is at most
// cap(hashSlots) × 19 MiB; hashQueue bounds the callers that wait for a
// slot, so a flood is refused at once instead of piling up.
var (
	hashSlots   = make(chan struct{}, HashSlots())
	hashWaiting atomic.Int64
)

// hashWait is the longest a caller waits for a slot.
const hashWait = 5 * time.Second

// HashSlots is how many hashes may run at once: two per CPU (a hash waits on
// memory as much as on the CPU), from 2 to 8, so at most 8 × 19 MiB.
func HashSlots() int {
	return min(max(2*runtime.GOMAXPROCS(0), 2), 8)
}

// hashQueue is how many callers may wait for a slot.
func hashQueue() int64 { return int64(16 * cap(hashSlots)) }

// acquire takes a hashing slot, waiting at most hashWait and while ctx
// lasts; release gives it back.
func acquire(ctx context.Context) (release func(), err error) {
	select {
	case hashSlots <- struct{}{}:
		return func() { <-hashSlots }, nil
	default:
	}
	if hashWaiting.Add(1) > hashQueue() {
		hashWaiting.Add(-1)
		return nil, ErrBusy
	}
	defer hashWaiting.Add(-1)
	t := time.NewTimer(hashWait)
	defer t.Stop()
	select {
	case hashSlots <- struct{}{}:
		return func() { <-hashSlots }, nil
	case <-ctx.Done():
		return nil, ErrBusy
	case <-t.C:
		return nil, ErrBusy
	}
}
