package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/valyala/fasthttp"
)

// journeyRequests is how many HTTP requests one purchase journey makes (see journey).
const journeyRequests = 9

// errNoReaders ends a journey run early: every cloned reader has bought (raise -readers).
var errNoReaders = errors.New("out of readers")

// readerPool hands every journey a reader who has not bought yet (readers.go).
type readerPool struct {
	mu       sync.Mutex
	emails   []string
	password string
}

func (p *readerPool) take() (string, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.emails) == 0 {
		return "", false
	}
	e := p.emails[0]
	p.emails = p.emails[1:]
	return e, true
}

// journey is the whole server-side purchase as a browser makes it, with the sandbox's control API standing
// in for Klarna's dialog (as the app's own tests do, handlers/purchase_test.go): the login page and the
// login, POST /checkout with an offer, the checkout page (Klarna's client token), the authorization,
// POST .../order, Klarna's device-recognition redirect on the sandbox, and the confirmation page. Each
// journey is a new browser (no cookies yet) for a reader of its own.
func journey(ctx context.Context, app appInstance, client *fasthttp.Client, email, password string) error {
	b := newBrowser(app.url(), client)
	if err := b.login(ctx, email, password); err != nil {
		return fmt.Errorf("login: %w", err)
	}
	checkoutPath, err := b.startCheckout(ctx, journeyOffer)
	if err != nil {
		return fmt.Errorf("checkout: %w", err)
	}
	p, err := b.expect(ctx, http.StatusOK, http.MethodGet, checkoutPath, nil)
	if err != nil {
		return fmt.Errorf("checkout page: %w", err)
	}
	m := clientToken.FindStringSubmatch(p.body)
	if m == nil {
		return errors.New("checkout page: no Klarna client token")
	}
	var auth struct {
		Approved           bool   `json:"approved"`
		AuthorizationToken string `json:"authorization_token"`
	}
	err = b.postJSON(ctx, app.sandboxURL()+"/sandbox/v1/authorize",
		map[string]string{"client_token": m[1], "email": klarnaEmail, "category": "klarna"}, &auth)
	if err != nil {
		return fmt.Errorf("authorize: %w", err)
	}
	if !auth.Approved || auth.AuthorizationToken == "" {
		return errors.New("authorize: not approved")
	}
	order, err := b.expect(ctx, http.StatusSeeOther, http.MethodPost, checkoutPath+"/order",
		url.Values{"csrf": {b.csrf}, "authorization_token": {auth.AuthorizationToken}})
	if err != nil {
		return fmt.Errorf("order: %w", err)
	}
	if !strings.HasPrefix(order.location, app.sandboxURL()+"/kp/redirect/") {
		return fmt.Errorf("order: went to %q, not Klarna's device redirect", pathOf(order.location))
	}
	hop, err := b.do(ctx, http.MethodGet, order.location, nil)
	if err != nil {
		return fmt.Errorf("device redirect: %w", err)
	}
	confirmation := app.url() + checkoutPath + "/confirmation"
	if (hop.status != http.StatusSeeOther && hop.status != http.StatusFound) || hop.location != confirmation {
		return fmt.Errorf("device redirect: %d to %q", hop.status, pathOf(hop.location))
	}
	done, err := b.expect(ctx, http.StatusOK, http.MethodGet, hop.location, nil)
	if err != nil {
		return fmt.Errorf("confirmation: %w", err)
	}
	if !strings.Contains(done.body, `data-testid="confirmation-order-id"`) {
		return errors.New("confirmation: no order number")
	}
	return nil
}

// journeyStat is one run of journeys with a number of workers.
type journeyStat struct {
	workers      int
	journeys     int
	errors       int
	perSec       float64
	p50, p99     time.Duration
	cpuPer       time.Duration // the app's CPU time per journey
	steal        float64       // the share of the machine's CPU time the host gave to other guests; -1 if unknown
	firstError   string
	outOfReaders bool
}

// runJourneys runs workers concurrent journeys, each worker starting its next journey as soon as the
// last ended, until d has passed; journeys under way then finish and count.
func runJourneys(ctx context.Context, app appInstance, server *child, pool *readerPool, workers int, d time.Duration) journeyStat {
	s := journeyStat{workers: workers}
	var mu sync.Mutex
	var times []time.Duration
	record := func(took time.Duration, err error) {
		mu.Lock()
		defer mu.Unlock()
		if errors.Is(err, errNoReaders) {
			s.outOfReaders = true
			return
		}
		s.journeys++
		if err != nil {
			s.errors++
			if s.firstError == "" {
				s.firstError = err.Error()
			}
			return
		}
		times = append(times, took)
	}
	cpu0, cpuErr := server.cpuTime()
	stolen := stealSpan()
	start := time.Now()
	deadline := start.Add(d)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			client := newClient(2)
			defer client.CloseIdleConnections()
			for time.Now().Before(deadline) && ctx.Err() == nil {
				email, ok := pool.take()
				if !ok {
					record(0, errNoReaders)
					return
				}
				t0 := time.Now()
				err := journey(ctx, app, client, email, pool.password)
				record(time.Since(t0), err)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	cpu1, cpuErr2 := server.cpuTime()
	s.steal = stolen()
	s.perSec = float64(s.journeys-s.errors) / elapsed.Seconds()
	s.p50, s.p99 = quantile(times, 0.50), quantile(times, 0.99)
	if cpuErr == nil && cpuErr2 == nil && s.journeys > 0 {
		s.cpuPer = (cpu1 - cpu0) / time.Duration(s.journeys)
	}
	return s
}

// medianJourneys combines the rounds of one worker count as median does the rounds of a target: the
// median of each figure, the journeys and errors of all.
func medianJourneys(runs []journeyStat) journeyStat {
	if len(runs) == 1 {
		return runs[0]
	}
	mid := func(f func(journeyStat) float64) float64 {
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
	out := journeyStat{
		workers: runs[0].workers,
		perSec:  mid(func(j journeyStat) float64 { return j.perSec }),
		p50:     time.Duration(mid(func(j journeyStat) float64 { return float64(j.p50) })),
		p99:     time.Duration(mid(func(j journeyStat) float64 { return float64(j.p99) })),
		cpuPer:  time.Duration(mid(func(j journeyStat) float64 { return float64(j.cpuPer) })),
		steal:   mid(func(j journeyStat) float64 { return j.steal }),
	}
	for _, r := range runs {
		out.journeys += r.journeys
		out.errors += r.errors
		out.outOfReaders = out.outOfReaders || r.outOfReaders
		if out.firstError == "" {
			out.firstError = r.firstError
		}
	}
	return out
}

// quantile is the nearest-rank quantile of the durations (0 when there are none).
func quantile(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(q*float64(len(s))+0.999999) - 1
	return s[min(max(i, 0), len(s)-1)]
}
