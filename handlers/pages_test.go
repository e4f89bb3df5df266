package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paywall/paywall/store"
)

const demoPassword = "paywall-demo"

// articles returns one free and one premium seeded article.
func (a *testApp) articles() (free, premium store.Article) {
	a.t.Helper()
	list, err := a.DB.ListArticles(context.Background())
	if err != nil {
		a.t.Fatal(err)
	}
	for _, art := range list {
		if art.Premium && premium.Slug == "" {
			premium = art
		}
		if !art.Premium && free.Slug == "" {
			free = art
		}
	}
	if free.Slug == "" || premium.Slug == "" {
		a.t.Fatalf("seed data needs a free and a premium article, have %d articles", len(list))
	}
	return free, premium
}

func TestHomeListsArticles(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	c := app.client()
	res := c.get("/")
	if res.Status != http.StatusOK {
		t.Fatalf("status %d", res.Status)
	}
	list, _ := app.DB.ListArticles(context.Background())
	for _, art := range list {
		if !strings.Contains(res.Body, `href="/articles/`+art.Slug+`"`) {
			t.Errorf("home does not link %s", art.Slug)
		}
	}
	if !strings.Contains(res.Body, `data-testid="env-badge"`) || !strings.Contains(res.Body, ">Sandbox<") {
		t.Error("home does not show the Sandbox badge")
	}
}

func TestArticleAccess(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	free, premium := app.articles()
	premiumLast := lastParagraph(premium.Body)
	tests := []struct {
		name        string
		email       string // "" = anonymous
		slug        string
		wantPaywall bool
		wantText    string
	}{
		{"free article, anonymous", "", free.Slug, false, lastParagraph(free.Body)},
		{"premium article, anonymous", "", premium.Slug, true, firstParagraph(premium.Body)},
		{"premium article, reader without subscription", "reader@example.se", premium.Slug, true, firstParagraph(premium.Body)},
		{"premium article, subscriber", "subscriber@example.se", premium.Slug, false, premiumLast},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := app.client()
			if tt.email != "" {
				if res := c.login(tt.email, demoPassword, "/"); res.Status != http.StatusSeeOther {
					t.Fatalf("login: status %d", res.Status)
				}
			}
			res := c.get("/articles/" + tt.slug)
			if res.Status != http.StatusOK {
				t.Fatalf("status %d", res.Status)
			}
			if got := strings.Contains(res.Body, `data-testid="paywall"`); got != tt.wantPaywall {
				t.Errorf("paywall shown = %v, want %v", got, tt.wantPaywall)
			}
			if !strings.Contains(res.Body, htmlEscape(tt.wantText)) {
				t.Errorf("page lacks %q", tt.wantText)
			}
			if tt.wantPaywall {
				want := `href="/subscribe?return=` + url.QueryEscape("/articles/"+tt.slug) + `"`
				if !strings.Contains(res.Body, want) {
					t.Errorf("subscribe link %s missing", want)
				}
				if strings.Contains(res.Body, htmlEscape(premiumLast)) {
					t.Error("locked article shows its last paragraph")
				}
			}
		})
	}
}

