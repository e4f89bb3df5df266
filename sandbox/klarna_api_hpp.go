package sandbox

import (
	"net/http"
	"time"
)

// Hosted Payment Page API handlers (reference §5).

// hppCreateBody is POST /hpp/v1/sessions's body (branding options and profile_id are accepted and
// ignored).
type hppCreateBody struct {
	PaymentSessionURL string            `json:"payment_session_url"`
	MerchantURLs      map[string]string `json:"merchant_urls"`
	Options           struct {
		PlaceOrderMode          string   `json:"place_order_mode"`
		PaymentMethodCategory   string   `json:"payment_method_category"`
		PaymentMethodCategories []string `json:"payment_method_categories"`
	} `json:"options"`
}

// hppCreateResponse is Klarna's SessionCreationResponseV1 (without the in-store fields). The URLs point
// at the sandbox: redirect_url is the hosted page (browser_hpp.go).
type hppCreateResponse struct {
	SessionID       string    `json:"session_id"`
	RedirectURL     string    `json:"redirect_url"`
	SessionURL      string    `json:"session_url"`
	DistributionURL string    `json:"distribution_url"`
	QRCodeURL       string    `json:"qr_code_url"`
	ExpiresAt       time.Time `json:"expires_at"`
}

// klarnaCreateHPP serves POST /hpp/v1/sessions: 201.
func (s *Server) klarnaCreateHPP(w http.ResponseWriter, r *http.Request) {
	var b hppCreateBody
	if kerr := decodeKlarnaRequest(w, r, &b); kerr != nil {
		writeKlarnaError(w, kerr)
		return
	}
	h, kerr := s.hppCreate(r.Context(), hppCreateInput{PaymentSessionURL: b.PaymentSessionURL, MerchantURLs: b.MerchantURLs,
		PlaceOrderMode: b.Options.PlaceOrderMode, Category: b.Options.PaymentMethodCategory,
		Categories: b.Options.PaymentMethodCategories})
	if kerr != nil {
		writeKlarnaError(w, kerr)
		return
	}
	base := klarnaBase(r)
	writeJSON(w, http.StatusCreated, hppCreateResponse{
		SessionID: h.ID, RedirectURL: base + "/hpp/pay/" + h.ID, SessionURL: base + "/hpp/v1/sessions/" + h.ID,
		DistributionURL: base + "/hpp/v1/sessions/" + h.ID + "/distribution", QRCodeURL: base + "/hpp/pay/" + h.ID + "/qr",
		ExpiresAt: h.ExpiresAt,
	})
}

// klarnaReadHPP serves GET /hpp/v1/sessions/{id}.
func (s *Server) klarnaReadHPP(w http.ResponseWriter, r *http.Request) {
	v, kerr := s.hppRead(r.Context(), r.PathValue("id"))
	if kerr != nil {
		writeKlarnaError(w, kerr)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// klarnaDisableHPP serves DELETE /hpp/v1/sessions/{id}: 204.
func (s *Server) klarnaDisableHPP(w http.ResponseWriter, r *http.Request) {
	if kerr := s.hppDisable(r.Context(), r.PathValue("id")); kerr != nil {
		writeKlarnaError(w, kerr)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// klarnaDistributeHPP serves POST /hpp/v1/sessions/{id}/distribution: 204 (the sandbox sends nothing).
func (s *Server) klarnaDistributeHPP(w http.ResponseWriter, r *http.Request) {
	var b struct {
		Method             string            `json:"method"`
		ContactInformation map[string]string `json:"contact_information"`
	}
	if kerr := decodeKlarnaRequest(w, r, &b); kerr != nil {
		writeKlarnaError(w, kerr)
		return
	}
	if kerr := s.hppDistribute(r.Context(), r.PathValue("id"), b.Method, b.ContactInformation); kerr != nil {
		writeKlarnaError(w, kerr)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
