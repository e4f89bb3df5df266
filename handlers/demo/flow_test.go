package demo

import (
	"path"
	"regexp"
	"strings"
	"testing"

	"github.com/paywall/paywall/checkout"
	"github.com/paywall/paywall/internal/apilog"
	"github.com/paywall/paywall/views"
)

// Paths through the flowcharts, derived from timelines written by hand the way the journeys record them.

// timeline builds events with ids 1..n.
func timeline(events ...checkout.Event) []checkout.Event {
	for i := range events {
		events[i].ID = int64(i + 1)
	}
	return events
}

// stateSpec is the shorthand the tests write state events in: "created", "created: <offer>",
// "created → placing", "placing → failed (code)".
var stateSpec = regexp.MustCompile(`^(?:(\w+) → )?(\w+)(?::.*)?(?: \((.*)\))?$`)

// state is the typed state event the shorthand stands for.
func state(spec string) checkout.Event {
	m := stateSpec.FindStringSubmatch(spec)
	if m == nil {
		panic("bad state shorthand " + spec)
	}
	return checkout.Event{Kind: checkout.EventState, From: checkout.State(m[1]), To: checkout.State(m[2]), Note: m[3]}
}

// klarnaCalls names Klarna's operations the way the klarna client reports them, by method and path shape.
var klarnaCalls = []struct {
	method string
	path   *regexp.Regexp
	call   string
}{
	{"POST", regexp.MustCompile(`^/customer-token/v1/tokens/[^/]+/order$`), "klarna.create_token_order"},
	{"GET", regexp.MustCompile(`^/customer-token/v1/tokens/[^/]+$`), "klarna.read_customer_token"},
	{"POST", regexp.MustCompile(`^/payments/v1/sessions$`), "klarna.create_session"},
	{"POST", regexp.MustCompile(`^/payments/v1/sessions/[^/]+$`), "klarna.update_session"},
	{"POST", regexp.MustCompile(`^/payments/v1/authorizations/[^/]+/order$`), "klarna.create_order"},
	{"POST", regexp.MustCompile(`^/hpp/v1/sessions$`), "klarna.create_hpp_session"},
	{"GET", regexp.MustCompile(`^/hpp/v1/sessions/[^/]+$`), "klarna.read_hpp_session"},
	{"DELETE", regexp.MustCompile(`^/hpp/v1/sessions/[^/]+$`), "klarna.disable_hpp_session"},
	{"POST", regexp.MustCompile(`/hpp/callback`), checkout.CallHPPStatusCallback},
}

// call is an API event as the clients record it: the operation's name, and the ids its response carried.
func call(service, method, p string, status int, response string) checkout.Event {
	e := checkout.Event{Kind: checkout.EventCall, Service: service, Method: method, Path: p, Status: status,
		Response: response, IDs: apilog.IDs([]byte(response))}
	bare, _, _ := strings.Cut(p, "?")
	switch service {
	case "payway":
		e.Call = "payway." + path.Base(bare)
	case "klarna":
		for _, kc := range klarnaCalls {
			if kc.method == method && kc.path.MatchString(bare) {
				e.Call = kc.call
				break
			}
		}
	}
	return e
}

func callWithRequest(service, method, path string, status int, request, response string) checkout.Event {
	e := call(service, method, path, status, response)
	e.Request = request
	return e
}

var (
	createSession = call("payway", "POST", "/external/api/v1/klarna_payments/create_session", 200, `{"item":{"klarna_client_token":"***"}}`)
	placeOrderOK  = call("payway", "POST", "/external/api/v1/klarna_payments/place_order", 200, `{"item":{"order_id":"SANDBOX-1"}}`)
	tokenStepUp   = call("klarna", "POST", "/customer-token/v1/tokens/***/order", 403, `{"error_code":"UNAVAILABLE_PAYMENT_METHOD","step_up_id":"su-1"}`)
	paymentSess   = call("klarna", "POST", "/payments/v1/sessions", 200, `{"session_id":"ks-1","client_token":"***"}`)
	hppSession    = call("klarna", "POST", "/hpp/v1/sessions", 201, `{"session_id":"hpp-1"}`)
	hppCompleted  = call("klarna", "GET", "/hpp/v1/sessions/hpp-1", 200, `{"session_id":"hpp-1","status":"COMPLETED","authorization_token":"***"}`)
	authOrderOK   = call("klarna", "POST", "/payments/v1/authorizations/***/order", 200, `{"order_id":"o-1"}`)
)

