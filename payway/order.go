package payway

import (
	"context"
	"errors"
	"net/http"
	"net/url"
)

// Order is an order as Payway's Order API (GET /external/api/v1/order) describes it. Fields Payway
// leaves out stay zero. Prices are in the currency's major unit (kronor) incl. VAT.
type Order struct {
	ID                    string               `json:"id"`       // 24-hex
	OrderID               string               `json:"order_id"` // e.g. ADEPRIMO-1222
	AccountID             string               `json:"account_id"`
	PaymentOption         string               `json:"payment_option"` // e.g. klarna_payments
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
	DeliveryAddress       *Address             `json:"delivery_address"` // nil when the order has none
}

// PaymentOptionDetails describes how the order was paid.
type PaymentOptionDetails struct {
	Type             string `json:"type"`
	Name             string `json:"name"`
	MaskedCardNumber string `json:"masked_card_number"`
	ExpirationDate   string `json:"expiration_date"`
}

// OrderDetail is what was bought.
type OrderDetail struct {
	PeriodInfo  PeriodInfo `json:"period_info"`
	Description string     `json:"description"`
	Price       float64    `json:"price"`
	VATCode     string     `json:"vat_code"`
	Created     string     `json:"created"` // timestamp as Payway sends it
	ProductCode string     `json:"product_code"`
}

// PeriodInfo is the bought payment period.
type PeriodInfo struct {
	Type   string  `json:"type"`
	Length int     `json:"length"`
	Price  float64 `json:"price"`
}

// Payment is one transaction of the order (the first purchase or a recurring charge).
type Payment struct {
	PaymentResult PaymentResult `json:"payment_result"`
	PaymentType   string        `json:"payment_type"`
	State         string        `json:"state"`    // created, pending, closed, failed, cancelled
	Provider      string        `json:"provider"` // Tulo
}

// PaymentResult is the payment service provider's answer.
type PaymentResult struct {
	OrderStatus       string  `json:"order_status"`
	TransactionStatus string  `json:"transaction_status"`
	TransactionNumber string  `json:"transaction_number"`
	PaymentMethod     string  `json:"payment_method"`
	Amount            float64 `json:"amount"`
	ErrorCode         string  `json:"error_code"`
	ErrorDescription  string  `json:"error_description"`
	ThirdPartyError   string  `json:"third_party_error"`
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
