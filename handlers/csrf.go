package handlers

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"
)

// The CSRF check has two parts. Echo's middleware compares the form's token with the _csrf cookie
// (double submit), which stops other sites but not one that can set cookies for our site (a sibling
// subdomain): it could plant a _csrf cookie and post the matching token. So a logged-in reader's token is
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

// setCSRFCookie makes token the browser's CSRF token (the cookie echo's middleware compares forms with)
// and the one this response's pages render.
func (a *App) setCSRFCookie(c echo.Context, token string) {
	c.SetCookie(&http.Cookie{
		Name: csrfCookie, Value: token, Path: "/", HttpOnly: true, Secure: a.cfg.SecureCookies,
		SameSite: http.SameSiteLaxMode, MaxAge: 86400,
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
		case r.Method == http.MethodGet || r.Method == http.MethodHead || r.Method == http.MethodOptions:
			if u != nil && u.CSRF != "" && csrfToken(c) != u.CSRF {
				// The _csrf cookie outlived (a day) or lost its pair with the session (a week): its
				// forms would post a token the check below refuses, so the cookie gets the session's.
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
