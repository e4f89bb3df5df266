package payway

import (
	"errors"
	"fmt"
	"testing"
)

// TestErrorPredicates: what the journeys may conclude from a Payway error, without knowing HTTP.
func TestErrorPredicates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                 string
		err                  error
		refused, tokenReject bool
		code                 string
	}{
		{"not a Payway error", errors.New("dial tcp: refused"), false, false, ""},
		{"refusal with a code, wrapped", fmt.Errorf("place order: %w", &Error{Status: 409, Code: "ssn_already_taken"}), true, false, "ssn_already_taken"},
		{"refusal without a code", &Error{Status: 404}, true, false, "http_404"},
		{"expired token", &Error{Status: 401, Code: "invalid_token"}, true, true, "invalid_token"},
		{"bad client is not a token to renew", &Error{Status: 401, Code: "invalid_client"}, true, false, "invalid_client"},
		{"server error: outcome unknown", &Error{Status: 503, Code: "unavailable"}, false, false, "unavailable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Refused(tt.err); got != tt.refused {
				t.Errorf("Refused = %v, want %v", got, tt.refused)
			}
			if got := IsTokenRejected(tt.err); got != tt.tokenReject {
				t.Errorf("IsTokenRejected = %v, want %v", got, tt.tokenReject)
			}
			if got := Code(tt.err); got != tt.code {
				t.Errorf("Code = %q, want %q", got, tt.code)
			}
		})
	}
}

// TestDecodeErrorShapes: the API's {code,message} and the token endpoint's OAuth {error,error_description}
// both become Code and Message, so IsCode and Code work the same on either; bodies that are neither keep
// the status and an excerpt.
func TestDecodeErrorShapes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name               string
		status             int
		body               string
		wantCode, wantMsg  string
		wantBadCredentials bool
	}{
		{"API shape", 400, `{"code":"unknown_parameter","message":"Unknown parameters: a,b"}`,
			"unknown_parameter", "Unknown parameters: a,b", false},
		{"OAuth shape, wrong password", 400, `{"error":"invalid_grant","error_description":"Invalid username or password"}`,
			"invalid_grant", "Invalid username or password", true},
		{"OAuth shape, wrong password answered 401", 401, `{"error":"invalid_grant","error_description":"Bad credentials"}`,
			"invalid_grant", "Bad credentials", true},
		{"OAuth shape, bad client", 401, `{"error":"invalid_client","error_description":"Invalid client credentials"}`,
			"invalid_client", "Invalid client credentials", false},
		{"OAuth shape, bad scope", 400, `{"error":"invalid_scope","error_description":"Unknown scope: /x"}`,
			"invalid_scope", "Unknown scope: /x", false},
		{"OAuth shape without a description", 400, `{"error":"invalid_grant"}`, "invalid_grant", `{"error":"invalid_grant"}`, true},
		{"both shapes: the API's wins", 400, `{"code":"a","message":"m","error":"b","error_description":"d"}`, "a", "m", false},
		{"OAuth error as an object is no code", 400, `{"error":{"code":"x"}}`, "", `{"error":{"code":"x"}}`, true},
		{"no code, 400", 400, `{"message":"Invalid username or password"}`, "", "Invalid username or password", true},
		{"no code, 401", 401, `{"message":"Unauthorized"}`, "", "Unauthorized", false},
		{"server error", 503, `{"error":"service_unavailable","error_description":"down"}`, "service_unavailable", "down", false},
		{"a proxy's page", 502, `<html>Bad gateway</html>`, "", `<html>Bad gateway</html>`, false},
		{"empty body", 400, ``, "", "Bad Request", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := fmt.Errorf("password grant: %w", decodeError(tt.status, []byte(tt.body)))
			var e *Error
			if !errors.As(err, &e) || e.Status != tt.status || e.Code != tt.wantCode || e.Message != tt.wantMsg {
				t.Fatalf("decodeError = %#v, want status %d code %q message %q", e, tt.status, tt.wantCode, tt.wantMsg)
			}
			if tt.wantCode != "" && (!IsCode(err, tt.wantCode) || Code(err) != tt.wantCode) {
				t.Errorf("IsCode/Code do not see %q in %v", tt.wantCode, err)
			}
			if got := IsBadCredentials(err); got != tt.wantBadCredentials {
				t.Errorf("IsBadCredentials = %v, want %v", got, tt.wantBadCredentials)
			}
		})
	}
}
