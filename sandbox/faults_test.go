package sandbox

import (
	"cmp"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paywall/paywall/internal/testenv"
)

func TestFaultSetTake(t *testing.T) {
	t.Parallel()
	fs := newFaultSet()
	a := fs.add(fault{Target: "GET /a", Status: 500, Count: 2})
	b := fs.add(fault{Target: "GET /a", Status: 503, Count: 1})
	fs.add(fault{Target: "POST /a", Drop: true, Count: 1})
	if a.ID == b.ID || a.Remaining != 2 {
		t.Fatalf("add: %+v %+v", a, b)
	}
	wantStatuses := []int{500, 500, 503}
	for i, want := range wantStatuses {
		f, ok := fs.take("GET /a")
		if !ok || f.Status != want {
			t.Fatalf("take %d: %+v %v, want status %d (oldest fault first)", i, f, ok, want)
		}
	}
	if f, ok := fs.take("GET /a"); ok {
		t.Fatalf("take after the faults ran out: %+v", f)
	}
	got := fs.list()
	if len(got) != 1 || got[0].Target != "POST /a" {
		t.Fatalf("left armed: %+v, want only POST /a", got)
	}
	if !fs.remove(got[0].ID) || fs.remove("fault_999") || len(fs.list()) != 0 {
		t.Fatal("remove")
	}
}

// TestFaultStatusShapes: an injected status answers in the error shape of the service the route belongs
// to, for exactly count calls, then the route works again.
func TestFaultStatusShapes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, target, path string
		status, count      int
		method             string // "" is GET
		check              func(t *testing.T, r ctlResponse)
	}{
		{name: "Payway route", target: "GET /external/api/v3/me", path: "/external/api/v3/me", status: 503, count: 2,
			check: func(t *testing.T, r ctlResponse) {
				if r.body["code"] != "service_unavailable" || !strings.Contains(r.body["message"].(string), "fault_") {
					t.Errorf("Payway shape: %s", r.raw)
				}
			}},
		{name: "Payway token endpoint, OAuth-shaped", target: "POST /api/authorization/access_token",
			path: "/api/authorization/access_token", method: "POST", status: 503, count: 1,
			check: func(t *testing.T, r ctlResponse) {
				desc, _ := r.body["error_description"].(string)
				if r.body["error"] != "service_unavailable" || !strings.Contains(desc, "fault_") || r.body["code"] != nil {
					t.Errorf("OAuth shape: %s", r.raw)
				}
			}},
		{name: "Klarna origin route", target: "GET /kp/lib/v1/api.js", path: "/kp/lib/v1/api.js", status: 500, count: 1,
			check: func(t *testing.T, r ctlResponse) {
				msgs, _ := r.body["error_messages"].([]any)
				if r.body["error_code"] != "INTERNAL_SERVER_ERROR" || len(msgs) != 1 || r.body["correlation_id"] == "" ||
					r.header.Get("Klarna-Correlation-Id") != r.body["correlation_id"] {
					t.Errorf("Klarna shape: %v %s", r.header, r.raw)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method := cmp.Or(tt.method, "GET")
			_, srv := startCtlSandbox(t)
			r := ctlCall(t, srv, "POST", "/sandbox/v1/faults",
				`{"target":"`+tt.target+`","status":`+strconv.Itoa(tt.status)+`,"count":`+strconv.Itoa(tt.count)+`}`, nil)
			if r.status != 201 || r.body["remaining"] != float64(tt.count) || r.body["id"] == "" {
				t.Fatalf("arm: %d %s", r.status, r.raw)
			}
			for i := range tt.count {
				r := ctlCall(t, srv, method, tt.path, "", nil)
				if r.status != tt.status {
					t.Fatalf("call %d: %d, want %d", i, r.status, tt.status)
				}
				tt.check(t, r)
			}
			if r := ctlCall(t, srv, method, tt.path, "", nil); r.status == tt.status {
				t.Errorf("call %d still faulted", tt.count+1)
			}
			if r := ctlCall(t, srv, "GET", "/sandbox/v1/faults", "", nil); r.status != 200 || string(r.raw) != "{\"faults\":[]}\n" {
				t.Errorf("faults after use: %s", r.raw)
			}
		})
	}
}

