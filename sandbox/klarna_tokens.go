package sandbox

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"
)

// Orders with a customer token (reference §4.1, §8): the persona's token behaviour decides between
// success, a rejection with a step-up trigger and a plain failure.

// tokenOrderInput is POST /customer-token/v1/tokens/{token}/order's body, as the core needs it.
type tokenOrderInput struct {
	Cart               cart
	MerchantReference1 string
	MerchantReference2 string
	MerchantURLs       map[string]string
	AutoCapture        bool
	StepUp             string // SUPPORTED, NOT_SUPPORTED; "" means NOT_SUPPORTED
}

// tokenOrderMerchantURLs are the merchant_urls a token order takes (OpenAPI: confirmation, push; the
// recovery guide sends authorization).
func tokenOrderMerchantURLs() []string {
	return []string{"confirmation", "push", "authorization", "notification"}
}

// paymentMethodOfToken is the authorized_payment_method type of a token's payment method.
func paymentMethodOfToken(paymentMethodType string) string {
	switch paymentMethodType {
	case "ACCOUNT":
		return "base_account"
	default: // CARD, INVOICE, DIRECT_DEBIT, DIRECT_BANK_TRANSFER
		return strings.ToLower(paymentMethodType)
	}
}

const paymentFailedMessage = "Purchase for payment method failed"

// tokenOrderTx places an order with a customer token. A rejection is a business answer, not a failed
// transaction: it comes back as rejection (committing the step-up it hands out), while err aborts.
func tokenOrderTx(ctx context.Context, tx *txn, tokenID string, in tokenOrderInput, now time.Time) (o kpOrder, rejection *klarnaError, err error) {
	if in.StepUp != "" && in.StepUp != "SUPPORTED" && in.StepUp != "NOT_SUPPORTED" {
		return kpOrder{}, badValue("step_up"), nil
	}
	if kerr := validateCart(in.Cart, cartRules{minOrderAmount: 1}); kerr != nil {
		return kpOrder{}, kerr, nil
	}
	if f := validMerchantURLs(in.MerchantURLs, tokenOrderMerchantURLs()); f != "" {
		return kpOrder{}, badValue(f), nil
	}
	t, err := customerTokenByID(ctx, tx, tokenID)
	if errors.Is(err, errNotFound) {
		return kpOrder{}, &klarnaError{Status: http.StatusNotFound, Code: "TOKEN_NOT_FOUND",
			Messages: []string{"Customer token not found"}}, nil
	}
	if err != nil {
		return kpOrder{}, nil, err
	}
	forbidden := func(code, message string) *klarnaError {
		return &klarnaError{Status: http.StatusForbidden, Code: code, Messages: []string{message}}
	}
	switch {
	case t.Status == "CANCELLED":
		return kpOrder{}, forbidden("TOKEN_CANCELLED", "Customer token has been cancelled"), nil
	case t.Status == "SUSPENDED":
		return kpOrder{}, forbidden("TOKEN_SUSPENDED", "Customer token is suspended"), nil
	case t.Behaviour == tokenBehaviourPaymentMethodFailed:
		return kpOrder{}, forbidden("PAYMENT_METHOD_FAILED", paymentFailedMessage), nil
	case t.Behaviour == tokenBehaviourStepUp:
		rej := forbidden("UNAVAILABLE_PAYMENT_METHOD", paymentFailedMessage)
		rej.FraudStatus, rej.Reason = "REJECTED", paymentFailedMessage
		rej.AuthorizedPaymentMethod = paymentMethodOfToken(t.PaymentMethodType)
		// Step-up is for customer-initiated (on-demand) charges only: a subscription token is refused
		// without a trigger, whatever the request asks (reference §4.4, §8).
		if in.StepUp == "SUPPORTED" && t.Kind != tokenKindSubscription {
			rej.StepUpID = newUUID()
			if err := insertStepUp(ctx, tx, rej.StepUpID, t.TokenID, now); err != nil {
				return kpOrder{}, nil, err
			}
		}
		return kpOrder{}, rej, nil
	}
	o = kpOrder{OrderID: newUUID(), FraudStatus: "ACCEPTED", AuthorizedPaymentMethod: paymentMethodOfToken(t.PaymentMethodType),
		CustomerToken: t.TokenID, Cart: in.Cart, MerchantReference1: in.MerchantReference1,
		MerchantReference2: in.MerchantReference2, Captured: in.AutoCapture, CreatedAt: now,
		ConfirmationURL: in.MerchantURLs["confirmation"]}
	if err := insertOrder(ctx, tx, o); err != nil {
		return kpOrder{}, nil, err
	}
	return o, nil, nil
}

