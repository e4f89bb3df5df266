package sandbox

// Klarna core: the sandbox's Klarna domain (payment sessions, authorizations, orders, customer tokens, HPP
// sessions). The Klarna HTTP API (klarna_*.go), the Payway emulation (payway_*.go) and the browser side
// (browser_*.go, control_*.go) all go through these functions, so the rules live in one place.
//
// CONTRACT (issue 3): the signatures below are agreed between the people building the three parts.
// State lives in SQLite (migrations/00002_klarna.sql, klarna_store.go); the HTTP API is klarna_api*.go.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Lifetimes Klarna documents.
const (
	kpSessionLifetime     = 48 * time.Hour   // payment session
	kpAuthorizationExpiry = 60 * time.Minute // authorization token
	hppBeforeKPExpiry     = time.Hour        // HPP session expires this long before its KP session
)

// klarnaError is an error in Klarna's shape: {error_code, error_messages, correlation_id} plus, on token
// orders, step_up_id, fraud_status, reason and authorized_payment_method.
type klarnaError struct {
	Status                  int
	Code                    string
	Messages                []string
	StepUpID                string
	FraudStatus             string
	Reason                  string
	AuthorizedPaymentMethod string // type, e.g. "card"
}

func (e *klarnaError) Error() string { return fmt.Sprintf("%d %s: %v", e.Status, e.Code, e.Messages) }

// orderLine is Klarna's order_line.
type orderLine struct {
	Type                string            `json:"type,omitempty"`
	Reference           string            `json:"reference,omitempty"`
	Name                string            `json:"name"`
	Quantity            int64             `json:"quantity"`
	QuantityUnit        string            `json:"quantity_unit,omitempty"`
	UnitPrice           int64             `json:"unit_price"`
	TaxRate             int64             `json:"tax_rate"`
	TotalAmount         int64             `json:"total_amount"`
	TotalDiscountAmount int64             `json:"total_discount_amount,omitempty"`
	TotalTaxAmount      int64             `json:"total_tax_amount"`
	MerchantData        string            `json:"merchant_data,omitempty"`
	ProductURL          string            `json:"product_url,omitempty"`
	Subscription        *lineSubscription `json:"subscription,omitempty"`
}

// lineSubscription is order_line.subscription (required on recurring lines for tokenize intents).
type lineSubscription struct {
	Name          string `json:"name"`
	Interval      string `json:"interval"` // DAY, WEEK, MONTH, YEAR
	IntervalCount int    `json:"interval_count"`
}

// cart is what every session, order and token order carries; amounts in minor units, tax with 2 decimals.
type cart struct {
	PurchaseCountry  string      `json:"purchase_country"`
	PurchaseCurrency string      `json:"purchase_currency"`
	Locale           string      `json:"locale,omitempty"`
	OrderAmount      int64       `json:"order_amount"`
	OrderTaxAmount   int64       `json:"order_tax_amount"`
	OrderLines       []orderLine `json:"order_lines"`
}

// paymentCategory is one entry of payment_method_categories.
type paymentCategory struct {
	Identifier string `json:"identifier"`
	Name       string `json:"name"`
	AssetURLs  struct {
		Descriptive string `json:"descriptive"`
		Standard    string `json:"standard"`
	} `json:"asset_urls"`
}

// kpSessionInput creates a payment session (Klarna API or Payway's create_session).
type kpSessionInput struct {
	Cart               cart
	Intent             string // buy (default), tokenize, buy_and_tokenize
	MerchantReference1 string
	MerchantReference2 string
	MerchantURLs       map[string]string // confirmation, notification, push, authorization
	CustomerToken      string            // step-up session: customer.customer_token
	StepUpID           string            // step-up session: top-level step_up_id
	// Categories are the offered payment categories: the merchant's (klarnaMerchant), or a restriction
	// (Payway trials: direct_debit only); empty means the default, the one klarna category.
	Categories []string
	// Identity is the person who authorizes the session, when its creator knows them: Payway's purchase
	// sessions of a persona (Persona.klarnaIdentity). Every approved authorization is theirs, with the e-mail
	// typed in Klarna's dialog. nil (every session made through Klarna's API): the person the e-mail names
	// (customerForEmail). The sandbox's own field: Klarna's API neither takes nor shows it.
	Identity *kpCustomer
}

