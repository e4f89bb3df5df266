package sandbox

import (
	"strings"
	"testing"

	"github.com/playwright-community/playwright-go"
)

// TestBrowserWidgetBelowTheScreenFitsItsContent: a widget loaded below the first screen (a phone's
// checkout) is as tall as its content before the reader scrolls to it. Chromium does not render a
// cross-site frame out of sight, so a ResizeObserver alone never fires there and the widget would keep
// its initial height until it came into view, then jump.
func TestBrowserWidgetBelowTheScreenFitsItsContent(t *testing.T) {
	t.Parallel()
	s, srv := startCtlSandbox(t)
	m := startMerchant(t, srv.URL)
	sess := newTestSession(t, s, m.URL+"/confirmation")
	_, page := browserPage(t)
	openCheckout(t, page, m)
	evalJSON(t, page, `() => {
		const spacer = document.createElement("div");
		spacer.style.height = (3 * window.innerHeight) + "px";
		document.body.insertBefore(spacer, document.getElementById("klarna-container"));
	}`)
	if got := evalJSON(t, page, initAndLoad, []any{sess.ClientToken, sess.Categories[0].Identifier}); got != `{"show_form":true}` {
		t.Fatalf("load callback %s, want {\"show_form\":true}", got)
	}

	var frame playwright.Frame
	for _, f := range page.Frames() {
		if strings.Contains(f.URL(), "/kp/widget") {
			frame = f
		}
	}
	if frame == nil {
		t.Fatal("no widget frame")
	}
	h, err := frame.Evaluate("() => Math.ceil(document.documentElement.getBoundingClientRect().height)")
	if err != nil {
		t.Fatalf("widget content height: %v", err)
	}
	if _, err := page.WaitForFunction(`(h) => {
		const f = document.querySelector("[data-testid=klarna-widget-frame]").getBoundingClientRect().height;
		return Math.abs(f - h) <= 1;
	}`, h); err != nil {
		got := evalJSON(t, page, `() => document.querySelector("[data-testid=klarna-widget-frame]").getBoundingClientRect().height`)
		t.Errorf("the widget out of sight is %s px tall, its content %v px: %v", got, h, err)
	}
	if got := evalJSON(t, page, `() => {
		const r = document.querySelector("[data-testid=klarna-widget-frame]").getBoundingClientRect();
		return window.scrollY === 0 && r.top > window.innerHeight;
	}`); got != "true" {
		t.Errorf("the widget came into sight during the test (%s): the test no longer shows an unrendered frame", got)
	}
}
