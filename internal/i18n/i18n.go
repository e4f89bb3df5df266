// Package i18n gives every page its reader's language. Norrby Tidning is a Swedish paper and Klarna through
// Payway is sold in Sweden only, so Swedish comes first; English is for readers whose browser prefers it or
// who choose it (the footer's link, remembered in a cookie). Messages live in locales/<area>.<lang>.toml
// (go-i18n message files); money, periods and dates are formatted here, the Swedish or the English way.
package i18n

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"sync"
	"time"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"github.com/pelletier/go-toml/v2"
	"golang.org/x/text/language"
)

// Lang is a language the pages are written in.
type Lang string

// The languages of the pages: Swedish first.
const (
	Swedish Lang = "sv"
	English Lang = "en"
)

// Langs lists the languages, the default first.
func Langs() []Lang { return []Lang{Swedish, English} }

// Parse is the language named by s ("sv", "en"), and whether s names one.
func Parse(s string) (Lang, bool) {
	switch Lang(strings.ToLower(strings.TrimSpace(s))) {
	case Swedish:
		return Swedish, true
	case English:
		return English, true
	}
	return Swedish, false
}

// Tag is the language's BCP 47 tag for the market (the html lang attribute, Klarna's locale): sv-SE, en-SE.
func (l Lang) Tag() string {
	if l == English {
		return "en-SE"
	}
	return "sv-SE"
}

//go:embed locales/*.toml
var localeFiles embed.FS

// Bundle holds every message in every language. Build one with New; safe for concurrent use.
type Bundle struct {
	bundle     *goi18n.Bundle
	matcher    language.Matcher
	localizers map[Lang]*Localizer

	// preferred remembers the language of each Accept-Language value seen (browsers send few distinct
	// ones; parsing and matching one cost a few µs of every page view). Bounded: cleared when full.
	mu        sync.RWMutex
	preferred map[string]Lang
}

// maxPreferred bounds Bundle.preferred (a client inventing headers cannot grow it without end).
const maxPreferred = 1000

// Option changes how New's localizers format.
type Option func(*options)

type options struct{ zone *time.Location }

// InZone makes the localizers write the dates of instants (an article's publication, a purchase) as
// the clocks of zone show them: a Swedish paper's dates are Sweden's, so a purchase at 00:30 in Stockholm
// is dated that day, not the day before as in UTC. Without it, and with a nil zone, dates are UTC's.
func InZone(zone *time.Location) Option { return func(o *options) { o.zone = zone } }

// New loads the embedded message files. A file whose name does not end in .sv.toml or .en.toml, or that
// does not parse, is an error: a broken translation must fail the start, not show message ids to readers.
func New(opts ...Option) (*Bundle, error) {
	o := options{zone: time.UTC}
	for _, opt := range opts {
		opt(&o)
	}
	if o.zone == nil {
		o.zone = time.UTC
	}
	b := goi18n.NewBundle(language.Swedish)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	files, err := fs.Glob(localeFiles, "locales/*.toml")
	if err != nil {
		return nil, fmt.Errorf("i18n: %w", err)
	}
	for _, f := range files {
		if _, ok := fileLang(f); !ok {
			return nil, fmt.Errorf("i18n: %s: name it <area>.sv.toml or <area>.en.toml", f)
		}
		if _, err := b.LoadMessageFileFS(localeFiles, f); err != nil {
			return nil, fmt.Errorf("i18n: %s: %w", f, err)
		}
	}
	out := &Bundle{bundle: b, matcher: language.NewMatcher([]language.Tag{language.Swedish, language.English}),
		localizers: map[Lang]*Localizer{}, preferred: map[string]Lang{}}
	sources, err := messageSources()
	if err != nil {
		return nil, err
	}
	for _, l := range Langs() {
		loc := newLocalizer(b, l, o.zone)
		loc.warm(sources[l])
		out.localizers[l] = loc
	}
	return out, nil
}