// TestFaultDelay: a delay-only fault answers late with the real handler; the request's own deadline
// still ends it.
func TestFaultDelay(t *testing.T) {
	t.Parallel()
	_, srv := startCtlSandbox(t)
	if r := ctlCall(t, srv, "POST", "/sandbox/v1/faults", `{"target":"GET /kp/lib/v1/api.js","delay_ms":150}`, nil); r.status != 201 {
		t.Fatalf("arm: %d %s", r.status, r.raw)
	}
	start := time.Now()
	r := ctlCall(t, srv, "GET", "/kp/lib/v1/api.js", "", nil)
	if r.status != 200 || !strings.Contains(string(r.raw), "Klarna.Payments") {
		t.Fatalf("delayed call: %d", r.status)
	}
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Errorf("answered after %v, want at least 150ms", d)
	}
}

// TestFaultDelayHonoursContext: a client that gives up ends the delayed handler at once, without
// running the real handler.
func TestFaultDelayHonoursContext(t *testing.T) {
	t.Parallel()
	fs := newFaultSet()
	fs.add(fault{Target: "GET /x", Delay: time.Hour, Count: 1})
	ran := false
	h := fs.wrap("GET /x", http.HandlerFunc(func(http.ResponseWriter, *http.Request) { ran = true }))
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	rec := httptest.NewRecorder()
	go func() {
		defer close(done)
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/x", nil).WithContext(ctx))
	}()
	cancel()
	select {
	case <-done:
	case <-time.After(testenv.Scale(5 * time.Second)):
		t.Fatal("the delayed handler ignored the cancelled request")
	}
	if ran || rec.Body.Len() != 0 {
		t.Errorf("after cancel: handler ran %v, body %q", ran, rec.Body)
	}
}

// TestFaultDrop: the connection closes without an answer, once.
func TestFaultDrop(t *testing.T) {
	t.Parallel()
	_, srv := startCtlSandbox(t)
	if r := ctlCall(t, srv, "POST", "/sandbox/v1/faults", `{"target":"get /kp/lib/v1/api.js","drop":true}`, nil); r.status != 201 ||
		r.body["target"] != "GET /kp/lib/v1/api.js" || r.body["drop"] != true {
		t.Fatalf("arm: %d %s", r.status, r.raw)
	}
	// A fresh connection: Go's transport would transparently retry a GET on a reused one.
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	req, _ := http.NewRequestWithContext(t.Context(), "GET", srv.URL+"/kp/lib/v1/api.js", nil)
	if resp, err := client.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("dropped call answered %d", resp.StatusCode)
	}
	if r := ctlCall(t, srv, "GET", "/kp/lib/v1/api.js", "", nil); r.status != 200 {
		t.Errorf("after the drop: %d", r.status)
	}
}

func TestFaultRequestValidation(t *testing.T) {
	t.Parallel()
	_, srv := startCtlSandbox(t)
	tests := []struct{ name, body, wantCode string }{
		{"missing target", `{"status":500}`, "invalid_parameter"},
		{"unknown route", `{"target":"GET /nowhere","status":500}`, "invalid_parameter"},
		{"control routes are not faultable", `{"target":"POST /sandbox/v1/reset","status":500}`, "invalid_parameter"},
		{"no effect", `{"target":"GET /kp/lib/v1/api.js"}`, "invalid_parameter"},
		{"status not an error", `{"target":"GET /kp/lib/v1/api.js","status":200}`, "invalid_parameter"},
		{"status and drop", `{"target":"GET /kp/lib/v1/api.js","status":500,"drop":true}`, "invalid_parameter"},
		{"delay too long", `{"target":"GET /kp/lib/v1/api.js","delay_ms":600000}`, "invalid_parameter"},
		{"negative count", `{"target":"GET /kp/lib/v1/api.js","status":500,"count":-1}`, "invalid_parameter"},
		{"unknown field", `{"target":"GET /kp/lib/v1/api.js","status":500,"times":2}`, "unknown_parameter"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ctlCall(t, srv, "POST", "/sandbox/v1/faults", tt.body, nil)
			if r.status != 400 || r.body["code"] != tt.wantCode {
				t.Fatalf("got %d %s, want 400 %s", r.status, r.raw, tt.wantCode)
			}
		})
	}
}

