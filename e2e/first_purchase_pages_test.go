package e2e

import (
	"regexp"
	"strings"
	"testing"
)

// Page objects for the app's own one-click token (issue 12): the first purchase's page (the add-on, the
// "Save Klarna for one-click purchases" checkbox and Klarna's widget), and the account page's saved method
// with its Remove button.

// firstPurchasePage is /account/purchases/:id while a first purchase waits for payment.
type firstPurchasePage struct{ basePage }

func (b basePage) onFirstPurchase() firstPurchasePage {
	b.t.Helper()
	f := firstPurchasePage{b}
	f.check(expect().Page(f.page).ToHaveURL(regexp.MustCompile(`/account/purchases/[^/]+$`)), "on the first purchase's page")
	f.check(expect().Locator(f.testID("first-purchase-summary")).ToBeVisible(), "what is bought")
	// Klarna's widget is loaded when the buy button is enabled.
	f.check(expect().Locator(f.testID("buy-button")).ToBeEnabled(), "buy button enabled once Klarna has loaded")
	return f
}

// ExpectOffer checks what is bought and for how much.
func (f firstPurchasePage) ExpectOffer(title, price string) {
	f.t.Helper()
	f.check(expect().Locator(f.testID("first-purchase-offer")).ToHaveText(title), "offer")
	f.check(expect().Locator(f.testID("first-purchase-price")).ToContainText(price), "price")
}

// ExpectSaveKlarna checks the consent checkbox's state.
func (f firstPurchasePage) ExpectSaveKlarna(ticked bool) {
	f.t.Helper()
	box := expect().Locator(f.testID("save-klarna"))
	if ticked {
		f.check(box.ToBeChecked(), "Save Klarna ticked")
	} else {
		f.check(box.Not().ToBeChecked(), "Save Klarna not ticked")
	}
}

// SaveKlarna ticks "Save Klarna for one-click purchases" and waits until the server has the choice (the
// payment session's intent follows it before the reader pays).
func (f firstPurchasePage) SaveKlarna() {
	f.t.Helper()
	f.check(f.testID("save-klarna").Check(), "tick Save Klarna")
	f.check(expect().Locator(f.testID("consent-message")).ToHaveText(regexp.MustCompile(`^Klarna will be saved`)), "the choice is saved")
	f.check(expect().Locator(f.testID("save-klarna")).ToBeEnabled(), "the checkbox is free again")
}

// Buy presses the buy button, which opens Klarna's authorize dialog.
func (f firstPurchasePage) Buy() klarnaDialog {
	f.t.Helper()
	return checkoutPage(f).Buy()
}

// ExpectNoSavedMethod checks the account has no saved Klarna method and the add-ons are paid with Klarna
// (on the next page) rather than in one click.
func (a accountPage) ExpectNoSavedMethod() {
	a.t.Helper()
	a.check(expect().Locator(a.testID("no-saved-method")).ToBeVisible(), "no saved method")
	a.check(expect().Locator(a.testID("remove-saved-method")).ToHaveCount(0), "nothing to remove")
}

// ExpectPayWithKlarna checks the add-ons are offered and paid with Klarna on their own page.
func (a accountPage) ExpectPayWithKlarna(ids ...string) {
	a.t.Helper()
	a.check(expect().Locator(a.testID("offers-pay-with-klarna")).ToBeVisible(), "add-ons paid with Klarna")
	for _, id := range ids {
		a.check(expect().Locator(a.testID("buy-oneclick-"+id)).ToHaveText(regexp.MustCompile(`^Pay .* with Klarna`)), "add-on %s paid with Klarna", id)
	}
}

// RemoveMethod presses Remove on the saved method; the account page says it is removed.
func (a accountPage) RemoveMethod() accountPage {
	a.t.Helper()
	a.check(a.testID("remove-saved-method").Click(), "remove the saved method")
	after := accountPage{a.basePage}
	after.check(expect().Page(after.page).ToHaveURL(regexp.MustCompile(`/account\?saved-method=removed$`)), "back on the account page")
	after.check(expect().Locator(after.testID("account-notice")).ToContainText("removed"), "the page says it is removed")
	after.ExpectNoSavedMethod()
	return after
}

// ExpectKlarnaSaved checks the first purchase's confirmation says Klarna is saved for one-click purchases.
func (c oneClickConfirmationPage) ExpectKlarnaSaved() {
	c.t.Helper()
	c.check(expect().Locator(c.testID("oneclick-token-saved")).ToHaveAttribute("data-saved", "true"), "Klarna saved")
}

// expectAppOwnsChargedToken checks the one-click purchase charged the app's own saved token (not one
// Payway keeps), and that the store holds it sealed, never in the clear.
func (a *testApp) expectAppOwnsChargedToken(t *testing.T, id string) {
	t.Helper()
	p, err := a.DB.OneClickPurchase(t.Context(), id)
	if err != nil || p.TokenID == "" {
		t.Fatalf("one-click purchase %s: %+v, %v", id, p, err)
	}
	saved, err := a.DB.SavedToken(t.Context(), p.AccountID)
	if err != nil || saved.TokenID != p.TokenID {
		t.Fatalf("the charged token is not the app's saved one (%v)", err)
	}
	var stored string
	if err := a.DB.Reader().QueryRowContext(t.Context(), `SELECT sealed_token FROM customer_tokens WHERE account_id = ?`, p.AccountID).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(stored, saved.TokenID) {
		t.Error("the saved token is stored in the clear")
	}
}
