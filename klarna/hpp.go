package klarna

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// HPP place_order_mode values: NONE leaves the order to the merchant (the read session carries the
// authorization_token), PLACE_ORDER and CAPTURE_ORDER make the hosted page place it (order_id).
const (
	PlaceOrderNone    = "NONE"
	PlaceOrderPlace   = "PLACE_ORDER"
	PlaceOrderCapture = "CAPTURE_ORDER"
)

// HPP session statuses. COMPLETED, CANCELLED and DISABLED are final; FAILED, BACK and ERROR let the
// customer retry.
const (
	HPPWaiting    = "WAITING"
	HPPInProgress = "IN_PROGRESS"
	HPPCompleted  = "COMPLETED"
	HPPFailed     = "FAILED"
	HPPCancelled  = "CANCELLED"
	HPPBack       = "BACK"
	HPPError      = "ERROR"
	HPPDisabled   = "DISABLED"
)

// HPPMerchantURLs are where the hosted page sends the customer, and where Klarna POSTs status
// callbacks. success may use {{session_id}}, {{authorization_token}} and {{order_id}}.
type HPPMerchantURLs struct {
	Success      string `json:"success,omitempty"`
	Cancel       string `json:"cancel,omitempty"`
	Back         string `json:"back,omitempty"`
	Failure      string `json:"failure,omitempty"`
	Error        string `json:"error,omitempty"`
	StatusUpdate string `json:"status_update,omitempty"`
}

// HPPOptions are the hosted page's options (send PaymentMethodCategory or PaymentMethodCategories, not
// both).
type HPPOptions struct {
	PlaceOrderMode          string   `json:"place_order_mode,omitempty"`
	PaymentMethodCategory   string   `json:"payment_method_category,omitempty"` // DIRECT_DEBIT, PAY_LATER, ...
	PaymentMethodCategories []string `json:"payment_method_categories,omitempty"`
	PurchaseType            string   `json:"purchase_type,omitempty"`
	LogoURL                 string   `json:"logo_url,omitempty"`
	PageTitle               string   `json:"page_title,omitempty"`
}

// HPPSessionRequest creates an HPP session on top of a payment session (use Client.PaymentSessionURL).
type HPPSessionRequest struct {
	PaymentSessionURL string           `json:"payment_session_url"`
	MerchantURLs      *HPPMerchantURLs `json:"merchant_urls,omitempty"`
	Options           *HPPOptions      `json:"options,omitempty"`
}

// HPPSession is create-HPP-session's answer; send the customer to RedirectURL.
type HPPSession struct {
	SessionID       string    `json:"session_id"`
	RedirectURL     string    `json:"redirect_url"`
	SessionURL      string    `json:"session_url"`
	DistributionURL string    `json:"distribution_url,omitempty"`
	QRCodeURL       string    `json:"qr_code_url,omitempty"`
	ExpiresAt       time.Time `json:"expires_at"`
}

// HPPCustomer is the customer of a completed HPP session.
type HPPCustomer struct {
	DateOfBirth                  string `json:"date_of_birth,omitempty"`
	FamilyName                   string `json:"family_name,omitempty"`
	GivenName                    string `json:"given_name,omitempty"`
	NationalIdentificationNumber string `json:"national_identification_number,omitempty"`
	Title                        string `json:"title,omitempty"`
}

// HPPSessionStatus is read-HPP-session's answer, and the session of a status callback.
type HPPSessionStatus struct {
	SessionID          string       `json:"session_id"`
	Status             string       `json:"status"`
	UpdatedAt          time.Time    `json:"updated_at"`
	ExpiresAt          time.Time    `json:"expires_at"`
	AuthorizationToken string       `json:"authorization_token,omitempty"` // COMPLETED with NONE
	OrderID            string       `json:"order_id,omitempty"`            // COMPLETED with PLACE_ORDER / CAPTURE_ORDER
	KlarnaReference    string       `json:"klarna_reference,omitempty"`
	Customer           *HPPCustomer `json:"customer,omitempty"`
}

// Final reports whether the status can no longer change.
func (s HPPSessionStatus) Final() bool {
	return s.Status == HPPCompleted || s.Status == HPPCancelled || s.Status == HPPDisabled
}

// CreateHPPSession creates a hosted payment page session (POST /hpp/v1/sessions, 201).
func (c *Client) CreateHPPSession(ctx context.Context, req HPPSessionRequest) (HPPSession, error) {
	var s HPPSession
	err := c.do(ctx, request{op: "create HPP session", method: http.MethodPost, path: "/hpp/v1/sessions", body: req}, &s)
	return s, err
}

// ReadHPPSession reads an HPP session's status (GET /hpp/v1/sessions/{id}); NOT_FOUND once expired.
func (c *Client) ReadHPPSession(ctx context.Context, sessionID string) (HPPSessionStatus, error) {
	if err := requireID("HPP session id", sessionID); err != nil {
		return HPPSessionStatus{}, err
	}
	var s HPPSessionStatus
	err := c.do(ctx, request{op: "read HPP session", method: http.MethodGet, path: pathOf("/hpp/v1/sessions/%s", sessionID)}, &s)
	return s, err
}

// DisableHPPSession disables an HPP session (DELETE /hpp/v1/sessions/{id}, 204); 400 when it is
// already COMPLETED.
func (c *Client) DisableHPPSession(ctx context.Context, sessionID string) error {
	if err := requireID("HPP session id", sessionID); err != nil {
		return err
	}
	return c.do(ctx, request{op: "disable HPP session", method: http.MethodDelete, path: pathOf("/hpp/v1/sessions/%s", sessionID)}, nil)
}

// HPPStatusCallback is the body Klarna POSTs to merchant_urls.status_update on every status change.
// Callbacks may repeat: de-duplicate by EventID, and confirm by reading the session.
type HPPStatusCallback struct {
	EventID string           `json:"event_id"`
	Session HPPSessionStatus `json:"session"`
}

// DecodeHPPStatusCallback parses a status callback body.
func DecodeHPPStatusCallback(body []byte) (HPPStatusCallback, error) {
	var cb HPPStatusCallback
	if err := json.Unmarshal(body, &cb); err != nil {
		return HPPStatusCallback{}, fmt.Errorf("klarna: decode HPP status callback: %w", err)
	}
	if cb.EventID == "" || cb.Session.SessionID == "" || cb.Session.Status == "" {
		return HPPStatusCallback{}, errors.New("klarna: decode HPP status callback: event_id, session_id or status missing")
	}
	return cb, nil
}
