package sandbox

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestControlAuth: with a control credential, every control call needs it (reads too: the scenarios list
// persona credentials), while the Payway and Klarna APIs and the browser side are untouched.
func TestControlAuth(t *testing.T) {
	t.Parallel()
	s, err := New(t.Context(), Config{DBPath: t.TempDir() + "/sandbox.db", ControlUser: "demo", ControlPassword: "a long demo secret"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	tests := []struct {
		name, method, path string
		user, password     string
		want               int
	}{
		{"scenarios without the credential", "GET", "/sandbox/v1/scenarios", "", "", http.StatusUnauthorized},
		{"reset with a wrong password", "POST", "/sandbox/v1/reset", "demo", "guess", http.StatusUnauthorized},
		{"scenarios with the credential", "GET", "/sandbox/v1/scenarios", "demo", "a long demo secret", http.StatusOK},
		{"Klarna's SDK stand-in needs none", "GET", "/kp/lib/v1/api.js", "", "", http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := httptest.NewRequest(tt.method, tt.path, strings.NewReader("{}"))
			req.Header.Set("Content-Type", "application/json")
			if tt.user != "" {
				req.SetBasicAuth(tt.user, tt.password)
			}
			rec := httptest.NewRecorder()
			s.Handler().ServeHTTP(rec, req)
			if rec.Code != tt.want {
				t.Errorf("%s %s: %d, want %d", tt.method, tt.path, rec.Code, tt.want)
			}
		})
	}
}
