package sandbox

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// route is one row of the sandbox's API surface. Keeping every route in one table makes the emulated
// surface reviewable at a glance and lets 404/405 handling be derived from it.
type route struct {
	method  string // GET, POST, ...
	path    string // net/http ServeMux path pattern, e.g. /payments/v1/sessions/{id}
	handler http.Handler
}

// Scopes the Payway routes require (Payway names them /external/<area>/<r|w>).
const (
	scopeMeWrite = "/external/me/w"
)

// table lists every route the sandbox serves. Klarna routes (klarna_*.go) and control routes
// (/sandbox/v1/..., control_*.go) are added here as rows; their handlers bring their own auth wrapper.
func (s *Server) table() []route {
	return []route{
		// Payway: authorization (payway_auth.go).
		{http.MethodPost, paywayTokenPath, http.HandlerFunc(s.paywayAccessToken)},
		// Payway: Me API (payway_me.go).
		{http.MethodGet, "/external/api/v3/me", s.paywayBearer(scopeMeWrite, s.paywayMe)},
		{http.MethodGet, "/external/api/v1/me/active_products", s.paywayBearer(scopeMeWrite, s.paywayActiveProducts)},
		// Payway: Klarna purchases, orders, payment profile (payway_catalogue.go, payway_purchase.go,
		// payway_place_order.go, payway_orders.go, payway_profile.go).
		{http.MethodGet, "/external/api/v1/me/payment_profile/{$}", s.paywayBearer(scopePaymentProfile, s.paywayPaymentProfile)},
		{http.MethodGet, "/external/api/v1/klarna_payments/payment_periods", s.paywayBearer(scopeKlarnaRead, s.paywayPaymentPeriods)},
		{http.MethodPost, "/external/api/v1/klarna_payments/create_session", s.paywayBearer(scopeKlarnaWrite, s.paywayCreateSession)},
		{http.MethodPost, "/external/api/v1/klarna_payments/place_order", s.paywayBearer(scopeKlarnaWrite, s.paywayPlaceOrder)},
		{http.MethodPost, "/external/api/v1/klarna_payments/place_trial_order", s.paywayBearer(scopeKlarnaWrite, s.paywayPlaceTrialOrder)},
		{http.MethodGet, "/external/api/v1/order", s.paywayBearer(scopeOrderRead, s.paywayOrderGet)},
		// Klarna API (klarna_api*.go, klarna_tokens.go): HTTP Basic auth, Klarna's error body.
		{http.MethodPost, "/payments/v1/sessions", s.klarnaAPI(s.klarnaCreateSession)},
		{http.MethodGet, "/payments/v1/sessions/{id}", s.klarnaAPI(s.klarnaReadSession)},
		{http.MethodPost, "/payments/v1/sessions/{id}", s.klarnaAPI(s.klarnaUpdateSession)},
		{http.MethodPost, "/payments/v1/authorizations/{token}/order", s.klarnaAPI(s.klarnaCreateOrder)},
		{http.MethodPost, "/payments/v1/authorizations/{token}/customer-token", s.klarnaAPI(s.klarnaCreateCustomerToken)},
		{http.MethodDelete, "/payments/v1/authorizations/{token}", s.klarnaAPI(s.klarnaCancelAuthorization)},
		{http.MethodGet, "/customer-token/v1/tokens/{token}", s.klarnaAPI(s.klarnaReadToken)},
		{http.MethodPost, "/customer-token/v1/tokens/{token}/order", s.klarnaAPI(s.klarnaTokenOrder)},
		{http.MethodPatch, "/customer-token/v1/tokens/{token}/status", s.klarnaAPI(s.klarnaTokenStatus)},
		{http.MethodPost, "/hpp/v1/sessions", s.klarnaAPI(s.klarnaCreateHPP)},
		{http.MethodGet, "/hpp/v1/sessions/{id}", s.klarnaAPI(s.klarnaReadHPP)},
		{http.MethodDelete, "/hpp/v1/sessions/{id}", s.klarnaAPI(s.klarnaDisableHPP)},
		{http.MethodPost, "/hpp/v1/sessions/{id}/distribution", s.klarnaAPI(s.klarnaDistributeHPP)},
		// Klarna's browser side: SDK stand-in, its frames, hosted payment page, device recognition
		// (browser_*.go). No auth: browsers call these.
		{http.MethodGet, "/kp/lib/v1/api.js", http.HandlerFunc(s.browserSDK)},
		{http.MethodGet, "/kp/assets/sandbox.css", http.HandlerFunc(s.browserCSS)},
		{http.MethodGet, klarnaBadgePath, http.HandlerFunc(s.browserBadge)},
		{http.MethodGet, "/kp/widget", http.HandlerFunc(s.browserWidget)},
		{http.MethodGet, "/kp/authorize", http.HandlerFunc(s.browserAuthorizeForm)},
		{http.MethodPost, "/kp/authorize", http.HandlerFunc(s.browserAuthorizeSubmit)},
		{http.MethodGet, "/kp/redirect/{order_id}", http.HandlerFunc(s.browserDeviceRedirect)},
		{http.MethodGet, "/hpp/pay/{id}", http.HandlerFunc(s.browserHPP)},
		{http.MethodPost, "/hpp/pay/{id}", http.HandlerFunc(s.browserHPPSubmit)},
		{http.MethodGet, "/hpp/pay/{id}/result", http.HandlerFunc(s.browserHPPResult)},
		// Sandbox control (control_*.go): JSON, no auth, never faulted; what changes state is refused to
		// other origins and to anything but application/json (controlGuard, applied in routes).
		{http.MethodPost, "/sandbox/v1/authorize", http.HandlerFunc(s.controlAuthorize)},
		{http.MethodGet, "/sandbox/v1/scenarios", http.HandlerFunc(s.controlScenarios)},
		{http.MethodGet, "/sandbox/v1/app-token", http.HandlerFunc(s.controlAppToken)},
		{http.MethodGet, "/sandbox/v1/faults", http.HandlerFunc(s.controlListFaults)},
		{http.MethodPost, "/sandbox/v1/faults", http.HandlerFunc(s.controlAddFault)},
		{http.MethodDelete, "/sandbox/v1/faults", http.HandlerFunc(s.controlClearFaults)},
		{http.MethodDelete, "/sandbox/v1/faults/{id}", http.HandlerFunc(s.controlDeleteFault)},
		{http.MethodPost, "/sandbox/v1/reset", http.HandlerFunc(s.controlReset)},
		{http.MethodGet, "/sandbox/v1/clock", http.HandlerFunc(s.controlClock)},
		{http.MethodPost, "/sandbox/v1/clock", http.HandlerFunc(s.controlAdvanceClock)},
	}
}

