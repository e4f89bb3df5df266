package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Payway calls per view are counted from the sandbox's own request log: in sandbox mode every call the
// app makes to Payway or Klarna is a request to the embedded sandbox, which logs each at debug level
// ("sandbox request" with its path). Debug logging would distort the load figures, so the count runs on
// a start of its own after the measured runs (same files, PAYWALL_LOG_LEVEL=debug, JSON), with a few
// requests per target one after another. Markers (requests to a path of the bench's own on the sandbox,
// which it logs like any other) bracket each count, so only the calls of those views are counted.

// callCounter reads the sandbox request log of a child's output.
type callCounter struct {
	mu      sync.Mutex
	payway  int
	klarna  int
	markers map[string]chan struct{}
	n       int // markers sent
}

func newCallCounter() *callCounter { return &callCounter{markers: map[string]chan struct{}{}} }

const markerPrefix = "/sandbox/v1/bench-marker-"

// onLine is the child's line callback: it counts Payway and Klarna API paths and signals markers.
func (c *callCounter) onLine(line string) {
	if !strings.Contains(line, `"sandbox request"`) {
		return
	}
	var e struct {
		Msg  string `json:"msg"`
		Path string `json:"path"`
	}
	if json.Unmarshal([]byte(line), &e) != nil || e.Msg != "sandbox request" {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case strings.HasPrefix(e.Path, markerPrefix):
		if ch, ok := c.markers[e.Path]; ok {
			close(ch)
			delete(c.markers, e.Path)
		}
	case paywayPath(e.Path):
		c.payway++
	case klarnaPath(e.Path):
		c.klarna++
	}
}

// paywayPath: Payway's API (authorization and /external), as the sandbox serves it (sandbox/routes.go).
func paywayPath(p string) bool {
	return strings.HasPrefix(p, "/api/authorization/") || strings.HasPrefix(p, "/external/")
}

// klarnaPath: Klarna's server APIs; the browser's pages (/kp/..., /hpp/pay/...) and the sandbox's control
// API are not calls the app makes.
func klarnaPath(p string) bool {
	return strings.HasPrefix(p, "/payments/") || strings.HasPrefix(p, "/customer-token/") || strings.HasPrefix(p, "/hpp/v1/")
}

// mark sends a marker to the sandbox and waits until the log has reached it: every line logged before it
// has been counted.
func (c *callCounter) mark(ctx context.Context, sandboxURL string) error {
	c.mu.Lock()
	c.n++
	path := fmt.Sprintf("%s%d", markerPrefix, c.n)
	seen := make(chan struct{})
	c.markers[path] = seen
	c.mu.Unlock()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, sandboxURL+path, nil)
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("marker: %w", err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	select {
	case <-seen:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(readyTimeout):
		return fmt.Errorf("marker %s never reached the log (is PAYWALL_LOG_LEVEL=debug honoured?)", path)
	}
}

// calls is what one count found.
type calls struct {
	payway, klarna float64 // per view (or per journey)
}

// count runs do, n times one after another, between two markers and returns the calls per run.
func (c *callCounter) count(ctx context.Context, sandboxURL string, n int, do func() error) (calls, error) {
	if err := c.mark(ctx, sandboxURL); err != nil {
		return calls{}, err
	}
	c.mu.Lock()
	p0, k0 := c.payway, c.klarna
	c.mu.Unlock()
	for range n {
		if err := do(); err != nil {
			return calls{}, err
		}
	}
	if err := c.mark(ctx, sandboxURL); err != nil {
		return calls{}, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return calls{payway: float64(c.payway-p0) / float64(n), klarna: float64(c.klarna-k0) / float64(n)}, nil
}

// countCalls counts the upstream calls of every app target (one view first, uncounted, as a warm cache
// would have had it; then views one after another) and of journeys.
func countCalls(ctx context.Context, app appInstance, counter *callCounter, targets []target, views int,
	pool *readerPool) (map[string]calls, calls, error) {
	out := map[string]calls{}
	viewTransport := newTransport(1)
	defer viewTransport.CloseIdleConnections()
	client := &http.Client{Transport: viewTransport, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	view := func(t target) func() error {
		return func() error {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, t.url, nil)
			if err != nil {
				return err
			}
			if t.cookie != "" {
				req.Header.Set("Cookie", t.cookie)
			}
			res, err := client.Do(req)
			if err != nil {
				return err
			}
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				return fmt.Errorf("%s: %d", t.name, res.StatusCode)
			}
			return nil
		}
	}
	for _, t := range targets {
		if err := view(t)(); err != nil {
			return nil, calls{}, err
		}
		n, err := counter.count(ctx, app.sandboxURL(), views, view(t))
		if err != nil {
			return nil, calls{}, fmt.Errorf("count calls of %s: %w", t.name, err)
		}
		out[t.name] = n
	}
	journeyClient := newClient(2)
	defer journeyClient.CloseIdleConnections()
	perJourney, err := counter.count(ctx, app.sandboxURL(), 2, func() error {
		email, ok := pool.take()
		if !ok {
			return errNoReaders
		}
		return journey(ctx, app, journeyClient, email, pool.password)
	})
	if err != nil {
		return nil, calls{}, fmt.Errorf("count calls of a journey: %w", err)
	}
	return out, perJourney, nil
}
