package main

import (
	"debug/buildinfo"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
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