// routes builds the handler: a plain ServeMux with method patterns from table, a method-less pattern
// per path that answers 405 with an Allow header, a catch-all 404, all in Payway's JSON error shape
// (net/http's own 404/405 are plain text, which no real API client expects).
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	allowed := map[string][]string{}
	var paths []string
	for _, rt := range s.table() {
		target := rt.method + " " + rt.path
		h := rt.handler
		if changesState(rt.method, rt.path) {
			h = controlGuard(h) // control_guard.go: JSON only, never from another origin
		}
		mux.Handle(target, s.faults.wrap(target, h)) // faults.go: armed by POST /sandbox/v1/faults
		if _, seen := allowed[rt.path]; !seen {
			paths = append(paths, rt.path)
		}
		allowed[rt.path] = append(allowed[rt.path], rt.method)
	}
	for _, p := range paths {
		mux.Handle(p, methodNotAllowed(allowed[p]))
	}
	mux.Handle("/", http.HandlerFunc(notFound))
	return s.recoverPanics(s.logRequests(mux))
}

// methodNotAllowed answers a known path requested with a method it does not serve.
func methodNotAllowed(methods []string) http.Handler {
	methods = slices.Clone(methods)
	if slices.Contains(methods, http.MethodGet) && !slices.Contains(methods, http.MethodHead) {
		methods = append(methods, http.MethodHead) // GET patterns also match HEAD
	}
	slices.Sort(methods)
	allow := strings.Join(methods, ", ")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", allow)
		msg := fmt.Sprintf("Method %s is not allowed on %s (allowed: %s)", r.Method, r.URL.Path, allow)
		if klarnaShaped(r.URL.Path) {
			writeKlarnaShaped(w, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", msg)
			return
		}
		writePaywayErrorAt(w, r.URL.Path, http.StatusMethodNotAllowed, "method_not_allowed", msg)
	})
}

// notFound answers any path that is not in the table. It and methodNotAllowed answer in Klarna's error
// shape under Klarna's path prefixes (klarnaShaped), in Payway's elsewhere.
func notFound(w http.ResponseWriter, r *http.Request) {
	if klarnaShaped(r.URL.Path) {
		writeKlarnaShaped(w, http.StatusNotFound, "NOT_FOUND", fmt.Sprintf("No route for %s %s", r.Method, r.URL.Path))
		return
	}
	writePaywayError(w, http.StatusNotFound, "not_found", fmt.Sprintf("No route for %s %s", r.Method, r.URL.Path))
}

// statusRecorder remembers the status a handler wrote, for the request log.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer (flush, deadlines).
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// logRequests logs every request at debug level, so a developer can follow what the app sent.
// It measures with the wall clock, not Config.Now: durations are real even when the sandbox clock is
// moved by tests.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		s.log.DebugContext(r.Context(), "sandbox request", "method", r.Method, "path", r.URL.Path,
			"status", rec.status, "duration", time.Since(start))
	})
}

// recoverPanics turns a handler panic into a JSON 500, so a sandbox bug shows up as an API error in the
// app instead of a dropped connection.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.ErrorContext(r.Context(), "sandbox handler panic", "method", r.Method, "path", r.URL.Path, "panic", v)
				if klarnaShaped(r.URL.Path) {
					writeKlarnaShaped(w, http.StatusInternalServerError, "INTERNAL_SERVER_ERROR", "Internal error")
					return
				}
				writePaywayErrorAt(w, r.URL.Path, http.StatusInternalServerError, "internal_server_error", "Internal server error")
			}
		}()
		next.ServeHTTP(w, r)
	})
}
