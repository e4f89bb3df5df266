package e2e

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/playwright-community/playwright-go"

	"github.com/paywall/paywall/store"
)

// Page objects: each wraps one page of the app and speaks in the reader's terms (open an article, log
// in), so tests read as journeys and the selectors (the data-testids agreed in the spec) live here only.
// Every check goes through Playwright's web-first assertions, which wait for the condition.

// basePage is what every page shares: the header with the environment badge and the login state.
type basePage struct {
	t       *testing.T
	page    playwright.Page
	baseURL string
}

func (p basePage) testID(id string) playwright.Locator { return p.page.GetByTestId(id) }

// check fails the test with what was being checked when a Playwright call or assertion fails.
func (p basePage) check(err error, what string, args ...any) {
	p.t.Helper()
	if err != nil {
		p.t.Fatalf("%s: %v", fmt.Sprintf(what, args...), err)
	}
}

// goTo navigates to a path of the app and checks the response was not an error page.
func (p basePage) goTo(path string) {
	p.t.Helper()
	resp, err := p.page.Goto(p.baseURL + path)
	p.check(err, "open %s", path)
	if resp != nil && resp.Status() >= 400 {
		p.t.Fatalf("open %s: HTTP %d", path, resp.Status())
	}
}

// ExpectEnv checks the header badge names the environment (e.g. "sandbox"), in any letter case.
func (p basePage) ExpectEnv(env string) {
	p.t.Helper()
	re := regexp.MustCompile(`(?i)^\s*` + regexp.QuoteMeta(env) + `\s*$`)
	p.check(expect().Locator(p.testID("env-badge")).ToHaveText(re), "env badge %q", env)
}

// ExpectLoggedInAs checks the header shows the customer's name and a logout button.
func (p basePage) ExpectLoggedInAs(name string) {
	p.t.Helper()
	p.check(expect().Locator(p.testID("user-name")).ToContainText(name), "user name %q in header", name)
	p.check(expect().Locator(p.testID("logout")).ToBeVisible(), "logout button")
	p.check(expect().Locator(p.testID("login-link")).ToHaveCount(0), "no login link when logged in")
}

// ExpectLoggedOut checks the header offers the login link and shows no customer.
func (p basePage) ExpectLoggedOut() {
	p.t.Helper()
	p.check(expect().Locator(p.testID("login-link")).ToBeVisible(), "login link")
	p.check(expect().Locator(p.testID("user-name")).ToHaveCount(0), "no user name when logged out")
}

// Logout presses the header's logout button (a POST form).
func (p basePage) Logout() {
	p.t.Helper()
	p.check(p.testID("logout").Click(), "click logout")
	p.ExpectLoggedOut()
}

// GoToLogin follows the header's login link.
func (p basePage) GoToLogin() loginPage {
	p.t.Helper()
	p.check(p.testID("login-link").Click(), "click login link")
	l := loginPage{p}
	l.expectLoaded()
	return l
}

// homePage is the article list at /.
type homePage struct{ basePage }

func openHome(t *testing.T, page playwright.Page, app *testApp) homePage {
	t.Helper()
	h := homePage{basePage{t: t, page: page, baseURL: app.AppURL}}
	h.goTo("/")
	h.check(expect().Locator(h.testID("article-link").First()).ToBeVisible(), "article list on home page")
	return h
}

// ExpectPremiumBadges checks at least one article in the list is marked premium.
func (h homePage) ExpectPremiumBadges() {
	h.t.Helper()
	h.check(expect().Locator(h.testID("premium-badge").First()).ToBeVisible(), "premium badge on home page")
}

// OpenArticle clicks the list's link to the article with this slug.
func (h homePage) OpenArticle(slug string) articlePage {
	h.t.Helper()
	link := h.page.Locator(`a[data-testid="article-link"][href$="/articles/` + slug + `"]`)
	h.check(link.Click(), "click link to article %q", slug)
	a := articlePage{basePage: h.basePage, slug: slug}
	h.check(expect().Page(h.page).ToHaveURL(regexp.MustCompile(`/articles/`+regexp.QuoteMeta(slug)+`$`)),
		"navigate to article %q", slug)
	return a
}

