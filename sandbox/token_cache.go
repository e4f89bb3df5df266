package sandbox

import (
	"sync"
	"time"
)

// rowCache keeps rows the sandbox reads on every Payway call, by key, for a short while: the token rows
// the bearer check reads (by access hash) and the account behind the token (by id). Every Payway call the
// app makes starts with that check (a subscriber's article view is one), and reading the rows from SQLite
// cost more CPU than the rest of the call.
//
// Correctness comes first, so the cache holds rows, not decisions: revocation and expiry are still
// judged on every call, expiry against the sandbox clock (which can move either way). A token row changes
// only when it is revoked (a refresh exchanges the pair) or deleted (reset); an account when a purchase
// syncs Klarna's details into it, or a reset reseeds it. The store invalidates the row, or the whole
// cache, right after such a change commits and before the call that made it answers, so a revoked token
// is refused, and a synced account read, from then on. A read that raced with an invalidation is not
// cached (generation check), so a stale row cannot come back. Unknown keys are not cached: a new token is
// a new hash. The TTL, on the wall clock, only bounds how long a row changed behind the store's back
// could be served, and the memory the cache takes.
type rowCache[T any] struct {
	ttl  time.Duration
	wall func() time.Time // time.Now; the sandbox clock is for token expiry, not for the cache's freshness
	key  func(T) string

	mu        sync.RWMutex
	gen       uint64 // bumped by every invalidation
	rows      map[string]cachedRow[T]
	nextSweep int // sweep expired entries when the map reaches this size
}

// tokenCache is the bearer check's cache of token rows, by access hash.
type tokenCache = rowCache[tokenRow]

type cachedRow[T any] struct {
	row   T
	until time.Time // wall clock
}

// Bounds of the row caches. 30 s keeps a subscriber's token in memory across a reading session's
// article views; a sweep runs when the map has doubled since the last one, so it costs O(1) a put.
//
// tokenCacheMax bounds the memory, not the TTL: every login is a new token row (and a purchase journey is
// a new reader's account), so under sustained journeys the rows of the last 30 s grew with the load (9,000
// rows, 11 MB of live heap for the two caches at 300 journeys/s). In the app's process that heap sits
// under the memory limit (internal/app/gc.go), where it made the collector run ever more often: CPU per
// journey doubled over 30 s of `make bench` journeys. 2,048 rows a cache is about 1 MB each; past it the
// cache starts over, which costs one SQLite read per row still in use.
const (
	tokenCacheTTL      = 30 * time.Second
	tokenCacheMinSweep = 1024
	tokenCacheMax      = 2048 // past this many live rows the cache starts over
)

func newTokenCache(ttl time.Duration, wall func() time.Time) *tokenCache {
	return newRowCache(ttl, wall, func(t tokenRow) string { return t.AccessSHA256 })
}

func newAccountCache(ttl time.Duration, wall func() time.Time) *rowCache[account] {
	return newRowCache(ttl, wall, func(a account) string { return a.ID })
}

func newRowCache[T any](ttl time.Duration, wall func() time.Time, key func(T) string) *rowCache[T] {
	return &rowCache[T]{ttl: ttl, wall: wall, key: key, rows: map[string]cachedRow[T]{}, nextSweep: tokenCacheMinSweep}
}

// get returns the cached row of key, if there is a fresh one.
func (c *rowCache[T]) get(key string) (T, bool) {
	c.mu.RLock()
	e, ok := c.rows[key]
	c.mu.RUnlock()
	if !ok || !c.wall().Before(e.until) {
		var zero T
		return zero, false
	}
	return e.row, true
}

// generation is read before the database is, and handed to put with the row read.
func (c *rowCache[T]) generation() uint64 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.gen
}

// put caches row unless an invalidation happened since gen was read: the row may predate it.
func (c *rowCache[T]) put(gen uint64, row T) {
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
		c.nextSweep = min(max(tokenCacheMinSweep, 2*len(c.rows)), tokenCacheMax)
	}
	c.rows[c.key(row)] = cachedRow[T]{row: row, until: now.Add(c.ttl)}
}

// invalidate drops the row of key (a token revoked or rotated, an account synced).
func (c *rowCache[T]) invalidate(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	delete(c.rows, key)
}

// clear drops every row (the table was emptied).
func (c *rowCache[T]) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	clear(c.rows)
	c.nextSweep = tokenCacheMinSweep
}
