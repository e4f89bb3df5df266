package checkout

import (
	"context"
	"log/slog"
	"sync"
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

// Observe records one exchange; exchanges outside a purchase are ignored, and those of a step that holds
// them (heldEvents) wait for the step's change of the purchase.
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
	if h := heldFrom(ctx); h != nil {
		h.add(e) // written with the purchase's change (heldEvents)
		return
	}
	if err := r.store.AddEvent(context.WithoutCancel(ctx), e); err != nil {
		r.log.ErrorContext(ctx, "record API exchange", "purchase", id, "err", err)
	}
}

type heldKey struct{}

// heldEvents keeps the API exchanges made for a purchase until the change of the purchase they lead to
// is saved, so the exchange and the change are written in one transaction (one commit less per
// exchange: a purchase journey made three). Exchanges no change takes are written on their own by
// flush. A process that dies between the exchange and the change loses both, never one of them.
type heldEvents struct {
	mu     sync.Mutex
	events []Event
}

// hold marks ctx as belonging to purchase id (WithPurchase) with its exchanges held in the returned
// heldEvents; give it to update, and flush it when the step ends.
func hold(ctx context.Context, id string) (context.Context, *heldEvents) {
	h := &heldEvents{}
	return context.WithValue(WithPurchase(ctx, id), heldKey{}, h), h
}

// heldFrom is the heldEvents of ctx, or nil when its exchanges are written as they happen.
func heldFrom(ctx context.Context) *heldEvents {
	h, _ := ctx.Value(heldKey{}).(*heldEvents)
	return h
}

func (h *heldEvents) add(e Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.events = append(h.events, e)
}

// take empties h and returns what it held (nil on a nil h).
func (h *heldEvents) take() []Event {
	if h == nil {
		return nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	out := h.events
	h.events = nil
	return out
}

// giveBack returns events a failed transaction did not write, for flush.
func (h *heldEvents) giveBack(events []Event) {
	if h == nil || len(events) == 0 {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.events = append(events, h.events...)
}

// update saves a change to a purchase with the exchanges held for it (h may be nil).
func (s *Service) update(ctx context.Context, id string, h *heldEvents, fn func(*Purchase) error) (Purchase, error) {
	events := h.take()
	p, err := s.store.UpdatePurchase(ctx, id, fn, events...)
	if err != nil {
		h.giveBack(events)
	}
	return p, err
}

// flush writes the exchanges no change took (a repeat view, a failed save).
func (s *Service) flush(ctx context.Context, h *heldEvents) {
	for _, e := range h.take() {
		if err := s.store.AddEvent(context.WithoutCancel(ctx), e); err != nil {
			s.cfg.Logger.ErrorContext(ctx, "record API exchange", "purchase", e.PurchaseID, "err", err)
		}
	}
}
