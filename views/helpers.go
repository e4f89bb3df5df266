package views

import (
	"net/url"
	"strconv"
	"strings"

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
