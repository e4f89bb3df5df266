package demo

import (
	"net/http"
	"time"

	"github.com/paywall/paywall/internal/i18n"
)

// The demo console's scenario picker and fault switches, as data: adding a scenario or a fault is a row
// here, not a handler.

// Journeys a scenario starts, which decide its landing page and whether its persona is used up.
const (
	journeyCheckout = "checkout" // the subscription purchase through Payway (lands on the offers)
	journeyOneClick = "one-click"
	journeyFirst    = "first-purchase" // no saved token yet: the add-on is paid with Klarna on our page
	journeyRecovery = "recovery"       // one-click rejected with a step-up: the persona's token changes on success
)

// demoScenario is one button of the picker: who to log in as, where the flow starts and what it shows.
// What to do next, shown on every page while the scenario runs, is in the reader's language: stripText.
type demoScenario struct {
	ID           string
	Title        string // on the console (English, for the product team); the strip has its own (stripText)
	Persona      string // a sandbox persona's email
	Journey      string
	Offer        string // checkout journeys: the offer highlighted on the offers page
	Demonstrates string
}

// demoScenarios are the flows DESIGN.md section 5 promises, each one click from the console.
var demoScenarios = []demoScenario{
	{ID: "regular", Title: "Regular purchase", Persona: "reader@example.se", Journey: journeyCheckout, Offer: "monthly",
		Demonstrates: "The whole Payway purchase flow: create_session, Klarna's widget and dialog, place_order, device recognition, confirmation."},
	{ID: "trial", Title: "Free trial", Persona: "reader@example.se", Journey: journeyCheckout, Offer: "trial",
		Demonstrates: "place_trial_order: a free first month, paid by direct debit only."},
	{ID: "categories", Title: "Several payment categories", Persona: "categories@example.se", Journey: journeyCheckout, Offer: "monthly",
		Demonstrates: "Klarna offers separate categories (Pay with Klarna, Pay later, Pay now, Direct debit) instead of the one klarna category: the checkout lists each with Klarna's name and badge."},
	{ID: "expiry", Title: "Purchase session expires (48 h)", Persona: "reader@example.se", Journey: journeyCheckout, Offer: "monthly",
		Demonstrates: "Payway's purchase session and Klarna's payment session live 48 hours: the console's clock moves past them and the checkout says the purchase expired, with a way to start again."},
	{ID: "widget-decline", Title: "Declined in Klarna's dialog", Persona: "reader@example.se", Journey: journeyCheckout, Offer: "monthly",
		Demonstrates: "Klarna rejects the customer in the browser: no order is placed, nothing reaches Payway."},
	{ID: "debt", Title: "Debt: payment method failed", Persona: "debt@example.se", Journey: journeyCheckout, Offer: "monthly",
		Demonstrates: "place_order answers 403 payment_method_failed (Klarna finds debt); the subscription is terminated and a clear page offers a way forward."},
	{ID: "ssn-conflict", Title: "SSN belongs to another account", Persona: "ssn-taken@example.se", Journey: journeyCheckout, Offer: "monthly",
		Demonstrates: "place_order answers 409 ssn_already_taken while Payway syncs the account (PAYWALL_RAISE_ON_SSN_ALREADY_TAKEN, on by default)."},
	{ID: "first-oneclick", Title: "First one-click purchase: save Klarna", Persona: "subscriber@example.se", Journey: journeyFirst,
		Demonstrates: "No saved token yet: Klarna Payments on our page (intent buy_and_tokenize with the reader's consent), the order and the customer token from the authorization; the next add-on is one click."},
	{ID: "token-success", Title: "Saved token charges fine", Persona: "token@example.se", Journey: journeyOneClick,
		Demonstrates: "A one-click purchase: Klarna charges the saved customer token at once."},
	{ID: "recovery-sdk", Title: "Recovery through Klarna's dialog (SDK)", Persona: "stepup@example.se", Journey: journeyRecovery,
		Demonstrates: "The token charge is rejected with a step_up_id; a new payment session, Klarna's dialog on our page, then the order. The token gets the new method."},
	{ID: "recovery-hpp", Title: "Recovery through Klarna's hosted page (HPP)", Persona: "stepup@example.se", Journey: journeyRecovery,
		Demonstrates: "The token charge is rejected with a step_up_id; a new payment session, an HPP session, Klarna's page, then the order."},
	{ID: "token-rejected", Title: "Token rejected without step-up", Persona: "token-failed@example.se", Journey: journeyOneClick,
		Demonstrates: "Klarna rejects the token with 403 PAYMENT_METHOD_FAILED and no step-up trigger: an error page with a retry or the regular checkout."},
}

// stripText is a scenario's title and what to do next, in the reader's language, for the demo strip;
// archivePrice is what the one-click scenarios' item costs, as the pages write it. ok is false for an
// unknown scenario. Every scenario of demoScenarios has a case (TestEveryScenarioHasStripText).
func stripText(l *i18n.Localizer, id, archivePrice string) (title, instruction string, ok bool) {
	switch id {
	case "regular":
		return l.T("DemoRegularTitle"), l.T("DemoRegularDo"), true
	case "trial":
		return l.T("DemoTrialTitle"), l.T("DemoTrialDo"), true
	case "categories":
		return l.T("DemoCategoriesTitle"), l.T("DemoCategoriesDo"), true
	case "expiry":
		return l.T("DemoExpiryTitle"), l.T("DemoExpiryDo"), true
	case "widget-decline":
		return l.T("DemoDeclineTitle"), l.T("DemoDeclineDo"), true
	case "debt":
		return l.T("DemoDebtTitle"), l.T("DemoDebtDo"), true
	case "ssn-conflict":
		return l.T("DemoSSNTitle"), l.T("DemoSSNDo"), true
	case "first-oneclick":
		return l.T("DemoFirstOneClickTitle"), l.T("DemoFirstOneClickDo", "Price", archivePrice), true
	case "token-success":
		return l.T("DemoTokenSuccessTitle"), l.T("DemoTokenSuccessDo", "Price", archivePrice), true
	case "recovery-sdk":
		return l.T("DemoRecoverySDKTitle"), l.T("DemoRecoverySDKDo", "Price", archivePrice), true
	case "recovery-hpp":
		return l.T("DemoRecoveryHPPTitle"), l.T("DemoRecoveryHPPDo", "Price", archivePrice), true
	case "token-rejected":
		return l.T("DemoTokenRejectedTitle"), l.T("DemoTokenRejectedDo", "Price", archivePrice), true
	}
	return "", "", false
}

