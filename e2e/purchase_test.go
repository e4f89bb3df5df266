package e2e

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/playwright-community/playwright-go"

	"github.com/paywall/paywall/checkout"
)

// The subscription purchase journey (issue 4), as a reader goes through it: from a premium article, through
// the offers, login, Klarna's widget and dialog (iframes on the sandbox's site), Klarna's device
// recognition and the confirmation, back to the article. The failures each end on their own page with a way
// forward. Sandbox Klarna emails: customer@email.se is approved, customer+denied@email.se is denied.

const (
	approvedEmail = "customer@email.se"
	deniedEmail   = "customer+denied@email.se"
	anyCode       = "123456"
	readerName    = "Rita Reader" // the sandbox's Klarna knows the persona: Payway syncs the account from it

	debtEmail     = "debt@example.se"      // place_order 403 payment method failed
	ssnTakenEmail = "ssn-taken@example.se" // place_order 409 ssn_already_taken (the harness raises on it)

	placeOrderRoute = "POST /external/api/v1/klarna_payments/place_order" // as the sandbox's fault targets name it

	monthlyTitle = "Digital – monthly"
	monthlyPrice = "139 kr"
	// monthlyPer is the monthly price on the checkout and confirmation pages, in the reader's language
	// (the browser tests read English: "SEK 139/month"; Swedish reads "139 kr/mån").
	monthlyPer = "SEK 139/month"
)

// TestRegularPurchaseUnlocksArticle is the product's main job: from a premium article, through the offers,
// login, the Klarna widget and dialog, Klarna's device recognition and the confirmation, back to the
// article, now unlocked. Every step is saved as a screenshot in e2e/artifacts/happy-path/ for review, and
// every page is checked with axe-core.
func TestRegularPurchaseUnlocksArticle(t *testing.T) {
	t.Parallel()
	app := startApp(t)
	art := app.premiumArticle(t)
	page := newPage(t)
	shot := newScreenshots(t, page, "happy-path")

	article := openArticle(t, page, app, art.Slug)
	article.PaywallVisible(art)
	shot("article-paywall")
	expectAccessible(t, page, "article with paywall")

	offers := article.ChooseSubscription()
	offers.ExpectOffer("monthly", monthlyTitle, `^SEK 139/month$`)
	shot("offers")
	expectAccessible(t, page, "offers")

	login := offers.ChooseLoggedOut("monthly")
	shot("login")
	expectAccessible(t, page, "login")
	login.Login(readerEmail, demoPassword)
	checkout := login.onCheckout() // straight from the login to the chosen offer's checkout: no second click
	checkout.ExpectSummary(monthlyTitle, monthlyPer)
	checkout.ExpectCategories("klarna")        // Klarna's current guide: one category
	checkout.ExpectWidget("Betala med Klarna") // Payway opens Swedish Klarna sessions (no locale field)
	shot("checkout")
	expectAccessible(t, page, "checkout")

	dialog := checkout.Buy()
	shot("klarna-email")
	dialog.EnterEmail(approvedEmail)
	dialog.ExpectCodeHeading("Ange koden vi skickade") // Klarna speaks the session's Swedish, not the reader's English
	shot("klarna-code")
	dialog.EnterCode(anyCode)

	confirmation := checkout.onConfirmation()
	id := confirmation.purchaseID()
	confirmation.ExpectOrder(monthlyTitle)
	confirmation.ExpectPrice(`^` + monthlyPer + `$`)
	confirmation.ExpectPaidWith(`^Betala med Klarna$`) // the category as Klarna's (Swedish) session named it
	confirmation.ExpectAccountName(readerName)         // the account details as synced from Klarna
	shot("confirmation")
	expectAccessible(t, page, "confirmation")

	article = confirmation.ContinueReading(art.Slug)
	article.ExpectWholeArticle(art)
	shot("article-unlocked")
	expectAccessible(t, page, "unlocked article")
	app.expectOrderCalls(t, id, 1, 0)
}