func TestFaultListAndDelete(t *testing.T) {
	t.Parallel()
	_, srv := startCtlSandbox(t)
	a := ctlCall(t, srv, "POST", "/sandbox/v1/faults", `{"target":"GET /kp/lib/v1/api.js","status":502,"count":3}`, nil)
	ctlCall(t, srv, "POST", "/sandbox/v1/faults", `{"target":"GET /kp/widget","delay_ms":10}`, nil)
	r := ctlCall(t, srv, "GET", "/sandbox/v1/faults", "", nil)
	if faults, _ := r.body["faults"].([]any); len(faults) != 2 {
		t.Fatalf("list: %s", r.raw)
	}
	id := a.body["id"].(string)
	if r := ctlCall(t, srv, "DELETE", "/sandbox/v1/faults/"+id, "", nil); r.status != 204 {
		t.Errorf("delete one: %d", r.status)
	}
	if r := ctlCall(t, srv, "DELETE", "/sandbox/v1/faults/"+id, "", nil); r.status != 404 || r.body["code"] != "not_found" {
		t.Errorf("delete again: %d %s", r.status, r.raw)
	}
	if r := ctlCall(t, srv, "DELETE", "/sandbox/v1/faults", "", nil); r.status != 204 {
		t.Errorf("clear: %d", r.status)
	}
	if r := ctlCall(t, srv, "GET", "/sandbox/v1/faults", "", nil); string(r.raw) != "{\"faults\":[]}\n" {
		t.Errorf("after clear: %s", r.raw)
	}
}

// TestFaultDelayEndsWhenTheClientHangsUp: over a real connection, a client whose own timeout fires long
// before the delay ends the delayed call, so the server (and its Close) does not wait out the delay, and
// a delayed call that is waited for still gets its body.
func TestFaultDelayEndsWhenTheClientHangsUp(t *testing.T) {
	t.Parallel()
	fs := newFaultSet()
	fs.add(fault{Target: "POST /x", Delay: time.Hour, Count: 1})
	fs.add(fault{Target: "POST /y", Delay: 10 * time.Millisecond, Count: 1})
	ran := make(chan string, 2)
	echoBody := func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		ran <- string(b)
	}
	mux := http.NewServeMux()
	mux.Handle("POST /x", fs.wrap("POST /x", http.HandlerFunc(echoBody)))
	mux.Handle("POST /y", fs.wrap("POST /y", http.HandlerFunc(echoBody)))
	srv := httptest.NewServer(mux)
	client := &http.Client{Timeout: 50 * time.Millisecond}
	if _, err := client.Post(srv.URL+"/x", "application/json", strings.NewReader(`{"a":1}`)); err == nil {
		t.Fatal("the delayed call answered before the client's timeout")
	}
	closed := make(chan struct{})
	go func() { srv.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(testenv.Scale(5 * time.Second)):
		t.Fatal("Close waited for a delayed call whose client had hung up")
	}
	select {
	case body := <-ran:
		t.Fatalf("the abandoned call ran the handler with %q", body)
	default:
	}

	srv = httptest.NewServer(mux)
	defer srv.Close()
	res, err := http.Post(srv.URL+"/y", "application/json", strings.NewReader(`{"b":2}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if body := <-ran; body != `{"b":2}` {
		t.Fatalf("delayed handler got body %q", body)
	}
}

// TestFaultAfter: with "after" the call is carried out first and only its answer is hit, which is how
// Payway or Klarna look when they acted and the answer was lost: late past the client's timeout, a cut
// connection, or a proxy's status in place of the real answer.
func TestFaultAfter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		f          fault
		wantStatus int // 0: the client gets no answer
		wantBody   string
	}{
		{"dropped after acting", fault{Drop: true}, 0, ""},
		{"late past the client's timeout", fault{Delay: time.Hour}, 0, ""},
		{"a 502 in place of the real answer", fault{Status: 502}, 502, ""},
		{"late, then the real answer", fault{Delay: 10 * time.Millisecond}, 201, `{"done":true}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fs := newFaultSet()
			f := tt.f
			f.Target, f.After, f.Count = "POST /x", true, 1
			fs.add(f)
			acted := make(chan string, 1)
			h := fs.wrap("POST /x", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				acted <- string(b)
				w.WriteHeader(http.StatusCreated)
				_, _ = w.Write([]byte(`{"done":true}`))
			}))
			srv := httptest.NewServer(h)
			defer srv.Close()
			client := &http.Client{Timeout: testenv.Scale(time.Second)}
			res, err := client.Post(srv.URL+"/x", "application/json", strings.NewReader(`{"order":1}`))
			if body := <-acted; body != `{"order":1}` {
				t.Fatalf("the operation ran with %q, want the request's body", body)
			}
			switch {
			case tt.wantStatus == 0 && err == nil:
				res.Body.Close()
				t.Fatalf("client got %d, want no answer", res.StatusCode)
			case tt.wantStatus != 0 && err != nil:
				t.Fatalf("client: %v, want %d", err, tt.wantStatus)
			case tt.wantStatus != 0:
				b, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if res.StatusCode != tt.wantStatus || (tt.wantBody != "" && string(b) != tt.wantBody) {
					t.Fatalf("client got %d %s, want %d %s", res.StatusCode, b, tt.wantStatus, tt.wantBody)
				}
			}
		})
	}
}
