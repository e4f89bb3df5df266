package sandbox

import (
	"mime"
	"net/http"
	"strings"
)

// controlPrefix is where the control API lives: reset, faults, clock, authorize. Nothing under it is for
// a browser page; the sandbox's own pages (widget, authorize dialog, hosted payment page) post to /kp/
// and /hpp/ instead.
const controlPrefix = "/sandbox/v1/"

// changesState reports whether a control route changes the sandbox (anything but a read), and so must be
// out of reach of web pages.
func changesState(method, path string) bool {
	if !strings.HasPrefix(path, controlPrefix) {
		return false
	}
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return false
	}
	return true
}

// controlGuard keeps other web pages away from a state-changing control endpoint. The control API has no
// credential (it is a developer tool on loopback), so without this any page a developer visits could
// reset the sandbox or arm faults with a form post or a fetch: browsers send those "simple" requests
// cross-site without asking first. Two checks close that:
//
//   - a request a browser says comes from another origin (Origin, or Sec-Fetch-Site other than
//     same-origin/none) is refused with 403. Scripts, Go clients and the app's demo console, which calls
//     the control API server-side, send no Origin and pass;
//   - the body must be declared application/json (415 otherwise): a cross-site page cannot send that
//     Content-Type without a CORS preflight, which the sandbox never grants, so even a browser that sends
//     neither header cannot get through.
func controlGuard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !sameOriginControl(r) {
			writePaywayError(w, http.StatusForbidden, "forbidden",
				"The sandbox control API refuses requests from other origins (Origin "+quoteOrigin(r)+
					"); call it from a script or server, which sends no Origin header")
			return
		}
		mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil || mt != "application/json" {
			writePaywayError(w, http.StatusUnsupportedMediaType, "unsupported_media_type",
				"Content-Type must be application/json on "+r.Method+" "+r.URL.Path+" (send {} when there is nothing to say)")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// sameOriginControl reports whether a control request comes from the sandbox's own origin or from a
// client that is not a web page (no Origin, no Sec-Fetch-Site). "null" (sandboxed frames, file: pages) is
// another origin.
func sameOriginControl(r *http.Request) bool {
	switch strings.ToLower(r.Header.Get("Sec-Fetch-Site")) {
	case "", "same-origin", "none":
	default: // cross-site, same-site (another port or subdomain is another origin), anything new
		return false
	}
	o, sent := r.Header["Origin"]
	if !sent {
		return true
	}
	return len(o) == 1 && originOf(o[0]) != "" && originOf(o[0]) == originOf(klarnaBase(r))
}

// quoteOrigin names the refused origin for the error message, bounded so a huge header is not echoed.
func quoteOrigin(r *http.Request) string {
	o := r.Header.Get("Origin")
	if o == "" {
		return "not sent, Sec-Fetch-Site " + strings.ToLower(r.Header.Get("Sec-Fetch-Site"))
	}
	if len(o) > 100 {
		o = o[:100] + "…"
	}
	return `"` + o + `"`
}
