package doctor

import (
	"bytes"
	"maps"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/paywall/paywall/sandbox"
)

// awaitingSandbox are checks the sandbox does not pass yet because another part of issue 12 changes it, each
// with what will make it pass. A FAIL of one of them is logged, not failed; once it passes the test fails
// until the entry is deleted, so the exception cannot outlive its reason.
func awaitingSandbox() map[string]string {
	return map[string]string{}
}

// sandboxSkips are the only checks sandbox mode may skip: there is nothing to compare in the sandbox, or
// the call is never made. Everything else must be exercised, and pass.
func sandboxSkips() []string {
	return []string{
		"config.environments",
		"payway.place_order:item.order_id", "payway.place_order:item.redirect_uri", "payway.place_order:item.state",
		"payway.error:purchase_codes",
		"payway.error:package_already_active", // the default persona owns nothing: TestPackageAlreadyActive
	}
}

// resultLine is a printed result: status, check (no spaces) and detail.
var resultLine = regexp.MustCompile(`^(ok|FAIL|skip)\s+(\S+)\s*(.*)$`)

// parseRun splits a run's output into its results (keyed by check) and summary line, failing on any line
// that is neither, so the output format is part of what the tests hold.
func parseRun(t *testing.T, out string) (map[string]Result, []Result, string) {
	t.Helper()
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) < 3 || !strings.HasPrefix(lines[0], "paywall doctor: ") || !strings.HasPrefix(lines[len(lines)-1], "summary: ") {
		t.Fatalf("output is not a header, results and a summary:\n%s", out)
	}
	byCheck := map[string]Result{}
	var list []Result
	for _, l := range lines[1 : len(lines)-1] {
		m := resultLine.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("line %q is not `ok|FAIL|skip  <check>  <detail>`", l)
		}
		r := Result{Status: Status(m[1]), Check: m[2], Detail: m[3]}
		if _, dup := byCheck[r.Check]; dup {
			t.Errorf("check %s printed twice", r.Check)
		}
		byCheck[r.Check] = r
		list = append(list, r)
	}
	return byCheck, list, lines[len(lines)-1]
}

// runSandbox runs the doctor in sandbox mode with cfg's overrides.
func runSandbox(t *testing.T, cfg Config) (map[string]Result, Summary, string) {
	t.Helper()
	cfg.Mode, cfg.TempDir = ModeSandbox, t.TempDir()
	var out bytes.Buffer
	sum, err := Run(t.Context(), cfg, &out)
	if err != nil {
		t.Fatalf("Run: %v\n%s", err, out.String())
	}
	byCheck, list, summary := parseRun(t, out.String())
	if got := Summarize(list); got != sum || summary != sum.String() {
		t.Errorf("summary %q (returned %+v) disagrees with the printed results %+v", summary, sum, got)
	}
	return byCheck, sum, out.String()
}

// TestSandboxRunPasses is `paywall doctor` in sandbox mode: every check runs and passes (the few that cannot
// run in a sandbox skip, with a reason), and the run exits 0.
func TestSandboxRunPasses(t *testing.T) {
	t.Parallel()
	results, sum, out := runSandbox(t, Config{})
	for _, want := range []string{
		"config.public_url", "config.payway_url", "config.klarna_url", "config.klarna_sdk_url", "config.klarna_origins",
		"config.catalogue", "payway.app_token", "payway.payment_periods:digital", "catalogue.monthly",
		"payway.password_grant", "payway.me", "payway.active_products", "payway.payment_profile",
		"payway.order?account_id:envelope", "payway.create_session:item.klarna_payments_session_id",
		"payway.create_session:item.klarna_client_token", "payway.create_session:item.payment_method_categories",
		"payway.create_session:item.expires_at", "payway.error:invalid_client", "payway.error:invalid_grant",
		"payway.error:invalid_token", "payway.error:insufficient_scope", "klarna.create_session",
		"klarna.read_session", "klarna.sdk", "csp.klarna_sdk",
	} {
		if _, ok := results[want]; !ok {
			t.Errorf("no %s check", want)
		}
	}
	fails := 0
	for _, check := range slices.Sorted(maps.Keys(results)) {
		r := results[check]
		switch r.Status {
		case Fail:
			fails++
			if reason, ok := awaitingSandbox()[check]; ok {
				t.Logf("%s fails until %s: %s", check, reason, r.Detail)
				continue
			}
			t.Errorf("%s", r)
		case Skip:
			if !slices.Contains(sandboxSkips(), check) {
				t.Errorf("%s skipped in sandbox mode, where it must run: %s", check, r.Detail)
			}
			if r.Detail == "" {
				t.Errorf("%s skipped without a reason", check)
			}
		case OK:
			if _, ok := awaitingSandbox()[check]; ok {
				t.Errorf("%s passes now: delete it from awaitingSandbox", check)
			}
		}
	}
	if (sum.Err() == nil) != (fails == 0) {
		t.Errorf("Err() = %v with %d failed checks", sum.Err(), fails)
	}
	if t.Failed() {
		t.Log(out)
	}
}

