package main

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"net"
	"net/netip"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/paywall/paywall/internal/app"
	"github.com/paywall/paywall/sandbox"
)

// Modes the app runs in.
const (
	modeSandbox = "sandbox"
	modeLive    = "live"
)

// config is everything the process reads from its environment, validated once at start-up.
type config struct {
	Mode           string
	Addr           string
	PublicURL      string
	DBPath         string
	SandboxAddr    string
	SandboxDBPath  string
	SandboxPublic  bool // sandbox mode may listen beyond loopback (PAYWALL_SANDBOX_PUBLIC)
	PaywayURL      string
	PaywayClientID string
	PaywaySecret   string
	PaywayOrg      string
	KlarnaURL      string
	KlarnaUser     string
	KlarnaPassword string
	KlarnaSDKURL   string
	KlarnaOrigins  []string
	SessionKey     []byte
	TokenKey       []byte // seals the app's Klarna customer tokens at rest (AES-256-GCM)
	// PreviousTokenKeys are earlier token keys: the store rotates from them to TokenKey at start.
	PreviousTokenKeys [][]byte
	SessionMaxAge     time.Duration
	RequestTimeout    time.Duration
	ShutdownGrace     time.Duration
	PaywayTimeout     time.Duration
	KlarnaTimeout     time.Duration
	ReconcileEvery    time.Duration
	LoginRate         int
	TrustProxy        bool
	AllowHTTP         bool   // live mode may use http:// URLs (PAYWALL_ALLOW_HTTP)
	MetricsToken      string // bearer token for /metrics in live mode
	CataloguePath     string
	Recovery          string         // sdk or hpp: the recovery page's first choice
	TimeZone          *time.Location // the paper's (PAYWALL_TIME_ZONE): the dates readers see
	DemoUser          string         // HTTP Basic user of the demo console; with DemoPassword, turns it on in live mode
	DemoPassword      string
	Raise             raiseFlags
	LogLevel          string
	LogFormat         string
	CPUProfile        string // file the whole run's CPU profile is written to (PAYWALL_CPUPROFILE); "" is none
	MemProfile        string // file the heap profile is written to at shutdown (PAYWALL_MEMPROFILE); "" is none
}

// raiseFlags are Payway's raise_on_* flags sent with every order.
type raiseFlags struct {
	SSNAlreadyTaken, SSNAlreadySet, AccountUpdate, DeliveryAddress bool
}

// setting describes one PAYWALL_* variable for parsing, validation and the README table.
type setting struct {
	env    string
	def    string
	secret bool
	help   string
}

