package demo

import (
	"bytes"
	"encoding/json"
	"slices"
	"sort"
	"strings"

	"github.com/paywall/paywall/checkout"
	"github.com/paywall/paywall/views"
)

// Where a purchase went in the demo console's two flowcharts, derived from its timeline only (the API
// exchanges and state changes recorded on it), so the diagram shows what really happened rather than what
// the code intends. Browser-only steps (Klarna's widget and dialog) leave no event: they are inferred from
// the server call that follows them.

// eventStep is what an API exchange was, by service, method and path (the path as recorded, tokens masked).
type eventStep string

const (
	stepOther         eventStep = "other"
	stepState         eventStep = "state"
	stepLogin         eventStep = "payway-token"
	stepCreateSession eventStep = "create-session"      // Payway create_session
	stepPlaceOrder    eventStep = "place-order"         // Payway place_order or place_trial_order
	stepReadOrder     eventStep = "read-order"          // Payway order (the confirmation reads it)
	stepPaywayRead    eventStep = "payway-read"         // Payway me, active_products, payment_profile, periods
	stepTokenOrder    eventStep = "token-order"         // Klarna order with the saved customer token
	stepReadToken     eventStep = "read-token"          // Klarna customer token
	stepPaymentSess   eventStep = "payment-session"     // Klarna payment session (the step-up session)
	stepUpdateSess    eventStep = "update-session"      // Klarna payment session update
	stepAuthOrder     eventStep = "authorization-order" // Klarna order from an authorization token
	stepHPPSession    eventStep = "hpp-session"         // Klarna hosted payment page session
	stepHPPRead       eventStep = "hpp-read"
	stepHPPDisable    eventStep = "hpp-disable"
	stepHPPCallback   eventStep = "hpp-callback" // Klarna's status callback to us (inbound)
)

// callSteps maps the operation an API event names (its Call) to its step and its words on the timeline.
var callSteps = map[string]struct {
	step  eventStep
	label string
}{
	"payway.access_token":          {stepLogin, "Payway: access token"},
	"payway.create_session":        {stepCreateSession, "Payway: create purchase session (step 2)"},
	"payway.place_trial_order":     {stepPlaceOrder, "Payway: place trial order (step 5)"},
	"payway.place_order":           {stepPlaceOrder, "Payway: place order (step 5)"},
	"payway.order":                 {stepReadOrder, "Payway: read the order (confirmation)"},
	"klarna.create_token_order":    {stepTokenOrder, "Klarna: charge the saved customer token (step_up SUPPORTED)"},
	"klarna.read_customer_token":   {stepReadToken, "Klarna: read the customer token"},
	"klarna.create_session":        {stepPaymentSess, "Klarna: create payment session (step-up, with customer_token and step_up_id)"},
	"klarna.update_session":        {stepUpdateSess, "Klarna: update payment session"},
	"klarna.create_order":          {stepAuthOrder, "Klarna: create order from the authorization_token"},
	"klarna.create_customer_token": {stepOther, "Klarna: create customer token from the authorization_token (saved for one-click purchases)"},
	"klarna.cancel_customer_token": {stepOther, "Klarna: cancel customer token"},
	"klarna.create_hpp_session":    {stepHPPSession, "Klarna: create hosted payment page session"},
	"klarna.read_hpp_session":      {stepHPPRead, "Klarna: read hosted payment page session"},
	"klarna.disable_hpp_session":   {stepHPPDisable, "Klarna: disable hosted payment page session"},
	checkout.CallHPPStatusCallback: {stepHPPCallback, "Klarna → us: hosted payment page status callback"},
}

// classifyEvent names an event's step and says it in words for the timeline, from its typed fields only.
func classifyEvent(e checkout.Event) (eventStep, string) {
	if e.Kind == checkout.EventState {
		return stepState, "State"
	}
	if cs, ok := callSteps[e.Call]; ok {
		return cs.step, cs.label
	}
	if service, op, ok := strings.Cut(e.Call, "."); ok && service == "payway" {
		return stepPaywayRead, "Payway: " + op
	}
	path, _, _ := strings.Cut(e.Path, "?")
	return stepOther, strings.TrimSpace(titleCase(e.Service) + ": " + e.Method + " " + path)
}

