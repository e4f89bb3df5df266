package checkout

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/paywall/paywall/internal/apilog"
	"github.com/paywall/paywall/store"
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

// stateEvent records a state change on the purchase's timeline. A failure to record is logged, never
// allowed to fail the purchase itself.
func (s *Service) stateEvent(ctx context.Context, id, message string) {
	err := s.store.AddEvent(context.WithoutCancel(ctx), store.Event{
		PurchaseID: id, At: s.cfg.Now(), Kind: store.EventState, Message: message,
	})
	if err != nil {
		s.cfg.Logger.ErrorContext(ctx, "record state event", "purchase", id, "err", err)
	}
}

func transition(from, to string) string { return fmt.Sprintf("%s → %s", from, to) }

// EventStore is where the Recorder writes (implemented by *store.DB).
type EventStore interface {
	AddEvent(ctx context.Context, e store.Event) error
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

// Observe records one exchange; exchanges outside a purchase are ignored.
func (r *Recorder) Observe(ctx context.Context, ex apilog.Exchange) {
	id := PurchaseFrom(ctx)
	if id == "" {
		return
	}
	e := store.Event{
		PurchaseID: id, At: r.now().Add(-ex.Duration), Kind: store.EventAPI, Service: ex.Service, Method: ex.Method,
		Path: ex.Path, Status: ex.Status, Duration: ex.Duration, Request: ex.RequestBody, Response: ex.ResponseBody,
	}
	if ex.Err != nil {
		e.Message = ex.Err.Error()
	}
	if err := r.store.AddEvent(context.WithoutCancel(ctx), e); err != nil {
		r.log.ErrorContext(ctx, "record API exchange", "purchase", id, "err", err)
	}
}
