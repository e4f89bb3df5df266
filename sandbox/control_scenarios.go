package sandbox

import (
	"net/http"
	"strings"
)

// personaView is one persona as GET /sandbox/v1/scenarios lists it.
type personaView struct {
	Email        string `json:"email"`
	Name         string `json:"name"`
	Demonstrates string `json:"demonstrates"`
}

// outcomeView pairs an input a tester types (an email, a code, a button) with what it produces.
type outcomeView struct {
	Email   string `json:"email,omitempty"`
	OTP     string `json:"otp,omitempty"`
	Choice  string `json:"choice,omitempty"`
	Outcome string `json:"outcome"`
}

// faultExample is a ready-to-post body for POST /sandbox/v1/faults, with what it demonstrates.
type faultExample struct {
	faultRequest
	Demonstrates string `json:"demonstrates"`
}

// scenariosView is GET /sandbox/v1/scenarios: everything DESIGN.md section 5 offers, in one document
// the demo page and other teams can read instead of the source.
type scenariosView struct {
	Personas        []personaView  `json:"personas"`
	TestEmails      []outcomeView  `json:"test_emails"`
	OTPs            []outcomeView  `json:"otps"`
	HPPChoices      []outcomeView  `json:"hpp_choices"`
	Faults          []faultExample `json:"faults"`
	FaultTargets    []string       `json:"fault_targets"`
	KlarnaMerchants []merchantView `json:"klarna_merchants"`
	KlarnaChoices   []choiceView   `json:"klarna_choices"`
}

// merchantView is a sandbox Klarna merchant: its Klarna API username (the password is the package's
// KlarnaPassword, in README; the control API lists no passwords) and the payment categories its sessions
// offer.
type merchantView struct {
	Username                string   `json:"username"`
	PaymentMethodCategories []string `json:"payment_method_categories"`
}

// merchantViews lists the sandbox's Klarna merchants.
func merchantViews() []merchantView {
	var out []merchantView
	for _, m := range klarnaMerchants() {
		cats := m.Categories
		if cats == nil {
			cats = defaultCategories()
		}
		out = append(out, merchantView{Username: m.Username, PaymentMethodCategories: cats})
	}
	return out
}

// controlScenarios serves GET /sandbox/v1/scenarios.
func (s *Server) controlScenarios(w http.ResponseWriter, r *http.Request) {
	v := scenariosView{
		Personas:     []personaView{},
		TestEmails:   testEmailViews(),
		OTPs:         otpOutcomes(),
		HPPChoices:   hppChoices(),
		Faults:       faultExamples(),
		FaultTargets: s.faultTargets(),

		KlarnaMerchants: merchantViews(),
		KlarnaChoices:   klarnaChoices(),
	}
	for _, p := range Personas() {
		v.Personas = append(v.Personas, personaView{Email: p.Email,
			Name: strings.TrimSpace(p.FirstName + " " + p.LastName), Demonstrates: p.Demonstrates})
	}
	writeJSON(w, http.StatusOK, v)
}

// testEmailViews lists the Klarna test emails the Klarna core knows (klarna_customers.go).
func testEmailViews() []outcomeView {
	out := []outcomeView{}
	for _, e := range klarnaTestEmails() {
		out = append(out, outcomeView{Email: e.Email, Outcome: e.Outcome})
	}
	return out
}

// otpOutcomes are the one-time codes of the authorize dialog and the hosted payment page (Klarna's
// playground rule: any six digits but 999999).
func otpOutcomes() []outcomeView {
	return []outcomeView{
		{OTP: "123456", Outcome: "approves (any 6 digits except 999999)"},
		{OTP: "999999", Outcome: "fails: {approved:false, show_form:true}"},
	}
}

// hppChoices are the buttons of the hosted payment page (GET /hpp/pay/{id}) and where each sends the
// customer.
func hppChoices() []outcomeView {
	return []outcomeView{
		{Choice: "pay", Outcome: "authorizes with the email and code: COMPLETED (order placed for PLACE_ORDER / CAPTURE_ORDER), redirect to merchant_urls.success; a denied email or code 999999: FAILED, redirect to failure"},
		{Choice: "decline", Outcome: "Klarna rejects the customer: FAILED, redirect to merchant_urls.failure"},
		{Choice: "cancel", Outcome: "CANCELLED (final), redirect to merchant_urls.cancel"},
		{Choice: "back", Outcome: "BACK, redirect to merchant_urls.back"},
		{Choice: "error", Outcome: "ERROR, redirect to merchant_urls.error (or failure when error is empty)"},
	}
}

// faultExamples show one of each kind of fault on the calls the app makes.
func faultExamples() []faultExample {
	return []faultExample{
		{faultRequest{Target: "POST /external/api/v1/klarna_payments/place_order", Status: http.StatusInternalServerError, Count: 1},
			"Payway fails placing the order once (the app must not charge twice on retry)"},
		{faultRequest{Target: "POST /external/api/v1/klarna_payments/create_session", Status: http.StatusServiceUnavailable, Count: 1},
			"Payway unavailable when checkout starts"},
		{faultRequest{Target: "POST /customer-token/v1/tokens/{token}/order", DelayMS: 15000, Count: 1},
			"Klarna token order slower than the app's timeout"},
		{faultRequest{Target: "POST /customer-token/v1/tokens/{token}/order", Drop: true, Count: 1},
			"connection dropped on a token order (retry with the same Klarna-Idempotency-Key)"},
		{faultRequest{Target: "GET /kp/lib/v1/api.js", Status: http.StatusServiceUnavailable, Count: 1},
			"Klarna's SDK fails to load in the browser"},
	}
}