// TestPhoneCheckoutBuyOnFirstScreen: on a 375×740 phone the order summary folds into one line, so Klarna's
// widget and the buy button are on the first screen, for a subscription and for a free trial (whose page
// also explains direct debit); the details open on demand.
func TestPhoneCheckoutBuyOnFirstScreen(t *testing.T) {
	t.Parallel()
	app := startApp(t)
	art := app.premiumArticle(t)
	page := newPage(t)
	if err := page.SetViewportSize(375, 740); err != nil {
		t.Fatalf("phone viewport: %v", err)
	}
	loginAs(t, page, app, readerEmail)
	for _, o := range []struct{ id, title string }{{"monthly", monthlyTitle}, {"trial", "First month free"}} {
		checkout := openArticle(t, page, app, art.Slug).ChooseSubscription().ChooseLoggedIn(o.id)
		checkout.ExpectOnFirstScreen("klarna-container", "buy-button")
		checkout.ExpectSummaryFolded(o.title)
	}
}

// TestTrialPurchaseWithDirectDebit: the free month is paid by direct debit only, placed with
// place_trial_order, and the confirmation says until when it is free and what it costs afterwards.
func TestTrialPurchaseWithDirectDebit(t *testing.T) {
	t.Parallel()
	app := startApp(t)
	art := app.premiumArticle(t)
	page := newPage(t)
	loginAs(t, page, app, readerEmail)

	offers := openArticle(t, page, app, art.Slug).ChooseSubscription()
	offers.ExpectOffer("trial", "First month free", `^Free for the first month$`)
	offers.ExpectTurnsInto("trial", `^Then SEK 139/month until you cancel\.$`)

	checkout := offers.ChooseLoggedIn("trial")
	checkout.ExpectCategories("direct_debit")
	checkout.ExpectWidget("Autogiro")
	checkout.ExpectSummary("First month free", `SEK 0 today, free for the first month`)
	checkout.ExpectSummary("First month free", `Then `+monthlyPer+` until you cancel`)
	checkout.ExpectBuyLabel("Start free trial")
	expectAccessible(t, page, "trial checkout")
	checkout.Buy().Approve(approvedEmail, anyCode)

	confirmation := checkout.onConfirmation()
	confirmation.ExpectOrder("First month free")
	id := confirmation.purchaseID()
	p, err := app.DB.Purchase(t.Context(), id)
	if err != nil {
		t.Fatalf("read purchase %s: %v", id, err)
	}
	stockholm, err := time.LoadLocation("Europe/Stockholm") // the paper's calendar (PAYWALL_TIME_ZONE)
	if err != nil {
		t.Fatal(err)
	}
	freeUntil := p.CreatedAt.In(stockholm).AddDate(0, 1, 0).Format("2 January 2006")
	confirmation.ExpectPrice(`^Free until ` + regexp.QuoteMeta(freeUntil) + `, then ` + monthlyPer + `$`)
	confirmation.ExpectPaidWith(`^Autogiro$`)
	app.expectOrderCalls(t, id, 0, 1)

	confirmation.ContinueReading(art.Slug).ExpectWholeArticle(art)
}

// TestDeniedInDialogThenApprovedWithAnotherEmail: Klarna says no to one email; the reader stays on the
// same checkout, is told why, and buys with another email.
func TestDeniedInDialogThenApprovedWithAnotherEmail(t *testing.T) {
	t.Parallel()
	app := startApp(t)
	art := app.premiumArticle(t)
	page := newPage(t)
	loginAs(t, page, app, readerEmail)

	checkout := openArticle(t, page, app, art.Slug).ChooseSubscription().ChooseLoggedIn("monthly")
	id := checkout.purchaseID()
	dialog := checkout.Buy()
	dialog.Approve(deniedEmail, anyCode)
	dialog.ExpectClosed()
	checkout.ExpectMessage(`^Klarna could not approve this payment\. You can try again with other details, or choose another payment method\.$`)
	checkout.ExpectReadyToBuyAgain()
	if got := checkout.purchaseID(); got != id {
		t.Fatalf("after the denial the reader is on checkout %s, want the same checkout %s", got, id)
	}

	checkout.Buy().Approve(approvedEmail, anyCode)
	confirmation := checkout.onConfirmation()
	confirmation.ExpectOrder(monthlyTitle)
	app.expectOrderCalls(t, id, 1, 0)
	confirmation.ContinueReading(art.Slug).ExpectWholeArticle(art)
}

