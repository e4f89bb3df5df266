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

// TestNoTextCallLeftAsText: templ reads `@text(…)` as a component call only where a new node may start;
// after other text on the same line (`Klarna: @text(x)`, `, @text(x)`) it is printed as it stands, and the
// page shows "@text(…)" to the reader. The generated files must hold no such literal.
func TestNoTextCallLeftAsText(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*_templ.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("generated templates: %v (%d files)", err, len(files))
	}
	for _, f := range files {
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
