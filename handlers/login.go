package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

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
	ctx := c.Request().Context()
	tok, err := a.payway.PasswordGrant(ctx, form.Email, password, payway.DefaultScopes())
	var pwErr *payway.Error
	if errors.As(err, &pwErr) && pwErr.Status < 500 && pwErr.Status != http.StatusUnauthorized {
		a.metrics.logins.WithLabelValues("bad_credentials").Inc()
		form.Error = "That email and password do not match an account. Check them and try again."
		return a.render(c, http.StatusUnauthorized, views.Login(a.page(c, "Log in"), form))
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
	a.metrics.logins.WithLabelValues("ok").Inc()
	a.log.InfoContext(ctx, "login", "account_id", acc.ID, "request_id", requestID(c))
	return c.Redirect(http.StatusSeeOther, form.Return)
}

// logout deletes the session and goes to the front page.
func (a *App) logout(c echo.Context) error {
	if err := a.endSession(c); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/")
}

// safeReturn keeps only local paths, so ?return= can never send a customer to another site.
func safeReturn(raw string) string {
	if raw == "" || !strings.HasPrefix(raw, "/") || strings.HasPrefix(raw, "//") || strings.HasPrefix(raw, "/\\") {
		return "/"
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host != "" || u.Scheme != "" {
		return "/"
	}
	return u.RequestURI()
}
