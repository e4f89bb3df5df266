package handlers

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/paywall/paywall/internal/paths"
	"github.com/paywall/paywall/payway"
)

// csrfContextKey is where checkCSRF leaves the token that forms render.
const csrfContextKey = "csrf"

// middleware installs the chain every request goes through, outermost first.
func (a *App) middleware(e *echo.Echo) {
	e.Use(middleware.RequestIDWithConfig(middleware.RequestIDConfig{Generator: a.requestIDs.next}))
	e.Use(a.requestLog)
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			a.log.ErrorContext(c.Request().Context(), "panic", "err", err, "request_id", requestID(c), "stack", string(stack))
			return err
		},
	}))
	e.Use(a.localize)
	e.Use(a.securityHeaders)
	e.Use(middleware.BodyLimit("1M"))
	e.Use(a.timeout)
	e.Use(middleware.GzipWithConfig(middleware.GzipConfig{
		Skipper: func(c echo.Context) bool { return c.Path() == paths.Metrics },
	}))
	e.Use(a.checkCSRF)
	e.Use(a.loadSession)
	e.Use(a.bindCSRFToSession)
	e.Use(a.renewRejectedTokens)
	e.Use(a.forgetOnChange)
}

// csrfSkipped names the routes without a CSRF check. Machine endpoints carry no forms; everything a browser
// posts goes through the check. Klarna's HPP status callback is server to server: it cannot carry our token
// and is authenticated by the per-recovery secret in its URL instead.
func csrfSkipped(route string) bool {
	return route == paths.Healthz || route == paths.Readyz || route == paths.Metrics ||
		strings.HasPrefix(route, paths.StaticPrefix) || route == paths.HPPCallbackPattern
}

// renewRejectedTokens repeats a request once when Payway refused the access token it was given (401).
// A token can die before the expiry we computed for it: Payway revoked it, or its clock runs ahead of
// ours. Without this the reader would see "service not answering" on every page until the token's
// announced expiry. The refused call did nothing at Payway, so running the handler again is safe; the
// second run refreshes the customer's token (or fetches a new app token) first.
func (a *App) renewRejectedTokens(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		err := next(c)
		if err == nil || c.Response().Committed || !payway.IsTokenRejected(err) {
			return err
		}
		a.log.WarnContext(c.Request().Context(), "Payway refused an access token before its expiry; renewing it and trying again",
			"request_id", requestID(c))
		a.appTokens.Forget()
		if u := currentUser(c); u != nil {
			u.ExpiresAt = time.Time{} // the next accessToken call refreshes
			a.forgetAccount(u.AccountID)
		}
		return next(c)
	}
}

// statusClientClosed is the status logged for a request whose client left before the answer (nginx's 499).
const statusClientClosed = 499

// requestLog logs one line per request through slog and feeds the request metrics.
func (a *App) requestLog(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		// The connection's own context, not the one handlers see: the timeout middleware inside derives
		// one and cancels it when it returns, which says nothing about the client.
		client := c.Request().Context()
		err := next(c)
		status := 0
		switch {
		case err != nil && client.Err() != nil && !c.Response().Committed:
			// The client went away (closed the tab, a double click abandoned the first request): there is
			// nobody to answer, and it is not our failure. Logged at info as nginx's 499.
			status = statusClientClosed
		case err != nil:
			// Let the error handler write the response now so the status below is the one sent.
			c.Error(err)
		}
		if status == 0 {
			status = c.Response().Status
		}
		elapsed := time.Since(start)
		path := c.Path()
		if path == "" {
			path = "unmatched"
		}
		a.metrics.observe(c.Request().Method, path, status, elapsed)
		level := slog.LevelInfo
		if status >= 500 {
			level = slog.LevelError
		}
		if !a.log.Enabled(c.Request().Context(), level) {
			return nil // e.g. PAYWALL_LOG_LEVEL=warn under load: no line, so no attributes to build
		}
		attrs := []any{
			"method", c.Request().Method, "path", c.Request().URL.Path, "route", path, "status", status,
			"duration_ms", elapsed.Milliseconds(), "ip", c.RealIP(), "request_id", requestID(c),
		}
		if err != nil {
			attrs = append(attrs, "err", err)
		}
		a.log.Log(c.Request().Context(), level, "request", attrs...)
		return nil
	}
}

