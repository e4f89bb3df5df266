package views

import (
	"context"
	"io"
	"net/url"
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"github.com/paywall/paywall/internal/paths"
)

// loginLink is the login page coming back to where a /subscribe URL would go back to, so the paywall's
// login link keeps it.
func loginLink(subscribeURL string) string {
	u, err := url.Parse(subscribeURL)
	if err != nil {
		return paths.Login(paths.Home)
	}
	ret := u.Query().Get("return")
	if ret == "" || !strings.HasPrefix(ret, "/") {
		return paths.Login(paths.Home)
	}
	return paths.Login(ret)
}

// statusText is the numeric status as text, for the error page.
func statusText(status int) string { return strconv.Itoa(status) }

// boolAttr is a boolean as an attribute value ("true" or "false"), for tests and scripts to read.
func boolAttr(b bool) string { return strconv.FormatBool(b) }

// isArticle reports whether a return path is an article's page: only then does a page offer "Back to the
// article".
func isArticle(path string) bool {
	_, ok := paths.ArticleSlug(path)
	return ok
}

// freeFor is how long a trial is free, as in "Free for the first month" ("Gratis den första månaden"):
// Swedish needs the definite form, so each unit has its own message.
func freeFor(ctx context.Context, iterationType string, length int) string {
	if iterationType == "month" && length == 12 {
		iterationType, length = "year", 1
	}
	switch iterationType {
	case "year":
		return t(ctx, "SubscribeFreeYears", "Count", length)
	case "month":
		return t(ctx, "SubscribeFreeMonths", "Count", length)
	case "week":
		return t(ctx, "SubscribeFreeWeeks", "Count", length)
	case "day":
		return t(ctx, "SubscribeFreeDays", "Count", length)
	}
	return t(ctx, "SubscribeFreeFor", "Period", loc(ctx).Every(iterationType, length))
}

// text is a string written as an element's text, HTML-escaped exactly as templ escapes `{ s }`:
// `@text(s)` in a template. templ's string expressions go through templ.JoinStringErrs, which formats
// every value with fmt.Sprint (two allocations per expression: a third of a logged-in page's allocations);
// text is called directly and writes the string as it is.
type text string

// Render writes the escaped text.
func (s text) Render(_ context.Context, w io.Writer) error {
	_, err := io.WriteString(w, templ.EscapeString(string(s)))
	return err
}

// classes is a class attribute with the names as given, written as a spread attribute
// (`<dd { classes("a b")... }>`): templ's class={ ... } puts the names in a set (a map) on every render, a
// twentieth of the account page.
type classes string

// Items is the one class attribute.
func (c classes) Items() []templ.KeyValue[string, any] {
	return []templ.KeyValue[string, any]{{Key: "class", Value: string(c)}}
}
