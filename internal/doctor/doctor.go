// Package doctor is `paywall doctor`: before going live it calls the read-only or harmless endpoints of
// Payway and Klarna with the configured URLs and credentials, and prints check by check whether the real
// answers confirm what the app relies on: the response fields and error codes payway/assumed.go assumes,
// the documented shapes the app reads, the configured URLs and the CSP origins. Going live then starts
// with a checked list instead of hope.
//
// In sandbox mode it starts an embedded sandbox of its own (a free loopback port, a temporary database) and
// checks against that; there every check must pass, which keeps the checks themselves honest.
//
// Harmless means: token grants and GETs, refusals provoked with a wrong secret, an unknown account or a
// made-up token, and a Klarna payment session, which expires unused. Payway's create_session opens a
// purchase session on the test account, so in live mode it runs only when Config.CreateSession allows it;
// place_order charges money and is never called.
package doctor

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/paywall/paywall/checkout"
	"github.com/paywall/paywall/sandbox"
)

// Modes the doctor runs in, as PAYWALL_MODE names them.
const (
	ModeSandbox = "sandbox" // against an embedded sandbox of the doctor's own
	ModeLive    = "live"    // against the configured Payway and Klarna
)

// Config is what the doctor checks: the app's own configuration (cmd/paywall fills it from the same
// PAYWALL_* variables) plus a test account and what the doctor may do with it.
type Config struct {
	Mode      string // ModeSandbox or ModeLive
	PublicURL string // the app's public URL (links given to Payway and Klarna)

	// Payway and Klarna, as the app is configured. In sandbox mode the URLs are replaced by the doctor's own
	// sandbox and empty credentials default to the sandbox's (a test may set a wrong one on purpose).
	PaywayURL, PaywayClientID, PaywaySecret, PaywayOrg string
	KlarnaURL, KlarnaUser, KlarnaPassword              string
	KlarnaSDKURL                                       string
	KlarnaOrigins                                      []string // the extra CSP sources (PAYWALL_KLARNA_ORIGINS)
	CataloguePath                                      string   // "": the embedded catalogue

	// Email and Password are a Payway test account (PAYWALL_DOCTOR_EMAIL, PAYWALL_DOCTOR_PASSWORD) for the
	// password grant and the calls that need a customer; empty skips those checks in live mode. In sandbox
	// mode they default to a sandbox persona.
	Email, Password string
	// CreateSession lets live mode call Payway's create_session for the test account (it opens a purchase
	// session that expires unpaid after 48 h), the only way to see the assumed fields of its answer. The
	// sandbox always allows it.
	CreateSession bool

	// PaywayTimeout and KlarnaTimeout bound each call; 0: 10 s and 15 s, as the app's clients.
	PaywayTimeout, KlarnaTimeout time.Duration
	// TempDir holds the sandbox's database in sandbox mode; "": a new temporary directory, removed afterwards.
	TempDir string
	// Transport carries every call; nil: http.DefaultTransport. Tests set one that trusts a TLS sandbox
	// standing in for the live services.
	Transport http.RoundTripper
}

// Run runs every check, writing one line per check to w as it goes and a summary at the end. The error is
// for what stopped the doctor itself (the sandbox would not start); failed checks are in the Summary.
func Run(ctx context.Context, cfg Config, w io.Writer) (Summary, error) {
	if cfg.Mode != ModeSandbox && cfg.Mode != ModeLive {
		return Summary{}, fmt.Errorf("doctor: mode %q is neither %q nor %q", cfg.Mode, ModeSandbox, ModeLive)
	}
	if cfg.PaywayTimeout <= 0 {
		cfg.PaywayTimeout = 10 * time.Second
	}
	if cfg.KlarnaTimeout <= 0 {
		cfg.KlarnaTimeout = 15 * time.Second
	}
	if cfg.Mode == ModeSandbox {
		base, stop, err := startSandbox(ctx, cfg.TempDir)
		if err != nil {
			return Summary{}, err
		}
		defer stop()
		cfg = cfg.withSandbox(base)
	}
	cat, catErr := checkout.LoadCatalogue(cfg.CataloguePath)
	d := &doctor{
		cfg: cfg, rep: &report{w: w}, catalogue: cat, catalogueErr: catErr,
		paywayHTTP: &http.Client{Timeout: cfg.PaywayTimeout, Transport: cfg.Transport},
		klarnaHTTP: &http.Client{Timeout: cfg.KlarnaTimeout, Transport: cfg.Transport},
	}
	fmt.Fprintf(w, "paywall doctor: %s mode, Payway %s, Klarna %s\n", cfg.Mode, cfg.PaywayURL, cfg.KlarnaURL)
	d.configChecks()
	d.paywayChecks(ctx)
	d.klarnaChecks(ctx)
	s := Summarize(d.rep.results)
	fmt.Fprintln(w, s)
	return s, nil
}

// withSandbox points cfg at the doctor's sandbox at base and fills what sandbox mode leaves empty.
func (cfg Config) withSandbox(base string) Config {
	cfg.PaywayURL, cfg.KlarnaURL, cfg.KlarnaSDKURL = base, base, base+"/kp/lib/v1/api.js"
	fill := func(p *string, v string) {
		if *p == "" {
			*p = v
		}
	}
	fill(&cfg.PaywayClientID, sandbox.PaywayClientID)
	fill(&cfg.PaywaySecret, sandbox.PaywayClientSecret)
	fill(&cfg.PaywayOrg, sandbox.Organisation)
	fill(&cfg.KlarnaUser, sandbox.KlarnaUsername)
	fill(&cfg.KlarnaPassword, sandbox.KlarnaPassword)
	fill(&cfg.PublicURL, "http://localhost:8080")
	if cfg.Email == "" {
		cfg.Email, cfg.Password = testPersona()
	}
	cfg.CreateSession = true // the sandbox's purchase sessions cost nothing
	return cfg
}

// testPersona is the sandbox customer the doctor logs in as: the first one without any product, so that
// create_session is not refused as package_already_active.
func testPersona() (email, password string) {
	for _, p := range sandbox.Personas() {
		if len(p.Products) == 0 {
			return p.Email, p.Password
		}
	}
	return "", ""
}

// doctor carries one run's configuration, clients and results.
type doctor struct {
	cfg                    Config
	rep                    *report
	catalogue              checkout.Catalogue
	catalogueErr           error
	paywayHTTP, klarnaHTTP *http.Client
}

// live reports whether the doctor checks the real services.
func (d *doctor) live() bool { return d.cfg.Mode == ModeLive }

// envHint names the variables behind a failing credential, so a FAIL says what to fix.
func envHint(vars ...string) string {
	return "check " + strings.Join(vars, " and ")
}
