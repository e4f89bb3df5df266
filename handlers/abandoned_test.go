package handlers_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paywall/paywall/internal/testenv"
)

// lockedLog collects the app's log lines from its goroutines.
type lockedLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *lockedLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *lockedLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// TestAbandonedRequestIsLogged499: a reader who leaves while the page waits for Payway is not a server
// error: the request is logged at info with status 499, and no 5xx is counted.
func TestAbandonedRequestIsLogged499(t *testing.T) {
	t.Parallel()
	logs := &lockedLog{}
	app := newTestApp(t, func(cfg *appSetup) {
		cfg.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	})
	app.sandboxControl("/sandbox/v1/faults", map[string]any{"target": "GET /external/api/v1/klarna_payments/payment_periods",
		"delay_ms": testenv.Scale(20 * time.Second).Milliseconds(), "count": 1})
	ctx, cancel := context.WithTimeout(context.Background(), testenv.Scale(300*time.Millisecond))
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, app.URL+"/subscribe", nil)
	if res, err := app.raw.Do(req); err == nil {
		res.Body.Close()
		t.Fatalf("the page answered %d although Payway was held back", res.StatusCode)
	}
	var line string
	waitFor(t, 10*time.Second, "the abandoned request's log line", func() bool {
		for _, l := range strings.Split(logs.String(), "\n") {
			if strings.Contains(l, "msg=request") && strings.Contains(l, "path=/subscribe") {
				line = l
				return true
			}
		}
		return false
	})
	if !strings.Contains(line, "level=INFO") || !strings.Contains(line, "status=499") {
		t.Errorf("abandoned request logged as %q, want level=INFO status=499", line)
	}
	metrics := app.client().get("/metrics").Body
	if strings.Contains(metrics, `route="/subscribe",status="5`) {
		t.Error("the abandoned request was counted as a server error")
	}
}
