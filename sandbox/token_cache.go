package sandbox

import (
	"sync"
	"time"
)

// tokenCache keeps the token rows the bearer check reads, by access hash, for a short while. Every
// Payway call the app makes starts with that check (a subscriber's article view is one), and reading
// the row from SQLite cost more CPU than the rest of the call.
//
// Correctness comes first, so the cache holds rows, not decisions: revocation and expiry are still
// judged on every call, expiry against the sandbox clock (which can move either way). A row changes
// only when it is revoked (a refresh exchanges the pair) or deleted (reset); the store invalidates the
// row, or the whole cache, right after such a change commits and before the call that made it answers,
// so a revoked or reset token is refused from then on. A read that raced with an invalidation is not
// cached (generation check), so a stale row cannot come back. Unknown tokens are not cached: a new
// token is a new hash. The TTL, on the wall clock, only bounds how long a row changed behind the
// store's back could be served, and the memory the cache takes.
type tokenCache struct {
	ttl  time.Duration
	wall func() time.Time // time.Now; the sandbox clock is for token expiry, not for the cache's freshness

	mu        sync.RWMutex
	gen       uint64 // bumped by every invalidation
	rows      map[string]cachedToken
	nextSweep int // sweep expired entries when the map reaches this size
}

type cachedToken struct {
	row   tokenRow
	until time.Time // wall clock
}

// Bounds of the token cache. 30 s keeps a subscriber's token in memory across a reading session's
// article views; a sweep runs when the map has doubled since the last one, so it costs O(1) a put.
const (
	tokenCacheTTL      = 30 * time.Second
	tokenCacheMinSweep = 1024
	tokenCacheMax      = 1 << 17 // past this many live rows the cache starts over
)

func newTokenCache(ttl time.Duration, wall func() time.Time) *tokenCache {
	return &tokenCache{ttl: ttl, wall: wall, rows: map[string]cachedToken{}, nextSweep: tokenCacheMinSweep}
}

// get returns the cached row of accessHash, if there is a fresh one.
func (c *tokenCache) get(accessHash string) (tokenRow, bool) {
	c.mu.RLock()
	e, ok := c.rows[accessHash]
	c.mu.RUnlock()
	if !ok || !c.wall().Before(e.until) {
		return tokenRow{}, false
	}
	return e.row, true
}

// generation is read before the database is, and handed to put with the row read.
func (c *tokenCache) generation() uint64 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.gen
}

// put caches row unless an invalidation happened since gen was read: the row may predate it.
func (c *tokenCache) put(gen uint64, row tokenRow) {
	now := c.wall()
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if len(c.rows) >= c.nextSweep {
		for k, e := range c.rows {
			if !now.Before(e.until) {
				delete(c.rows, k)
			}
		}
		if len(c.rows) >= tokenCacheMax {
			clear(c.rows)
		}
		c.nextSweep = max(tokenCacheMinSweep, 2*len(c.rows))
	}
	c.rows[row.AccessSHA256] = cachedToken{row: row, until: now.Add(c.ttl)}
}

// invalidate drops the row of accessHash (revoked or rotated).
func (c *tokenCache) invalidate(accessHash string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	delete(c.rows, accessHash)
}

// clear drops every row (the tokens table was emptied).
func (c *tokenCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	clear(c.rows)
	c.nextSweep = tokenCacheMinSweep
}
