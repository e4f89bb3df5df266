package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"
)

// Orders and customer tokens from an authorization: the rules behind kpCreateOrder and
// kpCreateCustomerToken.

func invalidOperation(message string) *klarnaError {
	return &klarnaError{Status: http.StatusForbidden, Code: "INVALID_OPERATION", Messages: []string{message}}
}

// orderMerchantURLs are the merchant_urls an order takes.
func orderMerchantURLs() []string {
	return []string{"confirmation", "notification", "push", "authorization"}
}

// fillSessionPlaceholders fills Klarna's {session.id} and {order.id} URL placeholders.
func fillSessionPlaceholders(u, sessionID, orderID string) string {
	return strings.NewReplacer("{session.id}", sessionID, "{order.id}", orderID).Replace(u)
}

// cartMismatch compares an order's cart with the authorized session's and returns Klarna's 409 message, or
// "" when they match: "Incorrect number of items in the cart. Expected: 2, Actual: 3" or
// "Not matching fields: [order_amount, order_lines[0].total_amount]".
func cartMismatch(authorized, order cart) string {
	if len(authorized.OrderLines) != len(order.OrderLines) {
		return fmt.Sprintf("Incorrect number of items in the cart. Expected: %d, Actual: %d",
			len(authorized.OrderLines), len(order.OrderLines))
	}
	var fields []string
	if !strings.EqualFold(authorized.PurchaseCountry, order.PurchaseCountry) {
		fields = append(fields, "purchase_country")
	}
	if !strings.EqualFold(authorized.PurchaseCurrency, order.PurchaseCurrency) {
		fields = append(fields, "purchase_currency")
	}
	if authorized.OrderAmount != order.OrderAmount {
		fields = append(fields, "order_amount")
	}
	if authorized.OrderTaxAmount != order.OrderTaxAmount {
		fields = append(fields, "order_tax_amount")
	}
	for i, a := range authorized.OrderLines {
		o := order.OrderLines[i]
		if a.Quantity != o.Quantity {
			fields = append(fields, fmt.Sprintf("order_lines[%d].quantity", i))
		}
		if a.TotalAmount != o.TotalAmount {
			fields = append(fields, fmt.Sprintf("order_lines[%d].total_amount", i))
		}
	}
	if len(fields) == 0 {
		return ""
	}
	return "Not matching fields: [" + strings.Join(fields, ", ") + "]"
}

// authorizationOrderScope keys, in the idempotency store, the first answer to create-order on an
// authorization token, with the hash of its request body.
const authorizationOrderScope = "create order from authorization"

// orderAlreadyCompleted is Klarna's documented answer to a second create-order with another body (error
// codes page, 409 BAD_VALUE).
func orderAlreadyCompleted() *klarnaError {
	return &klarnaError{Status: http.StatusConflict, Code: "BAD_VALUE",
		Messages: []string{"The order has been already completed with different request body"}}
}

// createOrderOnce is create-order from the merchant's API: the first call creates the order
// (createOrderTx) and keeps its answer with the hash of the body; a later call on the same authorization
// gets 409 BAD_VALUE "The order has been already completed with different request body" when its body
// differs (Klarna documents this) and the first answer again, the same order, when its body is the same
// (the sandbox's choice: Klarna's message implies it and does not say so; klarnaChoices). An
// authorization whose order was made elsewhere (the hosted page in PLACE_ORDER mode, Payway) has no kept
// answer and gets 403 INVALID_OPERATION "Authorization token already consumed".
func (s *Server) createOrderOnce(ctx context.Context, base, authToken string, body []byte, correlationID string, in kpOrderInput) (storedResponse, *klarnaError) {
	now := s.klarnaNow()
	hash := canonicalHash(body)
	var resp storedResponse
	kerr := s.coreTx(ctx, "create order", func(tx *txn) error {
		auth, err := liveAuthorization(ctx, tx, authToken, now)
		if err != nil {
			return err
		}
		if auth.OrderID != "" {
			prev, found, err := idempotencyRecord(ctx, tx, authorizationOrderScope, authToken, now)
			switch {
			case err != nil:
				return err
			case found && prev.hash == hash:
				resp = prev.storedResponse
				resp.CorrelationID = correlationID // a new request: its own id in Klarna's logs
				return nil
			case found:
				return orderAlreadyCompleted()
			}
		}
		o, err := createOrderTx(ctx, tx, base, authToken, in, now)
		if err != nil {
			return err
		}
		b, err := json.Marshal(orderResponseOf(o))
		if err != nil {
			return fmt.Errorf("encode order: %w", err)
		}
		resp = storedResponse{Status: http.StatusOK, Body: append(b, '\n'), CorrelationID: correlationID}
		return storeResponse(ctx, tx, authorizationOrderScope, authToken, hash, resp, now)
	})
	if kerr != nil {
		return storedResponse{}, kerr
	}
	return resp, nil
}

