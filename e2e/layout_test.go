package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/playwright-community/playwright-go"

	"github.com/paywall/paywall/store"
)

// The page checks of issue 15: every page a reader or the demo reaches, on a 375 px phone and on a
// 1280 px laptop, in both languages, reached the way a person reaches it (the journey runs at that size):
// nothing sticks out sideways, no header link breaks onto a second line, the header's items keep clear of
// its edges, and on the checkout the primary action (Klarna's widget and the Buy button) is on the first
// screen without scrolling.

// screenSize is a browser window the pages must fit.
type screenSize struct {
	name          string
	width, height int
}

// screenSizes are the two windows: a small phone and a laptop.
var screenSizes = []screenSize{
	{"phone-375x740", 375, 740},
	{"desktop-1280x800", 1280, 800},
}

// languages are the reader's languages the checks run in: Swedish (the default) and English; the words
// differ in length, so a header that fits in one may break in the other.
var languages = []struct{ name, locale string }{
	{"sv", "sv-SE"},
	{"en", "en-GB"},
}

// layoutPage is one page of the table: how to reach it and what must be on its first screen.
type layoutPage struct {
	name string
	// open takes a fresh browser page (already at its size and language) to the page as a reader would
	// reach it, and returns once the page is ready (its content shown, Klarna's widget loaded).
	open func(t *testing.T, page playwright.Page, app *testApp)
	// firstScreen are the test ids that must be fully inside the window without scrolling.
	firstScreen []string
}

// layoutPages is every page a reader or the demo reaches, once each.
var layoutPages = []layoutPage{
	{name: "home", open: func(t *testing.T, page playwright.Page, app *testApp) {
		openHome(t, page, app)
	}},
	{name: "free article", open: func(t *testing.T, page playwright.Page, app *testApp) {
		art := article(t, app, false)
		a := openArticle(t, page, app, art.Slug)
		a.check(expect().Locator(a.testID("article-body")).ToBeVisible(), "free article's body")
	}},
	{name: "premium article locked", open: func(t *testing.T, page playwright.Page, app *testApp) {
		loginAs(t, page, app, readerEmail)
		art := article(t, app, true)
		openArticle(t, page, app, art.Slug).PaywallVisible(art)
	}},
	{name: "premium article unlocked", open: func(t *testing.T, page playwright.Page, app *testApp) {
		loginAs(t, page, app, subscriberEmail)
		art := article(t, app, true)
		openArticle(t, page, app, art.Slug).ExpectWholeArticle(art)
	}},
	{name: "login", open: func(t *testing.T, page playwright.Page, app *testApp) {
		openLogin(t, page, app)
	}},
	{name: "subscribe", open: func(t *testing.T, page playwright.Page, app *testApp) {
		openOffers(t, page, app, readerEmail)
	}},
	{name: "checkout", open: func(t *testing.T, page playwright.Page, app *testApp) {
		openCheckout(t, page, app, readerEmail)
	}, firstScreen: []string{"klarna-container", "buy-button"}},
	{name: "confirmation", open: func(t *testing.T, page playwright.Page, app *testApp) {
		c := openCheckout(t, page, app, readerEmail)
		c.Buy().Approve(approvedEmail, anyCode)
		c.onConfirmation()
	}},
	{name: "payment failed", open: func(t *testing.T, page playwright.Page, app *testApp) {
		c := openCheckout(t, page, app, debtEmail)
		c.Buy().Approve(approvedEmail, anyCode)
		c.onStatus("failed")
	}},
	{name: "account", open: func(t *testing.T, page playwright.Page, app *testApp) {
		// The persona with the longest name: the header must fit it too.
		loginAs(t, page, app, "token-cancelled@example.se").GoToAccount()
	}},
	{name: "first one-click purchase", open: func(t *testing.T, page playwright.Page, app *testApp) {
		account := loginAs(t, page, app, subscriberEmail).GoToAccount()
		account.Buy(archiveOffer)
		account.onFirstPurchase()
		waitForWidgetHeight(t, account.basePage)
	}},
	{name: "one-click confirmation", open: func(t *testing.T, page playwright.Page, app *testApp) {
		account := loginAs(t, page, app, tokenEmail).GoToAccount()
		account.Buy(archiveOffer)
		account.onOneClickConfirmation()
	}},
	{name: "one-click failed", open: func(t *testing.T, page playwright.Page, app *testApp) {
		account := loginAs(t, page, app, "token-failed@example.se").GoToAccount()
		account.Buy(archiveOffer)
		account.onOneClickStatus("failed", "PAYMENT_METHOD_FAILED")
	}},
	{name: "recovery", open: func(t *testing.T, page playwright.Page, app *testApp) {
		account := loginAs(t, page, app, stepUpEmail).GoToAccount()
		account.Buy(archiveOffer)
		account.onRecovery()
	}},
	{name: "not found", open: func(t *testing.T, page playwright.Page, app *testApp) {
		b := basePage{t: t, page: page, baseURL: app.AppURL}
		resp, err := page.Goto(app.AppURL + "/articles/no-such-article")
		b.check(err, "open a page that does not exist")
		if resp == nil || resp.Status() != http.StatusNotFound {
			t.Fatalf("a page that does not exist: HTTP %v, want 404", statusOf(resp))
		}
		b.check(expect().Locator(b.testID("error-page")).ToBeVisible(), "error page")
	}},
	{name: "demo console", open: func(t *testing.T, page playwright.Page, app *testApp) {
		openDemoConsole(t, page, app)
	}},
	{name: "demo strip", open: func(t *testing.T, page playwright.Page, app *testApp) {
		console := openDemoConsole(t, page, app)
		console.StartScenario("regular")
		console.check(expect().Page(page).Not().ToHaveURL(regexp.MustCompile(`/demo$`)), "the scenario's first page")
		console.check(expect().Locator(console.testID("demo-instruction")).ToBeVisible(), "the demo strip's instruction")
	}},
	{name: "what happened", open: func(t *testing.T, page playwright.Page, app *testApp) {
		c := openCheckout(t, page, app, readerEmail)
		c.Buy().Approve(approvedEmail, anyCode)
		done := c.onConfirmation()
		done.goTo("/demo/purchases/" + done.purchaseID())
		done.check(expect().Locator(done.testID("timeline")).ToBeVisible(), "the timeline")
	}},
}

