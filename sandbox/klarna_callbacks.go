package sandbox

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"
)

// Callbacks Klarna sends to the merchant: HPP status updates (reference §5.4: POST {"event_id","session"}
// on every status change, 2xx expected, 3 s timeout, up to 4 calls) and KP authorization callbacks
// (§2.1: POST {"authorization_token","session_id"}, up to 3 calls). Each event is stored in hpp_events in
// the transaction that caused it and delivered afterwards from a goroutine the Server tracks, so Close
// can wait for deliveries instead of abandoning them.

const (
	hppCallbackAttempts           = 4
	authorizationCallbackAttempts = 3
	callbackTimeout               = 3 * time.Second
	defaultCallbackRetryDelay     = 2 * time.Second
)

// callbackRuntime owns the delivery goroutines.
type callbackRuntime struct {
	ctx    context.Context // cancelled by close: pending retries stop, an attempt in flight is aborted
	cancel context.CancelFunc
	client *http.Client

	// retryDelay is the wait before the second attempt; it grows linearly (2 s, 4 s, 6 s by default).
	// Tests shorten it.
	retryDelay time.Duration
	// attempted, when set, is told about every attempt (tests wait on it instead of sleeping).
	attempted func(eventID string, attempt, status int)

	mu     sync.Mutex
	closed bool
	wg     sync.WaitGroup
}

func newCallbackRuntime() *callbackRuntime {
	ctx, cancel := context.WithCancel(context.Background())
	return &callbackRuntime{ctx: ctx, cancel: cancel, retryDelay: defaultCallbackRetryDelay,
		client: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// start runs fn on a tracked goroutine, unless the runtime is closed.
func (c *callbackRuntime) start(fn func(ctx context.Context)) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return false
	}
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		fn(c.ctx)
	}()
	return true
}

// close stops pending retries and waits for every delivery goroutine to return.
func (c *callbackRuntime) close() {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.cancel()
	c.wg.Wait()
}

// sendEvents delivers committed callback events in the background.
func (s *Server) sendEvents(events []callbackEvent) {
	for _, ev := range events {
		if !s.callbacks.start(func(ctx context.Context) { s.deliver(ctx, ev) }) {
			s.log.Warn("sandbox callback not sent: server closing", "event_id", ev.ID, "url", ev.URL)
		}
	}
}

// deliver POSTs one event until a 2xx arrives or the attempts run out, recording every attempt.
func (s *Server) deliver(ctx context.Context, ev callbackEvent) {
	attempts := ev.MaxAttempts
	if attempts <= 0 {
		attempts = hppCallbackAttempts
	}
	for attempt := 1; attempt <= attempts; attempt++ {
		status, err := s.postCallback(ctx, ev)
		ok := err == nil && status >= 200 && status < 300
		// Record with a fresh context: the attempt happened even when shutdown cancelled it.
		if rerr := s.store.recordAttempt(context.WithoutCancel(ctx), ev.ID, status, ok, s.klarnaNow()); rerr != nil {
			s.log.Error("sandbox callback: record attempt", "event_id", ev.ID, "err", rerr)
		}
		if hook := s.callbacks.attempted; hook != nil {
			hook(ev.ID, attempt, status)
		}
		if ok {
			return
		}
		s.log.Info("sandbox callback attempt failed", "event_id", ev.ID, "url", ev.URL, "attempt", attempt,
			"status", status, "err", err)
		if attempt == attempts {
			return
		}
		t := time.NewTimer(time.Duration(attempt) * s.callbacks.retryDelay)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// postCallback makes one attempt and returns the HTTP status (0 when none arrived).
func (s *Server) postCallback(ctx context.Context, ev callbackEvent) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, callbackTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ev.URL, bytes.NewReader(ev.Body))
	if err != nil {
		return 0, fmt.Errorf("build callback request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "paywall-sandbox-klarna-callbacks")
	resp, err := s.callbacks.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	return resp.StatusCode, nil
}
