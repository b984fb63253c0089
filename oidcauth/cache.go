package oidcauth

import (
	"crypto/sha256"
	"sync"
	"time"
)

// verdictCache remembers, for tokens already verified, which rule applies,
// so that a CI job's hundreds of requests with one token cost one signature
// check. It holds SHA-256 digests of tokens, never tokens or claims, and
// forgets each at its token's expiry. It is bounded: when full, expired
// entries go first, then an arbitrary one.
type verdictCache struct {
	max int

	mu      sync.Mutex
	entries map[[sha256.Size]byte]verdict
}

// verdict is the outcome of verifying a valid token: the index of the rule
// that applies (-1 for none) until the token expires.
type verdict struct {
	rule   int
	expiry time.Time
}

func newVerdictCache(max int) *verdictCache {
	if max <= 0 {
		return nil
	}
	return &verdictCache{max: max, entries: make(map[[sha256.Size]byte]verdict)}
}

// get returns the verdict on the token with digest d, if it is known and the
// token has not expired at now.
func (c *verdictCache) get(d [sha256.Size]byte, now time.Time) (verdict, bool) {
	if c == nil {
		return verdict{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.entries[d]
	if ok && !now.Before(v.expiry) {
		delete(c.entries, d)
		return verdict{}, false
	}
	return v, ok
}

func (c *verdictCache) put(d [sha256.Size]byte, v verdict, now time.Time) {
	if c == nil || !now.Before(v.expiry) {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= c.max {
		for k, e := range c.entries {
			if !now.Before(e.expiry) {
				delete(c.entries, k)
			}
		}
	}
	for k := range c.entries {
		if len(c.entries) < c.max {
			break
		}
		delete(c.entries, k)
	}
	c.entries[d] = v
}