// settings lists every variable the app reads. Defaults that depend on the mode are filled in by loadConfig.
func settings() []setting {
	return []setting{
		{"PAYWALL_MODE", modeSandbox, false, "sandbox (embedded Payway + Klarna emulation) or live"},
		{"PAYWALL_ADDR", "localhost:8080", false, "address the app listens on (flag -addr)"},
		{"PAYWALL_PUBLIC_URL", "", false, "the app's public URL, used in links sent to Payway and Klarna (default http://<addr>)"},
		{"PAYWALL_DB", "data/paywall.db", false, "SQLite database file, created on first start (flag -db)"},
		{"PAYWALL_SANDBOX_ADDR", "127.0.0.1:8081", false, "sandbox mode: address of the embedded sandbox"},
		{"PAYWALL_SANDBOX_DB", "data/sandbox.db", false, "sandbox mode: the sandbox's own SQLite file"},
		{"PAYWALL_SANDBOX_PUBLIC", "false", false, "sandbox mode: allow PAYWALL_ADDR and PAYWALL_SANDBOX_ADDR beyond loopback (0.0.0.0, a LAN or public address); needs PAYWALL_DEMO_USER/PASSWORD, which /demo and the sandbox control API then require"},
		{"PAYWALL_PAYWAY_URL", "", false, "live: Payway API base URL (e.g. https://payway-api.stage.adeprimo.se)"},
		{"PAYWALL_PAYWAY_CLIENT_ID", "", false, "live: Payway API client id"},
		{"PAYWALL_PAYWAY_CLIENT_SECRET", "", true, "live: Payway API client secret"},
		{"PAYWALL_PAYWAY_ORGANISATION", "", false, "live: Payway organisation id (login username prefix)"},
		{"PAYWALL_KLARNA_URL", "", false, "live: Klarna API base URL (e.g. https://api.playground.klarna.com)"},
		{"PAYWALL_KLARNA_USERNAME", "", false, "live: Klarna API username (MID)"},
		{"PAYWALL_KLARNA_PASSWORD", "", true, "live: Klarna API password"},
		{"PAYWALL_KLARNA_SDK_URL", "", false, "Klarna JS SDK URL (live default https://x.klarnacdn.net/kp/lib/v1/api.js)"},
		{"PAYWALL_KLARNA_ORIGINS", "", false, "live: extra CSP sources for Klarna's SDK (default " + liveKlarnaOrigins + ")"},
		{"PAYWALL_SESSION_KEY", "", true, "hex key (>= 32 bytes) signing session cookies; required live, random per start in sandbox"},
		{"PAYWALL_TOKEN_KEY", "", true, "64 hex characters (32 bytes) sealing the saved Klarna customer tokens (AES-256-GCM); required live, sandbox default: the documented development key"},
		{"PAYWALL_TOKEN_KEY_PREVIOUS", "", true, "rotating the token key: the earlier PAYWALL_TOKEN_KEY values (64 hex characters each, comma-separated); the start seals everything again under PAYWALL_TOKEN_KEY, after which they can go"},
		{"PAYWALL_SESSION_MAX_AGE", "168h", false, "how long a login lasts"},
		{"PAYWALL_REQUEST_TIMEOUT", "15s", false, "per-request timeout"},
		{"PAYWALL_SHUTDOWN_GRACE", "10s", false, "how long in-flight requests may finish on SIGINT/SIGTERM (money calls then get up to their own timeout)"},
		{"PAYWALL_PAYWAY_TIMEOUT", "10s", false, "how long one Payway call may take"},
		{"PAYWALL_KLARNA_TIMEOUT", "15s", false, "how long one Klarna call may take"},
		{"PAYWALL_RECONCILE_EVERY", "30s", false, "how often unknown payment outcomes are checked with Payway and Klarna (also at start)"},
		{"PAYWALL_LOGIN_RATE", "10", false, "login attempts per minute per client IP"},
		{"PAYWALL_TRUST_PROXY", "false", false, "take the client IP from X-Forwarded-For (only behind a trusted proxy)"},
		{"PAYWALL_CATALOGUE", "", false, "JSON file with the offers on sale (default: the embedded catalogue)"},
		{"PAYWALL_TIME_ZONE", "Europe/Stockholm", false, "the paper's time zone (IANA name): the dates readers see are its calendar's"},
		{"PAYWALL_RECOVERY", "sdk", false, "step-up recovery page's first choice: sdk (Klarna's dialog on our page) or hpp (Klarna's hosted payment page); both are offered"},
		{"PAYWALL_METRICS_TOKEN", "", true, "live: bearer token a Prometheus scraper sends for /metrics (live mode without it serves no /metrics)"},
		{"PAYWALL_DEMO_USER", "", false, "demo console (/demo) admin user for HTTP Basic; live mode has the console only when set"},
		{"PAYWALL_DEMO_PASSWORD", "", true, "demo console admin password (12+ characters), set together with PAYWALL_DEMO_USER"},
		{"PAYWALL_RAISE_ON_SSN_ALREADY_TAKEN", "true", false, "fail a purchase when Klarna's SSN belongs to another account"},
		{"PAYWALL_RAISE_ON_SSN_ALREADY_SET", "false", false, "fail a purchase when the account already has another SSN"},
		{"PAYWALL_RAISE_ON_ACCOUNT_UPDATE_ERROR", "false", false, "fail a purchase when name, birth date or address cannot be updated"},
		{"PAYWALL_RAISE_ON_DELIVERY_ADDRESS_ERROR", "false", false, "fail a purchase when the delivery address is invalid"},
		{"PAYWALL_ALLOW_HTTP", "false", false, "live: accept http:// public, Payway and Klarna URLs (development against local stand-ins only; Payway needs HTTPS on the purchase page, Klarna HTTPS callbacks)"},
		{"PAYWALL_LOG_LEVEL", "info", false, "debug, info, warn or error"},
		{"PAYWALL_LOG_FORMAT", "text", false, "text or json"},
		{"PAYWALL_CPUPROFILE", "", false, "development: write a CPU profile of the whole run to this file (go tool pprof; `make bench BENCHFLAGS=-cpuprofile=F` sets it)"},
		{"PAYWALL_MEMPROFILE", "", false, "development: write a heap profile to this file at shutdown (what is still held then; `make bench BENCHFLAGS=-memprofile=F` sets it)"},
	}
}

