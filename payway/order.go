package payway

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Order is an order as Payway's Order API (GET /external/api/v1/order) documents it: the field set of
// the documented example (reference §4.4 and §5 Order; testdata/order_documented.json is that example).
// Fields Payway leaves out or sends as null stay zero; payment_option_details, for one, "may not always be
// available". Amounts differ by field, as the docs say they do across Payway: order_detail.price,
// period_info.price and payments[].amount are floats in the currency's major unit (kronor) incl. VAT,
// payments[].payment_result.amount is a string in minor units (öre).
type Order struct {
	ID                    string               `json:"id"`             // 24-hex
	OrderID               string               `json:"order_id"`       // e.g. ADEPRIMO-1222
	PaymentOption         string               `json:"payment_option"` // e.g. klarna_payments, creditcard
	PaymentOptionDetails  PaymentOptionDetails `json:"payment_option_details"`
	PurchaseType          string               `json:"purchase_type"` // e.g. recurring
	State                 string               `json:"state"`         // created, closed (success) or failed
	SubscriptionStartDate string               `json:"subscription_start_date"`
	TrafficSource         string               `json:"traffic_source"`
	MerchantReference     string               `json:"merchant_reference"`
	ChildOrderIDs         []string             `json:"child_order_ids"`
	ParentOrderID         string               `json:"parent_order_id"`
	OrderDetail           OrderDetail          `json:"order_detail"`
	Payments              []Payment            `json:"payments"`
	// Addresses are the order's addresses (documented as "addresses", not the event form's
	// "delivery_address"); empty when the order has none.
	Addresses Addresses `json:"addresses"`
}

// PaymentOptionDetails describes how the order was paid.
type PaymentOptionDetails struct {
	Type             string `json:"type"` // e.g. scheme; for Klarna the authorized payment method
	Name             string `json:"name"`
	MaskedCardNumber string `json:"masked_card_number"`
	ExpirationDate   string `json:"expiration_date"`
}

// OrderDetail is what was bought.
type OrderDetail struct {
	PeriodInfo         PeriodInfo         `json:"period_info"`
	PartialPaymentInfo PartialPaymentInfo `json:"partial_payment_info"`
	Description        string             `json:"description"`
	Price              float64            `json:"price"`    // major units (kronor) incl. VAT, e.g. 99.0
	VATCode            string             `json:"vat_code"` // e.g. "25" (the rate in per cent, no sign)
	Created            string             `json:"created"`  // timestamp as Payway sends it
	ProductCode        string             `json:"product_code"`
}

// PeriodInfo is the bought payment period.
type PeriodInfo struct {
	Type               string  `json:"type"`   // e.g. month
	Length             int     `json:"length"` // in units of Type
	Price              float64 `json:"price"`  // major units incl. VAT
	PriceSpecification string  `json:"price_specification"`
}

// PartialPaymentInfo says whether the order is paid in parts. The documented example has a null id and
// one part.
type PartialPaymentInfo struct {
	ID                              string `json:"id"`
	NumberOfPartialPaymentsSelected int    `json:"number_of_partial_payments_selected"`
}

// Payment is one transaction of the order (the first purchase or a recurring charge).
type Payment struct {
	OrderID            string        `json:"order_id"`
	ProductCode        string        `json:"product_code"`
	PaymentResult      PaymentResult `json:"payment_result"`
	PaymentType        string        `json:"payment_type"`   // e.g. autopay
	PaymentMethod      string        `json:"payment_method"` // e.g. creditcard, klarna_payments
	Amount             float64       `json:"amount"`         // major units incl. VAT, e.g. 99.0
	Description        string        `json:"description"`
	State              string        `json:"state"`    // created, pending, closed, failed, cancelled
	Provider           string        `json:"provider"` // Tulo
	PriceSpecification string        `json:"price_specification"`
}

// PaymentResult is the payment service provider's answer. Null strings (error_code is null on success in
// the documented example) stay "".
type PaymentResult struct {
	Created           string     `json:"created"`
	OrderStatus       string     `json:"order_status"`       // e.g. completed
	TransactionStatus string     `json:"transaction_status"` // e.g. sale
	TransactionNumber string     `json:"transaction_number"`
	PaymentMethod     string     `json:"payment_method"`
	Amount            MinorUnits `json:"amount"` // minor units: "9900" is 99.00
	ErrorCode         string     `json:"error_code"`
	ErrorDescription  string     `json:"error_description"`
	ThirdPartyError   string     `json:"third_party_error"`
}

// FailureCode is the error code of the order's payments: the first non-empty payment_result.error_code,
// or "" when no payment has one. It does not rely on which payment comes first, which the docs leave open.
func (o Order) FailureCode() string {
	for _, p := range o.Payments {
		if p.PaymentResult.ErrorCode != "" {
			return p.PaymentResult.ErrorCode
		}
	}
	return ""
}

