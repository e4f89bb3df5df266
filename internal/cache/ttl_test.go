package cache

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"
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

// TestTTLLetsGoOldestFirst holds what a cache keeps as answers come in: expired answers go when new ones are
// stored (not only when the cache is full), a full cache drops its oldest answers (not all of them), and an
// answer stored again lives from its last store.
func TestTTLLetsGoOldestFirst(t *testing.T) {
	t.Parallel()
	type step struct {
		advance time.Duration // the clock moves first
		set     string        // then this key is stored ("" none)
		get     string        // or loaded through Get
		del     string        // or deleted
	}
	tests := []struct {
		name  string
		max   int
		steps []step
		held  []string // keys held at the end, in any order
	}{
		{"expired answers go as new ones come", 100, []step{
			{set: "a"}, {set: "b"}, {advance: 30 * time.Second, set: "c"}, {advance: 31 * time.Second, set: "d"},
		}, []string{"c", "d"}},
		{"loaded answers expire too", 100, []step{
			{get: "a"}, {advance: 61 * time.Second, get: "b"},
		}, []string{"b"}},
		{"a full cache drops its oldest", 3, []step{
			{set: "a"}, {set: "b"}, {set: "c"}, {set: "d"}, {set: "e"},
		}, []string{"c", "d", "e"}},
		{"an answer stored again lives from its last store", 100, []step{
			{set: "a"}, {advance: 50 * time.Second, set: "a"}, {advance: 20 * time.Second, set: "b"},
		}, []string{"a", "b"}},
		{"stored again, it is not the oldest", 3, []step{
			{set: "a"}, {advance: time.Second, set: "b"}, {advance: time.Second, set: "c"},
			{advance: time.Second, set: "a"}, {advance: time.Second, set: "d"},
		}, []string{"a", "c", "d"}},
		{"a full cache of answers stored again still makes room", 2, []step{
			{set: "a"}, {advance: time.Second, set: "b"}, {advance: time.Second, set: "a"},
			{advance: time.Second, set: "b"}, {advance: time.Second, set: "c"},
		}, []string{"b", "c"}},
		{"a deleted key comes back fresh", 100, []step{
			{set: "a"}, {del: "a"}, {advance: 30 * time.Second, set: "a"}, {advance: 31 * time.Second, set: "b"},
		}, []string{"a", "b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			clk := &clock{}
			c := New[string, int](time.Minute, tt.max, clk.now)
			for _, s := range tt.steps {
				clk.advance(s.advance)
				if s.set != "" {
					c.Set(s.set, 1)
				}
				if s.del != "" {
					c.Delete(s.del)
				}
				if s.get != "" {
					if _, err := c.Get(t.Context(), s.get, func(context.Context) (int, error) { return 1, nil }); err != nil {
						t.Fatal(err)
					}
				}
			}
			var held []string
			c.mu.Lock()
			for k := range c.entries {
				held = append(held, k)
			}
			c.mu.Unlock()
			slices.Sort(held)
			if !slices.Equal(held, tt.held) {
				t.Errorf("held %v, want %v", held, tt.held)
			}
		})
	}

	t.Run("a busy cache holds one TTL of answers", func(t *testing.T) {
		t.Parallel()
		clk := &clock{}
		c := New[int, int](time.Minute, 10_000, clk.now)
		for i := range 5_000 { // 50 new keys a second for 100 s, each stored again 20 ms and 40 ms later
			clk.advance(20 * time.Millisecond)
			c.Set(i, i)
			for _, again := range []int{i - 1, i - 2} {
				if again >= 0 {
					c.Set(again, again)
				}
			}
		}
		if n := c.Len(); n > 3_003 { // the last minute's keys, and two stored again since
			t.Errorf("%d answers held, want the last minute's 3,000", n)
		}
		c.mu.Lock()
		queued := len(c.order) - c.head
		c.mu.Unlock()
		if queued > 3*3_001 {
			t.Errorf("%d answers queued for expiry, want the last minute's 9,000 stores", queued)
		}
	})
}

func TestTTLHoldsACopyOfAStringKey(t *testing.T) {
	t.Parallel()
	c := New[string, int](time.Minute, 0, nil)
	path := "/checkout/0123456789abcdef/status"
	id := path[len("/checkout/") : len("/checkout/")+16]
	c.Set(id, 1)
	if _, err := c.Get(t.Context(), path[1:9], func(context.Context) (int, error) { return 2, nil }); err != nil {
		t.Fatal(err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for k := range c.entries {
		if p := unsafe.StringData(k); uintptr(unsafe.Pointer(p)) >= uintptr(unsafe.Pointer(unsafe.StringData(path))) &&
			uintptr(unsafe.Pointer(p)) < uintptr(unsafe.Pointer(unsafe.StringData(path)))+uintptr(len(path)) {
			t.Errorf("key %q is held inside the string it was cut from", k)
		}
	}
}

// TestTTLUnderConcurrentUse runs loads, stores and deletes side by side (under -race in make test): the
// cache ends within its bound, with every answer it holds one it was given.
func TestTTLUnderConcurrentUse(t *testing.T) {
	t.Parallel()
	clk := &clock{}
	c := New[int, int](time.Minute, 50, clk.now)
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := range 2_000 {
				k := (i*7 + w) % 120
				switch i % 4 {
				case 0:
					c.Set(k, k)
				case 1:
					c.Delete(k)
				default:
					if v, err := c.Get(t.Context(), k, func(context.Context) (int, error) { return k, nil }); err != nil || v != k {
						t.Errorf("Get(%d) = %d, %v", k, v, err)
					}
				}
				clk.advance(time.Second)
			}
		})
	}
	wg.Wait()
	if n := c.Len(); n > 50 {
		t.Errorf("%d keys held, want at most 50", n)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, e := range c.entries {
		if e.val != k {
			t.Errorf("key %d holds %d", k, e.val)
		}
	}
}
