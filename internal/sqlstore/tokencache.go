package sqlstore

import (
	"sync"
	"sync/atomic"
	"time"

	"campusguard"
)

// API tokens are looked up on every request of a device or an integration,
// so the store keeps what a token grants for a few seconds instead of
// reading it each time (a read and its SHA-256 cost more than the rest of a
// home report's handler). What this process changes takes effect at once:
// revoking a token and renaming an org bump a generation that voids every
// entry. A revocation made by another process (the CLI's `token revoke`
// against a running server) takes effect within tokenTTL.

// tokenTTL is how long a looked-up token is trusted without reading it again.
const tokenTTL = 5 * time.Second

// tokenCacheMax bounds the entries; past it the cache starts over.
const tokenCacheMax = 10000

type tokenEntry struct {
	id         int64
	name       string
	grant      campusguard.Grant
	used       time.Time // last_used_at as stored, or zero
	loaded     time.Time
	generation uint64
}

type tokenCache struct {
	mu         sync.Mutex
	entries    map[string]tokenEntry // by digest
	generation atomic.Uint64
}

// get returns the entry of digest if it is still to be trusted at now.
func (c *tokenCache) get(digest string, now time.Time) (tokenEntry, bool) {
	c.mu.Lock()
	e, ok := c.entries[digest]
	c.mu.Unlock()
	if !ok || e.generation != c.generation.Load() || now.Sub(e.loaded) >= tokenTTL || now.Before(e.loaded) {
		return tokenEntry{}, false
	}
	return e, true
}

func (c *tokenCache) put(digest string, e tokenEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) >= tokenCacheMax {
		c.entries = make(map[string]tokenEntry)
	}
	c.entries[digest] = e
}

// void forgets every entry: call it after a change to what tokens grant.
func (c *tokenCache) void() { c.generation.Add(1) }
