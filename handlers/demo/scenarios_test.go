package demo

import (
	"strings"
	"testing"

	"github.com/paywall/paywall/internal/i18n"
)

// TestEveryScenarioHasStripText: each scenario of the picker has its title and instruction for the demo
// strip in every language, translated (not the message id), with the one-click price filled in; and every
// reason a scenario resets the demo data has its sentence.
func TestEveryScenarioHasStripText(t *testing.T) {
	t.Parallel()
	b, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, s := range demoScenarios {
		if seen[s.ID] {
			t.Errorf("scenario id %q is used twice", s.ID)
		}
		seen[s.ID] = true
	}
	for _, lang := range i18n.Langs() {
		l := b.Localizer(lang)
		price := l.Money(29)
		for _, s := range demoScenarios {
			t.Run(string(lang)+"/"+s.ID, func(t *testing.T) {
				title, instruction, ok := stripText(l, s.ID, price)
				if !ok {
					t.Fatalf("no strip text for scenario %q", s.ID)
				}
				for _, text := range []string{title, instruction} {
					// A missing message shows its id: one word, no space.
					if !strings.Contains(text, " ") || strings.Contains(text, "{{") {
						t.Errorf("strip text %q is missing or not filled in", text)
					}
				}
				if s.Journey != journeyCheckout && !strings.Contains(instruction, price) {
					t.Errorf("one-click instruction %q does not name the price %q", instruction, price)
				}
			})
		}
		for _, code := range []string{resetSubscribed, resetOwnsArchive, resetRecovered, resetSavedKlarna, resetTokenRemoved} {
			if got := resetText(l, code, "Rita Reader"); !strings.Contains(got, "Rita Reader") || strings.Contains(got, "{{") {
				t.Errorf("%s: reset %q: %q", lang, code, got)
			}
		}
		if got := resetText(l, "", "Rita Reader"); got != "" {
			t.Errorf("%s: no reset: %q, want nothing", lang, got)
		}
	}
	if _, _, ok := stripText(b.Localizer(i18n.Swedish), "nope", ""); ok {
		t.Error("an unknown scenario has strip text")
	}
}

// TestClockOffsetText: how the console says how far the sandbox's clock is from real time.
func TestClockOffsetText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		seconds int64
		want    string
	}{
		{0, ""},
		{49 * 3600, "49 h ahead"},
		{-3600, "1 h behind"},
		{30 * 60, "30 min ahead"},
		{90, "1m30s ahead"},
	}
	for _, tt := range tests {
		if got := clockOffsetText(tt.seconds); got != tt.want {
			t.Errorf("clockOffsetText(%d) = %q, want %q", tt.seconds, got, tt.want)
		}
	}
}