// minDemoPassword is the shortest demo console password accepted: in live mode it guards every
// purchase's timeline.
const minDemoPassword = 12

const liveKlarnaSDK = "https://x.klarnacdn.net/kp/lib/v1/api.js"

// liveKlarnaOrigins are the hosts Klarna's real SDK loads its widget and dialog from and redirects through.
const liveKlarnaOrigins = "https://*.klarna.com https://*.klarnacdn.net https://*.klarnaservices.com"

// loadConfig reads flags and PAYWALL_* variables and validates them, reporting every bad value at once.
func loadConfig(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	vals := map[string]string{}
	for _, s := range settings() {
		vals[s.env] = s.def
		if v, ok := lookup(getenv, s.env); ok {
			vals[s.env] = v
		}
	}
	fs := flag.NewFlagSet("paywall", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", vals["PAYWALL_ADDR"], "address to listen on")
	db := fs.String("db", vals["PAYWALL_DB"], "SQLite database file")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	vals["PAYWALL_ADDR"], vals["PAYWALL_DB"] = *addr, *db

	var errs []error
	bad := func(env, format string, a ...any) {
		errs = append(errs, fmt.Errorf("%s: "+format, append([]any{env}, a...)...))
	}
	dur := func(env string) time.Duration {
		d, err := time.ParseDuration(vals[env])
		if err != nil || d <= 0 {
			bad(env, "%q is not a positive duration such as 15s", vals[env])
		}
		return d
	}

	cfg := config{
		Mode: strings.ToLower(vals["PAYWALL_MODE"]), Addr: vals["PAYWALL_ADDR"], DBPath: vals["PAYWALL_DB"],
		SandboxAddr: vals["PAYWALL_SANDBOX_ADDR"], SandboxDBPath: vals["PAYWALL_SANDBOX_DB"],
		PaywayURL: vals["PAYWALL_PAYWAY_URL"], PaywayClientID: vals["PAYWALL_PAYWAY_CLIENT_ID"],
		PaywaySecret: vals["PAYWALL_PAYWAY_CLIENT_SECRET"], PaywayOrg: vals["PAYWALL_PAYWAY_ORGANISATION"],
		KlarnaURL: vals["PAYWALL_KLARNA_URL"], KlarnaUser: vals["PAYWALL_KLARNA_USERNAME"],
		KlarnaPassword: vals["PAYWALL_KLARNA_PASSWORD"], KlarnaSDKURL: vals["PAYWALL_KLARNA_SDK_URL"],
		PublicURL: vals["PAYWALL_PUBLIC_URL"],
		LogLevel:  strings.ToLower(vals["PAYWALL_LOG_LEVEL"]), LogFormat: strings.ToLower(vals["PAYWALL_LOG_FORMAT"]),
		CPUProfile: vals["PAYWALL_CPUPROFILE"], MemProfile: vals["PAYWALL_MEMPROFILE"],
	}
	cfg.SessionMaxAge = dur("PAYWALL_SESSION_MAX_AGE")
	cfg.RequestTimeout = dur("PAYWALL_REQUEST_TIMEOUT")
	cfg.ShutdownGrace = dur("PAYWALL_SHUTDOWN_GRACE")
	cfg.PaywayTimeout = dur("PAYWALL_PAYWAY_TIMEOUT")
	cfg.KlarnaTimeout = dur("PAYWALL_KLARNA_TIMEOUT")
	cfg.ReconcileEvery = dur("PAYWALL_RECONCILE_EVERY")
	if n, err := strconv.Atoi(vals["PAYWALL_LOGIN_RATE"]); err != nil || n < 1 {
		bad("PAYWALL_LOGIN_RATE", "%q is not a whole number of at least 1", vals["PAYWALL_LOGIN_RATE"])
	} else {
		cfg.LoginRate = n
	}
	boolean := func(env string) bool {
		b, err := strconv.ParseBool(vals[env])
		if err != nil {
			bad(env, "%q is not true or false", vals[env])
		}
		return b
	}
	cfg.TrustProxy = boolean("PAYWALL_TRUST_PROXY")
	cfg.AllowHTTP = boolean("PAYWALL_ALLOW_HTTP")
	cfg.SandboxPublic = boolean("PAYWALL_SANDBOX_PUBLIC")
	cfg.Raise = raiseFlags{
		SSNAlreadyTaken: boolean("PAYWALL_RAISE_ON_SSN_ALREADY_TAKEN"),
		SSNAlreadySet:   boolean("PAYWALL_RAISE_ON_SSN_ALREADY_SET"),
		AccountUpdate:   boolean("PAYWALL_RAISE_ON_ACCOUNT_UPDATE_ERROR"),
		DeliveryAddress: boolean("PAYWALL_RAISE_ON_DELIVERY_ADDRESS_ERROR"),
	}
	cfg.CataloguePath = vals["PAYWALL_CATALOGUE"]
	if zone, err := time.LoadLocation(vals["PAYWALL_TIME_ZONE"]); err != nil || vals["PAYWALL_TIME_ZONE"] == "" {
		bad("PAYWALL_TIME_ZONE", "%q is not a time zone such as Europe/Stockholm", vals["PAYWALL_TIME_ZONE"])
	} else {
		cfg.TimeZone = zone
	}
	cfg.Recovery = strings.ToLower(vals["PAYWALL_RECOVERY"])
	if cfg.Recovery != "sdk" && cfg.Recovery != "hpp" {
		bad("PAYWALL_RECOVERY", "%q is not sdk or hpp", cfg.Recovery)
	}
	cfg.DemoUser, cfg.DemoPassword = vals["PAYWALL_DEMO_USER"], vals["PAYWALL_DEMO_PASSWORD"]
	cfg.MetricsToken = vals["PAYWALL_METRICS_TOKEN"]
	switch {
	case (cfg.DemoUser == "") != (cfg.DemoPassword == ""):
		bad("PAYWALL_DEMO_USER/PAYWALL_DEMO_PASSWORD", "set both or neither")
	case cfg.DemoPassword != "" && len(cfg.DemoPassword) < minDemoPassword:
		bad("PAYWALL_DEMO_PASSWORD", "must be at least %d characters", minDemoPassword)
	}
	if _, _, err := net.SplitHostPort(cfg.Addr); err != nil {
		bad("PAYWALL_ADDR", "%q is not host:port", cfg.Addr)
	}
	if cfg.DBPath == "" {
		bad("PAYWALL_DB", "must not be empty")
	}
	switch cfg.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		bad("PAYWALL_LOG_LEVEL", "%q is not debug, info, warn or error", cfg.LogLevel)
	}
	if cfg.LogFormat != "text" && cfg.LogFormat != "json" {
		bad("PAYWALL_LOG_FORMAT", "%q is not text or json", cfg.LogFormat)
	}
	if cfg.PublicURL == "" {
		cfg.PublicURL = "http://" + cfg.Addr
	} else if !isAbsURL(cfg.PublicURL) {
		bad("PAYWALL_PUBLIC_URL", "%q is not an absolute http(s) URL", cfg.PublicURL)
	}
	if key := vals["PAYWALL_SESSION_KEY"]; key != "" {
		b, err := hex.DecodeString(key)
		if err != nil || len(b) < 32 {
			bad("PAYWALL_SESSION_KEY", "must be at least 64 hex characters (32 bytes)")
		}
		cfg.SessionKey = b
	}
	if key := vals["PAYWALL_TOKEN_KEY"]; key != "" {
		b, err := hex.DecodeString(key)
		if err != nil || len(b) != 32 {
			bad("PAYWALL_TOKEN_KEY", "must be exactly 64 hex characters (32 bytes), e.g. from `openssl rand -hex 32`")
		}
		cfg.TokenKey = b
	}
	if keys := vals["PAYWALL_TOKEN_KEY_PREVIOUS"]; keys != "" {
		for i, key := range strings.Split(keys, ",") {
			b, err := hex.DecodeString(strings.TrimSpace(key))
			if err != nil || len(b) != 32 {
				bad("PAYWALL_TOKEN_KEY_PREVIOUS", "key %d must be exactly 64 hex characters (32 bytes); separate keys with commas", i+1)
				continue
			}
			cfg.PreviousTokenKeys = append(cfg.PreviousTokenKeys, b)
		}
		if vals["PAYWALL_TOKEN_KEY"] == "" {
			bad("PAYWALL_TOKEN_KEY_PREVIOUS", "needs PAYWALL_TOKEN_KEY, the key to rotate to")
		}
	}

	switch cfg.Mode {
	case modeSandbox:
		errs = append(errs, cfg.sandboxDefaults(getenv)...)
	case modeLive:
		errs = append(errs, cfg.liveChecks(getenv)...)
	default:
		bad("PAYWALL_MODE", "%q is not sandbox or live", cfg.Mode)
	}
	if len(errs) > 0 {
		return config{}, fmt.Errorf("invalid configuration:\n  %w", errors.Join(errs...))
	}
	return cfg, nil
}

