package payway

import (
	"bytes"
	"encoding/json"
	"errors"
	"time"
)

// ASSUMED RESPONSE FIELDS (DESIGN.md section 4).
//
// Payway's public docs name the request fields of the Klarna endpoints but not most of their
// responses. Every response field name the docs do not confirm is assumed here, in this one file, so
// that checking against the real Payway (stage) means reading one file and, where Payway differs,
// changing one file. The sandbox answers with exactly these names.
//
//   - create_session: item.klarna_client_token is confirmed by the implementation guide; the session
//     id (sent back as klarna_payments_session_id), the payment method categories and the expiry are
//     assumed.
//   - place_order / place_trial_order: item.order_id, item.redirect_uri (guide step 7: "redirect the
//     user to the redirect uri that you received") and item.state are assumed.
//   - me/payment_profile/ is no longer assumed: its documented shape (a list in "items", no Klarna
//     customer token) is decoded in profile.go and checked against the documented example.
//   - order?account_id=: the envelope is assumed. The docs list account_id as a parameter of the Order
//     API but show only the order_id form's {"item": order}; orderList assumes the list envelope of the
//     other list endpoints, {"items": [order...]}, and also accepts {"item": [order...]} and
//     {"item": order}. One GET /external/api/v1/order?account_id= against stage for an account with
//     two orders would confirm which (and whether the list is paginated, which nothing here handles).

// sessionItem is create_session's response item.
type sessionItem struct {
	KlarnaPaymentsSessionID string                  `json:"klarna_payments_session_id"` // assumed
	KlarnaClientToken       string                  `json:"klarna_client_token"`        // confirmed
	PaymentMethodCategories []PaymentMethodCategory `json:"payment_method_categories"`  // assumed
	ExpiresAt               flexTime                `json:"expires_at"`                 // assumed
}

// placedItem is the response item of place_order and place_trial_order.
type placedItem struct {
	OrderID     string `json:"order_id"`     // assumed
	RedirectURI string `json:"redirect_uri"` // assumed
	State       string `json:"state"`        // assumed
}

// orderList is the body of GET /external/api/v1/order?account_id= (assumed, see above).
type orderList struct {
	Orders []Order
}

// UnmarshalJSON accepts {"items": [...]}, {"item": [...]} and {"item": {...}}, in that order of
// preference. A body with neither key (or only nulls) is an error, not an empty list: a caller
// deciding whether an order was placed must not read "no orders" into a shape it does not know.
func (l *orderList) UnmarshalJSON(data []byte) error {
	var env struct {
		Items json.RawMessage `json:"items"`
		Item  json.RawMessage `json:"item"`
	}
	if err := json.Unmarshal(data, &env); err != nil {
		return err
	}
	l.Orders = nil
	present := func(raw json.RawMessage) bool { return len(raw) > 0 && !bytes.Equal(raw, []byte("null")) }
	switch {
	case present(env.Items):
		return json.Unmarshal(env.Items, &l.Orders)
	case present(env.Item) && bytes.TrimSpace(env.Item)[0] == '[':
		return json.Unmarshal(env.Item, &l.Orders)
	case present(env.Item):
		var o Order
		if err := json.Unmarshal(env.Item, &o); err != nil {
			return err
		}
		l.Orders = []Order{o}
		return nil
	}
	return errors.New("order list has neither items nor item")
}

// PaymentMethodCategory is one payment method Klarna offers for a session. It decodes both Klarna's
// object form ({identifier, name, asset_urls}) and a bare identifier string, since which one Payway
// passes on is not documented.
type PaymentMethodCategory struct {
	Identifier string `json:"identifier"` // e.g. klarna, pay_later, pay_now, direct_debit
	Name       string `json:"name"`
	AssetURLs  struct {
		Descriptive string `json:"descriptive"`
		Standard    string `json:"standard"`
	} `json:"asset_urls"`
}

// UnmarshalJSON accepts "direct_debit" as well as {"identifier":"direct_debit",...}.
func (c *PaymentMethodCategory) UnmarshalJSON(data []byte) error {
	if trimmed := bytes.TrimSpace(data); len(trimmed) > 0 && trimmed[0] == '"' {
		*c = PaymentMethodCategory{}
		return json.Unmarshal(trimmed, &c.Identifier)
	}
	type plain PaymentMethodCategory // no methods: avoids recursion
	var p plain
	if err := json.Unmarshal(data, &p); err != nil {
		return err
	}
	*c = PaymentMethodCategory(p)
	return nil
}

// flexTime decodes a timestamp whose format Payway does not document: RFC 3339 (with or without
// fractional seconds), a plain "2006-01-02 15:04:05" (taken as UTC) or Unix seconds. null or "" stays
// zero; anything else is a decode error rather than a silently wrong time.
type flexTime struct{ time.Time }

func (t *flexTime) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if string(data) == "null" {
		t.Time = time.Time{}
		return nil
	}
	if len(data) > 0 && data[0] != '"' {
		var secs int64
		if err := json.Unmarshal(data, &secs); err != nil {
			return err
		}
		t.Time = time.Unix(secs, 0).UTC()
		return nil
	}
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return err
	}
	if s == "" {
		t.Time = time.Time{}
		return nil
	}
	var err error
	for _, layout := range []string{time.RFC3339Nano, time.DateTime} {
		var parsed time.Time
		if parsed, err = time.Parse(layout, s); err == nil {
			t.Time = parsed
			return nil
		}
	}
	return err
}
