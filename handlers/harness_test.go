package handlers_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/paywall/paywall/checkout"
	"github.com/paywall/paywall/internal/app"
	"github.com/paywall/paywall/internal/testdb"
	"github.com/paywall/paywall/internal/testenv"
	"github.com/paywall/paywall/sandbox"
	"github.com/paywall/paywall/store"
)

// testApp is the real app (built by internal/app, as in production) over httptest, talking to the real
// sandbox over HTTP.
type testApp struct {
	t       testing.TB
	URL     string
	Sandbox *httptest.Server
	Clock   *testenv.Clock
	DB      *store.DB
	Handler http.Handler // what app.New built (the handlers' *echo.Echo)
	server  *http.Server // the app's HTTP server (its Shutdown is SIGTERM's first step)
	// raw is a plain client with a transport of its own: http.DefaultTransport is shared by every test in
	// the binary, and each httptest server's Close closes its idle connections, which breaks another
	// parallel test's request in flight ("CloseIdleConnections called").
	raw *http.Client
	// App is what app.New built: tests run the reconciler with it (App.Reconcile).
	App *app.App
	// SandboxDB is the sandbox's SQLite file: what Payway and Klarna really hold, read by tests that
	// count orders.
	SandboxDB string
}

// appSetup is what a test may change before its app starts: the composition root's Config, and the
// sandbox's clock (Payway's and Klarna's; nil: the app's clock).
type appSetup struct {
	app.Config
	clock      *testenv.Clock // the app's
	sandboxNow func() time.Time
	// wrapSandbox, when set, sits in front of the sandbox's handler: a test makes Payway or Klarna answer
	// in a way the sandbox never does (another status, another error body).
	wrapSandbox func(http.Handler) http.Handler
}

type appOption func(*appSetup)

// newTestApp builds the app with app.New in sandbox mode; the harness only chooses the ports, the clock
// and the data directory. A live-mode app (the live option) talks to a stand-alone sandbox, as a live
// deployment pointed at `paywall sandbox` would.
func newTestApp(t testing.TB, opts ...appOption) *testApp {
	t.Helper()
	clk := testenv.NewClock()
	appSrv := httptest.NewUnstartedServer(nil)
	sbSrv := httptest.NewUnstartedServer(nil)
	setup := appSetup{
		Config: app.Config{
			Mode: app.ModeSandbox, PublicURL: "http://" + appSrv.Listener.Addr().String(), DBPath: testdb.App(t),
			SandboxURL: "http://" + sbSrv.Listener.Addr().String(), SandboxDBPath: testdb.Sandbox(t),
			SessionKey: []byte(strings.Repeat("k", 32)), Raise: checkout.RaiseFlags{SSNAlreadyTaken: true},
			Now: clk.Now,
		},
		clock: clk,
	}
	for _, o := range opts {
		o(&setup)
	}
	sandboxNow := setup.sandboxNow
	if sandboxNow == nil {
		sandboxNow = clk.Now
	}
	cfg := setup.Config
	var sandboxHandler http.Handler
	if cfg.Mode == app.ModeLive {
		sb, err := sandbox.New(t.Context(), sandbox.Config{DBPath: cfg.SandboxDBPath, Now: sandboxNow})
		if err != nil {
			t.Fatalf("sandbox: %v", err)
		}
		t.Cleanup(func() { sb.Close() })
		sandboxHandler = sb.Handler()
		cfg.PaywayURL, cfg.PaywayClientID, cfg.PaywaySecret, cfg.PaywayOrg = cfg.SandboxURL, sandbox.PaywayClientID, sandbox.PaywayClientSecret, sandbox.Organisation
		cfg.KlarnaURL, cfg.KlarnaUser, cfg.KlarnaPassword = cfg.SandboxURL, sandbox.KlarnaUsername, sandbox.KlarnaPassword
		cfg.KlarnaSDKURL = cfg.SandboxURL + "/kp/lib/v1/api.js"
		if cfg.TokenKey == nil {
			cfg.TokenKey = app.SandboxTokenKey() // live mode has no default; a test key is as good as any
		}
	} else {
		cfg.SandboxNow = setup.sandboxNow // nil: one clock, the sandbox's
	}
	a, err := app.New(t.Context(), cfg)
	if err != nil {
		t.Fatalf("app: %v", err)
	}
	t.Cleanup(func() {
		if err := a.Close(); err != nil {
			t.Errorf("close app: %v", err)
		}
	})
	if a.Sandbox != nil {
		sandboxHandler = a.Sandbox
	}
	if setup.wrapSandbox != nil {
		sandboxHandler = setup.wrapSandbox(sandboxHandler)
	}
	sbSrv.Config.Handler = sandboxHandler
	sbSrv.Start()
	t.Cleanup(sbSrv.Close)
	appSrv.Config.Handler = a.Handler
	appSrv.Start()
	t.Cleanup(appSrv.Close) // registered last, so it stops first
	return &testApp{t: t, URL: appSrv.URL, Sandbox: sbSrv, Clock: clk, DB: a.DB, SandboxDB: cfg.SandboxDBPath, Handler: a.Handler, App: a, server: appSrv.Config,
		raw: &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}}
}

