// Package paths is the one place that spells the app's URLs: the route patterns the route table
// (handlers/routes.go) registers, and the builders that fill them for links, form actions, redirects and
// the URLs Payway and Klarna send browsers and callbacks to. Handlers, views and the composition root
// (internal/app) use it; it imports nothing of the app.
//
// Paths without parameters are URLs as they are (LoginPage and SubscribePage also have builders, Login and
// Subscribe, that add the query); a pattern with parameters has a Pattern suffix and a builder of the same
// name. Purchase ids are opaque base32hex (store.NewPurchaseID) and go into paths as
// they are, as the handlers have always put them (an id taken from a route parameter arrives as it was
// in the request's path); the HPP URLs path-escape theirs, as the one-click journey always did. Query
// values are always escaped.
package paths

import (
	"net/url"
	"strings"
)

// Pages and endpoints without parameters.
const (
	Home              = "/"
	LoginPage         = "/login"  // GET the form, POST the credentials; Login adds where to come back to
	Logout            = "/logout" // POST
	SubscribePage     = "/subscribe"
	CheckoutStart     = "/checkout" // POST the chosen offer
	Account           = "/account"
	OneClickBuy       = "/account/purchases"           // POST a one-click offer (with=klarna: pay with Klarna anew)
	SavedMethodRemove = "/account/saved-method/remove" // POST: cancel and forget the saved Klarna token
	Demo              = "/demo"
	DemoLogin         = "/demo/login"
	DemoFaults        = "/demo/faults"
	DemoFaultsClear   = "/demo/faults/clear"
	DemoReset         = "/demo/reset"
	DemoClock         = "/demo/clock"     // POST move=advance|now: the sandbox clock
	DemoPurchases     = "/demo/purchases" // GET ?id= looks a purchase up
	Language          = "/language"       // GET ?to=sv|en&return=: the reader's language, kept in a cookie
	Healthz           = "/healthz"
	Readyz            = "/readyz"
	Metrics           = "/metrics"
	StaticPrefix      = "/static/"
)

// Route patterns with parameters (Echo syntax).
const (
	ArticlePattern         = "/articles/:slug"
	CheckoutPattern        = "/checkout/:id"
	CheckoutOrderPattern   = "/checkout/:id/order"
	ConfirmationPattern    = "/checkout/:id/confirmation"
	OneClickPattern        = "/account/purchases/:id"
	OneClickConsentPattern = "/account/purchases/:id/consent"
	OneClickOrderPattern   = "/account/purchases/:id/order"
	RecoveryPattern        = "/recovery/:id"
	RecoveryOrderPattern   = "/recovery/:id/order"
	RecoveryHPPPattern     = "/recovery/:id/hpp"
	RecoveryReturnPattern  = "/recovery/:id/return"
	HPPCallbackPattern     = "/recovery/:id/hpp/callback"
	DemoScenarioPattern    = "/demo/scenarios/:id"
	DemoFaultDisarmPattern = "/demo/faults/:id/disarm"
	DemoPurchasePattern    = "/demo/purchases/:id"
	StaticPattern          = StaticPrefix + "*"
)

const articlePrefix = "/articles/"

// Article is an article's page.
func Article(slug string) string { return articlePrefix + slug }

// ArticleSlug is the slug of an article's page (a query or fragment after it is ignored), and false for
// any other path: pages use it to link back to an article only when there is one to go back to.
func ArticleSlug(path string) (string, bool) {
	if i := strings.IndexAny(path, "?#"); i >= 0 {
		path = path[:i]
	}
	slug, ok := strings.CutPrefix(path, articlePrefix)
	if !ok || slug == "" || strings.Contains(slug, "/") {
		return "", false
	}
	return slug, true
}

// SwitchLanguage is the link that switches the pages to lang and comes back to ret.
func SwitchLanguage(lang, ret string) string {
	return Language + "?to=" + url.QueryEscape(lang) + "&return=" + url.QueryEscape(ret)
}

// Login is the login page, coming back to ret afterwards (the handlers keep ret to a local path).
func Login(ret string) string { return LoginPage + "?return=" + url.QueryEscape(ret) }

// Subscribe is the offers page, going back to ret (an article, the account) from there.
func Subscribe(ret string) string { return SubscribePage + "?return=" + url.QueryEscape(ret) }

// SubscribeOffer is the offers page with one offer marked as chosen, going back to ret from there.
func SubscribeOffer(offerID, ret string) string {
	return SubscribePage + "?" + url.Values{"offer": {offerID}, "return": {ret}}.Encode()
}

// Checkout is a purchase's checkout page.
func Checkout(id string) string { return "/checkout/" + id }

// CheckoutOrder is where the checkout page posts Klarna's authorization token.
func CheckoutOrder(id string) string { return Checkout(id) + "/order" }

// Confirmation is a purchase's confirmation page, where Payway's flow ends.
func Confirmation(id string) string { return Checkout(id) + "/confirmation" }

// OneClick is a one-click purchase's page: its confirmation or where it stands.
func OneClick(id string) string { return OneClickBuy + "/" + id }

// RemovedParam is the account page's query parameter saying the saved Klarna method was just removed.
const RemovedParam = "saved-method"

// AccountRemoved is the account page after the saved Klarna method was removed (the page says so).
func AccountRemoved() string { return Account + "?" + RemovedParam + "=removed" }

// OneClickConsent is where a first purchase's page posts the reader's choice on saving Klarna.
func OneClickConsent(id string) string { return OneClick(id) + "/consent" }

// OneClickOrder is where a first purchase's page posts Klarna's authorization token.
func OneClickOrder(id string) string { return OneClick(id) + "/order" }

// Recovery is a one-click purchase's step-up recovery page.
func Recovery(id string) string { return "/recovery/" + id }

// RecoveryOrder is where the recovery page posts the SDK's authorization token.
func RecoveryOrder(id string) string { return Recovery(id) + "/order" }

// RecoveryHPP is where the recovery page posts to continue on Klarna's hosted payment page.
func RecoveryHPP(id string) string { return Recovery(id) + "/hpp" }

// RecoveryReturn is where Klarna's hosted payment page sends the customer back; outcome is only a hint.
func RecoveryReturn(id, outcome string) string {
	return Recovery(url.PathEscape(id)) + "/return?outcome=" + url.QueryEscape(outcome)
}

// HPPCallback is where Klarna posts a recovery's hosted payment page status updates, authenticated by the
// recovery's secret.
func HPPCallback(id, secret string) string {
	return Recovery(url.PathEscape(id)) + "/hpp/callback?secret=" + url.QueryEscape(secret)
}

// DemoDone is the demo console saying what it just did (?done=), scrolled to a section when there is one.
func DemoDone(done, section string) string {
	u := Demo + "?done=" + url.QueryEscape(done)
	if section != "" {
		u += "#" + section
	}
	return u
}

// DemoScenario is where the demo console posts to start a scenario.
func DemoScenario(id string) string { return "/demo/scenarios/" + id }

// DemoFaultDisarm is where the demo console posts to disarm one fault.
func DemoFaultDisarm(id string) string { return DemoFaults + "/" + id + "/disarm" }

// DemoPurchase is the demo console's "what happened" page about a purchase.
func DemoPurchase(id string) string { return DemoPurchases + "/" + id }

// Static is a file under static/ without its content-hash version (the static package adds that).
func Static(name string) string { return StaticPrefix + name }
