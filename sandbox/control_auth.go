package sandbox

import (
	"crypto/subtle"
	"net/http"
	"strings"
)

// controlAuth guards the whole control API (/sandbox/v1/*, reads included: the scenarios list persona
// credentials) with HTTP Basic when the sandbox is given a control credential: a sandbox reachable beyond
// loopback (PAYWALL_SANDBOX_PUBLIC) must not let anyone reset it, arm faults or read its personas. The
// Payway and Klarna emulations and Klarna's browser side keep their own authentication.
func controlAuth(user, password string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/sandbox/v1/") {
			u, p, ok := r.BasicAuth()
			userOK := subtle.ConstantTimeCompare([]byte(u), []byte(user)) == 1
			passOK := subtle.ConstantTimeCompare([]byte(p), []byte(password)) == 1
			if !ok || !userOK || !passOK {
				w.Header().Set("WWW-Authenticate", `Basic realm="paywall sandbox control"`)
				writePaywayError(w, http.StatusUnauthorized, "unauthorized", "The sandbox's control API needs its credential (the demo console's).")
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}
