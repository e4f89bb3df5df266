package handlers

import (
	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/paywall/paywall/checkout"
	"github.com/paywall/paywall/views"
)

// What handlers offers a package that adds routes of its own to the app: today the demo console
// (handlers/demo), whose routes internal/app registers through Config.ExtraRoutes. Such a package imports
// handlers, never the reverse, and gets only what is below: the layout, who is logged in, the real login
// and logout, the session, and the errors people see. Each is a thin wrapper, so the customer journeys
// keep their own unexported names and a console page behaves exactly like a customer page.

// SessionName is the name of the app session (its cookie and its gorilla session). The demo console keeps
// the running scenario on this session, in memory before a login, so that the login saves it with the new
// session id; its strip reads it back on the pages that follow.
const SessionName = sessionName

// SessionValues are the values of the request's session as the app read them when the request came in
// (read only: they are the store's decoded copy), and whether it found one; ok is false too when the
// request has not been through that read (an error answered before it, e.g. a refused CSRF token), so a
// caller then reads the session itself (store.SessionStore.Peek). The demo strip reads its scenario here:
// reading the session a second time was about 3 % of a logged-in page's handling in sandbox mode.
func SessionValues(c echo.Context) (values map[any]any, ok bool) {
	values, ok = c.Get(sessionValuesKey).(map[any]any)
	return values, ok
}

// User is the logged-in customer as another package may see them: who they are, without the Payway tokens,
// which never leave handlers.
type User struct {
	AccountID string
	Name      string
	Email     string
}

// CurrentUser is the logged-in customer of this request, or nil. The demo console shows who is logged in,
// lists their purchases and shows a purchase's timeline to its owner only.
func CurrentUser(c echo.Context) *User {
	u := currentUser(c)
	if u == nil {
		return nil
	}
	return &User{AccountID: u.AccountID, Name: u.Name, Email: u.Email}
}

// Page is the layout model for this request (title, environment, CSRF token, user, assets, demo strip),
// so the console's pages share the customer pages' layout and forms.
func (a *App) Page(c echo.Context, title string) views.Page { return a.page(c, title) }

// Render writes a page the way every handler does: buffered, never half a page, not cached.
func (a *App) Render(c echo.Context, status int, comp templ.Component) error {
	return a.render(c, status, comp)
}

// PasswordLogin logs a customer in exactly as the login form does (Payway's password grant, a new session
// id), so the demo console's "log in as" is a real login. ErrBadCredentials when Payway refused them.
func (a *App) PasswordLogin(c echo.Context, email, password string) error {
	return a.passwordLogin(c, email, password)
}

// EndSession logs out as the logout button does (session row deleted, cookie expired): the demo reset
// logs out the browser that asked for it.
func (a *App) EndSession(c echo.Context) error { return a.endSession(c) }

// Customer is the logged-in customer with a fresh Payway access token, as the journeys get it (a
// demo scenario asks Payway whether its persona already has the subscription it sells).
func (a *App) Customer(c echo.Context) (checkout.Customer, error) { return a.customer(c) }

// ForgetAppToken drops the cached Payway app token (no identity) used to price offers: after a sandbox
// reset the sandbox no longer knows it.
func (a *App) ForgetAppToken() { a.appTokens.Forget() }

// ToLogin sends the browser to the login page, coming back to ret (a local path) afterwards.
func ToLogin(c echo.Context, ret string) error { return toLogin(c, ret) }

// PaywayUnavailable is the error a person sees when a Payway call failed (timeout or no answer), the same
// wording as on the customer pages.
func PaywayUnavailable(err error) error { return paywayUnavailable(err) }
