package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
)

func TestSafeReturn(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"", "/"},
		{"/articles/a", "/articles/a"},
		{"/subscribe?return=%2Farticles%2Fa", "/subscribe?return=%2Farticles%2Fa"},
		{"//evil.example", "/"},
		{"/\\evil.example", "/"},
		{"https://evil.example/x", "/"},
		{"javascript:alert(1)", "/"},
		{"articles/a", "/"},
	}
	for _, tt := range tests {
		if got := safeReturn(tt.in); got != tt.want {
			t.Errorf("safeReturn(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestSlidingLimiter: at most the limit in any window-long stretch, across a window's edge too (a fixed
// window let twice the limit through there); refused events are not counted; keys are apart.
func TestSlidingLimiter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := newSlidingLimiter(2, time.Minute, func() time.Time { return now })
	steps := []struct {
		key     string
		advance time.Duration
		want    bool
	}{
		{"a", 0, true},
		{"a", 50 * time.Second, true},
		{"a", 5 * time.Second, false},  // two in the last minute
		{"b", 0, true},                 // other clients have their own budget
		{"a", 6 * time.Second, true},   // 61 s after the first: it has passed
		{"a", 1 * time.Second, false},  // a fixed window would have let this through (a new minute began)
		{"a", 47 * time.Second, false}, // at 109 s: the 50 s event is 59 s old, the 61 s one 48 s
		{"a", 2 * time.Second, true},   // at 111 s the 50 s event has passed
	}
	for i, s := range steps {
		now = now.Add(s.advance)
		if got := l.allow(s.key); got != s.want {
			t.Errorf("step %d (%s): allow = %v, want %v", i, s.key, got, s.want)
		}
	}
	if !l.full("a") || l.full("c") {
		t.Errorf("full: a %v (want true), c %v (want false)", l.full("a"), l.full("c"))
	}
}

func TestContentSecurityPolicy(t *testing.T) {
	t.Parallel()
	tests := []struct {
		klarna  string
		want    []string
		notWant []string
	}{
		{"", []string{"script-src 'self';", "form-action 'self';"}, []string{"unsafe-inline", "*"}},
		{"https://x.klarnacdn.net", []string{"script-src 'self' https://x.klarnacdn.net;", "frame-src 'self' https://x.klarnacdn.net;"}, []string{"unsafe-inline", "*"}},
	}
	for _, tt := range tests {
		csp := contentSecurityPolicy(tt.klarna)
		for _, w := range tt.want {
			if !strings.Contains(csp, w) {
				t.Errorf("%q: CSP lacks %q: %s", tt.klarna, w, csp)
			}
		}
		for _, w := range tt.notWant {
			if strings.Contains(csp, w) {
				t.Errorf("%q: CSP has %q: %s", tt.klarna, w, csp)
			}
		}
	}
}

func TestClassify(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		err        error
		wantCode   string
		wantStatus int
	}{
		{"app error", &Error{Code: ENOTFOUND, Message: "x"}, ENOTFOUND, http.StatusNotFound},
		{"wrapped app error", fmt.Errorf("ctx: %w", &Error{Code: ETOOMANY}), ETOOMANY, http.StatusTooManyRequests},
		{"echo 404", echo.ErrNotFound, ENOTFOUND, http.StatusNotFound},
		{"echo 405", echo.ErrMethodNotAllowed, EINVALID, http.StatusMethodNotAllowed},
		{"timeout", fmt.Errorf("call: %w", context.DeadlineExceeded), EUNAVAILABLE, http.StatusServiceUnavailable},
		{"anything else", errors.New("boom"), EINTERNAL, http.StatusInternalServerError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, status, msg := classify(tt.err)
			if code != tt.wantCode || status != tt.wantStatus || msg == "" {
				t.Errorf("classify = %s %d %q, want %s %d", code, status, msg, tt.wantCode, tt.wantStatus)
			}
			if strings.Contains(msg, "boom") {
				t.Error("internal error text leaked into the message")
			}
		})
	}
}

// TestSharedHeaderValuesAreNeverWrittenInto: responses share their constant header values (sharedValue);
// adding to a header that holds one must leave the shared slice as it was for every other response.
func TestSharedHeaderValuesAreNeverWrittenInto(t *testing.T) {
	t.Parallel()
	p := newPageHeaders()
	tests := []struct {
		name   string
		before []string // the response's Vary before addVaryCookie
		want   []string
	}{
		{"no Vary yet: the shared value itself", nil, []string{"Cookie"}},
		{"after gzip's Vary: one line", []string{"Accept-Encoding"}, []string{"Accept-Encoding, Cookie"}},
		{"after another Vary", []string{"Origin"}, []string{"Origin", "Cookie"}},
	}
	for _, tt := range tests {
		h := http.Header{}
		if tt.before != nil {
			h["Vary"] = tt.before
		}
		p.addVaryCookie(h)
		h.Add("Vary", "Origin") // a later middleware adding its own
		if got := h["Vary"]; !slices.Equal(got, append(tt.want, "Origin")) {
			t.Errorf("%s: Vary %q, want %q", tt.name, got, append(tt.want, "Origin"))
		}
		if !slices.Equal(p.varyCookie, []string{"Cookie"}) || !slices.Equal(p.varyEncodingCookie, []string{"Accept-Encoding, Cookie"}) {
			t.Fatalf("%s: the shared values became %q and %q", tt.name, p.varyCookie, p.varyEncodingCookie)
		}
	}
}

// TestRequestIDsAreUnique: request ids never repeat within a process, across goroutines, and two processes
// (generators) do not share a prefix.
func TestRequestIDsAreUnique(t *testing.T) {
	t.Parallel()
	a, err := newRequestIDs()
	if err != nil {
		t.Fatal(err)
	}
	b, err := newRequestIDs()
	if err != nil {
		t.Fatal(err)
	}
	if a.prefix == b.prefix {
		t.Fatalf("two generators share the prefix %q", a.prefix)
	}
	const workers, each = 4, 1000
	ids := make(chan string, workers*each)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for range each {
				ids <- a.next()
			}
		})
	}
	wg.Wait()
	close(ids)
	seen := map[string]bool{}
	for id := range ids {
		if seen[id] || !strings.HasPrefix(id, a.prefix) {
			t.Fatalf("id %q repeated or without the prefix %q", id, a.prefix)
		}
		seen[id] = true
	}
	if len(seen) != workers*each {
		t.Errorf("%d ids, want %d", len(seen), workers*each)
	}
}
