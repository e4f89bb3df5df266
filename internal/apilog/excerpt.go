package apilog

import (
	"strings"
	"unicode/utf8"
)

// MaxExcerpt bounds how much of a non-JSON error body the clients keep as the error's message.
const MaxExcerpt = 512

// Excerpt returns body as trimmed, valid UTF-8 of at most MaxExcerpt bytes (cut on a rune boundary, with
// "…" when cut), so an HTML error page from a proxy becomes a readable, bounded error message.
func Excerpt(body []byte) string {
	s := strings.TrimSpace(strings.ToValidUTF8(string(body), "\uFFFD"))
	if len(s) <= MaxExcerpt {
		return s
	}
	cut := MaxExcerpt
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