// scenarioOneClickOffer is what the one-click and recovery scenarios tell the customer to buy: a one-time
// item, so a persona that bought it in an earlier run is reset first.
const scenarioOneClickOffer = "epaper-archive"

func scenarioByID(id string) (demoScenario, bool) {
	for _, s := range demoScenarios {
		if s.ID == id {
			return s, true
		}
	}
	return demoScenario{}, false
}

// demoFaultSwitch is a fault the console arms with one click: one call, then it is used up.
type demoFaultSwitch struct {
	ID, Title, Effect string
	Fault             sandboxFault
}

// tokenOrderRoute is the sandbox's route for token orders, as its fault targets name it.
const tokenOrderRoute = "POST /customer-token/v1/tokens/{token}/order"

// demoFaultTimeout is a delay past both the app's request timeout and the API clients' own (15 s): the
// call times out on our side.
const demoFaultTimeout = 20 * time.Second

var demoFaults = []demoFaultSwitch{
	{ID: "payway-place-order-503", Title: "Payway 503 on place order", Effect: "the purchase stays open: retry without a second charge",
		Fault: sandboxFault{Target: "POST /external/api/v1/klarna_payments/place_order", Status: http.StatusServiceUnavailable, Count: 1}},
	{ID: "payway-create-session-503", Title: "Payway 503 on create session", Effect: "checkout cannot start: a page asks to try again",
		Fault: sandboxFault{Target: "POST /external/api/v1/klarna_payments/create_session", Status: http.StatusServiceUnavailable, Count: 1}},
	{ID: "payway-place-order-slow", Title: "Payway slow on place order (3 s)", Effect: "slow but fine: the order is placed once",
		Fault: sandboxFault{Target: "POST /external/api/v1/klarna_payments/place_order", DelayMS: 3000, Count: 1}},
	{ID: "klarna-token-order-timeout", Title: "Klarna timeout on the token charge", Effect: "takes 15 s; buying again retries with the same idempotency key",
		Fault: sandboxFault{Target: tokenOrderRoute, DelayMS: demoFaultTimeout.Milliseconds(), Count: 1}},
	{ID: "klarna-token-order-drop", Title: "Dropped connection on the token charge", Effect: "no answer at all; buying again retries with the same idempotency key",
		Fault: sandboxFault{Target: tokenOrderRoute, Drop: true, Count: 1}},
	{ID: "payway-place-order-lost", Title: "Payway places the order, its answer is lost", Effect: "the order exists at Payway but we never hear so (issue 11: the unknown outcome and its reconciler are still to come)",
		Fault: sandboxFault{Target: "POST /external/api/v1/klarna_payments/place_order", Drop: true, After: true, Count: 1}},
	{ID: "klarna-token-order-lost", Title: "Klarna charges the token, its answer is lost", Effect: "buying again resends the same idempotency key: Klarna answers the first charge, nothing is charged twice",
		Fault: sandboxFault{Target: tokenOrderRoute, Drop: true, After: true, Count: 1}},
	{ID: "klarna-session-503", Title: "Klarna 503 on the step-up session", Effect: "the recovery page cannot start: try again",
		Fault: sandboxFault{Target: "POST /payments/v1/sessions", Status: http.StatusServiceUnavailable, Count: 1}},
	{ID: "klarna-hpp-503", Title: "Klarna 503 on the hosted page session", Effect: "Klarna's page cannot open: the dialog still works",
		Fault: sandboxFault{Target: "POST /hpp/v1/sessions", Status: http.StatusServiceUnavailable, Count: 1}},
	{ID: "klarna-sdk-503", Title: "Klarna's SDK fails to load", Effect: "the checkout page cannot show Klarna's widget",
		Fault: sandboxFault{Target: "GET /kp/lib/v1/api.js", Status: http.StatusServiceUnavailable, Count: 1}},
}

func faultSwitchByID(id string) (demoFaultSwitch, bool) {
	for _, f := range demoFaults {
		if f.ID == id {
			return f, true
		}
	}
	return demoFaultSwitch{}, false
}

// faultEffect says what an armed fault does, e.g. "503", "delay 20 s", "dropped connection".
func faultEffect(f sandboxFault) string {
	if f.After {
		f.After = false
		return "after the call: " + faultEffect(f)
	}
	switch {
	case f.Drop:
		return "dropped connection"
	case f.Status != 0 && f.DelayMS != 0:
		return "status " + itoa(f.Status) + " after " + (time.Duration(f.DelayMS) * time.Millisecond).String()
	case f.Status != 0:
		return "status " + itoa(f.Status)
	}
	return "delay " + (time.Duration(f.DelayMS) * time.Millisecond).String()
}

// sameFault reports whether an armed fault is the one a switch arms (same target and kind).
func sameFault(armed, sw sandboxFault) bool {
	return armed.Target == sw.Target && armed.Status == sw.Status && armed.DelayMS == sw.DelayMS && armed.Drop == sw.Drop &&
		armed.After == sw.After
}
