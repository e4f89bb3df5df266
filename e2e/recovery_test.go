package e2e

import (
	"testing"
)

// One-click purchases with the saved Klarna token and the step-up recovery (issue 5), as a subscriber goes
// through them: the account page, one click, and when Klarna wants the customer to confirm, the recovery
// page with Klarna's dialog (SDK) or Klarna's hosted payment page (on the sandbox's site), back to the
// confirmation; the account page then shows the payment method Klarna saved on the token.

const (
	tokenEmail     = "token@example.se"  // saved card token that charges fine
	stepUpEmail    = "stepup@example.se" // token rejected with a step-up trigger
	archiveOffer   = "epaper-archive"
	archiveTitle   = "E-paper archive"
	archivePrice   = "SEK 29"
	upgradeOffer   = "digital-plus"
	savedCardType  = `^Klarna: Card$`
	recoveredType  = `^Klarna: Invoice$` // the sandbox's dialog and hosted page authorize Klarna's invoice
	paidWithSaved  = `^Your saved Klarna payment method$`
	paidWithDialog = `^Klarna, confirmed by you on this site$`
	paidOnKlarna   = `^Klarna, confirmed by you on Klarna's page$`
)

// openStepUpRecovery logs the step-up persona in, checks the saved card on the account page and buys the
// archive in one click, which Klarna rejects with a step-up trigger: the recovery page opens.
func openStepUpRecovery(t *testing.T, app *testApp) (recoveryPage, string) {
	t.Helper()
	page := newPage(t)
	account := loginAs(t, page, app, stepUpEmail).GoToAccount()
	account.ExpectMethod(savedCardType, "Active")
	account.Buy(archiveOffer)
	recovery := account.onRecovery()
	recovery.ExpectExplanation(archiveTitle)
	// The token Klarna wants a step-up for is the app's own (sandbox mode adopted the persona's at login).
	app.expectAppOwnsChargedToken(t, recovery.oneClickID())
	return recovery, recovery.oneClickID()
}

// TestOneClickPurchaseSucceeds: a subscriber with a saved card buys an add-on in one click and gets the
// confirmation, with one token charge.
func TestTokenPurchaseSucceeds(t *testing.T) {
	t.Parallel()
	app := startApp(t)
	page := newPage(t)
	account := loginAs(t, page, app, tokenEmail).GoToAccount()
	account.ExpectMethod(savedCardType, "Active")
	account.ExpectOffers(archiveOffer, upgradeOffer)
	expectAccessible(t, page, "account")

	account.Buy(archiveOffer)
	confirmation := account.onOneClickConfirmation()
	confirmation.ExpectOrder(archiveTitle, archivePrice)
	confirmation.ExpectPaidWith(paidWithSaved)
	expectAccessible(t, page, "one-click confirmation")
	app.expectKlarnaOrders(t, confirmation.oneClickID(), 1, 0)

	confirmation.BackToAccount().ExpectMethod(savedCardType, "Active")
}

// TestStepUpRecoveryThroughSDKApproved: Klarna rejects the token with a step-up trigger; the recovery page
// says so, Klarna's dialog opens on the click, the customer approves, and the order is made. The account
// page then shows the method Klarna saved on the token.
func TestStepUpRecoveryThroughSDKApproved(t *testing.T) {
	t.Parallel()
	app := startApp(t)
	recovery, id := openStepUpRecovery(t, app)
	expectAccessible(t, recovery.page, "recovery")

	recovery.PayHere().Approve(approvedEmail, anyCode)
	confirmation := recovery.onOneClickConfirmation()
	confirmation.ExpectOrder(archiveTitle, archivePrice)
	confirmation.ExpectPaidWith(paidWithDialog)
	confirmation.ExpectMethodUpdated()
	expectAccessible(t, recovery.page, "recovered confirmation")
	app.expectKlarnaOrders(t, id, 1, 1)

	account := confirmation.BackToAccount()
	account.ExpectMethod(recoveredType, "Active")
	account.ExpectOffers(upgradeOffer)
	account.ExpectOwned(archiveOffer) // one payment, yours to keep: not sold twice
}

// TestSDKRecoveryDeniedThenApproved: Klarna denies in the dialog; the customer stays on the recovery page,
// is told nothing was charged and tries again with other details.
func TestSDKRecoveryDeniedThenApproved(t *testing.T) {
	t.Parallel()
	app := startApp(t)
	recovery, id := openStepUpRecovery(t, app)

	dialog := recovery.PayHere()
	dialog.Approve(deniedEmail, anyCode)
	dialog.ExpectClosed()
	recovery.ExpectMessage(`^Klarna could not approve this payment, and nothing was charged\.`)
	recovery.ExpectReadyAgain(id)
	expectAccessible(t, recovery.page, "recovery after a denial")
	app.expectKlarnaOrders(t, id, 1, 0)

	recovery.PayHere().Approve(approvedEmail, anyCode)
	confirmation := recovery.onOneClickConfirmation()
	confirmation.ExpectOrder(archiveTitle, archivePrice)
	app.expectKlarnaOrders(t, id, 1, 1)
}

