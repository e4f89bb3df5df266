package klarna

import (
	"errors"
	"fmt"
	"testing"
)

// TestErrorPredicates: what the journeys may conclude from a Klarna error, without knowing HTTP.
func TestErrorPredicates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                          string
		err                           error
		answered, notFound, forbidden bool
	}{
		{"not a Klarna error", errors.New("timeout"), false, false, false},
		{"token not found, wrapped", fmt.Errorf("x: %w", &Error{Status: 404, ErrorCode: CodeTokenNotFound}), true, true, false},
		{"refused with step-up", &Error{Status: 403, ErrorCode: CodeUnavailablePaymentMethod, StepUpID: "s"}, true, false, true},
		{"our credentials", &Error{Status: 401, ErrorCode: "UNAUTHORIZED"}, false, false, false},
		{"slow down", &Error{Status: 429, ErrorCode: "TOO_MANY_REQUESTS"}, false, false, false},
		{"a proxy's 404 page", &Error{Status: 404}, false, true, false},
		{"server error", &Error{Status: 503, ErrorCode: "SERVICE_UNAVAILABLE"}, false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Answered(tt.err); got != tt.answered {
				t.Errorf("Answered = %v, want %v", got, tt.answered)
			}
			if got := IsNotFound(tt.err); got != tt.notFound {
				t.Errorf("IsNotFound = %v, want %v", got, tt.notFound)
			}
			if got := IsForbidden(tt.err); got != tt.forbidden {
				t.Errorf("IsForbidden = %v, want %v", got, tt.forbidden)
			}
		})
	}
}
