package sandbox

import (
	"net/http"
	"strings"
	"testing"
)

// TestControlGuard sends every state-changing control route (from the route table, so a new one is
// covered without touching this test) each content type and origin a web page could use, and the ones a
// script or the demo console uses: pages are refused before the handler runs, clients get through.
func TestControlGuard(t *testing.T) {
	t.Parallel()
	s, _ := startCtlSandbox(t)
	var targets []route
	for _, rt := range s.table() {
		if changesState(rt.method, rt.path) {
			targets = append(targets, rt)
		}
	}
	if len(targets) < 6 {
		t.Fatalf("only %d state-changing control routes found", len(targets))
	}
	const json, form = "application/json", "application/x-www-form-urlencoded"
	tests := []struct {
		name        string
		contentType string // "" sends none
		origin      string // "" sends none; "self" is the sandbox's own origin
		fetchSite   string
		want        int // 0: the handler ran (whatever it answered)
	}{
		{name: "JSON from a script", contentType: json},
		{name: "JSON with a charset", contentType: "application/json; charset=utf-8"},
		{name: "JSON from the sandbox's own origin", contentType: json, origin: "self", fetchSite: "same-origin"},
		{name: "JSON typed in the address bar", contentType: json, fetchSite: "none"},
		{name: "no content type", want: http.StatusUnsupportedMediaType},
		{name: "form", contentType: form, want: http.StatusUnsupportedMediaType},
		{name: "text/plain", contentType: "text/plain", want: http.StatusUnsupportedMediaType},
		{name: "multipart", contentType: "multipart/form-data; boundary=x", want: http.StatusUnsupportedMediaType},
		{name: "JSON-looking type", contentType: "application/jsonx", want: http.StatusUnsupportedMediaType},
		{name: "form from the own origin", contentType: form, origin: "self", want: http.StatusUnsupportedMediaType},
		{name: "form from another site", contentType: form, origin: "https://evil.example", fetchSite: "cross-site", want: http.StatusForbidden},
		{name: "JSON from another site", contentType: json, origin: "https://evil.example", want: http.StatusForbidden},
		{name: "JSON from the app's origin", contentType: json, origin: "http://localhost:8080", want: http.StatusForbidden},
		{name: "JSON from an opaque origin", contentType: json, origin: "null", want: http.StatusForbidden},
		{name: "cross-site without Origin", contentType: json, fetchSite: "cross-site", want: http.StatusForbidden},
		{name: "same-site is another origin", contentType: json, fetchSite: "same-site", want: http.StatusForbidden},
		{name: "own Origin but cross-site fetch", contentType: json, origin: "self", fetchSite: "cross-site", want: http.StatusForbidden},
	}
	header := func(srvURL, contentType, origin, fetchSite string) http.Header {
		h := http.Header{"Content-Type": nil} // nil: none sent (ctlCall would declare JSON)
		if contentType != "" {
			h["Content-Type"] = []string{contentType}
		}
		switch origin {
		case "":
		case "self":
			h.Set("Origin", srvURL)
		default:
			h.Set("Origin", origin)
		}
		if fetchSite != "" {
			h.Set("Sec-Fetch-Site", fetchSite)
		}
		return h
	}
	for _, rt := range targets {
		path := strings.Replace(rt.path, "{id}", "fault_1", 1)
		t.Run(rt.method+" "+rt.path, func(t *testing.T) {
			t.Parallel()
			// One sandbox for the refusals, which must change nothing: a fault stays armed, the clock still.
			_, refusing := startCtlSandbox(t)
			if r := ctlCall(t, refusing, http.MethodPost, "/sandbox/v1/faults", `{"target":"GET /kp/widget","status":503}`, nil); r.status != http.StatusCreated {
				t.Fatalf("arm a fault: %d %s", r.status, r.raw)
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					t.Parallel()
					if tt.want == 0 { // the handler may change state: a sandbox of its own
						_, srv := startCtlSandbox(t)
						r := ctlCall(t, srv, rt.method, path, `{}`, header(srv.URL, tt.contentType, tt.origin, tt.fetchSite))
						if r.status == http.StatusForbidden || r.status == http.StatusUnsupportedMediaType {
							t.Fatalf("refused: %d %s", r.status, r.raw)
						}
						return
					}
					r := ctlCall(t, refusing, rt.method, path, `{}`, header(refusing.URL, tt.contentType, tt.origin, tt.fetchSite))
					if r.status != tt.want {
						t.Fatalf("status %d %s, want %d", r.status, r.raw, tt.want)
					}
					if code, _ := r.body["code"].(string); code == "" || r.body["message"] == nil {
						t.Errorf("not the sandbox's JSON error shape: %s", r.raw)
					}
					if l := ctlCall(t, refusing, http.MethodGet, "/sandbox/v1/faults", "", nil); !strings.Contains(string(l.raw), `"fault_1"`) {
						t.Errorf("a refused call changed the faults: %s", l.raw)
					}
					if c := ctlCall(t, refusing, http.MethodGet, "/sandbox/v1/clock", "", nil); c.body["offset_seconds"] != float64(0) {
						t.Errorf("a refused call moved the clock: %s", c.raw)
					}
				})
			}
		})
	}
}

// TestControlReadsStayOpen: reads change nothing and a page cannot read their answer without CORS, so
// the guard leaves them alone (the demo console and scripts GET them without a Content-Type).
func TestControlReadsStayOpen(t *testing.T) {
	t.Parallel()
	_, srv := startCtlSandbox(t)
	for _, path := range []string{"/sandbox/v1/scenarios", "/sandbox/v1/faults", "/sandbox/v1/clock"} {
		if r := ctlCall(t, srv, http.MethodGet, path, "", nil); r.status != http.StatusOK {
			t.Errorf("GET %s: %d %s", path, r.status, r.raw)
		}
	}
}

// TestControlGuardLeavesBrowserPagesAlone: the sandbox's own pages post forms, and none of them is under
// the control prefix, so the guard cannot reach them.
func TestControlGuardLeavesBrowserPagesAlone(t *testing.T) {
	t.Parallel()
	s, _ := startCtlSandbox(t)
	for _, rt := range s.table() {
		if strings.HasPrefix(rt.path, "/kp/") || strings.HasPrefix(rt.path, "/hpp/pay/") {
			if changesState(rt.method, rt.path) {
				t.Errorf("%s %s is a browser page but would be guarded", rt.method, rt.path)
			}
		}
	}
}
