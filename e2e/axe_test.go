package e2e

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/playwright-community/playwright-go"
)

// Accessibility checks with axe-core, the npm package pinned in package.json (scripts/e2e-deps.sh installs
// it into node_modules). The app's Content-Security-Policy allows scripts from its own origin only, so axe
// is not injected as an inline script (the CSP would block it, and bypassing the CSP would test another
// page than the one readers get): the page loads it from a URL on its own origin that Playwright answers
// with the file (page.Route), through page.AddScriptTag.

// axePath is where the axe script seems to come from, on the page's own origin. The app never serves it.
const axePath = "/__e2e__/axe.min.js"

// axeFailImpacts are the impacts that fail a test; minor and moderate findings are only logged.
var axeFailImpacts = map[string]bool{"serious": true, "critical": true}

var axeSource = sync.OnceValues(func() ([]byte, error) {
	dir, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	for {
		p := filepath.Join(dir, "node_modules", "axe-core", "axe.min.js")
		if b, err := os.ReadFile(p); err == nil {
			return b, nil
		}
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return nil, fmt.Errorf("no %s: run `make e2e-deps` (scripts/e2e-deps.sh)", p)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return nil, errors.New("axe-core: no go.mod above the working directory")
		}
		dir = parent
	}
})

// axeRouted remembers the pages whose requests for axePath are already answered.
var axeRouted sync.Map // playwright.Page -> struct{}

// axeViolation is the part of an axe result a failure message needs.
type axeViolation struct {
	ID      string   `json:"id"`
	Impact  string   `json:"impact"`
	Help    string   `json:"help"`
	Targets []string `json:"targets"`
}

// axeRun runs axe over the main document (not Klarna's iframes: they are another site's pages) and
// returns every violation with its impact and the elements concerned.
const axeRun = `async () => {
	const res = await axe.run(document, { iframes: false, resultTypes: ["violations"] });
	return JSON.stringify(res.violations.map(v => ({
		id: v.id, impact: v.impact || "", help: v.help,
		targets: v.nodes.map(n => n.target.map(String).join(" ")),
	})));
}`

// expectAccessible runs axe-core on the page as it is now and fails the test (without stopping it, so
// the journey goes on) on any violation of serious or critical impact, naming the rules and elements.
// name says which page of the journey this is, e.g. "checkout".
func expectAccessible(t *testing.T, page playwright.Page, name string) {
	t.Helper()
	src, err := axeSource()
	if err != nil {
		t.Fatalf("axe-core: %v", err)
	}
	if _, done := axeRouted.LoadOrStore(page, struct{}{}); !done {
		if err := page.Route("**"+axePath, func(r playwright.Route) {
			_ = r.Fulfill(playwright.RouteFulfillOptions{
				Status: playwright.Int(200), ContentType: playwright.String("text/javascript"), Body: src,
			})
		}); err != nil {
			t.Fatalf("axe-core: route: %v", err)
		}
		t.Cleanup(func() { axeRouted.Delete(page) })
	}
	u, err := url.Parse(page.URL())
	if err != nil {
		t.Fatalf("axe-core: page URL %q: %v", page.URL(), err)
	}
	loaded, err := page.Evaluate(`() => typeof window.axe !== "undefined"`)
	if err != nil {
		t.Fatalf("axe-core on %s: %v", name, err)
	}
	if loaded != true {
		if _, err := page.AddScriptTag(playwright.PageAddScriptTagOptions{
			URL: playwright.String(u.Scheme + "://" + u.Host + axePath),
		}); err != nil {
			t.Fatalf("axe-core: inject into %s (%s): %v", name, page.URL(), err)
		}
	}
	out, err := page.Evaluate(axeRun)
	if err != nil {
		t.Fatalf("axe-core: run on %s (%s): %v", name, page.URL(), err)
	}
	s, _ := out.(string)
	var violations []axeViolation
	if err := json.Unmarshal([]byte(s), &violations); err != nil {
		t.Fatalf("axe-core: result on %s: %v", name, err)
	}
	var failing []string
	for _, v := range violations {
		line := fmt.Sprintf("%s [%s] %s: %s", v.ID, v.Impact, v.Help, strings.Join(v.Targets, ", "))
		if axeFailImpacts[v.Impact] {
			failing = append(failing, line)
		} else {
			t.Logf("axe-core: %s page (%s): %s", name, page.URL(), line)
		}
	}
	if len(failing) > 0 {
		t.Errorf("axe-core: %d serious or critical violation(s) on the %s page (%s):\n  %s",
			len(failing), name, page.URL(), strings.Join(failing, "\n  "))
	}
}
