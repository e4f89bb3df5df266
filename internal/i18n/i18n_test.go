package i18n

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the zones tested, also where the machine has no zoneinfo

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
)

// TestEveryMessageIsTranslated fails when a message exists in one language and not the other, or when code
// asks for a message no file has: t(ctx, "Id") in views, tr(c, "Id") and msg("Id") in handlers, .T("Id")
// anywhere.
func TestEveryMessageIsTranslated(t *testing.T) {
	ids, err := Messages()
	if err != nil {
		t.Fatal(err)
	}
	has := map[Lang]map[string]bool{}
	for _, l := range Langs() {
		has[l] = map[string]bool{}
		for _, id := range ids[l] {
			has[l][id] = true
		}
	}
	for _, l := range Langs() {
		for _, other := range Langs() {
			for _, id := range ids[l] {
				if !has[other][id] {
					t.Errorf("%s has %q, %s does not", l, id, other)
				}
			}
		}
	}

	used := regexp.MustCompile(`(?:\bt\(ctx,\s*|\btr\(c,\s*|\bmsg\(|\.T\()"([A-Z][A-Za-z0-9]*)"\s*[,)]`)
	comment := regexp.MustCompile(`(?m)^\s*//.*$`)
	root := filepath.Join("..", "..")
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !(strings.HasSuffix(path, ".templ") || strings.HasSuffix(path, ".go")) || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range used.FindAllSubmatch(comment.ReplaceAll(src, nil), -1) {
			id := string(m[1])
			for _, l := range Langs() {
				if !has[l][id] {
					t.Errorf("%s asks for %q, which %s lacks", path, id, l)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestNegotiate(t *testing.T) {
	b, err := New()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, chosen, accept string
		want                 Lang
	}{
		{"nothing said: Swedish", "", "", Swedish},
		{"a Swedish browser", "", "sv-SE,sv;q=0.9,en;q=0.8", Swedish},
		{"an English browser", "", "en-GB,en;q=0.9", English},
		{"English preferred over Swedish", "", "en-US, sv;q=0.5", English},
		{"a German browser that reads English", "", "de-DE, en;q=0.5", English},
		{"a language we lack: Swedish", "", "de-DE", Swedish},
		{"the reader's choice wins", "sv", "en-GB", Swedish},
		{"the reader chose English", "en", "sv-SE", English},
		{"a forged cookie is ignored", "xx", "en", English},
		{"a malformed header", "", ";;;q=", Swedish},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := b.Negotiate(tt.chosen, tt.accept); got != tt.want {
				t.Errorf("Negotiate(%q, %q) = %s, want %s", tt.chosen, tt.accept, got, tt.want)
			}
		})
	}
}

// TestNegotiateMemoIsBounded: answers are remembered per Accept-Language value, but a client sending new
// values on every request cannot grow the memory without end, and the answers stay right.
func TestNegotiateMemoIsBounded(t *testing.T) {
	b, err := New()
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 * maxPreferred {
		if got := b.Negotiate("", fmt.Sprintf("en-x-%d", i)); got != English {
			t.Fatalf("en-x-%d: %s", i, got)
		}
	}
	b.mu.RLock()
	n := len(b.preferred)
	b.mu.RUnlock()
	if n > maxPreferred {
		t.Errorf("%d remembered values, want at most %d", n, maxPreferred)
	}
	if got := b.Negotiate("", "sv-SE"); got != Swedish {
		t.Errorf("after many values, sv-SE reads %s", got)
	}
}

func TestFormats(t *testing.T) {
	b, err := New()
	if err != nil {
		t.Fatal(err)
	}
	sv, en := b.Localizer(Swedish), b.Localizer(English)
	day := time.Date(2026, time.December, 26, 14, 5, 0, 0, time.UTC)
	nb := "\u00a0"
	tests := []struct {
		name, got, want string
	}{
		{"sv whole kronor", sv.Money(139), "139" + nb + "kr"},
		{"sv öre", sv.Money(99.5), "99,50" + nb + "kr"},
		{"sv thousands", sv.Money(1290), "1" + nb + "290" + nb + "kr"},
		{"en whole kronor", en.Money(139), "SEK 139"},
		{"en öre", en.Money(99.5), "SEK 99.50"},
		{"en thousands", en.Money(1290), "SEK 1,290"},
		{"sv per month", sv.Per(139, "month", 1), "139" + nb + "kr/mån"},
		{"sv per year", sv.Per(1290, "month", 12), "1" + nb + "290" + nb + "kr/år"},
		{"sv per quarter", sv.Per(399, "month", 3), "399" + nb + "kr per 3 månader"},
		{"en per month", en.Per(139, "month", 1), "SEK 139/month"},
		{"en every 3 months", en.Every("month", 3), "3 months"},
		{"sv every month", sv.Every("month", 1), "månad"},
		{"sv every 2 weeks", sv.Every("week", 2), "2 veckor"},
		{"unknown period type", en.Every("fortnight", 2), "2 fortnight"},
		{"sv date", sv.Date(day), "26 december 2026"},
		{"en date", en.Date(day), "26 December 2026"},
		{"sv date and time", sv.DateTime(day), "26 december 2026 14:05"},
		{"tags", sv.Lang().Tag() + " " + en.Lang().Tag(), "sv-SE en-SE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
	if got := sv.T("NoSuchMessage"); got != "NoSuchMessage" {
		t.Errorf("a missing message shows %q, want its id", got)
	}
	if !slices.Contains(Langs(), Swedish) || Langs()[0] != Swedish {
		t.Error("Swedish must come first")
	}
}

// TestSimpleMessagesMatchGoI18n: the messages T fills in itself (simple placeholders only) read exactly
// as go-i18n renders them, for every such message in both languages, with the one and the other plural form.
func TestSimpleMessagesMatchGoI18n(t *testing.T) {
	b, err := New()
	if err != nil {
		t.Fatal(err)
	}
	sources, err := messageSources()
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, lang := range Langs() {
		loc := b.Localizer(lang)
		for id := range loc.simple {
			names := map[string]bool{}
			for _, m := range simplePlaceholder.FindAllStringSubmatch(sources[lang][id].one+sources[lang][id].other, -1) {
				names[m[1]] = true
			}
			for _, count := range []int{1, 3} {
				kv := []any{"Count", count}
				data := map[string]any{"Count": count}
				for n := range names {
					if n != "Count" {
						kv = append(kv, n, "«"+n+"»")
						data[n] = "«" + n + "»"
					}
				}
				cfg := &goi18n.LocalizeConfig{MessageID: id, TemplateData: data}
				if sources[lang][id].one != "" {
					cfg.PluralCount = count
				}
				want, err := loc.l.Localize(cfg)
				if err != nil {
					t.Fatalf("%s %s: %v", lang, id, err)
				}
				if got := loc.T(id, kv...); got != want {
					t.Errorf("%s %s (Count %d) = %q, go-i18n says %q", lang, id, count, got, want)
				}
				checked++
			}
		}
	}
	if checked == 0 {
		t.Fatal("no simple message was checked")
	}
}

// TestDatesInZone: an instant is dated as the zone's clocks show it (a purchase at 00:30 in Stockholm,
// 23:30 UTC, is dated the next day), summer time included; a calendar date stays the day it names.
func TestDatesInZone(t *testing.T) {
	stockholm, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		t.Fatal(err)
	}
	losAngeles, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		t.Fatal(err)
	}
	bundle := func(opts ...Option) *Bundle {
		b, err := New(opts...)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	se, west, utc, none := bundle(InZone(stockholm)), bundle(InZone(losAngeles)), bundle(), bundle(InZone(nil))
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	birthday := time.Date(1990, time.May, 17, 0, 0, 0, 0, time.UTC) // as birthDate parses "1990-05-17"
	tests := []struct {
		name, got, want string
	}{
		{"winter, a minute to midnight in Stockholm", se.Localizer(Swedish).Date(at("2027-01-31T22:59:00Z")), "31 januari 2027"},
		{"winter, half past midnight in Stockholm", se.Localizer(Swedish).Date(at("2027-01-31T23:30:00Z")), "1 februari 2027"},
		{"winter, English", se.Localizer(English).Date(at("2027-01-31T23:30:00Z")), "1 February 2027"},
		{"summer time, a minute to midnight", se.Localizer(Swedish).Date(at("2027-06-30T21:59:00Z")), "30 juni 2027"},
		{"summer time, half past midnight", se.Localizer(Swedish).Date(at("2027-06-30T22:30:00Z")), "1 juli 2027"},
		{"new year in Stockholm before UTC", se.Localizer(Swedish).DateTime(at("2026-12-31T23:05:00Z")), "1 januari 2027 00:05"},
		{"new year, English", se.Localizer(English).DateTime(at("2026-12-31T23:05:00Z")), "1 January 2027, 00:05"},
		{"no zone is UTC", utc.Localizer(Swedish).DateTime(at("2026-12-31T23:05:00Z")), "31 december 2026 23:05"},
		{"a nil zone is UTC", none.Localizer(Swedish).Date(at("2027-01-31T23:30:00Z")), "31 januari 2027"},
		{"an instant west of UTC is the day before", west.Localizer(Swedish).Date(birthday), "16 maj 1990"},
		{"a calendar date stays its day", west.Localizer(Swedish).CalendarDate(birthday), "17 maj 1990"},
		{"a calendar date in Stockholm", se.Localizer(English).CalendarDate(birthday), "17 May 1990"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}
