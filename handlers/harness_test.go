package handlers_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/paywall/paywall/checkout"
	"github.com/paywall/paywall/handlers"
	"github.com/paywall/paywall/internal/testenv"
	"github.com/paywall/paywall/klarna"
	"github.com/paywall/paywall/payway"
	"github.com/paywall/paywall/sandbox"
	"github.com/paywall/paywall/store"
)

// testApp is the real app over httptest, talking to the real sandbox over HTTP.
type testApp struct {
	t       *testing.T
	URL     string
	Sandbox *httptest.Server
	Clock   *testenv.Clock
	DB      *store.DB
}

// appSetup is what a test may change before its app starts: the handlers' Config, and the clock the
// Payway client computes token expiry with (nil: the shared test clock).
type appSetup struct {
	handlers.Config
	clock     *testenv.Clock // the app's and the sandbox's
	paywayNow func() time.Time
}

type appOption func(*appSetup)

func newTestApp(t *testing.T, opts ...appOption) *testApp {
	t.Helper()
	ctx := context.Background()
	clk := testenv.NewClock()
	sb, err := sandbox.New(ctx, sandbox.Config{DBPath: sandboxDB(t), Now: clk.Now})
	if err != nil {
		t.Fatalf("sandbox: %v", err)
	}
	sbSrv := httptest.NewServer(sb.Handler())
	t.Cleanup(func() { sbSrv.Close(); sb.Close() })
	setup := appSetup{
		Config:    handlers.Config{Env: "sandbox", KlarnaSDKURL: sbSrv.URL + "/kp/lib/v1/api.js", SandboxURL: sbSrv.URL},
		clock:     clk,
		paywayNow: clk.Now,
	}
	for _, o := range opts {
		o(&setup)
	}

	db, err := store.Open(ctx, appDB(t))
	if err != nil {
		t.Fatalf("store: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	sessions, err := store.NewSessionStore(db, store.SessionOptions{HashKey: []byte(strings.Repeat("k", 32)), Now: clk.Now})
	if err != nil {
		t.Fatalf("sessions: %v", err)
	}
	pw := payway.New(payway.Config{
		BaseURL: sbSrv.URL, ClientID: sandbox.PaywayClientID, ClientSecret: sandbox.PaywayClientSecret,
		Organisation: sandbox.Organisation, Observer: checkout.NewRecorder(db, clk.Now, nil), Now: setup.paywayNow,
	})
	cat, err := checkout.LoadCatalogue("")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(nil)
	appURL := "http://" + srv.Listener.Addr().String()
	co, err := checkout.New(checkout.Config{
		ConfirmationURL: func(id string) string { return appURL + "/checkout/" + id + "/confirmation" },
		Raise:           checkout.RaiseFlags{SSNAlreadyTaken: true},
		Now:             clk.Now,
	}, pw, db, cat)
	if err != nil {
		t.Fatal(err)
	}
	kl := klarna.New(klarna.Config{
		BaseURL: sbSrv.URL, Username: sandbox.KlarnaUsername, Password: sandbox.KlarnaPassword,
		Observer: checkout.NewRecorder(db, clk.Now, nil),
	})
	offers, err := checkout.LoadOneClickOffers("")
	if err != nil {
		t.Fatal(err)
	}
	oneClick, err := checkout.NewOneClick(checkout.OneClickConfig{BaseURL: appURL, Now: clk.Now}, pw, kl, db, offers)
	if err != nil {
		t.Fatal(err)
	}
	e, err := handlers.New(setup.Config, handlers.Deps{
		DB: db, Sessions: sessions, Payway: pw, Checkout: co, OneClick: oneClick, Registry: prometheus.NewRegistry(), Now: clk.Now,
	})
	if err != nil {
		t.Fatalf("handlers: %v", err)
	}
	srv.Config.Handler = e
	srv.Start()
	t.Cleanup(srv.Close)
	return &testApp{t: t, URL: srv.URL, Sandbox: sbSrv, Clock: clk, DB: db}
}

// client is a cookie-keeping HTTP client that does not follow redirects, so tests see every 303.
type client struct {
	t    *testing.T
	app  *testApp
	http *http.Client
}

func (a *testApp) client() *client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		a.t.Fatal(err)
	}
	return &client{t: a.t, app: a, http: &http.Client{
		Jar:           jar,
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

// sandboxDB is a fresh copy of a migrated, seeded sandbox database (built once per test binary).
func sandboxDB(t *testing.T) string {
	return testenv.CopyOf(t, "sandbox.db", func(path string) error {
		sb, err := sandbox.New(context.Background(), sandbox.Config{DBPath: path, Now: testenv.NewClock().Now})
		if err != nil {
			return err
		}
		return sb.Close()
	})
}

// appDB is a fresh copy of a migrated app database (built once per test binary).
func appDB(t *testing.T) string {
	return testenv.CopyOf(t, "paywall.db", func(path string) error {
		db, err := store.Open(context.Background(), path)
		if err != nil {
			return err
		}
		return db.Close()
	})
}
