package handlers

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/paywall/paywall/internal/cache"
	"github.com/paywall/paywall/internal/cookie"
	"github.com/paywall/paywall/internal/paths"
)

// Pages a reader without a session sees are the same for every such reader: the home page and the
// articles with their paywall. A breaking story sends most of its traffic there, so those pages are
// rendered once and served as bytes (sharedPageTTL, the same as the articles behind them, which the app
// never writes). They carry no CSRF token and no request id (that stays in the X-Request-ID header), and the
// CSRF middleware sets no cookie on them (csrfSkipped): nothing in them is the reader's own.

// sharedPageTTL is how long a shared page is served from memory.
const sharedPageTTL = 30 * time.Second

// fragments holds parts of pages that are the same for many readers (an article's text for everyone who
// may read it), rendered once for sharedPageTTL; the page around them is rendered per request.
type fragments = cache.TTL[string, string]

func newFragments(now func() time.Time) *fragments {
	return cache.New[string, string](sharedPageTTL, 1_000, now)
}

// fragment is the rendered component kept under key (which must name everything the component shows).
func (a *App) fragment(ctx context.Context, key string, comp templ.Component) (string, error) {
	return a.fragments.Get(ctx, key, func(ctx context.Context) (string, error) {
		buf := a.buffers.get()
		defer a.buffers.put(buf)
		if err := comp.Render(ctx, buf); err != nil {
			return "", fmt.Errorf("render %s: %w", key, err)
		}
		return buf.String(), nil
	})
}

// sharedPages holds the rendered bytes by page key (sharedPageKey).
type sharedPages = cache.TTL[string, []byte]

func newSharedPages(now func() time.Time) *sharedPages {
	return cache.New[string, []byte](sharedPageTTL, 1_000, now)
}

// sharedRoute reports whether the route's pages are shared by readers without a session.
func sharedRoute(route string) bool {
	return route == paths.Home || route == paths.ArticlePattern || route == paths.SubscribePage
}

// servesShared reports whether this request gets the shared page: a GET or HEAD without a session cookie
// (a reader with a session may be logged in or running a demo scenario, and sees a page of their own).
func servesShared(c echo.Context) bool {
	r := c.Request()
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	_, has := cookie.Value(r, sessionName)
	return !has
}

// sharedPageKey names a shared page: its language and the request path (one page per article).
func sharedPageKey(c echo.Context) string {
	return string(localizer(c).Lang()) + " " + c.Request().URL.Path
}

// renderShared answers with the shared page for this request, building it with build (rendered for a
// reader without a session) the first time and after sharedPageTTL. A failing build is not kept: the
// error goes to the error handler, and the next request tries again.
func (a *App) renderShared(c echo.Context, build func(ctx context.Context) (templ.Component, error)) error {
	return a.renderSharedAs(c, sharedPageKey(c), build)
}

// renderSharedAs is renderShared under a key of the caller's: one that names everything the page shows
// (the offers page: language, chosen offer, way back).
func (a *App) renderSharedAs(c echo.Context, key string, build func(ctx context.Context) (templ.Component, error)) error {
	body, err := a.shared.Get(c.Request().Context(), key, func(ctx context.Context) ([]byte, error) {
		comp, err := build(ctx)
		if err != nil {
			return nil, err
		}
		buf := a.buffers.get()
		defer a.buffers.put(buf)
		if err := comp.Render(ctx, buf); err != nil {
			return nil, fmt.Errorf("render shared page: %w", err)
		}
		return append([]byte(nil), buf.Bytes()...), nil
	})
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return writeHTML(c, http.StatusOK, body)
}
