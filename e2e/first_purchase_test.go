package e2e

import "testing"

// The app's own one-click token (issue 12), as a subscriber without one goes through it: an add-on paid
// with Klarna on our page with "Save Klarna for one-click purchases" ticked, then the next add-on in one
// click on the token the app saved, then removing it from the account page.

const (
	upgradeTitle     = "Digital+ upgrade"
	upgradePrice     = "SEK 49"
	firstPaidWith    = `^Pay with Klarna$` // the category as Klarna's session named it
	savedFromInvoice = `^Klarna: Invoice$` // the sandbox's widget category "klarna" authorizes Klarna's invoice
)

func TestFirstOneClickPurchaseSavesKlarnaThenOneClick(t *testing.T) {
	t.Parallel()
	app := startApp(t)
	page := newPage(t)
	account := loginAs(t, page, app, "subscriber@example.se").GoToAccount()
	account.ExpectNoSavedMethod()
	account.ExpectPayWithKlarna(archiveOffer, upgradeOffer)

	account.Buy(archiveOffer)
	first := account.onFirstPurchase()
	first.ExpectOffer(archiveTitle, archivePrice)
	first.ExpectSaveKlarna(false) // nothing is saved unless the reader asks
	expectAccessible(t, page, "first purchase")
	first.SaveKlarna()
	dialog := first.Buy()
	dialog.EnterEmail(approvedEmail)
	dialog.ExpectCodeHeading("Enter the code we sent") // the app's own session, in the (English) reader's locale
	dialog.EnterCode(anyCode)

	confirmation := first.onOneClickConfirmation()
	id := confirmation.oneClickID()
	confirmation.ExpectOrder(archiveTitle, archivePrice)
	confirmation.ExpectPaidWith(firstPaidWith)
	confirmation.ExpectKlarnaSaved()
	expectAccessible(t, page, "first purchase confirmation")
	app.expectKlarnaOrders(t, id, 0, 1)

	account = confirmation.BackToAccount()
	account.ExpectMethod(savedFromInvoice, "Active")
	account.ExpectOffers(upgradeOffer)
	account.ExpectOwned(archiveOffer)
	account.Buy(upgradeOffer) // one click now
	next := account.onOneClickConfirmation()
	next.ExpectOrder(upgradeTitle, upgradePrice)
	next.ExpectPaidWith(paidWithSaved)
	app.expectKlarnaOrders(t, next.oneClickID(), 1, 0)
	app.expectAppOwnsChargedToken(t, next.oneClickID())

	next.BackToAccount().RemoveMethod().ExpectPayWithKlarna(upgradeOffer)
}
