package handlers

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"sync"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/paywall/paywall/views"
)

// bufferPool lends the render buffers: a page is 4–20 KB, and growing a fresh buffer to that size on every
// request was a tenth of a page view's CPU (allocation and the garbage collector behind it).
type bufferPool struct{ pool sync.Pool }

func newBufferPool() *bufferPool {
	return &bufferPool{pool: sync.Pool{New: func() any { return bytes.NewBuffer(make([]byte, 0, 16<<10)) }}}
}

// get lends a buffer (a nil pool, an App built by hand in a unit test, lends a new one).
func (p *bufferPool) get() *bytes.Buffer {
	if p == nil {
		return new(bytes.Buffer)
	}
	return p.pool.Get().(*bytes.Buffer)
}

// put returns a buffer; very large ones (a demo console table) are left to the collector.
func (p *bufferPool) put(b *bytes.Buffer) {
	if p == nil || b.Cap() > 256<<10 {
		return
	}
	b.Reset()
	p.pool.Put(b)
}

// render buffers the component and only then writes it, so a failing template never sends half a page.
func (a *App) render(c echo.Context, status int, comp templ.Component) error {
	buf := a.buffers.get()
	defer a.buffers.put(buf)
	// Rendering is cheap and must not fail because the browser gave up waiting: no cancellation.
	if err := comp.Render(context.WithoutCancel(c.Request().Context()), buf); err != nil {
		return fmt.Errorf("render: %w", err)
	}
	c.Response().Header()["Cache-Control"] = a.pageHeaders.noStore
	return writeHTML(c, status, buf.Bytes())
}

// writeHTML sends a whole page with its length: without one, net/http sends a page over 2 KB chunked,
// a write more per response (gzip drops the length when it compresses).
func writeHTML(c echo.Context, status int, body []byte) error {
	c.Response().Header()[echo.HeaderContentLength] = []string{strconv.Itoa(len(body))}
	return c.HTMLBlob(status, body)
}

// page is the layout model for this request.
func (a *App) page(c echo.Context, title string) views.Page {
	p := a.sharedPage(title, c)
	p.CSRF = csrfToken(c)
	p.RequestID = requestID(c)
	p.Path = c.Request().URL.RequestURI()
	if u := currentUser(c); u != nil {
		p.User = &views.User{Name: u.Name, Email: u.Email}
	}
	if a.cfg.DemoStrip != nil { // the demo console in sandbox mode only (handlers/demo)
		p.Demo = a.cfg.DemoStrip(c)
	}
	return p
}

// sharedPage is the layout model of a page every reader without a session sees alike (shared_pages.go):
// nobody logged in, no CSRF token, no request id, no demo strip (it needs a session to say anything).
func (a *App) sharedPage(title string, c echo.Context) views.Page {
	return views.Page{Title: title, Env: a.envLabel(), Asset: a.assets.Path, Path: c.Request().URL.Path, Frames: a.frames}
}