// TestDebtPersonaGetsPaymentMethodFailedPage: Payway's place_order answers 403 (Klarna found debt). The
// reader is told in plain words, nothing was taken, the article stays locked, and one click opens a fresh
// checkout to choose another payment method.
func TestDebtPersonaGetsPaymentMethodFailedPage(t *testing.T) {
	t.Parallel()
	app := startApp(t)
	art := app.premiumArticle(t)
	page := newPage(t)
	loginAs(t, page, app, debtEmail)

	checkout := openArticle(t, page, app, art.Slug).ChooseSubscription().ChooseLoggedIn("monthly")
	id := checkout.purchaseID()
	checkout.Buy().Approve(approvedEmail, anyCode)

	failed := checkout.onStatus("failed")
	failed.ExpectHeading(`^Klarna could not approve the payment$`)
	failed.ExpectMessage(`No money was taken`)
	failed.ExpectMessage(`choose another payment method, or try again later`)
	failed.ExpectRetry("Choose another payment method")
	failed.ExpectBackToArticle("/articles/" + art.Slug)
	expectAccessible(t, page, "payment method failed")
	app.expectOrderCalls(t, id, 1, 0)

	// Reloading the failure changes nothing: the same page, still one order attempt.
	_, err := page.Reload()
	failed.check(err, "reload the failure page")
	failed.ExpectHeading(`^Klarna could not approve the payment$`)
	app.expectOrderCalls(t, id, 1, 0)

	again := failed.Retry()
	if again.purchaseID() == id {
		t.Fatalf("the way forward reopened the failed purchase %s instead of a fresh checkout", id)
	}
	again.ExpectSummary(monthlyTitle, monthlyPer)
	again.ExpectCategories("klarna") // Klarna's current guide: one category

	openArticle(t, page, app, art.Slug).PaywallVisible(art)
}

// TestSSNConflictGetsItsOwnPage: Payway's account sync finds the personal identity number on another
// account (raise_on_ssn_already_taken_error is on): the page says so in words a reader understands and
// what to do, and offers no retry that would fail the same way.
func TestSSNConflictGetsItsOwnPage(t *testing.T) {
	t.Parallel()
	app := startApp(t)
	art := app.premiumArticle(t)
	page := newPage(t)
	loginAs(t, page, app, ssnTakenEmail)

	checkout := openArticle(t, page, app, art.Slug).ChooseSubscription().ChooseLoggedIn("monthly")
	checkout.Buy().Approve(approvedEmail, anyCode)

	failed := checkout.onStatus("failed")
	failed.ExpectHeading(`^Your personal identity number belongs to another account$`)
	failed.ExpectMessage(`already registered on another of our accounts`)
	failed.ExpectMessage(`Nothing was charged`)
	failed.ExpectNoRetry()
	failed.ExpectBackToArticle("/articles/" + art.Slug)
	expectAccessible(t, page, "SSN conflict")

	openArticle(t, page, app, art.Slug).PaywallVisible(art)
}