// sandboxDefaults points every client at the embedded sandbox and refuses settings that only make sense live,
// so nobody believes they are testing against Klarna when they are not.
func (c *config) sandboxDefaults(getenv func(string) string) []error {
	var errs []error
	for _, env := range []string{"PAYWALL_PAYWAY_URL", "PAYWALL_PAYWAY_CLIENT_ID", "PAYWALL_PAYWAY_CLIENT_SECRET",
		"PAYWALL_KLARNA_URL", "PAYWALL_KLARNA_USERNAME", "PAYWALL_KLARNA_PASSWORD", "PAYWALL_KLARNA_SDK_URL",
		"PAYWALL_KLARNA_ORIGINS"} {
		if _, ok := lookup(getenv, env); ok {
			errs = append(errs, fmt.Errorf("%s: is set but PAYWALL_MODE=sandbox; set PAYWALL_MODE=live to use real services", env))
		}
	}
	if _, _, err := net.SplitHostPort(c.SandboxAddr); err != nil {
		errs = append(errs, fmt.Errorf("PAYWALL_SANDBOX_ADDR: %q is not host:port", c.SandboxAddr))
	}
	errs = append(errs, c.loopbackChecks()...)
	base := "http://" + c.SandboxAddr
	c.PaywayURL, c.PaywayClientID, c.PaywaySecret = base, sandbox.PaywayClientID, sandbox.PaywayClientSecret
	if c.PaywayOrg == "" {
		c.PaywayOrg = sandbox.Organisation
	}
	c.KlarnaURL, c.KlarnaUser, c.KlarnaPassword = base, sandbox.KlarnaUsername, sandbox.KlarnaPassword
	c.KlarnaSDKURL = base + "/kp/lib/v1/api.js"
	if c.SessionKey == nil {
		c.SessionKey = make([]byte, 32)
		_, _ = rand.Read(c.SessionKey)
	}
	if c.TokenKey == nil {
		// Fixed, so the demo's saved tokens survive a restart; public, so never a live key.
		c.TokenKey = app.SandboxTokenKey()
	}
	return errs
}

