// Package handlers is the HTTP side of paywall: one route table, one file per journey step, the middleware
// and the single error handler that turns failures into pages or JSON.
package handlers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/paywall/paywall/checkout"
	"github.com/paywall/paywall/internal/i18n"
	"github.com/paywall/paywall/payway"
	"github.com/paywall/paywall/static"
	"github.com/paywall/paywall/store"
	"github.com/paywall/paywall/views"
)

// Config is what the HTTP layer needs to know about its environment.
type Config struct {
	Env          string // "sandbox" or "live"; shown in the layout
	KlarnaSDKURL string // the Klarna JS SDK; its origin is allowed by the CSP
	// KlarnaOrigins are further CSP sources Klarna's real SDK needs (its widget and dialog hosts, the
	// device-recognition redirect); none in sandbox mode, where everything comes from the SDK's origin.
	KlarnaOrigins  []string
	RequestTimeout time.Duration // per-request context timeout (default 15s)
	LoginRate      int           // login attempts per minute per client IP (default 10)
	TrustProxy     bool          // take the client IP from X-Forwarded-For only when true
	// Recovery is the step-up recovery the recovery page offers first: RecoverySDK (Klarna's dialog on our
	// page, the default) or RecoveryHPP (Klarna's hosted payment page). The page always offers both, so a
	// customer whose browser cannot run the SDK still gets through.
	Recovery string
	// DemoStrip is the layout's demo strip for a request (scenario instructions, "what happened" for the
	// page's purchase), called once per page render: handlers/demo's Console.Strip in sandbox mode, filled
	// by internal/app. nil when the demo console is off and in live mode: pages then do no demo work at
	// all (no session or store reads).
	DemoStrip func(echo.Context) *views.DemoBar
	// ExtraRoutes registers routes beyond the table in routes.go, right after it and behind the same global
	// middleware: the demo console's (handlers/demo's Console.Register), which internal/app passes only when
	// the console is enabled. a offers such routes the layout, the logged-in user and the real login
	// (host.go). nil: none.
	ExtraRoutes func(e *echo.Echo, a *App)
	// AfterLogin runs after every successful login (the form's and the demo console's), with the
	// account and its e-mail: sandbox mode adopts a demo persona's one-click Klarna token there
	// (internal/app). It must not fail the login: it logs its own problems. nil: nothing.
	AfterLogin func(ctx context.Context, accountID, email string)
	// SecureCookies marks the CSRF cookie Secure (the app is served over https); the session cookie
	// follows the same rule in the store.
	SecureCookies bool
	// MetricsToken guards /metrics in live mode: a scraper sends "Authorization: Bearer <token>". Live
	// mode without a token has no /metrics (404); sandbox mode serves it to anyone.
	MetricsToken string
	// TimeZone is the paper's: the dates readers see (an article's, a purchase's, a trial's last free
	// day) are its calendar's. internal/app gives Europe/Stockholm unless PAYWALL_TIME_ZONE says
	// otherwise; nil is UTC.
	TimeZone *time.Location
}

// Recovery page defaults (Config.Recovery, PAYWALL_RECOVERY).
const (
	RecoverySDK = checkout.RecoveryMethodSDK
	RecoveryHPP = checkout.RecoveryMethodHPP
)

// Deps are the collaborators the handlers call; cmd/paywall and the tests wire them.
type Deps struct {
	DB       *store.DB
	Sessions *store.SessionStore
	Payway   *payway.Client
	// AppTokens is the Payway app token shared with the reconciler; nil: the handlers keep their own.
	AppTokens *payway.AppTokens
	Checkout  *checkout.Service
	// OneClick runs one-click purchases with the saved Klarna token and their step-up recovery.
	OneClick *checkout.OneClick
	Logger   *slog.Logger
	Registry *prometheus.Registry // app-owned, so tests can build many apps in one process
	Now      func() time.Time
}

