package e2e

import (
	"regexp"
	"strings"
	"testing"

	"github.com/playwright-community/playwright-go"

	"github.com/paywall/paywall/checkout"
)

// Page objects for one-click purchases and the step-up recovery (issue 5): the account page, the recovery
// page with Klarna's dialog (SDK) and the hosted payment page (HPP, on the sandbox's site), and the
// one-click confirmation and status pages.

var oneClickIDPattern = regexp.MustCompile(`/(?:recovery|account/purchases)/([^/?#]+)`)

// oneClickID is the one-click purchase id in the page's URL (/recovery/:id or /account/purchases/:id).
func (b basePage) oneClickID() string {
	b.t.Helper()
	m := oneClickIDPattern.FindStringSubmatch(b.page.URL())
	if m == nil {
		b.t.Fatalf("no one-click purchase id in %s", b.page.URL())
	}
	return m[1]
}

// GoToAccount follows the header's link to the account page.
func (b basePage) GoToAccount() accountPage {
	b.t.Helper()
	b.check(b.testID("account-link").Click(), "click the account link")
	return b.onAccount()
}

// accountPage is /account.
type accountPage struct{ basePage }

func (b basePage) onAccount() accountPage {
	b.t.Helper()
	a := accountPage{b}
	a.check(expect().Page(a.page).ToHaveURL(regexp.MustCompile(`/account$`)), "on the account page")
	a.check(expect().Locator(a.testID("saved-method")).ToBeVisible(), "saved payment method section")
	return a
}

// ExpectMethod checks the saved Klarna payment method's type and status as the page words them.
func (a accountPage) ExpectMethod(typeRe, status string) {
	a.t.Helper()
	a.check(expect().Locator(a.testID("saved-method-type")).ToHaveText(regexp.MustCompile(typeRe)), "saved method type %q", typeRe)
	a.check(expect().Locator(a.testID("saved-method-status")).ToHaveText(status), "saved method status %q", status)
}

// MethodNumber is the masked number of the saved method.
func (a accountPage) MethodNumber() string {
	a.t.Helper()
	n, err := a.testID("saved-method-number").TextContent()
	a.check(err, "read the saved method's number")
	return strings.TrimSpace(n)
}

// ExpectOffers checks the one-click offers are shown.
func (a accountPage) ExpectOffers(ids ...string) {
	a.t.Helper()
	for _, id := range ids {
		a.check(expect().Locator(a.testID("buy-oneclick-"+id)).ToBeVisible(), "one-click offer %s", id)
	}
}

// ExpectOwned checks one-time items the account already owns are no longer offered.
func (a accountPage) ExpectOwned(ids ...string) {
	a.t.Helper()
	for _, id := range ids {
		a.check(expect().Locator(a.testID("buy-oneclick-"+id)).ToHaveCount(0), "owned %s not offered again", id)
	}
}

// ExpectNoOneClick checks the saved method cannot be charged: the page explains its state, and the
// add-ons are paid with Klarna anew (where a new method can be saved) instead of in one click.
func (a accountPage) ExpectNoOneClick(noteRe string) {
	a.t.Helper()
	a.check(expect().Locator(a.testID("saved-method-note")).ToHaveText(regexp.MustCompile(noteRe)), "saved method note %q", noteRe)
	a.ExpectPayWithKlarna()
}

// Buy presses an offer's one-click button.
func (a accountPage) Buy(offerID string) {
	a.t.Helper()
	a.check(a.testID("buy-oneclick-"+offerID).Click(), "buy %s in one click", offerID)
}

// ForceBuy posts the one-click form for an offer the page does not show (as a stale tab or a crafted
// request would): the server must still answer with the right page.
func (a accountPage) ForceBuy(offerID string) {
	a.t.Helper()
	_, err := a.page.Evaluate(`(offer) => {
		const form = document.createElement("form");
		form.method = "POST";
		form.action = "/account/purchases";
		form.appendChild(document.querySelector("input[name=csrf]").cloneNode());
		const input = document.createElement("input");
		input.type = "hidden";
		input.name = "offer";
		input.value = offer;
		form.appendChild(input);
		document.body.appendChild(form);
		form.submit();
	}`, offerID)
	a.check(err, "post the one-click form for %s", offerID)
}

// recoveryPage is /recovery/:id.
type recoveryPage struct{ basePage }

