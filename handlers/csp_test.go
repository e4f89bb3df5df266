package handlers_test

import (
	"strings"
	"testing"

	"github.com/paywall/paywall/handlers"
)

// TestContentSecurityPolicyIsWhatTheAppSends keeps the exported policy (read by `paywall doctor`) and the
// header the app serves one and the same.
func TestContentSecurityPolicyIsWhatTheAppSends(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	want, err := handlers.ContentSecurityPolicy(app.Sandbox.URL+"/kp/lib/v1/api.js", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := app.client().get("/").Header.Get("Content-Security-Policy"); got != want {
		t.Errorf("served CSP\n  %s\nContentSecurityPolicy\n  %s", got, want)
	}
}

func TestContentSecurityPolicySources(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		sdkURL  string
		origins []string
		want    string // the script-src directive
		wantErr bool
	}{
		{"sandbox", "http://127.0.0.1:8081/kp/lib/v1/api.js", nil, "script-src 'self' http://127.0.0.1:8081;", false},
		{"live", "https://x.klarnacdn.net/kp/lib/v1/api.js", []string{"https://*.klarna.com"},
			"script-src 'self' https://x.klarnacdn.net https://*.klarna.com;", false},
		{"no SDK", "", nil, "script-src 'self';", false},
		{"relative SDK URL", "/kp/lib/v1/api.js", nil, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			csp, err := handlers.ContentSecurityPolicy(tt.sdkURL, tt.origins)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if !tt.wantErr && !strings.Contains(csp, tt.want) {
				t.Errorf("CSP %q lacks %q", csp, tt.want)
			}
		})
	}
}
