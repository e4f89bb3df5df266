package checkout

import (
	"context"
	"log/slog"
	"time"

	"github.com/paywall/paywall/internal/apilog"
)

type purchaseKey struct{}

// WithPurchase marks ctx as belonging to a purchase, so API exchanges made with it land on its timeline.
func WithPurchase(ctx context.Context, purchaseID string) context.Context {
	return context.WithValue(ctx, purchaseKey{}, purchaseID)
}

// PurchaseFrom is the purchase ctx belongs to, or "".
func PurchaseFrom(ctx context.Context) string {
	id, _ := ctx.Value(purchaseKey{}).(string)
	return id
}

// CallHPPStatusCallback names Klarna's status callback to us on a timeline: the one call that comes in
// rather than goes out.
const CallHPPStatusCallback = "klarna.hpp_status_callback"

// PurchaseCreated is the first event of a new subscription purchase. The store writes it in the
// transaction that inserts the row.
func PurchaseCreated(p Purchase) Event {
	return Event{PurchaseID: p.ID, At: p.CreatedAt, Kind: EventState, To: p.State, Note: "offer " + p.OfferID}
}

// PurchaseChange is the timeline event for a subscription purchase saved as after where it was before, or
// nil when its state did not move. The store calls it inside the transaction that saves the row, so the
// timeline never misses a transition the row has (nor shows one the row never made).
func PurchaseChange(before, after Purchase) *Event {
	if before.State == after.State {
		return nil
	}
	e := &Event{PurchaseID: after.ID, At: after.UpdatedAt, Kind: EventState, From: before.State, To: after.State}
	switch {
	case after.State == StatePlaced && after.OrderID == "":
		e.Note = "Payway says the session already bought (its answer to place_order was lost): no order id"
	case after.State == StatePlaced:
		e.IDs = map[string]string{"order_id": after.OrderID}
	case after.State == StateFailed:
		e.Note = after.FailureCode
	case before.State == StatePlacing && after.State == StateCreated:
		e.Note = "Payway did not place the order: retryable"
	case before.State == StateUnknown && after.State == StateCreated:
		e.Note = "Payway has no order for this purchase: retryable"
	case after.State == StateUnknown:
		e.Note = "Payway did not answer place_order: it may have placed the order; the reconciler asks Payway"
	}
	return e
}

// OneClickStarted is the first event of a new one-click purchase (see PurchaseCreated).
func OneClickStarted(p OneClickPurchase) Event {
	return Event{PurchaseID: p.ID, At: p.CreatedAt, Kind: EventState, To: p.State, Note: "offer " + p.OfferID}
}

// OneClickChange is PurchaseChange for one-click purchases.
func OneClickChange(before, after OneClickPurchase) *Event {
	if before.State == after.State {
		return nil
	}
	e := &Event{PurchaseID: after.ID, At: after.UpdatedAt, Kind: EventState, From: before.State, To: after.State}
	switch after.State {
	case OneClickCompleted:
		e.IDs = map[string]string{"order_id": after.OrderID}
		e.Note = "via " + after.Method
		switch after.Method {
		case RecoveryMethodToken:
		case MethodKlarna:
			e.Note += " (first purchase: an order from the reader's authorization)"
		default:
			e.Note += "; Klarna updates the saved token with the payment method just used"
		}
	case OneClickRecovering:
		e.IDs = map[string]string{"step_up_id": after.StepUpID}
		e.Note = "Klarna asked for a step-up: the customer confirms with Klarna"
	case OneClickFailed:
		e.Note = after.FailureCode
	case OneClickCreated:
		e.Note = "retry with the same Klarna-Idempotency-Key"
	case OneClickUnknown:
		e.Note = "Klarna did not answer the charge: it may have been made; resent with the same key until answered"
	}
	return e
}

// EventStore is where the Recorder writes (implemented by *store.DB).
type EventStore interface {
	AddEvent(ctx context.Context, e Event) error
}

// Recorder puts every API exchange made for a purchase (a context marked with WithPurchase) on that
// purchase's timeline. Give it to the payway and klarna clients as their Observer. Bodies arrive masked.
type Recorder struct {
	store EventStore
	now   func() time.Time
	log   *slog.Logger
}

// NewRecorder builds a Recorder; nil now means time.Now, nil log discards.
func NewRecorder(st EventStore, now func() time.Time, log *slog.Logger) *Recorder {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Recorder{store: st, now: now, log: log}
}

// Records reports whether an exchange made under ctx is kept: only those made for a purchase are
// (apilog.Selective, so the client does not mask the bodies of the others).
func (r *Recorder) Records(ctx context.Context) bool { return PurchaseFrom(ctx) != "" }

var _ apilog.Selective = (*Recorder)(nil)

// Observe records one exchange; exchanges outside a purchase are ignored.
func (r *Recorder) Observe(ctx context.Context, ex apilog.Exchange) {
	id := PurchaseFrom(ctx)
	if id == "" {
		return
	}
	e := Event{
		PurchaseID: id, At: r.now().Add(-ex.Duration), Kind: EventCall, Call: ex.Call, Service: ex.Service,
		Method: ex.Method, Path: ex.Path, Status: ex.Status, Duration: ex.Duration, Request: ex.RequestBody,
		Response: ex.ResponseBody, IDs: ex.IDs,
	}
	if ex.Err != nil {
		e.Note = ex.Err.Error()
	}
	if err := r.store.AddEvent(context.WithoutCancel(ctx), e); err != nil {
		r.log.ErrorContext(ctx, "record API exchange", "purchase", id, "err", err)
	}
}