// App holds the dependencies every handler method uses.
type App struct {
	cfg      Config
	db       *store.DB
	sessions *store.SessionStore
	payway   *payway.Client
	checkout *checkout.Service
	upstream upstreamCache       // Payway's per-account answers, kept for a minute (upstream_cache.go)
	csp      string              // the Content-Security-Policy every response carries
	headers  map[string][]string // the security headers every response carries (securityHeaders)
	// pageHeaders are the shared values of the other headers most pages set (middleware.go).
	pageHeaders pageHeaders
	logins      *loginLimits // login attempts per IP and wrong passwords per account (ratelimit.go)
	oneclick    *checkout.OneClick
	appTokens   *payway.AppTokens
	log         *slog.Logger
	registry    *prometheus.Registry
	now         func() time.Time
	assets      *static.Assets
	sdkOrigin   string
	metrics     *metrics
	buffers     *bufferPool   // render buffers (render.go)
	shared      *sharedPages  // the pages of readers without a session, rendered once (shared_pages.go)
	fragments   *fragments    // parts of pages shared by many readers (shared_pages.go)
	frames      *views.Frames // the layout, rendered once per variant (views/frame.go)
	requestIDs  *requestIDs   // requestid.go
	i18n        *i18n.Bundle  // the pages' messages in Swedish and English (language.go)
}

// New builds the Echo app with every route, middleware and the error handler.
func New(cfg Config, deps Deps) (*echo.Echo, error) {
	if deps.DB == nil || deps.Sessions == nil || deps.Payway == nil || deps.Checkout == nil || deps.OneClick == nil {
		return nil, errors.New("handlers: DB, Sessions, Payway, Checkout and OneClick are required")
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = 15 * time.Second
	}
	if cfg.LoginRate <= 0 {
		cfg.LoginRate = 10
	}
	switch cfg.Recovery {
	case "":
		cfg.Recovery = RecoverySDK
	case RecoverySDK, RecoveryHPP:
	default:
		return nil, fmt.Errorf("handlers: Recovery %q is neither %q nor %q", cfg.Recovery, RecoverySDK, RecoveryHPP)
	}
	if deps.Logger == nil {
		deps.Logger = slog.New(slog.DiscardHandler)
	}
	if deps.Registry == nil {
		deps.Registry = prometheus.NewRegistry()
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	if deps.AppTokens == nil {
		deps.AppTokens = payway.NewAppTokens(deps.Payway, deps.Now)
	}
	sdkOrigin, err := origin(cfg.KlarnaSDKURL)
	if err != nil {
		return nil, fmt.Errorf("handlers: Klarna SDK URL: %w", err)
	}
	assets, err := static.New()
	if err != nil {
		return nil, fmt.Errorf("handlers: %w", err)
	}
	messages, err := i18n.New(i18n.InZone(cfg.TimeZone))
	if err != nil {
		return nil, fmt.Errorf("handlers: %w", err)
	}
	m, err := newMetrics(deps.Registry)
	if err != nil {
		return nil, fmt.Errorf("handlers: %w", err)
	}
	a := &App{
		cfg: cfg, db: deps.DB, sessions: deps.Sessions, payway: deps.Payway, checkout: deps.Checkout,
		oneclick: deps.OneClick, appTokens: deps.AppTokens, log: deps.Logger,
		registry: deps.Registry, now: deps.Now, assets: assets, sdkOrigin: sdkOrigin, metrics: m,
		upstream:  newUpstreamCache(deps.Now),
		logins:    newLoginLimits(cfg.LoginRate, deps.Now),
		buffers:   newBufferPool(),
		shared:    newSharedPages(deps.Now),
		fragments: newFragments(deps.Now),
		frames:    &views.Frames{},
		i18n:      messages,
	}
	if a.requestIDs, err = newRequestIDs(); err != nil {
		return nil, fmt.Errorf("handlers: %w", err)
	}
	a.csp = contentSecurityPolicy(klarnaSources(a.sdkOrigin, a.cfg.KlarnaOrigins))
	a.headers = securityHeaderValues(a.csp)
	a.pageHeaders = newPageHeaders(string(i18n.Swedish), string(i18n.English))
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.HTTPErrorHandler = a.handleError
	if cfg.TrustProxy {
		e.IPExtractor = echo.ExtractIPFromXFFHeader()
	} else {
		e.IPExtractor = echo.ExtractIPDirect()
	}
	a.middleware(e)
	a.routes(e)
	if cfg.ExtraRoutes != nil {
		cfg.ExtraRoutes(e, a)
	}
	return e, nil
}

// origin is scheme://host[:port] of a URL, or "" for an empty URL.
func origin(raw string) (string, error) {
	if raw == "" {
		return "", nil
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return "", fmt.Errorf("%q is not an absolute URL", raw)
	}
	return u.Scheme + "://" + u.Host, nil
}

// envLabel is the environment as shown to people.
func (a *App) envLabel() string {
	if a.cfg.Env == "live" {
		return "Live"
	}
	return "Sandbox"
}