func TestPurchaseFlow(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		p       checkout.Purchase
		events  []checkout.Event
		steps   string
		failed  string
		noteHas string
	}{
		{"waiting in the widget", checkout.Purchase{State: checkout.StateCreated},
			timeline(state("created: Digital – monthly"), createSession), "1 2 3", "", "Klarna's widget"},
		{"create_session failed", checkout.Purchase{State: checkout.StateCreated},
			timeline(state("created"), call("payway", "POST", "/external/api/v1/klarna_payments/create_session", 503, `{"code":"unavailable"}`)), "1 2", "2", ""},
		{"confirmed", checkout.Purchase{State: checkout.StateConfirmed},
			timeline(state("created"), createSession, state("created → placing"), placeOrderOK, state("placing → placed (order SANDBOX-1)"),
				call("payway", "GET", "/external/api/v1/order?order_id=SANDBOX-1", 200, `{}`), state("placed → confirmed")),
			"1 2 3 4 5 6 7 8", "", ""},
		{"trial order", checkout.Purchase{State: checkout.StatePlaced, Trial: true},
			timeline(state("created"), createSession, state("created → placing"),
				call("payway", "POST", "/external/api/v1/klarna_payments/place_trial_order", 200, `{}`), state("placing → placed")),
			"1 2 3 4 5 6 7", "", ""},
		{"debt: 403 at place order", checkout.Purchase{State: checkout.StateFailed, FailureCode: "payment_method_failed"},
			timeline(state("created"), createSession, state("created → placing"),
				call("payway", "POST", "/external/api/v1/klarna_payments/place_order", 403, `{"code":"payment_method_failed"}`), state("placing → failed (payment_method_failed)")),
			"1 2 3 4 5", "5", "payment_method_failed"},
		{"SSN conflict: 409 at the account update", checkout.Purchase{State: checkout.StateFailed, FailureCode: "ssn_already_taken"},
			timeline(state("created"), createSession, state("created → placing"),
				call("payway", "POST", "/external/api/v1/klarna_payments/place_order", 409, `{"code":"ssn_already_taken"}`)),
			"1 2 3 4 5 6", "6", "ssn_already_taken"},
		{"Payway down, then retried", checkout.Purchase{State: checkout.StatePlaced},
			timeline(state("created"), createSession, state("created → placing"),
				call("payway", "POST", "/external/api/v1/klarna_payments/place_order", 0, ""), state("placing → created (Payway unavailable, retryable)"),
				state("created → placing"), placeOrderOK, state("placing → placed")),
			"1 2 3 4 5 4 5 6 7", "", ""},
		{"create_session failed, then worked", checkout.Purchase{State: checkout.StateCreated},
			timeline(state("created"), call("payway", "POST", "/external/api/v1/klarna_payments/create_session", 503, ``), createSession),
			"1 2 3", "", ""},
		{"expired", checkout.Purchase{State: checkout.StateExpired},
			timeline(state("created"), createSession, state("created → expired")), "1 2 3", "", "48 hours"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path, _ := purchaseFlow(tt.p, tt.events)
			if got := strings.Join(path.Steps, " "); got != tt.steps {
				t.Errorf("steps %q, want %q", got, tt.steps)
			}
			if path.Failed != tt.failed {
				t.Errorf("failed at %q, want %q", path.Failed, tt.failed)
			}
			if !strings.Contains(path.Note, tt.noteHas) {
				t.Errorf("note %q lacks %q", path.Note, tt.noteHas)
			}
			chart := views.PurchaseChart()
			for i := 1; i < len(path.Steps); i++ {
				if chart.HasEdge(path.Steps[i-1], path.Steps[i]) && !path.TookEdge(path.Steps[i-1], path.Steps[i]) {
					t.Errorf("arrow %s → %s not taken", path.Steps[i-1], path.Steps[i])
				}
			}
		})
	}
}