// TestPagesFitPhoneAndDesktop runs every page of layoutPages at both screen sizes in both languages.
func TestPagesFitPhoneAndDesktop(t *testing.T) {
	t.Parallel()
	for _, lang := range languages {
		for _, size := range screenSizes {
			t.Run(lang.name+"/"+size.name, func(t *testing.T) {
				t.Parallel()
				for _, p := range layoutPages {
					t.Run(p.name, func(t *testing.T) {
						app := startApp(t)
						page := newPageIn(t, lang.locale)
						if err := page.SetViewportSize(size.width, size.height); err != nil {
							t.Fatalf("window size %s: %v", size.name, err)
						}
						p.open(t, page, app)
						expectFits(t, page, p.firstScreen)
						// For review (PAYWALL_E2E_SCREENSHOTS=1): e2e/artifacts/pages-sv-phone-375x740-checkout/.
						shot := newScreenshots(t, page, unsafeName.ReplaceAllString("pages-"+lang.name+"-"+size.name+"-"+p.name, "-"))
						shot(p.name)
					})
				}
			})
		}
	}
}

// layoutReport is what measureLayout measures on the page as it is shown.
type layoutReport struct {
	ScrollWidth  int `json:"scrollWidth"`
	ClientWidth  int `json:"clientWidth"`
	WindowHeight int `json:"windowHeight"`
	ScrollY      int `json:"scrollY"`
	// Overflowing names the elements that reach past the window's right edge (the widest first).
	Overflowing []string `json:"overflowing"`
	Header      []struct {
		Text  string `json:"text"`
		Lines int    `json:"lines"`
		// Inset is the item's distance (px) from the header's nearest top or bottom edge.
		Inset float64 `json:"inset"`
	} `json:"header"`
	FirstScreen []struct {
		ID     string  `json:"id"`
		Found  bool    `json:"found"`
		Top    float64 `json:"top"`
		Bottom float64 `json:"bottom"`
	} `json:"firstScreen"`
}

