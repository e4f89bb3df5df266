package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/paywall/paywall/internal/paths"
	"github.com/paywall/paywall/payway"
	"github.com/paywall/paywall/views"
)

// loginForm shows the login page; ?return= says where to go afterwards.
func (a *App) loginForm(c echo.Context) error {
	ret := safeReturn(c.QueryParam("return"))
	if currentUser(c) != nil {
		return c.Redirect(http.StatusSeeOther, ret)
	}
	return a.render(c, http.StatusOK, views.Login(a.page(c, "Log in"), views.LoginForm{Return: ret}))
}

// login exchanges email and password for Payway tokens (password grant), keeps them in a new server-side
// session and sends the customer back where they came from.
func (a *App) login(c echo.Context) error {
	form := views.LoginForm{
		Email:  strings.TrimSpace(c.FormValue("email")),
		Return: safeReturn(c.FormValue("return")),
	}
	password := c.FormValue("password")
	if form.Email == "" || password == "" {
		form.Error = "Enter both your email and your password."
		return a.render(c, http.StatusUnprocessableEntity, views.Login(a.page(c, "Log in"), form))
	}
	err := a.passwordLogin(c, form.Email, password)
	if errors.Is(err, ErrBadCredentials) {
		form.Error = "That email and password do not match an account. Check them and try again."
		return a.render(c, http.StatusUnauthorized, views.Login(a.page(c, "Log in"), form))
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, form.Return)
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
