package main

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/paywall/paywall/internal/app"
)

func env(kv map[string]string) func(string) string {
	return func(k string) string { return kv[k] }
}

func TestLoadConfig(t *testing.T) {
	t.Parallel()
	liveEnv := map[string]string{
		"PAYWALL_MODE": "live", "PAYWALL_PAYWAY_URL": "https://payway-api.stage.adeprimo.se",
		"PAYWALL_PAYWAY_CLIENT_ID": "id", "PAYWALL_PAYWAY_CLIENT_SECRET": "s3cret", "PAYWALL_PAYWAY_ORGANISATION": "media",
		"PAYWALL_KLARNA_URL": "https://api.playground.klarna.com", "PAYWALL_KLARNA_USERNAME": "PK1",
		"PAYWALL_KLARNA_PASSWORD": "kpass", "PAYWALL_SESSION_KEY": strings.Repeat("ab", 32),
		"PAYWALL_PUBLIC_URL": "https://paywall.example.se", "PAYWALL_TOKEN_KEY": strings.Repeat("cd", 32),
	}
	with := func(base map[string]string, kv ...string) map[string]string {
		out := map[string]string{}
		for k, v := range base {
			out[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			out[kv[i]] = kv[i+1]
		}
		return out
	}
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		wantErr []string // substrings of the error; nil = valid
		check   func(t *testing.T, c config)
	}{
		{name: "defaults are the sandbox on localhost:8080", env: map[string]string{}, check: func(t *testing.T, c config) {
			if c.Mode != "sandbox" || c.Addr != "localhost:8080" || c.DBPath != "data/paywall.db" {
				t.Errorf("got %+v", c)
			}
			if c.PaywayURL != "http://127.0.0.1:8081" || c.KlarnaSDKURL != "http://127.0.0.1:8081/kp/lib/v1/api.js" {
				t.Errorf("sandbox URLs: %s %s", c.PaywayURL, c.KlarnaSDKURL)
			}
			if len(c.SessionKey) < 32 {
				t.Error("no session key generated")
			}
			if !bytes.Equal(c.TokenKey, app.SandboxTokenKey()) {
				t.Error("sandbox mode does not seal tokens with the documented development key")
			}
		}},
		{name: "flags override the environment", args: []string{"-addr", "127.0.0.1:9999", "-db", "x.db"}, env: map[string]string{"PAYWALL_ADDR": "localhost:1"}, check: func(t *testing.T, c config) {
			if c.Addr != "127.0.0.1:9999" || c.DBPath != "x.db" || c.PublicURL != "http://127.0.0.1:9999" {
				t.Errorf("got %s %s %s", c.Addr, c.DBPath, c.PublicURL)
			}
		}},
		{name: "every bad value is reported at once", env: map[string]string{
			"PAYWALL_MODE": "prod", "PAYWALL_REQUEST_TIMEOUT": "soon", "PAYWALL_LOGIN_RATE": "0", "PAYWALL_LOG_LEVEL": "loud",
		}, wantErr: []string{"PAYWALL_MODE", "PAYWALL_REQUEST_TIMEOUT", "PAYWALL_LOGIN_RATE", "PAYWALL_LOG_LEVEL"}},
		{name: "live settings in sandbox mode are refused", env: map[string]string{"PAYWALL_KLARNA_URL": "https://api.klarna.com"},
			wantErr: []string{"PAYWALL_KLARNA_URL: is set but PAYWALL_MODE=sandbox"}},
		{name: "live needs every credential", env: map[string]string{"PAYWALL_MODE": "live"},
			wantErr: []string{"PAYWALL_PAYWAY_URL: required", "PAYWALL_KLARNA_PASSWORD: required", "PAYWALL_SESSION_KEY: required",
				"PAYWALL_TOKEN_KEY: required"}},
		{name: "live refuses the sandbox's token key", env: with(liveEnv, "PAYWALL_TOKEN_KEY", hex.EncodeToString(app.SandboxTokenKey())),
			wantErr: []string{"PAYWALL_TOKEN_KEY: the sandbox's public development key in live mode"}},
		{name: "a token key of the wrong length", env: map[string]string{"PAYWALL_TOKEN_KEY": strings.Repeat("ab", 16)},
			wantErr: []string{"PAYWALL_TOKEN_KEY: must be exactly 64 hex characters"}},
		{name: "a token key that is not hex", env: map[string]string{"PAYWALL_TOKEN_KEY": strings.Repeat("zz", 32)},
			wantErr: []string{"PAYWALL_TOKEN_KEY: must be exactly 64 hex characters"}},
		{name: "previous token keys need the key to rotate to", env: map[string]string{"PAYWALL_TOKEN_KEY_PREVIOUS": strings.Repeat("02", 32)},
			wantErr: []string{"PAYWALL_TOKEN_KEY_PREVIOUS: needs PAYWALL_TOKEN_KEY"}},
		{name: "a previous token key of the wrong length", env: map[string]string{
			"PAYWALL_TOKEN_KEY": strings.Repeat("01", 32), "PAYWALL_TOKEN_KEY_PREVIOUS": strings.Repeat("02", 32) + "," + strings.Repeat("03", 16)},
			wantErr: []string{"PAYWALL_TOKEN_KEY_PREVIOUS: key 2 must be exactly 64 hex characters"}},
		{name: "previous token keys, comma-separated", env: map[string]string{
			"PAYWALL_TOKEN_KEY": strings.Repeat("01", 32), "PAYWALL_TOKEN_KEY_PREVIOUS": strings.Repeat("02", 32) + ", " + strings.Repeat("03", 32)},
			check: func(t *testing.T, c config) {
				if len(c.PreviousTokenKeys) != 2 || c.PreviousTokenKeys[0][0] != 2 || c.PreviousTokenKeys[1][0] != 3 {
					t.Errorf("previous token keys %x", c.PreviousTokenKeys)
				}
			}},
		{name: "sandbox takes a token key of its own", env: map[string]string{"PAYWALL_TOKEN_KEY": strings.Repeat("01", 32)},
			check: func(t *testing.T, c config) {
				if len(c.TokenKey) != 32 || c.TokenKey[0] != 1 {
					t.Errorf("token key %x", c.TokenKey)
				}
			}},
		{name: "live with sandbox URL is a contradiction", env: with(liveEnv, "PAYWALL_PAYWAY_URL", "http://127.0.0.1:8081"),
			wantErr: []string{"points at the sandbox"}},
		{name: "live with sandbox credentials is a contradiction", env: with(liveEnv, "PAYWALL_KLARNA_PASSWORD", "sandbox-klarna-secret"),
			wantErr: []string{"sandbox credentials in live mode"}},
		{name: "live refuses an http public URL", env: with(liveEnv, "PAYWALL_PUBLIC_URL", "http://paywall.example.se"),
			wantErr: []string{"PAYWALL_PUBLIC_URL", "plain http in live mode"}},
		{name: "live refuses an http Klarna URL", env: with(liveEnv, "PAYWALL_KLARNA_URL", "http://klarna.test"),
			wantErr: []string{"PAYWALL_KLARNA_URL", "plain http in live mode"}},
		{name: "live takes http with the development override", env: with(liveEnv, "PAYWALL_PUBLIC_URL", "http://localhost:8080", "PAYWALL_KLARNA_URL", "http://klarna.test", "PAYWALL_ALLOW_HTTP", "true"),
			check: func(t *testing.T, c config) {
				if !c.AllowHTTP || c.PublicURL != "http://localhost:8080" {
					t.Errorf("override not applied: %+v", c.AllowHTTP)
				}
			}},
		{name: "short session key", env: with(liveEnv, "PAYWALL_SESSION_KEY", "abcd"), wantErr: []string{"PAYWALL_SESSION_KEY"}},
		{name: "recovery defaults to the SDK", env: map[string]string{}, check: func(t *testing.T, c config) {
			if c.Recovery != "sdk" {
				t.Errorf("recovery %q, want sdk", c.Recovery)
			}
		}},
		{name: "recovery through the hosted page", env: map[string]string{"PAYWALL_RECOVERY": "HPP"}, check: func(t *testing.T, c config) {
			if c.Recovery != "hpp" {
				t.Errorf("recovery %q, want hpp", c.Recovery)
			}
		}},
		{name: "unknown recovery", env: map[string]string{"PAYWALL_RECOVERY": "popup"}, wantErr: []string{`PAYWALL_RECOVERY: "popup" is not sdk or hpp`}},
		{name: "the paper's time zone is Stockholm's", env: map[string]string{}, check: func(t *testing.T, c config) {
			if c.TimeZone == nil || c.TimeZone.String() != "Europe/Stockholm" {
				t.Errorf("time zone %v, want Europe/Stockholm", c.TimeZone)
			}
		}},
		{name: "another time zone", env: map[string]string{"PAYWALL_TIME_ZONE": "Europe/Helsinki"}, check: func(t *testing.T, c config) {
			if c.TimeZone == nil || c.TimeZone.String() != "Europe/Helsinki" {
				t.Errorf("time zone %v, want Europe/Helsinki", c.TimeZone)
			}
		}},
		{name: "unknown time zone", env: map[string]string{"PAYWALL_TIME_ZONE": "Europe/Norrby"}, wantErr: []string{`PAYWALL_TIME_ZONE: "Europe/Norrby" is not a time zone such as Europe/Stockholm`}},
		{name: "demo console credential", env: with(liveEnv, "PAYWALL_DEMO_USER", "product", "PAYWALL_DEMO_PASSWORD", "long enough secret"),
			check: func(t *testing.T, c config) {
				if c.DemoUser != "product" || c.DemoPassword != "long enough secret" {
					t.Errorf("demo credential %q/%q", c.DemoUser, c.DemoPassword)
				}
			}},
		{name: "demo user without a password", env: map[string]string{"PAYWALL_DEMO_USER": "product"},
			wantErr: []string{"PAYWALL_DEMO_USER/PAYWALL_DEMO_PASSWORD: set both or neither"}},
		{name: "short demo password", env: map[string]string{"PAYWALL_DEMO_USER": "product", "PAYWALL_DEMO_PASSWORD": "short"},
			wantErr: []string{"PAYWALL_DEMO_PASSWORD: must be at least 12 characters"}},
		{name: "sandbox refuses every interface", env: map[string]string{"PAYWALL_ADDR": "0.0.0.0:8080"},
			wantErr: []string{`PAYWALL_ADDR: "0.0.0.0:8080" is reachable from other machines in sandbox mode`, "PAYWALL_SANDBOX_PUBLIC=true"}},
		{name: "sandbox refuses an empty host", env: map[string]string{"PAYWALL_ADDR": ":8080"},
			wantErr: []string{`PAYWALL_ADDR: ":8080" is reachable`}},
		{name: "sandbox refuses IPv6 any", env: map[string]string{"PAYWALL_ADDR": "[::]:8080"},
			wantErr: []string{`PAYWALL_ADDR: "[::]:8080" is reachable`}},
		{name: "sandbox refuses a public IP", env: map[string]string{"PAYWALL_ADDR": "203.0.113.7:8080"},
			wantErr: []string{`PAYWALL_ADDR: "203.0.113.7:8080" is reachable`}},
		{name: "sandbox refuses a host name other than localhost", env: map[string]string{"PAYWALL_ADDR": "paywall.example.se:8080"},
			wantErr: []string{`PAYWALL_ADDR: "paywall.example.se:8080" is reachable`}},
		{name: "sandbox refuses a public -addr flag", args: []string{"-addr", "0.0.0.0:9999"}, env: map[string]string{},
			wantErr: []string{`PAYWALL_ADDR: "0.0.0.0:9999" is reachable`}},
		{name: "sandbox refuses a public control API", env: map[string]string{"PAYWALL_SANDBOX_ADDR": "0.0.0.0:8081"},
			wantErr: []string{`PAYWALL_SANDBOX_ADDR: "0.0.0.0:8081" is reachable`, "lists persona passwords"}},
		{name: "both public addresses reported at once", env: map[string]string{"PAYWALL_ADDR": "10.0.0.5:8080", "PAYWALL_SANDBOX_ADDR": "[2001:db8::1]:8081"},
			wantErr: []string{"PAYWALL_ADDR:", "PAYWALL_SANDBOX_ADDR:"}},
		{name: "loopback spellings are accepted", env: map[string]string{"PAYWALL_ADDR": "LocalHost:8080", "PAYWALL_SANDBOX_ADDR": "[::1]:8081"},
			check: func(t *testing.T, c config) {
				if len(c.exposed()) != 0 || c.SandboxPublic {
					t.Errorf("exposed %v, public %v", c.exposed(), c.SandboxPublic)
				}
			}},
		{name: "all of 127/8 and mapped loopback are accepted", env: map[string]string{"PAYWALL_ADDR": "127.1.2.3:8080", "PAYWALL_SANDBOX_ADDR": "[::ffff:127.0.0.1]:8081"},
			check: func(t *testing.T, c config) {
				if len(c.exposed()) != 0 {
					t.Errorf("exposed %v", c.exposed())
				}
			}},
		{name: "the override needs the demo credential", env: map[string]string{"PAYWALL_ADDR": "0.0.0.0:8080", "PAYWALL_SANDBOX_PUBLIC": "true"},
			wantErr: []string{"PAYWALL_SANDBOX_PUBLIC: a public sandbox needs PAYWALL_DEMO_USER and PAYWALL_DEMO_PASSWORD"}},
		{name: "the override exposes the sandbox on purpose", env: map[string]string{"PAYWALL_ADDR": "0.0.0.0:8080", "PAYWALL_SANDBOX_ADDR": "0.0.0.0:8081", "PAYWALL_SANDBOX_PUBLIC": "true",
			"PAYWALL_DEMO_USER": "product", "PAYWALL_DEMO_PASSWORD": "long enough secret"},
			check: func(t *testing.T, c config) {
				if !c.SandboxPublic || len(c.exposed()) != 2 {
					t.Errorf("public %v, exposed %v", c.SandboxPublic, c.exposed())
				}
			}},
		{name: "the override must be a boolean", env: map[string]string{"PAYWALL_ADDR": "0.0.0.0:8080", "PAYWALL_SANDBOX_PUBLIC": "please"},
			wantErr: []string{`PAYWALL_SANDBOX_PUBLIC: "please" is not true or false`, "PAYWALL_ADDR: \"0.0.0.0:8080\" is reachable"}},
		{name: "live mode listens where it is told", env: with(liveEnv, "PAYWALL_ADDR", "0.0.0.0:8080"), check: func(t *testing.T, c config) {
			if c.Addr != "0.0.0.0:8080" || len(c.exposed()) != 0 {
				t.Errorf("addr %s, exposed %v", c.Addr, c.exposed())
			}
		}},
		{name: "valid live", env: liveEnv, check: func(t *testing.T, c config) {
			if c.KlarnaSDKURL != liveKlarnaSDK || len(c.KlarnaOrigins) != 3 {
				t.Errorf("SDK URL %s, origins %v", c.KlarnaSDKURL, c.KlarnaOrigins)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := loadConfig(tt.args, env(tt.env), io.Discard)
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				tt.check(t, c)
				return
			}
			if err == nil {
				t.Fatal("expected an error")
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
}

func TestDescribeMasksSecrets(t *testing.T) {
	t.Parallel()
	c := config{PaywaySecret: "pw-secret", KlarnaPassword: "kl-secret", SessionKey: []byte("session-key-bytes"),
		TokenKey: []byte("token-key-bytes"), DemoPassword: "demo-console-secret"}
	out := fmt.Sprint(c.describe()...)
	for _, secret := range []string{"pw-secret", "kl-secret", "session-key-bytes", "token-key-bytes", "demo-console-secret"} {
		if strings.Contains(out, secret) {
			t.Errorf("describe leaks %q", secret)
		}
	}
	if !strings.Contains(out, "***") {
		t.Error("secrets are not shown as masked")
	}
}
