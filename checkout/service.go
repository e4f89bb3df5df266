// Package checkout is the subscription purchase journey as a state machine: which step may follow which,
// idempotency (one order per purchase whatever the browser does), expiry, and the record of every state
// change and API exchange. It knows no HTTP and no SQL: it talks to Payway and to the store through the
// interfaces below.
//
//	created --place--> placing --ok--> placed --confirm--> confirmed
//	   |                  |--refused--> failed(code)
//	   |                  |--never reached Payway--> created (retryable)
//	   |                  '--sent, not answered--> unknown --reconciler--> placed | failed | created
//	   '--48 h--> expired
package checkout

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/paywall/paywall/internal/cache"
	"github.com/paywall/paywall/payway"
)

// Payway is what the journey needs from Payway (implemented by *payway.Client).
type Payway interface {
	PaymentPeriods(ctx context.Context, accessToken, code string) ([]payway.PaymentPeriod, error)
	CreateSession(ctx context.Context, accessToken string, req payway.CreateSessionRequest) (payway.Session, error)
	PlaceOrder(ctx context.Context, accessToken string, req payway.PlaceOrderRequest) (payway.Placed, error)
	PlaceTrialOrder(ctx context.Context, accessToken string, req payway.PlaceOrderRequest) (payway.Placed, error)
	Order(ctx context.Context, accessToken, orderID string) (payway.Order, error)
	// OrdersOfAccount is how the reconciler learns, with nobody present, whether a purchase bought.
	OrdersOfAccount(ctx context.Context, accessToken, accountID string) ([]payway.Order, error)
}

// AppTokens hands out Payway app tokens (no identity) for calls made with no customer present
// (implemented by *payway.AppTokens).
type AppTokens interface {
	Get(ctx context.Context) (string, error)
	Forget()
}

// Store keeps purchases and their timelines (implemented by *store.DB).
type Store interface {
	CreatePurchase(ctx context.Context, p Purchase) error
	Purchase(ctx context.Context, id string) (Purchase, error)
	OpenOrCreatePurchase(ctx context.Context, fresh Purchase, now time.Time) (Purchase, bool, error)
	// UpdatePurchase saves fn's change of a purchase and writes events (API exchanges that led to it)
	// in the same transaction, before the change's own event.
	UpdatePurchase(ctx context.Context, id string, fn func(*Purchase) error, events ...Event) (Purchase, error)
	AddEvent(ctx context.Context, e Event) error
	PurchasesInFlightSince(ctx context.Context, before time.Time) ([]Purchase, error)
}

// RaiseFlags are Payway's raise_on_* flags: which account-sync conflicts fail a purchase.
type RaiseFlags struct {
	SSNAlreadyTaken bool
	SSNAlreadySet   bool
	AccountUpdate   bool
	DeliveryAddress bool
}

// Config is the journey's configuration.
type Config struct {
	// ConfirmationURL is the absolute URL Payway sends the browser to after Klarna: our confirmation page.
	ConfirmationURL func(purchaseID string) string
	Raise           RaiseFlags
	TrafficSource   string // place_order traffic_source, e.g. "paywall"
	// AppTokens is the reconciler's access to Payway's orders; nil: the service cannot reconcile.
	AppTokens AppTokens
	// Calls counts money calls for the graceful shutdown; nil: the service keeps its own.
	Calls *Calls
	// PriceTTL is how long Payway's prices (payment periods per package code) are kept; 0: 5 minutes.
	PriceTTL time.Duration
	Now      func() time.Time
	Logger   *slog.Logger
}

// Service runs purchase journeys.
type Service struct {
	cfg       Config
	payway    Payway
	store     Store
	catalogue Catalogue
	calls     *Calls
	prices    *cache.TTL[string, []payway.PaymentPeriod] // by package code
}

