package handlers_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestReadingPagesInTheReadersLanguage: the front page, an article behind the paywall, the login page, the
// offers and the error pages are Swedish for a reader who states no preference (html lang="sv", Swedish
// words, Swedish money and dates, none of the English) and English for a browser that prefers English.
func TestReadingPagesInTheReadersLanguage(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	_, premium := app.articles()
	article := "/articles/" + premium.Slug
	const (
		swedish = "*" // no preference (the harness's client sends English when a request names none)
		english = "en-GB,en;q=0.9"
	)
	wrongPassword := func(c *client, lang string) response {
		token := c.csrf("/login")
		return c.post("/login", url.Values{"csrf": {token}, "email": {"reader@example.se"}, "password": {"wrong"}},
			"Accept-Language", lang)
	}
	get := func(path string) func(c *client, lang string) response {
		return func(c *client, lang string) response { return c.get(path, "Accept-Language", lang) }
	}
	tests := []struct {
		name       string
		do         func(c *client, lang string) response
		wantStatus int
		sv, en     []string // each on its own language's page and not on the other's
	}{
		{"front page", get("/"), http.StatusOK,
			[]string{"Senaste nytt", "För prenumeranter", ">Logga in<", "Hoppa till innehållet", "Digitala prenumerationer med Klarna",
				premium.PublishedAt.Format("2") + " " + swedishMonth(premium.PublishedAt.Month()) + " " + premium.PublishedAt.Format("2006")},
			[]string{"Latest news", ">Subscribers<", ">Log in<", "Skip to content", "Digital subscriptions with Klarna",
				premium.PublishedAt.Format("2 January 2006")}},
		{"article behind the paywall", get(article), http.StatusOK,
			[]string{"Läs vidare med en digital prenumeration", "Se våra erbjudanden", "Redan prenumerant?", ">Logga in<"},
			[]string{"Keep reading with a digital subscription", "See subscription offers", "Already a subscriber?", ">Log in<"}},
		{"login page", get("/login"), http.StatusOK,
			[]string{"<h1>Logga in</h1>", ">E-postadress<", ">Lösenord<", "med lösenordet"},
			[]string{"<h1>Log in</h1>", ">Email<", ">Password<", "with the password"}},
		{"login page, wrong password", wrongPassword, http.StatusUnauthorized,
			[]string{"E-postadressen och lösenordet hör inte till något konto"},
			[]string{"That email and password do not match an account"}},
		{"offers", get("/subscribe?return=" + url.QueryEscape(article)), http.StatusOK,
			[]string{"Välj din prenumeration", "139\u00a0kr/mån", "1\u00a0390\u00a0kr/år", "<strong>Gratis</strong> den första månaden",
				"Sedan 139\u00a0kr/mån tills du säger upp prenumerationen.", ">Välj<", "Tillbaka till artikeln"},
			[]string{"Choose your subscription", "SEK 139/month", "SEK 1,390/year", "<strong>Free</strong> for the first month",
				"Then SEK 139/month until you cancel.", ">Choose<", "Back to the article"}},
		{"no such article", get("/articles/no-such-article"), http.StatusNotFound,
			[]string{"Fel 404", "Vi hittade inte sidan", "Det finns ingen artikel på den här adressen", "Tillbaka till förstasidan"},
			[]string{"Error 404", "We could not find that page", "There is no article at this address", "Back to the front page"}},
		{"no such page", get("/no-such-page"), http.StatusNotFound,
			[]string{"Vi hittade inte sidan", "Sidan kan ha flyttats"},
			[]string{"We could not find that page", "The page may have moved"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, lang := range []struct {
				accept, tag   string
				want, mustNot []string
			}{
				{swedish, "sv", tt.sv, tt.en},
				{english, "en", tt.en, tt.sv},
			} {
				res := tt.do(app.client(), lang.accept)
				if res.Status != tt.wantStatus {
					t.Fatalf("%s: status %d, want %d", lang.tag, res.Status, tt.wantStatus)
				}
				if !strings.Contains(res.Body, `<html lang="`+lang.tag+`">`) {
					t.Errorf("%s: the page is not marked %s", lang.tag, lang.tag)
				}
				for _, w := range lang.want {
					if !strings.Contains(res.Body, w) {
						t.Errorf("%s: the page lacks %q", lang.tag, w)
					}
				}
				for _, w := range lang.mustNot {
					if strings.Contains(res.Body, w) {
						t.Errorf("%s: the page has %q, from the other language", lang.tag, w)
					}
				}
			}
		})
	}
}

// TestErrorsInTheReadersLanguage: JSON errors and the login limiter's refusal carry their message in the
// reader's language too.
func TestErrorsInTheReadersLanguage(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, func(c *appSetup) { c.LoginRate = 1 })
	tests := []struct {
		accept, want string
	}{
		{"sv-SE", "Det finns ingen artikel på den här adressen. Den kan ha flyttats eller avpublicerats."},
		{"en-GB", "There is no article at this address. It may have been moved or unpublished."},
	}
	for _, tt := range tests {
		res := app.client().get("/articles/no-such-article", "Accept", "application/json", "Accept-Language", tt.accept)
		var body struct{ Code, Message string }
		if err := json.Unmarshal([]byte(res.Body), &body); err != nil || res.Status != http.StatusNotFound {
			t.Fatalf("%s: %d %s (%v)", tt.accept, res.Status, res.Body, err)
		}
		if body.Code != "not_found" || body.Message != tt.want {
			t.Errorf("%s: %+v, want the message %q", tt.accept, body, tt.want)
		}
	}

	c := app.client()
	token := c.csrf("/login")
	form := url.Values{"csrf": {token}, "email": {"reader@example.se"}, "password": {"wrong"}}
	c.post("/login", form, "Accept-Language", "sv-SE")
	res := c.post("/login", form, "Accept-Language", "sv-SE")
	if res.Status != http.StatusTooManyRequests || !strings.Contains(res.Body, "För många inloggningsförsök") ||
		!strings.Contains(res.Body, "För många försök") {
		t.Errorf("the login limiter in Swedish: %d", res.Status)
	}
}

// swedishMonth is a month's name as Swedish dates write it.
func swedishMonth(m time.Month) string {
	return [...]string{"januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september",
		"oktober", "november", "december"}[m-1]
}