// TestPackageAlreadyActive: with a test account that owns a package, create_session for it shows Payway's
// refusal code, and no offer is left to open a session with.
func TestPackageAlreadyActive(t *testing.T) {
	t.Parallel()
	results, _, _ := runSandbox(t, Config{Email: "subscriber@example.se", Password: "paywall-demo"})
	if r := results["payway.error:package_already_active"]; r.Status != OK || !strings.Contains(r.Detail, "409 package_already_active") {
		t.Errorf("%s, want ok with 409 package_already_active", r)
	}
	if r := results["payway.create_session:item.expires_at"]; r.Status != Skip || !strings.Contains(r.Detail, "not already active") {
		t.Errorf("%s, want skip: every offer is active on the account", r)
	}
}

// TestWrongCredentialFails: a wrong credential is a FAIL that names what was refused and which variables to
// check, the checks that need it skip (not fail) with the reason, and the run exits non-zero.
func TestWrongCredentialFails(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		cfg      Config
		wantFail map[string][]string // check -> substrings of its detail
		wantSkip []string
	}{
		{
			name: "Payway client secret",
			cfg:  Config{PaywaySecret: "not-the-secret"},
			wantFail: map[string][]string{
				"payway.app_token":      {"refused", "401", "invalid_client", "PAYWALL_PAYWAY_CLIENT_SECRET"},
				"payway.password_grant": {"refused", "invalid_client", "PAYWALL_PAYWAY_CLIENT_SECRET"},
			},
			wantSkip: []string{"payway.payment_periods:digital", "catalogue.monthly", "payway.me", "payway.payment_profile",
				"payway.order?account_id:envelope", "payway.create_session:item.expires_at"},
		},
		{
			name: "Klarna password",
			cfg:  Config{KlarnaPassword: "not-the-password"},
			wantFail: map[string][]string{
				"klarna.create_session": {"credentials refused", "401", "PAYWALL_KLARNA_USERNAME", "PAYWALL_KLARNA_PASSWORD"},
			},
			wantSkip: []string{"klarna.read_session"},
		},
		{
			name: "test account password",
			cfg:  Config{Email: "reader@example.se", Password: "not-the-password"},
			wantFail: map[string][]string{
				"payway.password_grant": {"refused", "invalid_grant", "PAYWALL_DOCTOR_PASSWORD"},
			},
			wantSkip: []string{"payway.me", "payway.active_products", "payway.create_session:item.klarna_client_token"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			results, sum, out := runSandbox(t, tt.cfg)
			if sum.Err() == nil {
				t.Errorf("Err() = nil: a wrong credential must make the doctor exit non-zero")
			}
			for check, subs := range tt.wantFail {
				r := results[check]
				if r.Status != Fail {
					t.Errorf("%s is %q, want FAIL", check, r.Status)
				}
				for _, s := range subs {
					if !strings.Contains(r.Detail, s) {
						t.Errorf("%s detail %q lacks %q", check, r.Detail, s)
					}
				}
			}
			for _, check := range tt.wantSkip {
				if r := results[check]; r.Status != Skip || !strings.HasPrefix(r.Detail, "needs ") {
					t.Errorf("%s = %q %q, want skip naming the check it needs", check, r.Status, r.Detail)
				}
			}
			for check, r := range results {
				_, want := tt.wantFail[check]
				_, awaiting := awaitingSandbox()[check]
				if r.Status == Fail && !want && !awaiting {
					t.Errorf("unexpected %s", r)
				}
			}
			if strings.Contains(out, "not-the-") {
				t.Errorf("the output shows the wrong secret:\n%s", out)
			}
		})
	}
}