// securityHeaders sets the headers every response carries. The Content-Security-Policy allows our own origin
// and the configured Klarna SDK origin only: the SDK's script, its widget iframes and the redirect to Klarna
// after placing an order.
//
// Echo wraps its Use middleware around the handler on every request, so the headers are built once, in
// New (a.headers, securityHeaderValues), not here.
func (a *App) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		for name, values := range a.headers {
			h[name] = values // canonical names, set once per response: no Set's canonicalising (sharedValues)
		}
		// Only a TLS connection, or a trusted proxy's X-Forwarded-Proto, says https: echo's Scheme() also
		// believes the header from any client.
		if c.Request().TLS != nil || (a.cfg.TrustProxy && c.Scheme() == "https") {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		return next(c)
	}
}

// securityHeaderValues are the headers every response carries, by canonical name, for the policy csp, as
// shared header values (sharedValue).
func securityHeaderValues(csp string) map[string][]string {
	return map[string][]string{
		"Content-Security-Policy": sharedValue(csp),
		"X-Content-Type-Options":  sharedValue("nosniff"),
		"X-Frame-Options":         sharedValue("DENY"),
		"Referrer-Policy":         sharedValue("strict-origin-when-cross-origin"),
		"Permissions-Policy":      sharedValue("camera=(), microphone=(), geolocation=()"),
	}
}

// sharedValue is a header value made once and given to every response that carries it, instead of a new
// []string per response (a tenth of a page view's allocations were header values). It is safe to share
// because nothing writes into a header's slice: Set replaces it, and Add appends to a slice whose
// capacity is its length, which copies it first.
func sharedValue(v string) []string { return []string{v}[:1:1] }

// pageHeaders are the shared values (sharedValue) of headers most pages set.
type pageHeaders struct {
	varyCookie         []string            // Vary: Cookie (the page carries the cookie's CSRF token)
	varyEncodingCookie []string            // Vary: Accept-Encoding, Cookie (gzip's and ours on one line)
	noStore            []string            // Cache-Control: no-store (rendered pages)
	language           map[string][]string // Content-Language, by language
}

func newPageHeaders(langs ...string) pageHeaders {
	h := pageHeaders{varyCookie: sharedValue(echo.HeaderCookie),
		varyEncodingCookie: sharedValue(echo.HeaderAcceptEncoding + ", " + echo.HeaderCookie),
		noStore:            sharedValue("no-store"), language: map[string][]string{}}
	for _, l := range langs {
		h.language[l] = sharedValue(l)
	}
	return h
}

// addVaryCookie adds Cookie to the response's Vary header: a shared value when Vary is empty or holds only
// gzip's Accept-Encoding (every page: one header line instead of two, and no slice made per response).
func (p pageHeaders) addVaryCookie(h http.Header) {
	switch existing := h[echo.HeaderVary]; {
	case len(existing) == 0:
		h[echo.HeaderVary] = p.varyCookie
	case len(existing) == 1 && existing[0] == echo.HeaderAcceptEncoding:
		h[echo.HeaderVary] = p.varyEncodingCookie
	default:
		h[echo.HeaderVary] = append(existing, echo.HeaderCookie) // copies: see sharedValue
	}
}

// contentSecurityPolicy builds the policy for the given Klarna sources, space separated ("" allows our own
// origin only).
func contentSecurityPolicy(klarna string) string {
	self := "'self'"
	withKlarna := self
	if klarna != "" {
		withKlarna += " " + klarna
	}
	return fmt.Sprintf("default-src 'self'; script-src %s; frame-src %s; connect-src %s; img-src %s data:; "+
		"style-src 'self'; font-src 'self'; form-action %s; frame-ancestors 'none'; base-uri 'self'; object-src 'none'",
		withKlarna, withKlarna, withKlarna, withKlarna, withKlarna)
}

// requestID is the id the RequestID middleware gave this request.
func requestID(c echo.Context) string {
	return c.Response().Header().Get(echo.HeaderXRequestID)
}

// csrfToken is the token forms must post back.
func csrfToken(c echo.Context) string {
	s, _ := c.Get(csrfContextKey).(string)
	return s
}
