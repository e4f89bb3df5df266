package sandbox

import (
	"errors"
	"net/http"
	"strconv"
	"time"
)

// Order API: GET /external/api/v1/order?order_id= returns one of the account's orders, ?account_id=
// all of them. An order has exactly the field set of the example on Payway's Order API page (reference
// §4.4 and §5 Order; payway/testdata/order_documented.json, which payway's contract test holds the
// sandbox's answer against), with the documented forms of its values: order_detail.price,
// period_info.price and payments[].amount are floats in kronor, payments[].payment_result.amount is a
// string in öre ("13900"), vat_code is the rate in per cent without a sign, payment_type is "autopay" and
// the address is "addresses" (one Payway Address object, as the example shows; {} when the order has
// none). The values the docs only show for a card order are the sandbox's choices for a Klarna one:
// payment_result.order_status "completed" and transaction_status "sale" for a paid order (the example's),
// "failed"/"failed" for a failed one and "pending"/"pending" otherwise; payment_option_details.type is
// Klarna's authorized payment method (e.g. direct_debit), name "Klarna".

type orderItem struct {
	ID                    string               `json:"id"`
	OrderID               string               `json:"order_id"`
	PaymentOption         string               `json:"payment_option"`
	PaymentOptionDetails  paymentOptionDetails `json:"payment_option_details"`
	PurchaseType          string               `json:"purchase_type"`
	State                 string               `json:"state"`
	SubscriptionStartDate string               `json:"subscription_start_date"`
	TrafficSource         string               `json:"traffic_source"`
	MerchantReference     string               `json:"merchant_reference"`
	ChildOrderIDs         []string             `json:"child_order_ids"`
	ParentOrderID         *string              `json:"parent_order_id"`
	OrderDetail           orderDetail          `json:"order_detail"`
	Payments              []orderPayment       `json:"payments"`
	Addresses             deliveryAddress      `json:"addresses"` // {} when the order has none
}

type paymentOptionDetails struct {
	Type             string `json:"type"` // Klarna's authorized payment method, e.g. direct_debit
	Name             string `json:"name"`
	MaskedCardNumber string `json:"masked_card_number"`
	ExpirationDate   string `json:"expiration_date"`
}

type orderDetail struct {
	PeriodInfo         periodInfo         `json:"period_info"`
	PartialPaymentInfo partialPaymentInfo `json:"partial_payment_info"`
	Description        string             `json:"description"`
	Price              float64            `json:"price"`    // kronor, incl. VAT
	VATCode            string             `json:"vat_code"` // per cent, e.g. "6"
	Created            string             `json:"created"`  // RFC 3339
	ProductCode        string             `json:"product_code"`
}

type periodInfo struct {
	Type               string  `json:"type"`   // month
	Length             int     `json:"length"` // in units of type
	Price              float64 `json:"price"`  // kronor, incl. VAT
	PriceSpecification string  `json:"price_specification"`
}

// partialPaymentInfo is always the documented example's: no partial payment plan, one payment.
type partialPaymentInfo struct {
	ID                              *string `json:"id"`
	NumberOfPartialPaymentsSelected int     `json:"number_of_partial_payments_selected"`
}

type orderPayment struct {
	OrderID            string        `json:"order_id"`
	ProductCode        string        `json:"product_code"`
	PaymentResult      paymentResult `json:"payment_result"`
	PaymentType        string        `json:"payment_type"` // autopay
	PaymentMethod      string        `json:"payment_method"`
	Amount             float64       `json:"amount"` // kronor
	Description        string        `json:"description"`
	State              string        `json:"state"`
	Provider           string        `json:"provider"`
	PriceSpecification string        `json:"price_specification"`
}

type paymentResult struct {
	Created           string  `json:"created"` // RFC 3339
	OrderStatus       string  `json:"order_status"`
	TransactionStatus string  `json:"transaction_status"`
	TransactionNumber string  `json:"transaction_number"` // Klarna's order id
	PaymentMethod     string  `json:"payment_method"`
	Amount            string  `json:"amount"` // öre, as a string: "13900" is 139.00 kronor
	ErrorCode         *string `json:"error_code"`
	ErrorDescription  *string `json:"error_description"`
	ThirdPartyError   *string `json:"third_party_error"`
}

// paywayOrderGet serves GET /external/api/v1/order in its two documented forms (reference §5 Order),
// exactly one of the parameters per request (neither or both: 400 invalid_parameter):
//
//   - ?order_id= (order_id or the 24-hex id) needs a token with identity and returns {"item": order}.
//     Another account's order is 404, as if it did not exist.
//   - ?account_id= returns {"items": [order...]}, every order of the account in any state (created,
//     closed, failed), newest first. Payway documents the parameter but not this response shape; the
//     sandbox answers with the list envelope of §3, which payway/assumed.go assumes. An app token
//     (grant_type none, no identity) may list any account's orders: that is how a server finds out
//     without the customer whether an order was placed; an unknown account is 404 not_found. A token
//     with identity may list only its own account: another account is 403 forbidden, not an empty
//     list, so that a caller holding the wrong token cannot mistake it for "no order was placed".
func (s *Server) paywayOrderGet(w http.ResponseWriter, r *http.Request, auth paywayAuth) {
	q := r.URL.Query()
	id, accountID := q.Get("order_id"), q.Get("account_id")
	switch {
	case id == "" && accountID == "":
		writePaywayError(w, http.StatusBadRequest, "invalid_parameter", "Missing parameter: order_id or account_id")
	case id != "" && accountID != "":
		writePaywayError(w, http.StatusBadRequest, "invalid_parameter", "Give either order_id or account_id, not both")
	case accountID != "":
		s.paywayOrdersOfAccount(w, r, auth, accountID)
	default:
		s.paywayOrderByID(w, r, auth, id)
	}
}

