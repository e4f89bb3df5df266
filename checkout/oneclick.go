package checkout

// One-click purchases with the customer's saved Klarna customer token, and the step-up recovery when Klarna
// rejects the charge while the customer is present (Klarna's "recover token charge failure" guide). The
// token is the app's own (issue 12): the first one-click purchase runs Klarna Payments on our page and,
// with the reader's consent, creates an on-demand customer token the store keeps sealed.
//
//	paying --authorize, order (+ customer token with consent)--> completed      (first purchase)
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

	"github.com/paywall/paywall/internal/cache"
	"github.com/paywall/paywall/klarna"
)

// Klarna is what one-click purchases and recovery need from Klarna (implemented by *klarna.Client).
type Klarna interface {
	ReadCustomerToken(ctx context.Context, token string) (klarna.TokenDetails, error)
	CreateTokenOrder(ctx context.Context, token, idempotencyKey string, req klarna.TokenOrderRequest) (klarna.Order, error)
	CreateSession(ctx context.Context, req klarna.SessionRequest) (klarna.Session, error)
	CreateOrder(ctx context.Context, authorizationToken string, req klarna.OrderRequest) (klarna.Order, error)
	// UpdateSession switches a first purchase's session between intents buy and buy_and_tokenize when
	// the reader changes their consent.
	UpdateSession(ctx context.Context, sessionID string, req klarna.SessionRequest) error
	// CreateCustomerToken makes the app's one-click token from a first purchase's authorization.
	CreateCustomerToken(ctx context.Context, authorizationToken string, req klarna.CustomerTokenRequest) (klarna.CustomerToken, error)
	// CancelCustomerToken cancels a token at Klarna for good (the reader removes it, or a new one replaces it).
	CancelCustomerToken(ctx context.Context, token string) error
	CreateHPPSession(ctx context.Context, req klarna.HPPSessionRequest) (klarna.HPPSession, error)
	ReadHPPSession(ctx context.Context, sessionID string) (klarna.HPPSessionStatus, error)
	// ReadSession tells the reconciler whether an order was placed from a step-up payment session.
	ReadSession(ctx context.Context, sessionID string) (klarna.SessionDetails, error)
	// DisableHPPSession retires a hosted page the customer abandoned when they start another one with a
	// different place_order_mode, so no second page of the same recovery can still be paid.
	DisableHPPSession(ctx context.Context, sessionID string) error
	PaymentSessionURL(sessionID string) string
}

// SavedToken is an account's one-click Klarna customer token: the app's own, made from the reader's
// first purchase with their consent (or, in sandbox mode only, adopted from a demo persona). One per
// account. Payway's tokens, which pay the subscription, are never this.
type SavedToken struct {
	AccountID string
	TokenID   string // the Klarna customer token: a secret, sealed at rest by the store, never shown
	// PurchaseID is the first purchase that saved it; "" when adopted.
	PurchaseID string
	CreatedAt  time.Time
}

// OneClickStore keeps token purchases and their timelines (implemented by *store.DB).
type OneClickStore interface {
	ReuseOrCreateOneClickPurchase(ctx context.Context, fresh OneClickPurchase, since time.Time, reuse func(*OneClickPurchase) bool) (OneClickPurchase, bool, error)
	OneClickPurchase(ctx context.Context, id string) (OneClickPurchase, error)
	OneClickPurchasesOf(ctx context.Context, accountID string) ([]OneClickPurchase, error)
	// OwnedOneTimeOffers lists the one-time offers the account bought (completed).
	OwnedOneTimeOffers(ctx context.Context, accountID string) ([]string, error)
	UpdateOneClickPurchase(ctx context.Context, id string, fn func(*OneClickPurchase) error) (OneClickPurchase, error)
	AddHPPCallback(ctx context.Context, purchaseID, eventID, status string, at time.Time) (bool, error)
	HPPCallbackSeen(ctx context.Context, purchaseID, eventID string) (bool, error)
	AddEvent(ctx context.Context, e Event) error
	OneClickPurchasesInFlightSince(ctx context.Context, before time.Time) ([]OneClickPurchase, error)
	// SavedToken is the account's token; an error matching ErrNoSavedMethod when it has none.
	SavedToken(ctx context.Context, accountID string) (SavedToken, error)
	// SaveToken makes t the account's token and returns the one it replaced (TokenID "" for none).
	SaveToken(ctx context.Context, t SavedToken) (replaced SavedToken, err error)
	// ForgetToken deletes the account's token if it is still tokenID; false when it was not.
	ForgetToken(ctx context.Context, accountID, tokenID string) (bool, error)
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
	// MethodKlarna: a first purchase, ordered from the reader's Klarna authorization on our page.
	MethodKlarna = "klarna"
	// FailSessionExpired: a first purchase was left unpaid until its Klarna payment session was about to
	// expire (48 h); nothing was charged, buying again starts a new one.
	FailSessionExpired = "SESSION_EXPIRED"
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
	// Translations are the title and summary in other languages than the base texts (Offer's).
	Translations map[string]OfferText `json:"translations,omitempty"`
}

