package sandbox

import (
	"errors"
	"net/http"
	"time"
)

// paymentProfileItem is the item of GET /external/api/v1/me/payment_profile: the account's saved
// Klarna payment with the customer token Payway created at the first purchase. Payway's docs do not
// show this response; the field names are the sandbox's assumption (payway/assumed.go).
type paymentProfileItem struct {
	PaymentOption       string `json:"payment_option"` // klarna_payments
	KlarnaCustomerToken string `json:"klarna_customer_token"`
	Updated             string `json:"updated"` // RFC 3339
}

// paywayPaymentProfile serves GET /external/api/v1/me/payment_profile; 404 not_found when the
// account has no saved Klarna payment.
func (s *Server) paywayPaymentProfile(w http.ResponseWriter, r *http.Request, auth paywayAuth) {
	acc, err := s.identity(r.Context(), auth)
	if err != nil {
		s.writePaywayErr(w, r, err)
		return
	}
	p, err := s.store.paymentProfile(r.Context(), acc.ID)
	if errors.Is(err, errNotFound) {
		writePaywayError(w, http.StatusNotFound, "not_found", "The account has no payment profile")
		return
	}
	if err != nil {
		s.writePaywayErr(w, r, err)
		return
	}
	writeItem(w, http.StatusOK, paymentProfileItem{
		PaymentOption: p.PaymentOption, KlarnaCustomerToken: p.KlarnaCustomerToken,
		Updated: p.UpdatedAt.UTC().Format(time.RFC3339),
	})
}
