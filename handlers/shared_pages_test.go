package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestSharedPages: readers without a session get the home page, articles and offers rendered once and shared:
// the same bytes for each, no cookie set, nothing of anyone's own on them. A reader with a session gets a
// page of their own, and a subscriber still gets the whole article.
func TestSharedPages(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	_, premium := app.articles()
	article := "/articles/" + premium.Slug
	tests := []struct {
		name, path string
	}{
		{"home", "/"},
		{"premium article", article},
		{"offers", "/subscribe?return=" + article},
		{"offers with one chosen", "/subscribe?offer=yearly&return=" + article},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			first, second := app.client().get(tt.path), app.client().get(tt.path)
			if first.Status != http.StatusOK || second.Status != http.StatusOK {
				t.Fatalf("status %d, %d", first.Status, second.Status)
			}
			if first.Body != second.Body {
				t.Error("two readers without a session got different pages")
			}
			if got := first.Header.Values("Set-Cookie"); len(got) != 0 {
				t.Errorf("shared page sets cookies %q", got)
			}
			if id := first.Header.Get("X-Request-ID"); id == "" || strings.Contains(first.Body, id) {
				t.Errorf("request id %q missing from the header or written into the shared body", id)
			}
			if strings.Contains(first.Body, `name="csrf"`) || strings.Contains(first.Body, `data-testid="user-name"`) {
				t.Error("shared page carries a form token or a reader's name")
			}
		})
	}

	subscriber := app.client()
	if res := subscriber.login("subscriber@example.se", demoPassword, "/"); res.Status != http.StatusSeeOther {
		t.Fatalf("login: %d", res.Status)
	}
	own := subscriber.get(article)
	if !strings.Contains(own.Body, `data-testid="article-body"`) || strings.Contains(own.Body, `data-testid="paywall"`) {
		t.Error("the subscriber got the shared, locked article")
	}
	if !strings.Contains(own.Body, `data-testid="user-name"`) || !strings.Contains(own.Body, own.Header.Get("X-Request-ID")) {
		t.Error("the subscriber's page lacks their name or the request id")
	}
	if anonymous := app.client().get(article); !strings.Contains(anonymous.Body, `data-testid="paywall"`) {
		t.Error("after a subscriber's view, a reader without a session sees the article unlocked")
	}
}

// TestCSRFCookieFollowsTheSession: a logged-in reader whose _csrf cookie expired (a day) before the session
// (a week) gets the session's token back with the next page, so its forms post a token both checks accept,
// even from a browser that sends no Sec-Fetch-Site.
func TestCSRFCookieFollowsTheSession(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	c := app.client()
	if res := c.login("reader@example.se", demoPassword, "/"); res.Status != http.StatusSeeOther {
		t.Fatalf("login: %d", res.Status)
	}
	sessionToken := c.cookie("_csrf")
	u, _ := url.Parse(app.URL)
	c.http.Jar.SetCookies(u, []*http.Cookie{{Name: "_csrf", Value: "", Path: "/", MaxAge: -1}})
	token := c.csrf("/account")
	if token != sessionToken || c.cookie("_csrf") != sessionToken {
		t.Fatalf("after the cookie expired the page carries %q and the cookie %q, want the session's %q", token, c.cookie("_csrf"), sessionToken)
	}
	if res := c.post("/logout", url.Values{"csrf": {token}}); res.Status != http.StatusSeeOther {
		t.Fatalf("logout with the renewed cookie: %d", res.Status)
	}
}