// In is the offer with its texts in lang (the base texts where there are none in lang).
func (o OneClickOffer) In(lang string) OneClickOffer {
	if t, ok := o.Translations[lang]; ok {
		o.Title, o.Summary = cmpOr(t.Title, o.Title), cmpOr(t.Summary, o.Summary)
	}
	return o
}

// SavedMethod is the customer's saved Klarna payment method, read from the customer token.
type SavedMethod struct {
	Type         string // CARD, INVOICE, DIRECT_DEBIT, ...
	MaskedNumber string
	Status       string // ACTIVE, CANCELLED, SUSPENDED, or NOT_FOUND when Klarna does not know it
	UpdatedAt    time.Time
	none         bool // the account has no saved token (a kept answer; SavedMethod returns ErrNoSavedMethod)
}

// TokenNotFound is SavedMethod.Status when the app's saved token is one Klarna does not know.
const TokenNotFound = "NOT_FOUND"

// Usable reports whether one-click purchases are offered with this method.
func (m SavedMethod) Usable() bool { return m.Status == klarna.TokenActive }

// Errors of the one-click journey.
var (
	ErrNoSavedMethod = &Error{CodeInvalid, "checkout: no saved Klarna payment method"}
	// ErrNotPaying comes with the purchase as it stands when a first-purchase step (the page, the
	// consent, the order) is asked of a purchase that no longer waits for the reader's payment.
	ErrNotPaying = &Error{CodeConflict, "checkout: purchase is not waiting for a payment"}
	// ErrOrderInProgress: the consent cannot change while the order of the purchase is being created.
	ErrOrderInProgress = &Error{CodeConflict, "checkout: the order is being created"}
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
	// Intent of the step-up payment session: the intent of the session the token was made with (the first
	// purchase's, buy_and_tokenize), as Klarna's recovery guide asks. Default buy_and_tokenize.
	Intent string
	// TokenDescription is the description of the customer tokens the app creates (Klarna requires one,
	// 1..255 characters). Default "One-click purchases at Norrby Tidning".
	TokenDescription string
}

// OneClick runs one-click purchases and their recovery.
type OneClick struct {
	cfg    OneClickConfig
	klarna Klarna
	store  OneClickStore
	offers []OneClickOffer
	locks  keyedMutex
	calls  *Calls
	// methods caches Klarna's reading of each account's saved token (savedMethodTTL): /account shows it on
	// every view, and Klarna need not be asked each time. ForgetSavedMethod drops an account's reading.
	methods *cache.TTL[string, SavedMethod]
}