// New builds the service.
func New(cfg Config, pw Payway, st Store, cat Catalogue) (*Service, error) {
	if cfg.ConfirmationURL == nil {
		return nil, errors.New("checkout: Config.ConfirmationURL is required")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.TrafficSource == "" {
		cfg.TrafficSource = "paywall"
	}
	if cfg.Calls == nil {
		cfg.Calls = &Calls{}
	}
	if cfg.PriceTTL <= 0 {
		cfg.PriceTTL = 5 * time.Minute
	}
	return &Service{cfg: cfg, payway: pw, store: st, catalogue: cat, calls: cfg.Calls,
		prices: cache.New[string, []payway.PaymentPeriod](cfg.PriceTTL, 0, cfg.Now)}, nil
}

// Catalogue is the offers on sale.
func (s *Service) Catalogue() Catalogue { return s.catalogue }

// Customer is the logged-in buyer: their Payway account and a valid access token, and the language they
// read the pages in.
type Customer struct {
	AccountID   string
	AccessToken string
	// Locale is Klarna's locale for the reader's language (i18n's Lang().Tag(): sv-SE or en-SE), given to
	// the Klarna payment sessions the app creates itself, so Klarna's widget, dialog and hosted page speak
	// the language of the page around them. "" means the configured one (OneClickConfig.Locale). Regular
	// purchases cannot pass it on: Payway creates their Klarna session, and its create_session has no
	// locale field.
	Locale string
}

// Error is an error of the purchase journeys. Its Code says what kind of failure it is, which is all the
// handlers need to choose a page (one table, handlers/errors.go); the text is for logs. Payment outcomes
// (declines, conflicts) are not errors: they are the failed state with a failure code.
type Error struct {
	Code ErrorCode
	text string
}

// ErrorCode is the kind of a journey error.
type ErrorCode string

// Error codes.
const (
	CodeNotFound    ErrorCode = "not_found"   // no such purchase, or another customer's
	CodeInvalid     ErrorCode = "invalid"     // the request cannot be done as asked
	CodeConflict    ErrorCode = "conflict"    // the purchase is not where the request expects it
	CodeUnavailable ErrorCode = "unavailable" // Payway or Klarna did not answer usefully: try again later
)

func (e *Error) Error() string { return e.text }

// Is makes every unavailable error match ErrUnavailable, so "try again later" is one check for Payway
// and Klarna alike.
func (e *Error) Is(target error) bool { return target == ErrUnavailable && e.Code == CodeUnavailable }

// CodeOf is the code of the journey error err is or wraps, "" for any other error.
func CodeOf(err error) ErrorCode {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// The journeys' errors.
var (
	ErrNotFound     = &Error{CodeNotFound, "checkout: no such purchase"} // unknown id or another customer's purchase
	ErrUnknownOffer = &Error{CodeInvalid, "checkout: unknown offer"}
	// ErrUnavailable means Payway did not answer usefully (5xx, timeout, network); the purchase stays as it
	// was and may be retried.
	ErrUnavailable = &Error{CodeUnavailable, "checkout: Payway unavailable"}
	// ErrInFlight: another purchase of the same product is being paid for on this account right now;
	// this one stays open and nothing was charged for it.
	ErrInFlight = &Error{CodeConflict, "checkout: another purchase of this product is in flight"}
	// ErrNotPlaced means the confirmation page was opened before the order was placed.
	ErrNotPlaced = &Error{CodeConflict, "checkout: order not placed"}
)

// Failure codes a purchase can end with; they are Payway's error codes, which payway/assumed.go holds
// (Payway does not publish them), so a correction there reaches every journey.
const (
	FailPaymentMethod    = payway.CodePaymentMethodFailed
	FailSSNTaken         = payway.CodeSSNAlreadyTaken
	FailSSNSet           = payway.CodeSSNAlreadySet
	FailAccountUpdate    = payway.CodeAccountUpdateFailed
	FailDeliveryAddress  = payway.CodeDeliveryAddressInvalid
	FailSessionCompleted = payway.CodeSessionCompleted
	FailAlreadyActive    = payway.CodePackageAlreadyActive
	// FailSessionUnavailable: Payway did not answer create_session (5xx, timeout); nothing was bought.
	FailSessionUnavailable = "session_unavailable"
)
