package cache

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

type clock struct{ nanos atomic.Int64 }

func (c *clock) now() time.Time          { return time.Unix(0, c.nanos.Load()) }
func (c *clock) advance(d time.Duration) { c.nanos.Add(int64(d)) }

func TestTTL(t *testing.T) {
	t.Parallel()
	errUpstream := errors.New("upstream down")
	tests := []struct {
		name      string
		steps     func(t *testing.T, c *TTL[string, int], clk *clock, get func(key string) (int, error))
		wantLoads int32
	}{
		{"a fresh answer is served without a load", func(t *testing.T, c *TTL[string, int], clk *clock, get func(string) (int, error)) {
			get("a")
			clk.advance(59 * time.Second)
			get("a")
		}, 1},
		{"an expired answer is loaded again", func(t *testing.T, c *TTL[string, int], clk *clock, get func(string) (int, error)) {
			get("a")
			clk.advance(time.Minute)
			get("a")
		}, 2},
		{"keys are apart", func(t *testing.T, c *TTL[string, int], clk *clock, get func(string) (int, error)) {
			get("a")
			get("b")
			get("a")
		}, 2},
		{"Delete forces a load", func(t *testing.T, c *TTL[string, int], clk *clock, get func(string) (int, error)) {
			get("a")
			c.Delete("a")
			get("a")
		}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			clk := &clock{}
			c := New[string, int](time.Minute, 0, clk.now)
			var loads atomic.Int32
			get := func(key string) (int, error) {
				return c.Get(t.Context(), key, func(context.Context) (int, error) { return int(loads.Add(1)), nil })
			}
			tt.steps(t, c, clk, get)
			if got := loads.Load(); got != tt.wantLoads {
				t.Errorf("%d loads, want %d", got, tt.wantLoads)
			}
		})
	}

	t.Run("concurrent gets share one load", func(t *testing.T) {
		t.Parallel()
		c := New[string, int](time.Minute, 0, nil)
		var loads atomic.Int32
		release := make(chan struct{})
		started := make(chan struct{})
		var once sync.Once
		var wg sync.WaitGroup
		results := make(chan int, 20)
		for range 20 {
			wg.Go(func() {
				v, err := c.Get(t.Context(), "a", func(context.Context) (int, error) {
					once.Do(func() { close(started) })
					<-release
					return int(loads.Add(1)) * 7, nil
				})
				if err != nil {
					t.Error(err)
				}
				results <- v
			})
		}
		<-started
		close(release)
		wg.Wait()
		close(results)
		for v := range results {
			if v != 7 {
				t.Errorf("a caller got %d, want the one load's 7", v)
			}
		}
		if loads.Load() != 1 {
			t.Errorf("%d loads, want 1", loads.Load())
		}
	})

	t.Run("errors are not kept", func(t *testing.T) {
		t.Parallel()
		c := New[string, int](time.Minute, 0, nil)
		if _, err := c.Get(t.Context(), "a", func(context.Context) (int, error) { return 0, errUpstream }); !errors.Is(err, errUpstream) {
			t.Fatalf("err = %v", err)
		}
		v, err := c.Get(t.Context(), "a", func(context.Context) (int, error) { return 5, nil })
		if err != nil || v != 5 {
			t.Errorf("after an error: %d, %v; want a new load", v, err)
		}
	})

	t.Run("a waiter leaves when its context ends", func(t *testing.T) {
		t.Parallel()
		c := New[string, int](time.Minute, 0, nil)
		release := make(chan struct{})
		started := make(chan struct{})
		go c.Get(context.Background(), "a", func(context.Context) (int, error) { close(started); <-release; return 1, nil })
		<-started
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		if _, err := c.Get(ctx, "a", func(context.Context) (int, error) { return 2, nil }); !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want canceled", err)
		}
		close(release)
	})

	t.Run("a caller that is gone starts no load", func(t *testing.T) {
		t.Parallel()
		c := New[string, int](time.Minute, 0, nil)
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		loads := 0
		if _, err := c.Get(ctx, "a", func(context.Context) (int, error) { loads++; return 1, nil }); !errors.Is(err, context.Canceled) || loads != 0 {
			t.Errorf("err = %v after %d loads, want canceled and none", err, loads)
		}
		if v, err := c.Get(t.Context(), "a", func(context.Context) (int, error) { loads++; return 2, nil }); err != nil || v != 2 {
			t.Errorf("next caller got %d, %v; want a load of its own", v, err)
		}
	})

	t.Run("a full cache makes room", func(t *testing.T) {
		t.Parallel()
		c := New[int, int](time.Minute, 3, nil)
		for i := range 10 {
			if _, err := c.Get(t.Context(), i, func(context.Context) (int, error) { return i, nil }); err != nil {
				t.Fatal(err)
			}
		}
		if n := c.Len(); n > 3 {
			t.Errorf("%d keys held, want at most 3", n)
		}
	})
}
