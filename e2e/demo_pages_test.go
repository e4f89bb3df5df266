package e2e

import (
	"regexp"
	"strings"
	"testing"

	"github.com/playwright-community/playwright-go"
)

// Page objects for the demo console (issue 6): the console at /demo, the demo strip the layout shows
// while a scenario runs, and "what happened" to one purchase (its timeline and flowcharts).

// demoConsolePage is /demo.
type demoConsolePage struct{ basePage }

func openDemoConsole(t *testing.T, page playwright.Page, app *testApp) demoConsolePage {
	t.Helper()
	d := demoConsolePage{basePage{t: t, page: page, baseURL: app.AppURL}}
	d.goTo("/demo")
	d.check(expect().Locator(d.testID("demo-console")).ToBeVisible(), "demo console")
	return d
}

// ExpectScenarios checks the picker offers these scenarios.
func (d demoConsolePage) ExpectScenarios(ids ...string) {
	d.t.Helper()
	for _, id := range ids {
		d.check(expect().Locator(d.testID("scenario-"+id)).ToBeVisible(), "scenario %s offered", id)
	}
}

// StartScenario presses a scenario's button; the browser lands where its flow starts.
func (d demoConsolePage) StartScenario(id string) {
	d.t.Helper()
	d.check(d.testID("scenario-"+id).Click(), "start scenario %s", id)
}

// ExpectClock checks what the console says about the sandbox's clock, e.g. `\(49 h ahead\)`.
func (d demoConsolePage) ExpectClock(re string) {
	d.t.Helper()
	d.check(expect().Locator(d.testID("demo-clock-now")).ToHaveText(regexp.MustCompile(re)), "sandbox clock %q", re)
}

// MoveClock presses one of the clock controls: "advance" (49 h ahead) or "now" (back to real time). The
// console comes back saying what it did.
func (d demoConsolePage) MoveClock(control string) {
	d.t.Helper()
	d.check(d.testID("clock-"+control).Click(), "press the clock control %s", control)
	d.check(expect().Locator(d.testID("demo-notice")).ToContainText("sandbox clock"), "the console says the clock moved")
}

// ExpectInstruction checks the demo strip says what to do next.
func (b basePage) ExpectInstruction(re string) {
	b.t.Helper()
	b.check(expect().Locator(b.testID("demo-instruction")).ToHaveText(regexp.MustCompile(re)), "demo instruction %q", re)
}

// OpenWhatHappened follows the demo strip's link to the purchase's timeline and flowcharts.
func (b basePage) OpenWhatHappened() demoPurchasePage {
	b.t.Helper()
	b.check(b.testID("what-happened").Click(), "click what happened")
	p := demoPurchasePage{b}
	p.check(expect().Page(p.page).ToHaveURL(regexp.MustCompile(`/demo/purchases/[0-9A-V]+$`)), "on what happened")
	p.check(expect().Locator(p.testID("timeline")).ToBeVisible(), "the timeline")
	return p
}

// demoPurchasePage is /demo/purchases/:id.
type demoPurchasePage struct{ basePage }

// event is the timeline's (first) line for one kind of call, e.g. "token-order".
func (p demoPurchasePage) event(step string) playwright.Locator {
	return p.page.Locator(`[data-testid="timeline-event"][data-step="` + step + `"]`).First()
}

// ExpectCalls checks the timeline lists these calls, in this order.
func (p demoPurchasePage) ExpectCalls(steps ...string) {
	p.t.Helper()
	for _, s := range steps {
		p.check(expect().Locator(p.event(s)).ToBeVisible(), "timeline lists %s", s)
	}
	got, err := p.page.Locator(`[data-testid="timeline-event"][data-kind="api"]`).EvaluateAll(`els => els.map(e => e.dataset.step)`)
	p.check(err, "read the timeline's steps")
	var order []string
	for _, s := range got.([]any) {
		order = append(order, s.(string))
	}
	i := 0
	for _, s := range order {
		if i < len(steps) && s == steps[i] {
			i++
		}
	}
	if i != len(steps) {
		p.t.Errorf("timeline calls %v do not contain %v in this order", order, steps)
	}
}

// ExpectEventFact checks a call's line shows a field of its answer, e.g. the token order's step_up_id.
func (p demoPurchasePage) ExpectEventFact(step, name, value string) {
	p.t.Helper()
	fact := p.event(step).Locator(`[data-testid="event-fact-` + name + `"]`)
	p.check(expect().Locator(fact).ToContainText(value), "%s shows %s %s", step, name, value)
}

// ExpectEventStatus checks a call's HTTP status as shown.
func (p demoPurchasePage) ExpectEventStatus(step, re string) {
	p.t.Helper()
	p.check(expect().Locator(p.event(step).GetByTestId("event-status")).ToHaveText(regexp.MustCompile(re)), "%s status %q", step, re)
}

// ExpectPath checks a chart ("recovery" or "purchase") highlights exactly these steps, lists them as text
// in this order, and marks the last one as the current step.
func (p demoPurchasePage) ExpectPath(chart string, steps ...string) {
	p.t.Helper()
	fig := p.testID("flow-" + chart)
	p.check(expect().Locator(fig).ToHaveAttribute("data-current", steps[len(steps)-1]), "%s chart's current step", chart)
	for i, s := range steps {
		state := "visited"
		if i == len(steps)-1 {
			state = "current"
		}
		p.check(expect().Locator(fig.Locator(`svg [data-node="`+s+`"]`)).ToHaveAttribute("data-state", state), "%s chart: %s %s", chart, s, state)
	}
	items := p.testID("path-" + chart).Locator("li")
	p.check(expect().Locator(items).ToHaveCount(len(steps)), "%s path listed as text", chart)
	got, err := items.EvaluateAll(`els => els.map(e => e.dataset.step)`)
	p.check(err, "read the %s path", chart)
	var listed []string
	for _, s := range got.([]any) {
		listed = append(listed, s.(string))
	}
	if strings.Join(listed, ",") != strings.Join(steps, ",") {
		p.t.Errorf("%s path listed %v, want %v", chart, listed, steps)
	}
	p.check(expect().Locator(p.testID("flow-"+chart+"-summary")).ToContainText("Path taken: "+strings.Join(steps, ", ")), "%s path in words", chart)
}

// ExpectNotTaken checks a chart leaves these steps plain.
func (p demoPurchasePage) ExpectNotTaken(chart string, steps ...string) {
	p.t.Helper()
	for _, s := range steps {
		node := p.testID("flow-" + chart).Locator(`svg [data-node="` + s + `"]`)
		p.check(expect().Locator(node).ToHaveAttribute("data-state", ""), "%s chart: %s not taken", chart, s)
	}
}

// ExpectNoPath checks a chart that this purchase did not go through says so.
func (p demoPurchasePage) ExpectNoPath(chart string) {
	p.t.Helper()
	p.check(expect().Locator(p.testID("flow-"+chart)).ToHaveAttribute("data-current", ""), "%s chart has no current step", chart)
	p.check(expect().Locator(p.testID("flow-"+chart+"-summary")).ToContainText("did not go through this flow"), "%s chart says it does not apply", chart)
}
