package e2e

import "testing"

// TestRegularPurchaseUnlocksArticle is the product's main job: from a premium article, through the offers,
// login, the Klarna widget and dialog, Klarna's device recognition and the confirmation, back to the
// article, now unlocked.
func TestRegularPurchaseUnlocksArticle(t *testing.T) {
	app := startApp(t)
	art := app.premiumArticle(t)
	page := newPage(t)

	article := openArticle(t, page, app, art.Slug)
	article.PaywallVisible(art)
	offers := article.ChooseSubscription()
	offers.Choose("monthly")

	login := loginPage{offers.basePage}
	login.expectLoaded()
	login.Login(readerEmail, demoPassword)
	offers.ExpectHighlighted("monthly")
	offers.Choose("monthly")

	checkout := offers.onCheckout()
	checkout.ExpectCategories("klarna", "pay_later", "pay_now", "direct_debit")
	dialog := checkout.Buy()
	dialog.Approve("customer@email.se", "123456")

	confirmation := checkout.onConfirmation()
	confirmation.ExpectOrder("Digital – monthly")
	confirmation.ContinueReading(art.Slug).ExpectWholeArticle(art)
}
