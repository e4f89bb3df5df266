package handlers_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/paywall/paywall/internal/paths"
)

// TestBuildersFollowTheNamedRoutes: every route has a name of its own, and every URL internal/paths
// builds lands on the route it is meant for.
func TestBuildersFollowTheNamedRoutes(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	e, ok := app.Handler.(*echo.Echo)
	if !ok {
		t.Fatalf("the app's handler is a %T, not the handlers' *echo.Echo", app.Handler)
	}
	byName := map[string]*echo.Route{}
	for _, r := range e.Routes() {
		if r.Method == http.MethodHead { // every GET route's twin (TestHeadOnGetRoutes)
			continue
		}
		if r.Name == "" || byName[r.Name] != nil {
			t.Errorf("route %s %s: name %q is empty or taken", r.Method, r.Path, r.Name)
		}
		byName[r.Name] = r
	}
	const id = "0123456789ABCDEF0123456789ABCDEF"
	tests := []struct{ name, method, url string }{
		{"home", http.MethodGet, paths.Home},
		{"article", http.MethodGet, paths.Article("the-slug")},
		{"login.page", http.MethodGet, paths.Login("/articles/x?y=1")},
		{"login", http.MethodPost, paths.LoginPage},
		{"logout", http.MethodPost, paths.Logout},
		{"subscribe", http.MethodGet, paths.SubscribeOffer("monthly", "/articles/x")},
		{"subscribe", http.MethodGet, paths.Subscribe(paths.Account)},
		{"language", http.MethodGet, paths.SwitchLanguage("en", "/articles/x")},
		{"checkout.start", http.MethodPost, paths.CheckoutStart},
		{"checkout.page", http.MethodGet, paths.Checkout(id)},
		{"checkout.order", http.MethodPost, paths.CheckoutOrder(id)},
		{"checkout.confirmation", http.MethodGet, paths.Confirmation(id)},
		{"account", http.MethodGet, paths.Account},
		{"account.buy", http.MethodPost, paths.OneClickBuy},
		{"account.purchase", http.MethodGet, paths.OneClick(id)},
		{"account.first.consent", http.MethodPost, paths.OneClickConsent(id)},
		{"account.first.order", http.MethodPost, paths.OneClickOrder(id)},
		{"account.method.remove", http.MethodPost, paths.SavedMethodRemove},
		{"recovery.page", http.MethodGet, paths.Recovery(id)},
		{"recovery.order", http.MethodPost, paths.RecoveryOrder(id)},
		{"recovery.hpp", http.MethodPost, paths.RecoveryHPP(id)},
		{"recovery.return", http.MethodGet, paths.RecoveryReturn(id, "success")},
		{"recovery.hpp.callback", http.MethodPost, paths.HPPCallback(id, "secret")},
		{"demo", http.MethodGet, paths.DemoDone("fault", "faults")},
		{"demo.login", http.MethodPost, paths.DemoLogin},
		{"demo.scenario", http.MethodPost, paths.DemoScenario("step-up")},
		{"demo.faults.arm", http.MethodPost, paths.DemoFaults},
		{"demo.faults.clear", http.MethodPost, paths.DemoFaultsClear},
		{"demo.faults.disarm", http.MethodPost, paths.DemoFaultDisarm("f1")},
		{"demo.reset", http.MethodPost, paths.DemoReset},
		{"demo.clock", http.MethodPost, paths.DemoClock},
		{"demo.lookup", http.MethodGet, paths.DemoPurchases},
		{"demo.purchase", http.MethodGet, paths.DemoPurchase(id)},
		{"ops.healthz", http.MethodGet, paths.Healthz},
		{"ops.readyz", http.MethodGet, paths.Readyz},
		{"ops.metrics", http.MethodGet, paths.Metrics},
		{"static", http.MethodGet, paths.Static("css/app.css")},
	}
	tested := map[string]bool{}
	for _, tt := range tests {
		tested[tt.name] = true
		r := byName[tt.name]
		if r == nil {
			t.Errorf("no route named %q", tt.name)
			continue
		}
		u, err := url.Parse(tt.url)
		if err != nil {
			t.Errorf("%s: %q: %v", tt.name, tt.url, err)
			continue
		}
		c := e.NewContext(httptest.NewRequest(tt.method, tt.url, nil), httptest.NewRecorder())
		e.Router().Find(tt.method, u.Path, c)
		if r.Method != tt.method || c.Path() != r.Path {
			t.Errorf("%s %s lands on %q, want %s %s (%s)", tt.method, tt.url, c.Path(), r.Method, r.Path, tt.name)
		}
	}
	for name := range byName {
		if !tested[name] {
			t.Errorf("route %q has no URL built for it here", name)
		}
	}
}
