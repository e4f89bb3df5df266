package views

import (
	_ "embed"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// The demo console's two flowcharts, drawn server-side as SVG (demo_flowchart.templ): Klarna's token
// recovery flow and Payway's purchase flow. Each is a fixed layout of boxes; a FlowPath (derived by the
// handlers from a purchase's timeline) says which of them this purchase went through.

// recoveryMermaid is the flowchart of Klarna's "recover token charge failure" guide, copied verbatim from
// the Klarna document in ../shared/seeds: the chart is parsed from it, so its boxes and arrows cannot drift
// from the guide's.
//
//go:embed flowchart_recovery.mmd
var recoveryMermaid string

// FlowNode is one box (or, for a decision, diamond) of a flowchart.
type FlowNode struct {
	ID       string
	Label    string
	Detail   string // a second, smaller line: the API call or page behind the step
	Decision bool   // drawn as a diamond ({label} in mermaid)
	X, Y     int    // centre
	W, H     int
}

// FlowEdge is an arrow between two boxes, with an optional label ("Yes", "SDK").
type FlowEdge struct{ From, To, Label string }

// Flowchart is a chart with its layout.
type Flowchart struct {
	ID            string // unique on a page: prefixes the SVG's element ids
	Title         string
	Width, Height int
	Nodes         []FlowNode
	Edges         []FlowEdge
}

// Node finds a node by id.
func (f Flowchart) Node(id string) (FlowNode, bool) {
	for _, n := range f.Nodes {
		if n.ID == id {
			return n, true
		}
	}
	return FlowNode{}, false
}

// HasEdge reports whether the chart has an arrow from one node to another.
func (f Flowchart) HasEdge(from, to string) bool {
	for _, e := range f.Edges {
		if e.From == from && e.To == to {
			return true
		}
	}
	return false
}

// FlowPath is the way one purchase went through a chart.
type FlowPath struct {
	Steps  []string    // node ids in the order the purchase reached them; the last is the current step
	Taken  [][2]string // arrows followed, from -> to
	Failed string      // the node where the purchase failed (it is also the current step), or ""
	Note   string      // one sentence on what the path means, e.g. why the chart does not apply
}

// Current is the step the purchase is at now: the last one it reached, or "" when it never entered the chart.
func (p FlowPath) Current() string {
	if len(p.Steps) == 0 {
		return ""
	}
	return p.Steps[len(p.Steps)-1]
}

// State is how a node is drawn: "current", "failed", "visited", or "" when the purchase never got there.
func (p FlowPath) State(id string) string {
	switch {
	case id == p.Failed && id != "":
		return "failed"
	case id == p.Current() && id != "":
		return "current"
	}
	for _, s := range p.Steps {
		if s == id {
			return "visited"
		}
	}
	return ""
}

// TookEdge reports whether the purchase followed an arrow.
func (p FlowPath) TookEdge(from, to string) bool {
	for _, e := range p.Taken {
		if e[0] == from && e[1] == to {
			return true
		}
	}
	return false
}

// RecoveryChart is Klarna's token recovery flowchart (nodes A-L exactly as in the guide's mermaid).
func RecoveryChart() Flowchart { return recoveryChart }

// PurchaseChart is Payway's purchase flow, steps 1-8 of its Klarna implementation guide.
func PurchaseChart() Flowchart { return purchaseChart }

var recoveryChart = mustRecoveryChart()

// recoveryLayout places the guide's nodes: the question and the integration choice branch left and right.
var recoveryLayout = map[string][2]int{
	"A": {440, 40}, "B": {440, 124}, "C": {440, 208},
	"D": {140, 306}, "E": {440, 306},
	"F": {440, 402},
	"G": {260, 500}, "H": {620, 500},
	"I": {260, 588}, "J": {620, 588},
	"K": {440, 676}, "L": {440, 760},
}

func mustRecoveryChart() Flowchart {
	nodes, edges, err := ParseMermaid(recoveryMermaid)
	if err != nil {
		panic("views: the embedded recovery flowchart: " + err.Error())
	}
	for i, n := range nodes {
		pos, ok := recoveryLayout[n.ID]
		if !ok {
			panic("views: the recovery flowchart's node " + n.ID + " has no place in the layout")
		}
		nodes[i].X, nodes[i].Y, nodes[i].W, nodes[i].H = pos[0], pos[1], 240, 56
		if n.Decision {
			nodes[i].W, nodes[i].H = 190, 64
		}
	}
	return Flowchart{ID: "recovery", Title: "Klarna: recovering a failed token charge", Width: 760, Height: 800,
		Nodes: nodes, Edges: edges}
}

var purchaseChart = func() Flowchart {
	steps := []struct{ label, detail string }{
		{"User requests purchase", "the reader picks an offer (POST /checkout)"},
		{"Create session", "Payway create_session: klarna_client_token"},
		{"Render purchase page", "Klarna widget: init and load"},
		{"Authorize purchase against Klarna", "Klarna authorize: authorization_token"},
		{"Place order", "Payway place_order / place_trial_order"},
		{"Update account details", "Payway syncs the account from Klarna"},
		{"Redirect the user to Klarna", "redirect_uri: device recognition"},
		{"Show confirmation", "our confirmation_url"},
	}
	f := Flowchart{ID: "purchase", Title: "Payway: Klarna purchase flow", Width: 420, Height: 40 + len(steps)*80}
	for i, s := range steps {
		id := strconv.Itoa(i + 1)
		f.Nodes = append(f.Nodes, FlowNode{ID: id, Label: s.label, Detail: s.detail,
			X: 210, Y: 40 + i*80, W: 340, H: 56})
		if i > 0 {
			f.Edges = append(f.Edges, FlowEdge{From: strconv.Itoa(i), To: id})
		}
	}
	return f
}()

// mermaidNode is one node reference in a mermaid line: A, A[label] or A{label}.
var mermaidNode = regexp.MustCompile(`^\s*([A-Za-z0-9_]+)\s*(?:\[([^\]]*)\]|\{([^}]*)\})?\s*$`)

// mermaidEdgeLabel is an edge's |label| right after the arrow.
var mermaidEdgeLabel = regexp.MustCompile(`^\s*\|([^|]*)\|`)

// ParseMermaid reads the small part of mermaid's flowchart syntax the Klarna guide uses: a "flowchart"
// header, then lines "X[label] --> Y[label]", "X -->|label| Y{label}". Nodes come back in order of first
// appearance (without layout); a node defined twice must have the same label both times.
func ParseMermaid(src string) ([]FlowNode, []FlowEdge, error) {
	var (
		nodes []FlowNode
		edges []FlowEdge
		index = map[string]int{}
	)
	node := func(ref string) (string, error) {
		m := mermaidNode.FindStringSubmatch(ref)
		if m == nil {
			return "", fmt.Errorf("%q is not a node", strings.TrimSpace(ref))
		}
		id, label, decision := m[1], m[2], m[3] != ""
		if decision {
			label = m[3]
		}
		i, seen := index[id]
		switch {
		case !seen:
			index[id] = len(nodes)
			nodes = append(nodes, FlowNode{ID: id, Label: label, Decision: decision})
		case label != "" && nodes[i].Label == "":
			nodes[i].Label, nodes[i].Decision = label, decision
		case label != "" && (nodes[i].Label != label || nodes[i].Decision != decision):
			return "", fmt.Errorf("node %s is defined twice differently: %q and %q", id, nodes[i].Label, label)
		}
		return id, nil
	}
	lines := strings.Split(strings.TrimSpace(src), "\n")
	if len(lines) == 0 || !strings.HasPrefix(strings.TrimSpace(lines[0]), "flowchart") {
		return nil, nil, fmt.Errorf("mermaid: the first line must be a flowchart header")
	}
	for n, line := range lines[1:] {
		if strings.TrimSpace(line) == "" {
			continue
		}
		from, rest, ok := strings.Cut(line, "-->")
		if !ok {
			if _, err := node(line); err != nil {
				return nil, nil, fmt.Errorf("mermaid line %d: %w", n+2, err)
			}
			continue
		}
		label := ""
		if m := mermaidEdgeLabel.FindStringSubmatch(rest); m != nil {
			label, rest = strings.TrimSpace(m[1]), rest[len(m[0]):]
		}
		a, err := node(from)
		if err != nil {
			return nil, nil, fmt.Errorf("mermaid line %d: %w", n+2, err)
		}
		b, err := node(rest)
		if err != nil {
			return nil, nil, fmt.Errorf("mermaid line %d: %w", n+2, err)
		}
		edges = append(edges, FlowEdge{From: a, To: b, Label: label})
	}
	for _, nd := range nodes {
		if nd.Label == "" {
			return nil, nil, fmt.Errorf("mermaid: node %s has no label", nd.ID)
		}
	}
	return nodes, edges, nil
}

// --- Geometry, used by demo_flowchart.templ ---------------------------------------------------------------

func itoa(n int) string { return strconv.Itoa(n) }

func (f Flowchart) viewBox() string { return "0 0 " + itoa(f.Width) + " " + itoa(f.Height) }

func (n FlowNode) left() int   { return n.X - n.W/2 }
func (n FlowNode) right() int  { return n.X + n.W/2 }
func (n FlowNode) top() int    { return n.Y - n.H/2 }
func (n FlowNode) bottom() int { return n.Y + n.H/2 }

// idX and idY place the node's id on its top-left corner (on the upper-left side of a diamond).
func (n FlowNode) idX() int {
	if n.Decision {
		return n.X - n.W/4 - 4
	}
	return n.left()
}

func (n FlowNode) idY() int {
	if n.Decision {
		return n.Y - n.H/4 - 4
	}
	return n.top()
}

// diamond is the polygon of a decision node.
func (n FlowNode) diamond() string {
	return fmt.Sprintf("%d,%d %d,%d %d,%d %d,%d", n.X, n.top(), n.X+n.W/2, n.Y, n.X, n.bottom(), n.X-n.W/2, n.Y)
}

// labelLines wraps the label to the box: about 6.4 px per character of 13 px text, with a margin.
func (n FlowNode) labelLines() []string {
	width := (n.W - 24) * 10 / 64
	if n.Decision {
		width = n.W / 2 * 10 / 64
	}
	return wrap(n.Label, max(width, 8))
}

// textY is the baseline of line i of n lines, centred in the box (the detail line, if any, counted).
func (n FlowNode) textY(i, lines int) int {
	const lineHeight = 16
	total := lines
	if n.Detail != "" {
		total++
	}
	first := n.Y - (total-1)*lineHeight/2 + 4
	return first + i*lineHeight
}

func (n FlowNode) detailY() int { return n.textY(len(n.labelLines()), len(n.labelLines())) }

// wrap breaks text into lines of at most width characters, at spaces.
func wrap(text string, width int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(text) {
		switch {
		case line == "":
			line = w
		case len([]rune(line))+1+len([]rune(w)) <= width:
			line += " " + w
		default:
			lines = append(lines, line)
			line = w
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

// edgePath is an orthogonal connector from the bottom of one box to the top of the next: down, across,
// down, so branches read as a tree the way mermaid draws "TD" charts.
func (f Flowchart) edgePath(e FlowEdge) string {
	a, _ := f.Node(e.From)
	b, _ := f.Node(e.To)
	sy, ty := a.bottom(), b.top()-2 // leave room for the arrowhead
	if a.X == b.X {
		return fmt.Sprintf("M%d,%d V%d", a.X, sy, ty)
	}
	mid := (sy + b.top()) / 2
	return fmt.Sprintf("M%d,%d V%d H%d V%d", a.X, sy, mid, b.X, ty)
}

// edgeLabelPos is where an edge's label goes: beside the arrow's last vertical stretch.
func (f Flowchart) edgeLabelPos(e FlowEdge) (x, y int) {
	a, _ := f.Node(e.From)
	b, _ := f.Node(e.To)
	if a.X == b.X {
		return a.X + 8, (a.bottom()+b.top())/2 + 4
	}
	return b.X + 8, (a.bottom()+b.top())/2 + 16
}

func (f Flowchart) edgeLabelX(e FlowEdge) string { x, _ := f.edgeLabelPos(e); return itoa(x) }
func (f Flowchart) edgeLabelY(e FlowEdge) string { _, y := f.edgeLabelPos(e); return itoa(y) }

func (f Flowchart) markerID(on bool) string {
	if on {
		return f.ID + "-arrow-on"
	}
	return f.ID + "-arrow"
}

func (f Flowchart) markerURL(p FlowPath, e FlowEdge) string {
	return "url(#" + f.markerID(p.TookEdge(e.From, e.To)) + ")"
}

func edgeClass(p FlowPath, e FlowEdge) string {
	if p.TookEdge(e.From, e.To) {
		return "flow-edge is-taken"
	}
	return "flow-edge"
}

func nodeClass(p FlowPath, n FlowNode) string {
	c := "flow-node"
	if s := p.State(n.ID); s != "" {
		c += " is-" + s
		if s != "visited" {
			c += " is-visited"
		}
	}
	return c
}

// badge is the word on a node's corner tag: "now" on the current step, "failed" where it failed. The tag
// makes the state readable without colour.
func badge(p FlowPath, id string) string {
	switch p.State(id) {
	case "current":
		return "now"
	case "failed":
		return "failed"
	}
	return ""
}

// Describe says in words where the purchase went: the SVG's <desc> and the text next to it.
func (f Flowchart) Describe(p FlowPath) string {
	if len(p.Steps) == 0 {
		s := "This purchase did not go through this flow."
		if p.Note != "" {
			s += " " + p.Note
		}
		return s
	}
	s := "Path taken: " + strings.Join(p.Steps, ", ") + "."
	if n, ok := f.Node(p.Current()); ok {
		verb := "Current step"
		if p.Failed != "" {
			verb = "Failed at"
		}
		s += " " + verb + ": " + n.ID + ", " + n.Label + "."
	}
	if p.Note != "" {
		s += " " + p.Note
	}
	return s
}

// StepLabel is a node's label for the text list of the path, or the id itself for an unknown node.
func (f Flowchart) StepLabel(id string) string {
	if n, ok := f.Node(id); ok {
		return n.Label
	}
	return id
}
