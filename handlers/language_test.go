package handlers_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestLanguage: Swedish by default, English when the browser prefers it, and the reader's choice from the
// footer's link kept in a cookie over the browser's; shared pages are kept per language.
func TestLanguage(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	_, premium := app.articles()
	article := "/articles/" + premium.Slug
	tests := []struct {
		name, accept string
		want         string // the html lang attribute
	}{
		{"no preference", "", "sv"},
		{"a Swedish browser", "sv-SE,sv;q=0.9", "sv"},
		{"an English browser", "en-GB,en;q=0.9", "en"},
		{"a German browser reading English", "de-DE,en;q=0.5", "en"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := app.client()
			accept := tt.accept
			if accept == "" {
				accept = "*" // englishBrowser sends en-GB when a request names no language
			}
			for _, path := range []string{"/", article} {
				res := c.get(path, "Accept-Language", accept)
				if !strings.Contains(res.Body, `<html lang="`+tt.want+`">`) || res.Header.Get("Content-Language") != tt.want {
					t.Errorf("%s: want the page in %s, got Content-Language %q", path, tt.want, res.Header.Get("Content-Language"))
				}
			}
		})
	}

	c := app.client()
	res := c.get("/language?to=sv&return="+article, "Accept-Language", "en-GB")
	if res.Status != http.StatusSeeOther || res.Header.Get("Location") != article || c.cookie("lang") != "sv" {
		t.Fatalf("switch to Swedish: %d %q, cookie %q", res.Status, res.Header.Get("Location"), c.cookie("lang"))
	}
	if page := c.get(article, "Accept-Language", "en-GB"); !strings.Contains(page.Body, `<html lang="sv">`) ||
		!strings.Contains(page.Body, `href="/language?to=en&amp;return=`) {
		t.Error("the reader chose Swedish: the page must be Swedish and offer English")
	}
	for _, bad := range []string{"/language?to=xx&return=/", "/language?to=en&return=https://evil.example/"} {
		if res := app.client().get(bad); res.Status != http.StatusSeeOther || strings.Contains(res.Header.Get("Location"), "evil") {
			t.Errorf("%s: %d %q", bad, res.Status, res.Header.Get("Location"))
		}
	}
}
