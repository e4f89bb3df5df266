package klarna

import (
	"errors"
	"fmt"
	"strings"
)

// Error codes the paywall branches on (Klarna's error_code values).
const (
	CodeBadValue                 = "BAD_VALUE"
	CodeBadRequest               = "BAD_REQUEST"
	CodeNotFound                 = "NOT_FOUND"
	CodeInvalidOperation         = "INVALID_OPERATION"
	CodeSessionCompleted         = "SESSION_COMPLETED"
	CodeTokenNotFound            = "TOKEN_NOT_FOUND"
	CodeTokenCancelled           = "TOKEN_CANCELLED"
	CodeTokenSuspended           = "TOKEN_SUSPENDED"
	CodeUnavailablePaymentMethod = "UNAVAILABLE_PAYMENT_METHOD"
	CodePaymentMethodFailed      = "PAYMENT_METHOD_FAILED"
)

// Error is Klarna's error body with the HTTP status: {error_code, error_messages, correlation_id} and,
// on a rejected token order, fraud_status, reason, authorized_payment_method and step_up_id (the
// step-up trigger). Callers branch on ErrorCode (through IsCode) and StepUpID, not on messages.
type Error struct {
	Status        int
	ErrorCode     string // "" when the body was not Klarna's (a proxy's page, an empty 401)
	ErrorMessages []string
	CorrelationID string // from the body, else the Klarna-Correlation-Id header
	StepUpID      string
	FraudStatus   string
	Reason        string
	// AuthorizedPaymentMethod is authorized_payment_method.type of a rejected token order, e.g. "card".
	AuthorizedPaymentMethod string
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "status %d", e.Status)
	if e.ErrorCode != "" {
		b.WriteString(" " + e.ErrorCode)
	}
	if len(e.ErrorMessages) > 0 {
		b.WriteString(": " + strings.Join(e.ErrorMessages, "; "))
	}
	if e.CorrelationID != "" {
		b.WriteString(" (correlation id " + e.CorrelationID + ")")
	}
	return b.String()
}

// IsCode reports whether err is (or wraps) a Klarna *Error with the given error_code.
func IsCode(err error, code string) bool {
	var e *Error
	return errors.As(err, &e) && e.ErrorCode == code
}

// StepUpID returns the step-up trigger of a rejected token order, "" when err carries none.
func StepUpID(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.StepUpID
	}
	return ""
}

// Answered reports whether Klarna answered err with a refusal of its own: a 4xx with an error_code,
// other than 401 (our credentials) and 429 (slow down). Such a call is known not done and its code says
// why; anything else (5xx, a timeout, a proxy's page) leaves the outcome unknown.
func Answered(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Status >= 400 && e.Status < 500 && e.Status != 401 && e.Status != 429 &&
		e.ErrorCode != ""
}

// IsNotFound reports whether Klarna answered 404: the token, session or authorization does not exist.
func IsNotFound(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Status == 404
}

// IsForbidden reports whether Klarna answered 403: it refused the operation for this merchant or token.
func IsForbidden(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Status == 403
}
