package demo

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// countingTransport counts the requests it carries to the transport under it.
type countingTransport struct {
	base http.RoundTripper
	n    int
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n++
	return c.base.RoundTrip(r)
}

// TestSandboxControlCallsGoOverTheGivenTransport: the console's control calls go over the transport the app
// gives it (its pooled upstream one), with the demo credential when there is one.
func TestSandboxControlCallsGoOverTheGivenTransport(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, user, password string
	}{
		{"no credential", "", ""},
		{"demo credential", "demo", "secret"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if user, password, _ := r.BasicAuth(); user != tt.user || password != tt.password {
					http.Error(w, `{"code":"unauthorized"}`, http.StatusUnauthorized)
					return
				}
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(`{"faults":[]}`))
			}))
			t.Cleanup(srv.Close)
			tr := &countingTransport{base: srv.Client().Transport}
			s := newSandboxControl(srv.URL, tt.user, tt.password, tr)
			if _, err := s.faults(t.Context()); err != nil {
				t.Fatalf("faults: %v", err)
			}
			if tr.n != 1 {
				t.Errorf("%d requests over the given transport, want 1", tr.n)
			}
		})
	}
}
