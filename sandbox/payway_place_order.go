package sandbox

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// placeOrderBody is the request of place_order and place_trial_order (v1).
type placeOrderBody struct {
	KlarnaAuthorizationToken string `json:"klarna_authorization_token"`
	KlarnaPaymentsSessionID  string `json:"klarna_payments_session_id"`
	BrowserIP                string `json:"browser_ip"`
	BrowserLanguage          string `json:"browser_language"`
	BrowserUserAgent         string `json:"browser_user_agent"`
	TrafficSource            string `json:"traffic_source"`
	MerchantReference        string `json:"merchant_reference"`
	// nil means Payway's default: true for ssn_already_taken, false for the others (implementation guide).
	RaiseOnSSNAlreadyTakenError *bool `json:"raise_on_ssn_already_taken_error"`
	RaiseOnSSNAlreadySetError   *bool `json:"raise_on_ssn_already_set_error"`
	RaiseOnAccountUpdateError   *bool `json:"raise_on_account_update_error"`
	RaiseOnDeliveryAddressError *bool `json:"raise_on_delivery_address_error"`
}

func (b placeOrderBody) flags() raiseFlags {
	or := func(p *bool, def bool) bool {
		if p == nil {
			return def
		}
		return *p
	}
	return raiseFlags{
		SSNAlreadyTaken: or(b.RaiseOnSSNAlreadyTakenError, true),
		SSNAlreadySet:   or(b.RaiseOnSSNAlreadySetError, false),
		AccountUpdate:   or(b.RaiseOnAccountUpdateError, false),
		DeliveryAddress: or(b.RaiseOnDeliveryAddressError, false),
	}
}

// placeOrderItem is the response item of place_order. Payway's docs do not name its fields; these are
// the sandbox's assumption (DESIGN.md section 4, payway/assumed.go).
type placeOrderItem struct {
	OrderID     string `json:"order_id"`
	RedirectURI string `json:"redirect_uri"` // Klarna's device-recognition redirect; send the browser there
	State       string `json:"state"`
}

// paywayPlaceOrder serves POST /external/api/v1/klarna_payments/place_order.
func (s *Server) paywayPlaceOrder(w http.ResponseWriter, r *http.Request, auth paywayAuth) {
	s.servePlaceOrder(w, r, auth, false)
}

// paywayPlaceTrialOrder serves POST /external/api/v1/klarna_payments/place_trial_order.
func (s *Server) paywayPlaceTrialOrder(w http.ResponseWriter, r *http.Request, auth paywayAuth) {
	s.servePlaceOrder(w, r, auth, true)
}

func (s *Server) servePlaceOrder(w http.ResponseWriter, r *http.Request, auth paywayAuth, trial bool) {
	item, err := s.placePurchaseOrder(w, r, auth, trial)
	if err != nil {
		s.writePaywayErr(w, r, err)
		return
	}
	writeItem(w, http.StatusOK, item)
}

// Errors of place_order. Payway documents only 403 payment method failed; the others are the
// sandbox's choices, listed in README's sandbox section.
var (
	errPaymentMethodFailed = &paywayError{status: http.StatusForbidden, Code: "payment_method_failed", Message: "Payment method failed"}
	errPurchaseCompleted   = &paywayError{status: http.StatusConflict, Code: "session_completed",
		Message: "The purchase session has already been used for a successful purchase"}
)

func invalidAuthorization(message string) *paywayError {
	return &paywayError{status: http.StatusBadRequest, Code: "invalid_authorization", Message: message}
}

