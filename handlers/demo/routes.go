package demo

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/paywall/paywall/handlers"
	"github.com/paywall/paywall/internal/paths"
)

// route is one line of the console's route table, named like the lines of the app's (handlers/routes.go):
// route name → handler.
type route struct {
	name    string
	method  string
	path    string
	handler echo.HandlerFunc
	mw      []echo.MiddlewareFunc
}

// Register adds the console's routes, all in this one table, to the app's Echo. internal/app passes it
// as handlers.Config.ExtraRoutes, so it runs right after the app's own table and the routes sit behind the
// same global middleware (CSRF, session, ...); a gives the console the app's layout, logins and session.
// Every route has the gate (HTTP Basic when a credential is set); those that drive the sandbox answer 404
// in live mode.
func (d *Console) Register(e *echo.Echo, a *handlers.App) {
	d.app = a
	table := []route{
		{"demo", http.MethodGet, paths.Demo, d.console, d.mw(false)},
		{"demo.login", http.MethodPost, paths.DemoLogin, d.login, d.mw(true)},
		{"demo.scenario", http.MethodPost, paths.DemoScenarioPattern, d.startScenario, d.mw(true)},
		{"demo.faults.arm", http.MethodPost, paths.DemoFaults, d.armFault, d.mw(true)},
		{"demo.faults.clear", http.MethodPost, paths.DemoFaultsClear, d.clearFaults, d.mw(true)},
		{"demo.faults.disarm", http.MethodPost, paths.DemoFaultDisarmPattern, d.disarmFault, d.mw(true)},
		{"demo.reset", http.MethodPost, paths.DemoReset, d.reset, d.mw(true)},
		{"demo.clock", http.MethodPost, paths.DemoClock, d.moveClock, d.mw(true)},
		{"demo.lookup", http.MethodGet, paths.DemoPurchases, d.lookup, d.mw(false)},
		{"demo.purchase", http.MethodGet, paths.DemoPurchasePattern, d.purchase, d.mw(false)},
	}
	for _, r := range table {
		e.Add(r.method, r.path, r.handler, r.mw...).Name = r.name
	}
}
