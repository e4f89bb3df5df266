package payway

import (
	"errors"
	"fmt"
	"net/http"
)

// Error is a Payway error body with the HTTP status. The API endpoints answer {code,message}; the token
// endpoint answers OAuth's {error,error_description}, which is what Adeprimo's own plugin reads from a
// failed password grant (decodeError reads both into Code and Message). Callers branch on Code (through
// IsCode) rather than on messages, which are for humans and may change.
type Error struct {
	Status  int
	Code    string // "" when Payway (or a proxy in front of it) sent no machine code
	Message string
}

func (e *Error) Error() string {
	if e.Code == "" {
		return fmt.Sprintf("status %d: %s", e.Status, e.Message)
	}
	return fmt.Sprintf("status %d %s: %s", e.Status, e.Code, e.Message)
}

// IsCode reports whether err is (or wraps) a Payway *Error with the given code.
func IsCode(err error, code string) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == code
}

// IsTokenRejected reports whether Payway refused the bearer token of an API call (401): the token expired
// earlier than its expires_in said (clocks disagree), or Payway revoked it. The call did nothing, so it may
// be repeated with a new token. A refused client (invalid_client at the token endpoint) is not this: a new
// token cannot help.
func IsTokenRejected(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Status == http.StatusUnauthorized && e.Code != CodeInvalidClient
}

// IsBadCredentials reports whether the token endpoint refused a password grant's e-mail or password:
// code invalid_grant (OAuth's, and the sandbox's, for a wrong password or an unknown account), whatever the
// status, because Payway does not publish the token endpoint's statuses (OAuth says 400; some servers
// answer 401). A 400 without any code counts too: a refused grant whose body says no more. Other codes
// (invalid_client, invalid_scope, invalid_request, unsupported_grant_type) are the app's configuration, not
// the reader's typing, and are not bad credentials.
func IsBadCredentials(err error) bool {
	var e *Error
	if !errors.As(err, &e) || e.Status >= 500 {
		return false
	}
	return e.Code == CodeInvalidGrant || (e.Code == "" && e.Status == http.StatusBadRequest)
}

// Refused reports whether Payway answered err with a refusal (a 4xx): the call was not done and, for a
// purchase, the code is its outcome. A 5xx or no answer is not a refusal: its outcome is unknown.
func Refused(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Status >= 400 && e.Status < 500
}

// Code is the machine code of a Payway refusal, or "" (none, or not a Payway error). A refusal without
// a code is named after its status, e.g. "http_404", so it can still be told apart.
func Code(err error) string {
	var e *Error
	if !errors.As(err, &e) {
		return ""
	}
	if e.Code == "" {
		return fmt.Sprintf("http_%d", e.Status)
	}
	return e.Code
}
