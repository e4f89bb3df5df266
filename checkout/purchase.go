package checkout

import (
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"time"
)

// State is where a purchase of either kind stands. The rules between states live in this package (Service
// for subscription purchases, OneClick for one-click purchases); the store only keeps them.
type State string

// Subscription purchase states (Purchase).
const (
	StateCreated State = "created" // Payway session open, nothing paid
	StatePlacing State = "placing" // place_order claimed and in flight
	// StateUnknown: place_order may have acted but its answer never came (timeout after sending, the
	// connection lost, a 5xx, a crash mid-call). The reconciler reads the truth from Payway's orders.
	StateUnknown   State = "unknown"
	StatePlaced    State = "placed"    // Payway placed the order
	StateConfirmed State = "confirmed" // the confirmation page has shown the order
	StateFailed    State = "failed"    // refused; FailureCode says why
	StateExpired   State = "expired"   // the Payway session lapsed (48 h)
)

// One-click purchase states (OneClickPurchase).
const (
	OneClickCreated State = "created" // row written, charge not answered yet
	// OneClickUnknown: the token charge was sent and not answered (timeout, 5xx, the connection lost).
	// The reconciler, or the customer buying again, resends it with the same Klarna-Idempotency-Key.
	OneClickUnknown State = "unknown"
	// OneClickPaying: a first purchase (no saved token, or a new method wanted) pays with Klarna Payments on
	// our page: the payment session exists and waits for the reader's authorization. Only its order
	// claim (OrderingSince) is ever the reconciler's.
	OneClickPaying     State = "paying"
	OneClickCompleted  State = "completed"  // Klarna order exists (token charge, SDK recovery, HPP or first purchase)
	OneClickRecovering State = "recovering" // token rejected with a step-up trigger: the recovery page takes over
	OneClickFailed     State = "failed"     // rejected without trigger, FailureCode says why
)

// InFlight reports whether a purchase in state s holds its account's claim on its product: at most one
// purchase of a product is in flight per account (the store refuses a second claim, ErrInFlight), so
// two tabs buying monthly and yearly cannot both be charged. An unknown outcome keeps the claim: until
// the reconciler knows, the first purchase may have bought.
func InFlight(s State) bool { return s == StatePlacing || s == StateUnknown }

// Done reports whether a purchase in state s is over: nothing more is paid or placed for it.
func Done(s State) bool {
	return s == StatePlaced || s == StateConfirmed || s == StateFailed || s == StateExpired
}

// ForgetSecrets drops what a finished purchase no longer needs and should not keep: Klarna's
// authorization token (it could still create an order while it lives) and the client token of its
// widget. The store calls it on every save, so no finished purchase keeps them.
func (p *Purchase) ForgetSecrets() {
	if Done(p.State) {
		p.AuthorizationToken, p.ClientToken = "", ""
	}
}