// reconcileAfterTimeouts moves the clock past every money call's timeout and runs one reconciler round,
// as the app's own loop would within 30 s, and returns how many purchases it resolved.
func (a *testApp) reconcileAfterTimeouts() int {
	a.t.Helper()
	a.Clock.Advance(time.Minute)
	n, err := a.App.Reconcile(a.t.Context())
	if err != nil {
		a.t.Fatalf("reconcile: %v", err)
	}
	return n
}

// client is a cookie-keeping HTTP client that does not follow redirects, so tests see every 303.
type client struct {
	t    testing.TB
	app  *testApp
	http *http.Client
}

// englishBrowser is a browser that prefers English (Accept-Language: en-GB) unless the request says
// otherwise: most tests read the English pages; the Swedish ones send their own header or cookie.
type englishBrowser struct{ base http.RoundTripper }

func (b englishBrowser) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Header.Get("Accept-Language") == "" {
		r = r.Clone(r.Context())
		r.Header.Set("Accept-Language", "en-GB,en;q=0.9")
	}
	return b.base.RoundTrip(r)
}

func (a *testApp) client() *client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		a.t.Fatal(err)
	}
	return &client{t: a.t, app: a, http: &http.Client{
		Jar:           jar,
		Transport:     englishBrowser{http.DefaultTransport.(*http.Transport).Clone()}, // see testApp.raw
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// response is a finished response with its body read.
type response struct {
	Status int
	Header http.Header
	Body   string
}

func (c *client) do(req *http.Request) response {
	c.t.Helper()
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatalf("read body: %v", err)
	}
	return response{Status: res.StatusCode, Header: res.Header, Body: string(b)}
}

func (c *client) get(path string, headers ...string) response {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.app.URL+path, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return c.do(req)
}

// post sends a form; headers are name/value pairs.
func (c *client) post(path string, form url.Values, headers ...string) response {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodPost, c.app.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return c.do(req)
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf loads a page and returns the CSRF token its forms carry.
func (c *client) csrf(path string) string {
	c.t.Helper()
	res := c.get(path)
	m := csrfField.FindStringSubmatch(res.Body)
	if m == nil {
		c.t.Fatalf("no csrf field on %s (status %d)", path, res.Status)
	}
	return m[1]
}

// login logs a persona in through the real form and returns the response to the POST.
func (c *client) login(email, password, ret string) response {
	c.t.Helper()
	token := c.csrf("/login")
	return c.post("/login", url.Values{"csrf": {token}, "email": {email}, "password": {password}, "return": {ret}})
}

func (c *client) cookie(name string) string {
	u, _ := url.Parse(c.app.URL)
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}
