package demo

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/paywall/paywall/checkout"
	"github.com/paywall/paywall/handlers"
	"github.com/paywall/paywall/internal/apilog"
	"github.com/paywall/paywall/internal/paths"
	"github.com/paywall/paywall/store"
	"github.com/paywall/paywall/views"
)

// purchase is "what happened" to one purchase (GET /demo/purchases/:id): its timeline and its path
// through Klarna's recovery flowchart and Payway's purchase flow. Only the purchase's owner (logged in) or
// the demo admin may see it; anyone else gets the same 404 as for an unknown id.
func (d *Console) purchase(c echo.Context) error {
	id := c.Param("id")
	admin := isDemoAdmin(c)
	u := handlers.CurrentUser(c)
	if !admin && u == nil {
		return handlers.ToLogin(c, c.Request().URL.RequestURI())
	}
	ctx := c.Request().Context()
	notFound := &handlers.Error{Code: handlers.ENOTFOUND, Message: "There is no purchase of yours at this address."}
	account, kind, err := d.purchaseOwner(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return notFound
	}
	if err != nil {
		return err
	}
	if !admin && account != u.AccountID {
		return notFound
	}
	events, err := d.db.Events(ctx, id)
	if err != nil {
		return err
	}
	var v views.DemoPurchaseView
	var byEvent map[int64][]string
	if kind == store.KindSubscription {
		v, byEvent, err = d.subscriptionView(c, id, events)
	} else {
		v, byEvent, err = d.oneClickView(c, id, events)
	}
	if err != nil {
		return err
	}
	v.Events = timelineView(events, byEvent, d.zone())
	pg := d.app.Page(c, "What happened")
	pg.Wide = true
	return d.app.Render(c, http.StatusOK, views.DemoPurchase(pg, v))
}

func (d *Console) subscriptionView(c echo.Context, id string, events []checkout.Event) (views.DemoPurchaseView, map[int64][]string, error) {
	p, err := d.db.Purchase(c.Request().Context(), id)
	if err != nil {
		return views.DemoPurchaseView{}, nil, err
	}
	path, byEvent := purchaseFlow(p, events)
	v := views.DemoPurchaseView{
		ID: p.ID, Kind: "Subscription through Payway", Title: d.offerTitle(store.KindSubscription, p.OfferID),
		State: string(p.State), Purchase: path,
		Recovery: views.FlowPath{Note: "A subscription purchase goes through Payway's flow; Klarna's token recovery applies to one-click purchases with a saved token."},
	}
	v.Facts = appendFact(v.Facts, "Offer", p.OfferID)
	if p.Trial {
		v.Facts = appendFact(v.Facts, "Trial", "yes (place_trial_order, direct debit only)")
	}
	v.Facts = appendFact(v.Facts, "Klarna payment session", p.KlarnaSessionID)
	v.Facts = appendFact(v.Facts, "Failure", p.FailureCode)
	v.Facts = appendFact(v.Facts, "Payway order", p.OrderID)
	v.Facts = appendFact(v.Facts, "Started", p.CreatedAt.In(d.zone()).Format(time.DateTime))
	switch p.State {
	case checkout.StatePlaced, checkout.StateConfirmed:
		v.PageHref = paths.Confirmation(p.ID)
	default:
		v.PageHref = paths.Checkout(p.ID)
	}
	return v, byEvent, nil
}

