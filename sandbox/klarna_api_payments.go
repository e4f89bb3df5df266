package sandbox

import (
	"encoding/json"
	"net/http"
	"time"
)

// Klarna Payments API handlers: sessions (create, read, update) and authorizations (order, customer
// token, cancel).

// sessionBody is the payment session JSON the sandbox models; create, update and read share it.
type sessionBody struct {
	cart
	Intent             string            `json:"intent,omitempty"`
	MerchantReference1 string            `json:"merchant_reference1,omitempty"`
	MerchantReference2 string            `json:"merchant_reference2,omitempty"`
	MerchantURLs       map[string]string `json:"merchant_urls,omitempty"`
	StepUpID           string            `json:"step_up_id,omitempty"`
}

// echoedSessionFields are request fields the sandbox stores and returns on read without acting on them.
func echoedSessionFields() []string {
	return []string{"merchant_data", "acquiring_channel", "options", "attachment", "design",
		"custom_payment_method_ids", "billing_address", "shipping_address", "customer"}
}

func bodyOf(in kpSessionInput) sessionBody {
	return sessionBody{cart: in.Cart, Intent: in.Intent, MerchantReference1: in.MerchantReference1,
		MerchantReference2: in.MerchantReference2, MerchantURLs: in.MerchantURLs, StepUpID: in.StepUpID}
}

// customerToken reads customer.customer_token from a raw customer object.
func customerTokenOf(raw json.RawMessage) (string, *klarnaError) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	var c struct {
		CustomerToken string `json:"customer_token"`
	}
	if err := json.Unmarshal(raw, &c); err != nil {
		return "", badValue("customer")
	}
	return c.CustomerToken, nil
}

// klarnaCreateSession serves POST /payments/v1/sessions.
func (s *Server) klarnaCreateSession(w http.ResponseWriter, r *http.Request) {
	body, fields, kerr := readKlarnaBody(w, r)
	if kerr != nil {
		writeKlarnaError(w, kerr)
		return
	}
	var b sessionBody
	if kerr := decodeKlarna(body, &b); kerr != nil {
		writeKlarnaError(w, kerr)
		return
	}
	token, kerr := customerTokenOf(fields["customer"])
	if kerr != nil {
		writeKlarnaError(w, kerr)
		return
	}
	extra := sessionExtra{}
	for _, k := range echoedSessionFields() {
		if v, ok := fields[k]; ok {
			extra[k] = v
		}
	}
	sess, kerr := s.createSession(r.Context(), kpSessionInput{Cart: b.cart, Intent: b.Intent,
		MerchantReference1: b.MerchantReference1, MerchantReference2: b.MerchantReference2,
		MerchantURLs: b.MerchantURLs, CustomerToken: token, StepUpID: b.StepUpID,
		Categories: merchantOf(r.Context()).Categories}, extra)
	if kerr != nil {
		writeKlarnaError(w, kerr)
		return
	}
	writeJSON(w, http.StatusOK, struct {
		SessionID               string            `json:"session_id"`
		ClientToken             string            `json:"client_token"`
		PaymentMethodCategories []paymentCategory `json:"payment_method_categories"`
	}{sess.ID, sess.ClientToken, categoriesAt(klarnaBase(r), sess.Categories)})
}

// klarnaReadSession serves GET /payments/v1/sessions/{id}: the request fields plus client_token, status,
// expires_at, payment_method_categories and, once authorized, authorization_token and the customer's
// details (billing_address, customer).
func (s *Server) klarnaReadSession(w http.ResponseWriter, r *http.Request) {
	sess, extra, kerr := s.sessionWithExtra(r.Context(), r.PathValue("id"))
	if kerr != nil {
		writeKlarnaError(w, kerr)
		return
	}
	out := map[string]any{}
	for k, v := range extra {
		out[k] = v
	}
	modelled, _ := json.Marshal(bodyOf(sess.Input)) // plain data: cannot fail
	var m map[string]json.RawMessage
	_ = json.Unmarshal(modelled, &m)
	for k, v := range m {
		out[k] = v
	}
	out["session_id"] = sess.ID
	out["client_token"] = sess.ClientToken
	out["status"] = sess.Status
	out["expires_at"] = sess.ExpiresAt.Format(time.RFC3339)
	out["payment_method_categories"] = categoriesAt(klarnaBase(r), sess.Categories)
	customer := map[string]any{}
	if raw, ok := extra["customer"]; ok {
		_ = json.Unmarshal(raw, &customer) // validated as an object at create time
	}
	if sess.Input.CustomerToken != "" {
		customer["customer_token"] = sess.Input.CustomerToken
	}
	if sess.AuthorizationToken != "" {
		out["authorization_token"] = sess.AuthorizationToken
		if a, kerr := s.kpAuthorizationAny(r, sess.AuthorizationToken); kerr == nil {
			c := a.Customer
			customer["date_of_birth"] = c.DateOfBirth
			customer["national_identification_number"] = c.NationalID
			out["billing_address"] = addressJSON(c)
		}
	}
	if len(customer) > 0 {
		out["customer"] = customer
	}
	writeJSON(w, http.StatusOK, out)
}

// kpAuthorizationAny reads an authorization whether or not it is still valid (the session read shows the
// customer of its latest authorization even after the token expired).
func (s *Server) kpAuthorizationAny(r *http.Request, token string) (kpAuthorization, *klarnaError) {
	a, err := authorizationByToken(r.Context(), s.store.r, token)
	if err != nil {
		return kpAuthorization{}, s.klarnaErr(r.Context(), "read authorization", err)
	}
	return a.kpAuthorization, nil
}

