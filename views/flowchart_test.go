package views

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRecoveryChartIsTheGuides(t *testing.T) {
	t.Parallel()
	want := map[string]string{
		"A": "Token-based purchase attempt fails on-session",
		"B": "Klarna returns error response with failure session",
		"C": "Does the response contain the step-up trigger?",
		"D": "Handle error normally or retry token flow",
		"E": "Create new Klarna Payments session",
		"F": "Integration type",
		"G": "Use client_token to init Klarna Payments SDK",
		"H": "Create HPP session using KP session_id",
		"I": "Call authorize to render Klarna widget",
		"J": "Redirect customer to Klarna using redirect_url",
		"K": "Customer completed authorization",
		"L": "Use authorization_token to create order server-side",
	}
	f := RecoveryChart()
	if len(f.Nodes) != len(want) {
		t.Fatalf("%d nodes, want %d", len(f.Nodes), len(want))
	}
	for _, n := range f.Nodes {
		if n.Label != want[n.ID] {
			t.Errorf("node %s: %q, want %q", n.ID, n.Label, want[n.ID])
		}
		if n.Decision != (n.ID == "F") {
			t.Errorf("node %s: decision %v", n.ID, n.Decision)
		}
	}
	edges := []FlowEdge{{"A", "B", ""}, {"B", "C", ""}, {"C", "D", "No"}, {"C", "E", "Yes"}, {"E", "F", ""},
		{"F", "G", "SDK"}, {"F", "H", "HPP"}, {"G", "I", ""}, {"H", "J", ""}, {"I", "K", ""}, {"J", "K", ""}, {"K", "L", ""}}
	if len(f.Edges) != len(edges) {
		t.Fatalf("edges %v, want %v", f.Edges, edges)
	}
	for i, e := range edges {
		if f.Edges[i] != e {
			t.Errorf("edge %d: %+v, want %+v", i, f.Edges[i], e)
		}
	}
}

// TestRecoveryChartMatchesTheSeed compares the embedded mermaid with the Klarna document it was copied
// from, when that document is around (it lives outside the repository, in ../shared/seeds).
func TestRecoveryChartMatchesTheSeed(t *testing.T) {
	t.Parallel()
	matches, _ := filepath.Glob(filepath.Join("..", "..", "shared", "seeds", "*.txt"))
	for _, m := range matches {
		b, err := os.ReadFile(m)
		if err != nil || !strings.Contains(string(b), "flowchart TD") {
			continue
		}
		if !strings.Contains(string(b), strings.TrimSpace(recoveryMermaid)) {
			t.Errorf("%s: its flowchart differs from views/flowchart_recovery.mmd", m)
		}
		return
	}
	t.Skip("the Klarna seed document is not next to the repository")
}

func TestParseMermaid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, src string
		nodes     int
		edges     int
		wantErr   string
	}{
		{"chain", "flowchart TD\nA[one] --> B{two}\nB -->|yes| C[three]", 3, 2, ""},
		{"node defined later", "flowchart TD\nA --> B\nA[one]\nB[two]", 2, 1, ""},
		{"no header", "A[one] --> B[two]", 0, 0, "header"},
		{"label missing", "flowchart TD\nA --> B[two]", 0, 0, "no label"},
		{"defined twice differently", "flowchart TD\nA[one] --> B[two]\nB[other] --> C[three]", 0, 0, "twice"},
		{"not a node", "flowchart TD\nA[one] --> (B)", 0, 0, "not a node"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nodes, edges, err := ParseMermaid(tt.src)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || len(nodes) != tt.nodes || len(edges) != tt.edges {
				t.Fatalf("%d nodes, %d edges, %v", len(nodes), len(edges), err)
			}
		})
	}
}

func TestFlowchartSVG(t *testing.T) {
	t.Parallel()
	path := FlowPath{Steps: []string{"A", "B", "C", "E", "F", "H", "J"}, Taken: [][2]string{{"A", "B"}, {"B", "C"}, {"C", "E"}, {"E", "F"}, {"F", "H"}, {"H", "J"}}}
	var buf bytes.Buffer
	if err := FlowchartSVG(RecoveryChart(), path).Render(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	svg := buf.String()
	for _, want := range []string{
		`role="img"`, `aria-labelledby="recovery-title recovery-desc"`, `<title id="recovery-title">`,
		`<desc id="recovery-desc">Path taken: A, B, C, E, F, H, J. Current step: J, Redirect customer to Klarna using redirect_url.</desc>`,
		`data-node="J" data-state="current"`, `data-node="A" data-state="visited"`, `data-node="D" data-state=""`,
		`data-edge="F-H"`, `url(#recovery-arrow-on)`, `>now<`, `data-testid="path-recovery"`,
		"step-up trigger?", // the label is escaped text, never markup
	} {
		if !strings.Contains(svg, want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	if strings.Count(svg, "data-node=") != 12 {
		t.Errorf("%d nodes drawn, want 12", strings.Count(svg, "data-node="))
	}

	buf.Reset()
	failed := FlowPath{Steps: []string{"1", "2"}, Taken: [][2]string{{"1", "2"}}, Failed: "2"}
	if err := FlowchartSVG(PurchaseChart(), failed).Render(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`data-node="2" data-state="failed"`, `>failed<`, "Failed at: 2, Create session.", "(failed here)"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("failed path SVG lacks %q", want)
		}
	}
}

func TestWrap(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text  string
		width int
		want  []string
	}{
		{"Integration type", 14, []string{"Integration", "type"}},
		{"a b c", 3, []string{"a b", "c"}},
		{"averyveryverylongword", 5, []string{"averyveryverylongword"}},
		{"", 5, nil},
	}
	for _, tt := range tests {
		if got := wrap(tt.text, tt.width); strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("wrap(%q, %d) = %q, want %q", tt.text, tt.width, got, tt.want)
		}
	}
}
