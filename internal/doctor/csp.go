package doctor

import (
	"net/url"
	"regexp"
	"strings"
)

// policy is a parsed Content-Security-Policy: directive name to its sources.
type policy map[string][]string

// parsePolicy splits a policy into directives ("script-src 'self' https://x; frame-src ...").
func parsePolicy(csp string) policy {
	p := policy{}
	for _, d := range strings.Split(csp, ";") {
		f := strings.Fields(d)
		if len(f) > 0 {
			p[strings.ToLower(f[0])] = f[1:]
		}
	}
	return p
}

// allows reports whether directive (falling back to default-src, as browsers do) lets a page at self load
// target.
func (p policy) allows(directive string, self, target *url.URL) bool {
	sources, ok := p[directive]
	if !ok {
		sources = p["default-src"]
	}
	for _, s := range sources {
		if sourceMatches(s, self, target) {
			return true
		}
	}
	return false
}

// hostSource is CSP's host-source: [scheme://]host[:port][/path], host possibly starting with "*.".
var hostSource = regexp.MustCompile(`^(?i)(?:([a-z][a-z0-9+.-]*)://)?(\*|(?:\*\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*)(?::(\d+|\*))?(/[^\s;,]*)?$`)

// sourceMatches is CSP Level 3's matching of one source expression against a URL, for the forms a Klarna
// source takes: 'self', *, scheme-only (https:) and host-sources. Other keywords ('none', nonces, hashes)
// match no URL.
func sourceMatches(src string, self, target *url.URL) bool {
	scheme := strings.ToLower(target.Scheme)
	switch {
	case strings.EqualFold(src, "'self'"):
		return self != nil && strings.EqualFold(self.Scheme, scheme) && strings.EqualFold(self.Host, target.Host)
	case strings.HasPrefix(src, "'"):
		return false
	case src == "*":
		return scheme == "http" || scheme == "https"
	case strings.HasSuffix(src, ":") && !strings.Contains(src, "/"):
		return schemeMatches(strings.TrimSuffix(strings.ToLower(src), ":"), scheme)
	}
	m := hostSource.FindStringSubmatch(src)
	if m == nil {
		return false
	}
	srcScheme, host, port, path := strings.ToLower(m[1]), strings.ToLower(m[2]), m[3], m[4]
	if srcScheme == "" && self != nil {
		srcScheme = strings.ToLower(self.Scheme) // a scheme-less source takes the page's scheme
	}
	if srcScheme != "" && !schemeMatches(srcScheme, scheme) {
		return false
	}
	th := strings.ToLower(target.Hostname())
	switch {
	case host == "*":
	case strings.HasPrefix(host, "*."):
		if !strings.HasSuffix(th, host[1:]) {
			return false
		}
	case th != host:
		return false
	}
	switch {
	case port == "*":
	case port == "": // no port: the URL's must be its scheme's default
		if effectivePort(target) != defaultPort(scheme) {
			return false
		}
	case effectivePort(target) != port:
		return false
	}
	switch {
	case path == "" || path == "/":
		return true
	case strings.HasSuffix(path, "/"):
		return strings.HasPrefix(target.EscapedPath(), path)
	}
	return target.EscapedPath() == path
}

// schemeMatches is CSP's scheme rule: equal, or http upgraded to https (and ws to wss).
func schemeMatches(src, target string) bool {
	return src == target || (src == "http" && target == "https") || (src == "ws" && target == "wss")
}

func defaultPort(scheme string) string {
	switch scheme {
	case "http", "ws":
		return "80"
	case "https", "wss":
		return "443"
	}
	return ""
}

func effectivePort(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	return defaultPort(strings.ToLower(u.Scheme))
}

// sourceProblem says what is wrong with one PAYWALL_KLARNA_ORIGINS entry ("" for nothing): it must be a
// host-source naming Klarna's hosts, not a keyword or a wildcard that allows any origin, and https in
// live mode (the pages are https, and an http source would allow a downgrade).
func sourceProblem(src string, live bool) string {
	switch {
	case strings.HasPrefix(src, "'"):
		return src + " is a keyword, not an origin"
	case src == "*":
		return "* allows every origin"
	case strings.HasSuffix(src, ":") && !strings.Contains(src, "/"):
		return src + " allows every origin of that scheme"
	}
	m := hostSource.FindStringSubmatch(src)
	switch {
	case m == nil:
		return src + " is not a CSP host-source (scheme://host[:port])"
	case m[2] == "*":
		return src + " allows every host"
	case live && !strings.EqualFold(m[1], "https"):
		return src + " is not https://"
	}
	return ""
}