func TestUnknownArticle(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	c := app.client()
	tests := []struct {
		name, accept, want string
	}{
		{"html page", "text/html", `data-testid="error-page"`},
		{"json error", "application/json", `"code":"not_found"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := c.get("/articles/no-such-article", "Accept", tt.accept)
			if res.Status != http.StatusNotFound {
				t.Fatalf("status %d", res.Status)
			}
			if !strings.Contains(res.Body, tt.want) {
				t.Errorf("body lacks %s: %s", tt.want, res.Body)
			}
		})
	}
}

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	res := app.client().get("/")
	csp := res.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'self'", "script-src 'self' " + app.Sandbox.URL, "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if res.Header.Get("X-Content-Type-Options") != "nosniff" || res.Header.Get("X-Request-Id") == "" {
		t.Errorf("missing headers: %v", res.Header)
	}
}

// TestPagesCarryTheirLength: a rendered page goes out with its Content-Length (not chunked: one write less per
// response), and a gzipped one without the uncompressed length.
func TestPagesCarryTheirLength(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	reader := app.client()
	if res := reader.login("subscriber@example.se", demoPassword, "/"); res.Status != http.StatusSeeOther {
		t.Fatalf("login: %d", res.Status)
	}
	tests := []struct {
		name   string
		c      *client
		path   string
		gzip   bool
		status int
	}{
		{"shared front page", app.client(), "/", false, http.StatusOK},
		{"account page", reader, "/account", false, http.StatusOK},
		{"not found page", reader, "/artiklar/no-such-article", false, http.StatusNotFound},
		{"gzipped front page", app.client(), "/", true, http.StatusOK},
		{"gzipped account page", reader, "/account", true, http.StatusOK},
	}
	for _, tt := range tests {
		encoding := "identity" // else Go's transport asks for gzip and unpacks it out of sight
		if tt.gzip {
			encoding = "gzip"
		}
		res := tt.c.get(tt.path, "Accept-Encoding", encoding)
		if res.Status != tt.status {
			t.Errorf("%s: status %d, want %d", tt.name, res.Status, tt.status)
			continue
		}
		length := res.Header.Get("Content-Length")
		if got := res.Header.Get("Content-Encoding"); tt.gzip != (got == "gzip") {
			t.Errorf("%s: Content-Encoding %q", tt.name, got)
		}
		if length != strconv.Itoa(len(res.Body)) && (!tt.gzip || length != "") {
			t.Errorf("%s: Content-Length %q for a body of %d bytes", tt.name, length, len(res.Body))
		}
	}
}

func TestStaticAssetsAreVersioned(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	c := app.client()
	home := c.get("/")
	i := strings.Index(home.Body, `/static/css/app.css?v=`)
	if i < 0 {
		t.Fatal("stylesheet link has no version")
	}
	href := home.Body[i : strings.Index(home.Body[i:], `"`)+i]
	res := c.get(href)
	if res.Status != http.StatusOK || !strings.Contains(res.Header.Get("Cache-Control"), "immutable") {
		t.Fatalf("GET %s: %d %q", href, res.Status, res.Header.Get("Cache-Control"))
	}
	if stale := c.get("/static/css/app.css?v=old"); stale.Header.Get("Cache-Control") != "no-cache" {
		t.Errorf("stale version cached: %q", stale.Header.Get("Cache-Control"))
	}
}

func TestOperations(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	c := app.client()
	if res := c.get("/healthz"); res.Status != http.StatusOK {
		t.Errorf("healthz %d", res.Status)
	}
	if res := c.get("/readyz"); res.Status != http.StatusOK || !strings.Contains(res.Body, `"ready"`) {
		t.Errorf("readyz %d %s", res.Status, res.Body)
	}
	c.get("/")
	if res := c.get("/metrics"); !strings.Contains(res.Body, `paywall_http_requests_total{method="GET",route="/",status="200"}`) {
		t.Errorf("metrics lack the home request:\n%s", res.Body)
	}
	app.Sandbox.Close() // Payway gone: not ready, but still healthy
	if res := c.get("/readyz"); res.Status != http.StatusServiceUnavailable || !strings.Contains(res.Body, `"payway"`) {
		t.Errorf("readyz with Payway down: %d %s", res.Status, res.Body)
	}
	if res := c.get("/healthz"); res.Status != http.StatusOK {
		t.Errorf("healthz with Payway down: %d", res.Status)
	}
}

func TestExpiredAccessTokenIsRefreshed(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	_, premium := app.articles()
	c := app.client()
	if res := c.login("subscriber@example.se", demoPassword, "/"); res.Status != http.StatusSeeOther {
		t.Fatalf("login %d", res.Status)
	}
	app.Clock.Advance(2 * time.Hour) // past the access token's lifetime, within the refresh token's
	res := c.get("/articles/" + premium.Slug)
	if strings.Contains(res.Body, `data-testid="paywall"`) || !strings.Contains(res.Body, `data-testid="user-name"`) {
		t.Fatalf("subscriber lost access after token expiry: %d", res.Status)
	}
}

func firstParagraph(body string) string { return strings.TrimSpace(strings.Split(body, "\n\n")[0]) }

func lastParagraph(body string) string {
	parts := strings.Split(strings.TrimSpace(body), "\n\n")
	return strings.TrimSpace(parts[len(parts)-1])
}

// htmlEscape escapes text the way templ does, so tests can find copy with quotes or apostrophes.
func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(s)
}

// TestTokensRejectedBeforeTheirExpiryAreRenewed: Payway's clock runs two hours ahead of ours, so both the
// app token and the reader's token look valid to us long after Payway has let them lapse. Every page that calls Payway must renew the refused token and carry on, instead of
// telling the reader the service is down (the 503 that made TestExpiredPurchase depend on the date).
func TestTokensRejectedBeforeTheirExpiryAreRenewed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		email    string // "" stays anonymous
		do       func(c *client) response
		want     int
		wantText string
	}{
		{"offers, anonymous (app token)", "", func(c *client) response { return c.get("/subscribe") }, http.StatusOK, `data-testid="offer-monthly"`},
		{"offers, logged in", "reader@example.se", func(c *client) response { return c.get("/subscribe") }, http.StatusOK, `data-testid="offer-monthly"`},
		{"account", "subscriber@example.se", func(c *client) response { return c.get("/account") }, http.StatusOK, `data-testid="user-name"`},
		{"start a purchase", "reader@example.se", func(c *client) response {
			return c.post("/checkout", url.Values{"csrf": {c.csrf("/")}, "offer": {"monthly"}})
		}, http.StatusSeeOther, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var skew atomic.Int64 // how far Payway's clock runs ahead of ours
			app := newTestApp(t, func(s *appSetup) {
				s.sandboxNow = func() time.Time { return s.clock.Now().Add(time.Duration(skew.Load())) }
			})
			c := app.client()
			if tt.email != "" {
				if res := c.login(tt.email, demoPassword, "/"); res.Status != http.StatusSeeOther {
					t.Fatalf("login: %d", res.Status)
				}
			} else if res := c.get("/subscribe"); res.Status != http.StatusOK { // caches the app token
				t.Fatalf("first /subscribe: %d", res.Status)
			}
			skew.Store(int64(2 * time.Hour)) // Payway: past both tokens' lifetime, within the refresh token's
			res := tt.do(c)
			if res.Status != tt.want || !strings.Contains(res.Body, tt.wantText) {
				t.Fatalf("status %d (want %d), body has %q: %v", res.Status, tt.want, tt.wantText, strings.Contains(res.Body, tt.wantText))
			}
			if tt.want == http.StatusSeeOther && !checkoutPath.MatchString(res.Header.Get("Location")) {
				t.Fatalf("redirected to %q, want a checkout page", res.Header.Get("Location"))
			}
		})
	}
}
