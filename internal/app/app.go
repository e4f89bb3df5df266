// Package app is the one composition root: configuration in, a ready http.Handler (and, in sandbox mode,
// the embedded sandbox's handler) and a closer out. cmd/paywall serves what it builds; the handler and
// browser test harnesses build the same app and only choose ports, the clock and the data directory, so
// what the tests run is what production runs.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // the paper's time zone on a machine without zoneinfo (a slim container)

	"github.com/prometheus/client_golang/prometheus"

	"github.com/paywall/paywall/checkout"
	"github.com/paywall/paywall/handlers"
	"github.com/paywall/paywall/handlers/demo"
	"github.com/paywall/paywall/internal/apilog"
	"github.com/paywall/paywall/internal/paths"
	"github.com/paywall/paywall/klarna"
	"github.com/paywall/paywall/payway"
	"github.com/paywall/paywall/sandbox"
	"github.com/paywall/paywall/store"
)

// DefaultTimeZone is the paper's time zone when Config.TimeZone is nil: Norrby Tidning is a Swedish paper.
const DefaultTimeZone = "Europe/Stockholm"

// Modes the app runs in.
const (
	ModeSandbox = "sandbox" // Payway and Klarna are the embedded sandbox
	ModeLive    = "live"    // Payway and Klarna are the real services
)

// Config is everything the app is built from. cmd/paywall fills it from the environment (validated
// there); tests fill the few fields they care about.
type Config struct {
	Mode      string // ModeSandbox or ModeLive
	PublicURL string // the app's URL as browsers, Payway and Klarna reach it, e.g. http://localhost:8080
	DBPath    string // the app's SQLite file

	// SandboxURL and SandboxDBPath are for sandbox mode: where the embedded sandbox will be served (the
	// caller serves App.Sandbox there) and its own SQLite file. Payway's and Klarna's URLs and
	// credentials left empty default to the sandbox's.
	SandboxURL    string
	SandboxDBPath string

	PaywayURL, PaywayClientID, PaywaySecret, PaywayOrg string
	KlarnaURL, KlarnaUser, KlarnaPassword              string
	KlarnaSDKURL                                       string   // Klarna's JS SDK (sandbox: <SandboxURL>/kp/lib/v1/api.js)
	KlarnaOrigins                                      []string // extra CSP sources Klarna's real SDK needs

	SessionKey []byte // signs the session cookie (32+ bytes)
	// TokenKey seals the saved Klarna customer tokens at rest (32 bytes, AES-256-GCM). Required live;
	// sandbox mode falls back to SandboxTokenKey.
	TokenKey []byte
	// PreviousTokenKeys are earlier token keys: at start the store seals everything again under TokenKey
	// (store.WithTokenKey) when the database was sealed with one of them.
	PreviousTokenKeys [][]byte
	SessionMaxAge     time.Duration // 0: the store's default

	RequestTimeout time.Duration // 0: the handlers' default
	LoginRate      int           // login attempts per minute per client IP; 0: the default
	TrustProxy     bool
	CataloguePath  string // "": the embedded catalogue
	Recovery       string // handlers.RecoverySDK or RecoveryHPP; "": SDK
	// TimeZone is the paper's: the dates readers see are its calendar's. nil: Europe/Stockholm (a
	// Swedish paper; the zone's rules are compiled into the binary, so a machine without zoneinfo has it).
	TimeZone     *time.Location
	DemoUser     string
	DemoPassword string
	Raise        checkout.RaiseFlags

	// Now is the clock of the app and its Payway client; nil: time.Now.
	Now func() time.Time
	// SandboxNow is the embedded sandbox's own clock (Payway's and Klarna's). nil, the usual case, means
	// one clock: the sandbox runs on Now and the app reads the sandbox's time, so moving the sandbox's
	// clock (POST /sandbox/v1/clock, the demo's 48 h expiry) moves the app's too. Tests give the sandbox a
	// clock of its own to show what happens when Payway's clock and ours disagree.
	SandboxNow func() time.Time
	// Logger receives the app's logs; nil discards them.
	Logger *slog.Logger
	// Registry collects the app's metrics; nil: a new registry of the app's own.
	Registry *prometheus.Registry
	// SessionCleanup is how often expired sessions are deleted; 0: every 10 minutes.
	SessionCleanup time.Duration
	// PaywayTimeout and KlarnaTimeout bound each call to Payway and Klarna; 0: the clients' defaults
	// (10 s, 15 s). The reconciler and the graceful shutdown go by them.
	PaywayTimeout, KlarnaTimeout time.Duration
	// MetricsToken guards /metrics in live mode (handlers.Config.MetricsToken).
	MetricsToken string
	// ReconcileEvery is the pause between the reconciler's rounds (it also runs at start); 0: 30 s.
	ReconcileEvery time.Duration
}

