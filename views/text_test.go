package views

import (
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
