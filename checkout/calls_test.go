package checkout

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestCallsWait: Wait returns at once with nothing under way, when the last call ends, and with an error
// when its context ends first.
func TestCallsWait(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		started int
		ended   int
		wantErr bool
	}{
		{"nothing under way", 0, 0, false},
		{"every call ends", 3, 3, false},
		{"a call outlives the wait", 2, 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var c Calls
			var dones []func()
			for range tt.started {
				dones = append(dones, c.begin())
			}
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			waited := make(chan error, 1)
			go func() { waited <- c.Wait(ctx) }()
			for _, done := range dones[:tt.ended] {
				done()
				done() // a second call of done changes nothing
			}
			if tt.wantErr {
				cancel() // the shutdown's deadline
			}
			select {
			case err := <-waited:
				if gotErr := err != nil; gotErr != tt.wantErr || (gotErr && !errors.Is(err, context.Canceled)) {
					t.Fatalf("Wait = %v, want error %v", err, tt.wantErr)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("Wait never returned")
			}
			if got, want := c.InFlight(), tt.started-tt.ended; got != want {
				t.Errorf("InFlight = %d, want %d", got, want)
			}
		})
	}
}
