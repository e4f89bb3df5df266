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