// loopbackChecks refuses a sandbox-mode address that other machines can reach, unless PAYWALL_SANDBOX_PUBLIC
// says so. Sandbox mode has no secrets to protect by design: the app's demo console logs in as any persona
// and resets everything, the sandbox's control API lists every persona's password and takes resets and
// faults without a credential. That is right on a developer's machine and wrong on 0.0.0.0, where it used
// to start without a word. The rule is about the mode, so it holds for `paywall sandbox` and the doctor too.
func (c *config) loopbackChecks() []error {
	if c.SandboxPublic {
		// On purpose, then only behind the demo credential: /demo and the sandbox's control API both need it.
		if c.DemoUser == "" || c.DemoPassword == "" {
			return []error{errors.New("PAYWALL_SANDBOX_PUBLIC: a public sandbox needs PAYWALL_DEMO_USER and PAYWALL_DEMO_PASSWORD: " +
				"the demo console and the sandbox's control API then ask for them")}
		}
		return nil
	}
	var errs []error
	for _, a := range []struct{ env, addr, exposes string }{
		{"PAYWALL_ADDR", c.Addr, "the demo console, which logs in as any persona and resets everything"},
		{"PAYWALL_SANDBOX_ADDR", c.SandboxAddr, "the sandbox control API, which lists persona passwords and resets the sandbox"},
	} {
		host, _, err := net.SplitHostPort(a.addr)
		if err != nil || loopbackHost(host) {
			continue // a malformed address is reported on its own
		}
		errs = append(errs, fmt.Errorf("%s: %q is reachable from other machines in sandbox mode and would expose %s to them; "+
			"listen on localhost or 127.0.0.1 (or set PAYWALL_SANDBOX_PUBLIC=true to expose it on purpose)", a.env, a.addr, a.exposes))
	}
	return errs
}