func (b basePage) onRecovery() recoveryPage {
	b.t.Helper()
	r := recoveryPage{b}
	r.check(expect().Page(r.page).ToHaveURL(regexp.MustCompile(`/recovery/[^/]+$`)), "on the recovery page")
	r.check(expect().Locator(r.testID("recovery-explanation")).ToBeVisible(), "what happened")
	// Klarna's SDK is ready when the button is enabled.
	r.check(expect().Locator(r.testID("recovery-sdk")).ToBeEnabled(), "Continue with Klarna enabled once the SDK has started")
	r.check(expect().Locator(r.testID("recovery-hpp")).ToBeVisible(), "Klarna's page offered too")
	return r
}

// ExpectExplanation checks the page says what is being bought and that nothing was charged.
func (r recoveryPage) ExpectExplanation(offerTitle string) {
	r.t.Helper()
	r.check(expect().Locator(r.testID("recovery-offer")).ToHaveText(offerTitle), "recovery offer")
	r.check(expect().Locator(r.testID("recovery-explanation")).ToContainText("Nothing has been charged"), "nothing charged")
}

// ExpectNotice checks what the page says about the last attempt.
func (r recoveryPage) ExpectNotice(re string) {
	r.t.Helper()
	r.check(expect().Locator(r.testID("recovery-notice")).ToHaveText(regexp.MustCompile(re)), "recovery notice %q", re)
}

// PayHere presses Continue with Klarna, which opens Klarna's dialog at once (no widget is loaded first).
func (r recoveryPage) PayHere() klarnaDialog {
	r.t.Helper()
	r.check(r.testID("recovery-sdk").Click(), "click Continue with Klarna")
	r.check(expect().Locator(r.testID("klarna-dialog")).ToBeVisible(), "Klarna dialog open")
	return klarnaDialog{basePage: r.basePage, frame: r.page.FrameLocator(`iframe[data-testid="klarna-dialog-frame"]`)}
}

// ExpectMessage checks the message the page shows after Klarna's dialog answered.
func (r recoveryPage) ExpectMessage(re string) {
	r.t.Helper()
	r.check(expect().Locator(r.testID("recovery-message")).ToHaveText(regexp.MustCompile(re)), "recovery message %q", re)
}

// ExpectReadyAgain checks the customer can try again on the same recovery.
func (r recoveryPage) ExpectReadyAgain(id string) {
	r.t.Helper()
	r.check(expect().Locator(r.testID("recovery-sdk")).ToBeEnabled(), "Continue with Klarna enabled again")
	r.check(expect().Page(r.page).ToHaveURL(regexp.MustCompile(`/recovery/`+regexp.QuoteMeta(id)+`$`)), "still on the same recovery")
}

// GoToKlarnaPage chooses the hosted page with a place_order_mode (the sandbox's choice on the page) and
// follows the redirect to it.
func (r recoveryPage) GoToKlarnaPage(mode string) hostedPage {
	r.t.Helper()
	_, err := r.testID("hpp-place-order-mode").SelectOption(playwright.SelectOptionValues{Values: &[]string{mode}})
	r.check(err, "choose place_order_mode %s", mode)
	r.check(r.testID("recovery-hpp").Click(), "click Go to Klarna's page")
	h := hostedPage{r.basePage}
	h.check(expect().Page(h.page).ToHaveURL(regexp.MustCompile(`/hpp/pay/[^/]+$`)), "on Klarna's hosted page")
	h.check(expect().Locator(h.testID("hpp-pay")).ToBeVisible(), "the hosted page's pay button")
	return h
}

// hostedPage is the sandbox's hosted payment page, on Klarna's (the sandbox's) site.
type hostedPage struct{ basePage }

// Pay signs in on the hosted page with email and a one-time code.
func (h hostedPage) Pay(email, otp string) {
	h.t.Helper()
	h.check(h.testID("hpp-email").Fill(email), "fill email on the hosted page")
	h.check(h.testID("hpp-otp").Fill(otp), "fill one-time code on the hosted page")
	h.check(h.testID("hpp-pay").Click(), "pay on the hosted page")
}

// Press presses one of the hosted page's other buttons: decline, cancel, back or error.
func (h hostedPage) Press(action string) {
	h.t.Helper()
	h.check(h.testID("hpp-"+action).Click(), "press %s on the hosted page", action)
}

// oneClickConfirmationPage is /account/purchases/:id of a completed purchase.
type oneClickConfirmationPage struct{ basePage }

func (b basePage) onOneClickConfirmation() oneClickConfirmationPage {
	b.t.Helper()
	c := oneClickConfirmationPage{b}
	c.check(expect().Page(c.page).ToHaveURL(regexp.MustCompile(`/account/purchases/[^/]+$`)), "on the one-click confirmation")
	c.check(expect().Locator(c.testID("oneclick-confirmation")).ToBeVisible(), "one-click confirmation")
	return c
}

