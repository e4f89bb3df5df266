package sandbox

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"slices"
)

// The sandbox's Payway catalogue: one package and two campaigns on it, enough to show a regular
// purchase (monthly or yearly), a recurring campaign and a free trial. Prices are in öre (SEK minor
// units) so the Klarna cart needs no float arithmetic; the Payway API shows them in kronor.

// vatDigitalNews is Swedish VAT on digital news (6 %), in Klarna's tax_rate form (2 implied decimals).
const vatDigitalNews = 600

// maxCodeLength is the documented limit of the code parameter.
const maxCodeLength = 1024

// productDigital is the product every catalogue entry grants; access checks use product codes.
const productDigital = "digital"

// offer is a package or campaign code as create_session accepts it.
type offer struct {
	Code        string
	Product     string // product code granted
	Name        string // shown on the Klarna order line and as the order description
	Campaign    bool
	Trial       bool   // free campaign bought with place_trial_order (direct debit only)
	TransformTo string // campaign: the package code it becomes when it ends
	Periods     []period
}

// period is one payment period of an offer (Payway's payment_periods item).
type period struct {
	ID              string // 24-hex, stable
	Type            string // recurring (the only type the catalogue has; campaigns are always recurring)
	IterationType   string // month
	IterationLength int    // months per charge
	PriceMinor      int64  // per iteration, incl. VAT, öre
}

// catalogue returns the offers; a fresh slice per call so callers cannot change the sandbox's offers.
func catalogue() []offer {
	return []offer{
		{
			Code: "digital", Product: productDigital, Name: "Digital",
			Periods: []period{
				{ID: periodID("digital", "monthly"), Type: "recurring", IterationType: "month", IterationLength: 1, PriceMinor: 13900},
				{ID: periodID("digital", "yearly"), Type: "recurring", IterationType: "month", IterationLength: 12, PriceMinor: 139000},
			},
		},
		{
			Code: "digital_3for99", Product: productDigital, Name: "Digital 3 månader för 99 kr",
			Campaign: true, TransformTo: "digital",
			Periods: []period{
				{ID: periodID("digital_3for99", "3 months"), Type: "recurring", IterationType: "month", IterationLength: 3, PriceMinor: 9900},
			},
		},
		{
			Code: "digital_trial", Product: productDigital, Name: "Digital gratis i en månad",
			Campaign: true, Trial: true, TransformTo: "digital",
			Periods: []period{
				{ID: periodID("digital_trial", "trial month"), Type: "recurring", IterationType: "month", IterationLength: 1, PriceMinor: 0},
			},
		},
	}
}

// periodID derives a stable 24-hex id, so period ids an app has cached survive sandbox restarts.
func periodID(code, name string) string {
	sum := sha256.Sum256([]byte("sandbox-period:" + code + ":" + name))
	return hex.EncodeToString(sum[:12])
}

// offerIndex is the catalogue by code, built once per Server (Server.offers): the catalogue never changes,
// and building it hashes every period id, which payment_periods, create_session and place_order would
// otherwise do on every call. The offers it hands out share their Periods: read them, do not change them.
type offerIndex map[string]offer

func newOffers() offerIndex {
	m := offerIndex{}
	for _, o := range catalogue() {
		m[o.Code] = o
	}
	return m
}

// byCode finds an offer; ok is false for an unknown code.
func (m offerIndex) byCode(code string) (offer, bool) {
	o, ok := m[code]
	return o, ok
}

// periodByID finds one of the offer's periods.
func (o offer) periodByID(id string) (period, bool) {
	i := slices.IndexFunc(o.Periods, func(p period) bool { return p.ID == id })
	if i < 0 {
		return period{}, false
	}
	return o.Periods[i], true
}

// paymentPeriodItem is one item of GET .../klarna_payments/payment_periods.
type paymentPeriodItem struct {
	ID              string  `json:"id"`
	PaymentMethod   string  `json:"payment_method"`
	Type            string  `json:"type"`
	Enabled         bool    `json:"enabled"`
	IterationType   string  `json:"iteration_type"`
	IterationLength int     `json:"iteration_length"`
	Price           float64 `json:"price"` // kronor
}

// kronor converts öre to Payway's decimal price.
func kronor(minor int64) float64 { return float64(minor) / 100 }

// paywayPaymentPeriods serves GET /external/api/v1/klarna_payments/payment_periods?code=: the payment
// periods Klarna can sell for a package or campaign. Tokens with or without identity may ask.
func (s *Server) paywayPaymentPeriods(w http.ResponseWriter, r *http.Request, _ paywayAuth) {
	code := r.URL.Query().Get("code")
	if code == "" {
		writePaywayError(w, http.StatusBadRequest, "invalid_parameter", "Missing parameter: code")
		return
	}
	if len(code) > maxCodeLength {
		writePaywayError(w, http.StatusBadRequest, "invalid_parameter", "code is longer than 1024 characters")
		return
	}
	o, ok := s.offers.byCode(code)
	if !ok {
		writePaywayError(w, http.StatusNotFound, "not_found", "No package or campaign with code "+code)
		return
	}
	items := make([]paymentPeriodItem, 0, len(o.Periods))
	for _, p := range o.Periods {
		items = append(items, paymentPeriodItem{
			ID: p.ID, PaymentMethod: "klarna_payments", Type: p.Type, Enabled: true,
			IterationType: p.IterationType, IterationLength: p.IterationLength, Price: kronor(p.PriceMinor),
		})
	}
	writeJSON(w, http.StatusOK, struct {
		Items []paymentPeriodItem `json:"items"`
	}{items})
}
