package klarna

import (
	"context"
	"net/http"
	"time"
)

// Intents of a payment session.
const (
	IntentBuy            = "buy"
	IntentTokenize       = "tokenize"
	IntentBuyAndTokenize = "buy_and_tokenize"
)

// SessionCustomer is a session's customer object; CustomerToken (with SessionRequest.StepUpID) makes it
// a step-up session for a failed token charge.
type SessionCustomer struct {
	CustomerToken                string `json:"customer_token,omitempty"`
	DateOfBirth                  string `json:"date_of_birth,omitempty"` // yyyy-mm-dd
	Gender                       string `json:"gender,omitempty"`
	NationalIdentificationNumber string `json:"national_identification_number,omitempty"`
	Type                         string `json:"type,omitempty"` // person, organization
}

// SessionRequest creates (or, whole, updates) a payment session.
type SessionRequest struct {
	Cart
	Intent             string           `json:"intent,omitempty"` // buy (default), tokenize, buy_and_tokenize
	MerchantReference1 string           `json:"merchant_reference1,omitempty"`
	MerchantReference2 string           `json:"merchant_reference2,omitempty"`
	MerchantData       string           `json:"merchant_data,omitempty"`
	MerchantURLs       *MerchantURLs    `json:"merchant_urls,omitempty"`
	BillingAddress     *Address         `json:"billing_address,omitempty"`
	ShippingAddress    *Address         `json:"shipping_address,omitempty"`
	Customer           *SessionCustomer `json:"customer,omitempty"`
	// StepUpID is the step-up trigger of a rejected token order (top-level, as the recovery guide has it).
	StepUpID string `json:"step_up_id,omitempty"`
}

// PaymentMethodCategory is one entry of payment_method_categories.
type PaymentMethodCategory struct {
	Identifier string `json:"identifier"` // klarna, pay_later, pay_now, pay_over_time, direct_debit, ...
	Name       string `json:"name"`
	AssetURLs  struct {
		Descriptive string `json:"descriptive"`
		Standard    string `json:"standard"`
	} `json:"asset_urls"`
}

// Session is create-session's answer: the client token goes to Klarna.Payments.init in the browser.
type Session struct {
	SessionID               string                  `json:"session_id"`
	ClientToken             string                  `json:"client_token"`
	PaymentMethodCategories []PaymentMethodCategory `json:"payment_method_categories"`
}

// SessionDetails is read-session's answer: the session's fields plus its state. Customer details
// (BillingAddress, Customer) are filled once the session is authorized.
type SessionDetails struct {
	SessionRequest
	SessionID               string                  `json:"session_id,omitempty"`
	ClientToken             string                  `json:"client_token"`
	Status                  string                  `json:"status"` // incomplete, complete
	ExpiresAt               time.Time               `json:"expires_at"`
	AuthorizationToken      string                  `json:"authorization_token,omitempty"`
	PaymentMethodCategories []PaymentMethodCategory `json:"payment_method_categories"`
}

// Session statuses.
const (
	SessionIncomplete = "incomplete"
	SessionComplete   = "complete"
)

// CreateSession opens a payment session (POST /payments/v1/sessions).
func (c *Client) CreateSession(ctx context.Context, req SessionRequest) (Session, error) {
	var s Session
	err := c.do(ctx, request{op: "create session", method: http.MethodPost, path: "/payments/v1/sessions", body: req}, &s)
	return s, err
}

// ReadSession reads a payment session (GET /payments/v1/sessions/{id}); NOT_FOUND once it expired.
func (c *Client) ReadSession(ctx context.Context, sessionID string) (SessionDetails, error) {
	if err := requireID("session id", sessionID); err != nil {
		return SessionDetails{}, err
	}
	var s SessionDetails
	err := c.do(ctx, request{op: "read session", method: http.MethodGet, path: pathOf("/payments/v1/sessions/%s", sessionID)}, &s)
	return s, err
}

// UpdateSession replaces a session's data (POST /payments/v1/sessions/{id}, 204). Send the whole
// session as at creation: Klarna validates the result like a new session, and zero amounts are sent as
// zero.
func (c *Client) UpdateSession(ctx context.Context, sessionID string, req SessionRequest) error {
	if err := requireID("session id", sessionID); err != nil {
		return err
	}
	return c.do(ctx, request{op: "update session", method: http.MethodPost, path: pathOf("/payments/v1/sessions/%s", sessionID), body: req}, nil)
}

