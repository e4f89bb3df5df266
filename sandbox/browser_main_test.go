package sandbox

// Chromium for the SDK stand-in tests (browser_test.go), started the way e2e/main_test.go does it: the
// pinned playwright-core driver from $PLAYWRIGHT_DRIVER_PATH or <module root>/.playwright-driver, and
// $PAYWALL_CHROMIUM or Debian's /usr/bin/chromium. Nothing is downloaded.
//
// Unlike e2e, the browser starts lazily, on the first test that asks for a page: most tests of this
// package need no browser, and `go test -run TestFaults ./sandbox/` should not pay two seconds for one.
// PAYWALL_E2E=off or -short skip the browser tests.

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/playwright-community/playwright-go"
)

// browserTimeout bounds every Playwright action and assertion (milliseconds); assertions wait for their
// condition up to this long, so the tests never sleep.
const browserTimeout = 10000

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
	switch {
	case os.Getenv("PAYWALL_E2E") == "off":
		t.Skip("browser tests off: PAYWALL_E2E=off")
	case testing.Short():
		t.Skip("browser tests off: -short")
	}
	c := sandboxBrowser
	c.once.Do(func() { c.pw, c.browser, c.err = launchChromium() })
	if c.err != nil {
		t.Fatalf("cannot start the browser (run `make e2e-deps`, or PAYWALL_E2E=off to skip): %v", c.err)
	}
	bctx, err := c.browser.NewContext(playwright.BrowserNewContextOptions{Locale: playwright.String("en-GB")})
	if err != nil {
		t.Fatalf("new browser context: %v", err)
	}
	bctx.SetDefaultTimeout(browserTimeout)
	bctx.SetDefaultNavigationTimeout(browserTimeout)
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

func launchChromium() (*playwright.Playwright, playwright.Browser, error) {
	dir, err := playwrightDriverDir()
	if err != nil {
		return nil, nil, err
	}
	pw, err := playwright.Run(&playwright.RunOptions{
		DriverDirectory: dir, SkipInstallBrowsers: true, Stdout: io.Discard, Stderr: os.Stderr,
	})
	if err != nil {
		return nil, nil, fmt.Errorf("start playwright driver %s: %w", dir, err)
	}
	exe := os.Getenv("PAYWALL_CHROMIUM")
	if exe == "" {
		exe = "/usr/bin/chromium"
	}
	browser, err := pw.Chromium.Launch(playwright.BrowserTypeLaunchOptions{
		ExecutablePath: playwright.String(exe),
		Args: []string{"--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
			"--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"},
		Headless:        playwright.Bool(true),
		ChromiumSandbox: playwright.Bool(false),
		Timeout:         playwright.Float(30000),
	})
	if err != nil {
		return nil, nil, errors.Join(fmt.Errorf("launch %s: %w", exe, err), pw.Stop())
	}
	return pw, browser, nil
}

// playwrightDriverDir is $PLAYWRIGHT_DRIVER_PATH, or .playwright-driver next to go.mod.
func playwrightDriverDir() (string, error) {
	if p := os.Getenv("PLAYWRIGHT_DRIVER_PATH"); p != "" {
		return p, nil
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("find driver dir: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			d := filepath.Join(dir, ".playwright-driver")
			if _, err := os.Stat(filepath.Join(d, "package", "cli.js")); err != nil {
				return "", fmt.Errorf("no Playwright driver at %s: %w", d, err)
			}
			return d, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("find driver dir: no go.mod above the working directory; set PLAYWRIGHT_DRIVER_PATH")
		}
		dir = parent
	}
}