func (d *Console) oneClickView(c echo.Context, id string, events []checkout.Event) (views.DemoPurchaseView, map[int64][]string, error) {
	p, err := d.db.OneClickPurchase(c.Request().Context(), id)
	if err != nil {
		return views.DemoPurchaseView{}, nil, err
	}
	path, byEvent := recoveryFlow(p, events)
	v := views.DemoPurchaseView{
		ID: p.ID, Kind: "One-click with the saved Klarna token", Title: d.offerTitle(store.KindOneClick, p.OfferID),
		State: string(p.State), RecoveryFirst: true, Recovery: path,
		Purchase: views.FlowPath{Note: "A one-click purchase charges the app's own Klarna customer token, saved at the reader's first purchase with their consent; Payway's purchase flow is not involved."},
	}
	v.Facts = appendFact(v.Facts, "Offer", p.OfferID)
	if p.First() {
		v.Kind = "First purchase with Klarna (it may save the one-click token)"
		v.Facts = appendFact(v.Facts, "Save Klarna for one-click purchases", yesNo(p.SaveConsent))
		v.Facts = appendFact(v.Facts, "Customer token saved", yesNo(p.TokenSaved))
	}
	v.Facts = appendFact(v.Facts, "step_up_id", p.StepUpID)
	v.Facts = appendFact(v.Facts, "Klarna payment session", p.KlarnaSessionID)
	v.Facts = appendFact(v.Facts, "Hosted payment page session", p.HPPSessionID)
	v.Facts = appendFact(v.Facts, "Hosted page place_order_mode", p.HPPMode)
	v.Facts = appendFact(v.Facts, "Paid through", p.Method)
	v.Facts = appendFact(v.Facts, "Last outcome", p.LastOutcome)
	v.Facts = appendFact(v.Facts, "Failure", p.FailureCode)
	v.Facts = appendFact(v.Facts, "Klarna order", p.OrderID)
	v.Facts = appendFact(v.Facts, "Started", p.CreatedAt.In(d.zone()).Format(time.DateTime))
	if p.State == checkout.OneClickRecovering {
		v.PageHref = paths.Recovery(p.ID)
	} else {
		v.PageHref = paths.OneClick(p.ID)
	}
	return v, byEvent, nil
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func appendFact(facts []views.DemoFact, name, value string) []views.DemoFact {
	if value == "" {
		return facts
	}
	return append(facts, views.DemoFact{Name: name, Value: value})
}

// responseFactKeys are the fields of an answer worth showing next to the call: the ids that tie the
// timeline to Klarna's and Payway's records, and the codes that explain an outcome.
var responseFactKeys = []string{"step_up_id", "session_id", "klarna_payments_session_id", "order_id", "status", "fraud_status",
	"error_code", "correlation_id"}

// requestFactKeys are the fields of a request that say what was asked: the step-up a session is for, who
// places the hosted page's order, the Klarna session an order belongs to.
var requestFactKeys = []string{"step_up_id", "place_order_mode", "klarna_payments_session_id"}

// timelineView turns the stored events into the timeline's lines. Paths and bodies are masked again here:
// the clients masked them before storing, and the page must stay safe even for an event some other code
// recorded without the clients (an inbound callback, an older row). Times are the zone's.
func timelineView(events []checkout.Event, byEvent map[int64][]string, zone *time.Location) []views.DemoEvent {
	out := make([]views.DemoEvent, 0, len(events))
	var first time.Time
	for i, e := range events {
		if i == 0 {
			first = e.At
		}
		step, label := classifyEvent(e)
		ev := views.DemoEvent{
			At: e.At.In(zone).Format("15:04:05.000"), Offset: offset(e.At.Sub(first)), Kind: string(e.Kind), Step: string(step),
			Label: label, Message: eventMessage(e), Nodes: byEvent[e.ID],
		}
		if e.Kind == checkout.EventCall {
			ev.Service, ev.Method, ev.Path = e.Service, e.Method, apilog.MaskPath(e.Path)
			ev.OK = answered2xx(e)
			ev.Status = "no answer"
			if e.Status != 0 {
				ev.Status = fmt.Sprintf("%d %s", e.Status, http.StatusText(e.Status))
			}
			ev.Duration = fmt.Sprintf("%d ms", e.Duration.Milliseconds())
			ev.Request, ev.Response = prettyBody(e.Request), prettyBody(e.Response)
			ev.Facts = bodyFacts(e)
		}
		out = append(out, ev)
	}
	return out
}

// offset is the time since the first event, e.g. "+1.234 s".
func offset(d time.Duration) string {
	return fmt.Sprintf("+%.3f s", d.Seconds())
}

// prettyBody masks a body once more and indents it when it is JSON.
func prettyBody(body string) string {
	masked := apilog.MaskBody([]byte(body))
	if masked == "" {
		return ""
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, []byte(masked), "", "  "); err != nil {
		return masked
	}
	return buf.String()
}

// bodyFacts picks the interesting fields from the answer, then the request, each once. Payway's error
// "code" counts only on an error answer (a request's "code" is a package code).
func bodyFacts(e checkout.Event) []views.DemoFact {
	var facts []views.DemoFact
	seen := map[string]bool{}
	add := func(body string, keys []string) {
		masked := apilog.MaskBody([]byte(body))
		for _, k := range keys {
			if v := jsonString(masked, k); v != "" && !seen[k] {
				seen[k] = true
				facts = append(facts, views.DemoFact{Name: k, Value: strings.TrimSpace(v)})
			}
		}
	}
	keys := responseFactKeys
	if !answered2xx(e) {
		keys = append(slices.Clone(keys), "code")
	}
	add(e.Response, keys)
	add(e.Request, requestFactKeys)
	return facts
}

// eventMessage says a timeline event in words: a state change as "from → to (note)", a note or a call's
// error as its note, with the ids that matter.
func eventMessage(e checkout.Event) string {
	msg := e.Note
	if e.Kind == checkout.EventState && e.To != "" {
		msg = string(e.To)
		if e.From != "" {
			msg = string(e.From) + " → " + msg
		}
		if e.Note != "" {
			msg += " (" + e.Note + ")"
		}
	}
	keys := make([]string, 0, len(e.IDs))
	for k := range e.IDs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		msg = strings.TrimSpace(msg + " " + k + "=" + e.IDs[k])
	}
	return msg
}