// TestDoubleClickOnBuyPlacesOneOrder: an impatient double click on the buy button opens one Klarna dialog,
// and even when the order form reaches the server twice at once (as a double click on a plain form does),
// exactly one order is placed.
func TestDoubleClickOnBuyPlacesOneOrder(t *testing.T) {
	t.Parallel()
	app := startApp(t)
	art := app.premiumArticle(t)
	page := newPage(t)
	loginAs(t, page, app, readerEmail)

	checkout := openArticle(t, page, app, art.Slug).ChooseSubscription().ChooseLoggedIn("monthly")
	id := checkout.purchaseID()
	// Payway takes a moment to place the order, so the second post arrives while the first is under way and
	// the browser abandons the first one (as it does with the first of two form submissions).
	app.armFault(t, placeOrderRoute, 400, 0)
	// When checkout.js submits the authorized form, post the very same form a second time alongside it.
	_, err := page.Evaluate(`() => {
		const form = document.getElementById("checkout-form");
		const submit = form.submit.bind(form);
		form.submit = () => {
			fetch(form.action, { method: "POST", body: new URLSearchParams(new FormData(form)), redirect: "manual" });
			submit();
		};
	}`)
	checkout.check(err, "post the order form twice")
	var mu sync.Mutex
	posts := 0
	page.OnRequest(func(r playwright.Request) {
		if r.Method() == "POST" && strings.HasSuffix(r.URL(), "/checkout/"+id+"/order") {
			mu.Lock()
			posts++
			mu.Unlock()
		}
	})
	checkout.DoubleClickBuy().Approve(approvedEmail, anyCode)

	confirmation := checkout.onConfirmation()
	confirmation.ExpectOrder(monthlyTitle)
	mu.Lock()
	if posts != 2 {
		t.Errorf("the order form was posted %d times, want 2 (the test's double submission did not happen)", posts)
	}
	mu.Unlock()
	app.expectOrderCalls(t, id, 1, 0)
	app.expectOrderNumber(t, id, confirmation.OrderID())
	confirmation.ContinueReading(art.Slug).ExpectWholeArticle(art)
}

// TestPaywayDownIsCheckedThenRetryable: Payway answers place_order with a 503, so the order may exist.
// The reader sees that we are checking with Payway (never that nothing was charged), and the page updates
// by itself: once the reconciler has found no order at Payway, the same checkout offers Klarna again, and
// paying buys the subscription, with one order in the end.
func TestPaywayDownIsCheckedThenRetryable(t *testing.T) {
	t.Parallel()
	app := startApp(t)
	art := app.premiumArticle(t)
	page := newPage(t)
	loginAs(t, page, app, readerEmail)

	checkout := openArticle(t, page, app, art.Slug).ChooseSubscription().ChooseLoggedIn("monthly")
	id := checkout.purchaseID()
	app.armFault(t, placeOrderRoute, 0, 503)
	checkout.Buy().Approve(approvedEmail, anyCode)

	checking := checkout.onStatus("unknown")
	checking.ExpectHeading(`^We are checking your order with Payway$`)
	checking.ExpectMessage(`You will not be charged twice`)
	checking.check(expect().Locator(checking.testID("purchase-message")).Not().ToContainText("nothing was charged"), "no false promise")
	expectAccessible(t, page, "checking with Payway")

	// A minute later every call has timed out; the reconciler asks Payway, finds no order, and reopens
	// the purchase. The reader does nothing: the page refreshes into the checkout.
	app.Advance(time.Minute)
	again := checking.onCheckout()
	if got := again.purchaseID(); got != id {
		t.Fatalf("the checking page became checkout %s, want the same purchase %s", got, id)
	}
	again.Buy().Approve(approvedEmail, anyCode)
	confirmation := again.onConfirmation()
	confirmation.ExpectOrder(monthlyTitle)
	app.expectOrderCalls(t, id, 2, 0) // the unanswered call and the one that placed the order
	app.expectOrderNumber(t, id, confirmation.OrderID())
	confirmation.ContinueReading(art.Slug).ExpectWholeArticle(art)
}

