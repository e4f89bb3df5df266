package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// report is everything one run found, printed as markdown ready for the README.
type report struct {
	when                  time.Time
	machine               machine
	loadBefore, loadAfter string
	versions              string // the shared modules' versions, e.g. "echo v4.16.0, templ v0.3.977, sqlite v1.61.1"
	sameVersions          bool   // the baseline (this binary) and the app were built with the same ones
	vegeta                string
	load                  loadOptions
	rounds                int
	rows                  []row
	journeyDuration       time.Duration
	journeys              []journeyStat
	journeyCalls          *calls // nil: not counted
	app, baseline         processStat
	notes                 []string
}

// row is one target's line: its name, the ratio key, the combined rounds and, for app pages, the upstream
// calls per view (nil: not counted, or not an app page).
type row struct {
	name  string
	key   string
	stat  stat
	calls *calls
	app   bool
}

// processStat is a child's start-up times and peak RSS.
type processStat struct {
	readyFresh, readyExisting time.Duration // 0: not measured
	peakRSS                   int64
}

// write prints the report: the header, the targets, the journeys, the processes and issue 13's targets.
func (r *report) write(w io.Writer) {
	m := r.machine
	fmt.Fprintf(w, "### `make bench`, %s\n\n", r.when.UTC().Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(w, "- Machine: %s, %d logical CPUs", m.cpuModel, m.cpus)
	if m.memTotal != "" {
		fmt.Fprintf(w, ", %s RAM", m.memTotal)
	}
	if m.kernel != "" {
		fmt.Fprintf(w, ", Linux %s", m.kernel)
	}
	fmt.Fprintf(w, "; %s.\n", m.goVersion)
	fmt.Fprintf(w, "- Load average (1, 5, 15 min): %s before, %s after. The servers and the load generator share these CPUs.\n",
		r.loadBefore, r.loadAfter)
	fmt.Fprintf(w, "- Host steal: the share of the machine's CPU time the hypervisor gave to other guests during each measured run (/proc/stat), 0 on a quiet machine; a phase in which the host deschedules this VM shows there (a busy neighbour on the same physical core does not).\n")
	fmt.Fprintf(w, "- Load: vegeta %s (library), %d connections kept alive, maximum rate, %s warm-up then %s measured per target",
		r.vegeta, r.load.connections, r.load.warmup, r.load.duration)
	if r.rounds > 1 {
		fmt.Fprintf(w, ", %d interleaved rounds (medians)", r.rounds)
	}
	fmt.Fprintf(w, "; no Accept-Encoding (no gzip), as wrk.\n")
	same := "the app's versions"
	if !r.sameVersions {
		same = "NOT the app's versions, see the note"
	}
	fmt.Fprintf(w, "- Servers: the app (bin/paywall, sandbox mode, the sandbox in-process, temporary databases, PAYWALL_LOG_LEVEL=warn) and a bare Echo baseline (%s: %s) as child processes.\n\n",
		orUnknown(r.versions), same)

	fmt.Fprintf(w, "%s\n%s\n%s\n%s", r.targetTable(), r.journeyTable(), r.processTable(), r.checks())
	for _, n := range r.notes {
		fmt.Fprintf(w, "\nNote: %s\n", n)
	}
}

// targetTable is the table of issue 13: throughput, latency, ratios to the baseline, CPU per request and
// Payway calls per view.
func (r *report) targetTable() string {
	var b strings.Builder
	b.WriteString("| target | req/s | p50 | p99 | errors | × bare templ page | × bare page + 1 SQLite read | p99 ÷ bare templ p99 | CPU µs/req | Payway calls per view | host steal |\n")
	b.WriteString("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	templ, pageDB := r.ref(keyTemplPage), r.ref(keyPageDB)
	for _, row := range r.rows {
		s := row.stat
		callsCell := "–"
		if row.app {
			callsCell = "not counted"
			if row.calls != nil {
				callsCell = formatCount(row.calls.payway)
				if row.calls.klarna > 0 {
					callsCell += " (+" + formatCount(row.calls.klarna) + " Klarna)"
				}
			}
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %d | %s | %s | %s | %s | %s | %s |\n",
			row.name, thousands(s.reqPerSec), formatLatency(s.p50), formatLatency(s.p99), s.errors,
			ratio(s.reqPerSec, templ.reqPerSec), ratio(s.reqPerSec, pageDB.reqPerSec),
			ratio(float64(s.p99), float64(templ.p99)), cpuCell(s.cpuPerReq), callsCell, stealCell(s.steal))
	}
	return b.String()
}

// ref is the combined stat of the row with key (zero if absent: ratios then print as –).
func (r *report) ref(key string) stat {
	for _, row := range r.rows {
		if row.key == key {
			return row.stat
		}
	}
	return stat{}
}

func (r *report) journeyTable() string {
	var b strings.Builder
	runs := fmt.Sprintf("%s per row", r.journeyDuration)
	if r.rounds > 1 {
		runs = fmt.Sprintf("%s per run, %d interleaved rounds (medians)", r.journeyDuration, r.rounds)
	}
	fmt.Fprintf(&b, "Purchase journeys, %d requests each (login page, login, POST /checkout, checkout page, authorize at the sandbox's control API in place of Klarna's dialog, POST order, device redirect, confirmation), %s, each journey a reader of its own:\n\n",
		journeyRequests, runs)
	b.WriteString("| workers | journeys/s | p50 | p99 | errors | app CPU per journey | host steal |\n|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, j := range r.journeys {
		fmt.Fprintf(&b, "| %d | %s | %s | %s | %d | %s | %s |\n", j.workers, oneDecimal(j.perSec), formatLatency(j.p50),
			formatLatency(j.p99), j.errors, formatLatency(j.cpuPer), stealCell(j.steal))
	}
	if c := r.journeyCalls; c != nil {
		fmt.Fprintf(&b, "\nUpstream calls per journey: %s to Payway, %s to Klarna.\n", formatCount(c.payway), formatCount(c.klarna))
	}
	return b.String()
}

func (r *report) processTable() string {
	var b strings.Builder
	b.WriteString("| process | start to ready, fresh databases | start to ready, existing databases | RSS peak (VmHWM) |\n|---|--:|--:|--:|\n")
	fmt.Fprintf(&b, "| app (sandbox mode) | %s | %s | %s |\n", formatLatency(r.app.readyFresh), formatLatency(r.app.readyExisting), formatBytes(r.app.peakRSS))
	fmt.Fprintf(&b, "| bare Echo baseline | %s | – | %s |\n", formatLatency(r.baseline.readyFresh), formatBytes(r.baseline.peakRSS))
	b.WriteString("\nStart to ready: from exec to the first 200 from /readyz (polled every 2 ms). RSS: the peak over the whole run, the app's through every target and journey.\n")
	return b.String()
}

// checks compares the run with issue 13's targets; a target that could not be computed is left open.
func (r *report) checks() string {
	templ, pageDB := r.ref(keyTemplPage), r.ref(keyPageDB)
	byName := map[string]stat{}
	for _, row := range r.rows {
		byName[row.name] = row.stat
	}
	var b strings.Builder
	b.WriteString("Issue 13's targets in this run:\n\n")
	item := func(ok bool, text string) {
		mark := " "
		if ok {
			mark = "x"
		}
		fmt.Fprintf(&b, "- [%s] %s\n", mark, text)
	}
	atLeast := func(names []string, of stat, min float64) (bool, string) {
		ok, parts := of.reqPerSec > 0, []string{}
		for _, n := range names {
			s, found := byName[n]
			q := 0.0
			if of.reqPerSec > 0 {
				q = s.reqPerSec / of.reqPerSec
			}
			ok = ok && found && q >= min && s.errors == 0
			parts = append(parts, fmt.Sprintf("%s %s", n, ratio(s.reqPerSec, of.reqPerSec)))
		}
		return ok, strings.Join(parts, ", ")
	}
	ok, got := atLeast([]string{nameHome, nameArticleAnon}, templ, 0.7)
	item(ok, "home and anonymous article ≥ 0.7 × bare templ page: "+got)
	ok, got = atLeast([]string{nameArticleSub}, pageDB, 0.7)
	item(ok, "subscriber article ≥ 0.7 × bare page + 1 SQLite read: "+got)
	ok, got = atLeast([]string{nameSubscribe, nameCheckout, nameAccount}, templ, 0.5)
	item(ok, "/subscribe, checkout page and /account ≥ 0.5 × bare templ page: "+got)
	worst, worstName := 0.0, ""
	for _, row := range r.rows {
		if row.app && row.name != nameHealthz && templ.p99 > 0 {
			if q := float64(row.stat.p99) / float64(templ.p99); q > worst {
				worst, worstName = q, row.name
			}
		}
	}
	item(templ.p99 > 0 && worst <= 1.5, fmt.Sprintf("every page's p99 ≤ 1.5 × bare templ page's p99: worst %s, %s", strconv.FormatFloat(worst, 'f', 2, 64), worstName))
	var j16 *journeyStat
	for i := range r.journeys {
		if r.journeys[i].workers == 16 {
			j16 = &r.journeys[i]
		}
	}
	if j16 == nil {
		item(false, "purchase journeys ≥ 300/s with 16 workers, p99 under 150 ms: not run with 16 workers")
	} else {
		item(j16.perSec >= 300 && j16.p99 < 150*time.Millisecond && j16.errors == 0,
			fmt.Sprintf("purchase journeys ≥ 300/s with 16 workers, p99 under 150 ms: %s/s, p99 %s", oneDecimal(j16.perSec), formatLatency(j16.p99)))
	}
	item(r.app.peakRSS > 0 && r.app.peakRSS < 80<<20, "RSS under 80 MB through all of it: "+formatBytes(r.app.peakRSS))
	if most, where := r.mostStolen(); most > quietSteal {
		fmt.Fprintf(&b, "\nNot a quiet machine: the host gave up to %s of its CPU time to other guests during a measured run (%s). "+
			"Such a phase slows every figure at once; the ratios, measured side by side, suffer less than journeys/s.\n",
			stealCell(most), where)
	}
	return b.String()
}

// quietSteal is the most steal a run may show and still be from a quiet machine.
const quietSteal = 0.02

// mostStolen is the highest steal of any row's measured runs (medians) and whose it was.
func (r *report) mostStolen() (most float64, where string) {
	for _, row := range r.rows {
		if row.stat.steal > most {
			most, where = row.stat.steal, row.name
		}
	}
	for _, j := range r.journeys {
		if j.steal > most {
			most, where = j.steal, fmt.Sprintf("journeys with %d workers", j.workers)
		}
	}
	return most, where
}

// stealCell prints a share of CPU time as a percentage, – when unknown.
func stealCell(share float64) string {
	if share < 0 {
		return "–"
	}
	return strconv.FormatFloat(share*100, 'f', 1, 64) + " %"
}

// ratio is a/b to two decimals, – when b is unknown.
func ratio(a, b float64) string {
	if b <= 0 {
		return "–"
	}
	return strconv.FormatFloat(a/b, 'f', 2, 64)
}

// thousands prints a rate as a whole number with thousands separators, as the table does.
func thousands(v float64) string {
	n := int64(v + 0.5)
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func oneDecimal(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

// formatLatency prints a duration in ms with sensible precision: 0.42 ms, 7.4 ms, 463 ms, 1.25 s.
func formatLatency(d time.Duration) string {
	ms := float64(d) / float64(time.Millisecond)
	switch {
	case d <= 0:
		return "–"
	case ms < 1:
		return strconv.FormatFloat(ms, 'f', 2, 64) + " ms"
	case ms < 100:
		return strconv.FormatFloat(ms, 'f', 1, 64) + " ms"
	case ms < 1000:
		return strconv.FormatFloat(ms, 'f', 0, 64) + " ms"
	default:
		return strconv.FormatFloat(ms/1000, 'f', 2, 64) + " s"
	}
}

func cpuCell(d time.Duration) string {
	if d <= 0 {
		return "–"
	}
	return thousands(float64(d) / float64(time.Microsecond))
}

// formatCount prints calls per view: whole numbers as such, fractions (a cache that sometimes misses)
// to two decimals.
func formatCount(v float64) string {
	if v == float64(int64(v)) {
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}

func formatBytes(n int64) string {
	if n <= 0 {
		return "–"
	}
	return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
}

func orUnknown(s string) string {
	if s == "" {
		return "versions unknown"
	}
	return s
}
