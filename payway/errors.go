package payway

import (
	"errors"
	"fmt"
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
