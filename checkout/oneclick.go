package checkout

// One-click purchases with the customer's saved Klarna customer token, and the step-up recovery when Klarna
// rejects the charge while the customer is present (Klarna's "recover token charge failure" guide).
//
//	created --charge ok--> completed
//	   |--rejected with step_up_id--> recovering --SDK or HPP order--> completed (token updated)
//	   |                                  '--declined/cancelled/back--> recovering (choose again) ...
//	   |--rejected without trigger--> failed(code)
//	   '--Klarna did not answer--> failed(KLARNA_UNAVAILABLE) --buy the same offer again--> created (same key)
//
// CONTRACT (issue 5): these signatures are agreed between the two people building issue 5. The bodies
// live in oneclick_*.go.

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/paywall/paywall/klarna"
	"github.com/paywall/paywall/payway"
)

// Klarna is what one-click purchases and recovery need from Klarna (implemented by *klarna.Client).
type Klarna interface {
	ReadCustomerToken(ctx context.Context, token string) (klarna.TokenDetails, error)
	CreateTokenOrder(ctx context.Context, token, idempotencyKey string, req klarna.TokenOrderRequest) (klarna.Order, error)
	CreateSession(ctx context.Context, req klarna.SessionRequest) (klarna.Session, error)
	CreateOrder(ctx context.Context, authorizationToken string, req klarna.OrderRequest) (klarna.Order, error)
	CreateHPPSession(ctx context.Context, req klarna.HPPSessionRequest) (klarna.HPPSession, error)
	ReadHPPSession(ctx context.Context, sessionID string) (klarna.HPPSessionStatus, error)
	// ReadSession tells the reconciler whether an order was placed from a step-up payment session.
	ReadSession(ctx context.Context, sessionID string) (klarna.SessionDetails, error)
	// DisableHPPSession retires a hosted page the customer abandoned when they start another one with a
	// different place_order_mode, so no second page of the same recovery can still be paid.
	DisableHPPSession(ctx context.Context, sessionID string) error
	PaymentSessionURL(sessionID string) string
}

// Profiles reads the account's saved Klarna payment (Payway's me/payment_profile; implemented by
// *payway.Client). It is all one-click purchases need from Payway: Payway creates the token, we only
// read it.
type Profiles interface {
	PaymentProfile(ctx context.Context, accessToken string) (payway.Profile, error)
}

// OneClickStore keeps token purchases and their timelines (implemented by *store.DB).
type OneClickStore interface {
	ReuseOrCreateOneClickPurchase(ctx context.Context, fresh OneClickPurchase, since time.Time, reuse func(*OneClickPurchase) bool) (OneClickPurchase, bool, error)
	OneClickPurchase(ctx context.Context, id string) (OneClickPurchase, error)
	OneClickPurchasesOf(ctx context.Context, accountID string) ([]OneClickPurchase, error)
	UpdateOneClickPurchase(ctx context.Context, id string, fn func(*OneClickPurchase) error) (OneClickPurchase, error)
	AddHPPCallback(ctx context.Context, purchaseID, eventID, status string, at time.Time) (bool, error)
	HPPCallbackSeen(ctx context.Context, purchaseID, eventID string) (bool, error)
	AddEvent(ctx context.Context, e Event) error
	OneClickPurchasesInFlightSince(ctx context.Context, before time.Time) ([]OneClickPurchase, error)
}

// Failure codes of one-click purchases (Klarna's error codes).
const (
	FailTokenCancelled = "TOKEN_CANCELLED" // also Klarna's TOKEN_CANCELED spelling and TOKEN_FORBIDDEN
	FailTokenSuspended = "TOKEN_SUSPENDED"
	FailTokenNotFound  = "TOKEN_NOT_FOUND"
	// FailTokenPayment: the saved method failed (PAYMENT_METHOD_FAILED, or UNAVAILABLE_PAYMENT_METHOD
	// without a step-up trigger, or a step-up session Klarna refused); a new attempt may work.
	FailTokenPayment = "PAYMENT_METHOD_FAILED"
	// FailKlarnaDown: the charge never reached Klarna (the connection could not be made), so nothing was
	// charged; buying the same offer again within a day resends it with its Klarna-Idempotency-Key. A
	// charge sent and not answered is not this: it is OneClickUnknown.
	FailKlarnaDown      = "KLARNA_UNAVAILABLE"
	FailRecoveryDenied  = "RECOVERY_DECLINED" // only as LastOutcome: a declined recovery can be tried again
	RecoveryMethodSDK   = "sdk"
	RecoveryMethodHPP   = "hpp"
	RecoveryMethodToken = "token" // no recovery: the token charge itself succeeded
)

