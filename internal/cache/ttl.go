// Package cache keeps answers of slow upstream calls for a short time, so a page view does not cost a
// Payway call: one loader runs per key at a time (concurrent views of the same key wait for it and share
// its answer), answers expire after a TTL on the injected clock, and errors are never kept.
package cache

import (
	"context"
	"strings"
	"sync"
	"time"
)

// TTL is a map of answers that expire. The zero value is not usable: build one with New. Safe for
// concurrent use.
type TTL[K comparable, V any] struct {
	ttl  time.Duration
	max  int
	now  func() time.Time
	done chan struct{} // closed: the ready channel of every answer stored with Set

	mu      sync.Mutex
	entries map[K]*entry[K, V]
	// order has an item per answer stored, oldest first from head on: the key and when its answer
	// expires, not the entry, so an answer replaced since is not kept alive by it (its item is skipped
	// when it comes up: the entry's seq names its latest item).
	order []queued[K]
	head  int
	seq   uint64 // the last item's number
}

// queued is a key's place in TTL.order.
type queued[K comparable] struct {
	key     K
	seq     uint64 // the entry's, while this is its key's latest answer
	expires int64  // Unix nanoseconds: when the answer expires (for a load: expired when queued)
}

type entry[K comparable, V any] struct {
	ready   chan struct{} // closed when the load finished
	val     V
	err     error
	expires time.Time
	seq     uint64 // its item in TTL.order
	key     K      // as held in the map (put)
}

// New builds a cache whose answers live ttl on the clock now (nil: time.Now) and that holds at most max
// keys (0: 10,000); when full, expired answers are dropped first, then the oldest (a cache, not a store).
func New[K comparable, V any](ttl time.Duration, max int, now func() time.Time) *TTL[K, V] {
	if now == nil {
		now = time.Now
	}
	if max <= 0 {
		max = 10_000
	}
	done := make(chan struct{})
	close(done)
	return &TTL[K, V]{ttl: ttl, max: max, now: now, done: done, entries: map[K]*entry[K, V]{}}
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
		e = &entry[K, V]{ready: make(chan struct{})}
		key = c.put(key, e, c.now())
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
	now := c.now()
	e := &entry[K, V]{ready: c.done, val: val, expires: now.Add(c.ttl)}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.put(key, e, now)
}

// put makes e the key's entry (the caller holds mu) and queues it at the end of order; a key new to the
// cache comes in after room is made for it, copied if it is a string (a key cut from a larger string, such
// as a purchase id from a request's path, would keep all of it alive). It returns the key as held.
func (c *TTL[K, V]) put(key K, e *entry[K, V], now time.Time) K {
	if old, ok := c.entries[key]; ok {
		key = old.key
	} else {
		c.makeRoom(now)
		if s, ok := any(key).(string); ok {
			key = any(strings.Clone(s)).(K)
		}
	}
	c.seq++
	e.seq, e.key = c.seq, key
	c.entries[key] = e
	c.order = append(c.order, queued[K]{key, c.seq, now.Add(c.ttl).UnixNano()})
	return key
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
	clear(c.order)
	c.order, c.head = c.order[:0], 0
}

// Len is the number of keys held, expired ones included until they are dropped.
func (c *TTL[K, V]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

// makeRoom lets go of the answers that expired by now and, if the cache is still full, of its oldest
// answers until one more key fits (the caller holds mu). An item is looked at when it comes up at the
// head of order: an item whose key was stored again or deleted since is skipped; a load still under way
// or finished after its item was queued is queued again. Stores are queued in the order they expire, so
// each is looked at about once: a store costs O(1) amortised.
func (c *TTL[K, V]) makeRoom(now time.Time) {
	nowNanos := now.UnixNano()
	for c.head < len(c.order) {
		full := len(c.entries) >= c.max
		it := c.order[c.head]
		if !full && nowNanos < it.expires {
			break
		}
		c.order[c.head] = queued[K]{} // let go of the key
		c.head++
		e, ok := c.entries[it.key]
		if !ok || e.seq != it.seq {
			continue // stored again or deleted since
		}
		switch {
		case !isReady(e): // a load under way: look again a TTL from now
			c.order = append(c.order, queued[K]{it.key, it.seq, nowNanos + int64(c.ttl)})
			if full {
				return // full of loads under way: let it grow by one (loads are few)
			}
		case !full && e.expires.UnixNano() > nowNanos: // loaded after its item was queued
			c.order = append(c.order, queued[K]{it.key, it.seq, e.expires.UnixNano()})
		default:
			delete(c.entries, it.key)
		}
	}
	if c.head == len(c.order) {
		c.order, c.head = c.order[:0], 0
	} else if c.head > len(c.order)/2 && c.head > 64 {
		n := copy(c.order, c.order[c.head:])
		clear(c.order[n:])
		c.order, c.head = c.order[:n], 0
	}
}

// isReady says whether the entry's load has finished.
func isReady[K comparable, V any](e *entry[K, V]) bool {
	select {
	case <-e.ready:
		return true
	default:
		return false
	}
}
