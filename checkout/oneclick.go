package checkout

// One-click purchases with the customer's saved Klarna customer token, and the step-up recovery when Klarna
// rejects the charge while the customer is present (Klarna's "recover token charge failure" guide).
//
//	created --charge ok--> completed
//	   |--rejected with step_up_id--> recovering --SDK or HPP order--> completed (token updated)
//	   |                                  '--declined/cancelled/back--> recovering (choose again) ...
//	   '--rejected without trigger--> failed(code)
//
// CONTRACT (issue 5): these signatures are agreed between the two people building issue 5. Bodies are stubs
// until the backend lands.

import (
	"context"
	"errors"
	"time"

	"github.com/paywall/paywall/klarna"
)

// Klarna is what one-click purchases and recovery need from Klarna (implemented by *klarna.Client).
type Klarna interface {
	ReadCustomerToken(ctx context.Context, token string) (klarna.TokenDetails, error)
	CreateTokenOrder(ctx context.Context, token, idempotencyKey string, req klarna.TokenOrderRequest) (klarna.Order, error)
	CreateSession(ctx context.Context, req klarna.SessionRequest) (klarna.Session, error)
	CreateOrder(ctx context.Context, authorizationToken string, req klarna.OrderRequest) (klarna.Order, error)
	CreateHPPSession(ctx context.Context, req klarna.HPPSessionRequest) (klarna.HPPSession, error)
	ReadHPPSession(ctx context.Context, sessionID string) (klarna.HPPSessionStatus, error)
	PaymentSessionURL(sessionID string) string
}

// One-click purchase states.
const (
	OneClickCreated    = "created"    // row written, charge not answered yet
	OneClickCompleted  = "completed"  // Klarna order exists (token charge, SDK recovery or HPP)
	OneClickRecovering = "recovering" // token rejected with a step-up trigger: the recovery page takes over
	OneClickFailed     = "failed"     // rejected without trigger, FailureCode says why
)

// Failure codes of one-click purchases (Klarna's error codes).
const (
	FailTokenCancelled  = "TOKEN_CANCELLED"
	FailTokenSuspended  = "TOKEN_SUSPENDED"
	FailTokenNotFound   = "TOKEN_NOT_FOUND"
	FailTokenPayment    = "PAYMENT_METHOD_FAILED"
	FailKlarnaDown      = "KLARNA_UNAVAILABLE"
	FailRecoveryDenied  = "RECOVERY_DECLINED" // only as LastOutcome: a declined recovery can be tried again
	RecoveryMethodSDK   = "sdk"
	RecoveryMethodHPP   = "hpp"
	RecoveryMethodToken = "token" // no recovery: the token charge itself succeeded
)

// OneClickOffer is something a customer with a saved token can buy in one click (add-on or upgrade).
// Prices are fixed in the catalogue (minor units, VAT included): these purchases go to Klarna directly.
type OneClickOffer struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Summary     string `json:"summary"`
	AmountMinor int64  `json:"amount_minor"` // öre, VAT included
	TaxRate     int64  `json:"tax_rate"`     // 600 = 6 %
	Reference   string `json:"reference"`
}

// SavedMethod is the customer's saved Klarna payment method, read from the customer token.
type SavedMethod struct {
	TokenID      string
	Type         string // CARD, INVOICE, DIRECT_DEBIT, ...
	MaskedNumber string
	Status       string // ACTIVE, CANCELLED, SUSPENDED, or NOT_FOUND when Klarna does not know it
	UpdatedAt    time.Time
}

// Usable reports whether one-click purchases are offered with this method.
func (m SavedMethod) Usable() bool { return m.Status == klarna.TokenActive }

// TokenPurchase is a one-click purchase and, when needed, its recovery. Its ID is the /recovery/:id id.
type TokenPurchase struct {
	ID          string
	AccountID   string
	OfferID     string
	TokenID     string
	State       string // OneClick*
	FailureCode string
	StepUpID    string
	// Recovery: the step-up payment session and, for HPP, the hosted page session.
	KlarnaSessionID string
	ClientToken     string
	HPPSessionID    string
	Method          string // RecoveryMethod*
	LastOutcome     string // e.g. "declined", "cancelled", "back": shown on the recovery page after a return
	OrderID         string // Klarna order id when completed
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// Errors of the one-click journey.
var (
	ErrNoSavedMethod = errors.New("checkout: no saved Klarna payment method")
	ErrNotRecovering = errors.New("checkout: purchase is not waiting for recovery")
)

var errStub = errors.New("checkout: one-click not implemented yet")

// OneClickConfig configures one-click purchases.
type OneClickConfig struct {
	// BaseURL is the app's public URL, for the HPP merchant URLs (success, cancel, back, failure, error,
	// status update).
	BaseURL string
	Now     func() time.Time
}

// OneClick runs one-click purchases and their recovery.
type OneClick struct{}

// NewOneClick builds the service. st is the app's store (*store.DB).
func NewOneClick(cfg OneClickConfig, pw Payway, kl Klarna, st any, offers []OneClickOffer) (*OneClick, error) {
	return nil, errStub
}

// Offers are the one-click offers.
func (o *OneClick) Offers() []OneClickOffer { return nil }

// SavedMethod reads the customer's payment profile from Payway and the token from Klarna.
// ErrNoSavedMethod when the account has none.
func (o *OneClick) SavedMethod(ctx context.Context, c Customer) (SavedMethod, error) {
	return SavedMethod{}, errStub
}

// Buy charges the saved token (step_up SUPPORTED, a Klarna-Idempotency-Key per attempt, merchant references).
// The returned purchase is completed, recovering (go to /recovery/:id) or failed with a code.
func (o *OneClick) Buy(ctx context.Context, c Customer, offerID string) (TokenPurchase, error) {
	return TokenPurchase{}, errStub
}

// Get returns the customer's one-click purchase; ErrNotFound for unknown ids and other customers'.
func (o *OneClick) Get(ctx context.Context, c Customer, id string) (TokenPurchase, error) {
	return TokenPurchase{}, errStub
}

// StartRecovery makes sure the recovery has its step-up payment session (same intent and cart as the
// original, customer.customer_token and step_up_id) and returns the purchase with its ClientToken.
func (o *OneClick) StartRecovery(ctx context.Context, c Customer, id string) (TokenPurchase, error) {
	return TokenPurchase{}, errStub
}

// RecoveryOrder creates the order from an SDK authorization (exactly once per recovery).
func (o *OneClick) RecoveryOrder(ctx context.Context, c Customer, id, authorizationToken string) (TokenPurchase, error) {
	return TokenPurchase{}, errStub
}

// StartHPP creates the hosted payment page session for the recovery (placeOrderMode NONE, PLACE_ORDER or
// CAPTURE_ORDER) and returns where to send the browser.
func (o *OneClick) StartHPP(ctx context.Context, c Customer, id, placeOrderMode string) (redirectURL string, err error) {
	return "", errStub
}

// ReturnFromHPP reads the HPP session (never the query string) and acts on its status: COMPLETED creates or
// records the order; WAITING/IN_PROGRESS leaves it pending; CANCELLED/BACK/FAILED/ERROR/DISABLED records the
// outcome so the customer can choose again.
func (o *OneClick) ReturnFromHPP(ctx context.Context, c Customer, id string) (TokenPurchase, error) {
	return TokenPurchase{}, errStub
}

// HPPCallback handles Klarna's status callback for a recovery: secret must match the recovery's, duplicates
// (same event_id) change nothing.
func (o *OneClick) HPPCallback(ctx context.Context, id, secret string, body []byte) error {
	return errStub
}
