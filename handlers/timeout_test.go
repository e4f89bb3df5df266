package handlers

import (
	"context"
	"errors"
	"testing"
	"time"
)

type ctxKey struct{}

// TestLazyDeadlineIsADeadline: the request context behaves as context.WithDeadline's would — the deadline
// reported, done with DeadlineExceeded when it passes (and so is a context derived from it), done when the
// parent is, values passed on, and cancelled when its request ends — whether or not anything had waited on
// it before.
func TestLazyDeadlineIsADeadline(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   time.Duration // the deadline, from now
		// act does something with the request context (whose parent cancelParent cancels) and returns the
		// context that must end with wantErr.
		act     func(t *testing.T, l *lazyDeadline, cancelParent context.CancelFunc) context.Context
		wantErr error
	}{
		{"deadline passes", 10 * time.Millisecond, func(_ *testing.T, l *lazyDeadline, _ context.CancelFunc) context.Context { return l }, context.DeadlineExceeded},
		{"derived context sees the deadline", 10 * time.Millisecond, func(t *testing.T, l *lazyDeadline, _ context.CancelFunc) context.Context {
			child, cancel := context.WithCancel(l)
			t.Cleanup(cancel)
			return child
		}, context.DeadlineExceeded},
		{"parent cancelled before anything waited", time.Hour, func(_ *testing.T, l *lazyDeadline, cancel context.CancelFunc) context.Context {
			cancel()
			return l
		}, context.Canceled},
		{"parent cancelled while a derived context waits", time.Hour, func(t *testing.T, l *lazyDeadline, cancel context.CancelFunc) context.Context {
			child, cancelChild := context.WithTimeout(l, time.Hour)
			t.Cleanup(cancelChild)
			cancel()
			return child
		}, context.Canceled},
		{"request ended before anything waited", time.Hour, func(_ *testing.T, l *lazyDeadline, _ context.CancelFunc) context.Context {
			l.stop()
			return l
		}, context.Canceled},
		{"request ended while a derived context waits", time.Hour, func(_ *testing.T, l *lazyDeadline, _ context.CancelFunc) context.Context {
			child := context.WithValue(l, ctxKey{}, "x")
			_ = child.Done()
			l.stop()
			return child
		}, context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			parent, cancel := context.WithCancel(context.WithValue(context.Background(), ctxKey{}, "parent's"))
			defer cancel()
			deadline := time.Now().Add(tt.in)
			l := newLazyDeadline(parent, deadline)
			defer l.stop()
			if d, ok := l.Deadline(); !ok || !d.Equal(deadline) {
				t.Errorf("Deadline() = %v, %v; want %v", d, ok, deadline)
			}
			if v := l.Value(ctxKey{}); v != "parent's" {
				t.Errorf("Value before the timer = %v", v)
			}
			ctx := tt.act(t, l, cancel)
			select {
			case <-ctx.Done():
			case <-time.After(10 * time.Second):
				t.Fatal("the context is not done")
			}
			if err := ctx.Err(); !errors.Is(err, tt.wantErr) {
				t.Errorf("Err() = %v, want %v", err, tt.wantErr)
			}
			if v := l.Value(ctxKey{}); v != "parent's" {
				t.Errorf("Value after the timer = %v", v)
			}
		})
	}
}

// TestLazyDeadlineTakesTheSoonerParentDeadline: a parent with an earlier deadline wins, as with
// context.WithDeadline.
func TestLazyDeadlineTakesTheSoonerParentDeadline(t *testing.T) {
	t.Parallel()
	soon := time.Now().Add(time.Minute)
	parent, cancel := context.WithDeadline(context.Background(), soon)
	defer cancel()
	tests := []struct {
		name     string
		deadline time.Time
		want     time.Time
	}{
		{"parent's is sooner", soon.Add(time.Hour), soon},
		{"own is sooner", soon.Add(-time.Second), soon.Add(-time.Second)},
	}
	for _, tt := range tests {
		l := newLazyDeadline(parent, tt.deadline)
		if d, _ := l.Deadline(); !d.Equal(tt.want) {
			t.Errorf("%s: Deadline() = %v, want %v", tt.name, d, tt.want)
		}
		l.stop()
		if !errors.Is(l.Err(), context.Canceled) {
			t.Errorf("%s: Err() after stop = %v", tt.name, l.Err())
		}
	}
}