// tokenOrderBody is the token order JSON: the fields of Klarna's customer_token_order schema the sandbox
// acts on, plus step_up (recovery guide). The schema has no purchase_country and no locale, so those are
// ignored like any field Klarna does not know.
type tokenOrderBody struct {
	PurchaseCurrency   string            `json:"purchase_currency"`
	OrderAmount        int64             `json:"order_amount"`
	OrderTaxAmount     int64             `json:"order_tax_amount"`
	OrderLines         []orderLine       `json:"order_lines"`
	MerchantReference1 string            `json:"merchant_reference1,omitempty"`
	MerchantReference2 string            `json:"merchant_reference2,omitempty"`
	MerchantURLs       map[string]string `json:"merchant_urls,omitempty"`
	AutoCapture        bool              `json:"auto_capture,omitempty"`
	StepUp             string            `json:"step_up,omitempty"`
}

// klarnaTokenOrder serves POST /customer-token/v1/tokens/{token}/order, honouring
// Klarna-Idempotency-Key (klarna_idempotency.go).
func (s *Server) klarnaTokenOrder(w http.ResponseWriter, r *http.Request) {
	body, _, kerr := readKlarnaBody(w, r)
	if kerr != nil {
		writeKlarnaError(w, kerr)
		return
	}
	cid := correlationID(w)
	now := s.klarnaNow()
	resp, kerr := s.idempotently(r.Context(), r.URL.Path, r.Header.Get(idempotencyHeader), body, cid, now,
		func(tx *txn) (int, any, error) {
			var b tokenOrderBody
			if kerr := decodeKlarna(body, &b); kerr != nil {
				return kerr.Status, errorBody(kerr, cid), nil
			}
			c := cart{PurchaseCurrency: b.PurchaseCurrency, OrderAmount: b.OrderAmount, OrderTaxAmount: b.OrderTaxAmount,
				OrderLines: b.OrderLines}
			o, rej, err := tokenOrderTx(r.Context(), tx, r.PathValue("token"), tokenOrderInput{Cart: c,
				MerchantReference1: b.MerchantReference1, MerchantReference2: b.MerchantReference2,
				MerchantURLs: b.MerchantURLs, AutoCapture: b.AutoCapture, StepUp: b.StepUp}, now)
			switch {
			case err != nil:
				return 0, nil, err
			case rej != nil:
				return rej.Status, errorBody(rej, cid), nil
			}
			res := orderResponseOf(o)
			res.RedirectURL = ""
			return http.StatusOK, res, nil
		})
	if kerr != nil {
		writeKlarnaError(w, kerr)
		return
	}
	resp.write(w)
}

// klarnaReadToken serves GET /customer-token/v1/tokens/{token}.
func (s *Server) klarnaReadToken(w http.ResponseWriter, r *http.Request) {
	t, kerr := s.kpCustomerToken(r.Context(), r.PathValue("token"))
	if kerr != nil {
		writeKlarnaError(w, kerr)
		return
	}
	out := map[string]any{"status": t.Status, "payment_method_type": t.PaymentMethodType}
	switch t.PaymentMethodType {
	case "CARD":
		out["card"] = map[string]string{"brand": t.CardBrand, "expiry_date": t.CardExpiry, "masked_number": t.MaskedNumber}
	case "DIRECT_DEBIT":
		out["direct_debit"] = map[string]string{"masked_number": t.MaskedNumber}
	}
	writeJSON(w, http.StatusOK, out)
}

// klarnaTokenStatus serves PATCH /customer-token/v1/tokens/{token}/status {"status":"CANCELLED"}: 202
// without a body.
func (s *Server) klarnaTokenStatus(w http.ResponseWriter, r *http.Request) {
	var b struct {
		Status string `json:"status"`
	}
	if kerr := decodeKlarnaRequest(w, r, &b); kerr != nil {
		writeKlarnaError(w, kerr)
		return
	}
	if kerr := s.kpCancelCustomerToken(r.Context(), r.PathValue("token"), b.Status); kerr != nil {
		writeKlarnaError(w, kerr)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}
