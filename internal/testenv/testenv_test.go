package testenv

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestSlowdownAndScale(t *testing.T) {
	tests := []struct {
		env       string
		want      float64
		wantPanic bool
	}{
		{"", 1, false},
		{"1", 1, false},
		{"3", 3, false},
		{"2.5", 2.5, false},
		{"0.5", 0, true},
		{"0", 0, true},
		{"fast", 0, true},
		{"1000", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.env, func(t *testing.T) {
			t.Setenv("PAYWALL_TEST_SLOWDOWN", tt.env)
			defer func() {
				if r := recover(); (r != nil) != tt.wantPanic {
					t.Fatalf("panic = %v, want panic %v", r, tt.wantPanic)
				}
			}()
			if got := Slowdown(); got != tt.want {
				t.Fatalf("Slowdown() = %v, want %v", got, tt.want)
			}
			if got, want := Scale(2*time.Second), time.Duration(tt.want*float64(2*time.Second)); got != want {
				t.Fatalf("Scale(2s) = %v, want %v", got, want)
			}
			if got, want := Millis(2*time.Second), tt.want*2000; got != want {
				t.Fatalf("Millis(2s) = %v, want %v", got, want)
			}
		})
	}
}

func TestClockShiftAndAdvance(t *testing.T) {
	tests := []struct {
		env       string
		shift     time.Duration
		wantPanic bool
	}{
		{"", 0, false},
		{"87600h", 87600 * time.Hour, false},
		{"-1h", -time.Hour, false},
		{"ten years", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.env, func(t *testing.T) {
			t.Setenv("PAYWALL_TEST_CLOCK_SHIFT", tt.env)
			defer func() {
				if r := recover(); (r != nil) != tt.wantPanic {
					t.Fatalf("panic = %v, want panic %v", r, tt.wantPanic)
				}
			}()
			before := time.Now().Add(tt.shift)
			c := NewClock()
			got := c.Now()
			after := time.Now().Add(tt.shift)
			if got.Before(before) || got.After(after) {
				t.Fatalf("Now() = %v, want between %v and %v", got, before, after)
			}
			c.Advance(49 * time.Hour)
			if moved := c.Now().Sub(got); moved < 49*time.Hour || moved > 50*time.Hour {
				t.Fatalf("Advance(49h) moved the clock by %v", moved)
			}
		})
	}
}

func TestCopyOfBuildsOnceAndCopiesEachTime(t *testing.T) {
	builds := 0
	build := func(path string) error {
		builds++
		return os.WriteFile(path, []byte("template"), 0o600)
	}
	// A template name of this run's own: templates live as long as the test binary, so a fixed name
	// would be built by the first of several runs only (-count=2).
	name := filepath.Base(filepath.Dir(t.TempDir())) + ".db" // TestCopyOf…<random>/001
	tests := []struct{ name string }{{"first"}, {"second"}, {"third"}}
	var paths []string
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := CopyOf(t, name, build)
			b, err := os.ReadFile(p)
			if err != nil || string(b) != "template" {
				t.Fatalf("copy holds %q, %v", b, err)
			}
			if err := os.WriteFile(p, []byte("changed by the test"), 0o600); err != nil {
				t.Fatal(err)
			}
			paths = append(paths, p)
		})
	}
	if builds != 1 {
		t.Errorf("built %d times, want once", builds)
	}
	if paths[0] == paths[1] || paths[1] == paths[2] {
		t.Errorf("copies share a path: %v", paths)
	}
}
