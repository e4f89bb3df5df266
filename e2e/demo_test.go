package e2e

import (
	"regexp"
	"testing"
)

// The demo console (issue 6) as the product team uses it: start a scenario in one click, follow the
// instruction in the demo strip through the real pages, then open "what happened" and show the timeline
// and the flowcharts. Screenshots of each step go to e2e/artifacts/demo-*/ for review.

// TestDemoRecoveryThroughHostedPageScenario: from the console, the recovery-via-HPP scenario. The token
// charge is rejected with a step_up_id, the recovery creates a new payment session and an HPP session, the
// customer pays on Klarna's page, and we create the order. The timeline lists each of those calls and the
// recovery flowchart highlights A, B, C, E, F, H, J, K, L with L current.
func TestDemoRecoveryThroughHostedPageScenario(t *testing.T) {
	t.Parallel()
	app := startApp(t)
	page := newPage(t)
	shot := newScreenshots(t, page, "demo-recovery-hpp")

	console := openDemoConsole(t, page, app)
	console.ExpectScenarios("regular", "trial", "widget-decline", "debt", "ssn-conflict", "first-oneclick", "token-success",
		"recovery-sdk", "recovery-hpp", "token-rejected")
	shot("console")
	expectAccessible(t, page, "demo console")

	console.StartScenario("recovery-hpp")
	account := console.onAccount()
	account.ExpectLoggedInAs("Stina")
	account.ExpectInstruction(`choose Klarna's page`)
	shot("account")

	account.Buy(archiveOffer)
	recovery := account.onRecovery()
	id := recovery.oneClickID()
	recovery.GoToKlarnaPage("NONE").Pay(approvedEmail, anyCode)
	confirmation := recovery.onOneClickConfirmation()
	confirmation.ExpectOrder(archiveTitle, archivePrice)
	shot("confirmation")

	happened := confirmation.OpenWhatHappened()
	stepUp := app.stepUpID(t, id)
	happened.ExpectCalls("token-order", "payment-session", "hpp-session", "authorization-order")
	happened.ExpectEventStatus("token-order", `^403 `)
	happened.ExpectEventFact("token-order", "step_up_id", stepUp)
	happened.ExpectEventStatus("authorization-order", `^200 `)
	happened.ExpectPath("recovery", "A", "B", "C", "E", "F", "H", "J", "K", "L")
	happened.ExpectNotTaken("recovery", "D", "G", "I")
	happened.ExpectNoPath("purchase")
	shot("what-happened")
	expectAccessible(t, page, "what happened (HPP recovery)")
}

// TestDemoRegularPurchaseScenario: the regular purchase from the console, through the offers, Klarna's
// widget and dialog, to the confirmation; the timeline lists Payway's calls and Payway's flow is
// highlighted from step 1 to the confirmation (8).
func TestDemoRegularPurchaseScenario(t *testing.T) {
	t.Parallel()
	app := startApp(t)
	page := newPage(t)
	shot := newScreenshots(t, page, "demo-regular")

	console := openDemoConsole(t, page, app)
	console.StartScenario("regular")
	offers := subscribePage{console.basePage}
	offers.check(expect().Page(page).ToHaveURL(regexp.MustCompile(`/subscribe\?offer=monthly`)), "on the offers")
	offers.ExpectHighlighted("monthly")
	offers.ExpectInstruction(`customer@email\.se`)
	shot("offers")

	checkout := offers.ChooseLoggedIn("monthly")
	checkout.Buy().Approve(approvedEmail, anyCode)
	confirmation := checkout.onConfirmation()
	confirmation.ExpectOrder(monthlyTitle)
	shot("confirmation")

	happened := confirmation.OpenWhatHappened()
	happened.ExpectCalls("create-session", "place-order", "read-order")
	happened.ExpectEventStatus("place-order", `^200 `)
	happened.ExpectPath("purchase", "1", "2", "3", "4", "5", "6", "7", "8")
	happened.ExpectNoPath("recovery")
	shot("what-happened")
	expectAccessible(t, page, "what happened (regular purchase)")
}

// TestDemoExpiryScenarioWithTheClock: the 48 h expiry from the console, without a hand-made API call: the
// reader opens the checkout, the console's "Advance 49 h" moves the sandbox's clock (which the app reads)
// past the purchase session's 48 hours, and the checkout says the purchase expired, with a way to start
// again; "Back to now" puts the clock back.
func TestDemoExpiryScenarioWithTheClock(t *testing.T) {
	t.Parallel()
	app := startApp(t)
	page := newPage(t)
	shot := newScreenshots(t, page, "demo-expiry")

	console := openDemoConsole(t, page, app)
	console.ExpectClock(`\(real time\)`)
	console.StartScenario("expiry")
	offers := subscribePage{console.basePage}
	offers.ExpectInstruction(`Advance 49 h`)
	checkout := offers.ChooseLoggedIn("monthly")
	id := checkout.purchaseID()

	console = openDemoConsole(t, page, app)
	console.MoveClock("advance")
	console.ExpectClock(`\(49 h ahead\)`)
	shot("clock-advanced")
	expectAccessible(t, page, "demo console with the clock moved")

	resp, err := page.Goto(app.AppURL + "/checkout/" + id)
	checkout.check(err, "back to the checkout")
	if resp == nil || resp.Status() != 410 {
		t.Errorf("checkout 49 h later: HTTP %v, want 410 Gone", statusOf(resp))
	}
	expired := checkout.onStatus("expired")
	expired.check(expect().Locator(expired.testID("retry-purchase")).ToBeVisible(), "a way to start again")
	shot("expired")

	console = openDemoConsole(t, page, app)
	console.MoveClock("now")
	console.ExpectClock(`\(real time\)`)
}

// stepUpID is the step_up_id Klarna gave the purchase's rejected token order, as the app stored it.
func (a *testApp) stepUpID(t *testing.T, id string) string {
	t.Helper()
	p, err := a.DB.OneClickPurchase(t.Context(), id)
	if err != nil {
		t.Fatalf("token purchase %s: %v", id, err)
	}
	if p.StepUpID == "" {
		t.Fatalf("token purchase %s has no step_up_id", id)
	}
	return p.StepUpID
}
