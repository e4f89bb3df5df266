package e2e

import (
	"testing"

	"github.com/paywall/paywall/sandbox"
)

// The sandbox personas these journeys use (sandbox.Personas, README's persona table).
const (
	readerEmail     = "reader@example.se"     // no subscription: hits the paywall
	subscriberEmail = "subscriber@example.se" // active product "digital": reads everything
	demoPassword    = "paywall-demo"
)

// firstName is the persona's first name as the sandbox seeds it, so the header check follows the seed.
func firstName(t *testing.T, email string) string {
	t.Helper()
	for _, p := range sandbox.Personas() {
		if p.Email == email {
			return p.FirstName
		}
	}
	t.Fatalf("no sandbox persona %s", email)
	return ""
}

func TestAnonymousReaderHitsPaywallOnPremiumArticle(t *testing.T) {
	t.Parallel()
	app := startApp(t)
	art := app.premiumArticle(t)
	page := newPage(t)

	home := openHome(t, page, app)
	home.ExpectEnv("sandbox")
	home.ExpectLoggedOut()
	home.ExpectPremiumBadges()

	article := home.OpenArticle(art.Slug)
	article.ExpectTitle(art.Title)
	article.PaywallVisible(art)

	link := article.SubscribeLink()
	if link.Path != "/subscribe" {
		t.Errorf("subscribe link path = %q, want /subscribe (href %q)", link.Path, link.String())
	}
	if got, want := link.Query().Get("return"), "/articles/"+art.Slug; got != want {
		t.Errorf("subscribe link return = %q, want %q (href %q)", got, want, link.String())
	}
}

func TestPersonaLogsInAndOut(t *testing.T) {
	t.Parallel()
	app := startApp(t)
	page := newPage(t)

	home := openHome(t, page, app)
	home.ExpectLoggedOut()
	login := home.GoToLogin()
	login.Login(readerEmail, demoPassword)
	login.ExpectLoggedInAs(firstName(t, readerEmail))

	login.Logout()
	// The session is gone server-side too: a fresh load of the home page is still logged out.
	home = openHome(t, page, app)
	home.ExpectLoggedOut()
}

func TestWrongPasswordShowsInlineError(t *testing.T) {
	t.Parallel()
	app := startApp(t)
	page := newPage(t)

	login := openLogin(t, page, app)
	login.Login(readerEmail, "not-the-password")
	login.ExpectError()
}

func TestSubscriberReadsWholePremiumArticle(t *testing.T) {
	t.Parallel()
	app := startApp(t)
	art := app.premiumArticle(t)
	page := newPage(t)

	login := openLogin(t, page, app)
	login.Login(subscriberEmail, demoPassword)
	login.ExpectLoggedInAs(firstName(t, subscriberEmail))

	home := openHome(t, page, app)
	article := home.OpenArticle(art.Slug)
	article.ExpectTitle(art.Title)
	article.ExpectWholeArticle(art)
}
