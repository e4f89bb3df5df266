package e2e

import (
	"testing"

	"regexp"

	"github.com/playwright-community/playwright-go"
)

// Page objects for the purchase journey: the offers, the checkout page with the Klarna widget and the
// authorize dialog (iframes served by the sandbox, another site), and the confirmation page.

// ChooseSubscription follows the paywall's subscribe link to the offers page.
func (a articlePage) ChooseSubscription() subscribePage {
	a.t.Helper()
	a.check(a.testID("subscribe-link").Click(), "click subscribe link")
	s := subscribePage{a.basePage}
	s.check(expect().Page(s.page).ToHaveURL(regexp.MustCompile(`/subscribe\?`)), "on the offers page")
	return s
}

// subscribePage is /subscribe.
type subscribePage struct{ basePage }

// Choose presses an offer's button. A logged-out reader lands on the login page; a logged-in one on checkout.
func (s subscribePage) Choose(offerID string) {
	s.t.Helper()
	s.check(s.testID("choose-"+offerID).Click(), "choose offer %s", offerID)
}

// ExpectHighlighted checks the offer chosen before logging in is marked and offers to continue.
func (s subscribePage) ExpectHighlighted(offerID string) {
	s.t.Helper()
	s.check(expect().Locator(s.testID("offer-"+offerID)).ToHaveClass(regexp.MustCompile(`highlighted`)), "offer %s highlighted", offerID)
	s.check(expect().Locator(s.testID("choose-"+offerID)).ToHaveText("Continue to payment"), "continue button")
}

// checkoutPage is /checkout/:id with the Klarna widget.
type checkoutPage struct{ basePage }

func (b basePage) onCheckout() checkoutPage {
	b.t.Helper()
	c := checkoutPage{b}
	c.check(expect().Page(c.page).ToHaveURL(regexp.MustCompile(`/checkout/[A-Z0-9]+$`)), "on the checkout page")
	c.check(expect().Locator(c.testID("order-summary")).ToBeVisible(), "order summary")
	// The widget is loaded when the buy button is enabled.
	c.check(expect().Locator(c.testID("buy-button")).ToBeEnabled(), "buy button enabled once Klarna has loaded")
	return c
}

// ExpectCategories checks which payment categories the page offers.
func (c checkoutPage) ExpectCategories(ids ...string) {
	c.t.Helper()
	c.check(expect().Locator(c.page.Locator(`input[name="payment_method_category"]`)).ToHaveCount(len(ids)), "number of categories")
	for _, id := range ids {
		c.check(expect().Locator(c.testID("category-"+id)).ToBeVisible(), "category %s", id)
	}
}

// Buy presses the buy button, which opens Klarna's authorize dialog.
func (c checkoutPage) Buy() klarnaDialog {
	c.t.Helper()
	c.check(c.testID("buy-button").Click(), "click buy")
	c.check(expect().Locator(c.testID("klarna-dialog")).ToBeVisible(), "Klarna dialog open")
	return klarnaDialog{basePage: c.basePage, frame: c.page.FrameLocator(`iframe[data-testid="klarna-dialog-frame"]`)}
}

// ExpectMessage checks the message the page shows after Klarna answered.
func (c checkoutPage) ExpectMessage(re string) {
	c.t.Helper()
	c.check(expect().Locator(c.testID("checkout-message")).ToHaveText(regexp.MustCompile(re)), "checkout message %q", re)
}

// klarnaDialog is the sandbox's authorize dialog, an iframe on the sandbox origin.
type klarnaDialog struct {
	basePage
	frame playwright.FrameLocator
}

// Approve signs in to Klarna with email and a one-time code.
func (k klarnaDialog) Approve(email, otp string) {
	k.t.Helper()
	k.check(k.frame.GetByTestId("klarna-email").Fill(email), "fill Klarna email")
	k.check(k.frame.GetByTestId("klarna-continue").Click(), "continue in Klarna")
	k.check(k.frame.GetByTestId("klarna-otp").Fill(otp), "fill one-time code")
	k.check(k.frame.GetByTestId("klarna-confirm").Click(), "confirm in Klarna")
}

// ExpectClosed waits for the dialog to go away.
func (k klarnaDialog) ExpectClosed() {
	k.t.Helper()
	k.check(expect().Locator(k.testID("klarna-dialog")).ToHaveCount(0), "Klarna dialog closed")
}

// confirmationPage is /checkout/:id/confirmation.
type confirmationPage struct{ basePage }

func (b basePage) onConfirmation() confirmationPage {
	b.t.Helper()
	c := confirmationPage{b}
	c.check(expect().Page(c.page).ToHaveURL(regexp.MustCompile(`/checkout/[A-Z0-9]+/confirmation$`)), "on the confirmation page")
	c.check(expect().Locator(c.testID("confirmation")).ToBeVisible(), "confirmation")
	return c
}

// ExpectOrder checks what was bought and that an order number is shown.
func (c confirmationPage) ExpectOrder(offerTitle string) {
	c.t.Helper()
	c.check(expect().Locator(c.testID("confirmation-offer")).ToHaveText(offerTitle), "bought offer")
	c.check(expect().Locator(c.testID("confirmation-order-id")).ToHaveText(regexp.MustCompile(`^SANDBOX-\d+$`)), "order number")
}

// ContinueReading follows the link back to the article.
func (c confirmationPage) ContinueReading(slug string) articlePage {
	c.t.Helper()
	c.check(c.testID("continue-reading").Click(), "continue reading")
	a := articlePage{basePage: c.basePage, slug: slug}
	a.check(expect().Page(a.page).ToHaveURL(regexp.MustCompile(`/articles/`+regexp.QuoteMeta(slug)+`$`)), "back on the article")
	return a
}

// statusPage is a purchase that failed, expired or is being processed.
type statusPage struct{ basePage }

func (b basePage) onStatus(state string) statusPage {
	b.t.Helper()
	s := statusPage{b}
	s.check(expect().Locator(s.testID("purchase-"+state)).ToBeVisible(), "purchase %s page", state)
	return s
}

// ExpectMessage checks the explanation.
func (s statusPage) ExpectMessage(re string) {
	s.t.Helper()
	s.check(expect().Locator(s.testID("purchase-message")).ToHaveText(regexp.MustCompile(re)), "status message %q", re)
}

// openArticle opens an article directly.
func openArticle(t *testing.T, page playwright.Page, app *testApp, slug string) articlePage {
	t.Helper()
	a := articlePage{basePage: basePage{t: t, page: page, baseURL: app.AppURL}, slug: slug}
	a.goTo("/articles/" + slug)
	return a
}