// createOrderTx creates the order of an authorization (see kpCreateOrder).
func createOrderTx(ctx context.Context, tx *txn, base, authToken string, in kpOrderInput, now time.Time) (kpOrder, error) {
	o, _, _, err := createOrderWith(ctx, tx, base, authToken, in, now)
	return o, err
}

// createOrderWith is createOrderTx that also returns the authorization and session it read (as they were
// before the order), so that a customer token can follow in the same transaction without reading them
// again (chargeAuthorization).
func createOrderWith(ctx context.Context, tx *txn, base, authToken string, in kpOrderInput, now time.Time) (kpOrder, authRow, kpSession, error) {
	auth, err := liveAuthorization(ctx, tx, authToken, now)
	if err != nil {
		return kpOrder{}, authRow{}, kpSession{}, err
	}
	if auth.OrderID != "" {
		return kpOrder{}, authRow{}, kpSession{}, invalidOperation("Authorization token already consumed")
	}
	sess, _, err := liveSession(ctx, tx, auth.SessionID, now)
	var ke *klarnaError
	if errors.As(err, &ke) {
		return kpOrder{}, authRow{}, kpSession{}, klarnaNotFound("Invalid authorization token")
	}
	if err != nil {
		return kpOrder{}, authRow{}, kpSession{}, err
	}
	o, err := orderFrom(ctx, tx, base, auth, sess, in, now)
	return o, auth, sess, err
}

