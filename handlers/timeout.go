package handlers

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
)

// timeout gives every request the request timeout as its context's deadline, as echo's ContextTimeout
// middleware did (a handler's error caused by the deadline becomes 503 Service Unavailable), but the timer
// behind the deadline starts only when something waits on the context (lazyDeadline): a page view answered
// from memory never does, and a timer per request was a twentieth of such a view's CPU.
func (a *App) timeout(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := newLazyDeadline(c.Request().Context(), time.Now().Add(a.cfg.RequestTimeout))
		defer ctx.stop()
		c.SetRequest(c.Request().WithContext(ctx))
		err := next(c)
		if err != nil && errors.Is(err, context.DeadlineExceeded) {
			return echo.ErrServiceUnavailable.WithInternal(err)
		}
		return err
	}
}

// lazyDeadline is a context with a deadline whose timer (context.WithDeadline) is made the first time
// Done or Err is asked for. Until then it reports the deadline and passes values on; from then on it is
// that context, so contexts derived from it are its children as with any other (no goroutine each).
// stop ends it as the cancel func of context.WithDeadline would, without making a timer to cancel.
type lazyDeadline struct {
	parent   context.Context
	deadline time.Time
	started  atomic.Bool // ctx is set

	mu      sync.Mutex
	ctx     context.Context
	cancel  context.CancelFunc
	stopped bool
}

func newLazyDeadline(parent context.Context, deadline time.Time) *lazyDeadline {
	return &lazyDeadline{parent: parent, deadline: deadline}
}

// context is the context behind: the deadline's, made now if it was not; after stop, a cancelled one.
func (l *lazyDeadline) context() context.Context {
	if l.started.Load() {
		return l.ctx
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.ctx == nil {
		if l.stopped { // asked after its request ended: done, as a cancelled WithDeadline would be
			var cancel context.CancelFunc
			l.ctx, cancel = context.WithCancel(l.parent)
			cancel()
		} else {
			l.ctx, l.cancel = context.WithDeadline(l.parent, l.deadline)
		}
		l.started.Store(true)
	}
	return l.ctx
}

// stop cancels the context, when its request ends.
func (l *lazyDeadline) stop() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.stopped = true
	if l.cancel != nil {
		l.cancel()
	}
}

// Deadline is the request's deadline, or the parent's when that is sooner, as context.WithDeadline reports.
func (l *lazyDeadline) Deadline() (time.Time, bool) {
	if d, ok := l.parent.Deadline(); ok && d.Before(l.deadline) {
		return d, true
	}
	return l.deadline, true
}

// Done starts the timer and is its channel.
func (l *lazyDeadline) Done() <-chan struct{} { return l.context().Done() }

// Err starts the timer and is its error.
func (l *lazyDeadline) Err() error { return l.context().Err() }

// Value is the parent's value until the timer starts, then the timer context's (which also answers the
// lookups the context package makes to find a parent to register children with).
func (l *lazyDeadline) Value(key any) any {
	if l.started.Load() {
		return l.ctx.Value(key)
	}
	return l.parent.Value(key)
}
