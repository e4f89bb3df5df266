package views

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/a-h/templ"

	"github.com/paywall/paywall/internal/i18n"
)

// TestFramedLayoutIsTheLayout: a page written from its frame (Layout with Frames) is byte for byte what the
// layout template renders, in every variant and with values that need escaping, so the frames are only a
// faster way to write the same page. Each frame is used twice, to show a cached frame takes new values.
func TestFramedLayoutIsTheLayout(t *testing.T) {
	t.Parallel()
	bundle, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	asset := func(name string) string { return "/static/" + name + "?v=abc123" }
	demo := &DemoBar{}
	type values struct {
		title, name, csrf, requestID, path string
	}
	plain := values{"Checkout", "Anna Andersson", "tok3n", "req-1", "/checkout/p1"}
	hostile := values{`<b>"Ä & Ö"</b>`, `Tom & "Jerry" <script>`, `a"b<c>&`, `id<&>"'`, `/artiklar/x?y=<1>&z="2"#'`}
	tests := []struct {
		name     string
		lang     i18n.Lang
		env      string
		loggedIn bool
		demo     bool
		wide     bool
		noID     bool
	}{
		{name: "logged in", lang: i18n.Swedish, env: "Sandbox", loggedIn: true},
		{name: "logged in english", lang: i18n.English, env: "Sandbox", loggedIn: true},
		{name: "anonymous", lang: i18n.Swedish, env: "Sandbox"},
		{name: "anonymous english no request id", lang: i18n.English, env: "Sandbox", noID: true},
		{name: "live", lang: i18n.Swedish, env: "Live", loggedIn: true},
		{name: "live anonymous english", lang: i18n.English, env: "Live"},
		{name: "demo strip", lang: i18n.Swedish, env: "Sandbox", loggedIn: true, demo: true},
		{name: "wide demo console", lang: i18n.English, env: "Sandbox", loggedIn: true, wide: true, demo: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := i18n.With(context.Background(), bundle.Localizer(tt.lang))
			frames := &Frames{}
			for i, v := range []values{plain, hostile, {requestID: "r"}} {
				p := Page{Title: v.title, Env: tt.env, CSRF: v.csrf, RequestID: v.requestID, Asset: asset, Wide: tt.wide, Path: v.path}
				if tt.noID {
					p.RequestID = ""
				}
				if tt.loggedIn {
					p.User = &User{Name: v.name, Email: "anna@example.se"}
				}
				if tt.demo {
					p.Demo = demo
				}
				body := rawText(fmt.Sprintf("<p>page %d</p>", i))
				want := renderLayout(t, ctx, p, body)
				p.Frames = frames
				got := renderLayout(t, ctx, p, body)
				if got != want {
					t.Errorf("values %d: framed layout differs from the template\n got: %s\nwant: %s", i, got, want)
				}
			}
			if len(frames.m) != 1 {
				t.Errorf("%d frames for one variant, want 1", len(frames.m))
			}
			for k, fr := range frames.m {
				if fr == nil {
					t.Errorf("frame %+v could not be cut: the template writes a placeholder other than once", k)
				}
			}
		})
	}
}

func renderLayout(t *testing.T, ctx context.Context, p Page, body templ.Component) string {
	t.Helper()
	var b strings.Builder
	if err := Layout(p).Render(templ.WithChildren(ctx, body), &b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestOncePartIsThePart: a part written through Page.once is what the component renders, in each language
// (rendered once per language, not once for the first reader's language).
func TestOncePartIsThePart(t *testing.T) {
	t.Parallel()
	bundle, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	frames := &Frames{}
	seen := map[string]i18n.Lang{}
	for _, lang := range []i18n.Lang{i18n.Swedish, i18n.English, i18n.Swedish, i18n.English} {
		ctx := i18n.With(context.Background(), bundle.Localizer(lang))
		var want, got strings.Builder
		if err := payTextsHolder().Render(ctx, &want); err != nil {
			t.Fatal(err)
		}
		if err := (Page{Frames: frames}).once("pay-texts", payTextsHolder()).Render(ctx, &got); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("%s: once wrote %q, want %q", lang, got.String(), want.String())
		}
		if other, ok := seen[got.String()]; ok && other != lang {
			t.Errorf("%s got %s's texts", lang, other)
		}
		seen[got.String()] = lang
	}
	if len(seen) != 2 {
		t.Errorf("%d different texts for two languages, want 2", len(seen))
	}
}

// TestCategoryChoicesOnceAreTheChoices: the payment categories written through Page.once are what
// categoryChoices renders for that list in that language, whichever list or language came first (lists that
// differ only in a name, an asset or their order are different parts), and the parts stay bounded.
func TestCategoryChoicesOnceAreTheChoices(t *testing.T) {
	t.Parallel()
	bundle, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	klarna := Category{Identifier: "klarna", Name: "Pay with Klarna", AssetURL: "https://x.klarnacdn.net/badge/klarna.svg"}
	lists := [][]Category{
		{klarna},
		{klarna, {Identifier: "direct_debit", Name: "Direct debit"}},
		{{Identifier: "direct_debit", Name: "Direct debit"}, klarna},
		{{Identifier: "klarna", Name: "Betala med Klarna", AssetURL: klarna.AssetURL}},
		{{Identifier: "klarna", Name: "Pay with Klarna", AssetURL: "https://x.klarnacdn.net/badge/other.svg"}},
		{{Identifier: "pay_now", Name: `<b>"Now" & later</b>`, AssetURL: `https://x.test/a.svg?x=1&y="2"`}},
		{{Identifier: "a 1:b", Name: ""}}, {{Identifier: "a", Name: "b"}}, // no two lists share a name
		nil,
	}
	frames := &Frames{}
	for round := range 2 {
		for i, cats := range lists {
			for _, lang := range []i18n.Lang{i18n.Swedish, i18n.English} {
				ctx := i18n.With(context.Background(), bundle.Localizer(lang))
				var want, got strings.Builder
				if err := categoryChoices(cats).Render(ctx, &want); err != nil {
					t.Fatal(err)
				}
				if err := (Page{Frames: frames}).once(categoriesPart(cats), categoryChoices(cats)).Render(ctx, &got); err != nil {
					t.Fatal(err)
				}
				if got.String() != want.String() {
					t.Errorf("round %d, list %d, %s: once wrote\n%s\nwant\n%s", round, i, lang, got.String(), want.String())
				}
			}
		}
	}
	for i := range maxParts + 10 {
		cats := []Category{{Identifier: "c", Name: strings.Repeat("n", i)}}
		if err := (Page{Frames: frames}).once(categoriesPart(cats), categoryChoices(cats)).Render(context.Background(), io.Discard); err != nil {
			t.Fatal(err)
		}
	}
	frames.mu.RLock()
	defer frames.mu.RUnlock()
	if n := len(frames.parts); n > maxParts {
		t.Errorf("%d parts kept, want at most %d", n, maxParts)
	}
}
