package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/paywall/paywall/internal/paths"
)

// route is one line of the route table: a name to find a journey step by (route name → handler → domain
// method), and where the step lives. URLs are built with internal/paths, never from the name.
type route struct {
	name    string
	method  string
	path    string
	handler echo.HandlerFunc
	mw      []echo.MiddlewareFunc
}

// routes registers every route of the app in one table, so the whole surface is readable in one place;
// only the demo console, an optional package of its own, keeps its routes in its own small table
// (handlers/demo/routes.go). Steps that act for a customer have requireCustomer, saying where the login
// page comes back to.
func (a *App) routes(e *echo.Echo) {
	customer := func(ret loginReturn) []echo.MiddlewareFunc { return mw(a.requireCustomer(ret)) }
	table := []route{
		{"home", http.MethodGet, paths.Home, a.home, nil},
		{"article", http.MethodGet, paths.ArticlePattern, a.article, nil},
		{"login.page", http.MethodGet, paths.LoginPage, a.loginForm, nil},
		{"login", http.MethodPost, paths.LoginPage, a.login, mw(a.loginLimiter())},
		{"logout", http.MethodPost, paths.Logout, a.logout, nil},
		{"subscribe", http.MethodGet, paths.SubscribePage, a.subscribe, nil},
		{"language", http.MethodGet, paths.Language, a.switchLanguage, nil},
		{"checkout.start", http.MethodPost, paths.CheckoutStart, a.startCheckout, mw(a.knownOffer, a.requireCustomer(chosenOffer))},
		{"checkout.page", http.MethodGet, paths.CheckoutPattern, a.checkoutPage, customer(thisPage)},
		{"checkout.order", http.MethodPost, paths.CheckoutOrderPattern, a.placeOrder, customer(backToID(paths.Checkout))},
		{"checkout.confirmation", http.MethodGet, paths.ConfirmationPattern, a.confirmation, customer(thisPage)},
		{"account", http.MethodGet, paths.Account, a.account, customer(backTo(paths.Account))},
		{"account.buy", http.MethodPost, paths.OneClickBuy, a.buyOneClick, customer(backTo(paths.Account))},
		{"account.purchase", http.MethodGet, paths.OneClickPattern, a.oneClickPurchase, customer(thisPage)},
		{"account.first.consent", http.MethodPost, paths.OneClickConsentPattern, a.firstPurchaseConsent, customer(backToID(paths.OneClick))},
		{"account.first.order", http.MethodPost, paths.OneClickOrderPattern, a.firstPurchaseOrder, customer(backToID(paths.OneClick))},
		{"account.method.remove", http.MethodPost, paths.SavedMethodRemove, a.removeSavedMethod, customer(backTo(paths.Account))},
		{"recovery.page", http.MethodGet, paths.RecoveryPattern, a.recoveryPage, customer(thisPage)},
		{"recovery.order", http.MethodPost, paths.RecoveryOrderPattern, a.recoveryOrder, customer(backToID(paths.Recovery))},
		{"recovery.hpp", http.MethodPost, paths.RecoveryHPPPattern, a.startHPP, customer(backToID(paths.Recovery))},
		{"recovery.return", http.MethodGet, paths.RecoveryReturnPattern, a.returnFromHPP, customer(thisPath)},
		{"recovery.hpp.callback", http.MethodPost, paths.HPPCallbackPattern, a.hppCallback, nil}, // CSRF-exempt: see middleware
		// The demo console's routes (demo, demo.login, demo.scenario, demo.faults.*, demo.reset, demo.lookup,
		// demo.purchase) are in its own table, handlers/demo/routes.go: internal/app registers them through
		// Config.ExtraRoutes only when the console is enabled.
		{"ops.healthz", http.MethodGet, paths.Healthz, a.healthz, nil},
		{"ops.readyz", http.MethodGet, paths.Readyz, a.readyz, nil},
		{"ops.metrics", http.MethodGet, paths.Metrics, a.metricsHandler(), nil},
		{"static", http.MethodGet, paths.StaticPattern, echo.WrapHandler(a.assets.Handler()), nil},
	}
	for _, r := range table {
		e.Add(r.method, r.path, r.handler, r.mw...).Name = r.name
		if r.method == http.MethodGet {
			const headSuffix = ".head" // names a GET route's HEAD twin
			// HEAD runs the GET handler; the server sends its headers and drops the body (monitors, link
			// checkers and caches use HEAD; without this GET-only routes answered 405).
			e.Add(http.MethodHead, r.path, r.handler, r.mw...).Name = r.name + headSuffix
		}
	}
}

// mw lists a route's middleware, outermost first.
func mw(m ...echo.MiddlewareFunc) []echo.MiddlewareFunc { return m }