// App is a built app. Serve Handler at PublicURL and, in sandbox mode, Sandbox at SandboxURL; Close
// after both servers have stopped.
type App struct {
	Handler http.Handler
	Sandbox http.Handler  // nil in live mode
	DB      *store.DB     // the app's database, for tests and support tools
	console *demo.Console // the demo console; nil when it is off (see demoConsole)
	closers []func() error
	// calls counts the money calls under way (Drain); reconciler resolves unknown outcomes.
	calls      *checkout.Calls
	reconciler *checkout.Reconciler
	callsTTL   time.Duration // the longest a money call may run
}

// New builds the app from cfg: database, sessions, the Payway and Klarna clients, the purchase journeys
// and the HTTP handlers, plus the embedded sandbox in sandbox mode. Background work (session clean-up,
// the sandbox's callbacks) runs until Close.
func New(ctx context.Context, cfg Config) (*App, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	a := &App{}
	ok := false
	defer func() {
		if !ok {
			_ = a.Close()
		}
	}()
	if cfg.Mode == ModeSandbox {
		oneClock := cfg.SandboxNow == nil
		if oneClock {
			cfg.SandboxNow = cfg.Now
		}
		// With a demo credential, the control API needs it too (a public sandbox: PAYWALL_SANDBOX_PUBLIC).
		sb, err := sandbox.New(ctx, sandbox.Config{DBPath: cfg.SandboxDBPath, Now: cfg.SandboxNow, Logger: cfg.Logger.With("component", "sandbox"),
			ControlUser: cfg.DemoUser, ControlPassword: cfg.DemoPassword})
		if err != nil {
			return nil, fmt.Errorf("start sandbox: %w", err)
		}
		a.closers = append(a.closers, sb.Close)
		a.Sandbox = sb.Handler()
		if oneClock {
			cfg.Now = sb.Now
		}
	}
	db, err := store.Open(ctx, cfg.DBPath, store.WithTokenKey(cfg.TokenKey, cfg.PreviousTokenKeys...))
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	a.closers = append(a.closers, db.Close)
	a.DB = db
	h, err := a.wire(cfg, db)
	if err != nil {
		return nil, err
	}
	a.Handler = h
	ok = true
	return a, nil
}

