package sandbox

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// ctlEpoch is the base clock of the control and browser tests' sandboxes.
var ctlEpoch = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// startCtlSandbox runs a sandbox (fixed base clock) behind httptest on 127.0.0.1.
func startCtlSandbox(t *testing.T) (*Server, *httptest.Server) {
	t.Helper()
	s, err := New(t.Context(), Config{DBPath: filepath.Join(t.TempDir(), "sandbox.db"),
		Now: func() time.Time { return ctlEpoch }})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		srv.Close()
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s, srv
}

// ctlResponse is one answer, with its JSON body decoded when there is one.
type ctlResponse struct {
	status int
	header http.Header
	raw    []byte
	body   map[string]any
}

// ctlCall sends a request (declared JSON when it has a body or changes state, as the control API requires;
// header overrides) and decodes a JSON object answer.
func ctlCall(t *testing.T, srv *httptest.Server, method, path, body string, header http.Header) ctlResponse {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, srv.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" || (method != http.MethodGet && method != http.MethodHead) {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	r := ctlResponse{status: resp.StatusCode, header: resp.Header, raw: raw}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(raw, &r.body); err != nil {
			t.Fatalf("%s %s: body %q: %v", method, path, raw, err)
		}
	}
	return r
}

// ctlLogin gets a Payway access token for subscriber@example.se.
func ctlLogin(t *testing.T, srv *httptest.Server) string {
	t.Helper()
	form := url.Values{"client_id": {PaywayClientID}, "client_secret": {PaywayClientSecret}, "grant_type": {"password"},
		"username": {"sandbox^subscriber@example.se"}, "password": {demoPassword}, "scope": {"/external/me/w"}}
	resp, err := srv.Client().Post(srv.URL+"/api/authorization/access_token", "application/x-www-form-urlencoded",
		strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || resp.StatusCode != 200 {
		t.Fatalf("login: %d %v", resp.StatusCode, err)
	}
	return tok.AccessToken
}

func ctlBearer(token string) http.Header { return http.Header{"Authorization": {"Bearer " + token}} }

// TestControlClock moves the sandbox clock over HTTP and checks that the sandbox's own rules follow it:
// a Payway access token (1 h) dies when the clock passes its expiry.
func TestControlClock(t *testing.T) {
	t.Parallel()
	s, srv := startCtlSandbox(t)
	access := ctlLogin(t, srv)

	r := ctlCall(t, srv, "GET", "/sandbox/v1/clock", "", nil)
	if r.status != 200 || r.body["offset"] != "0s" || r.body["now"] != ctlEpoch.Format(time.RFC3339) {
		t.Fatalf("GET clock: %d %s", r.status, r.raw)
	}
	r = ctlCall(t, srv, "POST", "/sandbox/v1/clock", `{"advance":"49h"}`, nil)
	if r.status != 200 || r.body["offset"] != "49h0m0s" || r.body["offset_seconds"] != float64(49*3600) ||
		r.body["now"] != ctlEpoch.Add(49*time.Hour).Format(time.RFC3339) {
		t.Fatalf("POST clock: %d %s", r.status, r.raw)
	}
	if got := s.now(); !got.Equal(ctlEpoch.Add(49 * time.Hour)) {
		t.Errorf("s.now() = %v, want the moved clock", got)
	}
	if r := ctlCall(t, srv, "GET", "/external/api/v3/me", "", ctlBearer(access)); r.status != 401 {
		t.Errorf("me with a token issued 49 h ago: %d, want 401", r.status)
	}
	if r := ctlCall(t, srv, "POST", "/sandbox/v1/clock", `{"advance":"-49h"}`, nil); r.body["offset"] != "0s" {
		t.Errorf("moving back: %s", r.raw)
	}
	if r := ctlCall(t, srv, "GET", "/external/api/v3/me", "", ctlBearer(access)); r.status != 200 {
		t.Errorf("me after moving the clock back: %d, want 200", r.status)
	}

	// offset puts the clock at a distance from the base clock, whatever it was: "0s" is back to now.
	for _, tt := range []struct{ body, want string }{
		{`{"advance":"49h"}`, "49h0m0s"}, {`{"offset":"2h"}`, "2h0m0s"}, {`{"offset":"0s"}`, "0s"}, {`{"offset":"0s"}`, "0s"},
	} {
		if r := ctlCall(t, srv, "POST", "/sandbox/v1/clock", tt.body, nil); r.status != 200 || r.body["offset"] != tt.want {
			t.Errorf("POST clock %s: %d %s, want offset %s", tt.body, r.status, r.raw, tt.want)
		}
	}
	if got := s.now(); !got.Equal(ctlEpoch) {
		t.Errorf("s.now() after offset 0s = %v, want the base clock", got)
	}

	for _, body := range []string{`{}`, `{"advance":"2d"}`, `{"advance":49}`, `{"advance":"1h","set":"x"}`,
		`{"advance":"1h","offset":"0s"}`, `{"offset":"now"}`} {
		if r := ctlCall(t, srv, "POST", "/sandbox/v1/clock", body, nil); r.status != 400 || r.body["code"] == "" {
			t.Errorf("POST clock %s: %d %s, want 400 with a code", body, r.status, r.raw)
		}
	}
}

// TestControlReset checks that reset empties every table, reseeds the personas, disarms faults and puts
// the clock back.
func TestControlReset(t *testing.T) {
	t.Parallel()
	s, srv := startCtlSandbox(t)
	access := ctlLogin(t, srv)
	sess := newTestSession(t, s, "")
	approvedOrder(t, s, srv.URL, sess) // rows in the Klarna tables, with foreign keys between them
	ctlCall(t, srv, "POST", "/sandbox/v1/clock", `{"advance":"3h"}`, nil)
	if r := ctlCall(t, srv, "POST", "/sandbox/v1/faults", `{"target":"GET /kp/lib/v1/api.js","status":503,"count":5}`, nil); r.status != 201 {
		t.Fatalf("arm fault: %d %s", r.status, r.raw)
	}

	r := ctlCall(t, srv, "POST", "/sandbox/v1/reset", "", nil)
	if r.status != 200 {
		t.Fatalf("reset: %d %s", r.status, r.raw)
	}
	var tables []string
	for _, v := range r.body["tables"].([]any) {
		tables = append(tables, v.(string))
	}
	for _, want := range []string{"accounts", "account_products", "tokens", "kp_sessions", "kp_orders", "hpp_sessions"} {
		if !slices.Contains(tables, want) {
			t.Errorf("reset tables %v lack %s", tables, want)
		}
	}
	if slices.Contains(tables, "goose_db_version") {
		t.Error("reset emptied goose's version table")
	}
	if s.clock.currentOffset() != 0 || len(s.faults.list()) != 0 {
		t.Errorf("after reset: offset %v, faults %v", s.clock.currentOffset(), s.faults.list())
	}
	if r := ctlCall(t, srv, "GET", "/external/api/v3/me", "", ctlBearer(access)); r.status != 401 {
		t.Errorf("a token issued before reset: %d, want 401", r.status)
	}
	if _, kerr := s.kpSession(t.Context(), sess.ID); kerr == nil || kerr.Status != http.StatusNotFound {
		t.Errorf("payment session after reset: %v, want NOT_FOUND", kerr)
	}
	for _, p := range Personas() { // saved Klarna tokens are personas' too
		if p.KlarnaToken == nil || p.KlarnaToken.Missing {
			continue
		}
		if tok, kerr := s.kpCustomerToken(t.Context(), p.KlarnaToken.TokenID); kerr != nil || tok.Status != p.KlarnaToken.Status {
			t.Errorf("%s's token after reset: %+v %v", p.Email, tok, kerr)
		}
	}
	access = ctlLogin(t, srv) // personas are back
	if r := ctlCall(t, srv, "GET", "/external/api/v1/me/active_products", "", ctlBearer(access)); r.status != 200 ||
		!strings.Contains(string(r.raw), `"digital"`) {
		t.Errorf("active products after reset: %d %s", r.status, r.raw)
	}
	if r := ctlCall(t, srv, "GET", "/kp/lib/v1/api.js", "", nil); r.status != 200 {
		t.Errorf("api.js after reset: %d (fault still armed?)", r.status)
	}
	var rows int
	if err := s.store.r.QueryRowContext(t.Context(), `SELECT count(*) FROM tokens`).Scan(&rows); err != nil || rows != 1 {
		t.Errorf("tokens after reset and one login: %d %v, want 1", rows, err)
	}
}

// TestControlScenarios checks the scenario list: every persona with its password, the Klarna test emails,
// the codes, the HPP choices and fault examples that can be posted as they are.
func TestControlScenarios(t *testing.T) {
	t.Parallel()
	_, srv := startCtlSandbox(t)
	r := ctlCall(t, srv, "GET", "/sandbox/v1/scenarios", "", nil)
	if r.status != 200 {
		t.Fatalf("scenarios: %d %s", r.status, r.raw)
	}
	var v struct {
		Personas     []personaView  `json:"personas"`
		TestEmails   []outcomeView  `json:"test_emails"`
		OTPs         []outcomeView  `json:"otps"`
		HPPChoices   []outcomeView  `json:"hpp_choices"`
		Faults       []faultRequest `json:"faults"`
		FaultTargets []string       `json:"fault_targets"`
	}
	if err := json.Unmarshal(r.raw, &v); err != nil {
		t.Fatal(err)
	}
	// The control API lists no passwords (issue 14): neither the personas' nor the Klarna merchants'.
	for _, secret := range []string{DemoPassword, KlarnaPassword, `"password"`} {
		if strings.Contains(string(r.raw), secret) {
			t.Errorf("the scenarios list %q", secret)
		}
	}
	if len(v.Personas) != len(Personas()) {
		t.Errorf("%d personas listed, want %d", len(v.Personas), len(Personas()))
	}
	for _, p := range v.Personas {
		if p.Email == "" || p.Name == "" || p.Demonstrates == "" {
			t.Errorf("incomplete persona %+v", p)
		}
	}
	if !slices.ContainsFunc(v.Personas, func(p personaView) bool { return p.Email == "reader@example.se" && p.Name == "Rita Reader" }) {
		t.Error("reader@example.se (Rita Reader) missing")
	}
	if !slices.ContainsFunc(v.TestEmails, func(e outcomeView) bool { return e.Email == "customer@email.se" }) {
		t.Errorf("test emails %v lack customer@email.se", v.TestEmails)
	}
	if len(v.OTPs) == 0 || len(v.HPPChoices) != 5 {
		t.Errorf("otps %v, hpp choices %v", v.OTPs, v.HPPChoices)
	}
	for _, target := range v.FaultTargets {
		if strings.Contains(target, "/sandbox/") {
			t.Errorf("control route %s offered as a fault target", target)
		}
	}
	for _, f := range v.Faults {
		if !slices.Contains(v.FaultTargets, f.Target) {
			t.Errorf("fault example %q is not a route of the table", f.Target)
		}
		body, _ := json.Marshal(f)
		if r := ctlCall(t, srv, "POST", "/sandbox/v1/faults", string(body), nil); r.status != 201 {
			t.Errorf("posting example %s: %d %s", body, r.status, r.raw)
		}
	}
}