// LastOutcome values of a recovering purchase: what the customer's last attempt ended with, for the
// recovery page to say. Compare them case-insensitively.
const (
	OutcomeDeclined  = FailRecoveryDenied // the hosted page's payment was declined (HPP FAILED)
	OutcomeCancelled = "cancelled"        // cancelled on the hosted page (final for that page)
	OutcomeBack      = "back"             // came back from the hosted page without paying
	OutcomeError     = "error"            // the hosted page hit an error, or Klarna refused the order from an authorization
	OutcomeExpired   = "expired"          // the hosted page session was disabled or has expired: start another
	// OutcomePending: Klarna's hosted page is still open (WAITING, IN_PROGRESS) as seen on the return, or
	// an order from an authorization is being created right now. Check again.
	OutcomePending = "pending"
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
	// OneTime marks an item bought once and kept (the e-paper archive): an account that owns it is
	// neither offered it nor charged for it again.
	OneTime bool `json:"one_time,omitempty"`
}

// SavedMethod is the customer's saved Klarna payment method, read from the customer token.
type SavedMethod struct {
	TokenID      string
	Type         string // CARD, INVOICE, DIRECT_DEBIT, ...
	MaskedNumber string
	Status       string // ACTIVE, CANCELLED, SUSPENDED, or NOT_FOUND when Klarna does not know it
	UpdatedAt    time.Time
}

// TokenNotFound is SavedMethod.Status when Payway names a token Klarna does not know.
const TokenNotFound = "NOT_FOUND"

// Usable reports whether one-click purchases are offered with this method.
func (m SavedMethod) Usable() bool { return m.Status == klarna.TokenActive }

// Errors of the one-click journey.
var (
	ErrNoSavedMethod = &Error{CodeInvalid, "checkout: no saved Klarna payment method"}
	// ErrAlreadyOwned: the account already bought this one-time item; nothing was charged.
	ErrAlreadyOwned = &Error{CodeConflict, "checkout: one-time item already owned"}
	// ErrNotRecovering comes with the purchase as it stands (completed: show the confirmation; failed:
	// its page) when a recovery step is asked of a purchase that no longer waits for one.
	ErrNotRecovering = &Error{CodeConflict, "checkout: purchase is not waiting for recovery"}
	// ErrKlarnaUnavailable means Klarna did not answer usefully (5xx, timeout, network). It also matches
	// ErrUnavailable, so handlers that show "try again later" for Payway do the same for Klarna.
	ErrKlarnaUnavailable = &Error{CodeUnavailable, "checkout: Klarna unavailable"}
	// ErrBadCallback is an HPP status callback whose body is not one.
	ErrBadCallback = &Error{CodeInvalid, "checkout: malformed HPP status callback"}
	// ErrInvalidMode is an HPP place_order_mode other than NONE, PLACE_ORDER and CAPTURE_ORDER.
	ErrInvalidMode = &Error{CodeInvalid, "checkout: unknown HPP place_order_mode"}
)

// OneClickConfig configures one-click purchases.
type OneClickConfig struct {
	// The app's absolute URLs given to Klarna, built by the app: RecoveryReturnURL is where the hosted
	// payment page sends the customer back (success, cancel, back, failure, error; outcome is only a
	// hint), HPPCallbackURL where Klarna posts its status updates (authenticated by the recovery's secret),
	// OneClickURL a one-click purchase's page (the payment session's confirmation URL).
	RecoveryReturnURL func(purchaseID, outcome string) string
	HPPCallbackURL    func(purchaseID, secret string) string
	OneClickURL       func(purchaseID string) string
	// Calls counts money calls for the graceful shutdown; nil: the service keeps its own.
	Calls  *Calls
	Now    func() time.Time
	Logger *slog.Logger
	// Market of the purchases; defaults SE, SEK, sv-SE (the paywall's newspaper is Swedish).
	Country, Currency, Locale string
	// Intent of the step-up payment session: the intent of the session the token was made with (Payway's
	// subscription session, buy_and_tokenize), as Klarna's recovery guide asks. Default buy_and_tokenize.
	Intent string
}

