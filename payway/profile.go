package payway

import (
	"context"
	"errors"
	"net/http"
	"time"
)

// Profile is the account's saved Klarna payment: Payway creates the Klarna customer token at the
// first purchase and keeps it; the app reads it here for one-click purchases and never creates one.
type Profile struct {
	PaymentOption       string // klarna_payments
	KlarnaCustomerToken string // a secret: it charges the customer; keep it server-side
	Updated             time.Time
}

// PaymentProfile returns the saved Klarna payment of the token's account (scope
// /external/me/payment_profile/r). An account without one is an *Error with code "not_found".
func (c *Client) PaymentProfile(ctx context.Context, accessToken string) (Profile, error) {
	var item profileItem
	err := c.do(ctx, request{method: http.MethodGet, path: "/external/api/v1/me/payment_profile",
		bearer: accessToken, env: itemWrap}, &item)
	if err != nil {
		return Profile{}, wrap("payment profile", err)
	}
	if item.KlarnaCustomerToken == "" {
		return Profile{}, wrap("payment profile", errors.New("response has no klarna_customer_token"))
	}
	return Profile{PaymentOption: item.PaymentOption, KlarnaCustomerToken: item.KlarnaCustomerToken,
		Updated: item.Updated.Time}, nil
}
