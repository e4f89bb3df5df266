package checkout

import (
	"context"
	"fmt"

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
