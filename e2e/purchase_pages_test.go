package e2e

import (
	"fmt"
	"regexp"
	"testing"

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
	k := klarnaDialog{basePage: c.basePage, frame: c.page.FrameLocator(`iframe[data-testid="klarna-dialog-frame"]`)}
	k.check(expect().Locator(k.frame.GetByTestId("klarna-email")).ToBeVisible(), "Klarna dialog asks for the email")
	return k
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

// ExpectCodeHeading checks the code step's heading, in the language of Klarna's session: Swedish for
// Payway's sessions, the reader's for the app's own.
func (k klarnaDialog) ExpectCodeHeading(heading string) {
	k.t.Helper()
	k.check(expect().Locator(k.frame.GetByRole("heading", playwright.FrameLocatorGetByRoleOptions{Level: playwright.Int(1)})).
		ToHaveText(heading), "Klarna's code step says %q", heading)
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

// ExpectOrder checks what was bought and that our short order number is shown, with Payway's for
// customer service.
func (c confirmationPage) ExpectOrder(offerTitle string) {
	c.t.Helper()
	c.check(expect().Locator(c.testID("confirmation-offer")).ToHaveText(offerTitle), "bought offer")
	c.check(expect().Locator(c.testID("confirmation-reference")).ToHaveText(referencePattern), "our order number")
	c.check(expect().Locator(c.testID("confirmation-order-id")).ToHaveText(regexp.MustCompile(`^SANDBOX-\d+$`)), "Payway's order number")
}

// referencePattern is the short order reference readers see (checkout.Reference): "NT-7K3M-Q9XA".
var referencePattern = regexp.MustCompile(`^NT-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$`)

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

// --- Offers -----------------------------------------------------------------------------------------

// ExpectOffer checks an offer's card: its title and the price line a reader reads before choosing.
func (s subscribePage) ExpectOffer(offerID, title, priceRe string) {
	s.t.Helper()
	card := s.testID("offer-" + offerID)
	s.check(expect().Locator(card.GetByRole("heading")).ToHaveText(title), "offer %s title", offerID)
	s.check(expect().Locator(card.Locator(".price")).ToHaveText(regexp.MustCompile(priceRe)), "offer %s price", offerID)
}

// ExpectTurnsInto checks the line telling what a campaign or trial becomes afterwards.
func (s subscribePage) ExpectTurnsInto(offerID, re string) {
	s.t.Helper()
	line := s.testID("offer-" + offerID).Locator(".turns-into")
	s.check(expect().Locator(line).ToHaveText(regexp.MustCompile(re)), "offer %s turns into", offerID)
}

// ExpectNotHighlighted checks an offer the reader did not choose is not marked.
func (s subscribePage) ExpectNotHighlighted(offerID string) {
	s.t.Helper()
	s.check(expect().Locator(s.testID("offer-"+offerID)).Not().ToHaveClass(regexp.MustCompile(`highlighted`)), "offer %s not highlighted", offerID)
	s.check(expect().Locator(s.testID("choose-"+offerID)).Not().ToHaveText("Continue to payment"), "offer %s not 'continue'", offerID)
}

// ChooseLoggedIn presses an offer's button as a logged-in reader, which opens its checkout.
func (s subscribePage) ChooseLoggedIn(offerID string) checkoutPage {
	s.t.Helper()
	s.Choose(offerID)
	return s.onCheckout()
}

// ChooseLoggedOut presses an offer's button as a reader who is not logged in, which asks them to log in.
func (s subscribePage) ChooseLoggedOut(offerID string) loginPage {
	s.t.Helper()
	s.Choose(offerID)
	l := loginPage{s.basePage}
	l.expectLoaded()
	return l
}

// --- Checkout -----------------------------------------------------------------------------------------

var checkoutIDPattern = regexp.MustCompile(`/checkout/([A-Z0-9]+)(?:/|$)`)

// purchaseID is the purchase id in the page's URL (/checkout/:id...), failing the test when there is none.
func (b basePage) purchaseID() string {
	b.t.Helper()
	m := checkoutIDPattern.FindStringSubmatch(b.page.URL())
	if m == nil {
		b.t.Fatalf("no purchase id in %s", b.page.URL())
	}
	return m[1]
}

// ExpectSummary checks the order summary names the offer and its price line.
func (c checkoutPage) ExpectSummary(offerTitle, priceRe string) {
	c.t.Helper()
	summary := c.testID("order-summary")
	c.check(expect().Locator(summary).ToContainText(offerTitle), "summary names %q", offerTitle)
	c.check(expect().Locator(summary).ToContainText(regexp.MustCompile(priceRe)), "summary price %q", priceRe)
}

// ExpectBuyLabel checks the buy button's words.
func (c checkoutPage) ExpectBuyLabel(label string) {
	c.t.Helper()
	c.check(expect().Locator(c.testID("buy-button")).ToHaveText(label), "buy button label")
}

// ExpectWidget checks Klarna's widget iframe shows the chosen payment category.
func (c checkoutPage) ExpectWidget(categoryName string) {
	c.t.Helper()
	widget := c.page.FrameLocator(`iframe[data-testid="klarna-widget-frame"]`)
	c.check(expect().Locator(widget.GetByTestId("klarna-widget-category")).ToHaveText(categoryName), "Klarna widget shows %q", categoryName)
}

// ExpectOnFirstScreen checks the elements (by test id) are whole within the first screen, unscrolled: on a
// phone, Klarna's widget and the buy button must not start below it.
func (c checkoutPage) ExpectOnFirstScreen(testIDs ...string) {
	c.t.Helper()
	size := c.page.ViewportSize()
	if size == nil {
		c.t.Fatal("no viewport size")
	}
	scrolled, err := c.page.Evaluate(`() => window.scrollY`)
	c.check(err, "read the scroll position")
	if fmt.Sprint(scrolled) != "0" {
		c.t.Fatalf("the page is scrolled by %v px", scrolled)
	}
	for _, id := range testIDs {
		box, err := c.testID(id).BoundingBox()
		c.check(err, "where %s is", id)
		if box == nil || box.Y < 0 || box.Y+box.Height > float64(size.Height) {
			c.t.Errorf("%s is at %+v, not within the first %d×%d screen", id, box, size.Width, size.Height)
		}
	}
}

// ExpectSummaryFolded checks the order summary shows its one line, and that it opens on demand to show the
// details (who is buying).
func (c checkoutPage) ExpectSummaryFolded(offerTitle string) {
	c.t.Helper()
	line := c.testID("summary-compact")
	c.check(expect().Locator(line).ToContainText(offerTitle), "the summary's line names %q", offerTitle)
	buyer := c.testID("order-summary").GetByText(regexp.MustCompile(`^Buying as `))
	c.check(expect().Locator(buyer).Not().ToBeVisible(), "the details are folded")
	c.check(line.Click(), "open the summary")
	c.check(expect().Locator(buyer).ToBeVisible(), "the details open on demand")
}

// ExpectBackLink checks the link back to the article the reader came from.
func (c checkoutPage) ExpectBackLink(path string) {
	c.t.Helper()
	c.check(expect().Locator(c.page.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Back to the article"})).
		ToHaveAttribute("href", path), "back link to %s", path)
}

// DoubleClickBuy double-clicks the buy button, as an impatient reader does: one Klarna dialog opens.
func (c checkoutPage) DoubleClickBuy() klarnaDialog {
	c.t.Helper()
	c.check(c.testID("buy-button").Dblclick(), "double-click buy")
	c.check(expect().Locator(c.testID("klarna-dialog")).ToHaveCount(1), "exactly one Klarna dialog")
	c.check(expect().Locator(c.testID("klarna-dialog")).ToBeVisible(), "Klarna dialog open")
	k := klarnaDialog{basePage: c.basePage, frame: c.page.FrameLocator(`iframe[data-testid="klarna-dialog-frame"]`)}
	k.check(expect().Locator(k.frame.GetByTestId("klarna-email")).ToBeVisible(), "Klarna dialog asks for the email")
	return k
}

// ExpectReadyToBuyAgain checks the buy button is usable again after Klarna said no.
func (c checkoutPage) ExpectReadyToBuyAgain() {
	c.t.Helper()
	c.check(expect().Locator(c.testID("buy-button")).ToBeEnabled(), "buy button enabled again")
	c.check(expect().Page(c.page).ToHaveURL(regexp.MustCompile(`/checkout/[A-Z0-9]+$`)), "still on the checkout page")
}

// --- Klarna's dialog ------------------------------------------------------------------------------------

// EnterEmail fills in the dialog's first step.
func (k klarnaDialog) EnterEmail(email string) {
	k.t.Helper()
	k.check(k.frame.GetByTestId("klarna-email").Fill(email), "fill Klarna email")
	k.check(k.frame.GetByTestId("klarna-continue").Click(), "continue in Klarna")
	k.check(expect().Locator(k.frame.GetByTestId("klarna-otp")).ToBeVisible(), "one-time code step")
}

// EnterCode fills in and confirms the one-time code.
func (k klarnaDialog) EnterCode(otp string) {
	k.t.Helper()
	k.check(k.frame.GetByTestId("klarna-otp").Fill(otp), "fill one-time code")
	k.check(k.frame.GetByTestId("klarna-confirm").Click(), "confirm in Klarna")
}

// --- Confirmation ---------------------------------------------------------------------------------------

// OrderID is the order number the page shows.
func (c confirmationPage) OrderID() string {
	c.t.Helper()
	id, err := c.testID("confirmation-order-id").TextContent()
	c.check(err, "read order number")
	return id
}

// ExpectPrice checks the price line (for a trial: the free period and what it becomes).
func (c confirmationPage) ExpectPrice(re string) {
	c.t.Helper()
	price := c.page.Locator(`[data-testid="confirmation"] dt:text-is("Price") + dd`)
	c.check(expect().Locator(price).ToHaveText(regexp.MustCompile(re)), "price line %q", re)
}

// ExpectPaidWith checks how the order was paid.
func (c confirmationPage) ExpectPaidWith(re string) {
	c.t.Helper()
	paid := c.page.Locator(`[data-testid="confirmation"] dt:text-is("Paid with") + dd`)
	c.check(expect().Locator(paid).ToHaveText(regexp.MustCompile(re)), "paid with %q", re)
}

// ExpectAccountName checks the account details synced from Klarna name the customer.
func (c confirmationPage) ExpectAccountName(name string) {
	c.t.Helper()
	c.check(expect().Locator(c.testID("account-details")).ToContainText(name), "account details name %q", name)
}

// --- Status pages (failed, expired) ---------------------------------------------------------------------

// ExpectHeading checks the page's heading.
func (s statusPage) ExpectHeading(re string) {
	s.t.Helper()
	s.check(expect().Locator(s.page.GetByRole("heading", playwright.PageGetByRoleOptions{Level: playwright.Int(1)})).
		ToHaveText(regexp.MustCompile(re)), "status heading %q", re)
}

// ExpectRetry checks the one-click way forward is offered with these words.
func (s statusPage) ExpectRetry(label string) {
	s.t.Helper()
	s.check(expect().Locator(s.testID("retry-purchase")).ToHaveText(label), "retry button %q", label)
}

// ExpectNoRetry checks no retry is offered (the reader has to sort something out first).
func (s statusPage) ExpectNoRetry() {
	s.t.Helper()
	s.check(expect().Locator(s.testID("retry-purchase")).ToHaveCount(0), "no retry button")
}

// ExpectBackToArticle checks the page links back to the article the reader came from.
func (s statusPage) ExpectBackToArticle(path string) {
	s.t.Helper()
	s.check(expect().Locator(s.page.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Back to the article"})).
		ToHaveAttribute("href", path), "back link to %s", path)
}

// Retry presses the one-click way forward, which opens a fresh checkout.
func (s statusPage) Retry() checkoutPage {
	s.t.Helper()
	s.check(s.testID("retry-purchase").Click(), "click retry")
	return s.onCheckout()
}

// --- Error pages ----------------------------------------------------------------------------------------

// openNotFound opens a path of the app and checks it answers with the 404 page, leaking nothing.
func (b basePage) openNotFound(path string) {
	b.t.Helper()
	resp, err := b.page.Goto(b.baseURL + path)
	b.check(err, "open %s", path)
	if resp == nil || resp.Status() != 404 {
		status := 0
		if resp != nil {
			status = resp.Status()
		}
		b.t.Fatalf("open %s: HTTP %d, want 404", path, status)
	}
	b.check(expect().Locator(b.testID("error-page")).ToBeVisible(), "error page for %s", path)
	b.check(expect().Locator(b.page.GetByRole("heading", playwright.PageGetByRoleOptions{Level: playwright.Int(1)})).
		ToHaveText("We could not find that page"), "not-found heading for %s", path)
}