// TestRepostOfOrderFormGetsFirstOutcome: after the order, the back button, a reload and a re-sent order
// form all lead to the same confirmation with the same order number; no second order is placed.
func TestRepostOfOrderFormGetsFirstOutcome(t *testing.T) {
	t.Parallel()
	app := startApp(t)
	art := app.premiumArticle(t)
	page := newPage(t)
	loginAs(t, page, app, readerEmail)

	checkout := openArticle(t, page, app, art.Slug).ChooseSubscription().ChooseLoggedIn("monthly")
	id := checkout.purchaseID()
	// Keep what the buy button posts, to send it again later.
	var mu sync.Mutex
	var orderForm string
	page.OnRequest(func(r playwright.Request) {
		if r.Method() == "POST" && strings.HasSuffix(r.URL(), "/checkout/"+id+"/order") {
			if body, err := r.PostData(); err == nil {
				mu.Lock()
				orderForm = body
				mu.Unlock()
			}
		}
	})
	checkout.Buy().Approve(approvedEmail, anyCode)
	confirmation := checkout.onConfirmation()
	orderID := confirmation.OrderID()
	mu.Lock()
	sent := orderForm
	mu.Unlock()
	if !strings.Contains(sent, "authorization_token=") {
		t.Fatalf("the order form post was not seen (got %q)", sent)
	}

	// Back: the checkout of a bought subscription shows its confirmation, not a second checkout.
	_, err := page.GoBack()
	confirmation.check(err, "go back")
	confirmation = confirmation.onConfirmation()
	confirmation.ExpectOrder(monthlyTitle)
	expectSameOrder(t, confirmation, orderID)

	_, err = page.Reload()
	confirmation.check(err, "reload the confirmation")
	expectSameOrder(t, confirmation.onConfirmation(), orderID)

	// The very same order form, sent again from the browser (as a re-submitted form would be).
	_, err = page.Evaluate(`([action, body]) => {
		const form = document.createElement("form");
		form.method = "POST";
		form.action = action;
		for (const [name, value] of new URLSearchParams(body)) {
			const input = document.createElement("input");
			input.type = "hidden";
			input.name = name;
			input.value = value;
			form.appendChild(input);
		}
		document.body.appendChild(form);
		form.submit();
	}`, []string{"/checkout/" + id + "/order", sent})
	confirmation.check(err, "re-post the order form")
	confirmation = confirmation.onConfirmation()
	expectSameOrder(t, confirmation, orderID)

	app.expectOrderCalls(t, id, 1, 0)
	app.expectOrderNumber(t, id, orderID)
}

// TestExpiredSessionStartsAgainInOneClick: a purchase session lives 48 hours. Coming back later, the
// reader is told it expired and that nothing was charged; one click opens a fresh checkout that works.
func TestExpiredSessionStartsAgainInOneClick(t *testing.T) {
	t.Parallel()
	app := startApp(t)
	art := app.premiumArticle(t)
	page := newPage(t)
	loginAs(t, page, app, readerEmail)

	checkout := openArticle(t, page, app, art.Slug).ChooseSubscription().ChooseLoggedIn("monthly")
	first := checkout.purchaseID()

	app.Advance(49 * time.Hour)
	resp, err := page.Reload()
	checkout.check(err, "reload the checkout two days later")
	if resp == nil || resp.Status() != 410 {
		t.Errorf("expired checkout: HTTP %v, want 410 Gone", statusOf(resp))
	}
	expired := checkout.onStatus("expired")
	expired.ExpectHeading(`^This payment session has expired$`)
	expired.ExpectMessage(`nothing was charged`)
	expired.ExpectRetry("Start again")
	expired.ExpectBackToArticle("/articles/" + art.Slug)
	expectAccessible(t, page, "expired")

	fresh := expired.Retry() // one click
	if fresh.purchaseID() == first {
		t.Fatalf("Start again reopened the expired purchase %s", first)
	}
	fresh.ExpectSummary(monthlyTitle, monthlyPer)
	fresh.ExpectWidget("Betala med Klarna")
	fresh.Buy().Approve(approvedEmail, anyCode)
	confirmation := fresh.onConfirmation()
	confirmation.ExpectOrder(monthlyTitle)
	app.expectOrderCalls(t, first, 0, 0)
	confirmation.ContinueReading(art.Slug).ExpectWholeArticle(art)
}