// OneClick runs one-click purchases and their recovery.
type OneClick struct {
	cfg      OneClickConfig
	profiles Profiles
	klarna   Klarna
	store    OneClickStore
	offers   []OneClickOffer
	locks    keyedMutex
	calls    *Calls
}

// NewOneClick builds the service. st is the app's store (*store.DB).
func NewOneClick(cfg OneClickConfig, pw Profiles, kl Klarna, st OneClickStore, offers []OneClickOffer) (*OneClick, error) {
	if pw == nil || kl == nil || st == nil {
		return nil, errors.New("checkout: one-click needs Payway, Klarna and a store")
	}
	if cfg.RecoveryReturnURL == nil || cfg.HPPCallbackURL == nil || cfg.OneClickURL == nil {
		return nil, errors.New("checkout: OneClickConfig.RecoveryReturnURL, HPPCallbackURL and OneClickURL are required")
	}
	if err := validateOneClickOffers(offers); err != nil {
		return nil, fmt.Errorf("checkout: one-click offers: %w", err)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	cfg.Country = cmpOr(cfg.Country, "SE")
	cfg.Currency = cmpOr(cfg.Currency, "SEK")
	cfg.Locale = cmpOr(cfg.Locale, "sv-SE")
	cfg.Intent = cmpOr(cfg.Intent, klarna.IntentBuyAndTokenize)
	if cfg.Calls == nil {
		cfg.Calls = &Calls{}
	}
	return &OneClick{cfg: cfg, profiles: pw, klarna: kl, store: st, offers: append([]OneClickOffer(nil), offers...), calls: cfg.Calls}, nil
}

func cmpOr(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// Offers are the one-click offers.
func (o *OneClick) Offers() []OneClickOffer { return append([]OneClickOffer(nil), o.offers...) }

// OffersFor is the one-click offers the customer can buy: every offer except the one-time items the
// account already owns.
func (o *OneClick) OffersFor(ctx context.Context, c Customer) ([]OneClickOffer, error) {
	bought, err := o.store.OneClickPurchasesOf(ctx, c.AccountID)
	if err != nil {
		return nil, fmt.Errorf("checkout: one-click offers: %w", err)
	}
	owned := map[string]bool{}
	for _, p := range bought {
		if p.OneTime && p.State == OneClickCompleted {
			owned[p.OfferID] = true
		}
	}
	var out []OneClickOffer
	for _, offer := range o.offers {
		if !(offer.OneTime && owned[offer.ID]) {
			out = append(out, offer)
		}
	}
	return out, nil
}

// Offer finds a one-click offer by id.
func (o *OneClick) Offer(id string) (OneClickOffer, bool) {
	for _, off := range o.offers {
		if off.ID == id {
			return off, true
		}
	}
	return OneClickOffer{}, false
}

// SavedMethod reads the customer's payment profile from Payway and the token from Klarna.
// ErrNoSavedMethod when the account has none.
func (o *OneClick) SavedMethod(ctx context.Context, c Customer) (SavedMethod, error) {
	prof, err := o.profile(ctx, c)
	if err != nil {
		return SavedMethod{}, err
	}
	m := SavedMethod{TokenID: prof.KlarnaCustomerToken, UpdatedAt: prof.Updated}
	t, err := o.klarna.ReadCustomerToken(ctx, prof.KlarnaCustomerToken)
	switch {
	case err == nil:
		m.Type, m.MaskedNumber, m.Status = t.PaymentMethodType, t.MaskedNumber(), t.Status
		return m, nil
	case klarnaAnswered(err) && klarna.IsNotFound(err):
		m.Status = TokenNotFound
		return m, nil
	case klarnaAnswered(err):
		return SavedMethod{}, fmt.Errorf("checkout: read customer token: %w", err)
	}
	return SavedMethod{}, klarnaUnavailable("read customer token", err)
}

// profile is the account's saved Klarna payment; ErrNoSavedMethod when Payway has none.
func (o *OneClick) profile(ctx context.Context, c Customer) (payway.Profile, error) {
	prof, err := o.profiles.PaymentProfile(ctx, c.AccessToken)
	switch {
	case err == nil:
		return prof, nil
	case payway.IsCode(err, "not_found"):
		return payway.Profile{}, ErrNoSavedMethod
	case payway.Refused(err):
		return payway.Profile{}, fmt.Errorf("checkout: payment profile: %w", err)
	}
	return payway.Profile{}, unavailable("payment profile", err)
}

// Buy charges the saved token (step_up SUPPORTED, a Klarna-Idempotency-Key per attempt, merchant references).
// The returned purchase is completed, recovering (go to /recovery/:id) or failed with a code.
func (o *OneClick) Buy(ctx context.Context, c Customer, offerID string) (OneClickPurchase, error) {
	return o.buy(ctx, c, offerID)
}

// Get returns the customer's one-click purchase; ErrNotFound for unknown ids and other customers'.
func (o *OneClick) Get(ctx context.Context, c Customer, id string) (OneClickPurchase, error) {
	p, err := o.get(ctx, c, id)
	if err != nil {
		return OneClickPurchase{}, err
	}
	return public(p), nil
}

// Purchases are the customer's one-click purchases, newest first.
func (o *OneClick) Purchases(ctx context.Context, c Customer) ([]OneClickPurchase, error) {
	ps, err := o.store.OneClickPurchasesOf(ctx, c.AccountID)
	if err != nil {
		return nil, fmt.Errorf("checkout: one-click purchases: %w", err)
	}
	out := make([]OneClickPurchase, 0, len(ps))
	for _, p := range ps {
		out = append(out, public(p))
	}
	return out, nil
}

// StartRecovery makes sure the recovery has its step-up payment session (same intent and cart as the
// original, customer.customer_token and step_up_id) and returns the purchase with its ClientToken.
// A purchase that is no longer recovering (completed, or failed because Klarna refused the step-up
// session) comes back with ErrNotRecovering.
func (o *OneClick) StartRecovery(ctx context.Context, c Customer, id string) (OneClickPurchase, error) {
	return o.startRecovery(ctx, c, id)
}

// RecoveryOrder creates the order from an SDK authorization (exactly once per recovery). A completed
// purchase is returned as it is (a repeat sees the first outcome); ErrNoAuthorization without a token.
func (o *OneClick) RecoveryOrder(ctx context.Context, c Customer, id, authorizationToken string) (OneClickPurchase, error) {
	return o.recoveryOrder(ctx, c, id, authorizationToken)
}

// StartHPP creates the hosted payment page session for the recovery (placeOrderMode NONE, PLACE_ORDER or
// CAPTURE_ORDER) and returns where to send the browser.
func (o *OneClick) StartHPP(ctx context.Context, c Customer, id, placeOrderMode string) (redirectURL string, err error) {
	return o.startHPP(ctx, c, id, placeOrderMode)
}

// ReturnFromHPP reads the HPP session (never the query string) and acts on its status: COMPLETED creates or
// records the order; WAITING/IN_PROGRESS leaves it pending; CANCELLED/BACK/FAILED/ERROR/DISABLED records the
// outcome so the customer can choose again.
func (o *OneClick) ReturnFromHPP(ctx context.Context, c Customer, id string) (OneClickPurchase, error) {
	return o.returnFromHPP(ctx, c, id)
}

// HPPCallback handles Klarna's status callback for a recovery: secret must match the recovery's, duplicates
// (same event_id) change nothing. An unknown id or a wrong secret is ErrNotFound (the two are not told
// apart); a body that is no status callback is ErrBadCallback.
func (o *OneClick) HPPCallback(ctx context.Context, id, secret string, body []byte) error {
	return o.hppCallback(ctx, id, secret, body)
}
