package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/paywall/paywall/checkout"
	"github.com/paywall/paywall/internal/paths"
)

// errLoginRequired means nobody is logged in (any more): requireCustomer sends the browser to the login page.
var errLoginRequired = errors.New("login required")

// customer is the logged-in buyer with a fresh Payway token, or errLoginRequired.
func (a *App) customer(c echo.Context) (checkout.Customer, error) {
	u := currentUser(c)
	if u == nil {
		return checkout.Customer{}, errLoginRequired
	}
	token, err := a.accessToken(c)
	if errors.Is(err, errSessionEnded) {
		return checkout.Customer{}, errLoginRequired
	}
	if err != nil {
		return checkout.Customer{}, err
	}
	return checkout.Customer{AccountID: u.AccountID, AccessToken: token}, nil
}

// openCheckout opens a purchase of the offer for the customer (Payway create_session) and goes to its
// checkout page, coming back to ret from there: the step of POST /checkout, and of the login when the
// reader chose an offer before logging in (continueToCheckout). A purchase Payway refused comes back
// failed and its checkout page says why.
func (a *App) openCheckout(c echo.Context, cust checkout.Customer, offerID, ret string) error {
	p, err := a.checkout.Start(c.Request().Context(), cust, offerID, safeReturn(ret))
	if err != nil {
		return err // handleError: journeyErrors
	}
	return c.Redirect(http.StatusSeeOther, paths.Checkout(p.ID))
}

// toLogin sends the browser to the login page, coming back to ret afterwards.
func toLogin(c echo.Context, ret string) error {
	return c.Redirect(http.StatusSeeOther, paths.Login(safeReturn(ret)))
}

// customerContextKey is where requireCustomer leaves the customer for customerOf.
const customerContextKey = "customer"

// loginReturn is where a route that needs a customer sends a reader back to after the login page.
type loginReturn func(c echo.Context) string

// requireCustomer is the route middleware of every step that acts for a customer (see the route table):
// it resolves the logged-in customer with a fresh Payway access token (a.customer) and leaves it for the
// handler (customerOf), or sends the browser to the login page, coming back to ret afterwards. Route
// middleware runs inside the global chain, so when renewRejectedTokens runs a request again after Payway
// refused a token, this runs again too and resolves the customer with the renewed token.
func (a *App) requireCustomer(ret loginReturn) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			cust, err := a.customer(c)
			if errors.Is(err, errLoginRequired) {
				return toLogin(c, ret(c))
			}
			if err != nil {
				return err
			}
			c.Set(customerContextKey, cust)
			return next(c)
		}
	}
}

// customerOf is the customer requireCustomer resolved for this request. A handler calling it on a route
// without requireCustomer is a bug in the route table: it panics (the recover middleware makes that a 500).
func customerOf(c echo.Context) checkout.Customer {
	cust, ok := c.Get(customerContextKey).(checkout.Customer)
	if !ok {
		panic("handlers: customerOf on route " + c.Path() + ", which has no requireCustomer")
	}
	return cust
}

// Where the routes that need a customer come back to after the login page.

// thisPage comes back to the page asked for, query included.
func thisPage(c echo.Context) string { return c.Request().URL.RequestURI() }

// thisPath comes back to the page asked for without its query (the HPP return's ?outcome= is only a hint).
func thisPath(c echo.Context) string { return c.Request().URL.Path }

// backTo comes back to a fixed page.
func backTo(path string) loginReturn { return func(echo.Context) string { return path } }

// backToID comes back to the page of the route's :id, e.g. a form's page after its POST.
func backToID(page func(id string) string) loginReturn {
	return func(c echo.Context) string { return page(c.Param("id")) }
}
