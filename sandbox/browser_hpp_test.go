package sandbox

import "testing"

// The hosted page writes amounts as Klarna's pages do in the session's language.
func TestFormatAmount(t *testing.T) {
	t.Parallel()
	tests := []struct {
		minor            int64
		currency, locale string
		want             string
	}{
		{13900, "SEK", "sv-SE", "139,00 kr"},
		{13900, "SEK", "en-SE", "139.00 SEK"},
		{139000, "SEK", "sv-SE", "1\u00a0390,00 kr"},
		{123456789, "SEK", "sv-SE", "1\u00a0234\u00a0567,89 kr"},
		{-2905, "SEK", "sv-SE", "-29,05 kr"},
		{5, "EUR", "sv-FI", "0,05 EUR"},
		{13900, "SEK", "", "139.00 SEK"},
		{-2905, "EUR", "en-GB", "-29.05 EUR"},
	}
	for _, tt := range tests {
		if got := formatAmount(tt.minor, tt.currency, tt.locale); got != tt.want {
			t.Errorf("formatAmount(%d, %q, %q) = %q, want %q", tt.minor, tt.currency, tt.locale, got, tt.want)
		}
	}
}
