package main

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// summaryLine is the doctor's last line.
var summaryLine = regexp.MustCompile(`(?m)^summary: (\d+) ok, (\d+) FAIL, (\d+) skip: `)

// TestDoctorCommand runs `paywall doctor` in sandbox mode through run: it reads the PAYWALL_* variables,
// starts a sandbox of its own (not the one on PAYWALL_SANDBOX_ADDR), prints a line per check and a summary,
// and exits non-zero exactly when a check failed. internal/doctor's tests hold that every check passes.
func TestDoctorCommand(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		vars map[string]string
		want []string // substrings of the output
	}{
		{"defaults", nil, []string{"paywall doctor: sandbox mode", "ok    payway.password_grant", "reader@example.se: access_token"}},
		{"test account from the environment",
			map[string]string{"PAYWALL_DOCTOR_EMAIL": "subscriber@example.se", "PAYWALL_DOCTOR_PASSWORD": "paywall-demo"},
			[]string{"subscriber@example.se: access_token", "item.active_products [digital]", "ok    payway.error:package_already_active"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			vars := map[string]string{"PAYWALL_SANDBOX_ADDR": "127.0.0.1:1"} // unused: the doctor serves its own
			for k, v := range tt.vars {
				vars[k] = v
			}
			var out bytes.Buffer
			err := run(t.Context(), []string{"doctor"}, env(vars), &out)
			m := summaryLine.FindStringSubmatch(out.String())
			if m == nil {
				t.Fatalf("no summary line (err %v):\n%s", err, out.String())
			}
			fails, _ := strconv.Atoi(m[2])
			if (err != nil) != (fails > 0) {
				t.Errorf("run returned %v with %d failed checks", err, fails)
			}
			if err != nil && !strings.Contains(err.Error(), "check") {
				t.Errorf("err = %v, want the number of failed checks", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out.String())
				}
			}
		})
	}
}

// TestDoctorCommandRefusesBadSettings: settings the doctor cannot use stop it before any call.
func TestDoctorCommandRefusesBadSettings(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		vars map[string]string
		want string
	}{
		{"e-mail without password", map[string]string{"PAYWALL_DOCTOR_EMAIL": "reader@example.se"}, "set both or neither"},
		{"password without e-mail", map[string]string{"PAYWALL_DOCTOR_PASSWORD": "x"}, "set both or neither"},
		{"create session not a boolean", map[string]string{"PAYWALL_DOCTOR_CREATE_SESSION": "maybe"}, "PAYWALL_DOCTOR_CREATE_SESSION"},
		{"live without credentials", map[string]string{"PAYWALL_MODE": "live"}, "PAYWALL_PAYWAY_CLIENT_SECRET: required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var out bytes.Buffer
			err := run(t.Context(), []string{"doctor"}, env(tt.vars), &out)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
			if strings.Contains(out.String(), "summary:") {
				t.Errorf("checks ran despite the bad setting:\n%s", out.String())
			}
		})
	}
}