// exposed lists the sandbox-mode addresses that listen beyond loopback (allowed by PAYWALL_SANDBOX_PUBLIC),
// for the start-up warning; none in live mode.
func (c config) exposed() []string {
	if c.Mode != modeSandbox {
		return nil
	}
	var out []string
	for _, addr := range []string{c.Addr, c.SandboxAddr} {
		if host, _, err := net.SplitHostPort(addr); err == nil && !loopbackHost(host) {
			out = append(out, addr)
		}
	}
	return out
}

// loopbackHost reports whether a listen host reaches this machine only: "localhost" or a loopback IP
// (127.0.0.0/8, ::1, also IPv4-mapped). An empty host (":8080") is every interface, and any other name may
// resolve to anything, so neither counts; names are not looked up, the answer would not bind the listener.
func loopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}

// liveChecks requires every credential and refuses sandbox values in live mode.
func (c *config) liveChecks(getenv func(string) string) []error {
	var errs []error
	required := map[string]string{
		"PAYWALL_PAYWAY_URL": c.PaywayURL, "PAYWALL_PAYWAY_CLIENT_ID": c.PaywayClientID,
		"PAYWALL_PAYWAY_CLIENT_SECRET": c.PaywaySecret, "PAYWALL_PAYWAY_ORGANISATION": c.PaywayOrg,
		"PAYWALL_KLARNA_URL": c.KlarnaURL, "PAYWALL_KLARNA_USERNAME": c.KlarnaUser,
		"PAYWALL_KLARNA_PASSWORD": c.KlarnaPassword,
	}
	names := make([]string, 0, len(required))
	for k := range required {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if required[k] == "" {
			errs = append(errs, fmt.Errorf("%s: required when PAYWALL_MODE=live", k))
		}
	}
	if c.KlarnaSDKURL == "" {
		c.KlarnaSDKURL = liveKlarnaSDK
	}
	origins := liveKlarnaOrigins
	if v, ok := lookup(getenv, "PAYWALL_KLARNA_ORIGINS"); ok {
		origins = v
	}
	c.KlarnaOrigins = strings.Fields(origins)
	urls := map[string]string{"PAYWALL_PAYWAY_URL": c.PaywayURL, "PAYWALL_KLARNA_URL": c.KlarnaURL,
		"PAYWALL_KLARNA_SDK_URL": c.KlarnaSDKURL, "PAYWALL_PUBLIC_URL": c.PublicURL}
	for _, env := range slices.Sorted(maps.Keys(urls)) {
		u := urls[env]
		if u != "" && !isAbsURL(u) {
			errs = append(errs, fmt.Errorf("%s: %q is not an absolute http(s) URL", env, u))
		}
		// Payway requires HTTPS on the page that hosts its purchase flow, Klarna HTTPS for callbacks, and
		// secrets travel on these links: plain http is for local stand-ins only, and says so.
		if strings.HasPrefix(strings.ToLower(u), "http://") && !c.AllowHTTP {
			errs = append(errs, fmt.Errorf("%s: %q is plain http in live mode; use https (or PAYWALL_ALLOW_HTTP=true for a local stand-in)", env, u))
		}
		if u != "" && strings.Contains(u, c.SandboxAddr) {
			errs = append(errs, fmt.Errorf("%s: points at the sandbox (%s) but PAYWALL_MODE=live", env, c.SandboxAddr))
		}
	}
	if c.PaywaySecret == sandbox.PaywayClientSecret || c.KlarnaPassword == sandbox.KlarnaPassword {
		errs = append(errs, errors.New("PAYWALL_PAYWAY_CLIENT_SECRET/PAYWALL_KLARNA_PASSWORD: sandbox credentials in live mode"))
	}
	if c.SessionKey == nil {
		errs = append(errs, errors.New("PAYWALL_SESSION_KEY: required when PAYWALL_MODE=live (64+ hex characters)"))
	}
	switch {
	case c.TokenKey == nil:
		errs = append(errs, errors.New("PAYWALL_TOKEN_KEY: required when PAYWALL_MODE=live (64 hex characters; it seals the saved Klarna tokens, keep it with the database backups)"))
	case bytes.Equal(c.TokenKey, app.SandboxTokenKey()):
		errs = append(errs, errors.New("PAYWALL_TOKEN_KEY: the sandbox's public development key in live mode"))
	}
	return errs
}