func TestRecoveryFlow(t *testing.T) {
	t.Parallel()
	completed := func(method string) checkout.OneClickPurchase {
		return checkout.OneClickPurchase{State: checkout.OneClickCompleted, Method: method, StepUpID: "su-1", OrderID: "o-1"}
	}
	tests := []struct {
		name   string
		p      checkout.OneClickPurchase
		events []checkout.Event
		steps  string
		failed string
		edges  []string // arrows that must be taken, "F-H"
		noEdge []string
		note   string
	}{
		{"token charged: no recovery", completed("token"),
			timeline(state("created"), call("klarna", "POST", "/customer-token/v1/tokens/***/order", 200, `{"order_id":"o-1"}`)),
			"", "", nil, nil, "no recovery was needed"},
		{"rejected without step-up", checkout.OneClickPurchase{State: checkout.OneClickFailed, FailureCode: "PAYMENT_METHOD_FAILED"},
			timeline(state("created"), call("klarna", "POST", "/customer-token/v1/tokens/***/order", 403, `{"error_code":"PAYMENT_METHOD_FAILED"}`)),
			"A B C D", "", []string{"C-D"}, []string{"C-E"}, "without a step-up trigger"},
		{"Klarna did not answer", checkout.OneClickPurchase{State: checkout.OneClickFailed, FailureCode: "KLARNA_UNAVAILABLE"},
			timeline(state("created"), call("klarna", "POST", "/customer-token/v1/tokens/***/order", 0, "")),
			"A C D", "", []string{"C-D"}, nil, ""},
		{"step-up, recovery page open", checkout.OneClickPurchase{State: checkout.OneClickRecovering, StepUpID: "su-1"},
			timeline(state("created"), tokenStepUp, state("created → recovering"), paymentSess),
			"A B C E F", "", []string{"A-B", "B-C", "C-E", "E-F"}, []string{"C-D"}, ""},
		{"step-up session refused", checkout.OneClickPurchase{State: checkout.OneClickFailed, StepUpID: "su-1"},
			timeline(tokenStepUp, call("klarna", "POST", "/payments/v1/sessions", 400, `{"error_code":"BAD_VALUE"}`)),
			"A B C E", "E", nil, nil, ""},
		{"recovered through the SDK", completed("sdk"),
			timeline(tokenStepUp, paymentSess, authOrderOK, state("recovering → completed (order o-1 via sdk)")),
			"A B C E F G I K L", "", []string{"F-G", "G-I", "I-K", "K-L"}, []string{"F-H", "J-K"}, "updates the saved token"},
		{"recovered through the hosted page, NONE", completed("hpp"),
			timeline(tokenStepUp, paymentSess, hppSession, hppCompleted, authOrderOK,
				callWithRequest("klarna", "POST", "/recovery/X/hpp/callback (inbound)", 204, `{"session":{"status":"COMPLETED","order_id":"o-1"}}`, "")),
			"A B C E F H J K L", "", []string{"F-H", "H-J", "J-K", "K-L"}, []string{"F-G", "I-K"}, ""},
		{"recovered through the hosted page, PLACE_ORDER", completed("hpp"),
			timeline(tokenStepUp, paymentSess, hppSession,
				call("klarna", "GET", "/hpp/v1/sessions/hpp-1", 200, `{"status":"COMPLETED","order_id":"o-1"}`)),
			"A B C E F H J K L", "", []string{"J-K", "K-L"}, nil, ""},
		{"hosted page cancelled, then the SDK", completed("sdk"),
			timeline(tokenStepUp, paymentSess, hppSession, call("klarna", "GET", "/hpp/v1/sessions/hpp-1", 200, `{"status":"CANCELLED"}`), authOrderOK),
			"A B C E F H J F G I K L", "", []string{"F-H", "F-G", "I-K"}, []string{"J-K"}, ""},
		{"waiting on the hosted page", checkout.OneClickPurchase{State: checkout.OneClickRecovering, StepUpID: "su-1"},
			timeline(tokenStepUp, paymentSess, hppSession),
			"A B C E F H J", "", nil, nil, "hosted page"},
		{"order from the authorization refused", checkout.OneClickPurchase{State: checkout.OneClickRecovering, StepUpID: "su-1"},
			timeline(tokenStepUp, paymentSess, call("klarna", "POST", "/payments/v1/authorizations/***/order", 400, `{"error_code":"BAD_VALUE"}`)),
			"A B C E F G I K L", "L", nil, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path, byEvent := recoveryFlow(tt.p, tt.events)
			if got := strings.Join(path.Steps, " "); got != tt.steps {
				t.Errorf("steps %q, want %q", got, tt.steps)
			}
			if path.Failed != tt.failed {
				t.Errorf("failed at %q, want %q", path.Failed, tt.failed)
			}
			for _, e := range tt.edges {
				from, to, _ := strings.Cut(e, "-")
				if !path.TookEdge(from, to) {
					t.Errorf("arrow %s not taken", e)
				}
			}
			for _, e := range tt.noEdge {
				from, to, _ := strings.Cut(e, "-")
				if path.TookEdge(from, to) {
					t.Errorf("arrow %s taken, but the purchase did not go that way", e)
				}
			}
			if !strings.Contains(path.Note, tt.note) {
				t.Errorf("note %q lacks %q", path.Note, tt.note)
			}
			for id, nodes := range byEvent {
				seen := map[string]bool{}
				for _, n := range nodes {
					if seen[n] {
						t.Errorf("event %d lists %s twice", id, n)
					}
					seen[n] = true
				}
			}
		})
	}
}

