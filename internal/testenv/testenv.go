// Package testenv holds what every test package shares about its surroundings: how much slower than a
// quiet machine this one is (PAYWALL_TEST_SLOWDOWN) and where test clocks start
// (PAYWALL_TEST_CLOCK_SHIFT). Tests read both here, so a busy CI machine or a far-future date is one
// environment variable away, never a per-test guess.
//
//	PAYWALL_TEST_SLOWDOWN=3          every test wait (Playwright timeouts, HTTP client deadlines, polling
//	                                 limits) is three times as long; default 1. Waits are for conditions,
//	                                 so a larger value only makes a failing test fail later.
//	PAYWALL_TEST_CLOCK_SHIFT=87600h  test clocks start ten years after the real now; default 0. Anything on
//	                                 the app's path that reads the real clock instead of the injected
//	                                 one then disagrees with it by years, and its test fails.
//
// It also keeps built-once database templates (CopyOf). It imports nothing of the app and is imported
// only by tests.
package testenv

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Slowdown is the factor PAYWALL_TEST_SLOWDOWN sets (default 1). A value that is not a number >= 1
// panics: a typo must not silently run the suite with the default.
func Slowdown() float64 {
	v := os.Getenv("PAYWALL_TEST_SLOWDOWN")
	if v == "" {
		return 1
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 1 || f > 100 {
		panic(fmt.Sprintf("PAYWALL_TEST_SLOWDOWN=%q: want a number from 1 to 100", v))
	}
	return f
}

// Scale stretches a wait that is right on a quiet machine by Slowdown.
func Scale(d time.Duration) time.Duration {
	return time.Duration(float64(d) * Slowdown())
}

// Millis is Scale(d) in milliseconds, the unit Playwright's timeouts take.
func Millis(d time.Duration) float64 {
	return float64(Scale(d)) / float64(time.Millisecond)
}

// ClockShift is the duration PAYWALL_TEST_CLOCK_SHIFT sets (default 0). An unparsable value panics.
func ClockShift() time.Duration {
	v := os.Getenv("PAYWALL_TEST_CLOCK_SHIFT")
	if v == "" {
		return 0
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		panic(fmt.Sprintf("PAYWALL_TEST_CLOCK_SHIFT=%q: want a Go duration such as 87600h", v))
	}
	return d
}

// Clock is the time the app and the sandbox share in a test: the real now plus ClockShift plus whatever
// the test advanced. Time keeps flowing, so timeouts and short-lived tokens behave as usual, while
// Advance jumps over long lifetimes (a 48 h purchase session, a token's hour). It is safe for concurrent
// use; the zero value is not: use NewClock.
type Clock struct {
	mu     sync.Mutex
	offset time.Duration
}

// NewClock starts a clock at the real now plus ClockShift.
func NewClock() *Clock { return &Clock{offset: ClockShift()} }

// Now is the shared "now" of the app and the sandbox.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
}

// templates holds, per name, the bytes of a database file that was built once in this test binary.
var templates sync.Map // name -> *template

type template struct {
	once  sync.Once
	bytes []byte
	err   error
}

// CopyOf returns the path of a fresh copy, in t's own temporary directory, of the file that build writes
// at the path it is given. build runs once per name and test binary; every later call only copies bytes.
// Tests use it for SQLite files: migrating and seeding a database costs 100-200 ms under -race, copying
// a migrated one about 1 ms, and each test still gets a database of its own. build must leave a complete
// file (close the database, so that nothing is left in a WAL file).
func CopyOf(t testing.TB, name string, build func(path string) error) string {
	t.Helper()
	v, _ := templates.LoadOrStore(name, &template{})
	tpl := v.(*template)
	tpl.once.Do(func() {
		dir, err := os.MkdirTemp("", "paywall-template-")
		if err != nil {
			tpl.err = err
			return
		}
		defer os.RemoveAll(dir)
		path := filepath.Join(dir, name)
		if tpl.err = build(path); tpl.err != nil {
			return
		}
		tpl.bytes, tpl.err = os.ReadFile(path)
	})
	if tpl.err != nil {
		t.Fatalf("template %s: %v", name, tpl.err)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, tpl.bytes, 0o600); err != nil {
		t.Fatalf("copy of template %s: %v", name, err)
	}
	return path
}

// HandOffs counts in how many of rounds a goroutine waiting for a pool's single connection got it before
// the goroutine that gave it back went on (store.handOff says why that matters). take blocks until it holds
// the connection and returns what gives it back; waits is the pool's count of waits for a connection
// (sql.DBStats.WaitCount). It runs on one processor, where without a hand-off the waiter only runs once
// the releasing goroutine next blocks, so the count is 0; with one it is rounds, less the rare turn the
// scheduler gives its global queue first. Not for parallel tests: it sets GOMAXPROCS for the process.
func HandOffs(t testing.TB, rounds int, take func() (release func() error, err error), waits func() int64) int {
	t.Helper()
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	handed := 0
	for range rounds {
		release, err := take()
		if err != nil {
			t.Fatalf("take the connection: %v", err)
		}
		before := waits()
		var started atomic.Bool
		done := make(chan error)
		go func() {
			release, err := take()
			if err == nil {
				started.Store(true)
				err = release()
			}
			done <- err
		}()
		deadline := time.Now().Add(Scale(5 * time.Second))
		for waits() == before { // the waiter is queued for the connection
			if time.Now().After(deadline) {
				t.Fatal("the second goroutine never waited for the connection")
			}
			runtime.Gosched()
		}
		if err := release(); err != nil {
			t.Fatalf("give the connection back: %v", err)
		}
		if started.Load() {
			handed++
		}
		if err := <-done; err != nil {
			t.Fatalf("the waiter: %v", err)
		}
	}
	return handed
}
