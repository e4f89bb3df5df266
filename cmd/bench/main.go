// Command bench measures the app against a bare Echo server in one run, for issue 13 and whoever makes the
// pages faster: `make bench` builds bin/paywall and bin/bench and runs this.
//
// It starts the real app binary in sandbox mode (fresh temporary databases, free loopback ports) and a
// bare-Echo baseline on the same echo, templ and sqlite versions (this binary with -serve-baseline), both
// as child processes, and drives both with vegeta, a maintained load generator used as a library. It
// prints, as markdown for the README: each target's req/s, p50, p99 and errors with its ratio to the
// baseline's templ page and to its page with one SQLite read, the server's CPU per request and the app's
// Payway calls per view; purchase journeys per second with 1, 4 and 16 workers; the app's start-up time
// (fresh and existing databases) and peak RSS; the machine and its load average before and after.
//
// Ratios are the figures to compare between runs and machines: both servers are measured minutes apart
// on the same machine with the same load generator, which shares the CPUs with them.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/paywall/paywall/internal/app"
)

// options are the command's flags.
type options struct {
	paywall         string
	load            loadOptions
	rounds          int
	journeyWorkers  []int
	journeyDuration time.Duration
	readers         int
	countViews      int // views per target for the Payway call count; 0 skips the count
	keep            bool
	cpuProfile      string // the measured app start writes its CPU profile here (PAYWALL_CPUPROFILE)
	memProfile      string // and its heap profile at the end here (PAYWALL_MEMPROFILE)
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fs := flag.NewFlagSet("bench", flag.ExitOnError)
	serveAddr := fs.String("serve-baseline", "", "internal: serve the bare-Echo baseline on this address (the bench starts itself so)")
	baselineDB := fs.String("baseline-db", "", "internal: the baseline's SQLite file, with -serve-baseline")
	selfProfile := fs.String("self-cpuprofile", "", "write the bench's own CPU profile (the load generator and the journeys' client) to this file")
	o := parseFlags(fs, os.Args[1:])
	if *serveAddr != "" {
		app.TuneGC(os.Getenv) // the same collector settings as the paywall binary: like with like
		if err := serveBaseline(ctx, *serveAddr, *baselineDB); err != nil {
			fmt.Fprintln(os.Stderr, "bench baseline:", err)
			os.Exit(1)
		}
		return
	}
	if *selfProfile != "" { // the load generator's own CPU: it shares the machine with what it measures
		f, err := os.Create(*selfProfile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench: -self-cpuprofile:", err)
			os.Exit(2)
		}
		defer f.Close()
		defer pprof.StopCPUProfile()
	}
	r, err := run(ctx, o, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
	r.write(os.Stdout)
}

// parseFlags defines and parses the measuring flags on fs (which may hold others, as main's does).
func parseFlags(fs *flag.FlagSet, args []string) options {
	var o options
	var workers string
	fs.StringVar(&o.paywall, "paywall", "bin/paywall", "the app binary to measure")
	fs.IntVar(&o.load.connections, "connections", 64, "connections (one vegeta worker each) per target")
	fs.DurationVar(&o.load.warmup, "warmup", 2*time.Second, "warm-up per target, not measured")
	fs.DurationVar(&o.load.duration, "duration", 10*time.Second, "measured run per target")
	fs.IntVar(&o.rounds, "rounds", 1, "interleaved rounds over all targets; the table shows medians")
	fs.StringVar(&workers, "journey-workers", "1,4,16", "comma-separated worker counts for the purchase journeys")
	fs.DurationVar(&o.journeyDuration, "journey-duration", 5*time.Second, "how long journeys run per worker count")
	fs.IntVar(&o.readers, "readers", 10000, "readers cloned for the journeys (one purchase each)")
	fs.IntVar(&o.countViews, "count-views", 10, "views per target for the Payway call count (0: skip the count)")
	fs.BoolVar(&o.keep, "keep", false, "keep the temporary directory with the databases")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write the measured app's CPU profile (pages and journeys) to this file, for go tool pprof bin/paywall FILE")
	fs.StringVar(&o.memProfile, "memprofile", "", "write the measured app's heap profile, taken when it is stopped after the journeys, to this file")
	_ = fs.Parse(args)
	for f := range strings.SplitSeq(workers, ",") {
		if n, err := strconv.Atoi(strings.TrimSpace(f)); err == nil && n > 0 {
			o.journeyWorkers = append(o.journeyWorkers, n)
		} else if strings.TrimSpace(f) != "" {
			fmt.Fprintf(os.Stderr, "bench: -journey-workers: %q is not a positive number\n", f)
			os.Exit(2)
		}
	}
	return o
}

// Target names, as the table prints them (the templ page's carries its size).
const (
	nameHello       = `bare Echo "hello"`
	namePageDB      = "bare page + 1 SQLite read"
	nameHealthz     = "/healthz"
	nameHome        = "/ anonymous"
	nameArticleAnon = "premium article, anonymous"
	nameArticleSub  = "premium article, subscriber"
	nameSubscribe   = "/subscribe, anonymous"
	nameCheckout    = "checkout page, reader"
	nameAccount     = "/account, subscriber"
)

// run is the whole measurement; progress goes to logw, the result is returned for printing.
func run(ctx context.Context, o options, logw io.Writer) (*report, error) {
	logf := func(format string, a ...any) { fmt.Fprintf(logw, "bench: "+format+"\n", a...) }
	if o.load.connections < 1 || o.load.duration <= 0 || o.rounds < 1 {
		return nil, errors.New("-connections, -duration and -rounds must be positive")
	}
	if _, err := os.Stat(o.paywall); err != nil {
		return nil, fmt.Errorf("app binary: %w (run `make bench`, which builds it)", err)
	}
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	r := &report{when: time.Now(), machine: readMachine(), loadBefore: loadAverage(), vegeta: vegetaVersion(),
		load: o.load, rounds: o.rounds, journeyDuration: o.journeyDuration}
	versions, mismatch := moduleVersions(o.paywall)
	r.versions, r.sameVersions = versions, mismatch == nil
	if mismatch != nil {
		r.notes = append(r.notes, mismatch.Error())
	}

	dir, err := os.MkdirTemp("", "paywall-bench-")
	if err != nil {
		return nil, err
	}
	if o.keep {
		logf("keeping %s", dir)
	} else {
		defer os.RemoveAll(dir)
	}

	// The baseline.
	baseAddr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	base, err := startChild(ctx, childSpec{name: "baseline", path: self,
		args: []string{"-serve-baseline", baseAddr, "-baseline-db", dir + "/baseline.db"},
		env:  os.Environ(), readyURL: "http://" + baseAddr + "/readyz"})
	if err != nil {
		return nil, err
	}
	defer base.stop()
	r.baseline.readyFresh = base.ready

	// The app: a first start on fresh databases, stopped; readers cloned into its sandbox; a second start
	// on the same files, which is measured.
	app, err := newAppInstance(o.paywall, dir)
	if err != nil {
		return nil, err
	}
	first, err := startChild(ctx, app.spec("app", "warn", "text"))
	if err != nil {
		return nil, err
	}
	r.app.readyFresh = first.ready
	passwords, err := personaPasswords(ctx, app.sandboxURL())
	if err != nil {
		first.stop()
		return nil, err
	}
	if err := first.stop(); err != nil {
		return nil, err
	}
	logf("app ready in %s on fresh databases", first.ready.Round(time.Millisecond))
	t0 := time.Now()
	emails, err := cloneReaders(ctx, app.sandboxDB, readerEmail, o.readers)
	if err != nil {
		return nil, err
	}
	logf("cloned %d readers for the journeys in %s", len(emails), time.Since(t0).Round(time.Millisecond))
	pool := &readerPool{emails: emails, password: passwords[readerEmail]}
	measured := app.spec("app", "warn", "text")
	for name, file := range map[string]string{"PAYWALL_CPUPROFILE": o.cpuProfile, "PAYWALL_MEMPROFILE": o.memProfile} {
		if file == "" {
			continue
		}
		abs, err := filepath.Abs(file)
		if err != nil {
			return nil, err
		}
		measured.env = append(measured.env, name+"="+abs)
	}
	server, err := startChild(ctx, measured)
	if err != nil {
		return nil, err
	}
	defer server.stop()
	r.app.readyExisting = server.ready
	logf("app ready in %s on existing databases", server.ready.Round(time.Millisecond))

	sessions, err := prepareApp(ctx, app, passwords)
	if err != nil {
		return nil, fmt.Errorf("prepare the app's targets: %w\n%s", err, server.out.String())
	}
	pageSize, err := bodySize(ctx, "http://"+baseAddr+"/page")
	if err != nil {
		return nil, err
	}
	targets := append([]target{
		{name: nameHello, server: base, url: "http://" + baseAddr + "/hello"},
		{name: fmt.Sprintf("bare templ page (%s B)", thousands(float64(pageSize))), server: base, url: "http://" + baseAddr + "/page", key: keyTemplPage},
		{name: namePageDB, server: base, url: "http://" + baseAddr + "/page-db", key: keyPageDB},
	}, appTargets(app, server, sessions)...)

	runs := make([][]stat, len(targets))
	for round := range o.rounds {
		for i, t := range targets {
			logf("round %d/%d: %s", round+1, o.rounds, t.name)
			s, err := measure(ctx, t, o.load)
			if err != nil {
				return nil, err
			}
			runs[i] = append(runs[i], s)
		}
	}
	for i, t := range targets {
		r.rows = append(r.rows, row{name: t.name, key: t.key, stat: median(runs[i]), app: t.server == server})
	}

	// Journeys in interleaved rounds too: one run per worker count and round, the table the medians.
	journeyRuns := make([][]journeyStat, len(o.journeyWorkers))
	for round := range o.rounds {
		for i, n := range o.journeyWorkers {
			logf("round %d/%d: journeys with %d workers", round+1, o.rounds, n)
			journeyRuns[i] = append(journeyRuns[i], runJourneys(ctx, app, server, pool, n, o.journeyDuration))
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
	}
	for i, n := range o.journeyWorkers {
		j := medianJourneys(journeyRuns[i])
		if j.outOfReaders {
			r.notes = append(r.notes, fmt.Sprintf("the journeys with %d workers ran out of readers: raise -readers (%d)", n, o.readers))
		}
		r.journeys = append(r.journeys, j)
	}
	r.loadAfter = loadAverage()
	if r.app.peakRSS, err = server.peakRSS(); err != nil {
		return nil, err
	}
	if r.baseline.peakRSS, err = base.peakRSS(); err != nil {
		return nil, err
	}
	if err := errors.Join(server.stop(), base.stop()); err != nil {
		return nil, err
	}

	if o.countViews > 0 {
		logf("counting Payway calls per view (a start with debug logging)")
		if err := addCallCounts(ctx, r, app, passwords, pool, o.countViews); err != nil {
			return nil, err
		}
	} else {
		r.notes = append(r.notes, "Payway calls were not counted (-count-views 0).")
	}
	return r, nil
}

// appTargets are the app's rows, in the order (the checkout page before /account).
func appTargets(app appInstance, server *child, s appSessions) []target {
	u := app.url()
	return []target{
		{name: nameHealthz, server: server, url: u + "/healthz"},
		{name: nameHome, server: server, url: u + "/"},
		{name: nameArticleAnon, server: server, url: u + s.premiumPath},
		{name: nameArticleSub, server: server, url: u + s.premiumPath, cookie: s.subscriberCookie},
		{name: nameSubscribe, server: server, url: u + "/subscribe"},
		{name: nameCheckout, server: server, url: u + s.checkoutPath, cookie: s.readerCookie},
		{name: nameAccount, server: server, url: u + "/account", cookie: s.subscriberCookie},
	}
}

// addCallCounts starts the app a third time with debug logging, counts the upstream calls of each app
// target and of a journey (calls.go), and puts them in the report.
func addCallCounts(ctx context.Context, r *report, app appInstance, passwords map[string]string, pool *readerPool, views int) error {
	counter := newCallCounter()
	spec := app.spec("app (counting calls)", "debug", "json")
	spec.onLine = counter.onLine
	c, err := startChild(ctx, spec)
	if err != nil {
		return err
	}
	defer c.stop()
	sessions, err := prepareApp(ctx, app, passwords)
	if err != nil {
		return fmt.Errorf("prepare the count: %w", err)
	}
	perView, perJourney, err := countCalls(ctx, app, counter, appTargets(app, c, sessions), views, pool)
	if err != nil {
		return err
	}
	for i := range r.rows {
		if n, ok := perView[r.rows[i].name]; ok {
			r.rows[i].calls = &n
		}
	}
	r.journeyCalls = &perJourney
	return c.stop()
}
