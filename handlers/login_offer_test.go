package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// failPayway makes one of Payway's endpoints answer 503, as Payway does when it is down.
func failPayway(path string) func(*appSetup) {
	return func(s *appSetup) {
		s.wrapSandbox = func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == path {
					http.Error(w, `{"code":"service_unavailable"}`, http.StatusServiceUnavailable)
					return
				}
				next.ServeHTTP(w, r)
			})
		}
	}
}

// purchaseCount is how many purchases the app has opened.
func (a *testApp) purchaseCount() int {
	a.t.Helper()
	var n int
	if err := a.DB.Reader().QueryRow(`SELECT count(*) FROM purchases`).Scan(&n); err != nil {
		a.t.Fatal(err)
	}
	return n
}

// TestLoginContinuesToTheChosenOffer: a reader who chose an offer before being asked to log in goes from the
// login straight to that offer's checkout, as POST /checkout sends a logged-in reader, with the way back to
// the article kept. Only a catalogue offer on the offers page's address counts; a reader who already has the
// product, or whose session Payway cannot open, lands on the checkout page that says so, as after POST
// /checkout; when no purchase can be opened at all the error page says why and leads back to the offer.
func TestLoginContinuesToTheChosenOffer(t *testing.T) {
	t.Parallel()
	const periods = "/external/api/v1/klarna_payments/payment_periods"
	const createSession = "/external/api/v1/klarna_payments/create_session"
	offers := func(offer, ret string) string {
		return "/subscribe?" + url.Values{"offer": {offer}, "return": {ret}}.Encode()
	}
	tests := []struct {
		name       string
		email      string
		ret        string // the login form's return path
		setup      []appOption
		wantStatus int            // of the login's answer
		wantLoc    *regexp.Regexp // where it sends the browser (303)
		wantOffer  string         // the purchase opened ("" none)
		wantBack   string         // the purchase's way back
		wantPage   int            // the status of the page it sends the browser to
		wantText   []string       // on that page (or on the answer itself when it is not a redirect)
	}{
		{"an offer chosen from an article", "reader@example.se", offers("monthly", "/articles/x"), nil,
			http.StatusSeeOther, checkoutPath, "monthly", "/articles/x", http.StatusOK, []string{`data-testid="buy-button"`}},
		{"a way back off the site is dropped", "reader@example.se", offers("yearly", "https://evil.example/"), nil,
			http.StatusSeeOther, checkoutPath, "yearly", "/", http.StatusOK, []string{`data-testid="buy-button"`}},
		{"an offer not in the catalogue: the offers page", "reader@example.se", offers("gift", "/articles/x"), nil,
			http.StatusSeeOther, regexp.MustCompile(`^/subscribe\?offer=gift&return=%2Farticles%2Fx$`), "", "", http.StatusOK,
			[]string{`data-testid="offer-monthly"`}},
		{"an offer on another page than the offers", "reader@example.se", "/account?offer=monthly", nil,
			http.StatusSeeOther, regexp.MustCompile(`^/account\?offer=monthly$`), "", "", http.StatusOK, nil},
		{"the product already owned: as after POST /checkout", "subscriber@example.se", offers("monthly", "/articles/x"), nil,
			http.StatusSeeOther, checkoutPath, "monthly", "/articles/x", http.StatusUnprocessableEntity,
			[]string{"You already have this subscription"}},
		{"Payway cannot open the session: as after POST /checkout", "reader@example.se", offers("monthly", "/articles/x"),
			[]appOption{failPayway(createSession)}, http.StatusSeeOther, checkoutPath, "monthly", "/articles/x",
			http.StatusUnprocessableEntity, []string{"We could not complete the purchase", `data-testid="retry-purchase"`}},
		{"Payway cannot price the offer: the error page leads back to it", "reader@example.se", offers("monthly", "/articles/x"),
			[]appOption{failPayway(periods)}, http.StatusServiceUnavailable, nil, "", "", 0,
			[]string{`data-testid="error-page"`, "Our subscription service is not answering right now",
				`href="` + htmlEscape(offers("monthly", "/articles/x")) + `" data-testid="error-next"`, "Back to the offers",
				`data-testid="user-name">Rita Reader`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			app := newTestApp(t, tt.setup...)
			c := app.client()
			res := c.login(tt.email, demoPassword, tt.ret)
			if res.Status != tt.wantStatus {
				t.Fatalf("login: status %d, want %d: %s", res.Status, tt.wantStatus, res.Body)
			}
			page := res
			if tt.wantLoc != nil {
				loc := res.Header.Get("Location")
				if !tt.wantLoc.MatchString(loc) {
					t.Fatalf("login sent the browser to %q, want %s", loc, tt.wantLoc)
				}
				if page = c.get(loc); page.Status != tt.wantPage {
					t.Errorf("GET %s: status %d, want %d", loc, page.Status, tt.wantPage)
				}
			}
			for _, want := range tt.wantText {
				if !strings.Contains(page.Body, want) {
					t.Errorf("the page lacks %q", want)
				}
			}
			if tt.wantOffer == "" {
				if n := app.purchaseCount(); n != 0 {
					t.Errorf("%d purchases opened, want none", n)
				}
				return
			}
			id := checkoutPath.FindStringSubmatch(res.Header.Get("Location"))[1]
			p, err := app.DB.Purchase(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			if p.OfferID != tt.wantOffer || p.ReturnPath != tt.wantBack {
				t.Errorf("purchase of %q going back to %q, want %q and %q", p.OfferID, p.ReturnPath, tt.wantOffer, tt.wantBack)
			}
		})
	}
}

// TestChoosingAnOfferThenLoggingInIsOneClick is the journey as a reader walks it: from the offers, choosing
// an offer (a link to the login for a reader who is not logged in) asks them to log in, the login page says
// where it goes next, and logging in opens the checkout of that offer, coming back to the article (no second
// "Continue to payment"). A reader who reaches the offers another way, with the offer in the address, still
// sees it marked.
func TestChoosingAnOfferThenLoggingInIsOneClick(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	c := app.client()
	offers := c.get("/subscribe?return=/articles/x")
	link := regexp.MustCompile(`href="([^"]*)" data-testid="choose-yearly"`).FindStringSubmatch(offers.Body)
	if link == nil {
		t.Fatal("the offers page has no link for the yearly offer")
	}
	loginPage := strings.ReplaceAll(link[1], "&amp;", "&")
	if !strings.HasPrefix(loginPage, "/login?") {
		t.Fatalf("choosing an offer logged out leads to %q, want the login page", loginPage)
	}
	// POST /checkout still sends a reader who is not logged in the same way (a page from before, another client).
	res := c.post("/checkout", url.Values{"csrf": {c.csrf("/login")}, "offer": {"yearly"}, "return": {"/articles/x"}})
	if res.Status != http.StatusSeeOther || res.Header.Get("Location") != loginPage {
		t.Fatalf("POST /checkout logged out: %d %q, want %q", res.Status, res.Header.Get("Location"), loginPage)
	}
	form := c.get(loginPage)
	if !strings.Contains(form.Body, `data-testid="login-continues"`) || !strings.Contains(form.Body, "paying for Digital – yearly") {
		t.Error("the login page does not say it goes on to paying for the chosen offer")
	}
	ret := regexp.MustCompile(`name="return" value="([^"]*)"`).FindStringSubmatch(form.Body)
	if ret == nil {
		t.Fatal("the login form has no return field")
	}
	token := csrfField.FindStringSubmatch(form.Body)[1]
	res = c.post("/login", url.Values{"csrf": {token}, "email": {"reader@example.se"}, "password": {demoPassword},
		"return": {strings.ReplaceAll(ret[1], "&amp;", "&")}})
	m := checkoutPath.FindStringSubmatch(res.Header.Get("Location"))
	if res.Status != http.StatusSeeOther || m == nil {
		t.Fatalf("login: %d %q, want the checkout", res.Status, res.Header.Get("Location"))
	}
	p, err := app.DB.Purchase(context.Background(), m[1])
	if err != nil || p.OfferID != "yearly" || p.ReturnPath != "/articles/x" {
		t.Fatalf("purchase %+v (%v), want yearly going back to /articles/x", p, err)
	}
	if page := c.get("/checkout/" + m[1]); page.Status != http.StatusOK || !strings.Contains(page.Body, `data-testid="buy-button"`) {
		t.Errorf("checkout page: %d", page.Status)
	}

	marked := c.get("/subscribe?offer=monthly&return=%2Farticles%2Fx")
	if !strings.Contains(marked.Body, `class="offer highlighted" data-testid="offer-monthly"`) || !strings.Contains(marked.Body, "Continue to payment") {
		t.Error("the offers page no longer marks the offer in its address")
	}
}

// TestBackToTheArticleOnlyWithAnArticle: the offers page links back to the article the reader came from,
// and offers no "Back to the article" when there is none.
func TestBackToTheArticleOnlyWithAnArticle(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	_, premium := app.articles()
	article := "/articles/" + premium.Slug
	tests := []struct {
		name, path string
		wantHref   string // "" no link
	}{
		{"from an article", "/subscribe?return=" + url.QueryEscape(article), article},
		{"from an article, logged out's offer kept", "/subscribe?offer=monthly&return=" + url.QueryEscape(article), article},
		{"no way back", "/subscribe", ""},
		{"from the front page", "/subscribe?return=%2F", ""},
		{"from the account", "/subscribe?return=%2Faccount", ""},
		{"a way back off the site", "/subscribe?return=https%3A%2F%2Fevil.example%2Farticles%2Fx", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, lang := range []string{"en-GB", "sv-SE"} {
				res := app.client().get(tt.path, "Accept-Language", lang)
				if res.Status != http.StatusOK {
					t.Fatalf("%s: status %d", lang, res.Status)
				}
				link := regexp.MustCompile(`<a href="([^"]*)" data-testid="back-to-article">([^<]*)</a>`).FindStringSubmatch(res.Body)
				switch {
				case tt.wantHref == "" && (link != nil || strings.Contains(res.Body, "Back to the article") || strings.Contains(res.Body, "Tillbaka till artikeln")):
					t.Errorf("%s: a link back to an article without one", lang)
				case tt.wantHref != "" && (link == nil || link[1] != tt.wantHref):
					t.Errorf("%s: back link %q, want one to %s", lang, link, tt.wantHref)
				case link != nil && lang == "sv-SE" && link[2] != "Tillbaka till artikeln":
					t.Errorf("the Swedish link reads %q", link[2])
				}
			}
		})
	}
}
