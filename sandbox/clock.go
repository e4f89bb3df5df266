package sandbox

import (
	"sync"
	"time"
)

// clock is the sandbox's notion of "now": the configured clock (Config.Now) plus an offset that the
// control API moves (POST /sandbox/v1/clock). Every time-based rule (48 h purchase sessions, 60 min
// authorizations, HPP expiry, token lifetimes) reads Server.now, which reads through this clock, so a demo
// or a test that cannot inject Config.Now (the app's e2e tests talk to the sandbox over HTTP) can still
// jump past an expiry instead of waiting for it.
type clock struct {
	base func() time.Time

	mu     sync.Mutex
	offset time.Duration
}

// newClock wraps base (nil means time.Now) with a zero offset.
func newClock(base func() time.Time) *clock {
	if base == nil {
		base = time.Now
	}
	return &clock{base: base}
}

// now is the sandbox time: the base clock moved by the offset.
func (c *clock) now() time.Time {
	c.mu.Lock()
	off := c.offset
	c.mu.Unlock()
	return c.base().Add(off)
}

// advance moves the clock by d (negative d moves it back) and returns the new offset.
func (c *clock) advance(d time.Duration) time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
	return c.offset
}

// set puts the clock at offset d from the base clock (d = 0: back on the base clock).
func (c *clock) set(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset = d
}

// currentOffset reports how far the sandbox clock is from the base clock.
func (c *clock) currentOffset() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.offset
}

// reset puts the clock back on the base clock (POST /sandbox/v1/reset).
func (c *clock) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset = 0
}
