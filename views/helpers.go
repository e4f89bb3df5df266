package views

import (
	"net/url"
	"strconv"
	"strings"
)

// returnPath extracts the return parameter of a /subscribe URL so the login link can keep it.
func returnPath(subscribeURL string) string {
	u, err := url.Parse(subscribeURL)
	if err != nil {
		return "/"
	}
	ret := u.Query().Get("return")
	if ret == "" || !strings.HasPrefix(ret, "/") {
		return url.QueryEscape("/")
	}
	return url.QueryEscape(ret)
}

// statusText is the numeric status as text, for the error page.
func statusText(status int) string { return strconv.Itoa(status) }