// placePurchaseOrder checks the session and the authorization, then charges through Klarna and records the
// purchase. Every check that can fail without charging runs before the Klarna order is created.
func (s *Server) placePurchaseOrder(w http.ResponseWriter, r *http.Request, auth paywayAuth, trial bool) (placeOrderItem, error) {
	ctx := r.Context()
	acc, err := s.identity(ctx, auth)
	if err != nil {
		return placeOrderItem{}, err
	}
	var body placeOrderBody
	if err := decodeJSON(w, r, &body); err != nil {
		return placeOrderItem{}, err
	}
	if err := validatePlaceOrder(body); err != nil {
		return placeOrderItem{}, err
	}
	now := s.now()
	ps, o, p, err := s.openPurchaseSession(ctx, acc.ID, body.KlarnaPaymentsSessionID, trial, now)
	if err != nil {
		return placeOrderItem{}, err
	}
	authz, kerr := s.kpAuthorization(ctx, body.KlarnaAuthorizationToken)
	switch {
	case kerr != nil && kerr.Status == http.StatusNotFound:
		return placeOrderItem{}, invalidAuthorization("The Klarna authorization token is unknown or has expired")
	case kerr != nil:
		return placeOrderItem{}, klarnaFailure("read the Klarna authorization", kerr)
	case authz.SessionID != ps.KPSessionID:
		return placeOrderItem{}, invalidAuthorization("The Klarna authorization does not belong to this purchase session")
	case trial && authz.Category != "direct_debit":
		return placeOrderItem{}, &paywayError{status: http.StatusBadRequest, Code: "trial_requires_direct_debit",
			Message: "Trial orders can only be paid with direct debit"}
	}
	if active, err := s.store.hasActiveProduct(ctx, acc.ID, o.Product, now); err != nil {
		return placeOrderItem{}, err
	} else if active {
		return placeOrderItem{}, packageAlreadyActive(o)
	}
	behaviour, err := s.store.purchaseBehaviour(ctx, acc.ID)
	if err != nil {
		return placeOrderItem{}, err
	}
	if !trial { // trial purchases get no account data from Klarna, so nothing can conflict
		if perr := conflictError(behaviour, body.flags()); perr != nil {
			return placeOrderItem{}, perr
		}
	}

	start := subscriptionStart(now, ps.StartDate)
	order := paywayOrder{
		AccountID: acc.ID, KPSessionID: ps.KPSessionID, Code: o.Code, ProductCode: o.Product, PeriodID: p.ID,
		Description: o.Name, PriceMinor: p.PriceMinor, VATRate: vatDigitalNews, IterationType: p.IterationType,
		IterationLength: p.IterationLength, Trial: o.Trial, State: "created", PaymentState: "pending",
		TrafficSource: body.TrafficSource, MerchantReference: body.MerchantReference,
		SubscriptionStartDate: start.Format(time.DateOnly), CreatedAt: now,
	}
	c := completion{
		Subscription: userProduct{AccountID: acc.ID, ProductCode: o.Product, Code: o.Code,
			Campaign: o.Campaign, State: "activated", ValidFrom: start, ValidTo: start.AddDate(0, p.IterationLength, 0)},
	}
	if start.After(now) {
		c.Subscription.State = "pending" // Payway's state for a subscription with a future start date
	}
	var delivery deliveryAddress
	if !trial {
		synced, to := syncAccount(acc, authz.Customer, behaviour, ps.DisableAccountInfoOverwrite)
		c.Sync = &synced
		// The synced account leaves the account cache once the transaction has ended, committed or not,
		// before the place_order call answers.
		defer s.store.accounts.invalidate(acc.ID)
		if to != (Address{}) {
			delivery = deliveryAddress{ID: newHexID(), Address: to}
		}
	}

	// One writer transaction records Payway's order, Klarna's order and customer token, and the purchase
	// (or the failed order): a purchase is fully recorded or not at all, with one commit where there were
	// three. refused is the answer when the transaction records a failed order.
	var refused error
	var item placeOrderItem
	err = s.store.inTx(ctx, func(tx *txn) error {
		refused = nil
		if err := insertPaywayOrder(ctx, tx, &order); err != nil {
			return err
		}
		if behaviour == PurchaseDebt {
			// Klarna's external lookup finds debt: Payway fails the payment and terminates the subscription.
			refused = errPaymentMethodFailed
			terminated := &userProduct{AccountID: acc.ID, OrderID: order.ID, ProductCode: o.Product, Code: o.Code,
				Campaign: o.Campaign, State: "terminated", ValidFrom: now, ValidTo: now, CancellationReason: errPaymentMethodFailed.Code}
			return failPaywayOrder(ctx, tx, order.ID, errPaymentMethodFailed.Code, errPaymentMethodFailed.Message, terminated, now)
		}
		kord, tokenID, err := s.chargeKlarna(ctx, tx, klarnaBase(r), body, ps, o, order)
		var pe *paywayError
		switch {
		case errors.As(err, &pe):
			refused = pe
			return failPaywayOrder(ctx, tx, order.ID, pe.Code, pe.Message, nil, now)
		case err != nil:
			return err
		}
		c.Order, c.CustomerToken = order, tokenID
		c.Order.DeliveryAddress = delivery
		c.Order.KlarnaOrderID, c.Order.PaymentMethod = kord.OrderID, orderPaymentMethod(authz.Category, kord.AuthorizedPaymentMethod)
		c.Subscription.OrderID = order.ID
		item = placeOrderItem{OrderID: order.OrderID, RedirectURI: kord.RedirectURL, State: "closed"}
		return completePurchase(ctx, tx, c, s.now())
	})
	switch {
	case errors.Is(err, errSessionCompleted):
		return placeOrderItem{}, errPurchaseCompleted
	case err != nil:
		return placeOrderItem{}, err
	case refused != nil:
		return placeOrderItem{}, refused
	}
	return item, nil
}

