package handlers

import (
	"sync"
	"time"

	"github.com/labstack/echo/v4"
)

// windowLimiter allows a number of events per client per fixed one-minute window. It is small on purpose:
// login is the only rate-limited route, and the injectable clock makes it testable.
type windowLimiter struct {
	mu     sync.Mutex
	limit  int
	window time.Duration
	now    func() time.Time
	counts map[string]windowCount
}

type windowCount struct {
	start time.Time
	n     int
}

func newWindowLimiter(limit int, window time.Duration, now func() time.Time) *windowLimiter {
	return &windowLimiter{limit: limit, window: window, now: now, counts: map[string]windowCount{}}
}

// allow counts one event for key and reports whether it is within the limit.
func (l *windowLimiter) allow(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	wc := l.counts[key]
	if now.Sub(wc.start) >= l.window {
		wc = windowCount{start: now}
		// Forget other clients whose window has passed, so the map does not grow without bound.
		for k, v := range l.counts {
			if now.Sub(v.start) >= l.window {
				delete(l.counts, k)
			}
		}
	}
	wc.n++
	l.counts[key] = wc
	return wc.n <= l.limit
}

// loginLimiter refuses more than cfg.LoginRate login attempts per minute from one client IP.
func (a *App) loginLimiter() echo.MiddlewareFunc {
	l := newWindowLimiter(a.cfg.LoginRate, time.Minute, a.now)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if !l.allow(c.RealIP()) {
				a.metrics.logins.WithLabelValues("rate_limited").Inc()
				return &Error{Code: ETOOMANY, Message: "Too many login attempts from your network. Please wait a minute and try again."}
			}
			return next(c)
		}
	}
}