// measureLayout measures the page in one go. A header item's lines are counted from its text's line
// boxes (distinct tops of the text's client rects): a flex item's own box is one rectangle however many
// lines its text takes. Items hidden from sight (display: none, or visually hidden for screen readers)
// are not measured.
const measureLayout = `(ids) => {
	const doc = document.documentElement;
	const width = doc.clientWidth;
	const describe = (el) => {
		let s = el.tagName.toLowerCase();
		if (el.id) { s += "#" + el.id; }
		if (el.classList.length) { s += "." + [...el.classList].join("."); }
		const tid = el.getAttribute("data-testid");
		if (tid) { s += "[data-testid=" + tid + "]"; }
		return s;
	};
	const overflowing = [...document.body.querySelectorAll("*")]
		.map((el) => ({ el, right: el.getBoundingClientRect().right }))
		.filter((x) => x.right > width + 0.5 && x.el.checkVisibility())
		.sort((a, b) => b.right - a.right)
		.slice(0, 8)
		.map((x) => describe(x.el) + " (right edge " + Math.round(x.right) + " px)");
	const header = document.querySelector(".site-header");
	const hr = header.getBoundingClientRect();
	const seen = new Set();
	const items = [...header.querySelectorAll("a, button, [data-testid], .user-name, .brand")].filter((el) => {
		if (seen.has(el)) { return false; }
		seen.add(el);
		const r = el.getBoundingClientRect();
		return el.checkVisibility({ visibilityProperty: true }) && r.width > 1 && r.height > 1;
	}).map((el) => {
		const tops = new Set();
		const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
		for (let n = walker.nextNode(); n; n = walker.nextNode()) {
			if (!n.textContent.trim()) { continue; }
			const range = document.createRange();
			range.selectNodeContents(n);
			for (const r of range.getClientRects()) {
				if (r.width > 0) { tops.add(Math.round(r.top)); }
			}
		}
		const r = el.getBoundingClientRect();
		return { text: el.textContent.trim().replace(/\s+/g, " "), lines: tops.size,
			inset: Math.min(r.top - hr.top, hr.bottom - r.bottom) };
	});
	const firstScreen = ids.map((id) => {
		const el = document.querySelector('[data-testid="' + id + '"]');
		if (!el) { return { id, found: false, top: 0, bottom: 0 }; }
		const r = el.getBoundingClientRect();
		return { id, found: true, top: r.top, bottom: r.bottom };
	});
	return JSON.stringify({ scrollWidth: doc.scrollWidth, clientWidth: width, windowHeight: window.innerHeight,
		scrollY: Math.round(window.scrollY), overflowing, header: items, firstScreen });
}`

// headerInset is the least room (px) a header item keeps from the header's top and bottom edges.
const headerInset = 4

