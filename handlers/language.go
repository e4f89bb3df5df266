package handlers

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/paywall/paywall/internal/cookie"
	"github.com/paywall/paywall/internal/i18n"
)

// langCookie remembers the language a reader chose with the footer's link.
const langCookie = "lang"

// localize gives the request its reader's language (i18n.Bundle.Negotiate: the chosen one, else the
// browser's preference among Swedish and English, else Swedish): the views find it in the request's
// context, handlers through tr.
func (a *App) localize(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		chosen := ""
		if v, ok := cookie.Value(r, langCookie); ok {
			chosen = v
		}
		loc := a.i18n.Localizer(a.i18n.Negotiate(chosen, r.Header.Get("Accept-Language")))
		c.SetRequest(r.WithContext(i18n.With(r.Context(), loc)))
		if v, ok := a.pageHeaders.language[string(loc.Lang())]; ok {
			c.Response().Header()["Content-Language"] = v
		} else {
			c.Response().Header().Set("Content-Language", string(loc.Lang()))
		}
		return next(c)
	}
}

// localizer is the request's language (localize).
func localizer(c echo.Context) *i18n.Localizer { return i18n.From(c.Request().Context()) }

// langOf is the reader's language as the catalogues name their translations ("sv", "en").
func langOf(c echo.Context) string { return string(localizer(c).Lang()) }

// tr is the message with the id in the reader's language (i18n.Localizer.T).
func tr(c echo.Context, id string, kv ...any) string { return localizer(c).T(id, kv...) }

// switchLanguage keeps the language the reader chose (?to=sv|en) in a cookie for a year and goes back to
// the page they were on. A language we do not have changes nothing.
func (a *App) switchLanguage(c echo.Context) error {
	if lang, ok := i18n.Parse(c.QueryParam("to")); ok {
		c.SetCookie(&http.Cookie{
			Name: langCookie, Value: string(lang), Path: "/", MaxAge: int((365 * 24 * time.Hour).Seconds()),
			HttpOnly: true, Secure: a.cfg.SecureCookies, SameSite: http.SameSiteLaxMode,
		})
	}
	return c.Redirect(http.StatusSeeOther, safeReturn(c.QueryParam("return")))
}

// msg marks a message id shown later, in the reader's language, by whoever renders it (Error.Message, the
// journey errors' table): the error handler passes it through tr. internal/i18n's
// TestEveryMessageIsTranslated finds msg("Id") calls, so every such id must be in every message file.
func msg(id string) string { return id }