// orderPaymentMethod is what Payway's order records as how it was paid (payment_option_details.type):
// "klarna" when the customer paid with the klarna category, where the way to pay is picked inside Klarna's
// own flow, which the sandbox does not emulate, so Klarna is all that is known; else Klarna's
// authorized_payment_method (direct_debit, card, ...), or the category when Klarna named none.
func orderPaymentMethod(category, authorized string) string {
	if category == "klarna" || authorized == "" {
		return category
	}
	return authorized
}

func validatePlaceOrder(b placeOrderBody) error {
	switch {
	case b.KlarnaAuthorizationToken == "":
		return invalidParameter("Missing parameter: klarna_authorization_token")
	case b.KlarnaPaymentsSessionID == "":
		return invalidParameter("Missing parameter: klarna_payments_session_id")
	case b.BrowserIP != "" && net.ParseIP(b.BrowserIP) == nil:
		return invalidParameter("browser_ip must be an IPv4 or IPv6 address")
	}
	return nil
}

// openPurchaseSession loads the account's session and checks it can still be used by this endpoint.
func (s *Server) openPurchaseSession(ctx context.Context, accountID, id string, trial bool, now time.Time) (purchaseSession, offer, period, error) {
	ps, err := s.store.purchaseSessionFor(ctx, accountID, id)
	if errors.Is(err, errNotFound) {
		return purchaseSession{}, offer{}, period{}, &paywayError{status: http.StatusNotFound, Code: "not_found",
			Message: "No purchase session " + id}
	}
	if err != nil {
		return purchaseSession{}, offer{}, period{}, err
	}
	if ps.State == purchaseCompleted {
		return purchaseSession{}, offer{}, period{}, errPurchaseCompleted
	}
	if !now.Before(ps.ExpiresAt) {
		return purchaseSession{}, offer{}, period{}, &paywayError{status: http.StatusGone, Code: "session_expired",
			Message: "The purchase session has expired (sessions live 48 hours)"}
	}
	o, ok := s.offers.byCode(ps.Code)
	p, pok := o.periodByID(ps.PeriodID)
	if !ok || !pok {
		return purchaseSession{}, offer{}, period{}, fmt.Errorf("sandbox: session %s names %s/%s, not in the catalogue", ps.KPSessionID, ps.Code, ps.PeriodID)
	}
	switch {
	case o.Trial && !trial:
		return purchaseSession{}, offer{}, period{}, &paywayError{status: http.StatusBadRequest, Code: "trial_order_required",
			Message: o.Code + " is a trial campaign: use place_trial_order"}
	case !o.Trial && trial:
		return purchaseSession{}, offer{}, period{}, &paywayError{status: http.StatusBadRequest, Code: "not_a_trial",
			Message: o.Code + " is not a trial campaign: use place_order"}
	}
	return ps, o, p, nil
}

// chargeKlarna creates the Klarna order from the authorization and the customer token Payway keeps for
// later charges (Klarna's two calls, chargeAuthorization), inside the place_order transaction. A refusal
// comes back as the *paywayError Payway answers with, with Klarna's writes undone; any other error is for
// the transaction to roll back.
func (s *Server) chargeKlarna(ctx context.Context, tx *txn, base string, body placeOrderBody, ps purchaseSession, o offer, order paywayOrder) (kpOrder, string, error) {
	charge, kerr, err := s.chargeAuthorization(ctx, tx, base, body.KlarnaAuthorizationToken, kpOrderInput{
		Cart: ps.Cart, MerchantReference1: order.OrderID, MerchantReference2: body.MerchantReference,
		MerchantURLs: map[string]string{"confirmation": ps.ConfirmationURL}, AutoCapture: true,
	}, tokenInput{
		Description: o.Name, IntendedUse: "SUBSCRIPTION", Locale: purchaseLocale,
		PurchaseCountry: purchaseCountry, PurchaseCurrency: purchaseCurrency,
	})
	switch {
	case err != nil:
		return kpOrder{}, "", err
	case kerr != nil && kerr.Code == "INVALID_OPERATION":
		// The authorization was consumed by an earlier place_order on this session.
		return kpOrder{}, "", errPurchaseCompleted
	case kerr != nil && kerr.Status == http.StatusNotFound:
		return kpOrder{}, "", invalidAuthorization("The Klarna authorization token is unknown or has expired")
	case kerr != nil:
		return kpOrder{}, "", klarnaFailure("create the Klarna order", kerr)
	case charge.TokenErr != nil:
		return kpOrder{}, "", klarnaFailure("create the Klarna customer token", charge.TokenErr)
	}
	return charge.Order, charge.Token.TokenID, nil
}

// subscriptionStart is when the subscription begins: now, or the requested start date (midnight UTC)
// when that is later.
func subscriptionStart(now time.Time, startDate string) time.Time {
	d, err := time.Parse(time.DateOnly, startDate)
	if err != nil || !d.After(now) {
		return now
	}
	return d
}
