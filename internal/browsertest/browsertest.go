// Package browsertest starts the browser the browser tests share (e2e and the sandbox's SDK tests): the
// pinned playwright-core driver that scripts/e2e-deps.sh prepares, and Debian's Chromium. Nothing is ever
// downloaded. It knows nothing of the app.
//
// Environment:
//
//	PAYWALL_E2E=off          skip every browser test (with a message) instead of failing when no browser
//	PAYWALL_CHROMIUM         browser binary (default /usr/bin/chromium)
//	PLAYWRIGHT_DRIVER_PATH   driver directory (default <module root>/.playwright-driver)
//	PAYWALL_E2E_HEADED=1     show the browser window (needs a display)
package browsertest

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/playwright-community/playwright-go"

	"github.com/paywall/paywall/internal/testenv"
)

// PlaywrightVersion is the driver version playwright-go v0.5200.1 insists on.
const PlaywrightVersion = "1.52.0"

// Off says why browser tests should be skipped, or "" when they run: PAYWALL_E2E=off, or go test -short.
// Call it after flag parsing (inside TestMain after flag.Parse, or in a test).
func Off() string {
	switch {
	case os.Getenv("PAYWALL_E2E") == "off":
		return "PAYWALL_E2E=off"
	case testing.Short():
		return "-short"
	}
	return ""
}

// Launch runs the pinned driver and launches Chromium, headless unless PAYWALL_E2E_HEADED=1.
func Launch() (*playwright.Playwright, playwright.Browser, error) {
	dir, err := DriverDir()
	if err != nil {
		return nil, nil, err
	}
	pw, err := playwright.Run(&playwright.RunOptions{
		DriverDirectory: dir, SkipInstallBrowsers: true, Stdout: io.Discard, Stderr: os.Stderr,
	})
	if err != nil {
		return nil, nil, fmt.Errorf("start playwright driver %s (want playwright-core %s): %w", dir, PlaywrightVersion, err)
	}
	exe := ChromiumPath()
	browser, err := pw.Chromium.Launch(playwright.BrowserTypeLaunchOptions{
		ExecutablePath:  playwright.String(exe),
		Args:            chromiumArgs(),
		Headless:        playwright.Bool(os.Getenv("PAYWALL_E2E_HEADED") != "1"),
		ChromiumSandbox: playwright.Bool(false),
		Timeout:         playwright.Float(testenv.Millis(30 * time.Second)),
	})
	if err != nil {
		return nil, nil, errors.Join(fmt.Errorf("launch %s: %w", exe, err), pw.Stop())
	}
	return pw, browser, nil
}

// chromiumArgs keep Chromium quiet on a machine without internet (see shared/notes/browser-tests.md).
func chromiumArgs() []string {
	return []string{
		"--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run",
		"--disable-site-isolation-trials", "--disable-features=IsolateOrigins,site-per-process",
		"--disable-extensions", "--mute-audio",
	}
}

// ChromiumPath is $PAYWALL_CHROMIUM, or Debian's Chromium.
func ChromiumPath() string {
	if p := os.Getenv("PAYWALL_CHROMIUM"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}

// DriverDir is $PLAYWRIGHT_DRIVER_PATH, or .playwright-driver at the module root (the directory holding
// go.mod), as scripts/e2e-deps.sh prepares it: package -> node_modules/playwright-core, node.
func DriverDir() (string, error) {
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