func TestJSONString(t *testing.T) {
	t.Parallel()
	tests := []struct{ body, key, want string }{
		{`{"step_up_id":"su-1"}`, "step_up_id", "su-1"},
		{`{"session":{"status":"COMPLETED"},"x":1}`, "status", "COMPLETED"},
		{`{"a":{"status":"deep"},"status":"top"}`, "status", "top"},
		{`{"order_amount":2900}`, "order_amount", "2900"},
		{`{"client_token":"***"}`, "client_token", ""},
		{`not json`, "status", ""},
		{``, "status", ""},
		{`[{"order_id":"o-1"}]`, "order_id", "o-1"},
	}
	for _, tt := range tests {
		if got := jsonString(tt.body, tt.key); got != tt.want {
			t.Errorf("jsonString(%s, %s) = %q, want %q", tt.body, tt.key, got, tt.want)
		}
	}
}

func TestClassifyEvent(t *testing.T) {
	t.Parallel()
	tests := []struct {
		e    checkout.Event
		want eventStep
	}{
		{state("created"), stepState},
		{createSession, stepCreateSession},
		{call("payway", "POST", "/external/api/v1/klarna_payments/place_trial_order", 200, ""), stepPlaceOrder},
		{call("payway", "GET", "/external/api/v1/order?order_id=1", 200, ""), stepReadOrder},
		{call("payway", "GET", "/external/api/v3/me", 200, ""), stepPaywayRead},
		{tokenStepUp, stepTokenOrder},
		{call("klarna", "GET", "/customer-token/v1/tokens/***", 200, ""), stepReadToken},
		{paymentSess, stepPaymentSess},
		{call("klarna", "POST", "/payments/v1/sessions/ks-1", 204, ""), stepUpdateSess},
		{authOrderOK, stepAuthOrder},
		{hppSession, stepHPPSession},
		{hppCompleted, stepHPPRead},
		{call("klarna", "DELETE", "/hpp/v1/sessions/hpp-1", 204, ""), stepHPPDisable},
		{call("klarna", "POST", "/recovery/X/hpp/callback (inbound)", 204, ""), stepHPPCallback},
		{call("klarna", "GET", "/somewhere", 200, ""), stepOther},
	}
	for _, tt := range tests {
		if got, label := classifyEvent(tt.e); got != tt.want || label == "" {
			t.Errorf("%s %s: %s (%q), want %s", tt.e.Method, tt.e.Path, got, label, tt.want)
		}
	}
}
