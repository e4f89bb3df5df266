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
// responses, nor most error codes. Every response field name and error code the docs do not confirm is
// assumed here, in this one file, with what would confirm it, so that checking against the real Payway
// (stage) means reading one file and, where Payway differs, changing one file. The sandbox answers with
// exactly these names. What the docs do show is not here: the Order API body (order.go, decoded from the
// documented example in testdata/order_documented.json) and the {code,message} error body with the codes
// unknown_parameter, not_found and internal_server_error.
//
//   - create_session: item.klarna_client_token is confirmed by the implementation guide; the session
//     id (sent back as klarna_payments_session_id), the payment method categories, the expiry and the
//     item envelope itself are assumed. One create_session on stage (harmless: a session costs nothing and
//     expires in 48 h) would confirm or correct all four.
//   - create_session's payment_method_categories (issue 15): assumed to pass on Klarna's own list, each
//     {identifier, name, asset_urls{descriptive, standard}} as Klarna's create-session answers (the pages
//     show Klarna's name and badge, and the confirmation says what was paid with by that name); a list of
//     bare identifier strings is read too (PaymentMethodCategory.UnmarshalJSON), and the pages then have
//     no name of Klarna's to show. The same stage create_session confirms which. create_session has no
//     locale field, so the language of Klarna's names and widget for regular purchases is Payway's
//     choice, not the reader's.
//   - place_order / place_trial_order: item.order_id, item.redirect_uri (guide step 7: "redirect the
//     user to the redirect uri that you received") and item.state are assumed. Only a purchase on stage
//     would confirm them (a Klarna playground authorization of a stage session); until then the app reads
//     the order through the documented Order API rather than trusting more of this answer.
//   - me/payment_profile/ is no longer assumed: its documented shape (a list in "items", no Klarna
//     customer token) is decoded in profile.go and checked against the documented example.
//   - order?account_id=: the envelope is assumed. The docs list account_id as a parameter of the Order
//     API; the order_id form's {"item": order} is documented, and the page's second example ("orders for
//     account") opens with {"items":[ but the archived copy breaks off after the first id. orderList
//     reads that list envelope, {"items": [order...]}, and also accepts {"item": [order...]} and
//     {"item": order}. One GET /external/api/v1/order?account_id= against stage for an account with
//     two orders would confirm which (and whether the list is paginated, which nothing here handles).
//   - token endpoint errors: the body is OAuth's {"error","error_description"} (what Adeprimo's own
//     plugin reads from a failed password grant; decodeError also reads {code,message}), with codes
//     CodeInvalidGrant for a wrong e-mail or password and CodeInvalidClient for a wrong client; the
//     statuses are not published (the sandbox uses OAuth's 400 and 401, and the app does not rely on
//     them: IsBadCredentials reads the code). A password grant with a wrong password and one with a wrong
//     client secret against stage would confirm both.
//   - error codes: the codes below are the sandbox's names for refusals Payway documents only in words
//     (the "common error responses" page could not be read). The journeys branch on them, so each one is
//     a constant here; what would confirm each is in its comment.

// Error codes the app branches on (through IsCode, Code or a purchase's failure code) that Payway's
// public docs do not name.
const (
	// CodeInvalidToken (401) is a bearer token Payway does not accept (expired, revoked, malformed). A call
	// with a made-up bearer token against stage confirms it.
	CodeInvalidToken = "invalid_token"
	// CodeInsufficientScope (403) is a token without the endpoint's scope. An app token without
	// /external/order/r reading an order on stage confirms it.
	CodeInsufficientScope = "insufficient_scope"
	// CodeInvalidGrant is the token endpoint's refusal of a password grant's e-mail or password (and of a
	// spent refresh token). A wrong password against stage confirms it.
	CodeInvalidGrant = "invalid_grant"
	// CodeInvalidClient is the token endpoint's refusal of the client id or secret. A wrong secret against
	// stage confirms it.
	CodeInvalidClient = "invalid_client"
	// CodePaymentMethodFailed (403 from place_order) is a payment method Klarna or Payway refused (debt,
	// risk policy); the guide describes the case, not the code. A stage purchase authorized by one of
	// Klarna's denied playground customers would confirm it.
	CodePaymentMethodFailed = "payment_method_failed"
	// CodeSSNAlreadyTaken, CodeSSNAlreadySet, CodeAccountUpdateFailed and CodeDeliveryAddressInvalid
	// (409 from place_order) are the account-sync conflicts the raise_on_* flags turn into errors; the
	// docs name the flags, not the codes. Stage purchases with accounts set up to conflict (an SSN already
	// on another account, on this one, an address Payway refuses) would confirm them.
	CodeSSNAlreadyTaken        = "ssn_already_taken"
	CodeSSNAlreadySet          = "ssn_already_set"
	CodeAccountUpdateFailed    = "account_update_failed"
	CodeDeliveryAddressInvalid = "delivery_address_invalid"
	// CodeSessionCompleted (409 from place_order) is a session that already bought: the guide says a
	// session dies at the first successful purchase. A second place_order on a stage session that bought
	// confirms it.
	CodeSessionCompleted = "session_completed"
	// CodePackageAlreadyActive (409 from create_session or place_order) is a code the account already has
	// an active subscription for, which the docs forbid buying again. A create_session for a package a
	// stage account owns confirms it.
	CodePackageAlreadyActive = "package_already_active"
	// CodeSessionExpired (410 from place_order) is a session older than its documented 48 hours. Only a
	// stage session left for two days would confirm it (and whether it is 410 or a 404 not_found).
	CodeSessionExpired = "session_expired"
)

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
