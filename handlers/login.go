package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/paywall/paywall/checkout"
	"github.com/paywall/paywall/internal/paths"
	"github.com/paywall/paywall/payway"
	"github.com/paywall/paywall/views"
)

// loginForm shows the login page; ?return= says where to go afterwards. A reader already logged in goes
// there at once (a GET never opens a purchase: one who chose an offer sees it marked on the offers page).
func (a *App) loginForm(c echo.Context) error {
	ret := safeReturn(c.QueryParam("return"))
	if currentUser(c) != nil {
		return c.Redirect(http.StatusSeeOther, ret)
	}
	return a.renderLogin(c, http.StatusOK, views.LoginForm{Return: ret})
}

// renderLogin is the login page, saying so when the login goes straight on to a chosen offer's checkout.
func (a *App) renderLogin(c echo.Context, status int, form views.LoginForm) error {
	if offer, _, ok := a.chosenOfferIn(form.Return); ok {
		form.Offer = offer.In(langOf(c)).Title
	}
	return a.render(c, status, views.Login(a.page(c, tr(c, "LoginTitle")), form))
}

// login exchanges email and password for Payway tokens (password grant), keeps them in a new server-side
// session and sends the customer back where they came from, or, when they chose an offer before being asked
// to log in, straight on to that offer's checkout.
func (a *App) login(c echo.Context) error {
	form := views.LoginForm{
		Email:  strings.TrimSpace(c.FormValue("email")),
		Return: safeReturn(c.FormValue("return")),
	}
	password := c.FormValue("password")
	if form.Email == "" || password == "" {
		form.Error = tr(c, "LoginMissingFields")
		return a.renderLogin(c, http.StatusUnprocessableEntity, form)
	}
	err := a.passwordLogin(c, form.Email, password)
	if errors.Is(err, ErrBadCredentials) {
		form.Error = tr(c, "LoginBadCredentials")
		return a.renderLogin(c, http.StatusUnauthorized, form)
	}
	if err != nil {
		return err
	}
	if offer, back, ok := a.chosenOfferIn(form.Return); ok {
		return a.continueToCheckout(c, offer.ID, back, form.Return)
	}
	return c.Redirect(http.StatusSeeOther, form.Return)
}

// chosenOfferIn is the offer a login's return path carries when the reader chose it before being asked to
// log in (POST /checkout sends them to the login page coming back to /subscribe?offer=…&return=…), and
// where that offer's checkout leads back to. Only an offer of the catalogue counts, and the way back stays
// a local path; any other return path carries none.
func (a *App) chosenOfferIn(ret string) (offer checkout.Offer, back string, ok bool) {
	u, err := url.Parse(ret)
	if err != nil || u.Path != paths.SubscribePage {
		return checkout.Offer{}, "", false
	}
	q := u.Query()
	offer, ok = a.checkout.Catalogue().Offer(q.Get("offer"))
	if !ok {
		return checkout.Offer{}, "", false
	}
	return offer, safeReturn(q.Get("return")), true
}

// continueToCheckout opens the checkout of the offer the reader chose before logging in, exactly as
// POST /checkout does (openCheckout), so logging in is the last step before paying. A purchase Payway
// refuses (the reader already has the product) opens on its checkout page, which says so, as it does after
// POST /checkout. When no purchase could be opened, the error page says why and leads back to the offers
// with the choice kept, whose "Continue to payment" tries again; the reader stays logged in.
func (a *App) continueToCheckout(c echo.Context, offerID, back, offers string) error {
	cust, err := a.customer(c)
	if err == nil {
		err = a.openCheckout(c, cust, offerID, back)
	}
	if err == nil {
		return nil
	}
	code, _, message := classify(err)
	return &Error{Code: code, Message: message, Err: err, Next: offers, NextLabel: msg("LoginBackToOffers")}
}

// ErrBadCredentials means Payway refused the email and password (exported for the demo console's "log in
// as", which goes through PasswordLogin).
var ErrBadCredentials = errors.New("login: bad credentials")

// passwordLogin is the one way into a session: Payway's password grant, the account from me, then a new
// session id holding the tokens. The login form and the demo console's "log in as" both go through it, so
// a demo login is a real one.
func (a *App) passwordLogin(c echo.Context, email, password string) error {
	ctx := c.Request().Context()
	tok, err := a.payway.PasswordGrant(ctx, email, password, payway.DefaultScopes())
	if payway.IsBadCredentials(err) { // by code: Payway does not publish the token endpoint's statuses
		a.logins.perAccount.allow(accountKey(email)) // one more wrong password for this account
		a.metrics.logins.WithLabelValues("bad_credentials").Inc()
		return ErrBadCredentials
	}
	if err != nil {
		a.metrics.logins.WithLabelValues("error").Inc()
		return paywayUnavailable(err)
	}
	acc, err := a.payway.Me(ctx, tok.AccessToken)
	if err != nil {
		a.metrics.logins.WithLabelValues("error").Inc()
		return paywayUnavailable(err)
	}
	if err := a.startSession(c, acc, tok); err != nil {
		return err
	}
	if a.cfg.AfterLogin != nil {
		a.cfg.AfterLogin(ctx, acc.ID, acc.Email)
	}
	// startSession put the customer on the session, not yet on this request: pages rendered before the
	// redirect (none today) and the demo console's follow-up checks see them now.
	c.Set(userContextKey, userOf(acc, tok))
	a.metrics.logins.WithLabelValues("ok").Inc()
	a.log.InfoContext(ctx, "login", "account_id", acc.ID, "request_id", requestID(c))
	return nil
}

// logout deletes the session and goes to the front page.
func (a *App) logout(c echo.Context) error {
	if err := a.endSession(c); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, paths.Home)
}

// safeReturn keeps only local paths, so ?return= can never send a customer to another site.
func safeReturn(raw string) string {
	if raw == "" || !strings.HasPrefix(raw, "/") || strings.HasPrefix(raw, "//") || strings.HasPrefix(raw, "/\\") {
		return paths.Home
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host != "" || u.Scheme != "" {
		return paths.Home
	}
	return u.RequestURI()
}

// userOf is the logged-in customer as loadSession would read them back from the session.
func userOf(acc payway.Account, tok payway.Token) *sessionUser {
	return &sessionUser{AccountID: acc.ID, Name: displayName(acc), Email: acc.Email,
		AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken, ExpiresAt: tok.ExpiresAt}
}
