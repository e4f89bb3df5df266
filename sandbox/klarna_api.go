package sandbox

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"net/http"
)

// Klarna's HTTP API (reference §0), served under Klarna's own paths. This file holds what every Klarna
// endpoint shares: HTTP Basic auth, the correlation id, the error body and request decoding. The
// handlers are in klarna_api_payments.go, klarna_api_tokens.go and klarna_api_hpp.go.

// correlationHeader carries the id Klarna asks merchants to quote (also correlation_id in error bodies).
const correlationHeader = "Klarna-Correlation-Id"

// klarnaErrorJSON is Klarna's error body: {error_code, error_messages, correlation_id}, plus on token
// orders fraud_status, reason, authorized_payment_method and step_up_id.
type klarnaErrorJSON struct {
	ErrorCode               string             `json:"error_code"`
	ErrorMessages           []string           `json:"error_messages"`
	CorrelationID           string             `json:"correlation_id"`
	FraudStatus             string             `json:"fraud_status,omitempty"`
	Reason                  string             `json:"reason,omitempty"`
	AuthorizedPaymentMethod *paymentMethodJSON `json:"authorized_payment_method,omitempty"`
	StepUpID                string             `json:"step_up_id,omitempty"`
}

// paymentMethodJSON is authorized_payment_method. Klarna's OpenAPI has an object, its guides a plain
// string; the sandbox sends the object.
type paymentMethodJSON struct {
	Type string `json:"type"`
}

func errorBody(e *klarnaError, correlationID string) klarnaErrorJSON {
	b := klarnaErrorJSON{ErrorCode: e.Code, ErrorMessages: e.Messages, CorrelationID: correlationID,
		FraudStatus: e.FraudStatus, Reason: e.Reason, StepUpID: e.StepUpID}
	if b.ErrorMessages == nil {
		b.ErrorMessages = []string{}
	}
	if e.AuthorizedPaymentMethod != "" {
		b.AuthorizedPaymentMethod = &paymentMethodJSON{Type: e.AuthorizedPaymentMethod}
	}
	return b
}

// correlationID returns the request's correlation id, assigning one (and its response header) first.
func correlationID(w http.ResponseWriter) string {
	id := w.Header().Get(correlationHeader)
	if id == "" {
		id = newUUID()
		w.Header().Set(correlationHeader, id)
	}
	return id
}

// writeKlarnaError writes e in Klarna's shape with the request's correlation id.
func writeKlarnaError(w http.ResponseWriter, e *klarnaError) {
	writeJSON(w, e.Status, errorBody(e, correlationID(w)))
}

// klarnaMerchant is a merchant account (MID) of the sandbox: its API username and the payment categories
// its sessions offer. Klarna decides the categories per merchant contract and market, not per request.
type klarnaMerchant struct {
	Username string
	// Categories are the payment_method_categories identifiers of its sessions; nil means the default
	// (defaultCategories: the single klarna category of Klarna's current guide).
	Categories []string
}

// klarnaMerchants are the merchants the sandbox knows; all share KlarnaPassword.
func klarnaMerchants() []klarnaMerchant {
	return []klarnaMerchant{
		{Username: KlarnaUsername},
		{Username: KlarnaSeparateCategoriesUsername, Categories: separateCategories()},
	}
}

type merchantKey struct{}

// merchantOf is the merchant whose credentials authenticated the request (klarnaAPI puts it there); the
// default merchant for internal calls (Payway's own Klarna sessions).
func merchantOf(ctx context.Context) klarnaMerchant {
	if m, ok := ctx.Value(merchantKey{}).(klarnaMerchant); ok {
		return m
	}
	return klarnaMerchants()[0]
}

// authenticateMerchant returns the merchant whose HTTP Basic credentials the request carries. Every
// comparison is constant-time and every merchant is compared, so timing does not tell which part was
// wrong.
func authenticateMerchant(r *http.Request) (klarnaMerchant, bool) {
	user, pass, ok := r.BasicAuth()
	passOK := subtle.ConstantTimeCompare([]byte(pass), []byte(KlarnaPassword)) == 1
	found := -1
	merchants := klarnaMerchants()
	for i, m := range merchants {
		if subtle.ConstantTimeCompare([]byte(user), []byte(m.Username)) == 1 {
			found = i
		}
	}
	if !ok || !passOK || found < 0 {
		return klarnaMerchant{}, false
	}
	return merchants[found], true
}

// klarnaAPI wraps a Klarna API handler: every response carries a Klarna-Correlation-Id, and requests
// without a sandbox merchant's HTTP Basic credentials get 401. The handler finds the merchant with
// merchantOf.
func (s *Server) klarnaAPI(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		correlationID(w)
		m, ok := authenticateMerchant(r)
		if !ok {
			w.Header().Set("WWW-Authenticate", `Basic realm="Klarna API"`)
			writeKlarnaError(w, &klarnaError{Status: http.StatusUnauthorized, Code: "UNAUTHORIZED",
				Messages: []string{"Invalid credentials"}})
			return
		}
		h(w, r.WithContext(context.WithValue(r.Context(), merchantKey{}, m)))
	})
}

// readKlarnaBody reads a JSON object body (empty means {}). Klarna ignores fields it does not know, so
// the sandbox does too; malformed JSON is 400 BAD_REQUEST.
func readKlarnaBody(w http.ResponseWriter, r *http.Request) ([]byte, map[string]json.RawMessage, *klarnaError) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		return nil, nil, &klarnaError{Status: http.StatusBadRequest, Code: "BAD_REQUEST", Messages: []string{"Request body could not be read"}}
	}
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}")
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil || fields == nil {
		return nil, nil, &klarnaError{Status: http.StatusBadRequest, Code: "BAD_REQUEST", Messages: []string{"Request body must be a JSON object"}}
	}
	return body, fields, nil
}

// decodeKlarna unmarshals body into dst, reporting a value of the wrong type as BAD_VALUE on its field.
func decodeKlarna(body []byte, dst any) *klarnaError {
	err := json.Unmarshal(body, dst)
	if err == nil {
		return nil
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return badValue(te.Field)
	}
	return &klarnaError{Status: http.StatusBadRequest, Code: "BAD_REQUEST", Messages: []string{"Invalid request body"}}
}

// decodeKlarnaRequest is readKlarnaBody plus decodeKlarna, for handlers that need only the struct.
func decodeKlarnaRequest(w http.ResponseWriter, r *http.Request, dst any) *klarnaError {
	body, _, kerr := readKlarnaBody(w, r)
	if kerr != nil {
		return kerr
	}
	return decodeKlarna(body, dst)
}

// klarnaBase is the sandbox's own origin as the caller reached it (scheme http unless TLS, the request's
// host): the app reaches the sandbox on the same host:port as the browser, so generated URLs work for both.
func klarnaBase(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