// fileLang is the language of a message file by its name (checkout.sv.toml → sv).
func fileLang(name string) (Lang, bool) {
	base := strings.TrimSuffix(path.Base(name), ".toml")
	i := strings.LastIndexByte(base, '.')
	if i < 0 {
		return "", false
	}
	return Parse(base[i+1:])
}

// Localizer is the localizer of a language (never nil: an unknown language gets Swedish's).
func (b *Bundle) Localizer(l Lang) *Localizer {
	if loc, ok := b.localizers[l]; ok {
		return loc
	}
	return b.localizers[Swedish]
}

// Negotiate is the reader's language: the one they chose (the cookie's value) when it is one of ours, else
// the one their browser prefers among ours (Accept-Language; "de, en;q=0.5" gets English), else Swedish.
func (b *Bundle) Negotiate(chosen, acceptLanguage string) Lang {
	if l, ok := Parse(chosen); ok {
		return l
	}
	if acceptLanguage == "" {
		return Swedish
	}
	b.mu.RLock()
	l, ok := b.preferred[acceptLanguage]
	b.mu.RUnlock()
	if ok {
		return l
	}
	l = b.match(acceptLanguage)
	b.mu.Lock()
	if len(b.preferred) >= maxPreferred {
		clear(b.preferred)
	}
	b.preferred[acceptLanguage] = l
	b.mu.Unlock()
	return l
}

// match is the language a browser's Accept-Language prefers among ours, Swedish when none.
func (b *Bundle) match(acceptLanguage string) Lang {
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return Swedish
	}
	_, i, confidence := b.matcher.Match(tags...)
	if confidence == language.No {
		return Swedish
	}
	return Langs()[i]
}

type ctxKey struct{}

// With returns ctx carrying the localizer, for the views (templ passes ctx to every component).
func With(ctx context.Context, l *Localizer) context.Context {
	return context.WithValue(ctx, ctxKey{}, l)
}

// From is the localizer ctx carries; without one, a Swedish localizer of messages without translations
// (ids shown as they are), so a component rendered outside a request still renders.
func From(ctx context.Context) *Localizer {
	if l, ok := ctx.Value(ctxKey{}).(*Localizer); ok {
		return l
	}
	return &Localizer{lang: Swedish}
}

// Messages are the message ids of each language, read from the message files (for
// TestEveryMessageIsTranslated).
func Messages() (map[Lang][]string, error) {
	sources, err := messageSources()
	if err != nil {
		return nil, err
	}
	out := map[Lang][]string{}
	for l, msgs := range sources {
		for id := range msgs {
			out[l] = append(out[l], id)
		}
	}
	return out, nil
}

// messageSource is a message as its file writes it: one text, or plural forms (one, other).
type messageSource struct{ one, other string }

// messageSources reads every message file: the messages of each language by id.
func messageSources() (map[Lang]map[string]messageSource, error) {
	files, err := fs.Glob(localeFiles, "locales/*.toml")
	if err != nil {
		return nil, fmt.Errorf("i18n: %w", err)
	}
	out := map[Lang]map[string]messageSource{}
	for _, f := range files {
		l, ok := fileLang(f)
		if !ok {
			return nil, fmt.Errorf("i18n: %s: name it <area>.sv.toml or <area>.en.toml", f)
		}
		raw, err := localeFiles.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("i18n: %w", err)
		}
		var m map[string]any
		if err := toml.Unmarshal(raw, &m); err != nil {
			return nil, fmt.Errorf("i18n: %s: %w", f, err)
		}
		if out[l] == nil {
			out[l] = map[string]messageSource{}
		}
		for id, v := range m {
			switch v := v.(type) {
			case string:
				out[l][id] = messageSource{other: v}
			case map[string]any:
				one, _ := v["one"].(string)
				other, _ := v["other"].(string)
				out[l][id] = messageSource{one: one, other: other}
			default:
				return nil, fmt.Errorf("i18n: %s: %s is neither a text nor plural forms", f, id)
			}
		}
	}
	return out, nil
}