func (s *Server) paywayOrderByID(w http.ResponseWriter, r *http.Request, auth paywayAuth, id string) {
	accountID, err := s.identityID(r.Context(), auth)
	if err != nil {
		s.writePaywayErr(w, r, err)
		return
	}
	o, err := s.store.orderFor(r.Context(), accountID, id)
	if errors.Is(err, errNotFound) {
		writePaywayError(w, http.StatusNotFound, "not_found", "No order "+id)
		return
	}
	if err != nil {
		s.writePaywayErr(w, r, err)
		return
	}
	writeItem(w, http.StatusOK, orderItemOf(o))
}

func (s *Server) paywayOrdersOfAccount(w http.ResponseWriter, r *http.Request, auth paywayAuth, accountID string) {
	ctx := r.Context()
	if auth.AccountID != "" {
		own, err := s.identityID(ctx, auth)
		if err != nil {
			s.writePaywayErr(w, r, err)
			return
		}
		if own != accountID {
			writePaywayError(w, http.StatusForbidden, "forbidden", "A token with identity may only list its own account's orders")
			return
		}
	} else if ok, err := s.store.accountExists(ctx, accountID); err != nil {
		s.writePaywayErr(w, r, err)
		return
	} else if !ok {
		writePaywayError(w, http.StatusNotFound, "not_found", "No account "+accountID)
		return
	}
	orders, err := s.store.ordersOfAccount(ctx, accountID)
	if err != nil {
		s.writePaywayErr(w, r, err)
		return
	}
	items := make([]orderItem, 0, len(orders))
	for _, o := range orders {
		items = append(items, orderItemOf(o))
	}
	writeJSON(w, http.StatusOK, struct {
		Items []orderItem `json:"items"`
	}{items})
}

func orderItemOf(o paywayOrder) orderItem {
	orderStatus, transaction := "pending", "pending"
	switch o.State {
	case "closed":
		orderStatus, transaction = "completed", "sale"
	case "failed":
		orderStatus, transaction = "failed", "failed"
	}
	return orderItem{
		ID: o.ID, OrderID: o.OrderID, PaymentOption: "klarna_payments",
		PaymentOptionDetails:  paymentOptionDetails{Type: o.PaymentMethod, Name: "Klarna"},
		PurchaseType:          "recurring",
		State:                 o.State,
		SubscriptionStartDate: o.SubscriptionStartDate,
		TrafficSource:         o.TrafficSource, MerchantReference: o.MerchantReference,
		ChildOrderIDs: []string{},
		OrderDetail: orderDetail{
			PeriodInfo:         periodInfo{Type: o.IterationType, Length: o.IterationLength, Price: kronor(o.PriceMinor)},
			PartialPaymentInfo: partialPaymentInfo{NumberOfPartialPaymentsSelected: 1},
			Description:        o.Description, Price: kronor(o.PriceMinor), VATCode: vatCode(o.VATRate),
			Created: o.CreatedAt.UTC().Format(time.RFC3339), ProductCode: o.ProductCode,
		},
		Payments: []orderPayment{{
			OrderID: o.OrderID, ProductCode: o.ProductCode,
			PaymentResult: paymentResult{
				Created:     o.UpdatedAt.UTC().Format(time.RFC3339),
				OrderStatus: orderStatus, TransactionStatus: transaction, TransactionNumber: o.KlarnaOrderID,
				PaymentMethod: "klarna_payments", Amount: strconv.FormatInt(o.PriceMinor, 10),
				ErrorCode: nullable(o.ErrorCode), ErrorDescription: nullable(o.ErrorDescription),
			},
			PaymentType: "autopay", PaymentMethod: "klarna_payments", Amount: kronor(o.PriceMinor),
			Description: o.Description, State: o.PaymentState, Provider: "Tulo",
		}},
		Addresses: o.DeliveryAddress,
	}
}

// nullable is s as JSON null when empty, as the documented example sends error_code on success.
func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// vatCode names a VAT rate (hundredths of a per cent, Klarna's tax_rate form) the way the documented
// order_detail.vat_code does: the rate in per cent without a sign ("25" in the example, from 2019 when
// Swedish digital news carried 25 %; the sandbox's 6 % is "6"). A fractional rate keeps its decimals.
func vatCode(rate int64) string {
	return strconv.FormatFloat(float64(rate)/100, 'f', -1, 64)
}

// deliveryAddress is an order's delivery address: Payway's Address plus an id. Its zero value encodes
// as {} (the order has no address).
type deliveryAddress struct {
	ID string `json:"id,omitempty"`
	Address
}
