package handlers

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/paywall/paywall/internal/cookie"
)

// The CSRF check has two parts. checkCSRF compares the form's token with the _csrf cookie (double
// submit), which stops other sites but not one that can set cookies for our site (a sibling subdomain):
// it could plant a _csrf cookie and post the matching token. So a logged-in reader's token is
// also the session's own, made at login and kept server-side: bindCSRFToSession refuses a token that is
// not it. A login makes a new token, so one known before the login is worthless after it.

const csrfCookie = "_csrf"

// newCSRFToken is 32 random bytes, URL-safe.
func newCSRFToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("csrf token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// csrfCookieMaxAge is how long the _csrf cookie lives: a week, the default login's length (a login
// makes a new one, and bindCSRFToSession gives a lost one back). It is set when it is made, not on every
// response as echo's middleware did: a Set-Cookie per page view was a tenth of a logged-in page's work.
const csrfCookieMaxAge = 7 * 24 * 60 * 60

// checkCSRF is the double-submit half of the check, in the shape of echo's CSRF middleware it replaces
// (same answers: 400 for a missing token, 403 for a wrong one or a cross-site request). A browser that
// says the request is same-origin (Sec-Fetch-Site, which pages cannot forge) or typed by the reader
// ("none") needs no token; "cross-site" is refused; "same-site" and browsers without the header send the
// token. Safe methods are never checked; every response that may render a form gets the cookie's token,
// and a reader without the cookie gets a new one.
func (a *App) checkCSRF(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if csrfSkipped(c.Path()) || (sharedRoute(c.Path()) && servesShared(c)) {
			return next(c) // machine endpoints; shared pages carry no form and no token (shared_pages.go)
		}
		r := c.Request()
		token := ""
		if v, ok := cookie.Value(r, csrfCookie); ok {
			token = v
		}
		if !safeMethod(r.Method) {
			switch r.Header.Get("Sec-Fetch-Site") {
			case "same-origin", "none":
			case "cross-site":
				return echo.NewHTTPError(http.StatusForbidden, "cross-site request blocked by CSRF")
			default:
				sent, ok := sentCSRFToken(c)
				if !ok {
					return echo.NewHTTPError(http.StatusBadRequest, "missing csrf token in request header")
				}
				if token == "" || subtle.ConstantTimeCompare([]byte(sent), []byte(token)) != 1 {
					return echo.NewHTTPError(http.StatusForbidden, "invalid csrf token")
				}
			}
		}
		if token == "" {
			fresh, err := newCSRFToken()
			if err != nil {
				return err
			}
			a.setCSRFCookie(c, fresh)
		} else {
			c.Set(csrfContextKey, token)
		}
		a.pageHeaders.addVaryCookie(c.Response().Header()) // the page holds the cookie's token
		return next(c)
	}
}

// sentCSRFToken is the token a request carries: the form's csrf field, else the X-CSRF-Token header.
// ok is false when neither is there at all (a field sent empty is a wrong token, as it was to echo).
func sentCSRFToken(c echo.Context) (token string, ok bool) {
	if form, err := c.FormParams(); err == nil {
		if v, found := form["csrf"]; found && len(v) > 0 {
			return v[0], true
		}
	}
	if v := c.Request().Header.Values("X-CSRF-Token"); len(v) > 0 {
		return v[0], true
	}
	return "", false
}

// safeMethod reports whether method changes nothing (RFC 9110), so carries no CSRF token.
func safeMethod(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return true
	}
	return false
}

// setCSRFCookie makes token the browser's CSRF token (the cookie echo's middleware compares forms with)
// and the one this response's pages render.
func (a *App) setCSRFCookie(c echo.Context, token string) {
	c.SetCookie(&http.Cookie{
		Name: csrfCookie, Value: token, Path: "/", HttpOnly: true, Secure: a.cfg.SecureCookies,
		SameSite: http.SameSiteLaxMode, MaxAge: csrfCookieMaxAge,
	})
	c.Set(csrfContextKey, token)
}

// bindCSRFToSession refuses a logged-in reader's state-changing request whose token is not the session's.
// Requests a browser marks same-origin (Sec-Fetch-Site, which pages cannot forge) pass as they do echo's
// check; sessions from before tokens were bound get the double-submit check only.
func (a *App) bindCSRFToSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		u := currentUser(c)
		switch {
		case safeMethod(r.Method):
			if u != nil && u.CSRF != "" && csrfToken(c) != u.CSRF {
				// The _csrf cookie expired (a week after it was made) or lost its pair with the session:
				// its forms would post a token the check below refuses, so the cookie gets the session's.
				a.setCSRFCookie(c, u.CSRF)
			}
		case u == nil || u.CSRF == "":
		case r.Header.Get("Sec-Fetch-Site") == "same-origin":
		case csrfSkipped(c.Path()):
		default:
			sent := c.FormValue("csrf")
			if sent == "" {
				sent = r.Header.Get("X-CSRF-Token")
			}
			if subtle.ConstantTimeCompare([]byte(sent), []byte(u.CSRF)) != 1 {
				return echo.NewHTTPError(http.StatusForbidden, "invalid csrf token")
			}
		}
		return next(c)
	}
}