// ExpectOrder checks what was bought, for how much, and that our short order number is shown, with
// Klarna's for customer service.
func (c oneClickConfirmationPage) ExpectOrder(offerTitle, price string) {
	c.t.Helper()
	c.check(expect().Locator(c.testID("oneclick-offer")).ToHaveText(offerTitle), "bought offer")
	c.check(expect().Locator(c.testID("oneclick-price")).ToContainText(price), "price")
	c.check(expect().Locator(c.testID("oneclick-reference")).ToHaveText(referencePattern), "our order number")
	c.check(expect().Locator(c.testID("oneclick-order-id")).Not().ToBeEmpty(), "Klarna's order number")
}

// ExpectPaidWith checks how the purchase was paid.
func (c oneClickConfirmationPage) ExpectPaidWith(re string) {
	c.t.Helper()
	c.check(expect().Locator(c.testID("oneclick-paid-with")).ToHaveText(regexp.MustCompile(re)), "paid with %q", re)
}

// ExpectMethodUpdated checks the page says Klarna saved the customer's new choice.
func (c oneClickConfirmationPage) ExpectMethodUpdated() {
	c.t.Helper()
	c.check(expect().Locator(c.testID("oneclick-method-updated")).ToBeVisible(), "new method saved")
}

// BackToAccount follows the link back to the account page.
func (c oneClickConfirmationPage) BackToAccount() accountPage {
	c.t.Helper()
	c.check(c.page.Locator(`[data-testid="oneclick-confirmation"] [data-testid="back-to-account"]`).Click(), "back to the account")
	return c.onAccount()
}

// oneClickStatusPage explains a one-click purchase without a happy outcome.
type oneClickStatusPage struct{ basePage }

func (b basePage) onOneClickStatus(state, code string) oneClickStatusPage {
	b.t.Helper()
	s := oneClickStatusPage{b}
	section := s.testID("oneclick-" + state)
	s.check(expect().Locator(section).ToBeVisible(), "one-click %s page", state)
	if code != "" {
		s.check(expect().Locator(section).ToHaveAttribute("data-failure-code", code), "failure code %s", code)
	}
	return s
}

// ExpectHeading checks the page's heading.
func (s oneClickStatusPage) ExpectHeading(re string) {
	s.t.Helper()
	s.check(expect().Locator(s.page.GetByRole("heading", playwright.PageGetByRoleOptions{Level: playwright.Int(1)})).
		ToHaveText(regexp.MustCompile(re)), "heading %q", re)
}

// ExpectMessage checks the explanation.
func (s oneClickStatusPage) ExpectMessage(re string) {
	s.t.Helper()
	s.check(expect().Locator(s.testID("oneclick-message")).ToHaveText(regexp.MustCompile(re)), "message %q", re)
}

// ExpectRetry checks whether trying again is offered.
func (s oneClickStatusPage) ExpectRetry(offered bool) {
	s.t.Helper()
	n := 0
	if offered {
		n = 1
	}
	s.check(expect().Locator(s.testID("oneclick-retry")).ToHaveCount(n), "retry offered: %v", offered)
}

// ExpectPayWithKlarnaInstead checks paying with Klarna anew is offered: the add-on's own checkout, where
// the reader chooses how to pay and may save the new method.
func (s oneClickStatusPage) ExpectPayWithKlarnaInstead() {
	s.t.Helper()
	s.check(expect().Locator(s.testID("oneclick-pay-with-klarna")).ToBeVisible(), "pay with Klarna instead")
}

// expectKlarnaOrders counts the order-creating Klarna calls on a one-click purchase's timeline (every
// Klarna exchange is recorded there): token charges, and orders we create from an authorization.
func (a *testApp) expectKlarnaOrders(t *testing.T, id string, token, fromAuthorization int) {
	t.Helper()
	events, err := a.DB.Events(t.Context(), id)
	if err != nil {
		t.Fatalf("events of %s: %v", id, err)
	}
	var gotToken, gotAuth int
	for _, e := range events {
		if e.Kind != checkout.EventCall || e.Method != "POST" || !strings.HasSuffix(e.Path, "/order") {
			continue
		}
		switch {
		case strings.HasPrefix(e.Path, "/customer-token/"):
			gotToken++
		case strings.HasPrefix(e.Path, "/payments/v1/authorizations/"):
			gotAuth++
		}
	}
	if gotToken != token || gotAuth != fromAuthorization {
		t.Errorf("purchase %s: %d token charges and %d orders from an authorization, want %d and %d (timeline: %s)",
			id, gotToken, gotAuth, token, fromAuthorization, timeline(events))
	}
}
