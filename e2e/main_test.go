// Package e2e drives the whole app (app + sandbox, in-process) through a real Chromium with playwright-go.
//
// One Playwright driver and one browser are started per test binary (TestMain): starting them costs about
// 2 s, while a fresh browser context per test costs almost nothing and isolates cookies. The driver is the
// npm package playwright-core@1.52.0 (pinned in package-lock.json) in the directory that
// scripts/e2e-deps.sh prepares; the browser is Debian's Chromium. Nothing is ever downloaded here.
//
// Environment:
//
//	PAYWALL_E2E=off          skip every browser test (with a message) instead of failing when no browser
//	PAYWALL_CHROMIUM         browser binary (default /usr/bin/chromium)
//	PLAYWRIGHT_DRIVER_PATH   driver directory (default <repo>/.playwright-driver)
//	PAYWALL_E2E_ARTIFACTS    where failure screenshots and traces go (default e2e/artifacts)
//	PAYWALL_E2E_HEADED=1     show the browser window (needs a display)
package e2e

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/playwright-community/playwright-go"
)

// playwrightVersion is the driver version playwright-go v0.5200.1 insists on.
const playwrightVersion = "1.52.0"

// defaultTimeout bounds every action, navigation and expect assertion (milliseconds). Assertions wait
// for their condition up to this long: tests never sleep.
const defaultTimeout = 5000

// chromiumArgs keep Chromium quiet on a machine without internet (see shared/notes/browser-tests.md).
func chromiumArgs() []string {
	return []string{
		"--no-sandbox",
		"--disable-gpu",
		"--disable-dev-shm-usage",
		"--disable-background-networking",
		"--disable-component-update",
		"--disable-sync",
		"--disable-quic",
		"--no-first-run",
	}
}

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
	switch {
	case os.Getenv("PAYWALL_E2E") == "off":
		fmt.Println("e2e: PAYWALL_E2E=off: skipping the browser tests")
		if os.Getenv("CI") != "" {
			fmt.Println("e2e: WARNING: browser tests are switched off in CI")
		}
		suite = &browserSuite{skip: "PAYWALL_E2E=off"}
		return m.Run()
	case testing.Short():
		suite = &browserSuite{skip: "-short"}
		return m.Run()
	}
	s, err := startBrowser()
	if err != nil {
		fmt.Fprintf(os.Stderr, "e2e: FAIL: cannot start the browser: %v\n"+
			"e2e: run `make e2e-deps` (scripts/e2e-deps.sh) to install Chromium and the Playwright driver,\n"+
			"e2e: or set PAYWALL_E2E=off to skip the browser tests on purpose.\n", err)
		return 1
	}
	suite = s
	code := m.Run()
	if err := s.stop(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: stopping the browser: %v\n", err)
	}
	return code
}

// startBrowser runs the pinned driver from the prepared directory and launches headless Chromium.
func startBrowser() (*browserSuite, error) {
	dir, err := driverDir()
	if err != nil {
		return nil, err
	}
	pw, err := playwright.Run(&playwright.RunOptions{
		DriverDirectory:     dir,
		SkipInstallBrowsers: true,
		Verbose:             false,
		Stdout:              io.Discard,
		Stderr:              os.Stderr,
	})
	if err != nil {
		return nil, fmt.Errorf("start playwright driver %s (want playwright-core %s): %w", dir, playwrightVersion, err)
	}
	exe := chromiumPath()
	browser, err := pw.Chromium.Launch(playwright.BrowserTypeLaunchOptions{
		ExecutablePath:  playwright.String(exe),
		Args:            chromiumArgs(),
		Headless:        playwright.Bool(os.Getenv("PAYWALL_E2E_HEADED") != "1"),
		ChromiumSandbox: playwright.Bool(false),
		Timeout:         playwright.Float(30000),
	})
	if err != nil {
		_ = pw.Stop()
		return nil, fmt.Errorf("launch %s: %w", exe, err)
	}
	return &browserSuite{pw: pw, browser: browser}, nil
}

func (s *browserSuite) stop() error {
	return errors.Join(s.browser.Close(), s.pw.Stop())
}

// chromiumPath is $PAYWALL_CHROMIUM, or Debian's Chromium.
func chromiumPath() string {
	if p := os.Getenv("PAYWALL_CHROMIUM"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}

// driverDir is $PLAYWRIGHT_DRIVER_PATH, or .playwright-driver at the repository root (the directory
// holding go.mod), as scripts/e2e-deps.sh prepares it: package -> node_modules/playwright-core, node.
func driverDir() (string, error) {
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
func newPage(t *testing.T) playwright.Page {
	t.Helper()
	if suite == nil || suite.skip != "" {
		reason := "browser not started"
		if suite != nil {
			reason = suite.skip
		}
		t.Skipf("browser tests off: %s", reason)
	}
	bctx, err := suite.browser.NewContext(playwright.BrowserNewContextOptions{
		Locale:     playwright.String("en-GB"),
		TimezoneId: playwright.String("Europe/Stockholm"),
		Viewport:   &playwright.Size{Width: 1280, Height: 900},
	})
	if err != nil {
		t.Fatalf("new browser context: %v", err)
	}
	bctx.SetDefaultTimeout(defaultTimeout)
	bctx.SetDefaultNavigationTimeout(defaultTimeout)
	tracing := bctx.Tracing().Start(playwright.TracingStartOptions{
		Screenshots: playwright.Bool(true),
		Snapshots:   playwright.Bool(true),
	}) == nil
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
	return playwright.NewPlaywrightAssertions(defaultTimeout)
}
