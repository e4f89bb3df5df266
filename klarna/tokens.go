package klarna

import (
	"context"
	"net/http"
)

// Customer token statuses and step-up values.
const (
	TokenActive    = "ACTIVE"
	TokenCancelled = "CANCELLED"
	TokenSuspended = "SUSPENDED"

	// StepUpSupported asks Klarna for a step-up trigger (step_up_id) if it rejects the charge; send it
	// only while the customer is present to complete the step-up.
	StepUpSupported    = "SUPPORTED"
	StepUpNotSupported = "NOT_SUPPORTED"
)

// TokenDetails is read-customer-token's answer.
type TokenDetails struct {
	Status            string `json:"status"`              // ACTIVE, CANCELLED, SUSPENDED
	PaymentMethodType string `json:"payment_method_type"` // INVOICE, CARD, DIRECT_DEBIT, ...
	Card              *struct {
		Brand        string `json:"brand,omitempty"`
		ExpiryDate   string `json:"expiry_date,omitempty"` // "12/2028"
		MaskedNumber string `json:"masked_number,omitempty"`
	} `json:"card,omitempty"`
	DirectDebit *struct {
		MaskedNumber string `json:"masked_number,omitempty"`
	} `json:"direct_debit,omitempty"`
}

// MaskedNumber is the card's or account's masked number, "" when the token has neither.
func (t TokenDetails) MaskedNumber() string {
	switch {
	case t.Card != nil:
		return t.Card.MaskedNumber
	case t.DirectDebit != nil:
		return t.DirectDebit.MaskedNumber
	}
	return ""
}

// ReadCustomerToken reads a customer token (GET /customer-token/v1/tokens/{token}); NOT_FOUND when unknown.
func (c *Client) ReadCustomerToken(ctx context.Context, token string) (TokenDetails, error) {
	if err := requireID("customer token", token); err != nil {
		return TokenDetails{}, err
	}
	var t TokenDetails
	err := c.do(ctx, request{op: "read customer token", method: http.MethodGet, path: pathOf("/customer-token/v1/tokens/%s", token)}, &t)
	return t, err
}

// TokenOrderRequest charges a customer token. Its fields are those of Klarna's customer_token_order
// schema (Customer Token API OpenAPI), plus step_up from Klarna's recovery guide. The schema has no
// purchase_country and no locale: the token already belongs to a customer in a market, so a token order
// names only the currency and the lines. Build it from a cart with NewTokenOrder. OrderAmount must be at
// least 1.
type TokenOrderRequest struct {
	PurchaseCurrency   string      `json:"purchase_currency"` // ISO 4217, e.g. SEK
	OrderAmount        int64       `json:"order_amount"`
	OrderTaxAmount     int64       `json:"order_tax_amount"`
	OrderLines         []OrderLine `json:"order_lines"`
	MerchantReference1 string      `json:"merchant_reference1,omitempty"`
	MerchantReference2 string      `json:"merchant_reference2,omitempty"`
	MerchantData       string      `json:"merchant_data,omitempty"`
	// MerchantURLs: the schema lists confirmation and push (the recovery guide's samples also send
	// authorization).
	MerchantURLs    *MerchantURLs `json:"merchant_urls,omitempty"`
	ShippingAddress *Address      `json:"shipping_address,omitempty"`
	AutoCapture     bool          `json:"auto_capture,omitempty"`
	// StepUp is StepUpSupported when the customer is present (one-click purchase); "" means
	// NOT_SUPPORTED.
	StepUp string `json:"step_up,omitempty"`
}

// NewTokenOrder is cart as a customer-token order: its currency, lines and sums, without the market
// (purchase_country, locale), which customer_token_order does not have.
func NewTokenOrder(cart Cart) TokenOrderRequest {
	return TokenOrderRequest{PurchaseCurrency: cart.PurchaseCurrency, OrderAmount: cart.OrderAmount,
		OrderTaxAmount: cart.OrderTaxAmount, OrderLines: cart.OrderLines}
}

// Cart is the token order's cart in a market: what a step-up session and the order from its authorization
// carry, for the same purchase as the rejected charge (Klarna's recovery guide: "the same cart").
func (r TokenOrderRequest) Cart(country, locale string) Cart {
	return Cart{PurchaseCountry: country, PurchaseCurrency: r.PurchaseCurrency, Locale: locale,
		OrderAmount: r.OrderAmount, OrderTaxAmount: r.OrderTaxAmount, OrderLines: r.OrderLines}
}

// CreateTokenOrder charges a customer token (POST /customer-token/v1/tokens/{token}/order) with a
// Klarna-Idempotency-Key: calling again with the same key and request within 24 hours returns the first
// answer instead of charging twice, so retry with the same key after a timeout.
//
// Rejections are *Error values: TOKEN_NOT_FOUND (404), TOKEN_CANCELLED / TOKEN_SUSPENDED (403),
// PAYMENT_METHOD_FAILED (403, retry allowed) and UNAVAILABLE_PAYMENT_METHOD (403) whose StepUpID, when
// set, starts the step-up recovery (a session with Customer.CustomerToken and StepUpID).
func (c *Client) CreateTokenOrder(ctx context.Context, token, idempotencyKey string, req TokenOrderRequest) (Order, error) {
	if err := requireID("customer token", token); err != nil {
		return Order{}, err
	}
	var o Order
	err := c.do(ctx, request{op: "create token order", method: http.MethodPost,
		path: pathOf("/customer-token/v1/tokens/%s/order", token), body: req, idempotencyKey: idempotencyKey}, &o)
	return o, err
}

// CancelCustomerToken cancels a token for good (PATCH /customer-token/v1/tokens/{token}/status, 202).
func (c *Client) CancelCustomerToken(ctx context.Context, token string) error {
	if err := requireID("customer token", token); err != nil {
		return err
	}
	return c.do(ctx, request{op: "cancel customer token", method: http.MethodPatch,
		path: pathOf("/customer-token/v1/tokens/%s/status", token), body: map[string]string{"status": TokenCancelled}}, nil)
}
