package handlers

import (
	"bytes"
	"context"
	"fmt"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/paywall/paywall/views"
)

// render buffers the component and only then writes it, so a failing template never sends half a page.
func (a *App) render(c echo.Context, status int, comp templ.Component) error {
	var buf bytes.Buffer
	// Rendering is cheap and must not fail because the browser gave up waiting: no cancellation.
	if err := comp.Render(context.WithoutCancel(c.Request().Context()), &buf); err != nil {
		return fmt.Errorf("render: %w", err)
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.HTMLBlob(status, buf.Bytes())
}

// page is the layout model for this request.
func (a *App) page(c echo.Context, title string) views.Page {
	p := views.Page{
		Title:     title,
		Env:       a.envLabel(),
		CSRF:      csrfToken(c),
		RequestID: requestID(c),
		Asset:     a.assets.Path,
	}
	if u := currentUser(c); u != nil {
		p.User = &views.User{Name: u.Name, Email: u.Email}
	}
	if a.cfg.DemoStrip != nil { // the demo console in sandbox mode only (handlers/demo)
		p.Demo = a.cfg.DemoStrip(c)
	}
	return p
}
