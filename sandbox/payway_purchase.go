package sandbox

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// Payway's Klarna purchase endpoints (create_session, place_order, place_trial_order), per the
// implementation guide "Klarna payments – existing customer": a purchase session opens a Klarna
// payments session, the browser authorizes it with Klarna's SDK, and place_order turns the
// authorization into a Klarna order, a customer token and Payway's order, payment and subscription.

// Scopes of the Klarna purchase, order and payment-profile routes.
const (
	scopeKlarnaRead     = "/external/klarna_payments/r"
	scopeKlarnaWrite    = "/external/klarna_payments/w"
	scopeOrderRead      = "/external/order/r"
	scopePaymentProfile = "/external/me/payment_profile/r"
)

// purchaseSessionLifetime is how long a Payway purchase session lives (it also dies at the first
// successful purchase).
const purchaseSessionLifetime = 48 * time.Hour

// Klarna cart constants for Payway's Swedish purchases.
const (
	purchaseCountry  = "SE"
	purchaseCurrency = "SEK"
	purchaseLocale   = "sv-SE"
)

// createSessionBody is create_session's request (v1).
type createSessionBody struct {
	Code                        string `json:"code"`
	PeriodType                  string `json:"period_type"`
	PeriodID                    string `json:"period_id"`
	ConfirmationURL             string `json:"confirmation_url"`
	StartDate                   string `json:"start_date"`
	DisableAccountInfoOverwrite bool   `json:"disable_account_info_overwrite"`
}

// createSessionItem is create_session's response item. Payway's docs confirm only klarna_client_token;
// the other names are the sandbox's assumption (DESIGN.md section 4, payway/assumed.go).
type createSessionItem struct {
	KlarnaPaymentsSessionID string            `json:"klarna_payments_session_id"`
	KlarnaClientToken       string            `json:"klarna_client_token"`
	PaymentMethodCategories []paymentCategory `json:"payment_method_categories"`
	ExpiresAt               string            `json:"expires_at"` // RFC 3339, UTC
}

func invalidParameter(message string) *paywayError {
	return &paywayError{status: http.StatusBadRequest, Code: "invalid_parameter", Message: message}
}

// paywayCreateSession serves POST /external/api/v1/klarna_payments/create_session.
func (s *Server) paywayCreateSession(w http.ResponseWriter, r *http.Request, auth paywayAuth) {
	item, err := s.createPurchaseSession(w, r, auth)
	if err != nil {
		s.writePaywayErr(w, r, err)
		return
	}
	writeItem(w, http.StatusOK, item)
}

// createPurchaseSession validates the request against the catalogue and the account's access, opens
// the Klarna payments session and stores Payway's purchase session (48 h).
func (s *Server) createPurchaseSession(w http.ResponseWriter, r *http.Request, auth paywayAuth) (createSessionItem, error) {
	ctx := r.Context()
	accountID, err := s.identityID(ctx, auth)
	if err != nil {
		return createSessionItem{}, err
	}
	var body createSessionBody
	if err := decodeJSON(w, r, &body); err != nil {
		return createSessionItem{}, err
	}
	now := s.now()
	o, p, err := validateCreateSession(s.offers, body, now)
	if err != nil {
		return createSessionItem{}, err
	}
	if active, err := s.store.hasActiveProduct(ctx, accountID, o.Product, now); err != nil {
		return createSessionItem{}, err
	} else if active {
		return createSessionItem{}, packageAlreadyActive(o)
	}
	in := kpSessionInput{
		Cart:               purchaseCart(o, p),
		Intent:             "buy_and_tokenize",
		MerchantReference1: o.Code,
		MerchantURLs:       map[string]string{"confirmation": body.ConfirmationURL},
	}
	persona, isPersona := s.personaOfAccount(accountID)
	if isPersona {
		in.Categories = persona.KlarnaCategories // nil: the default, the one klarna category
		if id, ok := persona.klarnaIdentity(); ok {
			in.Identity = &id // Klarna knows the persona as themselves (scenarios.go)
		}
	}
	if o.Trial {
		in.Categories = []string{"direct_debit"} // Klarna only supports direct debit for 0-amount purchases
	}
	kps, enc, kerr := s.newSession(in, nil)
	if kerr != nil {
		return createSessionItem{}, klarnaFailure("create the Klarna payments session", kerr)
	}
	ps := purchaseSession{
		KPSessionID: kps.ID, AccountID: accountID, Code: o.Code, PeriodID: p.ID, ConfirmationURL: body.ConfirmationURL,
		StartDate: body.StartDate, DisableAccountInfoOverwrite: body.DisableAccountInfoOverwrite, Cart: in.Cart,
		CreatedAt: now, ExpiresAt: now.Add(purchaseSessionLifetime),
	}
	// Klarna's session and Payway's purchase session in one writer transaction (one commit, not two).
	err = s.store.inTx(ctx, func(tx *txn) error {
		if err := createSessionTx(ctx, tx, kps, enc); err != nil {
			return err
		}
		return insertPurchaseSession(ctx, tx, ps)
	})
	if errors.As(err, &kerr) {
		return createSessionItem{}, klarnaFailure("create the Klarna payments session", kerr)
	}
	if err != nil {
		return createSessionItem{}, err
	}
	return createSessionItem{
		KlarnaPaymentsSessionID: kps.ID, KlarnaClientToken: kps.ClientToken,
		PaymentMethodCategories: categoriesAt(klarnaBase(r), kps.Categories),
		ExpiresAt:               ps.ExpiresAt.UTC().Format(time.RFC3339),
	}, nil
}

