package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// route is one line of the route table.
type route struct {
	method  string
	path    string
	handler echo.HandlerFunc
	mw      []echo.MiddlewareFunc
}

// routes registers every route of the app in one table, so the whole surface is readable in one place.
func (a *App) routes(e *echo.Echo) {
	table := []route{
		{http.MethodGet, "/", a.home, nil},
		{http.MethodGet, "/articles/:slug", a.article, nil},
		{http.MethodGet, "/login", a.loginForm, nil},
		{http.MethodPost, "/login", a.login, []echo.MiddlewareFunc{a.loginLimiter()}},
		{http.MethodPost, "/logout", a.logout, nil},
		{http.MethodGet, "/subscribe", a.subscribe, nil},
		{http.MethodPost, "/checkout", a.startCheckout, nil},
		{http.MethodGet, "/checkout/:id", a.checkoutPage, nil},
		{http.MethodPost, "/checkout/:id/order", a.placeOrder, nil},
		{http.MethodGet, "/checkout/:id/confirmation", a.confirmation, nil},
		{http.MethodGet, "/account", a.account, nil},
		{http.MethodPost, "/account/purchases", a.buyOneClick, nil},
		{http.MethodGet, "/account/purchases/:id", a.oneClickPurchase, nil},
		{http.MethodGet, "/recovery/:id", a.recoveryPage, nil},
		{http.MethodPost, "/recovery/:id/order", a.recoveryOrder, nil},
		{http.MethodPost, "/recovery/:id/hpp", a.startHPP, nil},
		{http.MethodGet, "/recovery/:id/return", a.returnFromHPP, nil},
		{http.MethodPost, hppCallbackRoute, a.hppCallback, nil}, // CSRF-exempt: see middleware
		// The demo console (demo*.go): sandbox mode, or live with an admin credential; see demoMW.
		{http.MethodGet, "/demo", a.demoConsole, a.demoMW(false)},
		{http.MethodPost, "/demo/login", a.demoLogin, a.demoMW(true)},
		{http.MethodPost, "/demo/scenarios/:id", a.demoStartScenario, a.demoMW(true)},
		{http.MethodPost, "/demo/faults", a.demoArmFault, a.demoMW(true)},
		{http.MethodPost, "/demo/faults/clear", a.demoClearFaults, a.demoMW(true)},
		{http.MethodPost, "/demo/faults/:id/disarm", a.demoDisarmFault, a.demoMW(true)},
		{http.MethodPost, "/demo/reset", a.demoReset, a.demoMW(true)},
		{http.MethodGet, "/demo/purchases", a.demoLookup, a.demoMW(false)},
		{http.MethodGet, "/demo/purchases/:id", a.demoPurchase, a.demoMW(false)},
		{http.MethodGet, "/healthz", a.healthz, nil},
		{http.MethodGet, "/readyz", a.readyz, nil},
		{http.MethodGet, "/metrics", a.metricsHandler(), nil},
		{http.MethodGet, "/static/*", echo.WrapHandler(a.assets.Handler()), nil},
	}
	for _, r := range table {
		e.Add(r.method, r.path, r.handler, r.mw...)
	}
}