// MinorUnits is an amount in the currency's minor unit (öre), as payment_result.amount carries it.
// Payway documents it as a string ("9900" for 99.00); a JSON number is accepted too, because the docs
// say amounts are inconsistent across endpoints. null and "" are zero. A value with a fraction is an
// error, not a guess: "99.00" could be kronor (the event payloads' form) and must not be read as 99 öre.
type MinorUnits int64

// UnmarshalJSON accepts "9900", 9900, null and "".
func (m *MinorUnits) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	raw := string(data)
	if raw == "null" {
		*m = 0
		return nil
	}
	if len(data) > 0 && data[0] == '"' {
		if err := json.Unmarshal(data, &raw); err != nil {
			return err
		}
		if raw = strings.TrimSpace(raw); raw == "" {
			*m = 0
			return nil
		}
	}
	if n, err := strconv.ParseInt(raw, 10, 64); err == nil {
		*m = MinorUnits(n)
		return nil
	}
	// A JSON number such as 9900.0 is still a whole number of minor units.
	if f, err := strconv.ParseFloat(raw, 64); err == nil && data[0] != '"' && f == math.Trunc(f) &&
		math.Abs(f) < 1<<53 {
		*m = MinorUnits(f)
		return nil
	}
	return fmt.Errorf("payway: amount %s is not a whole number of minor units", data)
}

// Major is the amount in the major unit (9900 is 99.00 kronor).
func (m MinorUnits) Major() float64 { return float64(m) / 100 }

// Addresses is an order's "addresses" member. The documented example shows one Payway Address object in
// it ("addresses": {// Payway Address //}); the plural name leaves room for a list, so a list decodes
// too. null, {} and [] are no address.
type Addresses []Address

// UnmarshalJSON accepts an Address object, a list of them, or null.
func (a *Addresses) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	switch {
	case string(data) == "null":
		*a = nil
		return nil
	case len(data) > 0 && data[0] == '[':
		var list []Address
		if err := json.Unmarshal(data, &list); err != nil {
			return err
		}
		*a = Addresses(list)
		return nil
	}
	var one Address
	if err := json.Unmarshal(data, &one); err != nil {
		return err
	}
	*a = nil
	if one != (Address{}) {
		*a = Addresses{one}
	}
	return nil
}

// First is the first address, or nil when the order has none. For a Klarna purchase it is the delivery
// address Payway took from Klarna.
func (a Addresses) First() *Address {
	if len(a) == 0 {
		return nil
	}
	first := a[0]
	return &first
}

// Order returns one of the token's account's orders (scope /external/order/r), by the order id
// PlaceOrder returned. Unknown ids and other accounts' orders are an *Error with code "not_found".
func (c *Client) Order(ctx context.Context, accessToken, orderID string) (Order, error) {
	if orderID == "" {
		return Order{}, errors.New("payway: order: order id is required")
	}
	var o Order
	err := c.do(ctx, request{method: http.MethodGet, path: "/external/api/v1/order",
		query: url.Values{"order_id": {orderID}}, bearer: accessToken, env: itemWrap}, &o)
	if err != nil {
		return Order{}, wrap("order", err)
	}
	return o, nil
}

// OrdersOfAccount lists the orders of an account (GET /external/api/v1/order?account_id=, scope
// /external/order/r), so that a server can find out without the customer whether Payway placed an
// order, e.g. by its merchant reference (OrderWithReference). The token may be an app token
// (AppToken with the scope /external/order/r; AppToken's default scope does not include it) or the
// account's own token with identity; the sandbox answers 403 "forbidden" for a token with identity of
// another account and 404 "not_found" for an unknown account. The response shape is assumed (see
// orderList in assumed.go); the order of the list is the server's (the sandbox: newest first).
func (c *Client) OrdersOfAccount(ctx context.Context, accessToken, accountID string) ([]Order, error) {
	if accountID == "" {
		return nil, errors.New("payway: orders of account: account id is required")
	}
	var list orderList
	err := c.do(ctx, request{method: http.MethodGet, path: "/external/api/v1/order",
		query: url.Values{"account_id": {accountID}}, bearer: accessToken, env: bare}, &list)
	if err != nil {
		return nil, wrap("orders of account", err)
	}
	return list.Orders, nil
}

// OrderWithReference finds the order with merchant reference ref among orders. When several orders
// carry it (a retried purchase can leave a failed order beside the placed one), a closed order wins
// over a created one, which wins over a failed one; among equals the first in the list wins. An empty
// ref matches nothing.
func OrderWithReference(orders []Order, ref string) (Order, bool) {
	rank := func(state string) int {
		switch state {
		case "closed":
			return 3
		case "created":
			return 2
		case "failed":
			return 1
		}
		return 0
	}
	best, found := Order{}, false
	if ref == "" {
		return best, false
	}
	for _, o := range orders {
		if o.MerchantReference == ref && (!found || rank(o.State) > rank(best.State)) {
			best, found = o, true
		}
	}
	return best, found
}