// kpSession is a stored payment session.
type kpSession struct {
	ID                 string
	ClientToken        string // a JWT (three base64url parts) whose payload names the session
	Status             string // incomplete | complete
	Input              kpSessionInput
	Categories         []paymentCategory
	AuthorizationToken string // the latest approved authorization
	OrderID            string // set once an order completed the session
	CreatedAt          time.Time
	ExpiresAt          time.Time
}

// kpCustomer is the person behind a Klarna test email (playground data: customer@email.se is Alice Test).
type kpCustomer struct {
	Email, GivenName, FamilyName, Phone, DateOfBirth, NationalID string
	StreetAddress, PostalCode, City, Country                     string
}

// authorizeInput is what the authorize dialog (or POST /sandbox/v1/authorize) submits.
type authorizeInput struct {
	SessionID string
	Email     string
	OTP       string // 6 digits; "" skips the OTP step (control API); 999999 fails
	Category  string // payment_method_category; must be one of the session's
}

// authorizeResult is the callback payload of Klarna.Payments.authorize, exactly as the SDK documents it.
type authorizeResult struct {
	Approved           bool           `json:"approved"`
	ShowForm           bool           `json:"show_form"`
	AuthorizationToken string         `json:"authorization_token,omitempty"`
	FinalizeRequired   bool           `json:"finalize_required,omitempty"`
	Error              *invalidFields `json:"error,omitempty"`
}

type invalidFields struct {
	InvalidFields []string `json:"invalid_fields"`
}

// kpAuthorization is an approved authorization (valid 60 minutes, one order).
type kpAuthorization struct {
	Token     string
	SessionID string
	Category  string
	Customer  kpCustomer
	CreatedAt time.Time
	ExpiresAt time.Time
	OrderID   string // set once consumed
}

// kpOrderInput is create-order-from-authorization's body.
type kpOrderInput struct {
	Cart               cart
	MerchantReference1 string
	MerchantReference2 string
	MerchantURLs       map[string]string
	AutoCapture        bool
}

// kpOrder is a Klarna order (from an authorization, a customer token or an HPP session).
type kpOrder struct {
	OrderID                 string
	RedirectURL             string // device recognition: <base>/kp/redirect/<order_id>, when the session has a confirmation URL
	FraudStatus             string // ACCEPTED
	AuthorizedPaymentMethod string // e.g. invoice, direct_debit, card
	SessionID               string // "" for token orders
	AuthorizationToken      string
	CustomerToken           string
	Cart                    cart
	MerchantReference1      string
	MerchantReference2      string
	Captured                bool
	CreatedAt               time.Time
	// ConfirmationURL is where the device-recognition redirect leads: the order's
	// merchant_urls.confirmation, else its session's; placeholders not yet filled.
	ConfirmationURL string
}

// Token behaviours: how a customer token reacts to a token order (persona-driven).
const (
	tokenBehaviourOK                  = "ok"
	tokenBehaviourStepUp              = "step_up"               // UNAVAILABLE_PAYMENT_METHOD (+ step_up_id when SUPPORTED)
	tokenBehaviourPaymentMethodFailed = "payment_method_failed" // PAYMENT_METHOD_FAILED, no trigger
)

// Token kinds (reference §4.4): subscription tokens are merchant-initiated and never offered a step-up;
// on-demand tokens (no subscription object) are customer-initiated and may be.
const (
	tokenKindOnDemand     = "on_demand"
	tokenKindSubscription = "subscription"
)

