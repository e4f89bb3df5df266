package sandbox

import (
	"bytes"
	"embed"
	"encoding/json"
	"html/template"
	"net/http"
	"net/url"
	"strings"
)

// The browser side of the sandbox (Klarna's origin): the SDK stand-in, the widget and authorize-dialog
// pages it frames, the hosted payment page and the device-recognition redirect. The assets are embedded
// so `paywall sandbox` is one binary that works offline.

//go:embed assets
var browserAssets embed.FS

// browserPages holds the parsed page templates. It is built once at package initialisation and never
// changed, so it is shared read-only state, not mutable state.
var browserPages = template.Must(template.ParseFS(browserAssets, "assets/*.html"))

// sdkOriginMarker is where api.js receives the sandbox origin.
const sdkOriginMarker = `/*SANDBOX_ORIGIN*/""`

// parseOrigin accepts a web origin (scheme://host[:port], http or https, nothing else) and returns it in
// its canonical form, or "" when s is not one. The SDK passes the merchant page's origin this way, and
// the sandbox posts messages to it only after this check; "*" or "null" never pass.
func parseOrigin(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return ""
	}
	return canonicalOrigin(u)
}

// originOf returns the origin of an absolute http(s) URL, or "".
func originOf(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return ""
	}
	return canonicalOrigin(u)
}

// canonicalOrigin serialises a URL's origin as browsers do (lower case, no default port), so origins
// from a request's Host, a merchant URL and window.location.origin compare equal; "" unless http(s).
func canonicalOrigin(u *url.URL) string {
	scheme := strings.ToLower(u.Scheme)
	if (scheme != "http" && scheme != "https") || u.Host == "" || u.Opaque != "" {
		return ""
	}
	host, port := strings.ToLower(u.Hostname()), u.Port()
	if strings.Contains(host, ":") {
		host = "[" + host + "]" // IPv6 literal
	}
	if port == "" || (scheme == "http" && port == "80") || (scheme == "https" && port == "443") {
		return scheme + "://" + host
	}
	return scheme + "://" + host + ":" + port
}

// sameOriginPost reports whether a form post comes from the sandbox's own pages (or from a client that
// sends no Origin, such as a test): the dialog and the hosted page accept nothing posted from elsewhere.
func sameOriginPost(r *http.Request) bool {
	o := r.Header.Get("Origin")
	return o == "" || originOf(o) == originOf(klarnaBase(r))
}

// pageHeaders are set on every HTML page of the sandbox's Klarna origin. frameAncestors is the one origin
// allowed to frame the page ("" forbids framing), so a widget or dialog can be embedded only by the page
// whose origin it posts to.
func pageHeaders(w http.ResponseWriter, frameAncestors string) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	// same-origin, not no-referrer: with no-referrer Chromium sends "Origin: null" on the pages' own form
	// posts, and the posts check Origin.
	h.Set("Referrer-Policy", "same-origin")
	ancestors := "'none'"
	if frameAncestors != "" {
		ancestors = frameAncestors
	}
	// No form-action: Chromium applies it to the redirect after a form post, and the hosted payment page's
	// POST ends in a 303 to the merchant's site.
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; script-src 'unsafe-inline'; "+
		"base-uri 'none'; frame-ancestors "+ancestors)
}

// renderPage executes a page template into a buffer first, so a template error becomes a clean 500 instead
// of half a page.
func (s *Server) renderPage(w http.ResponseWriter, r *http.Request, status int, name, frameAncestors string, data any) {
	var buf bytes.Buffer
	if err := browserPages.ExecuteTemplate(&buf, name, data); err != nil {
		s.log.ErrorContext(r.Context(), "sandbox page", "template", name, "err", err)
		http.Error(w, "sandbox: page failed to render", http.StatusInternalServerError)
		return
	}
	pageHeaders(w, frameAncestors)
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// messagePage is message.html's data: a plain page with a heading and a sentence.
type messagePage struct {
	Title, Heading, Text, TestID, Status string
	T                                    frameTexts // the copy around the text; English when not set
}

// renderMessage shows a plain sandbox page (errors, HPP results) that nobody may frame.
func (s *Server) renderMessage(w http.ResponseWriter, r *http.Request, status int, p messagePage) {
	if p.Title == "" {
		p.Title = "Klarna (sandbox)"
	}
	if p.TestID == "" {
		p.TestID = "klarna-message"
	}
	if p.T.Lang == "" {
		p.T = enFrameTexts()
	}
	s.renderPage(w, r, status, "message.html", "", p)
}

// browserSDK serves GET /kp/lib/v1/api.js, the stand-in for Klarna's SDK, with this sandbox's origin
// built in. Merchant pages load it cross-site, hence the permissive resource policy.
func (s *Server) browserSDK(w http.ResponseWriter, r *http.Request) {
	src, err := browserAssets.ReadFile("assets/api.js")
	if err != nil {
		http.Error(w, "sandbox: api.js missing", http.StatusInternalServerError)
		return
	}
	origin, err := json.Marshal(originOf(klarnaBase(r))) // a JSON string is a valid JS string literal
	if err != nil {
		http.Error(w, "sandbox: api.js origin", http.StatusInternalServerError)
		return
	}
	src = bytes.Replace(src, []byte(sdkOriginMarker), origin, 1)
	h := w.Header()
	h.Set("Content-Type", "text/javascript; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cross-Origin-Resource-Policy", "cross-origin")
	_, _ = w.Write(src)
}

// browserCSS serves GET /kp/assets/sandbox.css for the sandbox's own pages.
func (s *Server) browserCSS(w http.ResponseWriter, r *http.Request) {
	css, err := browserAssets.ReadFile("assets/sandbox.css")
	if err != nil {
		http.Error(w, "sandbox: css missing", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/css; charset=utf-8")
	h.Set("Cache-Control", "public, max-age=300")
	h.Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(css)
}

// browserBadge serves GET /payment-method/assets/badges/generic/klarna.svg, the sandbox's stand-in for
// Klarna's generic badge, which every payment category names as its asset (klarnaBadgePath). Merchant pages
// show it cross-site, hence the permissive resource policy; the policy of its own keeps the SVG inert when
// opened directly.
func (s *Server) browserBadge(w http.ResponseWriter, r *http.Request) {
	svg, err := browserAssets.ReadFile("assets/klarna-badge.svg")
	if err != nil {
		http.Error(w, "sandbox: badge missing", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "image/svg+xml")
	h.Set("Cache-Control", "public, max-age=86400")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cross-Origin-Resource-Policy", "cross-origin")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	_, _ = w.Write(svg)
}