// expectFits checks the page as shown now: no sideways overflow, every header item on one line and clear
// of the header's edges, and the firstScreen elements inside the window without scrolling.
func expectFits(t *testing.T, page playwright.Page, firstScreen []string) {
	t.Helper()
	if firstScreen == nil {
		firstScreen = []string{}
	}
	out, err := page.Evaluate(measureLayout, firstScreen)
	if err != nil {
		t.Fatalf("measure the page %s: %v", page.URL(), err)
	}
	var m layoutReport
	if err := json.Unmarshal([]byte(fmt.Sprint(out)), &m); err != nil {
		t.Fatalf("measure the page %s: %v", page.URL(), err)
	}
	if m.ScrollWidth > m.ClientWidth {
		t.Errorf("the page is %d px wide in a %d px window (it scrolls sideways); past the edge: %s",
			m.ScrollWidth, m.ClientWidth, strings.Join(m.Overflowing, ", "))
	}
	if len(m.Header) == 0 {
		t.Errorf("no header items measured on %s", page.URL())
	}
	for _, h := range m.Header {
		if h.Lines != 1 {
			t.Errorf("header item %q takes %d lines, want 1", h.Text, h.Lines)
		}
		if h.Inset < headerInset {
			t.Errorf("header item %q is %.0f px from the header's edge, want at least %d", h.Text, h.Inset, headerInset)
		}
	}
	if m.ScrollY != 0 {
		t.Errorf("the page opened scrolled down by %d px", m.ScrollY)
	}
	for _, f := range m.FirstScreen {
		switch {
		case !f.Found:
			t.Errorf("no %q on the page", f.ID)
		case f.Top < 0 || f.Bottom > float64(m.WindowHeight):
			t.Errorf("%q spans %.0f–%.0f px, outside the first screen (0–%d px): the reader must scroll to reach it",
				f.ID, f.Top, f.Bottom, m.WindowHeight)
		}
	}
	if t.Failed() {
		t.Logf("measured %s: %+v", page.URL(), m)
	}
}

// openOffers logs the persona in and follows a premium article's subscribe link to the offers.
func openOffers(t *testing.T, page playwright.Page, app *testApp, email string) subscribePage {
	t.Helper()
	loginAs(t, page, app, email)
	offers := openArticle(t, page, app, app.premiumArticle(t).Slug).ChooseSubscription()
	offers.check(expect().Locator(offers.testID("offer-monthly")).ToBeVisible(), "the monthly offer")
	return offers
}

// openCheckout opens the monthly offer's checkout as the persona, with Klarna's widget loaded at its
// final height (so what is measured is what the reader sees).
func openCheckout(t *testing.T, page playwright.Page, app *testApp, email string) checkoutPage {
	t.Helper()
	c := openOffers(t, page, app, email).ChooseLoggedIn("monthly")
	waitForWidgetHeight(t, c.basePage)
	return c
}

var pixels = regexp.MustCompile(`^\d+px$`)

// waitForWidgetHeight waits until Klarna's widget iframe has taken the height of its content (the widget
// tells the page its height once it is laid out). Chromium does not lay out a cross-site iframe outside
// the window until it is scrolled to, so a widget below the first screen is scrolled to first, as the
// reader would, and the page back to its top afterwards.
func waitForWidgetHeight(t *testing.T, b basePage) {
	t.Helper()
	frame := b.page.Locator(`iframe[data-testid="klarna-widget-frame"]`)
	b.check(frame.ScrollIntoViewIfNeeded(), "scroll to Klarna's widget")
	h, err := frame.ContentFrame().Locator("html").Evaluate(`(e) => Math.ceil(e.getBoundingClientRect().height)`, nil)
	b.check(err, "height of Klarna's widget")
	want := fmt.Sprintf("%vpx", h)
	if !pixels.MatchString(want) {
		t.Fatalf("height of Klarna's widget: %q", want)
	}
	b.check(expect().Locator(frame).ToHaveCSS("height", want), "Klarna's widget %s high", want)
	_, err = b.page.Evaluate(`() => window.scrollTo(0, 0)`)
	b.check(err, "scroll back to the top")
}

// article returns a seeded article, premium or free, failing the test when there is none.
func article(t *testing.T, app *testApp, premium bool) store.Article {
	t.Helper()
	if premium {
		return app.premiumArticle(t)
	}
	articles, err := app.DB.ListArticles(t.Context())
	if err != nil {
		t.Fatalf("list articles: %v", err)
	}
	for _, art := range articles {
		if !art.Premium {
			return art
		}
	}
	t.Fatalf("no free article among %d seeded articles", len(articles))
	return store.Article{}
}
