// Package cache keeps answers of slow upstream calls for a short time, so a page view does not cost a
// Payway call: one loader runs per key at a time (concurrent views of the same key wait for it and share
// its answer), answers expire after a TTL on the injected clock, and errors are never kept.
package cache

import (
	"context"
	"sync"
	"time"
)

// TTL is a map of answers that expire. The zero value is not usable: build one with New. Safe for
// concurrent use.
type TTL[K comparable, V any] struct {
	ttl time.Duration
	max int
	now func() time.Time

	mu      sync.Mutex
	entries map[K]*entry[V]
}

type entry[V any] struct {
	ready   chan struct{} // closed when the load finished
	val     V
	err     error
	expires time.Time
}

// New builds a cache whose answers live ttl on the clock now (nil: time.Now) and that holds at most max
// keys (0: 10,000); when full, expired answers are dropped first, then everything (a cache, not a store).
func New[K comparable, V any](ttl time.Duration, max int, now func() time.Time) *TTL[K, V] {
	if now == nil {
		now = time.Now
	}
	if max <= 0 {
		max = 10_000
	}
	return &TTL[K, V]{ttl: ttl, max: max, now: now, entries: map[K]*entry[V]{}}
}

// Get returns the key's answer, calling load when there is none or it expired. Only one load per key runs
// at a time; the others wait for it (or for their ctx). A failed load is returned to its waiters and not
// kept, so the next Get tries again.
func (c *TTL[K, V]) Get(ctx context.Context, key K, load func(context.Context) (V, error)) (V, error) {
	c.mu.Lock()
	e, ok := c.entries[key]
	if ok {
		select {
		case <-e.ready:
			if e.err == nil && c.now().Before(e.expires) {
				c.mu.Unlock()
				return e.val, nil
			}
			ok = false // expired or failed: load again
		default: // a load is under way: wait for it below
		}
	}
	if !ok {
		// A caller that is gone starts no load: nobody to answer. (Not asked before a fresh answer: a
		// request context's timer starts when it is first asked, handlers/timeout.go.)
		if err := ctx.Err(); err != nil {
			c.mu.Unlock()
			var zero V
			return zero, err
		}
		c.evictIfFull()
		e = &entry[V]{ready: make(chan struct{})}
		c.entries[key] = e
		c.mu.Unlock()
		// The load is detached from this caller's cancellation: its answer serves every waiter.
		e.val, e.err = load(context.WithoutCancel(ctx))
		e.expires = c.now().Add(c.ttl)
		close(e.ready)
		if e.err != nil {
			c.mu.Lock()
			if c.entries[key] == e {
				delete(c.entries, key)
			}
			c.mu.Unlock()
		}
		return e.val, e.err
	}
	c.mu.Unlock()
	select {
	case <-e.ready:
		return e.val, e.err
	case <-ctx.Done():
		var zero V
		return zero, ctx.Err()
	}
}

// Set stores an answer for the key, fresh for the TTL (a background refresh); a load under way for the
// key still answers its own waiters.
func (c *TTL[K, V]) Set(key K, val V) {
	e := &entry[V]{ready: make(chan struct{}), val: val, expires: c.now().Add(c.ttl)}
	close(e.ready)
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[key]; !ok {
		c.evictIfFull()
	}
	c.entries[key] = e
}

// Delete forgets the key's answer (a purchase changed it, the reader logged out); a load under way still
// answers its waiters but is not kept for later ones.
func (c *TTL[K, V]) Delete(key K) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, key)
}

// Clear forgets every answer (everything changed at once, e.g. a demo reset).
func (c *TTL[K, V]) Clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.entries)
}

// Len is the number of keys held, expired ones included until they are dropped.
func (c *TTL[K, V]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

// evictIfFull makes room for one more key (the caller holds mu).
func (c *TTL[K, V]) evictIfFull() {
	if len(c.entries) < c.max {
		return
	}
	now := c.now()
	for k, e := range c.entries {
		select {
		case <-e.ready:
			if !now.Before(e.expires) || e.err != nil {
				delete(c.entries, k)
			}
		default:
		}
	}
	if len(c.entries) >= c.max {
		for k, e := range c.entries {
			select {
			case <-e.ready:
				delete(c.entries, k)
			default:
			}
		}
	}
}
