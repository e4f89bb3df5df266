// Package cookie reads one cookie of a request without parsing the others.
//
// net/http's Request.Cookie parses every cookie of the Cookie header into a new http.Cookie each time it
// is called, and a page view asks for three (the session, the CSRF token, the language) in four places:
// that was a twentieth of a logged-in page's allocations. Value finds the one it is asked for.
package cookie

import (
	"net/http"
	"strings"
)

// Value is the value of the request's cookie called name, as Request.Cookie would give it (quotes
// around the value removed; a value with bytes a cookie may not hold counts as absent). ok is false when
// the request has no such cookie.
func Value(r *http.Request, name string) (value string, ok bool) {
	for _, line := range r.Header["Cookie"] {
		for part := range strings.SplitSeq(line, ";") {
			part = strings.TrimSpace(part)
			k, v, _ := strings.Cut(part, "=") // "name" alone is the cookie with an empty value
			if k != name {
				continue
			}
			if v, ok := cleanValue(v); ok {
				return v, true
			}
		}
	}
	return "", false
}

// cleanValue is net/http's parseCookieValue: optional surrounding quotes, and only the bytes RFC 6265
// allows (net/http also lets spaces and commas through).
func cleanValue(v string) (string, bool) {
	if len(v) > 1 && v[0] == '"' && v[len(v)-1] == '"' {
		v = v[1 : len(v)-1]
	}
	for i := 0; i < len(v); i++ {
		if b := v[i]; b < 0x20 || b >= 0x7f || b == '"' || b == ';' || b == '\\' {
			return "", false
		}
	}
	return v, true
}
