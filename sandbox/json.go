package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"slices"
	"strings"
)

// maxBodyBytes caps request bodies; the sandbox never needs more and a runaway client should fail fast.
const maxBodyBytes = 1 << 20

// paywayError is Payway's error body: a machine code and a human message, with the HTTP status.
type paywayError struct {
	status  int
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (e *paywayError) Error() string { return fmt.Sprintf("%d %s: %s", e.status, e.Code, e.Message) }

// writeJSON writes v as the JSON response body with the given status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(v); err != nil {
		// Only unencodable Go values get here: a sandbox bug, not a client mistake.
		status = http.StatusInternalServerError
		buf.Reset()
		buf.WriteString(`{"code":"internal_server_error","message":"Internal server error"}` + "\n")
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// writeItem writes a single object in Payway's {"item": ...} envelope.
func writeItem(w http.ResponseWriter, status int, item any) {
	writeJSON(w, status, struct {
		Item any `json:"item"`
	}{item})
}

// writePaywayError writes Payway's {code,message} error body.
func writePaywayError(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, paywayError{Code: code, Message: message})
}

// paywayTokenPath is Payway's token endpoint, whose errors are OAuth-shaped (writeOAuthError).
const paywayTokenPath = "/api/authorization/access_token"

// oauthError is the token endpoint's error body, {"error","error_description"} as in OAuth 2.0 (RFC 6749
// §5.2). Payway publishes no error body for this endpoint; Adeprimo's own WordPress plugin reads these two
// members from a failed password grant (reference §4.4), so the sandbox answers in that shape rather than
// the {code,message} of the API endpoints.
type oauthError struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

// writePaywayErrorAt writes a Payway error in the shape of the endpoint at path: OAuth's for the token
// endpoint, {code,message} elsewhere. The code is the same either way.
func writePaywayErrorAt(w http.ResponseWriter, path string, status int, code, message string) {
	if path == paywayTokenPath {
		writeJSON(w, status, oauthError{Error: code, Description: message})
		return
	}
	writePaywayError(w, status, code, message)
}

// writePaywayErr writes err as a Payway error in the shape of the request's endpoint: a *paywayError as
// itself, anything else as a logged 500 (internal details stay in the log, as they would at Payway).
func (s *Server) writePaywayErr(w http.ResponseWriter, r *http.Request, err error) {
	var pe *paywayError
	if errors.As(err, &pe) {
		writePaywayErrorAt(w, r.URL.Path, pe.status, pe.Code, pe.Message)
		return
	}
	s.log.ErrorContext(r.Context(), "sandbox internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	writePaywayErrorAt(w, r.URL.Path, http.StatusInternalServerError, "internal_server_error", "Internal server error")
}

// decodeJSON reads a JSON object request body into dst (a pointer to a struct) the way Payway does:
// parameters dst does not declare are rejected with 400 unknown_parameter, naming all of them, so a
// client typo fails here as it would against the real API instead of being silently ignored.
func decodeJSON(w http.ResponseWriter, r *http.Request, dst any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
			return &paywayError{status: http.StatusBadRequest, Code: "invalid_request",
				Message: "Content-Type must be application/json"}
		}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		return &paywayError{status: http.StatusBadRequest, Code: "invalid_request", Message: "Request body could not be read"}
	}
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}")
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil {
		return &paywayError{status: http.StatusBadRequest, Code: "invalid_request", Message: "Request body must be a JSON object"}
	}
	known := jsonFieldNames(reflect.TypeOf(dst))
	var unknown []string
	for name := range fields {
		if !slices.Contains(known, name) {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		return unknownParameters(unknown)
	}
	if err := json.Unmarshal(body, dst); err != nil {
		return &paywayError{status: http.StatusBadRequest, Code: "invalid_request", Message: "Invalid parameter value: " + err.Error()}
	}
	return nil
}

// unknownParameters is Payway's documented error for parameters an endpoint does not take.
func unknownParameters(names []string) *paywayError {
	return &paywayError{status: http.StatusBadRequest, Code: "unknown_parameter",
		Message: "Unknown parameters: " + strings.Join(names, ",")}
}

// jsonFieldNames lists the top-level JSON names a struct (or pointer to struct) decodes.
func jsonFieldNames(t reflect.Type) []string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	var names []string
	for f := range t.Fields() {
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			// encoding/json promotes the fields of embedded structs, exported or not.
			names = append(names, jsonFieldNames(f.Type)...)
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		names = append(names, name)
	}
	return names
}