// kpCustomerToken is a Klarna customer token.
type kpCustomerToken struct {
	TokenID           string
	Status            string // ACTIVE, CANCELLED, SUSPENDED
	PaymentMethodType string // INVOICE, CARD, DIRECT_DEBIT, ...
	MaskedNumber      string // card or account, e.g. "************1111"
	CardBrand         string
	CardExpiry        string // "12/2028"
	Behaviour         string // tokenBehaviour*
	Description       string
	Customer          kpCustomer
	SessionID         string // the session it was created from ("" for seeded tokens)
	// Kind is tokenKindOnDemand or tokenKindSubscription: whether the session it was made from had a
	// subscription object. Only on-demand tokens are ever offered a step-up.
	Kind      string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// tokenInput is create-customer-token's body.
type tokenInput struct {
	Description      string
	IntendedUse      string // SUBSCRIPTION
	Locale           string
	PurchaseCountry  string
	PurchaseCurrency string
}

// hppSession is a Hosted Payment Page session.
type hppSession struct {
	ID                 string
	KPSessionID        string
	Status             string // WAITING, IN_PROGRESS, COMPLETED, FAILED, CANCELLED, BACK, ERROR, DISABLED
	PlaceOrderMode     string // NONE, PLACE_ORDER, CAPTURE_ORDER
	MerchantURLs       map[string]string
	AuthorizationToken string
	OrderID            string
	// Categories are the payment categories the hosted page offers (identifiers as in the KP session,
	// lowercase), from options.payment_method_category(ies), else all of the KP session's.
	Categories []string
	CreatedAt  time.Time
	UpdatedAt  time.Time
	ExpiresAt  time.Time
}

// The contract functions below are thin: each runs one IMMEDIATE transaction around the tx-level rules in
// klarna_sessions.go, klarna_orders.go and klarna_hpp.go, so composite operations (an HPP session that
// authorizes and places its order) stay atomic.

// kpCreateSession validates and stores a payment session (BAD_VALUE for carts whose amounts or taxes do
// not add up, with Klarna's messages).
func (s *Server) kpCreateSession(ctx context.Context, in kpSessionInput) (kpSession, *klarnaError) {
	return s.createSession(ctx, in, nil)
}

// kpSession reads a session; NOT_FOUND "Invalid session id" when missing or expired.
func (s *Server) kpSession(ctx context.Context, id string) (kpSession, *klarnaError) {
	sess, _, err := liveSession(ctx, s.store.r, id, s.klarnaNow())
	if err != nil {
		return kpSession{}, s.klarnaErr(ctx, "read session", err)
	}
	return sess, nil
}

// kpAuthorize is the authorize dialog's decision: approve (stores a kpAuthorization and returns its token),
// hard reject for customer+denied@..., fixable rejection for a malformed email
// (invalid_fields ["billing_address.email"]) or OTP 999999 ({approved:false, show_form:true}).
// A klarnaError only for an unknown, expired or completed session or a category the session does not offer.
func (s *Server) kpAuthorize(ctx context.Context, in authorizeInput) (authorizeResult, *klarnaError) {
	now := s.klarnaNow()
	var res authorizeResult
	var events []callbackEvent
	kerr := s.coreTx(ctx, "authorize", func(tx *txn) error {
		var err error
		res, events, err = authorizeTx(ctx, tx, in, now)
		return err
	})
	if kerr != nil {
		return authorizeResult{}, kerr
	}
	s.sendEvents(events)
	return res, nil
}

// kpAuthorization reads an authorization; NOT_FOUND "Invalid authorization token" when missing or expired.
func (s *Server) kpAuthorization(ctx context.Context, token string) (kpAuthorization, *klarnaError) {
	a, err := liveAuthorization(ctx, s.store.r, token, s.klarnaNow())
	if err != nil {
		return kpAuthorization{}, s.klarnaErr(ctx, "read authorization", err)
	}
	return a.kpAuthorization, nil
}

// kpCreateOrder creates the one order of an authorization. base is the sandbox's own origin (for
// RedirectURL). The cart must match the session (409 BAD_VALUE "Not matching fields"); a second order gets
// 403 INVALID_OPERATION "Authorization token already consumed" (the internal callers, Payway and the hosted
// page; the merchant's API answers a second call as Klarna documents, see createOrderOnce). It completes
// the session. For a step-up session the customer token gets the authorization's payment method and
// behaviour ok.
func (s *Server) kpCreateOrder(ctx context.Context, base, authToken string, in kpOrderInput) (kpOrder, *klarnaError) {
	now := s.klarnaNow()
	var o kpOrder
	kerr := s.coreTx(ctx, "create order", func(tx *txn) error {
		var err error
		o, err = createOrderTx(ctx, tx, base, authToken, in, now)
		return err
	})
	if kerr != nil {
		return kpOrder{}, kerr
	}
	return o, nil
}

// kpCharge is what chargeAuthorization made: the order and, unless TokenErr says why not, the customer
// token.
type kpCharge struct {
	Order    kpOrder
	Token    kpCustomerToken
	TokenErr *klarnaError // kpCreateCustomerToken's answer when the token was refused; the order stands
}

// chargeAuthorization is Payway's charge at place_order: kpCreateOrder and then kpCreateCustomerToken on
// the same authorization, with the same rules and answers as the two calls, inside the caller's writer
// transaction (place_order records Payway's order, this charge and the purchase in one commit: it is the
// busiest writer of a purchase, and each transaction is a commit). The charge runs in a savepoint: a
// refused order (the *klarnaError) undoes the charge's writes only, for the caller to record the failure.
// A refused token does not undo the order, as with two calls: its writes run in a savepoint of their own
// and the refusal comes back in TokenErr. The error is anything else, for the caller to roll back.
func (s *Server) chargeAuthorization(ctx context.Context, tx *txn, base, authToken string, order kpOrderInput, token tokenInput) (kpCharge, *klarnaError, error) {
	now := s.klarnaNow()
	var c kpCharge
	var refused *klarnaError
	err := savepoint(ctx, tx, "klarna_charge", func() error {
		o, auth, sess, err := createOrderWith(ctx, tx, base, authToken, order, now)
		if err != nil {
			return err
		}
		c.Order = o
		return savepoint(ctx, tx, "customer_token", func() error {
			if kerr := validateTokenInput(token); kerr != nil {
				return kerr
			}
			t, err := customerTokenFrom(ctx, tx, auth, sess, token, now)
			c.Token = t
			return err
		}, &c.TokenErr)
	}, &refused)
	switch {
	case err != nil:
		return kpCharge{}, nil, fmt.Errorf("sandbox: klarna charge: %w", err)
	case refused != nil:
		return kpCharge{}, refused, nil
	}
	return c, nil, nil
}

// savepoint runs fn inside the named SAVEPOINT. A *klarnaError from fn undoes fn's writes only and is
// stored in *refused (the transaction goes on); any other error is returned, for the transaction to
// roll back.
func savepoint(ctx context.Context, tx *txn, name string, fn func() error, refused **klarnaError) error {
	if _, err := tx.ExecContext(ctx, `SAVEPOINT `+name); err != nil {
		return fmt.Errorf("sandbox: savepoint %s: %w", name, err)
	}
	err := fn()
	var ke *klarnaError
	switch {
	case errors.As(err, &ke):
		*refused = ke
		if _, err := tx.ExecContext(ctx, `ROLLBACK TO `+name); err != nil {
			return fmt.Errorf("sandbox: roll back to %s: %w", name, err)
		}
	case err != nil:
		return err
	}
	if _, err := tx.ExecContext(ctx, `RELEASE `+name); err != nil {
		return fmt.Errorf("sandbox: release %s: %w", name, err)
	}
	return nil
}

// kpOrderByID reads an order (device recognition needs its confirmation URL); NOT_FOUND when unknown.
func (s *Server) kpOrderByID(ctx context.Context, id string) (kpOrder, *klarnaError) {
	o, err := orderByID(ctx, s.store.r, id)
	if errors.Is(err, errNotFound) {
		return kpOrder{}, klarnaNotFound("Invalid order id")
	}
	if err != nil {
		return kpOrder{}, s.klarnaErr(ctx, "read order", err)
	}
	return o, nil
}

// kpCreateCustomerToken creates a token from an authorization whose session intent is tokenize or
// buy_and_tokenize (403 INVALID_OPERATION otherwise).
func (s *Server) kpCreateCustomerToken(ctx context.Context, authToken string, in tokenInput) (kpCustomerToken, *klarnaError) {
	now := s.klarnaNow()
	var t kpCustomerToken
	kerr := s.coreTx(ctx, "create customer token", func(tx *txn) error {
		var err error
		t, err = createCustomerTokenTx(ctx, tx, authToken, in, now)
		return err
	})
	if kerr != nil {
		return kpCustomerToken{}, kerr
	}
	return t, nil
}

// kpCustomerToken reads a token; 404 NOT_FOUND "Invalid customer-token ID" when unknown.
func (s *Server) kpCustomerToken(ctx context.Context, id string) (kpCustomerToken, *klarnaError) {
	t, err := customerTokenByID(ctx, s.store.r, id)
	if errors.Is(err, errNotFound) {
		return kpCustomerToken{}, klarnaNotFound("Invalid customer-token ID")
	}
	if err != nil {
		return kpCustomerToken{}, s.klarnaErr(ctx, "read customer token", err)
	}
	return t, nil
}

// hppSessionByID reads an HPP session; NOT_FOUND when unknown or expired.
func (s *Server) hppSessionByID(ctx context.Context, id string) (hppSession, *klarnaError) {
	h, err := liveHPP(ctx, s.store.r, id, s.klarnaNow())
	if err != nil {
		return hppSession{}, s.klarnaErr(ctx, "read HPP session", err)
	}
	return h, nil
}

// hppOpen moves WAITING to IN_PROGRESS when the customer opens the hosted page (and sends the callback).
// Reopening after FAILED, BACK or ERROR (the customer may retry) also moves it to IN_PROGRESS; a session in
// a final status (COMPLETED, CANCELLED, DISABLED) is returned unchanged for the page to show.
func (s *Server) hppOpen(ctx context.Context, id string) (hppSession, *klarnaError) {
	now := s.klarnaNow()
	var h hppSession
	var events []callbackEvent
	kerr := s.coreTx(ctx, "open HPP session", func(tx *txn) error {
		var err error
		h, events, err = hppOpenTx(ctx, tx, id, now)
		return err
	})
	if kerr != nil {
		return hppSession{}, kerr
	}
	s.sendEvents(events)
	return h, nil
}

// hppComplete authorizes the HPP session's KP session as the customer with email/otp. Approved: COMPLETED
// (placing the order for PLACE_ORDER / CAPTURE_ORDER); denied: FAILED. It returns the merchant URL to send
// the browser to, placeholders filled ({{session_id}}, {{authorization_token}}, {{order_id}}), or "" when
// the merchant gave none (the page then shows Klarna's generic result).
//
// Any rejection (denied e-mail, malformed e-mail, code 999999) is FAILED with the failure URL: FAILED is
// not final, the customer may try again. A payment session that expired or was paid meanwhile gives
// ERROR (error URL, else failure). A session in a final status gets 403 INVALID_OPERATION.
func (s *Server) hppComplete(ctx context.Context, base, id, email, otp string) (string, *klarnaError) {
	now := s.klarnaNow()
	var target string
	var events []callbackEvent
	kerr := s.coreTx(ctx, "complete HPP session", func(tx *txn) error {
		var err error
		target, events, err = hppCompleteTx(ctx, tx, base, id, email, otp, now)
		return err
	})
	if kerr != nil {
		return "", kerr
	}
	s.sendEvents(events)
	return target, nil
}

// hppFinish records the customer leaving the hosted page: status CANCELLED, BACK or ERROR, and returns the
// matching merchant URL (error falls back to failure), or "".
func (s *Server) hppFinish(ctx context.Context, id, status string) (string, *klarnaError) {
	now := s.klarnaNow()
	var target string
	var events []callbackEvent
	kerr := s.coreTx(ctx, "finish HPP session", func(tx *txn) error {
		var err error
		target, events, err = hppFinishTx(ctx, tx, id, status, now)
		return err
	})
	if kerr != nil {
		return "", kerr
	}
	s.sendEvents(events)
	return target, nil
}

// klarnaNow is the sandbox time in whole seconds, the precision the store keeps, so what a call returns
// equals what a later read returns.
func (s *Server) klarnaNow() time.Time { return s.now().UTC().Truncate(time.Second) }

// coreTx runs fn in a writer transaction. A *klarnaError from fn is the API's answer (the transaction
// rolls back); any other error is logged and answered with Klarna's 500.
func (s *Server) coreTx(ctx context.Context, op string, fn func(tx *txn) error) *klarnaError {
	return s.klarnaErr(ctx, op, s.store.inTx(ctx, fn))
}

// klarnaErr maps an error of the core to the *klarnaError callers answer with; nil stays nil.
func (s *Server) klarnaErr(ctx context.Context, op string, err error) *klarnaError {
	if err == nil {
		return nil
	}
	var ke *klarnaError
	if errors.As(err, &ke) {
		return ke
	}
	s.log.ErrorContext(ctx, "sandbox klarna internal error", "op", op, "err", err)
	return &klarnaError{Status: http.StatusInternalServerError, Code: "INTERNAL_SERVER_ERROR", Messages: []string{"Internal error"}}
}
