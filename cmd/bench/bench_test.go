package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/paywall/paywall/internal/testenv"
)

// TestMain lets the test binary stand in for bin/bench as the baseline child: run starts
// os.Executable() with -serve-baseline, which here is this binary.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == "-serve-baseline" {
		main()
		os.Exit(0)
	}
	readyTimeout = testenv.Scale(readyTimeout) // a busy machine, e.g. CI's
	os.Exit(m.Run())
}

// TestReportTable checks the table's arithmetic and formatting on known figures: ratios to the two
// baseline rows, p99 against the templ page's, CPU per request, calls per view, and the targets list.
func TestReportTable(t *testing.T) {
	ms := time.Millisecond
	r := &report{
		rows: []row{
			{name: nameHello, stat: stat{reqPerSec: 40000, p50: ms, p99: 5 * ms, cpuPerReq: 24 * time.Microsecond, steal: -1}},
			{name: "bare templ page (3,889 B)", key: keyTemplPage, stat: stat{reqPerSec: 20000, p50: 2 * ms, p99: 10 * ms}},
			{name: namePageDB, key: keyPageDB, stat: stat{reqPerSec: 10000, p99: 20 * ms}},
			{name: nameHealthz, app: true, stat: stat{reqPerSec: 30000, p99: 30 * ms}, calls: &calls{}},
			{name: nameHome, app: true, stat: stat{reqPerSec: 15000, p99: 12 * ms}, calls: &calls{}},
			{name: nameArticleAnon, app: true, stat: stat{reqPerSec: 14000, p99: 15 * ms}, calls: &calls{}},
			{name: nameArticleSub, app: true, stat: stat{reqPerSec: 7000, p99: 15 * ms, cpuPerReq: 1256 * time.Microsecond}, calls: &calls{payway: 1}},
			{name: nameSubscribe, app: true, stat: stat{reqPerSec: 10000, p99: 15 * ms}, calls: &calls{payway: 0.25}},
			{name: nameCheckout, app: true, stat: stat{reqPerSec: 10000, p99: 16 * ms, errors: 3}, calls: &calls{payway: 3, klarna: 1}},
			{name: nameAccount, app: true, stat: stat{reqPerSec: 10000, p99: 15 * ms, steal: 0.031}},
		},
		journeys: []journeyStat{{workers: 16, perSec: 320, p99: 140 * ms, cpuPer: 5 * ms, steal: 0.012}},
		app:      processStat{peakRSS: 50 << 20},
	}
	table := r.targetTable()
	for _, want := range []string{
		`| bare Echo "hello" | 40,000 | 1.0 ms | 5.0 ms | 0 | 2.00 | 4.00 | 0.50 | 24 | – | – |`,
		"| bare templ page (3,889 B) | 20,000 | 2.0 ms | 10.0 ms | 0 | 1.00 | 2.00 | 1.00 | – | – | 0.0 % |",
		"| / anonymous | 15,000 | – | 12.0 ms | 0 | 0.75 | 1.50 | 1.20 | – | 0 | 0.0 % |",
		"| premium article, subscriber | 7,000 | – | 15.0 ms | 0 | 0.35 | 0.70 | 1.50 | 1,256 | 1 | 0.0 % |",
		"| /subscribe, anonymous | 10,000 | – | 15.0 ms | 0 | 0.50 | 1.00 | 1.50 | – | 0.25 | 0.0 % |",
		"| checkout page, reader | 10,000 | – | 16.0 ms | 3 | 0.50 | 1.00 | 1.60 | – | 3 (+1 Klarna) | 0.0 % |",
		"| /account, subscriber | 10,000 | – | 15.0 ms | 0 | 0.50 | 1.00 | 1.50 | – | not counted | 3.1 % |",
	} {
		if !strings.Contains(table, want+"\n") {
			t.Errorf("table lacks\n%s\nin\n%s", want, table)
		}
	}
	if j := r.journeyTable(); !strings.Contains(j, "| 16 | 320.0 | – | 140 ms | 0 | 5.0 ms | 1.2 % |\n") {
		t.Errorf("journey table lacks the 16-worker row with its steal:\n%s", j)
	}
	checks := r.checks()
	for _, want := range []string{
		"- [x] home and anonymous article ≥ 0.7 × bare templ page: / anonymous 0.75, premium article, anonymous 0.70",
		"- [x] subscriber article ≥ 0.7 × bare page + 1 SQLite read: premium article, subscriber 0.70",
		"- [ ] /subscribe, checkout page and /account ≥ 0.5 × bare templ page", // the checkout page had errors
		"- [ ] every page's p99 ≤ 1.5 × bare templ page's p99: worst 1.60, checkout page, reader",
		"- [x] purchase journeys ≥ 300/s with 16 workers, p99 under 150 ms: 320.0/s, p99 140 ms",
		"- [x] RSS under 80 MB through all of it: 50.0 MB",
		"Not a quiet machine: the host gave up to 3.1 % of its CPU time to other guests during a measured run (/account, subscriber).",
	} {
		if !strings.Contains(checks, want) {
			t.Errorf("targets lack\n%s\nin\n%s", want, checks)
		}
	}
}