// articlePage is /articles/:slug.
type articlePage struct {
	basePage
	slug string
}

// ExpectTitle checks the article's headline.
func (a articlePage) ExpectTitle(title string) {
	a.t.Helper()
	a.check(expect().Locator(a.testID("article-title")).ToHaveText(title), "article title")
}

// PaywallVisible checks the locked view: teaser and paywall box shown, the full body not in the page,
// and (when the article has more than one paragraph) its last paragraph nowhere in the text.
func (a articlePage) PaywallVisible(art store.Article) {
	a.t.Helper()
	a.check(expect().Locator(a.testID("paywall")).ToBeVisible(), "paywall box")
	a.check(expect().Locator(a.testID("article-teaser")).ToBeVisible(), "article teaser")
	a.check(expect().Locator(a.testID("article-body")).ToHaveCount(0), "no full body behind the paywall")
	if paras := paragraphs(art.Body); len(paras) > 1 {
		a.check(expect().Locator(a.page.Locator("body")).Not().ToContainText(paras[len(paras)-1]),
			"last paragraph must not leak past the paywall")
	}
}

// SubscribeLink returns where the paywall's subscribe link points.
func (a articlePage) SubscribeLink() *url.URL {
	a.t.Helper()
	link := a.testID("subscribe-link")
	a.check(expect().Locator(link).ToBeVisible(), "subscribe link")
	href, err := link.GetAttribute("href")
	a.check(err, "subscribe link href")
	u, err := url.Parse(href)
	a.check(err, "parse subscribe link %q", href)
	return u
}

// ExpectWholeArticle checks the unlocked view: every paragraph of the body shown, no paywall.
func (a articlePage) ExpectWholeArticle(art store.Article) {
	a.t.Helper()
	body := a.testID("article-body")
	a.check(expect().Locator(body).ToBeVisible(), "article body")
	for i, p := range paragraphs(art.Body) {
		a.check(expect().Locator(body).ToContainText(p), "paragraph %d of the body", i+1)
	}
	a.check(expect().Locator(a.testID("paywall")).ToHaveCount(0), "no paywall for a reader with access")
	a.check(expect().Locator(a.testID("article-teaser")).ToHaveCount(0), "no teaser for a reader with access")
}

// loginPage is /login.
type loginPage struct{ basePage }

func openLogin(t *testing.T, page playwright.Page, app *testApp) loginPage {
	t.Helper()
	l := loginPage{basePage{t: t, page: page, baseURL: app.AppURL}}
	l.goTo("/login")
	l.expectLoaded()
	return l
}

func (l loginPage) expectLoaded() {
	l.t.Helper()
	l.check(expect().Page(l.page).ToHaveURL(regexp.MustCompile(`/login(\?.*)?$`)), "on the login page")
	l.check(expect().Locator(l.testID("login-submit")).ToBeVisible(), "login button")
}

// Login fills in the form and submits it; the caller checks the outcome.
func (l loginPage) Login(email, password string) {
	l.t.Helper()
	l.check(l.page.Locator(`input[name="email"]`).Fill(email), "fill email")
	l.check(l.page.Locator(`input[name="password"]`).Fill(password), "fill password")
	l.check(l.testID("login-submit").Click(), "submit login")
}

// ExpectError checks the inline error is shown and the reader is still logged out on the login page.
func (l loginPage) ExpectError() {
	l.t.Helper()
	l.check(expect().Locator(l.testID("login-error")).ToBeVisible(), "inline login error")
	l.check(expect().Locator(l.testID("login-error")).Not().ToBeEmpty(), "login error has a message")
	l.expectLoaded()
	l.check(expect().Locator(l.testID("user-name")).ToHaveCount(0), "not logged in after a failed login")
}

// paragraphs splits an article body as the store stores it: paragraphs separated by blank lines.
func paragraphs(body string) []string {
	var out []string
	for _, p := range strings.Split(body, "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
