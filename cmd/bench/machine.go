package main

import (
	"debug/buildinfo"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
)

// machine is what the header says about where the figures come from. Absolute figures depend on it and
// on what else runs (the load average); ratios against the baseline, measured in the same run, much less.
type machine struct {
	goVersion string // the toolchain both binaries were built with
	cpuModel  string
	cpus      int // logical CPUs in /proc/cpuinfo
	procs     int // GOMAXPROCS of the bench (the children use the default, all CPUs)
	kernel    string
	memTotal  string
}

func readMachine() machine {
	m := machine{goVersion: runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH, procs: runtime.GOMAXPROCS(0)}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.SplitSeq(string(b), "\n") {
			k, v, ok := strings.Cut(line, ":")
			if !ok {
				continue
			}
			switch strings.TrimSpace(k) {
			case "processor":
				m.cpus++
			case "model name":
				if m.cpuModel == "" {
					m.cpuModel = strings.Join(strings.Fields(v), " ")
				}
			}
		}
	}
	if m.cpus == 0 {
		m.cpus = runtime.NumCPU()
	}
	if m.cpuModel == "" {
		m.cpuModel = "unknown CPU"
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.kernel = strings.TrimSpace(string(b))
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for line := range strings.SplitSeq(string(b), "\n") {
			if rest, ok := strings.CutPrefix(line, "MemTotal:"); ok {
				var kb int64
				if _, err := fmt.Sscan(strings.TrimSpace(rest), &kb); err == nil {
					m.memTotal = fmt.Sprintf("%.1f GB", float64(kb)/(1<<20))
				}
			}
		}
	}
	return m
}

// loadAverage is /proc/loadavg's 1, 5 and 15 minute averages, as printed there.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// The modules whose versions the baseline shares with the app.
var sharedModules = []string{"github.com/labstack/echo/v4", "github.com/a-h/templ", "modernc.org/sqlite"}

// moduleVersions compares the shared modules (and the Go version) of the bench binary, which serves the
// baseline, with the app binary's, so the table can say the baseline runs the app's versions, or warn.
func moduleVersions(appBinary string) (summary string, mismatch error) {
	self, ok := debug.ReadBuildInfo()
	if !ok {
		return "", fmt.Errorf("the bench binary has no build info")
	}
	app, err := buildinfo.ReadFile(appBinary)
	if err != nil {
		return "", fmt.Errorf("read %s's build info: %w", appBinary, err)
	}
	versions := func(bi *debug.BuildInfo) map[string]string {
		v := map[string]string{"go": bi.GoVersion}
		for _, d := range bi.Deps {
			if d.Replace != nil {
				d = d.Replace
			}
			v[d.Path] = d.Version
		}
		return v
	}
	mine, theirs := versions(self), versions(app)
	var parts, differ []string
	for _, mod := range append([]string{"go"}, sharedModules...) {
		name := mod[strings.LastIndex(mod, "/")+1:]
		if mod == "github.com/labstack/echo/v4" {
			name = "echo"
		}
		if mod != "go" {
			parts = append(parts, name+" "+theirs[mod])
		}
		if mine[mod] != theirs[mod] {
			differ = append(differ, fmt.Sprintf("%s: bench %q, app %q", mod, mine[mod], theirs[mod]))
		}
	}
	if len(differ) > 0 {
		mismatch = fmt.Errorf("the baseline is not on the app's versions: %s", strings.Join(differ, "; "))
	}
	return strings.Join(parts, ", "), mismatch
}

// vegetaVersion is the load generator's module version, from the bench's build info.
func vegetaVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == "github.com/tsenart/vegeta/v12" {
				return d.Version
			}
		}
	}
	return "(unknown version)"
}

// cpuTimes is the machine's CPU time so far, from /proc/stat's first line, in clock ticks summed over
// every CPU: all of it, and what the hypervisor gave to other guests while this one wanted to run (steal).
// On a shared virtual machine steal is how one kind of slow phase shows (the same code then made a third
// fewer journeys), so a run's figures say whether they come from one; a neighbour on the same physical core
// slows the run too and shows nowhere.
type cpuTimes struct {
	total, steal uint64
}

// readCPUTimes reads /proc/stat; ok is false where there is none (not Linux) or it cannot be parsed.
func readCPUTimes() (cpuTimes, bool) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return cpuTimes{}, false
	}
	line, _, _ := strings.Cut(string(b), "\n")
	return parseCPULine(line)
}

// parseCPULine parses the aggregate "cpu" line: user nice system idle iowait irq softirq steal guest
// guest_nice. Guest time is already counted in user and nice, so the total is the first eight fields.
func parseCPULine(line string) (cpuTimes, bool) {
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return cpuTimes{}, false
	}
	var t cpuTimes
	for i, s := range f[1:9] {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return cpuTimes{}, false
		}
		t.total += v
		if i == 7 {
			t.steal = v
		}
	}
	return t, true
}

// stealShare is the share of the machine's CPU time between two readings that went to other guests, in
// [0, 1]; -1 when it cannot be told (no readings, or no time passed).
func stealShare(before, after cpuTimes, ok bool) float64 {
	if !ok || after.total <= before.total || after.steal < before.steal {
		return -1
	}
	return float64(after.steal-before.steal) / float64(after.total-before.total)
}

// stealSpan measures the steal over a span: start it, then call the function it returns at the end.
func stealSpan() func() float64 {
	before, ok := readCPUTimes()
	return func() float64 {
		after, ok2 := readCPUTimes()
		return stealShare(before, after, ok && ok2)
	}
}
