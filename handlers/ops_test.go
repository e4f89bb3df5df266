package handlers_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestMetricsLabelsAreBounded: invented HTTP methods and paths do not become label values (each would be a
// time series kept for ever): 10,000 random ones leave the number of series as it was after the first
// few; they are counted as method "other" and route "unmatched".
func TestMetricsLabelsAreBounded(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	c := app.client()
	methods := []string{"GET", "POST", "BREW", "X" + strings.Repeat("A", 4000), "PROPFIND"}
	for _, m := range methods {
		req, err := http.NewRequest(m, app.URL+"/", nil)
		if err != nil {
			t.Fatal(err)
		}
		res, err := app.raw.Do(req)
		if err != nil {
			t.Fatalf("%.10s: %v", m, err)
		}
		res.Body.Close()
	}
	series := func() int {
		n := 0
		for _, line := range strings.Split(c.get("/metrics").Body, "\n") {
			if strings.HasPrefix(line, "paywall_http_requests_total{") {
				n++
			}
		}
		return n
	}
	// The /metrics reads themselves make one series (GET /metrics 200): read twice before counting.
	series()
	before := series()
	for i := range 10_000 {
		req, _ := http.NewRequest(fmt.Sprintf("M%d", i), fmt.Sprintf("%s/no-such-page-%d", app.URL, i), nil)
		res, err := app.raw.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}
	if after := series(); after != before+1 { // one new series: method other, route unmatched, 405 or 404
		t.Errorf("10,000 random methods and paths: %d request series, want %d", after, before+1)
	}
	body := c.get("/metrics").Body
	tests := []struct {
		label string
		want  bool
	}{
		{`method="GET"`, true},
		{`method="other"`, true},
		{`method="BREW"`, false},
		{`method="PROPFIND"`, false},
		{`method="XAAAA`, false},
	}
	for _, tt := range tests {
		if got := strings.Contains(body, tt.label); got != tt.want {
			t.Errorf("/metrics has %s: %v, want %v", tt.label, got, tt.want)
		}
	}
}

// TestReadyzSaysNoMoreThanUnavailable: a failed readiness check names the check, never the upstream's
// URL or error text (the endpoint is public; the log has the details).
func TestReadyzSaysNoMoreThanUnavailable(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, func(cfg *appSetup) {
		cfg.wrapSandbox = func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/" { // Payway's ping
					http.Error(w, "upstream exploded at http://10.0.0.7:8443 with secret detail", http.StatusBadGateway)
					return
				}
				next.ServeHTTP(w, r)
			})
		}
	})
	res := app.client().get("/readyz")
	if res.Status != http.StatusServiceUnavailable || !strings.Contains(res.Body, `"payway":"unavailable"`) {
		t.Fatalf("readyz: %d %s", res.Status, res.Body)
	}
	for _, leak := range []string{"10.0.0.7", "secret detail", "http://", "502"} {
		if strings.Contains(res.Body, leak) {
			t.Errorf("readyz shows %q: %s", leak, res.Body)
		}
	}
}

// TestHeadOnGetRoutes: HEAD answers like GET without a body on GET routes, and stays refused on routes
// that have no GET.
func TestHeadOnGetRoutes(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	_, premium := app.articles()
	tests := []struct {
		path       string
		wantStatus int
	}{
		{"/", http.StatusOK},
		{"/articles/" + premium.Slug, http.StatusOK},
		{"/healthz", http.StatusOK},
		{"/articles/no-such-article", http.StatusNotFound},
		{"/logout", http.StatusMethodNotAllowed}, // POST only
	}
	for _, tt := range tests {
		req, _ := http.NewRequest(http.MethodHead, app.URL+tt.path, nil)
		res, err := app.raw.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		n, _ := io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != tt.wantStatus || n != 0 {
			t.Errorf("HEAD %s: %d with %d body bytes, want %d and none", tt.path, res.StatusCode, n, tt.wantStatus)
		}
	}
}

// TestHSTSOnlyBehindATrustedProxy: X-Forwarded-Proto: https turns HSTS on only when the app trusts its
// proxy; any client can send the header.
func TestHSTSOnlyBehindATrustedProxy(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		trustProxy bool
		want       bool
	}{
		{"untrusted header", false, false},
		{"trusted proxy", true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			app := newTestApp(t, func(cfg *appSetup) { cfg.TrustProxy = tt.trustProxy })
			res := app.client().get("/healthz", "X-Forwarded-Proto", "https")
			if got := res.Header.Get("Strict-Transport-Security") != ""; got != tt.want {
				t.Errorf("HSTS sent: %v, want %v", got, tt.want)
			}
		})
	}
}

// TestMetricsArePrivateInLiveMode: live mode serves /metrics only to a scraper with the configured bearer
// token, and not at all without one; sandbox mode serves it to anyone.
func TestMetricsArePrivateInLiveMode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		opts   []appOption
		auth   string
		status int
	}{
		{"sandbox", nil, "", http.StatusOK},
		{"live without a token configured", []appOption{live}, "Bearer anything", http.StatusNotFound},
		{"live, no credentials", []appOption{live, withMetricsToken("s3cret-scraper")}, "", http.StatusUnauthorized},
		{"live, wrong token", []appOption{live, withMetricsToken("s3cret-scraper")}, "Bearer guess", http.StatusUnauthorized},
		{"live, the token", []appOption{live, withMetricsToken("s3cret-scraper")}, "Bearer s3cret-scraper", http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			app := newTestApp(t, tt.opts...)
			var headers []string
			if tt.auth != "" {
				headers = []string{"Authorization", tt.auth}
			}
			c := app.client()
			c.get("/healthz") // a request to count
			res := c.get("/metrics", headers...)
			if res.Status != tt.status {
				t.Fatalf("/metrics: %d, want %d", res.Status, tt.status)
			}
			if tt.status == http.StatusOK && !strings.Contains(res.Body, "paywall_http_requests_total") {
				t.Error("/metrics has no request counter")
			}
		})
	}
}

func withMetricsToken(token string) appOption {
	return func(cfg *appSetup) { cfg.MetricsToken = token }
}

// TestCSRFCookieSecureUnderHTTPS: served under an https public URL, the CSRF cookie is Secure like the
// session cookie.
func TestCSRFCookieSecureUnderHTTPS(t *testing.T) {
	t.Parallel()
	for _, https := range []bool{false, true} {
		app := newTestApp(t, func(cfg *appSetup) {
			if https {
				cfg.PublicURL = strings.Replace(cfg.PublicURL, "http://", "https://", 1)
			}
		})
		res := app.client().get("/login")
		secure := false
		for _, c := range (&http.Response{Header: res.Header}).Cookies() {
			if c.Name == "_csrf" {
				secure = c.Secure
			}
		}
		if secure != https {
			t.Errorf("public URL https %v: _csrf cookie Secure %v", https, secure)
		}
	}
}