// addressJSON is Klarna's address object for a customer.
func addressJSON(c kpCustomer) map[string]string {
	return map[string]string{"given_name": c.GivenName, "family_name": c.FamilyName, "email": c.Email,
		"street_address": c.StreetAddress, "postal_code": c.PostalCode, "city": c.City, "country": c.Country,
		"phone": c.Phone}
}

// klarnaUpdateSession serves POST /payments/v1/sessions/{id}: the given fields replace the stored ones
// and the result is validated like a new session; 204 without a body.
func (s *Server) klarnaUpdateSession(w http.ResponseWriter, r *http.Request) {
	body, fields, kerr := readKlarnaBody(w, r)
	if kerr != nil {
		writeKlarnaError(w, kerr)
		return
	}
	kerr = s.updateSession(r.Context(), r.PathValue("id"), func(in *kpSessionInput, extra sessionExtra) *klarnaError {
		b := bodyOf(*in)
		if _, ok := fields["order_lines"]; ok {
			b.OrderLines = nil
		}
		if _, ok := fields["merchant_urls"]; ok {
			b.MerchantURLs = nil
		}
		if kerr := decodeKlarna(body, &b); kerr != nil {
			return kerr
		}
		token := in.CustomerToken
		if raw, ok := fields["customer"]; ok {
			t, kerr := customerTokenOf(raw)
			if kerr != nil {
				return kerr
			}
			token = t
		}
		for _, k := range echoedSessionFields() {
			if v, ok := fields[k]; ok {
				extra[k] = v
			}
		}
		*in = kpSessionInput{Cart: b.cart, Intent: b.Intent, MerchantReference1: b.MerchantReference1,
			MerchantReference2: b.MerchantReference2, MerchantURLs: b.MerchantURLs, CustomerToken: token,
			StepUpID: b.StepUpID, Categories: in.Categories}
		return nil
	})
	if kerr != nil {
		writeKlarnaError(w, kerr)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// orderBody is create-order-from-authorization's body.
type orderBody struct {
	cart
	MerchantReference1 string            `json:"merchant_reference1,omitempty"`
	MerchantReference2 string            `json:"merchant_reference2,omitempty"`
	MerchantURLs       map[string]string `json:"merchant_urls,omitempty"`
	AutoCapture        bool              `json:"auto_capture,omitempty"`
}

// orderResponse is Klarna's order answer.
type orderResponse struct {
	OrderID                 string             `json:"order_id"`
	RedirectURL             string             `json:"redirect_url,omitempty"`
	FraudStatus             string             `json:"fraud_status"`
	AuthorizedPaymentMethod *paymentMethodJSON `json:"authorized_payment_method,omitempty"`
}

func orderResponseOf(o kpOrder) orderResponse {
	return orderResponse{OrderID: o.OrderID, RedirectURL: o.RedirectURL, FraudStatus: o.FraudStatus,
		AuthorizedPaymentMethod: &paymentMethodJSON{Type: o.AuthorizedPaymentMethod}}
}

// klarnaCreateOrder serves POST /payments/v1/authorizations/{token}/order. A second call on one
// authorization gets the first answer again when its body is the same, and 409 BAD_VALUE "The order has
// been already completed with different request body" when it is not (createOrderOnce).
func (s *Server) klarnaCreateOrder(w http.ResponseWriter, r *http.Request) {
	body, _, kerr := readKlarnaBody(w, r)
	if kerr != nil {
		writeKlarnaError(w, kerr)
		return
	}
	var b orderBody
	if kerr := decodeKlarna(body, &b); kerr != nil {
		writeKlarnaError(w, kerr)
		return
	}
	resp, kerr := s.createOrderOnce(r.Context(), klarnaBase(r), r.PathValue("token"), body, correlationID(w),
		kpOrderInput{Cart: b.cart, MerchantReference1: b.MerchantReference1, MerchantReference2: b.MerchantReference2,
			MerchantURLs: b.MerchantURLs, AutoCapture: b.AutoCapture})
	if kerr != nil {
		writeKlarnaError(w, kerr)
		return
	}
	resp.write(w)
}

// customerTokenBody is create-customer-token's body.
type customerTokenBody struct {
	Description      string `json:"description"`
	IntendedUse      string `json:"intended_use"`
	Locale           string `json:"locale"`
	PurchaseCountry  string `json:"purchase_country"`
	PurchaseCurrency string `json:"purchase_currency"`
}

// klarnaCreateCustomerToken serves POST /payments/v1/authorizations/{token}/customer-token.
func (s *Server) klarnaCreateCustomerToken(w http.ResponseWriter, r *http.Request) {
	var b customerTokenBody
	if kerr := decodeKlarnaRequest(w, r, &b); kerr != nil {
		writeKlarnaError(w, kerr)
		return
	}
	t, kerr := s.kpCreateCustomerToken(r.Context(), r.PathValue("token"), tokenInput(b))
	if kerr != nil {
		writeKlarnaError(w, kerr)
		return
	}
	writeJSON(w, http.StatusOK, struct {
		TokenID                string            `json:"token_id"`
		BillingAddress         map[string]string `json:"billing_address"`
		Customer               map[string]string `json:"customer"`
		PaymentMethodReference string            `json:"payment_method_reference"`
	}{t.TokenID, addressJSON(t.Customer), map[string]string{"date_of_birth": t.Customer.DateOfBirth},
		requestHash([]byte("payment-method:" + t.TokenID))[:32]})
}

// klarnaCancelAuthorization serves DELETE /payments/v1/authorizations/{token}: 204.
func (s *Server) klarnaCancelAuthorization(w http.ResponseWriter, r *http.Request) {
	if kerr := s.kpCancelAuthorization(r.Context(), r.PathValue("token")); kerr != nil {
		writeKlarnaError(w, kerr)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