// Purchase is one customer's subscription purchase journey: a Payway purchase session paid through the
// Klarna widget.
type Purchase struct {
	ID                 string // random and opaque: the only id in URLs (NewID)
	AccountID          string // Payway account of the owner
	OfferID            string
	Product            string // the product the offer unlocks: one purchase of it in flight per account
	Code               string // Payway package or campaign code
	PeriodID           string
	Trial              bool
	ReturnPath         string // the article the reader came from
	KlarnaSessionID    string
	ClientToken        string
	Categories         []Category // the Klarna session's payment_method_categories, as Klarna named them
	ChosenCategory     string     // the category the reader authorized with (PaidWith); "" before issue 15
	State              State
	FailureCode        string
	AuthorizationToken string
	OrderID            string
	RedirectURI        string // Klarna device recognition, from place_order
	ExpiresAt          time.Time
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

// OneClickPurchase is a one-click purchase charged to the customer's saved Klarna customer token and,
// when Klarna asks for a step-up, its recovery; or a first purchase (OneClickPaying), paid through Klarna
// Payments on our page, that may save the token the next ones are charged to.
type OneClickPurchase struct {
	ID        string // random and opaque: the only id in URLs (NewID)
	AccountID string // Payway account of the owner
	OfferID   string
	TokenID   string // the Klarna customer token charged: a secret, never shown, sealed at rest; "" for a first purchase
	// IdempotencyKey is the Klarna-Idempotency-Key of the token order, stored before the call so a retry
	// after a timeout reuses it.
	IdempotencyKey string
	// OrderRequest is the token order's JSON as first sent: a retry must send the same body with the key,
	// and the recovery session and order reuse its cart.
	OrderRequest string
	OneTime      bool // the offer is bought once and kept: the store refuses a second one (ErrAlreadyOwned)
	State        State
	FailureCode  string
	StepUpID     string
	// The step-up payment session and the current hosted payment page session.
	KlarnaSessionID string
	ClientToken     string
	HPPSessionID    string
	HPPRedirectURL  string
	HPPMode         string // place_order_mode of the HPP session
	// CallbackHash is CallbackHash(secret) of the secret in the current hosted page's status_update URL.
	// The secret itself is kept nowhere: a new page gets a new one, and a callback is checked by its hash.
	CallbackHash string
	Method       string // token, sdk, hpp or klarna: how the order was made
	LastOutcome  string
	// OrderingSince is when the current order call was claimed; zero when none is in flight.
	OrderingSince time.Time
	OrderID       string
	// A first purchase's reader ticked "Save Klarna for one-click purchases" (its session's intent is
	// buy_and_tokenize, else buy), and whether the customer token was then created and saved.
	SaveConsent bool
	TokenSaved  bool
	Categories  []Category // a first purchase's payment_method_categories, for the widget and the confirmation
	// ChosenCategory is the identifier of the category a first purchase was authorized with.
	ChosenCategory string
	// Locale is Klarna's locale of the purchase's payment sessions, orders and token (sv-SE, en-SE): the
	// reader's language when the purchase began (Customer.Locale). "" (purchases from before) means the
	// configured one.
	Locale    string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// First reports whether the purchase is a first purchase, paid with Klarna Payments on our page, rather
// than a charge of a saved token: it waits for that payment, was made by it, or expired waiting.
func (p OneClickPurchase) First() bool {
	return p.State == OneClickPaying || p.Method == MethodKlarna || p.FailureCode == FailSessionExpired
}

// NewID returns 20 random bytes as unpadded base32hex: unguessable and URL-safe, for purchases of both
// kinds.
func NewID() (string, error) {
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("checkout: purchase id: %w", err)
	}
	return base32.HexEncoding.WithPadding(base32.NoPadding).EncodeToString(b), nil
}

// EventKind says what a timeline event records.
type EventKind string

// Event kinds.
const (
	EventState EventKind = "state" // a state change (From, To, Note), or a note (Note, IDs) when To is ""
	// EventCall is an exchange with Payway or Klarna (Call, Service, Method, Path, Status, bodies), or a
	// call Klarna made to us (the HPP status callback: Call, IDs, Note). Stored as "api".
	EventCall EventKind = "api"
)

// Event is one line of a purchase's timeline, for the demo console and support. Bodies are masked by the
// API clients before they get here. The fields are typed so the timeline can be drawn without parsing
// text.
type Event struct {
	ID         int64
	PurchaseID string
	At         time.Time
	Kind       EventKind
	From, To   State  // EventState
	Call       string // EventCall: the operation, e.g. "payway.place_order", "klarna.create_token_order"
	Service    string // payway, klarna
	Method     string
	Path       string
	Status     int // 0: no answer
	Duration   time.Duration
	Request    string
	Response   string
	// IDs are the identifiers that matter for following the purchase elsewhere: order_id, step_up_id,
	// session_id, hpp_session_id, event_id.
	IDs map[string]string
	// Note is a short human note: the failure code, "retryable", or the call's error.
	Note string
}

// Category is a payment method category as the Klarna session returned it: Klarna's identifier, the name
// Klarna gives it (in the session's language) and its descriptive asset, a badge image URL. Pages show the
// name and the image as they are, never a name of ours. Name and AssetURL are "" for categories read from
// purchases stored before they were kept, or from a Payway session that passes bare identifiers.
type Category struct {
	Identifier string
	Name       string
	AssetURL   string
}

// PaidWith is the category a purchase was paid with: the one the reader chose, or the session's only one.
// False when neither is known (several categories and no choice recorded).
func PaidWith(categories []Category, chosen string) (Category, bool) {
	for _, c := range categories {
		if chosen != "" && c.Identifier == chosen {
			return c, true
		}
	}
	if len(categories) == 1 {
		return categories[0], true
	}
	return Category{}, false
}

// chooseCategory is the category identifier to record for an order posted with posted: posted when the
// session offers it, the session's only category when it has one, else "" (a form naming a category the
// session never offered records nothing rather than something untrue).
func chooseCategory(categories []Category, posted string) string {
	c, _ := PaidWith(categories, posted)
	return c.Identifier
}