// TestLiveMode runs live mode against a TLS sandbox standing in for Payway and Klarna: what live mode adds
// (https, the create_session gate, the test account) and what it refuses.
func TestLiveMode(t *testing.T) {
	t.Parallel()
	sb, err := sandbox.New(t.Context(), sandbox.Config{DBPath: filepath.Join(t.TempDir(), "sandbox.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sb.Close() })
	srv := httptest.NewTLSServer(sb.Handler())
	t.Cleanup(srv.Close)
	live := func(edit func(*Config)) Config {
		cfg := Config{
			Mode: ModeLive, PublicURL: "https://news.example",
			PaywayURL: srv.URL, PaywayClientID: sandbox.PaywayClientID, PaywaySecret: sandbox.PaywayClientSecret,
			PaywayOrg: sandbox.Organisation, KlarnaURL: srv.URL, KlarnaUser: sandbox.KlarnaUsername,
			KlarnaPassword: sandbox.KlarnaPassword, KlarnaSDKURL: srv.URL + "/kp/lib/v1/api.js",
			KlarnaOrigins: []string{"https://*.klarna.com", "https://*.klarnacdn.net"},
			Email:         "reader@example.se", Password: "paywall-demo", Transport: srv.Client().Transport,
		}
		if edit != nil {
			edit(&cfg)
		}
		return cfg
	}
	tests := []struct {
		name string
		cfg  Config
		want map[string]Status // checks whose status is not ok, or must be ok
		text map[string]string // check -> a substring of its detail
	}{
		{
			name: "create_session gated",
			cfg:  live(nil),
			want: map[string]Status{
				"payway.create_session:item.klarna_client_token": Skip, "config.environments": Skip,
				"payway.password_grant": OK, "klarna.create_session": OK, "csp.klarna_sdk": OK,
			},
			text: map[string]string{
				"payway.create_session:item.klarna_client_token": "PAYWALL_DOCTOR_CREATE_SESSION=true",
				"config.environments":                            "unknown host",
			},
		},
		{
			name: "create_session allowed",
			cfg:  live(func(c *Config) { c.CreateSession = true }),
			want: map[string]Status{"payway.create_session:item.klarna_client_token": OK, "payway.create_session:item.expires_at": OK},
		},
		{
			name: "no test account",
			cfg:  live(func(c *Config) { c.Email, c.Password = "", "" }),
			want: map[string]Status{"payway.password_grant": Skip, "payway.me": Skip, "payway.app_token": OK},
			text: map[string]string{"payway.password_grant": "PAYWALL_DOCTOR_EMAIL and PAYWALL_DOCTOR_PASSWORD"},
		},
		{
			name: "http public URL",
			cfg:  live(func(c *Config) { c.PublicURL = "http://news.example" }),
			want: map[string]Status{"config.public_url": Fail},
			text: map[string]string{"config.public_url": "not https"},
		},
		{
			name: "CSP sources that allow too much",
			cfg:  live(func(c *Config) { c.KlarnaOrigins = []string{"'unsafe-inline'", "http://*.klarna.com", "https:"} }),
			want: map[string]Status{"config.klarna_origins": Fail},
			text: map[string]string{"config.klarna_origins": "'unsafe-inline' is a keyword, not an origin; http://*.klarna.com is not https://; https: allows every origin of that scheme"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var out bytes.Buffer
			sum, err := Run(t.Context(), tt.cfg, &out)
			if err != nil {
				t.Fatal(err)
			}
			results, _, _ := parseRun(t, out.String())
			for check, want := range tt.want {
				if got := results[check].Status; got != want {
					t.Errorf("%s is %q, want %q: %s", check, got, want, results[check].Detail)
				}
			}
			for check, sub := range tt.text {
				if !strings.Contains(results[check].Detail, sub) {
					t.Errorf("%s detail %q lacks %q", check, results[check].Detail, sub)
				}
			}
			for check, r := range results {
				_, awaiting := awaitingSandbox()[check]
				if r.Status == Fail && tt.want[check] != Fail && !awaiting {
					t.Errorf("unexpected %s", r)
				}
			}
			if (sum.Err() != nil) != (sum.Fail > 0) {
				t.Errorf("Err() = %v with %d failed checks", sum.Err(), sum.Fail)
			}
			if t.Failed() {
				t.Log(out.String())
			}
		})
	}
}
