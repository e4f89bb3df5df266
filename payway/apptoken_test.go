package payway_test

import (
	"github.com/paywall/paywall/payway"
	"net/http"
	"testing"
)

// TestAppToken: a token without identity prices offers (payment_periods) but cannot act as a customer.
func TestAppToken(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	tok, err := e.client.AppToken(t.Context(), nil)
	if err != nil {
		t.Fatalf("AppToken: %v", err)
	}
	if tok.AccessToken == "" || tok.RefreshToken != "" || tok.ExpiresAt.IsZero() {
		t.Fatalf("token %+v: want an access token with expiry and no refresh token", tok)
	}
	tests := []struct {
		name   string
		call   func() error
		status int
		code   string
	}{
		{"payment periods need no identity", func() error {
			_, err := e.client.PaymentPeriods(t.Context(), tok.AccessToken, "digital")
			return err
		}, 0, ""},
		{"me needs identity", func() error {
			_, err := e.client.Me(t.Context(), tok.AccessToken)
			return err
		}, http.StatusForbidden, "insufficient_scope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if tt.status == 0 {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantAPIError(t, err, tt.status, tt.code)
		})
	}
	bad := e.newClient(func(c *payway.Config) { c.ClientSecret = "wrong" })
	_, err = bad.AppToken(t.Context(), nil)
	wantAPIError(t, err, http.StatusUnauthorized, "invalid_client")
}