// wire builds sessions, the clients, the journeys and the handlers on an open database.
func (a *App) wire(cfg Config, db *store.DB) (http.Handler, error) {
	log := cfg.Logger
	sessions, err := store.NewSessionStore(db, store.SessionOptions{
		HashKey: cfg.SessionKey, MaxAge: cfg.SessionMaxAge, Secure: strings.HasPrefix(cfg.PublicURL, "https://"), Now: cfg.Now,
	})
	if err != nil {
		return nil, fmt.Errorf("session store: %w", err)
	}
	background, stop := context.WithCancel(context.Background())
	var running sync.WaitGroup
	a.closers = append(a.closers, func() error { stop(); running.Wait(); return nil })
	running.Add(1)
	go func() { defer running.Done(); sessions.RunCleanup(background, cfg.SessionCleanup, log) }()

	// Every exchange made for a purchase lands on its timeline (bodies masked by the client).
	recorder := checkout.NewRecorder(db, cfg.Now, log)
	// One pooled transport for both upstreams; each client keeps its own timeout.
	transport := apilog.NewTransport()
	a.closers = append(a.closers, func() error { transport.CloseIdleConnections(); return nil })
	pw := payway.New(payway.Config{
		BaseURL: cfg.PaywayURL, ClientID: cfg.PaywayClientID, ClientSecret: cfg.PaywaySecret,
		Organisation: cfg.PaywayOrg, Observer: recorder, Now: cfg.Now,
		HTTPClient: &http.Client{Timeout: cfg.PaywayTimeout, Transport: transport},
	})
	kl := klarna.New(klarna.Config{
		BaseURL: cfg.KlarnaURL, Username: cfg.KlarnaUser, Password: cfg.KlarnaPassword, Observer: recorder,
		HTTPClient: &http.Client{Timeout: cfg.KlarnaTimeout, Transport: transport},
	})
	appTokens := payway.NewAppTokens(pw, cfg.Now)
	a.calls = &checkout.Calls{}
	a.callsTTL = max(cfg.PaywayTimeout, cfg.KlarnaTimeout)
	cat, err := checkout.LoadCatalogue(cfg.CataloguePath)
	if err != nil {
		return nil, err
	}
	co, err := checkout.New(checkout.Config{
		ConfirmationURL: func(id string) string { return cfg.PublicURL + paths.Confirmation(id) },
		Raise:           cfg.Raise,
		AppTokens:       appTokens,
		Calls:           a.calls,
		Now:             cfg.Now,
		Logger:          log.With("component", "checkout"),
	}, pw, db, cat)
	if err != nil {
		return nil, err
	}
	offers, err := checkout.LoadOneClickOffers("")
	if err != nil {
		return nil, err
	}
	oneClick, err := checkout.NewOneClick(checkout.OneClickConfig{
		RecoveryReturnURL: func(id, outcome string) string { return cfg.PublicURL + paths.RecoveryReturn(id, outcome) },
		HPPCallbackURL:    func(id, secret string) string { return cfg.PublicURL + paths.HPPCallback(id, secret) },
		OneClickURL:       func(id string) string { return cfg.PublicURL + paths.OneClick(id) },
		Calls:             a.calls, Now: cfg.Now, Logger: log.With("component", "oneclick"),
	}, kl, db, offers)
	if err != nil {
		return nil, err
	}
	// A crash or a lost answer heals without the reader: the reconciler runs now and every ReconcileEvery.
	a.reconciler = checkout.NewReconciler(checkout.ReconcilerConfig{
		Every: cfg.ReconcileEvery, PaywayTimeout: cfg.PaywayTimeout, KlarnaTimeout: cfg.KlarnaTimeout,
		Now: cfg.Now, Logger: log.With("component", "reconciler"),
	}, co, oneClick)
	running.Add(1)
	go func() { defer running.Done(); a.reconciler.Run(background) }()
	running.Add(1)
	go func() { defer running.Done(); co.RunPriceRefresh(background) }()
	appLog := log.With("component", "app")
	console, err := demoConsole(cfg, demo.Deps{
		DB: db, Sessions: sessions, Payway: pw, Checkout: co, OneClick: oneClick, Logger: appLog, Transport: transport,
	})
	if err != nil {
		return nil, err
	}
	a.console = console
	hcfg := handlers.Config{
		Env: cfg.Mode, KlarnaSDKURL: cfg.KlarnaSDKURL, KlarnaOrigins: cfg.KlarnaOrigins, RequestTimeout: cfg.RequestTimeout,
		LoginRate: cfg.LoginRate, TrustProxy: cfg.TrustProxy, Recovery: cfg.Recovery,
		SecureCookies: strings.HasPrefix(cfg.PublicURL, "https://"), MetricsToken: cfg.MetricsToken,
		TimeZone: cfg.TimeZone,
	}
	if console != nil {
		hcfg.DemoStrip = console.Strip() // nil in live mode: customers never see the strip
		hcfg.ExtraRoutes = console.Register
	}
	if cfg.Mode == ModeSandbox {
		// The demo personas start with the one-click token the sandbox issued to the app for them.
		hcfg.AfterLogin = newPersonaTokens(cfg.SandboxURL, cfg.DemoUser, cfg.DemoPassword, db, cfg.Now, log.With("component", "sandbox-tokens"), transport).afterLogin
	}
	return handlers.New(hcfg, handlers.Deps{
		DB: db, Sessions: sessions, Payway: pw, AppTokens: appTokens, Checkout: co, OneClick: oneClick,
		Logger: appLog, Registry: cfg.Registry, Now: cfg.Now,
	})
}

// demoConsole is the demo console when it is enabled, or nil. It is enabled in sandbox mode, where it
// drives the embedded sandbox through its control API; in live mode only when an admin credential is set
// (PAYWALL_DEMO_USER/PASSWORD), and then it offers the purchase timelines only. With a credential, every
// /demo* request needs it (HTTP Basic), in either mode. When it is off no /demo route exists (404) and
// the layout gets no strip function, so customer pages do no demo work.
func demoConsole(cfg Config, deps demo.Deps) (*demo.Console, error) {
	sandboxMode := cfg.Mode == ModeSandbox
	if !sandboxMode && cfg.DemoUser == "" && cfg.DemoPassword == "" {
		return nil, nil
	}
	dcfg := demo.Config{Sandbox: sandboxMode, User: cfg.DemoUser, Password: cfg.DemoPassword, Zone: cfg.TimeZone}
	if sandboxMode {
		dcfg.SandboxURL, dcfg.PersonaPassword = cfg.SandboxURL, sandbox.DemoPassword
	}
	return demo.New(dcfg, deps) // refuses half a credential
}

