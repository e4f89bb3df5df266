package klarna

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/paywall/paywall/internal/apilog"
)

// decodeResponse turns one Klarna response into out (status 2xx) or an *Error (anything else). It is a
// pure function so the fuzz test can drive it with arbitrary bytes. out nil means the body is not needed
// (204 answers).
func decodeResponse(status int, correlationID string, body []byte, out any) error {
	if status < 200 || status > 299 {
		return decodeError(status, correlationID, body)
	}
	if out == nil {
		return nil
	}
	if len(strings.TrimSpace(string(body))) == 0 {
		return errors.New("decode response: empty body")
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("decode response: %w", err)
	}
	return nil
}

// errorBody is Klarna's error JSON; fields are raw so one field of an unexpected type does not lose
// the others.
type errorBody struct {
	ErrorCode               json.RawMessage `json:"error_code"`
	ErrorMessages           json.RawMessage `json:"error_messages"`
	CorrelationID           json.RawMessage `json:"correlation_id"`
	StepUpID                json.RawMessage `json:"step_up_id"`
	FraudStatus             json.RawMessage `json:"fraud_status"`
	Reason                  json.RawMessage `json:"reason"`
	AuthorizedPaymentMethod json.RawMessage `json:"authorized_payment_method"`
}

// decodeError builds the *Error for a non-2xx response. A body that is not Klarna's JSON keeps the
// status, an empty ErrorCode and a bounded, valid-UTF-8 excerpt as its only message.
func decodeError(status int, correlationID string, body []byte) *Error {
	e := &Error{Status: status}
	var b errorBody
	if json.Unmarshal(body, &b) == nil {
		e.ErrorCode = stringOf(b.ErrorCode)
		e.ErrorMessages = stringsOf(b.ErrorMessages)
		e.CorrelationID = stringOf(b.CorrelationID)
		e.StepUpID = stringOf(b.StepUpID)
		e.FraudStatus = stringOf(b.FraudStatus)
		e.Reason = stringOf(b.Reason)
		var pm PaymentMethod
		if len(b.AuthorizedPaymentMethod) > 0 && json.Unmarshal(b.AuthorizedPaymentMethod, &pm) == nil {
			e.AuthorizedPaymentMethod = pm.Type
		}
	}
	if e.CorrelationID == "" {
		e.CorrelationID = correlationID
	}
	if len(e.ErrorMessages) == 0 {
		if ex := apilog.Excerpt(body); ex != "" && e.ErrorCode == "" {
			e.ErrorMessages = []string{ex}
		}
	}
	if len(e.ErrorMessages) == 0 && e.ErrorCode == "" {
		if text := http.StatusText(status); text != "" {
			e.ErrorMessages = []string{text}
		}
	}
	return e
}

// stringOf decodes a raw JSON string; "" for anything else.
func stringOf(raw json.RawMessage) string {
	var s string
	if len(raw) > 0 && json.Unmarshal(raw, &s) == nil {
		return s
	}
	return ""
}

// stringsOf decodes error_messages: an array of strings (non-strings skipped) or a single string.
func stringsOf(raw json.RawMessage) []string {
	if s := stringOf(raw); s != "" {
		return []string{s}
	}
	var items []json.RawMessage
	if len(raw) == 0 || json.Unmarshal(raw, &items) != nil {
		return nil
	}
	var out []string
	for _, it := range items {
		if s := stringOf(it); s != "" {
			out = append(out, s)
		}
	}
	return out
}