// TestLoggedOutReaderGoesFromLoginToTheChosenOffer: a reader who is not logged in chooses an offer (not
// the first one), logs in, and goes straight on to that offer's checkout, then finally back to the article
// they started from.
func TestLoggedOutReaderGoesFromLoginToTheChosenOffer(t *testing.T) {
	t.Parallel()
	app := startApp(t)
	art := app.premiumArticle(t)
	page := newPage(t)

	offers := openArticle(t, page, app, art.Slug).ChooseSubscription()
	offers.ExpectLoggedOut()
	login := offers.ChooseLoggedOut("yearly")
	login.Login(readerEmail, demoPassword)

	checkout := login.onCheckout()
	checkout.ExpectLoggedInAs(firstName(t, readerEmail))
	checkout.ExpectSummary("Digital – yearly", `SEK 1,390/year`)
	checkout.ExpectBackLink("/articles/" + art.Slug)
	checkout.Buy().Approve(approvedEmail, anyCode)
	confirmation := checkout.onConfirmation()
	confirmation.ExpectOrder("Digital – yearly")
	confirmation.ContinueReading(art.Slug).ExpectWholeArticle(art)
}

// TestAnotherCustomerCannotOpenMyCheckoutOrConfirmation: purchase ids are only their owner's. Another
// logged-in customer gets the not-found page for my open checkout, my confirmation and my order form, and
// sees nothing of my purchase.
func TestAnotherCustomerCannotOpenMyCheckoutOrConfirmation(t *testing.T) {
	t.Parallel()
	app := startApp(t)
	art := app.premiumArticle(t)
	mine := newPage(t)
	loginAs(t, mine, app, readerEmail)
	checkout := openArticle(t, mine, app, art.Slug).ChooseSubscription().ChooseLoggedIn("monthly")
	id := checkout.purchaseID()

	other := newPage(t) // another browser, another customer
	intruder := loginAs(t, other, app, debtEmail)
	intruder.openNotFound("/checkout/" + id)
	expectAccessible(t, other, "not found")

	checkout.Buy().Approve(approvedEmail, anyCode)
	confirmation := checkout.onConfirmation()
	orderID := confirmation.OrderID()

	intruder.openNotFound("/checkout/" + id + "/confirmation")
	intruder.openNotFound("/checkout/" + id)
	for _, leak := range []string{orderID, "Rita", "Reader"} {
		intruder.check(expect().Locator(other.Locator("main")).Not().ToContainText(leak), "no %q on another customer's page", leak)
	}
	// Nor can they post to my order form.
	_, err := other.Evaluate(`(action) => {
		const form = document.createElement("form");
		form.method = "POST";
		form.action = action;
		const csrf = document.querySelector("input[name=csrf]").cloneNode();
		form.appendChild(csrf);
		const token = document.createElement("input");
		token.name = "authorization_token";
		token.value = "stolen";
		form.appendChild(token);
		document.body.appendChild(form);
		form.submit();
	}`, "/checkout/"+id+"/order")
	intruder.check(err, "post to another customer's order form")
	intruder.check(expect().Locator(intruder.testID("error-page")).ToContainText("We could not find that page"), "not-found page for the order form")
	app.expectOrderCalls(t, id, 1, 0)

	// The owner still sees their confirmation.
	_, err = mine.Reload()
	confirmation.check(err, "reload my confirmation")
	expectSameOrder(t, confirmation.onConfirmation(), orderID)
}

// --- helpers ---------------------------------------------------------------------------------------------

// loginAs logs a persona in on the login page and checks the header greets them.
func loginAs(t *testing.T, page playwright.Page, app *testApp, email string) loginPage {
	t.Helper()
	l := openLogin(t, page, app)
	l.Login(email, demoPassword)
	l.ExpectLoggedInAs(firstName(t, email))
	return l
}

// expectSameOrder checks the confirmation shows the order number the first outcome showed.
func expectSameOrder(t *testing.T, c confirmationPage, orderID string) {
	t.Helper()
	c.check(expect().Locator(c.testID("confirmation-order-id")).ToHaveText(orderID), "same order number %s", orderID)
}

