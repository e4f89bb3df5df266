package checkout

import (
	"context"
	"fmt"
	"sync"
)

// Calls counts the money calls under way (place_order, token charges, recovery orders, and the
// reconciler's calls), so a graceful shutdown can wait for them: a money call runs detached from its
// request, and the process must not exit between Payway or Klarna acting and our record of it. Share one
// Calls between the journeys of an app. The zero value is ready to use and safe for concurrent use.
type Calls struct {
	mu   sync.Mutex
	n    int
	idle chan struct{} // closed when n drops to zero; nil while nobody waits
}

// begin marks a money call as started; the returned func marks it done.
func (c *Calls) begin() (done func()) {
	c.mu.Lock()
	c.n++
	c.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			c.mu.Lock()
			defer c.mu.Unlock()
			c.n--
			if c.n == 0 && c.idle != nil {
				close(c.idle)
				c.idle = nil
			}
		})
	}
}

// InFlight is the number of money calls under way.
func (c *Calls) InFlight() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

// Wait returns when no money call is under way, or with an error when ctx ends first: what still runs
// then is left to the reconciler of the next start.
func (c *Calls) Wait(ctx context.Context) error {
	c.mu.Lock()
	if c.n == 0 {
		c.mu.Unlock()
		return nil
	}
	if c.idle == nil {
		c.idle = make(chan struct{})
	}
	idle, n := c.idle, c.n
	c.mu.Unlock()
	select {
	case <-idle:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("checkout: %d money calls still under way: %w", n, ctx.Err())
	}
}