// orderFrom checks an order against a live, unconsumed authorization and its live session, and stores
// it: the order, the authorization consumed, the session complete.
func orderFrom(ctx context.Context, tx *txn, base string, auth authRow, sess kpSession, in kpOrderInput, now time.Time) (kpOrder, error) {
	if sess.Status == "complete" {
		return kpOrder{}, sessionCompleted()
	}
	if kerr := validateCart(in.Cart, cartRules{requireCountry: true}); kerr != nil {
		return kpOrder{}, kerr
	}
	if msg := cartMismatch(sess.Input.Cart, in.Cart); msg != "" {
		return kpOrder{}, &klarnaError{Status: http.StatusConflict, Code: "BAD_VALUE", Messages: []string{msg}}
	}
	if f := validMerchantURLs(in.MerchantURLs, orderMerchantURLs()); f != "" {
		return kpOrder{}, badValue(f)
	}
	o := kpOrder{
		OrderID: newUUID(), FraudStatus: "ACCEPTED", AuthorizedPaymentMethod: authorizedPaymentMethod(auth.Category),
		SessionID: sess.ID, AuthorizationToken: auth.Token, Cart: in.Cart,
		MerchantReference1: firstNonEmpty(in.MerchantReference1, sess.Input.MerchantReference1),
		MerchantReference2: firstNonEmpty(in.MerchantReference2, sess.Input.MerchantReference2),
		Captured:           in.AutoCapture, CreatedAt: now,
		ConfirmationURL: firstNonEmpty(in.MerchantURLs["confirmation"], sess.Input.MerchantURLs["confirmation"]),
	}
	if o.ConfirmationURL != "" && base != "" {
		o.RedirectURL = strings.TrimRight(base, "/") + "/kp/redirect/" + o.OrderID
	}
	if tokenID := sess.Input.CustomerToken; tokenID != "" {
		if err := refreshSteppedUpToken(ctx, tx, tokenID, auth.Category, o.OrderID, now); err != nil {
			return kpOrder{}, err
		}
		o.CustomerToken = tokenID
	}
	if err := insertOrder(ctx, tx, o); err != nil {
		return kpOrder{}, err
	}
	if err := execOne(ctx, tx, "consume authorization", `UPDATE kp_authorizations SET order_id = ? WHERE token = ?`,
		o.OrderID, auth.Token); err != nil {
		return kpOrder{}, err
	}
	if err := execOne(ctx, tx, "complete session", `UPDATE kp_sessions SET status = 'complete', order_id = ?,
		updated_at = ? WHERE id = ?`, o.OrderID, unix(now), sess.ID); err != nil {
		return kpOrder{}, err
	}
	return o, nil
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// refreshSteppedUpToken gives a customer token the payment method a step-up session authorized: the
// token now charges fine with the new method (Klarna: "the token's stored payment option is updated").
func refreshSteppedUpToken(ctx context.Context, tx *txn, tokenID, category, orderID string, now time.Time) error {
	t, err := customerTokenByID(ctx, tx, tokenID)
	if err != nil {
		return err
	}
	t.PaymentMethodType = tokenPaymentMethodType(category)
	t.MaskedNumber = maskedNumberFor(t.PaymentMethodType, orderID)
	t.CardBrand, t.CardExpiry = cardDetails(t.PaymentMethodType, now)
	t.Behaviour = tokenBehaviourOK
	t.UpdatedAt = now
	return saveCustomerToken(ctx, tx, t)
}

// cardDetails are the brand and expiry a new card token shows (none for other payment methods).
func cardDetails(paymentMethodType string, now time.Time) (brand, expiry string) {
	if paymentMethodType != "CARD" {
		return "", ""
	}
	return "VISA", fmt.Sprintf("%02d/%d", int(now.Month()), now.Year()+4)
}

var intendedUses = regexp.MustCompile(`^(?i:subscription)$`)

// createCustomerTokenTx creates a customer token from an authorization (see kpCreateCustomerToken). An
// authorization creates at most one token; a second attempt gets 403 INVALID_OPERATION.
func createCustomerTokenTx(ctx context.Context, tx *txn, authToken string, in tokenInput, now time.Time) (kpCustomerToken, error) {
	if kerr := validateTokenInput(in); kerr != nil {
		return kpCustomerToken{}, kerr
	}
	auth, err := liveAuthorization(ctx, tx, authToken, now)
	if err != nil {
		return kpCustomerToken{}, err
	}
	sess, _, err := sessionByID(ctx, tx, auth.SessionID)
	if err != nil {
		return kpCustomerToken{}, err
	}
	return customerTokenFrom(ctx, tx, auth, sess, in, now)
}

// validateTokenInput checks create-customer-token's body on its own (Klarna answers these before it
// looks at the authorization).
func validateTokenInput(in tokenInput) *klarnaError {
	switch {
	case in.Description == "" || len(in.Description) > 255:
		return badValue("description")
	case !intendedUses.MatchString(in.IntendedUse):
		return badValue("intended_use")
	case !localePattern.MatchString(in.Locale):
		return badValue("locale")
	case !countryPattern.MatchString(in.PurchaseCountry):
		return badValue("purchase_country")
	case !currencyPattern.MatchString(in.PurchaseCurrency):
		return badValue("purchase_currency")
	}
	return nil
}

// customerTokenFrom is createCustomerTokenTx once the input is valid (validateTokenInput) and the
// authorization (live) and its session are read.
func customerTokenFrom(ctx context.Context, tx *txn, auth authRow, sess kpSession, in tokenInput, now time.Time) (kpCustomerToken, error) {
	if sess.Input.Intent != "tokenize" && sess.Input.Intent != "buy_and_tokenize" {
		return kpCustomerToken{}, invalidOperation("Not allowed to create customer token for intent " + sess.Input.Intent + ".")
	}
	if !strings.EqualFold(in.PurchaseCountry, sess.Input.Cart.PurchaseCountry) {
		return kpCustomerToken{}, badValue("purchase_country")
	}
	if !strings.EqualFold(in.PurchaseCurrency, sess.Input.Cart.PurchaseCurrency) {
		return kpCustomerToken{}, badValue("purchase_currency")
	}
	if auth.TokenCreated {
		return kpCustomerToken{}, invalidOperation("A customer token was already created from this authorization")
	}
	t := kpCustomerToken{
		TokenID: newUUID(), Status: "ACTIVE", PaymentMethodType: tokenPaymentMethodType(auth.Category),
		Behaviour: tokenBehaviourOK, Description: in.Description, Customer: auth.Customer, SessionID: sess.ID,
		Kind: tokenKindOf(sess.Input.Cart), CreatedAt: now, UpdatedAt: now,
	}
	t.MaskedNumber = maskedNumberFor(t.PaymentMethodType, t.TokenID)
	t.CardBrand, t.CardExpiry = cardDetails(t.PaymentMethodType, now)
	if err := insertCustomerToken(ctx, tx, t, false); err != nil {
		return kpCustomerToken{}, err
	}
	return t, execOne(ctx, tx, "mark token created", `UPDATE kp_authorizations SET token_created = 1 WHERE token = ?`, auth.Token)
}

// tokenKindOf is the kind of token a session's authorization makes: a subscription token when any order
// line carries a subscription object (Payway's purchases), an on-demand token otherwise (the app's
// one-click token).
func tokenKindOf(c cart) string {
	for _, l := range c.OrderLines {
		if l.Subscription != nil {
			return tokenKindSubscription
		}
	}
	return tokenKindOnDemand
}

// kpCancelAuthorization is DELETE /payments/v1/authorizations/{token}: a live, unconsumed authorization
// is released (later orders get NOT_FOUND); a consumed one gets 403 INVALID_OPERATION.
func (s *Server) kpCancelAuthorization(ctx context.Context, token string) *klarnaError {
	now := s.klarnaNow()
	return s.coreTx(ctx, "cancel authorization", func(tx *txn) error {
		a, err := liveAuthorization(ctx, tx, token, now)
		var ke *klarnaError
		if errors.As(err, &ke) {
			return klarnaNotFound("Authorization cannot be deleted")
		}
		if err != nil {
			return err
		}
		if a.OrderID != "" {
			return invalidOperation("Authorization token already consumed")
		}
		return execOne(ctx, tx, "delete authorization", `UPDATE kp_authorizations SET deleted_at = ? WHERE token = ?`,
			unix(now), token)
	})
}

// kpCancelCustomerToken is PATCH /customer-token/v1/tokens/{token}/status {"status":"CANCELLED"}.
// Cancelled tokens cannot be restored; cancelling again is accepted and changes nothing.
func (s *Server) kpCancelCustomerToken(ctx context.Context, tokenID, status string) *klarnaError {
	if status != "CANCELLED" {
		return badValue("status")
	}
	now := s.klarnaNow()
	return s.coreTx(ctx, "cancel customer token", func(tx *txn) error {
		t, err := customerTokenByID(ctx, tx, tokenID)
		if errors.Is(err, errNotFound) {
			return klarnaNotFound("Invalid token ID")
		}
		if err != nil {
			return err
		}
		if t.Status == "CANCELLED" {
			return nil
		}
		t.Status, t.UpdatedAt = "CANCELLED", now
		return saveCustomerToken(ctx, tx, t)
	})
}
