package handlers

import (
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
)

// slidingLimiter allows at most limit events per key in any window-long stretch of time (a sliding
// window: a fixed one let twice the limit through across a window's edge). It keeps the times of each
// key's recent events, at most limit of them, and forgets keys whose events all passed. The injectable
// clock makes it testable.
type slidingLimiter struct {
	mu     sync.Mutex
	limit  int
	window time.Duration
	now    func() time.Time
	events map[string][]time.Time
	swept  time.Time
}

func newSlidingLimiter(limit int, window time.Duration, now func() time.Time) *slidingLimiter {
	return &slidingLimiter{limit: limit, window: window, now: now, events: map[string][]time.Time{}}
}

// allow counts one event for key and reports whether it is within the limit (a refused event is not
// counted, so a client that keeps trying is let in again once its old events pass).
func (l *slidingLimiter) allow(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	recent := l.recent(key)
	if len(recent) >= l.limit {
		return false
	}
	l.events[key] = append(recent, l.now())
	return true
}

// full reports whether key has used its limit, without counting anything.
func (l *slidingLimiter) full(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.recent(key)) >= l.limit
}

// recent drops key's events older than the window and returns the rest (the caller holds mu). Now and
// then it sweeps every key, so the map does not grow with clients that never come back.
func (l *slidingLimiter) recent(key string) []time.Time {
	now := l.now()
	if now.Sub(l.swept) >= l.window {
		for k, ts := range l.events {
			if len(ts) == 0 || now.Sub(ts[len(ts)-1]) >= l.window {
				delete(l.events, k)
			}
		}
		l.swept = now
	}
	ts := l.events[key]
	i := 0
	for i < len(ts) && now.Sub(ts[i]) >= l.window {
		i++
	}
	if i == len(ts) {
		delete(l.events, key)
		return nil
	}
	return ts[i:]
}

// Per-account login failures: guessing one account's password from many addresses is slowed to this many
// wrong passwords per window, whatever the addresses (the per-IP limit alone did not see it).
const (
	accountFailures      = 10
	accountFailureWindow = 15 * time.Minute
)

// loginLimits are the login's two limits: attempts per client IP per minute (cfg.LoginRate), and wrong
// passwords per account (accountFailures per accountFailureWindow).
type loginLimits struct {
	perIP      *slidingLimiter
	perAccount *slidingLimiter
}

func newLoginLimits(perMinute int, now func() time.Time) *loginLimits {
	return &loginLimits{
		perIP:      newSlidingLimiter(perMinute, time.Minute, now),
		perAccount: newSlidingLimiter(accountFailures, accountFailureWindow, now),
	}
}

// accountKey is how an account is counted: e-mail addresses differ only in case.
func accountKey(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// loginLimiter refuses more than cfg.LoginRate login attempts per minute from one client IP, and any
// attempt on an account that had accountFailures wrong passwords in the last accountFailureWindow.
func (a *App) loginLimiter() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			// One answer for both limits, so the page does not tell an attacker which one stopped them.
			tooMany := func(outcome string, wait time.Duration) error {
				a.metrics.logins.WithLabelValues(outcome).Inc()
				c.Response().Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())))
				return &Error{Code: ETOOMANY, Message: msg("ErrTooManyLogins")}
			}
			if !a.logins.perIP.allow(c.RealIP()) {
				return tooMany("rate_limited", time.Minute)
			}
			if email := c.FormValue("email"); email != "" && a.logins.perAccount.full(accountKey(email)) {
				return tooMany("account_limited", accountFailureWindow)
			}
			return next(c)
		}
	}
}
