package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"slices"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// target is one row of the table: a GET, with the session it needs, against one of the two servers.
type target struct {
	name   string
	server *child // whose CPU time is charged to the target
	url    string
	cookie string // Cookie header; "" is an anonymous reader
	key    string // keyTemplPage, keyPageDB, or "" for the others
}

// The rows the ratios divide by.
const (
	keyTemplPage = "templ"
	keyPageDB    = "page-db"
)

// loadOptions are the load generator's settings, the same for every target.
type loadOptions struct {
	connections int
	warmup      time.Duration
	duration    time.Duration
}

// stat is one measured run of one target.
type stat struct {
	requests   uint64
	errors     uint64
	reqPerSec  float64
	p50, p99   time.Duration
	cpuPerReq  time.Duration // the server's CPU time over the measured run, per request; 0 if unknown
	steal      float64       // the share of the machine's CPU time the host gave to other guests; -1 if unknown
	firstError string
}

// newTransport is the load generator's HTTP transport: keep-alive, exactly conns connections per host,
// and no Accept-Encoding (as wrk sends none): the figures are the pages' work, not gzip's.
func newTransport(conns int) *http.Transport {
	return &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        0,
		MaxIdleConnsPerHost: conns,
		MaxConnsPerHost:     conns,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
}

// measure drives one target with vegeta at the maximum rate its fixed number of workers (one connection
// each, kept alive) can sustain: a warm-up whose results are dropped, then the measured run on the same
// connections. Every answer but 200 is an error, redirects included: each target is a page that must
// render.
func measure(ctx context.Context, t target, o loadOptions) (stat, error) {
	transport := newTransport(o.connections)
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport, Timeout: 30 * time.Second}
	header := http.Header{}
	if t.cookie != "" {
		header.Set("Cookie", t.cookie)
	}
	targeter := vegeta.NewStaticTargeter(vegeta.Target{Method: http.MethodGet, URL: t.url, Header: header})
	attacker := func() *vegeta.Attacker {
		// A new attacker per run (an attacker stops for good at the end of its attack); the client, and so
		// the open connections, carry over from the warm-up.
		return vegeta.NewAttacker(vegeta.Client(client),
			vegeta.Workers(uint64(o.connections)), vegeta.MaxWorkers(uint64(o.connections)),
			vegeta.Redirects(vegeta.NoFollow), vegeta.MaxBody(0))
	}
	maxRate := vegeta.Rate{} // zero: as fast as the workers go

	if o.warmup > 0 {
		warm := attacker()
		for range warm.Attack(targeter, maxRate, o.warmup, t.name+" warm-up") {
			if ctx.Err() != nil {
				warm.Stop() // and drain: the workers finish what they sent
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return stat{}, err
	}

	cpu0, cpuErr := t.server.cpuTime()
	stolen := stealSpan()
	var m vegeta.Metrics
	var s stat
	atk := attacker()
	for r := range atk.Attack(targeter, maxRate, o.duration, t.name) {
		m.Add(r)
		if r.Code != http.StatusOK || r.Error != "" {
			s.errors++
			if s.firstError == "" {
				s.firstError = fmt.Sprintf("%d %s", r.Code, r.Error)
			}
		}
		if ctx.Err() != nil {
			atk.Stop()
		}
	}
	cpu1, cpuErr2 := t.server.cpuTime()
	s.steal = stolen()
	m.Close()
	if err := ctx.Err(); err != nil {
		return stat{}, err
	}
	s.requests = m.Requests
	if span := m.Duration + m.Wait; span > 0 {
		s.reqPerSec = float64(m.Requests) / span.Seconds()
	}
	s.p50, s.p99 = m.Latencies.P50, m.Latencies.P99
	if cpuErr == nil && cpuErr2 == nil && m.Requests > 0 {
		s.cpuPerReq = (cpu1 - cpu0) / time.Duration(m.Requests)
	}
	return s, nil
}

// median combines the rounds of one target: the median of each figure (rounds are interleaved, so a
// disturbance of the machine hits one round of each target rather than every round of one), errors added.
func median(runs []stat) stat {
	if len(runs) == 1 {
		return runs[0]
	}
	pick := func(f func(stat) float64) float64 {
		v := make([]float64, len(runs))
		for i, r := range runs {
			v[i] = f(r)
		}
		slices.Sort(v)
		if len(v)%2 == 1 {
			return v[len(v)/2]
		}
		return (v[len(v)/2-1] + v[len(v)/2]) / 2
	}
	out := stat{
		reqPerSec: pick(func(s stat) float64 { return s.reqPerSec }),
		p50:       time.Duration(pick(func(s stat) float64 { return float64(s.p50) })),
		p99:       time.Duration(pick(func(s stat) float64 { return float64(s.p99) })),
		cpuPerReq: time.Duration(pick(func(s stat) float64 { return float64(s.cpuPerReq) })),
		steal:     pick(func(s stat) float64 { return s.steal }),
	}
	for _, r := range runs {
		out.requests += r.requests
		out.errors += r.errors
		if out.firstError == "" {
			out.firstError = r.firstError
		}
	}
	return out
}

// bodySize is the size of a page's body, for the templ page's row name.
func bodySize(ctx context.Context, url string) (int, error) {
	client := newClient(1)
	defer client.CloseIdleConnections()
	b := newBrowser(url, client)
	p, err := b.expect(ctx, http.StatusOK, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	return len(p.body), nil
}