// OrderRequest creates the order of an authorization; its cart must match the authorized session.
type OrderRequest struct {
	Cart
	MerchantReference1 string        `json:"merchant_reference1,omitempty"`
	MerchantReference2 string        `json:"merchant_reference2,omitempty"`
	MerchantData       string        `json:"merchant_data,omitempty"`
	MerchantURLs       *MerchantURLs `json:"merchant_urls,omitempty"`
	BillingAddress     *Address      `json:"billing_address,omitempty"`
	ShippingAddress    *Address      `json:"shipping_address,omitempty"`
	AutoCapture        bool          `json:"auto_capture,omitempty"`
}

// CreateOrder places the one order of an authorization (POST /payments/v1/authorizations/{token}/order).
// Errors: NOT_FOUND (unknown or expired authorization, 60 minutes), 409 BAD_VALUE "Not matching
// fields" (cart does not match the session), 409 BAD_VALUE "The order has been already completed with
// different request body" (a second call with another body), 403 INVALID_OPERATION (already consumed),
// 404 SESSION_COMPLETED (another authorization's order completed the session). Klarna does not document a
// second call with the same body; the sandbox answers it with the first order.
func (c *Client) CreateOrder(ctx context.Context, authorizationToken string, req OrderRequest) (Order, error) {
	if err := requireID("authorization token", authorizationToken); err != nil {
		return Order{}, err
	}
	var o Order
	err := c.do(ctx, request{op: "create order", method: http.MethodPost,
		path: pathOf("/payments/v1/authorizations/%s/order", authorizationToken), body: req}, &o)
	return o, err
}

// CancelAuthorization releases an authorization that will not be used (DELETE
// /payments/v1/authorizations/{token}, 204).
func (c *Client) CancelAuthorization(ctx context.Context, authorizationToken string) error {
	if err := requireID("authorization token", authorizationToken); err != nil {
		return err
	}
	return c.do(ctx, request{op: "cancel authorization", method: http.MethodDelete,
		path: pathOf("/payments/v1/authorizations/%s", authorizationToken)}, nil)
}

// CustomerTokenRequest creates a customer token from an authorization. All fields but the addresses
// and URLs are required.
type CustomerTokenRequest struct {
	Description      string        `json:"description"`
	IntendedUse      string        `json:"intended_use"` // SUBSCRIPTION
	Locale           string        `json:"locale"`
	PurchaseCountry  string        `json:"purchase_country"`
	PurchaseCurrency string        `json:"purchase_currency"`
	BillingAddress   *Address      `json:"billing_address,omitempty"`
	MerchantURLs     *MerchantURLs `json:"merchant_urls,omitempty"`
}

// CustomerToken is create-customer-token's answer.
type CustomerToken struct {
	TokenID        string   `json:"token_id"`
	RedirectURL    string   `json:"redirect_url,omitempty"`
	BillingAddress *Address `json:"billing_address,omitempty"`
	Customer       *struct {
		DateOfBirth string `json:"date_of_birth,omitempty"`
		Gender      string `json:"gender,omitempty"`
	} `json:"customer,omitempty"`
	PaymentMethodReference string `json:"payment_method_reference,omitempty"`
}

// CreateCustomerToken creates a customer token from an authorization of a tokenize or buy_and_tokenize
// session (POST /payments/v1/authorizations/{token}/customer-token); INVALID_OPERATION for intent buy.
func (c *Client) CreateCustomerToken(ctx context.Context, authorizationToken string, req CustomerTokenRequest) (CustomerToken, error) {
	if err := requireID("authorization token", authorizationToken); err != nil {
		return CustomerToken{}, err
	}
	var t CustomerToken
	err := c.do(ctx, request{op: "create customer token", method: http.MethodPost,
		path: pathOf("/payments/v1/authorizations/%s/customer-token", authorizationToken), body: req}, &t)
	return t, err
}

// PaymentSessionURL is the URL of a payment session on this client's API origin, as an HPP session's
// payment_session_url needs it.
func (c *Client) PaymentSessionURL(sessionID string) string {
	return c.base + pathOf("/payments/v1/sessions/%s", sessionID)
}