// NewOneClick builds the service. st is the app's store (*store.DB), which keeps the tokens sealed.
func NewOneClick(cfg OneClickConfig, kl Klarna, st OneClickStore, offers []OneClickOffer) (*OneClick, error) {
	if kl == nil || st == nil {
		return nil, errors.New("checkout: one-click needs Klarna and a store")
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
	cfg.TokenDescription = cmpOr(cfg.TokenDescription, "One-click purchases at Norrby Tidning")
	if cfg.Calls == nil {
		cfg.Calls = &Calls{}
	}
	return &OneClick{cfg: cfg, klarna: kl, store: st, offers: append([]OneClickOffer(nil), offers...), calls: cfg.Calls,
		methods: cache.New[string, SavedMethod](savedMethodTTL, 0, cfg.Now)}, nil
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
	ids, err := o.store.OwnedOneTimeOffers(ctx, c.AccountID)
	if err != nil {
		return nil, fmt.Errorf("checkout: one-click offers: %w", err)
	}
	owned := map[string]bool{}
	for _, id := range ids {
		owned[id] = true
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

// SavedMethod reads the app's saved token of the customer from the store and its details from Klarna.
// ErrNoSavedMethod when the account has none. Both answers are kept for savedMethodTTL (the account
// page shows them on every view); whatever changes the account's token calls ForgetSavedMethod. Charges
// never use this reading: they read the token from the store each time.
func (o *OneClick) SavedMethod(ctx context.Context, c Customer) (SavedMethod, error) {
	m, err := o.methods.Get(ctx, c.AccountID, func(ctx context.Context) (SavedMethod, error) {
		tok, err := o.savedToken(ctx, c)
		if errors.Is(err, ErrNoSavedMethod) {
			return SavedMethod{none: true}, nil // kept too: most readers have none
		}
		if err != nil {
			return SavedMethod{}, err
		}
		return o.readMethod(ctx, tok)
	})
	if err == nil && m.none {
		return SavedMethod{}, ErrNoSavedMethod
	}
	return m, err
}

// savedMethodTTL is how long Klarna's reading of a saved token is shown without asking again. Changes the
// app makes (a new token, a removal, a recovery that updated the method) drop it at once.
const savedMethodTTL = time.Minute

// ForgetSavedMethod drops the cached reading of the account's saved method, after anything that may have
// changed it.
func (o *OneClick) ForgetSavedMethod(accountID string) { o.methods.Delete(accountID) }

// readMethod asks Klarna what the token is now.
func (o *OneClick) readMethod(ctx context.Context, tok SavedToken) (SavedMethod, error) {
	m := SavedMethod{UpdatedAt: tok.CreatedAt}
	t, err := o.klarna.ReadCustomerToken(ctx, tok.TokenID)
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

// savedToken is the account's token; ErrNoSavedMethod when it has none.
func (o *OneClick) savedToken(ctx context.Context, c Customer) (SavedToken, error) {
	tok, err := o.store.SavedToken(ctx, c.AccountID)
	switch {
	case errors.Is(err, ErrNoSavedMethod):
		return SavedToken{}, ErrNoSavedMethod
	case err != nil:
		return SavedToken{}, fmt.Errorf("checkout: saved token: %w", err)
	}
	return tok, nil
}

// RemoveSavedMethod cancels the account's token at Klarna (a cancelled token cannot be restored) and
// forgets it. A token Klarna does not know is forgotten too; when Klarna cannot be reached the token is
// kept, so it is never forgotten while still able to charge. ErrNoSavedMethod when there is none.
func (o *OneClick) RemoveSavedMethod(ctx context.Context, c Customer) error {
	tok, err := o.savedToken(ctx, c)
	if err != nil {
		return err
	}
	err = o.klarna.CancelCustomerToken(ctx, tok.TokenID)
	switch {
	case err == nil, klarnaAnswered(err) && klarna.IsNotFound(err):
	case klarnaAnswered(err):
		return fmt.Errorf("checkout: cancel customer token: %w", err)
	default:
		return klarnaUnavailable("cancel customer token", err)
	}
	if _, err := o.store.ForgetToken(ctx, c.AccountID, tok.TokenID); err != nil {
		return fmt.Errorf("checkout: forget token: %w", err)
	}
	o.ForgetSavedMethod(c.AccountID)
	o.cfg.Logger.InfoContext(ctx, "saved Klarna token removed", "account_id", c.AccountID)
	return nil
}

// Buy charges the app's saved token (step_up SUPPORTED, a Klarna-Idempotency-Key per attempt, merchant
// references). The returned purchase is completed, recovering (go to /recovery/:id) or failed with a
// code. ErrNoSavedMethod when the account has no token: its first purchase is StartFirstPurchase.
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