// TestStepUpRecoveryThroughHostedPage: the customer pays on Klarna's hosted page and comes back to the
// confirmation, whoever creates the order: we from Klarna's approval (NONE) or Klarna's page itself
// (PLACE_ORDER). The token then carries the new method.
func TestStepUpRecoveryThroughHostedPage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		mode       string
		authOrders int // orders we create from the authorization
	}{
		{"NONE", 1},
		{"PLACE_ORDER", 0},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			t.Parallel()
			app := startApp(t)
			recovery, id := openStepUpRecovery(t, app)
			recovery.GoToKlarnaPage(tt.mode).Pay(approvedEmail, anyCode)

			confirmation := recovery.onOneClickConfirmation()
			confirmation.ExpectOrder(archiveTitle, archivePrice)
			confirmation.ExpectPaidWith(paidOnKlarna)
			confirmation.ExpectMethodUpdated()
			app.expectKlarnaOrders(t, id, 1, tt.authOrders)

			// Coming back through Klarna's return address again (a reload, a second tab) makes no second order.
			recovery.goTo("/recovery/" + id + "/return?outcome=success")
			recovery.onOneClickConfirmation()
			app.expectKlarnaOrders(t, id, 1, tt.authOrders)

			confirmation.BackToAccount().ExpectMethod(recoveredType, "Active")
		})
	}
}

// TestHostedPageCancelledBackToChoices: cancelling (or going back) on Klarna's page brings the customer
// back to the recovery page, which says what happened and offers both ways again; another method then
// works.
func TestHostedPageCancelledBackToChoices(t *testing.T) {
	t.Parallel()
	tests := []struct {
		action string
		notice string
	}{
		{"cancel", `^You cancelled the payment on Klarna's page, and nothing was charged\.`},
		{"back", `^You came back from Klarna's page before paying, and nothing was charged\.`},
		{"decline", `^Klarna did not approve the payment, and nothing was charged\.`},
	}
	for _, tt := range tests {
		t.Run(tt.action, func(t *testing.T) {
			t.Parallel()
			app := startApp(t)
			recovery, id := openStepUpRecovery(t, app)
			recovery.GoToKlarnaPage("NONE").Press(tt.action)

			again := recovery.onRecovery()
			again.ExpectNotice(tt.notice)
			if got := again.oneClickID(); got != id {
				t.Fatalf("back on recovery %s, want %s", got, id)
			}
			expectAccessible(t, again.page, "recovery after "+tt.action)
			app.expectKlarnaOrders(t, id, 1, 0)

			again.PayHere().Approve(approvedEmail, anyCode)
			confirmation := again.onOneClickConfirmation()
			confirmation.ExpectOrder(archiveTitle, archivePrice)
			confirmation.ExpectPaidWith(paidWithDialog)
			app.expectKlarnaOrders(t, id, 1, 1)
		})
	}
}

// TestTokenRejectionWithoutTrigger: Klarna rejects the token without a step-up trigger. Each case has its
// own page saying what happened and what to do; a cancelled, suspended or unknown token is already
// explained on the account page, which offers to pay with Klarna anew instead of one-click purchases.
func TestTokenRejectionWithoutTrigger(t *testing.T) {
	t.Parallel()
	tests := []struct {
		email   string
		code    string
		heading string
		status  string // saved method status on the account page
		note    string // "" when one-click purchases are offered
		retry   bool
	}{
		{"token-failed@example.se", "PAYMENT_METHOD_FAILED", `^Klarna could not charge your saved payment method$`, "Active", "", true},
		{"token-cancelled@example.se", "TOKEN_CANCELLED", `^Your saved payment method has been cancelled$`, "Cancelled", `Klarna has cancelled this payment method`, false},
		{"token-suspended@example.se", "TOKEN_SUSPENDED", `^Klarna has paused your saved payment method$`, "Suspended", `Klarna has suspended this payment method`, false},
		{"token-missing@example.se", "TOKEN_NOT_FOUND", `^Klarna does not know your saved payment method$`, "Not known to Klarna", `Klarna does not know this payment method`, false},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			t.Parallel()
			app := startApp(t)
			page := newPage(t)
			account := loginAs(t, page, app, tt.email).GoToAccount()
			if tt.note == "" {
				account.ExpectMethod(savedCardType, tt.status)
				account.Buy(archiveOffer)
			} else {
				account.check(expect().Locator(account.testID("saved-method-status")).ToHaveText(tt.status), "saved method status")
				account.ExpectNoOneClick(tt.note)
				expectAccessible(t, page, "account with an unusable method")
				account.ForceBuy(archiveOffer)
			}
			failed := account.onOneClickStatus("failed", tt.code)
			failed.ExpectHeading(tt.heading)
			failed.ExpectMessage(`nothing was charged`)
			failed.ExpectRetry(tt.retry)
			failed.ExpectPayWithKlarnaInstead()
			expectAccessible(t, page, "rejected without trigger")
			app.expectKlarnaOrders(t, failed.oneClickID(), 1, 0)
		})
	}
}
