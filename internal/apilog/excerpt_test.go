package apilog

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestExcerpt(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("å", MaxExcerpt) // 2 bytes a rune: the cut lands inside a rune
	tests := []struct {
		name string
		in   string
		want func(string) bool
	}{
		{"short body kept, trimmed", "  <h1>Bad gateway</h1>\n", func(s string) bool { return s == "<h1>Bad gateway</h1>" }},
		{"invalid UTF-8 replaced", "a\xffb", func(s string) bool { return s == "a\uFFFDb" }},
		{"long body cut on a rune boundary", long, func(s string) bool {
			return utf8.ValidString(s) && strings.HasSuffix(s, "…") && len(s) <= MaxExcerpt+len("…")
		}},
	}
	for _, tt := range tests {
		if got := Excerpt([]byte(tt.in)); !tt.want(got) {
			t.Errorf("%s: Excerpt = %q", tt.name, got)
		}
	}
}