func TestFormatting(t *testing.T) {
	for _, tt := range []struct{ got, want string }{
		{thousands(0), "0"}, {thousands(999.6), "1,000"}, {thousands(1234567), "1,234,567"},
		{formatLatency(420 * time.Microsecond), "0.42 ms"}, {formatLatency(7400 * time.Microsecond), "7.4 ms"},
		{formatLatency(463 * time.Millisecond), "463 ms"}, {formatLatency(1250 * time.Millisecond), "1.25 s"},
		{formatLatency(0), "–"}, {ratio(1, 0), "–"}, {ratio(1, 3), "0.33"},
		{formatCount(2), "2"}, {formatCount(0.1), "0.10"}, {formatBytes(50 << 20), "50.0 MB"},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
	ds := []time.Duration{5, 1, 4, 2, 3}
	if q := quantile(ds, 0.5); q != 3 {
		t.Errorf("p50 = %d", q)
	}
	if q := quantile(ds, 0.99); q != 5 {
		t.Errorf("p99 = %d", q)
	}
	m := median([]stat{{reqPerSec: 3, errors: 1}, {reqPerSec: 1}, {reqPerSec: 2, errors: 2}})
	if m.reqPerSec != 2 || m.errors != 3 {
		t.Errorf("median = %+v", m)
	}
}

// TestBenchEndToEnd runs the whole bench briefly against real children (the app built from this
// module, the baseline from this test binary): every row must have been measured without an error, and
// every journey must have bought.
func TestBenchEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts the app: not with -short")
	}
	paywall := buildApp(t)
	ctx, cancel := context.WithTimeout(t.Context(), testenv.Scale(3*time.Minute))
	defer cancel()
	r, err := run(ctx, options{
		paywall:         paywall,
		load:            loadOptions{connections: 8, warmup: 100 * time.Millisecond, duration: 300 * time.Millisecond},
		rounds:          1,
		journeyWorkers:  []int{1, 4},
		journeyDuration: 300 * time.Millisecond,
		readers:         300,
		countViews:      2,
	}, t.Output())
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	r.write(&out)
	t.Log("\n" + out.String())

	names := []string{nameHello, namePageDB, nameHealthz, nameHome, nameArticleAnon, nameArticleSub, nameSubscribe, nameCheckout, nameAccount}
	if len(r.rows) != len(names)+1 { // and the templ page, whose name carries its size
		t.Errorf("%d rows, want %d", len(r.rows), len(names)+1)
	}
	for _, row := range r.rows {
		if row.stat.reqPerSec <= 0 || row.stat.errors != 0 {
			t.Errorf("%s: %.0f req/s, %d errors (%s)", row.name, row.stat.reqPerSec, row.stat.errors, row.stat.firstError)
		}
		if row.app && row.calls == nil {
			t.Errorf("%s: Payway calls not counted", row.name)
		}
	}
	for _, n := range names {
		if !strings.Contains(out.String(), "| "+n+" | ") {
			t.Errorf("no row %q", n)
		}
	}
	if r.ref(keyTemplPage).reqPerSec <= 0 || r.ref(keyPageDB).reqPerSec <= 0 {
		t.Error("no baseline rows to divide by")
	}
	for _, j := range r.journeys {
		if j.journeys == 0 || j.errors != 0 || j.outOfReaders {
			t.Errorf("journeys with %d workers: %d, %d errors (%s)", j.workers, j.journeys, j.errors, j.firstError)
		}
	}
	if r.journeyCalls == nil || r.journeyCalls.payway == 0 {
		t.Errorf("a journey made no Payway calls: %+v", r.journeyCalls)
	}
	if r.app.readyFresh <= 0 || r.app.readyExisting <= 0 || r.app.peakRSS <= 0 || r.baseline.peakRSS <= 0 {
		t.Errorf("process figures missing: app %+v, baseline %+v", r.app, r.baseline)
	}
}

// buildApp builds cmd/paywall into a temporary directory, with the race detector when this test has it
// (the race pass of `make test` then reuses the packages it has already compiled).
func buildApp(t *testing.T) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		goBin = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	out := filepath.Join(t.TempDir(), "paywall")
	args := []string{"build", "-o", out}
	if raceEnabled {
		args = append(args, "-race")
	}
	cmd := exec.Command(goBin, append(args, "github.com/paywall/paywall/cmd/paywall")...)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, b)
	}
	return out
}

// Steal is read from /proc/stat's aggregate line and is the share of all CPU time between two readings
// that the host gave to other guests.
func TestSteal(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		before, after string
		want          float64
	}{
		{"a quarter stolen", "cpu  100 0 50 800 10 0 10 30 0 0", "cpu  160 0 70 870 10 0 10 80 0 0", 0.25},
		{"guest time is in user already", "cpu  100 0 0 100 0 0 0 0 40 5", "cpu  150 0 0 150 0 0 0 0 90 5", 0},
		{"an older kernel's eight fields are too few", "cpu  1 2 3 4 5 6 7", "cpu  2 2 3 4 5 6 7", -1},
		{"not the aggregate line", "cpu0 100 0 50 800 10 0 10 30 0 0", "cpu0 160 0 70 880 10 0 10 80 0 0", -1},
		{"no time passed", "cpu  1 0 0 1 0 0 0 1 0 0", "cpu  1 0 0 1 0 0 0 1 0 0", -1},
		{"garbage", "cpu  1 x 0 1 0 0 0 1 0 0", "cpu  2 0 0 1 0 0 0 1 0 0", -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b, ok1 := parseCPULine(tt.before)
			a, ok2 := parseCPULine(tt.after)
			if got := stealShare(b, a, ok1 && ok2); got != tt.want {
				t.Errorf("stealShare = %v, want %v", got, tt.want)
			}
		})
	}
	if _, err := os.Stat("/proc/stat"); err == nil {
		if _, ok := readCPUTimes(); !ok {
			t.Error("this machine's /proc/stat does not parse")
		}
	}
	quiet := &report{rows: []row{{name: nameHome, stat: stat{steal: quietSteal}}}, journeys: []journeyStat{{workers: 16, steal: -1}}}
	if c := quiet.checks(); strings.Contains(c, "Not a quiet machine") {
		t.Errorf("a run at the quiet bound is called busy:\n%s", c)
	}
}
