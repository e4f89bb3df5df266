package sandbox

import (
	"reflect"
	"testing"
)

// TestFrameTextsFollowTheSessionLocale: Klarna's pages are Swedish for a Swedish session and English for
// any other locale, or none.
func TestFrameTextsFollowTheSessionLocale(t *testing.T) {
	t.Parallel()
	tests := []struct {
		locale, lang, continueButton, codeHeading string
	}{
		{"sv-SE", "sv", "Fortsätt", "Ange koden vi skickade"},
		{"sv-FI", "sv", "Fortsätt", "Ange koden vi skickade"},
		{"SV-se", "sv", "Fortsätt", "Ange koden vi skickade"},
		{"en-SE", "en", "Continue", "Enter the code we sent"},
		{"en-GB", "en", "Continue", "Enter the code we sent"},
		{"de-DE", "en", "Continue", "Enter the code we sent"},
		{"", "en", "Continue", "Enter the code we sent"},
	}
	for _, tt := range tests {
		t.Run(tt.locale, func(t *testing.T) {
			got := frameTextsFor(tt.locale)
			if got.Lang != tt.lang || got.Continue != tt.continueButton || got.CodeHeading != tt.codeHeading {
				t.Errorf("frameTextsFor(%q) = lang %q, %q, %q; want %q, %q, %q", tt.locale,
					got.Lang, got.Continue, got.CodeHeading, tt.lang, tt.continueButton, tt.codeHeading)
			}
		})
	}
}

// TestFrameTextsComplete: neither language leaves a text of the pages empty.
func TestFrameTextsComplete(t *testing.T) {
	t.Parallel()
	for _, texts := range []frameTexts{svFrameTexts(), enFrameTexts()} {
		v := reflect.ValueOf(texts)
		for i := range v.NumField() {
			if v.Field(i).String() == "" {
				t.Errorf("%s texts: %s is empty", texts.Lang, v.Type().Field(i).Name)
			}
		}
	}
}

// TestFrameTextsWithEmail: the e-mail typed goes into a note escaped, as code.
func TestFrameTextsWithEmail(t *testing.T) {
	t.Parallel()
	got := enFrameTexts().WithEmail("Sandbox: %s is not valid.", `<b>a&b</b>`)
	if want := "Sandbox: <code>&lt;b&gt;a&amp;b&lt;/b&gt;</code> is not valid."; string(got) != want {
		t.Errorf("WithEmail = %q, want %q", got, want)
	}
}
