package sandbox

// Chromium for the SDK stand-in tests (browser_test.go), started by internal/browsertest exactly as the e2e
// tests start theirs: the pinned driver and Debian's Chromium, nothing downloaded.
//
// Unlike e2e, the browser starts lazily, on the first test that asks for a page: most tests of this
// package need no browser, and `go test -run TestFaults ./sandbox/` should not pay two seconds for one.
// PAYWALL_E2E=off or -short skip the browser tests.

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/playwright-community/playwright-go"

	"github.com/paywall/paywall/internal/browsertest"
	"github.com/paywall/paywall/internal/testenv"
)

// browserTimeout bounds every Playwright action and assertion (milliseconds): 10 s on a quiet machine,
// times PAYWALL_TEST_SLOWDOWN; assertions wait for their condition up to this long, so the tests never
// sleep.
func browserTimeout() float64 { return testenv.Millis(10 * time.Second) }

// chromium is the browser shared by the tests of this binary, started on first use.
type chromium struct {
	once    sync.Once
	pw      *playwright.Playwright
	browser playwright.Browser
	err     error
}

// sandboxBrowser is set by TestMain before any test runs; its fields are written once, inside once.Do.
var sandboxBrowser *chromium

func TestMain(m *testing.M) {
	sandboxBrowser = &chromium{}
	code := m.Run()
	if sandboxBrowser.browser != nil {
		if err := errors.Join(sandboxBrowser.browser.Close(), sandboxBrowser.pw.Stop()); err != nil {
			fmt.Fprintf(os.Stderr, "sandbox: stopping the browser: %v\n", err)
		}
	}
	os.Exit(code)
}

// browserPage returns a page in a fresh browser context (own cookies), closed when the test ends. It
// skips the test when browser tests are off and fails it when the browser cannot start.
func browserPage(t *testing.T) (playwright.BrowserContext, playwright.Page) {
	t.Helper()
	if off := browsertest.Off(); off != "" {
		t.Skip("browser tests off: " + off)
	}
	c := sandboxBrowser
	c.once.Do(func() { c.pw, c.browser, c.err = browsertest.Launch() })
	if c.err != nil {
		t.Fatalf("cannot start the browser (run `make e2e-deps`, or PAYWALL_E2E=off to skip): %v", c.err)
	}
	bctx, err := c.browser.NewContext(playwright.BrowserNewContextOptions{Locale: playwright.String("en-GB")})
	if err != nil {
		t.Fatalf("new browser context: %v", err)
	}
	bctx.SetDefaultTimeout(browserTimeout())
	bctx.SetDefaultNavigationTimeout(browserTimeout())
	page, err := bctx.NewPage()
	if err != nil {
		_ = bctx.Close()
		t.Fatalf("new page: %v", err)
	}
	page.On("console", func(m playwright.ConsoleMessage) {
		if m.Type() == "error" {
			t.Logf("browser console: %s", m.Text())
		}
	})
	t.Cleanup(func() {
		if err := bctx.Close(); err != nil {
			t.Logf("close browser context: %v", err)
		}
	})
	return bctx, page
}
