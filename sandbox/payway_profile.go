package sandbox

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"
)

// paymentProfileItem is one item of GET /external/api/v1/me/payment_profile/, in the shape Payway
// documents (reference payway-api.md §4.4): how the account's subscription is paid. The Klarna customer
// token Payway keeps for renewals stays inside (payment_profiles.klarna_customer_token), as at Payway.
type paymentProfileItem struct {
	ID             string           `json:"id"`
	AccountID      string           `json:"account_id"`
	PaymentOption  string           `json:"payment_option"`
	Type           string           `json:"type"`
	DefaultProfile bool             `json:"default_profile"`
	State          string           `json:"state"`
	MetaData       *profileMetaData `json:"meta_data"`
	Agreements     []any            `json:"agreements"`
}

// profileMetaData is meta_data: the card's details (strings, as in the documented example).
type profileMetaData struct {
	MaskedNumber string `json:"masked_number"`
	ExpiryMonth  string `json:"expiry_month,omitempty"`
	ExpiryYear   string `json:"expiry_year,omitempty"`
	Brand        string `json:"brand,omitempty"`
}

// paywayPaymentProfile serves GET /external/api/v1/me/payment_profile/ (trailing slash as documented):
// {"items":[...]}, an empty list for an account without a saved payment. The profile's type, state and
// meta_data come from the Klarna token Payway keeps (the sandbox's choices where Payway's docs show only
// an Adyen example: type "klarna_<method>", e.g. klarna_card; state "active" while the token is active,
// else "inactive"; meta_data for cards and direct debit, null otherwise).
func (s *Server) paywayPaymentProfile(w http.ResponseWriter, r *http.Request, auth paywayAuth) {
	accountID, err := s.identityID(r.Context(), auth)
	if err != nil {
		s.writePaywayErr(w, r, err)
		return
	}
	items := []paymentProfileItem{}
	p, err := s.store.paymentProfile(r.Context(), accountID)
	switch {
	case errors.Is(err, errNotFound):
	case err != nil:
		s.writePaywayErr(w, r, err)
		return
	default:
		item, err := s.profileItem(r, accountID, p)
		if err != nil {
			s.writePaywayErr(w, r, err)
			return
		}
		items = append(items, item)
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
}

// profileItem describes a saved payment from the Klarna token behind it.
func (s *Server) profileItem(r *http.Request, accountID string, p paymentProfile) (paymentProfileItem, error) {
	sum := sha256.Sum256([]byte("sandbox-payment-profile:" + p.KlarnaCustomerToken))
	item := paymentProfileItem{
		ID: hex.EncodeToString(sum[:12]), AccountID: accountID, PaymentOption: p.PaymentOption,
		Type: "klarna_payments", DefaultProfile: true, State: "active", Agreements: []any{},
	}
	t, err := customerTokenByID(r.Context(), s.store.r, p.KlarnaCustomerToken)
	if errors.Is(err, errNotFound) {
		item.State = "inactive"
		return item, nil
	}
	if err != nil {
		return paymentProfileItem{}, err
	}
	item.Type = "klarna_" + strings.ToLower(t.PaymentMethodType)
	if t.Status != "ACTIVE" {
		item.State = "inactive"
	}
	switch t.PaymentMethodType {
	case "CARD":
		month, year, _ := strings.Cut(t.CardExpiry, "/")
		item.MetaData = &profileMetaData{MaskedNumber: t.MaskedNumber, ExpiryMonth: month, ExpiryYear: year,
			Brand: strings.ToLower(t.CardBrand)}
	case "DIRECT_DEBIT":
		item.MetaData = &profileMetaData{MaskedNumber: t.MaskedNumber}
	}
	return item, nil
}