// expectOrderCalls counts the place_order and place_trial_order calls on the purchase's timeline (every
// Payway exchange is recorded there): exactly one order per purchase, whatever the browser did.
func (a *testApp) expectOrderCalls(t *testing.T, purchaseID string, regular, trial int) {
	t.Helper()
	events, err := a.DB.Events(t.Context(), purchaseID)
	if err != nil {
		t.Fatalf("events of %s: %v", purchaseID, err)
	}
	var gotRegular, gotTrial int
	for _, e := range events {
		if e.Kind != checkout.EventCall {
			continue
		}
		switch {
		case strings.HasSuffix(e.Path, "/place_order"):
			gotRegular++
		case strings.HasSuffix(e.Path, "/place_trial_order"):
			gotTrial++
		}
	}
	if gotRegular != regular || gotTrial != trial {
		t.Errorf("purchase %s: %d place_order and %d place_trial_order calls, want %d and %d (timeline: %s)",
			purchaseID, gotRegular, gotTrial, regular, trial, timeline(events))
	}
}

// expectOrderNumber checks the purchase recorded the order the page showed.
func (a *testApp) expectOrderNumber(t *testing.T, purchaseID, orderID string) {
	t.Helper()
	p, err := a.DB.Purchase(t.Context(), purchaseID)
	if err != nil {
		t.Fatalf("read purchase %s: %v", purchaseID, err)
	}
	if p.OrderID != orderID || p.State != checkout.StateConfirmed {
		t.Errorf("purchase %s: order %q in state %s, want order %q confirmed", purchaseID, p.OrderID, p.State, orderID)
	}
}

// armFault arms a sandbox fault on the next request to target ("<METHOD> <route>"): a delay in
// milliseconds, then the HTTP status (0: the real answer). POST /sandbox/v1/faults.
func (a *testApp) armFault(t *testing.T, target string, delayMS, status int) {
	t.Helper()
	body := fmt.Sprintf(`{"target": %q, "delay_ms": %d, "status": %d}`, target, delayMS, status)
	resp, err := http.Post(a.SandboxURL+"/sandbox/v1/faults", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatalf("arm fault on %s: %v", target, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("arm fault on %s: HTTP %d: %s", target, resp.StatusCode, b)
	}
}

func timeline(events []checkout.Event) string {
	var b strings.Builder
	for _, e := range events {
		fmt.Fprintf(&b, "\n  %s %s %s %d %s→%s %s", e.Kind, e.Method, e.Path, e.Status, e.From, e.To, e.Note)
	}
	return b.String()
}

func statusOf(resp playwright.Response) any {
	if resp == nil {
		return "no response"
	}
	return resp.Status()
}

// newScreenshots saves full-page screenshots of a journey's steps as e2e/artifacts/<journey>/NN-<step>.png
// (gitignored), emptying the folder first so it shows one run. It returns the function that takes one.
// They are for people reviewing the pages (`make screenshots`), not assertions: without
// PAYWALL_E2E_SCREENSHOTS=1 the function does nothing, so the suite does not pay for full-page captures.
func newScreenshots(t *testing.T, page playwright.Page, journey string) func(step string) {
	t.Helper()
	if os.Getenv("PAYWALL_E2E_SCREENSHOTS") != "1" {
		return func(string) {}
	}
	dir := filepath.Join(artifactsDir(), journey)
	if err := os.RemoveAll(dir); err != nil {
		t.Fatalf("screenshots: %v", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("screenshots: %v", err)
	}
	n := 0
	return func(step string) {
		t.Helper()
		n++
		path := filepath.Join(dir, fmt.Sprintf("%02d-%s.png", n, unsafeName.ReplaceAllString(step, "-")))
		if _, err := page.Screenshot(playwright.PageScreenshotOptions{Path: playwright.String(path), FullPage: playwright.Bool(true)}); err != nil {
			t.Errorf("screenshot %s: %v", path, err)
		}
	}
}
