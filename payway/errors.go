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