func packageAlreadyActive(o offer) *paywayError {
	return &paywayError{status: http.StatusConflict, Code: "package_already_active",
		Message: fmt.Sprintf("The account already has an active subscription to %s", o.Product)}
}

// validateCreateSession checks the request against the catalogue and picks the payment period.
func validateCreateSession(catalogue offerIndex, b createSessionBody, now time.Time) (offer, period, error) {
	if b.Code == "" {
		return offer{}, period{}, invalidParameter("Missing parameter: code")
	}
	o, ok := catalogue.byCode(b.Code)
	if !ok {
		return offer{}, period{}, invalidParameter("Unknown package or campaign code: " + b.Code)
	}
	switch b.PeriodType {
	case "", "recurring", "limited":
	default:
		return offer{}, period{}, invalidParameter("period_type must be limited or recurring")
	}
	var p period
	switch {
	case b.PeriodID != "":
		if p, ok = o.periodByID(b.PeriodID); !ok {
			return offer{}, period{}, invalidParameter(fmt.Sprintf("Unknown period_id %s for %s", b.PeriodID, o.Code))
		}
		if b.PeriodType != "" && b.PeriodType != p.Type {
			return offer{}, period{}, invalidParameter(fmt.Sprintf("period_id %s is not a %s period", p.ID, b.PeriodType))
		}
	case o.Trial:
		return offer{}, period{}, invalidParameter("period_id is required for trial campaigns")
	case b.PeriodType == "":
		return offer{}, period{}, invalidParameter("Missing parameter: period_type (or period_id)")
	case o.Campaign && b.PeriodType != "recurring":
		return offer{}, period{}, invalidParameter("period_type must be recurring for campaigns")
	default:
		i := -1
		for j, cand := range o.Periods {
			if cand.Type == b.PeriodType {
				i = j
				break
			}
		}
		if i < 0 {
			return offer{}, period{}, invalidParameter(fmt.Sprintf("%s has no %s payment period", o.Code, b.PeriodType))
		}
		p = o.Periods[i] // the first (shortest) period of that type, as Payway's default
	}
	if err := validateConfirmationURL(b.ConfirmationURL); err != nil {
		return offer{}, period{}, err
	}
	if b.StartDate != "" {
		d, err := time.Parse(time.DateOnly, b.StartDate)
		if err != nil {
			return offer{}, period{}, invalidParameter("start_date must be a date (YYYY-MM-DD)")
		}
		if d.Before(today(now)) {
			return offer{}, period{}, invalidParameter("start_date must be today or later")
		}
	}
	return o, p, nil
}

// today is the sandbox date (UTC midnight); start dates compare against it.
func today(now time.Time) time.Time {
	y, m, d := now.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// validateConfirmationURL requires an absolute http(s) URL: Klarna sends the browser there.
func validateConfirmationURL(raw string) error {
	if raw == "" {
		return invalidParameter("Missing parameter: confirmation_url")
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(raw) > 2000 {
		return invalidParameter("confirmation_url must be an absolute http or https URL")
	}
	return nil
}

// purchaseCart is the Klarna cart for one period of an offer: one digital line with its
// subscription, VAT 6 % computed the way Klarna checks it.
func purchaseCart(o offer, p period) cart {
	total := p.PriceMinor
	tax := total - total*10000/(10000+vatDigitalNews)
	name := o.Name
	if !o.Campaign { // a campaign's name says its period; a package's does not
		name = fmt.Sprintf("%s, %d mån", o.Name, p.IterationLength)
	}
	line := orderLine{
		Type: "digital", Reference: o.Code, Name: name, Quantity: 1, UnitPrice: total, TaxRate: vatDigitalNews,
		TotalAmount: total, TotalTaxAmount: tax,
		Subscription: &lineSubscription{Name: o.Name, Interval: "MONTH", IntervalCount: p.IterationLength},
	}
	return cart{
		PurchaseCountry: purchaseCountry, PurchaseCurrency: purchaseCurrency, Locale: purchaseLocale,
		OrderAmount: total, OrderTaxAmount: tax, OrderLines: []orderLine{line},
	}
}

// klarnaFailure reports a Klarna error the Payway side cannot attribute to the client as 502, the way
// a gateway in front of a failing provider answers.
func klarnaFailure(what string, kerr *klarnaError) *paywayError {
	return &paywayError{status: http.StatusBadGateway, Code: "payment_provider_error",
		Message: fmt.Sprintf("Could not %s: %s %v", what, kerr.Code, kerr.Messages)}
}
