// Package e2e drives the whole app (app + sandbox, in-process) through a real Chromium with playwright-go.
//
// One Playwright driver and one browser are started per test binary (TestMain): starting them costs about
// 2 s, while a fresh browser context per test costs almost nothing and isolates cookies. The driver is the
// npm package playwright-core@1.52.0 (pinned in package-lock.json) in the directory that
// scripts/e2e-deps.sh prepares; the browser is Debian's Chromium. Nothing is ever downloaded here.
//
// Environment: see internal/browsertest for the browser and driver; PAYWALL_E2E_ARTIFACTS says where failure
// screenshots and traces go (default e2e/artifacts).
package e2e

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/playwright-community/playwright-go"

	"github.com/paywall/paywall/internal/browsertest"
	"github.com/paywall/paywall/internal/testenv"
)

// timeout bounds every action, navigation and expect assertion (milliseconds): 5 s on a quiet machine,
// times PAYWALL_TEST_SLOWDOWN on a busy one. Assertions wait for their condition up to this long and
// return as soon as it holds: tests never sleep, so a larger value only makes a failure slower.
func timeout() float64 { return testenv.Millis(5 * time.Second) }

// browserSuite is the browser shared by all tests of this binary.
type browserSuite struct {
	pw      *playwright.Playwright
	browser playwright.Browser
	// skip, when set, is why every browser test skips (PAYWALL_E2E=off or -short).
	skip string
}

// suite is set once by TestMain before any test runs and only read afterwards.
var suite *browserSuite

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	flag.Parse()
	if off := browsertest.Off(); off != "" {
		fmt.Printf("e2e: %s: skipping the browser tests\n", off)
		if os.Getenv("CI") != "" {
			fmt.Println("e2e: WARNING: browser tests are switched off in CI")
		}
		suite = &browserSuite{skip: off}
		return m.Run()
	}
	pw, browser, err := browsertest.Launch()
	if err != nil {
		fmt.Fprintf(os.Stderr, "e2e: FAIL: cannot start the browser: %v\n"+
			"e2e: run `make e2e-deps` (scripts/e2e-deps.sh) to install Chromium and the Playwright driver,\n"+
			"e2e: or set PAYWALL_E2E=off to skip the browser tests on purpose.\n", err)
		return 1
	}
	suite = &browserSuite{pw: pw, browser: browser}
	code := m.Run()
	if err := suite.stop(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: stopping the browser: %v\n", err)
	}
	return code
}

func (s *browserSuite) stop() error {
	return errors.Join(s.browser.Close(), s.pw.Stop())
}

// artifactsDir is where failing tests leave a screenshot and a trace (gitignored).
func artifactsDir() string {
	if p := os.Getenv("PAYWALL_E2E_ARTIFACTS"); p != "" {
		return p
	}
	return "artifacts" // go test runs in the package directory: e2e/artifacts
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

// newPage gives the test a page in a fresh browser context (own cookies and storage), with default
// timeouts and tracing on. When the test fails, a full-page screenshot and a Playwright trace
// (open with `npx playwright-core show-trace <file>`) are saved as e2e/artifacts/<TestName>.png/.zip.
// The context is closed when the test ends.
// newPage is a fresh browser tab (its own context: cookies, storage) of a British English reader.
func newPage(t *testing.T) playwright.Page {
	t.Helper()
	return newPageIn(t, "en-GB")
}

// newPageIn is a fresh browser tab whose browser speaks locale (Accept-Language, navigator.language), e.g.
// "sv-SE" for a Swedish reader.
func newPageIn(t *testing.T, locale string) playwright.Page {
	t.Helper()
	if suite == nil || suite.skip != "" {
		reason := "browser not started"
		if suite != nil {
			reason = suite.skip
		}
		t.Skipf("browser tests off: %s", reason)
	}
	bctx, err := suite.browser.NewContext(playwright.BrowserNewContextOptions{
		Locale:     playwright.String(locale),
		TimezoneId: playwright.String("Europe/Stockholm"),
		Viewport:   &playwright.Size{Width: 1280, Height: 900},
	})
	if err != nil {
		t.Fatalf("new browser context: %v", err)
	}
	bctx.SetDefaultTimeout(timeout())
	bctx.SetDefaultNavigationTimeout(timeout())
	tracing := false
	if mode := os.Getenv("PAYWALL_E2E_TRACE"); mode != "off" {
		tracing = bctx.Tracing().Start(playwright.TracingStartOptions{
			Screenshots: playwright.Bool(mode == "full"),
			Snapshots:   playwright.Bool(true),
		}) == nil
	}
	page, err := bctx.NewPage()
	if err != nil {
		_ = bctx.Close()
		t.Fatalf("new page: %v", err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			saveArtifacts(t, page, bctx, tracing)
		} else if tracing {
			_ = bctx.Tracing().Stop()
		}
		if err := bctx.Close(); err != nil {
			t.Logf("close browser context: %v", err)
		}
	})
	return page
}

func saveArtifacts(t *testing.T, page playwright.Page, bctx playwright.BrowserContext, tracing bool) {
	t.Helper()
	dir := artifactsDir()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Logf("artifacts: %v", err)
		return
	}
	base := filepath.Join(dir, unsafeName.ReplaceAllString(t.Name(), "_"))
	if _, err := page.Screenshot(playwright.PageScreenshotOptions{
		Path:     playwright.String(base + ".png"),
		FullPage: playwright.Bool(true),
	}); err != nil {
		t.Logf("artifacts: screenshot: %v", err)
	} else {
		t.Logf("artifacts: screenshot of %s saved to %s.png", page.URL(), base)
	}
	if tracing {
		if err := bctx.Tracing().Stop(base + ".zip"); err != nil {
			t.Logf("artifacts: trace: %v", err)
		} else {
			t.Logf("artifacts: trace saved to %s.zip (npx playwright-core show-trace %s.zip)", base, base)
		}
	}
}

// expect returns Playwright's web-first assertions with the suite's timeout: they retry until the
// condition holds or the timeout passes.
func expect() playwright.PlaywrightAssertions {
	return playwright.NewPlaywrightAssertions(timeout())
}
