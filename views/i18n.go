package views

import (
	"context"

	"github.com/paywall/paywall/internal/i18n"
	"github.com/paywall/paywall/internal/paths"
)

// t is the message with the id in the reader's language (the localizer the handlers put on the request's
// context); kv are template data as name/value pairs. Every id must be in every language's message file
// (internal/i18n's TestEveryMessageIsTranslated looks for t(ctx, "Id") calls).
func t(ctx context.Context, id string, kv ...any) string { return i18n.From(ctx).T(id, kv...) }

// loc is the reader's localizer: money, periods and dates in their language.
func loc(ctx context.Context) *i18n.Localizer { return i18n.From(ctx) }

// htmlLang is the page's lang attribute.
func htmlLang(ctx context.Context) string { return string(i18n.From(ctx).Lang()) }

// otherLang is the language the footer offers: the one the page is not in.
func otherLang(ctx context.Context) string {
	if i18n.From(ctx).Lang() == i18n.English {
		return string(i18n.Swedish)
	}
	return string(i18n.English)
}

// languageSwitch is the footer's link to the page in the other language.
func languageSwitch(ctx context.Context, path string) string {
	if path == "" {
		path = paths.Home
	}
	return paths.SwitchLanguage(otherLang(ctx), path)
}
