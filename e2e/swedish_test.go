package e2e

import (
	"regexp"
	"strings"
	"testing"

	"github.com/playwright-community/playwright-go"
)

// englishWords are words that betray an untranslated text on a Swedish page: common English words that are
// not Swedish words too. Brand names (Norrby Tidning, Klarna, Tulo Payway) and the footer's "In English"
// link are not among them.
var englishWords = regexp.MustCompile(`(?i)\b(the|and|your|you|with|log in|log out|subscription|subscribe|payment|pay|month|article|account|continue|back to|free|cancel|price|buy|read|latest|news|skip|request|then|until|already|choose|order number|thank)\b`)

// expectSwedish checks the page is ours in Swedish: html lang="sv" and no English word in what a reader
// reads (Klarna's iframes are Klarna's, and not in the page's text).
func expectSwedish(t *testing.T, page playwright.Page, name string) {
	t.Helper()
	if err := expect().Locator(page.Locator("html")).ToHaveAttribute("lang", "sv"); err != nil {
		t.Fatalf("%s: not a Swedish page: %v", name, err)
	}
	text, err := page.Locator("body").InnerText()
	if err != nil {
		t.Fatalf("%s: read the page: %v", name, err)
	}
	text = strings.ReplaceAll(text, "In English", "") // the footer's language switch, in its own language
	if found := englishWords.FindAllString(text, -1); len(found) > 0 {
		t.Errorf("%s: English words on a Swedish page: %q\n%s", name, found, text)
	}
}

// expectSwedishFrame checks one of Klarna's frames is Swedish as well (the reader's session is): html
// lang="sv" and no English word.
func expectSwedishFrame(t *testing.T, frame playwright.FrameLocator, name string) {
	t.Helper()
	if err := expect().Locator(frame.Locator("html")).ToHaveAttribute("lang", "sv"); err != nil {
		t.Fatalf("%s: not a Swedish frame: %v", name, err)
	}
	text, err := frame.Locator("body").InnerText()
	if err != nil {
		t.Fatalf("%s: read the frame: %v", name, err)
	}
	if found := englishWords.FindAllString(text, -1); len(found) > 0 {
		t.Errorf("%s: English words in a Swedish session's frame: %q\n%s", name, found, text)
	}
}

// TestSwedishReaderBuysWithoutAnEnglishWord is issue 15's "done when": a reader whose browser speaks
// Swedish goes from a locked article to reading it, through the offers, the login (which goes straight on to
// the chosen offer's checkout: no extra click), Klarna's widget and dialog and the confirmation, and every
// page of ours on the way is Swedish, without one English word; so are Klarna's widget and dialog.
func TestSwedishReaderBuysWithoutAnEnglishWord(t *testing.T) {
	t.Parallel()
	app := startApp(t)
	art := app.premiumArticle(t)
	page := newPageIn(t, "sv-SE")

	article := openArticle(t, page, app, art.Slug)
	article.PaywallVisible(art)
	expectSwedish(t, page, "article with paywall")

	offers := article.ChooseSubscription()
	expectSwedish(t, page, "offers")

	login := offers.ChooseLoggedOut("monthly")
	expectSwedish(t, page, "login")
	login.Login(readerEmail, demoPassword)

	checkout := login.onCheckout()
	expectSwedish(t, page, "checkout")
	expectSwedishFrame(t, page.FrameLocator(`iframe[data-testid="klarna-widget-frame"]`), "Klarna's widget")
	dialog := checkout.Buy()
	expectSwedishFrame(t, dialog.frame, "Klarna's email step")
	dialog.EnterEmail(approvedEmail)
	expectSwedishFrame(t, dialog.frame, "Klarna's code step")
	dialog.EnterCode(anyCode)

	confirmation := checkout.onConfirmation()
	expectSwedish(t, page, "confirmation")

	confirmation.ContinueReading(art.Slug).ExpectWholeArticle(art)
	expectSwedish(t, page, "unlocked article")
}