// lookup reads a variable and reports whether it is set to something non-empty.
func lookup(getenv func(string) string, env string) (string, bool) {
	v := strings.TrimSpace(getenv(env))
	return v, v != ""
}

func isAbsURL(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// describe prints the effective configuration with secrets masked, for the start-up log.
func (c config) describe() []any {
	mask := func(s string) string {
		if s == "" {
			return ""
		}
		return "***"
	}
	return []any{
		"mode", c.Mode, "addr", c.Addr, "public_url", c.PublicURL, "db", c.DBPath,
		"sandbox_addr", c.SandboxAddr, "sandbox_db", c.SandboxDBPath, "sandbox_public", c.SandboxPublic,
		"payway_url", c.PaywayURL, "payway_client_id", c.PaywayClientID, "payway_client_secret", mask(c.PaywaySecret),
		"payway_organisation", c.PaywayOrg, "klarna_url", c.KlarnaURL, "klarna_username", c.KlarnaUser,
		"klarna_password", mask(c.KlarnaPassword), "klarna_sdk_url", c.KlarnaSDKURL, "klarna_origins", strings.Join(c.KlarnaOrigins, " "),
		"session_key", mask(string(c.SessionKey)), "token_key", mask(string(c.TokenKey)), "previous_token_keys", len(c.PreviousTokenKeys), "session_max_age", c.SessionMaxAge.String(),
		"request_timeout", c.RequestTimeout.String(), "payway_timeout", c.PaywayTimeout.String(),
		"klarna_timeout", c.KlarnaTimeout.String(), "reconcile_every", c.ReconcileEvery.String(), "login_rate", c.LoginRate, "trust_proxy", c.TrustProxy,
		"catalogue", c.CataloguePath, "time_zone", c.TimeZone.String(), "recovery", c.Recovery, "raise_on", fmt.Sprintf("%+v", c.Raise),
		"demo_user", c.DemoUser, "demo_password", mask(c.DemoPassword),
		"log_level", c.LogLevel, "log_format", c.LogFormat,
	}
}
