package sandbox

import (
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Order API: GET /external/api/v1/order?order_id= returns one of the account's orders, ?account_id=
// all of them, in the shape Payway's Order API documents (reference §5 Order). The sandbox adds account_id and delivery_address,
// which the event form of an order carries.

type orderItem struct {
	ID                    string               `json:"id"`
	OrderID               string               `json:"order_id"`
	AccountID             string               `json:"account_id"`
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
	DeliveryAddress       *deliveryAddress     `json:"delivery_address"`
}

type paymentOptionDetails struct {
	Type             string `json:"type"` // Klarna's authorized payment method, e.g. direct_debit
	Name             string `json:"name"`
	MaskedCardNumber string `json:"masked_card_number"`
	ExpirationDate   string `json:"expiration_date"`
}

type orderDetail struct {
	PeriodInfo  periodInfo `json:"period_info"`
	Description string     `json:"description"`
	Price       float64    `json:"price"` // kronor, incl. VAT
	VATCode     string     `json:"vat_code"`
	Created     string     `json:"created"` // RFC 3339
	ProductCode string     `json:"product_code"`
}

type periodInfo struct {
	Type   string  `json:"type"`   // month
	Length int     `json:"length"` // in units of type
	Price  float64 `json:"price"`
}

type orderPayment struct {
	PaymentResult paymentResult `json:"payment_result"`
	PaymentType   string        `json:"payment_type"`
	State         string        `json:"state"`
	Provider      string        `json:"provider"`
}

type paymentResult struct {
	OrderStatus       string  `json:"order_status"`
	TransactionStatus string  `json:"transaction_status"`
	TransactionNumber string  `json:"transaction_number"` // Klarna's order id
	PaymentMethod     string  `json:"payment_method"`
	Amount            float64 `json:"amount"` // kronor
	ErrorCode         string  `json:"error_code"`
	ErrorDescription  string  `json:"error_description"`
	ThirdPartyError   string  `json:"third_party_error"`
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
	acc, err := s.identity(r.Context(), auth)
	if err != nil {
		s.writePaywayErr(w, r, err)
		return
	}
	o, err := s.store.orderFor(r.Context(), acc.ID, id)
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
		acc, err := s.identity(ctx, auth)
		if err != nil {
			s.writePaywayErr(w, r, err)
			return
		}
		if acc.ID != accountID {
			writePaywayError(w, http.StatusForbidden, "forbidden", "A token with identity may only list its own account's orders")
			return
		}
	} else if _, err := s.store.accountByID(ctx, accountID); errors.Is(err, errNotFound) {
		writePaywayError(w, http.StatusNotFound, "not_found", "No account "+accountID)
		return
	} else if err != nil {
		s.writePaywayErr(w, r, err)
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
	transaction := map[string]string{"closed": "success", "failed": "failed"}[o.PaymentState]
	if transaction == "" {
		transaction = "pending"
	}
	item := orderItem{
		ID: o.ID, OrderID: o.OrderID, AccountID: o.AccountID, PaymentOption: "klarna_payments",
		PaymentOptionDetails:  paymentOptionDetails{Type: o.PaymentMethod, Name: "Klarna"},
		PurchaseType:          "recurring",
		State:                 o.State,
		SubscriptionStartDate: o.SubscriptionStartDate,
		TrafficSource:         o.TrafficSource, MerchantReference: o.MerchantReference,
		ChildOrderIDs: []string{},
		OrderDetail: orderDetail{
			PeriodInfo:  periodInfo{Type: o.IterationType, Length: o.IterationLength, Price: kronor(o.PriceMinor)},
			Description: o.Description, Price: kronor(o.PriceMinor), VATCode: vatCode(o.VATRate),
			Created: o.CreatedAt.UTC().Format(time.RFC3339), ProductCode: o.ProductCode,
		},
		Payments: []orderPayment{{
			PaymentResult: paymentResult{
				OrderStatus: o.State, TransactionStatus: transaction, TransactionNumber: o.KlarnaOrderID,
				PaymentMethod: "klarna_payments", Amount: kronor(o.PriceMinor),
				ErrorCode: o.ErrorCode, ErrorDescription: o.ErrorDescription,
			},
			PaymentType: "normal", State: o.PaymentState, Provider: "Tulo",
		}},
	}
	if o.DeliveryAddress != (deliveryAddress{}) {
		addr := o.DeliveryAddress
		item.DeliveryAddress = &addr
	}
	return item
}

// vatCode names a VAT rate the way Payway's order_detail.vat_code does (format not documented;
// the sandbox uses the percentage).
func vatCode(rate int64) string { return fmt.Sprintf("%g%%", float64(rate)/100) }

// deliveryAddress is an order's delivery address: Payway's Address plus an id.
type deliveryAddress struct {
	ID string `json:"id"`
	Address
}
