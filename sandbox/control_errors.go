package sandbox

import (
	"net/http"
	"strings"
)

// klarnaShaped reports whether path belongs to Klarna's side of the sandbox (its API and its browser
// origin), whose errors use Klarna's body rather than Payway's {code, message}.
func klarnaShaped(path string) bool {
	for _, p := range []string{"/payments/", "/customer-token/", "/hpp/", "/kp/"} {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}

// writeKlarnaShaped writes an error raised outside the Klarna core (faults, the control API, unknown
// routes) in Klarna's shape, with a correlation id, as writeKlarnaError does for core errors.
func writeKlarnaShaped(w http.ResponseWriter, status int, code string, messages ...string) {
	writeKlarnaError(w, &klarnaError{Status: status, Code: code, Messages: messages})
}
