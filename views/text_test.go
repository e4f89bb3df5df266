package views

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTextEscapesAsTemplDoes: @text(s) is how the pages write element text without templ's per-expression
// allocations; it must escape what `{ s }` escapes, so no reader's name or title can become markup.
func TestTextEscapesAsTemplDoes(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"", ""},
		{"Anna Andersson", "Anna Andersson"},
		{`<script>alert("x")</script>`, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"},
		{"Tom & Jerry's", "Tom &amp; Jerry&#39;s"},
		{"139 kr/mån", "139 kr/mån"},
	}
	for _, tt := range tests {
		var b strings.Builder
		if err := text(tt.in).Render(t.Context(), &b); err != nil {
			t.Fatal(err)
		}
		if b.String() != tt.want {
			t.Errorf("text(%q) wrote %q, want %q", tt.in, b.String(), tt.want)
		}
	}
}

// TestTextCallsStandAlone: templ reads `@text(…)` as a call only where a node may start, and drops the
// whitespace between a call and the text beside it. After other text on its line (`Klarna: @text(x)`) the
// page would show "@text(…)" to the reader; with text beside it (`</strong> @text(x),` or `@text(x) <span`)
// a space the reader sees would go. So a call stands between tags or alone on its line (else `{ … }`), and
// the generated files hold no literal call.
func TestTextCallsStandAlone(t *testing.T) {
	t.Parallel()
	sources, err := filepath.Glob("*.templ")
	if err != nil || len(sources) == 0 {
		t.Fatalf("templates: %v (%d files)", err, len(sources))
	}
	for _, f := range sources {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(src), "\n") {
			for rest := line; ; {
				at := strings.Index(rest, "@text(")
				if at < 0 {
					break
				}
				before := rest[:at]
				after := afterCall(rest[at+len("@text("):])
				if (strings.TrimSpace(before) != "" && !strings.HasSuffix(before, ">")) ||
					(strings.TrimSpace(after) != "" && !strings.HasPrefix(after, "<")) {
					t.Errorf("%s:%d: @text(…) beside text, use { … }: %s", f, i+1, strings.TrimSpace(line))
				}
				rest = after
			}
		}
	}
	generated, _ := filepath.Glob("*_templ.go")
	for _, f := range generated {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(src), "\n") {
			if strings.Contains(line, "templruntime.WriteString(") && strings.Contains(line, "@text(") {
				t.Errorf("%s:%d writes a literal @text(…): %s", f, i+1, strings.TrimSpace(line))
			}
		}
	}
}

// afterCall is what follows the call whose arguments start s (just after "@text(").
func afterCall(s string) string {
	depth, quoted := 1, false
	for i, r := range s {
		switch {
		case r == '"':
			quoted = !quoted
		case quoted:
		case r == '(':
			depth++
		case r == ')':
			if depth--; depth == 0 {
				return s[i+1:]
			}
		}
	}
	return ""
}