// defaults fills what cfg leaves empty and refuses what cannot work.
func (cfg *Config) defaults() error {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Registry == nil {
		cfg.Registry = prometheus.NewRegistry()
	}
	if cfg.SessionCleanup <= 0 {
		cfg.SessionCleanup = 10 * time.Minute
	}
	if cfg.PaywayTimeout <= 0 {
		cfg.PaywayTimeout = payway.DefaultTimeout
	}
	if cfg.KlarnaTimeout <= 0 {
		cfg.KlarnaTimeout = klarna.DefaultTimeout
	}
	if cfg.TimeZone == nil {
		zone, err := time.LoadLocation(DefaultTimeZone)
		if err != nil {
			return fmt.Errorf("app: time zone %s: %w", DefaultTimeZone, err)
		}
		cfg.TimeZone = zone
	}
	cfg.PublicURL = strings.TrimRight(cfg.PublicURL, "/")
	var missing []string
	need := func(name, v string) {
		if v == "" {
			missing = append(missing, name)
		}
	}
	switch cfg.Mode {
	case ModeSandbox:
		need("SandboxURL", cfg.SandboxURL)
		need("SandboxDBPath", cfg.SandboxDBPath)
		cfg.SandboxURL = strings.TrimRight(cfg.SandboxURL, "/")
		fill := func(p *string, v string) {
			if *p == "" {
				*p = v
			}
		}
		fill(&cfg.PaywayURL, cfg.SandboxURL)
		fill(&cfg.PaywayClientID, sandbox.PaywayClientID)
		fill(&cfg.PaywaySecret, sandbox.PaywayClientSecret)
		fill(&cfg.PaywayOrg, sandbox.Organisation)
		fill(&cfg.KlarnaURL, cfg.SandboxURL)
		fill(&cfg.KlarnaUser, sandbox.KlarnaUsername)
		fill(&cfg.KlarnaPassword, sandbox.KlarnaPassword)
		fill(&cfg.KlarnaSDKURL, cfg.SandboxURL+"/kp/lib/v1/api.js")
		if cfg.TokenKey == nil {
			cfg.TokenKey = SandboxTokenKey()
		}
	case ModeLive:
		need("PaywayURL", cfg.PaywayURL)
		need("KlarnaURL", cfg.KlarnaURL)
		if cfg.TokenKey == nil {
			missing = append(missing, "TokenKey")
		}
	default:
		return fmt.Errorf("app: mode %q is neither %q nor %q", cfg.Mode, ModeSandbox, ModeLive)
	}
	need("PublicURL", cfg.PublicURL)
	need("DBPath", cfg.DBPath)
	if len(missing) > 0 {
		return fmt.Errorf("app: Config needs %s", strings.Join(missing, ", "))
	}
	// The links given to Payway and Klarna are PublicURL + a path (internal/paths).
	if u, err := url.Parse(cfg.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("app: PublicURL %q is not an absolute http(s) URL", cfg.PublicURL)
	}
	return nil
}

// Drain waits until no money call is under way, at most as long as a money call may run (its client's
// timeout): call it after the app's server has stopped taking requests and before Close, so a SIGTERM
// does not cut a charge off between Payway or Klarna acting and our record of it. What still runs when
// ctx ends, or after that bound, is left to the reconciler of the next start.
func (a *App) Drain(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, a.callsTTL+time.Second)
	defer cancel()
	return a.calls.Wait(ctx)
}

// Reconcile runs one reconciler round now and returns how many purchases it resolved (tests, support).
func (a *App) Reconcile(ctx context.Context) (int, error) { return a.reconciler.Once(ctx) }

// Close stops background work and closes the databases, the app's first. Call it after the servers
// serving Handler and Sandbox have stopped.
func (a *App) Close() error {
	var errs []error
	for i := len(a.closers) - 1; i >= 0; i-- {
		errs = append(errs, a.closers[i]())
	}
	a.closers = nil
	return errors.Join(errs...)
}