func titleCase(s string) string {
	if s == "" {
		return ""
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// answered2xx reports whether the exchange got a successful answer.
func answered2xx(e checkout.Event) bool { return e.Status >= 200 && e.Status < 300 }

// flowBuilder walks a timeline and records the path through one chart, and which events moved it.
type flowBuilder struct {
	chart views.Flowchart
	path  views.FlowPath
	// byEvent lists, per event id, the chart nodes that event is the evidence for (shown on the timeline).
	byEvent map[int64][]string
	event   int64
}

func newFlowBuilder(chart views.Flowchart) *flowBuilder {
	return &flowBuilder{chart: chart, byEvent: map[int64][]string{}}
}

// visit records that the purchase reached nodes, in order. The arrow taken is the one from the most
// recently reached node that leads here. A node reached again is listed again (the customer came back to
// the choice, or a failed step was retried), unless it is the current step already; a node that failed
// and is reached again has recovered.
func (b *flowBuilder) visit(ids ...string) {
	for _, id := range ids {
		if _, ok := b.chart.Node(id); !ok {
			continue
		}
		if id == b.path.Current() {
			if b.path.Failed == id {
				b.path.Failed = "" // the failed step was tried again and worked
			}
			b.note(id)
			continue
		}
		for i := len(b.path.Steps) - 1; i >= 0; i-- {
			from := b.path.Steps[i]
			if from != id && b.chart.HasEdge(from, id) {
				if !b.path.TookEdge(from, id) {
					b.path.Taken = append(b.path.Taken, [2]string{from, id})
				}
				break
			}
		}
		b.path.Steps = append(b.path.Steps, id)
		if b.path.Failed == id {
			b.path.Failed = ""
		}
		b.note(id)
	}
}

// note ties a node to the event being read, for the timeline's step tags.
func (b *flowBuilder) note(id string) {
	if b.event != 0 && !slices.Contains(b.byEvent[b.event], id) {
		b.byEvent[b.event] = append(b.byEvent[b.event], id)
	}
}

// fail records that the purchase reached a node and failed there.
func (b *flowBuilder) fail(id string) {
	b.visit(id)
	b.path.Failed = id
}

// reached reports whether the path has the node.
func (b *flowBuilder) reached(id string) bool { return b.path.State(id) != "" }

// done reports whether the recovery reached its end: the order exists (L, not failed).
func (b *flowBuilder) done() bool { return b.path.Current() == "L" && b.path.Failed != "L" }

// accountSyncCodes are Payway's refusals raised while it updates the account from Klarna (step 6).
var accountSyncCodes = map[string]bool{
	checkout.FailSSNTaken: true, checkout.FailSSNSet: true, checkout.FailAccountUpdate: true, checkout.FailDeliveryAddress: true,
}

// purchaseFlow is a subscription purchase's path through Payway's purchase flow (steps 1-8).
func purchaseFlow(p checkout.Purchase, events []checkout.Event) (views.FlowPath, map[int64][]string) {
	b := newFlowBuilder(views.PurchaseChart())
	if len(events) > 0 {
		b.event = events[0].ID
	}
	b.visit("1") // the purchase exists: the reader chose an offer
	for _, e := range events {
		b.event = e.ID
		step, _ := classifyEvent(e)
		switch step {
		case stepCreateSession:
			if answered2xx(e) {
				b.visit("2", "3") // the checkout page renders the widget with the client token at once
			} else {
				b.fail("2")
			}
		case stepPlaceOrder:
			// The authorization token was posted: Klarna's dialog (step 4, in the browser) approved.
			b.visit("4")
			code := jsonString(e.Response, "code")
			switch {
			case answered2xx(e):
				b.visit("5", "6") // Payway syncs the account inside place_order
			case accountSyncCodes[code]:
				b.visit("5")
				b.fail("6")
			default:
				b.fail("5")
			}
		case stepState:
			switch e.To {
			case checkout.StatePlacing:
				b.visit("4")
			case checkout.StatePlaced:
				b.visit("7")
			case checkout.StateConfirmed:
				b.visit("8")
			}
		}
	}
	switch {
	case p.State == checkout.StateFailed:
		b.path.Note = "Payway refused the order (" + p.FailureCode + "); nothing was charged."
	case p.State == checkout.StateExpired:
		b.path.Note = "The Payway purchase session expired (sessions live 48 hours)."
	case p.State == checkout.StateCreated && b.path.Current() == "3":
		b.path.Note = "Waiting for the buyer in Klarna's widget. What happens in Klarna's dialog (a decline, a wrong code) stays in the browser and reaches our server only as the next order."
	case p.State == checkout.StateUnknown:
		b.path.Note = "Payway did not answer place_order, so it may have placed the order. The reconciler reads the account's orders at Payway once the call has timed out (within a minute), and the reader's page follows."
	case p.State == checkout.StatePlacing:
		b.path.Note = "place_order is in flight. If the app dies now, the reconciler finishes the purchase from Payway's orders after the restart."
	case p.State == checkout.StateCreated && b.path.Failed == "5":
		b.path.Note = "Payway did not place the order; the purchase is open again and can be retried without a second charge."
	}
	return b.path, b.byEvent
}

// recoveryFlow is a one-click purchase's path through Klarna's token recovery flowchart (A-L).
func recoveryFlow(p checkout.OneClickPurchase, events []checkout.Event) (views.FlowPath, map[int64][]string) {
	b := newFlowBuilder(views.RecoveryChart())
	if p.First() {
		b.path.Note = "A first purchase: no saved token was charged, so Klarna's recovery flowchart does not apply. " +
			"The reader paid with Klarna Payments on our page (payment session, widget, order from the authorization_token) " +
			"and, with their consent, the app created the customer token the next one-click purchases are charged to."
		return b.path, b.byEvent
	}
	tokenCharged := false
	hppCompleted := false // the last hosted page read said COMPLETED: the next order from an authorization is its
	for _, e := range events {
		b.event = e.ID
		step, _ := classifyEvent(e)
		switch step {
		case stepTokenOrder:
			if answered2xx(e) {
				tokenCharged = true
				continue
			}
			b.visit("A")
			if e.Status != 0 {
				b.visit("B") // Klarna answered with an error (no answer at all is retried, D)
			}
			b.visit("C")
			if e.IDs["step_up_id"] != "" {
				b.visit("E")
			} else {
				b.visit("D")
			}
		case stepPaymentSess:
			if answered2xx(e) {
				b.visit("E", "F") // the recovery page now offers both integrations
			} else {
				b.fail("E")
			}
		case stepHPPSession:
			if answered2xx(e) {
				b.visit("F", "H", "J") // we redirect to redirect_url at once
			} else {
				b.visit("F")
				b.fail("H")
			}
		case stepHPPRead, stepHPPCallback:
			if b.done() {
				continue // reads and callbacks after the order (Klarna retries, reloads) change nothing
			}
			body := e.Response
			if step == stepHPPCallback {
				body = e.Request
			}
			if strings.EqualFold(jsonString(body, "status"), "COMPLETED") {
				if !b.reached("H") {
					b.visit("F", "H", "J")
				}
				b.visit("K")
				hppCompleted = true
				if jsonString(body, "order_id") != "" {
					b.visit("L") // PLACE_ORDER / CAPTURE_ORDER: Klarna created the order
				}
			}
		case stepAuthOrder:
			if !hppCompleted {
				b.visit("F", "G", "I") // the authorization came from the SDK on our page
			}
			hppCompleted = false
			b.visit("K")
			if answered2xx(e) {
				b.visit("L")
			} else {
				b.fail("L")
			}
		}
	}
	b.event = 0 // what follows is concluded from the purchase, not from one event
	switch {
	case p.State == checkout.OneClickCompleted && (p.Method == checkout.RecoveryMethodSDK || p.Method == checkout.RecoveryMethodHPP):
		if !b.done() {
			b.visit("K", "L")
		}
		b.path.Note = "Klarna updates the saved token with the payment method just used, for the next one-click purchase."
	case tokenCharged || (p.State == checkout.OneClickCompleted && p.Method == checkout.RecoveryMethodToken):
		b.path.Note = "Klarna charged the saved token at once: no recovery was needed."
	case p.State == checkout.OneClickFailed && b.path.Current() == "D":
		b.path.Note = "Klarna rejected the token without a step-up trigger (" + p.FailureCode + "): the customer gets an error page with a retry or the regular checkout."
	case p.State == checkout.OneClickRecovering && b.path.Current() == "J":
		b.path.Note = "The customer is on (or came back from) Klarna's hosted page; the recovery page offers both ways again after a cancel, back or decline."
	}
	return b.path, b.byEvent
}

// jsonString finds the first string (or number) value of key in a JSON body, breadth first (top-level
// fields win over nested ones); "" when the body is not JSON, has no such key, or the value is masked.
func jsonString(body, key string) string {
	body = strings.TrimSpace(body)
	if body == "" || (body[0] != '{' && body[0] != '[') {
		return ""
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(body)))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return ""
	}
	queue := []any{v}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		switch t := cur.(type) {
		case map[string]any:
			if val, ok := t[key]; ok {
				s := ""
				switch x := val.(type) {
				case string:
					s = x
				case json.Number:
					s = x.String()
				}
				if s != "" && s != maskedValue {
					return s
				}
			}
			keys := make([]string, 0, len(t))
			for k := range t {
				keys = append(keys, k)
			}
			sort.Strings(keys) // a stable answer when a key repeats at one depth
			for _, k := range keys {
				queue = append(queue, t[k])
			}
		case []any:
			queue = append(queue, t...)
		}
	}
	return ""
}
