package payway

import (
	"errors"
	"fmt"
	"net/http"
)

// Error is Payway's {code,message} error body with the HTTP status. Callers branch on Code (through
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
	return errors.As(err, &e) && e.Status == http.StatusUnauthorized && e.Code != "invalid_client"
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
