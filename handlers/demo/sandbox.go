package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// sandboxControl talks to the embedded sandbox's control API (/sandbox/v1/...) over HTTP, like every other
// call the app makes to the sandbox: the demo console reads the personas and scenarios from it, arms and
// clears faults and resets it. Only the demo console uses it, and only in sandbox mode.
type sandboxControl struct {
	base string
	http *http.Client
}

// sandboxControlTimeout bounds one control call: they are local and quick, and the console must not hang
// on a stuck sandbox.
const sandboxControlTimeout = 5 * time.Second

// newSandboxControl builds the client on transport, the app's shared one (nil: Go's default, which keeps
// two idle connections per host).
func newSandboxControl(base, user, password string, transport http.RoundTripper) *sandboxControl {
	if base == "" {
		return nil
	}
	return &sandboxControl{base: strings.TrimRight(base, "/"), http: &http.Client{
		Timeout: sandboxControlTimeout, Transport: BasicAuth(user, password, transport),
	}}
}

// BasicAuth is a transport that sends HTTP Basic with user and password (when user is set) on every
// request: how the app's own callers reach a sandbox whose control API needs the demo credential (a
// public sandbox). base nil: http.DefaultTransport.
func BasicAuth(user, password string, base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	if user == "" {
		return base
	}
	return basicAuth{user: user, password: password, base: base}
}

type basicAuth struct {
	user, password string
	base           http.RoundTripper
}

func (b basicAuth) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.SetBasicAuth(b.user, b.password)
	return b.base.RoundTrip(r)
}

// sandboxPersona is a persona as GET /sandbox/v1/scenarios lists it (without a password: the console logs
// in with Config.PersonaPassword, server-side, and never shows it).
type sandboxPersona struct {
	Email        string `json:"email"`
	Name         string `json:"name"`
	Demonstrates string `json:"demonstrates"`
}

// sandboxOutcome is an input a tester types or presses (an email, a code, a button) and what it gives.
type sandboxOutcome struct {
	Email   string `json:"email"`
	OTP     string `json:"otp"`
	Choice  string `json:"choice"`
	Outcome string `json:"outcome"`
}

// sandboxScenarios is GET /sandbox/v1/scenarios (the parts the console shows).
type sandboxScenarios struct {
	Personas   []sandboxPersona `json:"personas"`
	TestEmails []sandboxOutcome `json:"test_emails"`
	OTPs       []sandboxOutcome `json:"otps"`
	HPPChoices []sandboxOutcome `json:"hpp_choices"`
}

// persona finds a persona by email (case-insensitive).
func (s sandboxScenarios) persona(email string) (sandboxPersona, bool) {
	for _, p := range s.Personas {
		if strings.EqualFold(p.Email, email) {
			return p, true
		}
	}
	return sandboxPersona{}, false
}

// sandboxFault is a fault as the control API takes and lists it.
type sandboxFault struct {
	ID        string `json:"id,omitempty"`
	Target    string `json:"target"`
	Status    int    `json:"status,omitempty"`
	DelayMS   int64  `json:"delay_ms,omitempty"`
	Drop      bool   `json:"drop,omitempty"`
	After     bool   `json:"after,omitempty"` // the call is carried out, then the fault hits its answer
	Count     int    `json:"count,omitempty"`
	Remaining int    `json:"remaining,omitempty"`
}

// sandboxStatusError is a control call the sandbox answered with an error status; Body is its error JSON.
type sandboxStatusError struct {
	Call   string
	Status int
	Body   string
}

func (e *sandboxStatusError) Error() string {
	return fmt.Sprintf("sandbox control %s: %d %s", e.Call, e.Status, e.Body)
}

// errNoSandbox means the app was built without the sandbox's URL (live mode, or a harness that left it out).
var errNoSandbox = errors.New("demo: no sandbox control API configured")

func (s *sandboxControl) scenarios(ctx context.Context) (sandboxScenarios, error) {
	var out sandboxScenarios
	return out, s.call(ctx, http.MethodGet, "/sandbox/v1/scenarios", nil, &out)
}

func (s *sandboxControl) faults(ctx context.Context) ([]sandboxFault, error) {
	var out struct {
		Faults []sandboxFault `json:"faults"`
	}
	return out.Faults, s.call(ctx, http.MethodGet, "/sandbox/v1/faults", nil, &out)
}

func (s *sandboxControl) armFault(ctx context.Context, f sandboxFault) error {
	f.ID, f.Remaining = "", 0
	return s.call(ctx, http.MethodPost, "/sandbox/v1/faults", f, nil)
}

func (s *sandboxControl) disarmFault(ctx context.Context, id string) error {
	return s.call(ctx, http.MethodDelete, "/sandbox/v1/faults/"+id, nil, nil)
}

func (s *sandboxControl) clearFaults(ctx context.Context) error {
	return s.call(ctx, http.MethodDelete, "/sandbox/v1/faults", nil, nil)
}

func (s *sandboxControl) reset(ctx context.Context) error {
	return s.call(ctx, http.MethodPost, "/sandbox/v1/reset", struct{}{}, nil)
}

// sandboxClock is GET and POST /sandbox/v1/clock's answer: the sandbox's time and how far it is from the
// real one.
type sandboxClock struct {
	Now           time.Time `json:"now"`
	OffsetSeconds int64     `json:"offset_seconds"`
}

func (s *sandboxControl) clock(ctx context.Context) (sandboxClock, error) {
	var out sandboxClock
	return out, s.call(ctx, http.MethodGet, "/sandbox/v1/clock", nil, &out)
}

// advanceClock moves the sandbox's clock d ahead.
func (s *sandboxControl) advanceClock(ctx context.Context, d time.Duration) error {
	return s.call(ctx, http.MethodPost, "/sandbox/v1/clock", map[string]string{"advance": d.String()}, nil)
}

// clockToNow puts the sandbox's clock back on real time.
func (s *sandboxControl) clockToNow(ctx context.Context) error {
	return s.call(ctx, http.MethodPost, "/sandbox/v1/clock", map[string]string{"offset": "0s"}, nil)
}

// call sends one JSON request and decodes a 2xx answer into out (when not nil). Anything else is an error
// carrying the sandbox's own error body, which names what was wrong.
func (s *sandboxControl) call(ctx context.Context, method, path string, in, out any) error {
	if s == nil {
		return errNoSandbox
	}
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("sandbox control %s %s: %w", method, path, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, s.base+path, body)
	if err != nil {
		return fmt.Errorf("sandbox control %s %s: %w", method, path, err)
	}
	req.Header.Set("Accept", "application/json")
	if in != nil || method != http.MethodGet {
		// The sandbox takes state-changing control calls only as JSON, bodyless DELETEs included (a web
		// page cannot send that type cross-site without a preflight the sandbox never grants).
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := s.http.Do(req)
	if err != nil {
		return fmt.Errorf("sandbox control %s %s: %w", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("sandbox control %s %s: %w", method, path, err)
	}
	if res.StatusCode/100 != 2 {
		return &sandboxStatusError{Call: method + " " + path, Status: res.StatusCode, Body: strings.TrimSpace(string(b))}
	}
	if out == nil || len(b) == 0 {
		return nil
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("sandbox control %s %s: %w", method, path, err)
	}
	return nil
}
