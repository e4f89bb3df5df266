package handlers

import (
	"crypto/subtle"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the app's own Prometheus collectors, registered on the registry the app was given.
type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	logins   *prometheus.CounterVec
	// series are the two collectors of each method, route and status seen, found once: looking them up by
	// their labels (hashed on every request) was a fiftieth of a cached page view.
	series sync.Map // seriesKey → *seriesPair
}

type seriesKey struct {
	method, route string
	status        int
}

type seriesPair struct {
	requests prometheus.Counter
	duration prometheus.Observer
}

func newMetrics(reg *prometheus.Registry) (*metrics, error) {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "paywall_http_requests_total", Help: "HTTP requests by method, route and status.",
		}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "paywall_http_request_duration_seconds", Help: "HTTP request duration by route.",
			Buckets: prometheus.DefBuckets,
		}, []string{"method", "route"}),
		logins: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "paywall_logins_total", Help: "Login attempts by outcome.",
		}, []string{"outcome"}),
	}
	for _, c := range []prometheus.Collector{m.requests, m.duration, m.logins} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register metrics: %w", err)
		}
	}
	return m, nil
}

func (m *metrics) observe(method, route string, status int, d time.Duration) {
	key := seriesKey{method: methodLabel(method), route: route, status: status}
	v, ok := m.series.Load(key)
	if !ok {
		v, _ = m.series.LoadOrStore(key, &seriesPair{
			requests: m.requests.WithLabelValues(key.method, route, strconv.Itoa(status)),
			duration: m.duration.WithLabelValues(key.method, route),
		})
	}
	p := v.(*seriesPair)
	p.requests.Inc()
	p.duration.Observe(d.Seconds())
}

// methodLabel bounds the method label: HTTP lets a client send any token as its method, and every new label
// value is a new time series kept for ever, so a client inventing methods could grow /metrics (and the
// memory behind it) without limit. The route label is already bounded (the route table, or "unmatched").
func methodLabel(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return method
	}
	return "other"
}

// metricsHandler serves the app's registry in the Prometheus text format. In live mode the numbers are
// the business's (logins, purchases per route) and not the public's: only a scraper with the configured
// bearer token gets them, and without a token there is no /metrics at all.
func (a *App) metricsHandler() echo.HandlerFunc {
	serve := echo.WrapHandler(promhttp.HandlerFor(a.registry, promhttp.HandlerOpts{Registry: a.registry}))
	if a.cfg.Env != "live" {
		return serve
	}
	want := []byte("Bearer " + a.cfg.MetricsToken)
	return func(c echo.Context) error {
		if a.cfg.MetricsToken == "" {
			return echo.ErrNotFound
		}
		if subtle.ConstantTimeCompare([]byte(c.Request().Header.Get("Authorization")), want) != 1 {
			c.Response().Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			return c.NoContent(http.StatusUnauthorized)
		}
		return serve(c)
	}
}
