package payway

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"time"
)

// Klarna purchases through Payway ("Klarna payments – existing customer"): PaymentPeriods lists what
// a code can be bought for, CreateSession opens a purchase session (and a Klarna payments session for
// the widget), PlaceOrder / PlaceTrialOrder charge the Klarna authorization and create Payway's order,
// payment and subscription.

const klarnaPaymentsPath = "/external/api/v1/klarna_payments/"

// PaymentPeriod is a period a package or campaign can be bought for with Klarna.
type PaymentPeriod struct {
	ID              string  `json:"id"`             // pass as CreateSessionRequest.PeriodID
	PaymentMethod   string  `json:"payment_method"` // klarna_payments
	Type            string  `json:"type"`           // recurring (always, for campaigns)
	Enabled         bool    `json:"enabled"`
	IterationType   string  `json:"iteration_type"`   // month
	IterationLength int     `json:"iteration_length"` // iterations of IterationType per charge
	Price           float64 `json:"price"`            // in the currency's major unit (kronor), incl. VAT
}

// PaymentPeriods returns the Klarna payment periods of a package or campaign code (scope
// /external/klarna_payments/r; the token need not have an identity). An unknown code is an *Error
// with code "not_found".
func (c *Client) PaymentPeriods(ctx context.Context, accessToken, code string) ([]PaymentPeriod, error) {
	if code == "" {
		return nil, errors.New("payway: payment periods: code is required")
	}
	var body struct {
		Items []PaymentPeriod `json:"items"`
	}
	err := c.do(ctx, request{method: http.MethodGet, path: klarnaPaymentsPath + "payment_periods",
		query: url.Values{"code": {code}}, bearer: accessToken, env: bare}, &body)
	if err != nil {
		return nil, wrap("payment periods", err)
	}
	if body.Items == nil {
		body.Items = []PaymentPeriod{}
	}
	return body.Items, nil
}

// CreateSessionRequest is create_session's body (v1).
type CreateSessionRequest struct {
	// Code is a package or campaign code.
	Code string `json:"code"`
	// PeriodType is "recurring" or "limited" (always "recurring" for campaigns); v1 requires it unless
	// PeriodID is given.
	PeriodType string `json:"period_type,omitempty"`
	// PeriodID is a PaymentPeriod.ID; trial campaigns require it.
	PeriodID string `json:"period_id,omitempty"`
	// ConfirmationURL is where the browser ends up after the purchase (absolute http(s) URL).
	ConfirmationURL string `json:"confirmation_url"`
	// StartDate is the subscription start, YYYY-MM-DD, today or later; "" means now.
	StartDate string `json:"start_date,omitempty"`
	// DisableAccountInfoOverwrite keeps Klarna's customer data from overwriting account details.
	DisableAccountInfoOverwrite bool `json:"disable_account_info_overwrite,omitempty"`
}

// Session is an open purchase session: render Klarna's widget with ClientToken and one of the
// PaymentMethodCategories, then place the order with KlarnaSessionID within 48 hours.
type Session struct {
	KlarnaSessionID         string
	ClientToken             string
	PaymentMethodCategories []PaymentMethodCategory
	ExpiresAt               time.Time // zero when Payway does not say
}

// CreateSession opens a purchase session (identity token, scope /external/klarna_payments/w).
// Documented failures: 400 invalid_parameter / unknown_parameter, 409 package_already_active.
func (c *Client) CreateSession(ctx context.Context, accessToken string, req CreateSessionRequest) (Session, error) {
	var item sessionItem
	err := c.do(ctx, request{method: http.MethodPost, path: klarnaPaymentsPath + "create_session",
		json: req, bearer: accessToken, env: itemWrap}, &item)
	if err != nil {
		return Session{}, wrap("create session", err)
	}
	if item.KlarnaClientToken == "" || item.KlarnaPaymentsSessionID == "" {
		return Session{}, wrap("create session", errors.New("response lacks the Klarna session id or client token"))
	}
	cats := item.PaymentMethodCategories
	if cats == nil {
		cats = []PaymentMethodCategory{}
	}
	return Session{KlarnaSessionID: item.KlarnaPaymentsSessionID, ClientToken: item.KlarnaClientToken,
		PaymentMethodCategories: cats, ExpiresAt: item.ExpiresAt.Time}, nil
}

// PlaceOrderRequest is the body of place_order and place_trial_order (v1).
type PlaceOrderRequest struct {
	KlarnaAuthorizationToken string `json:"klarna_authorization_token"` // from Klarna.Payments.authorize
	KlarnaPaymentsSessionID  string `json:"klarna_payments_session_id"` // Session.KlarnaSessionID
	BrowserIP                string `json:"browser_ip,omitempty"`
	BrowserLanguage          string `json:"browser_language,omitempty"`
	BrowserUserAgent         string `json:"browser_user_agent,omitempty"`
	TrafficSource            string `json:"traffic_source,omitempty"`
	MerchantReference        string `json:"merchant_reference,omitempty"`
	// The raise_on_* flags make an account-sync conflict fail the purchase (409) instead of being
	// skipped. nil leaves Payway's default: true for SSN already taken, false for the others.
	RaiseOnSSNAlreadyTakenError *bool `json:"raise_on_ssn_already_taken_error,omitempty"`
	RaiseOnSSNAlreadySetError   *bool `json:"raise_on_ssn_already_set_error,omitempty"`
	RaiseOnAccountUpdateError   *bool `json:"raise_on_account_update_error,omitempty"`
	RaiseOnDeliveryAddressError *bool `json:"raise_on_delivery_address_error,omitempty"`
}

// Placed is a successful purchase.
type Placed struct {
	OrderID string // Payway's order id, for Order
	// RedirectURI is Klarna's device-recognition redirect: send the browser there (303); it ends on
	// the session's confirmation URL. "" when Payway gives none.
	RedirectURI string
	State       string // closed
}

// PlaceOrder charges a regular package or campaign (identity token, scope /external/klarna_payments/w).
// Failures are *Error: 403 payment_method_failed (debt or Klarna's risk policy; the subscription is
// terminated), 409 for account-sync conflicts raised by the flags, session_completed or
// package_already_active, 410 session_expired, 400 invalid_authorization, 404 not_found.
func (c *Client) PlaceOrder(ctx context.Context, accessToken string, req PlaceOrderRequest) (Placed, error) {
	p, err := c.place(ctx, "place_order", accessToken, req)
	return p, wrap("place order", err)
}

// PlaceTrialOrder buys a free trial campaign, which Klarna only allows with direct debit (400
// trial_requires_direct_debit otherwise). Otherwise as PlaceOrder.
func (c *Client) PlaceTrialOrder(ctx context.Context, accessToken string, req PlaceOrderRequest) (Placed, error) {
	p, err := c.place(ctx, "place_trial_order", accessToken, req)
	return p, wrap("place trial order", err)
}

func (c *Client) place(ctx context.Context, endpoint, accessToken string, req PlaceOrderRequest) (Placed, error) {
	var item placedItem
	err := c.do(ctx, request{method: http.MethodPost, path: klarnaPaymentsPath + endpoint,
		json: req, bearer: accessToken, env: itemWrap}, &item)
	if err != nil {
		return Placed{}, err
	}
	if item.OrderID == "" {
		return Placed{}, errors.New("response has no order_id")
	}
	return Placed{OrderID: item.OrderID, RedirectURI: item.RedirectURI, State: item.State}, nil
}
