package checkout

import (
	"context"
	"fmt"

	"github.com/paywall/paywall/payway"
)

// Confirmation is what the confirmation page shows: our record, the offer, and Payway's order.
type Confirmation struct {
	Purchase Purchase
	Offer    Offer
	Order    payway.Order
}

// Confirm reads Payway's order of a placed purchase and marks the purchase confirmed. A purchase whose
// order is not placed yet returns ErrNotPlaced with the purchase, so the page can show "pending".
func (s *Service) Confirm(ctx context.Context, c Customer, id string) (Confirmation, error) {
	p, err := s.Get(ctx, c, id)
	if err != nil {
		return Confirmation{}, err
	}
	offer, _ := s.catalogue.Offer(p.OfferID)
	if p.State != StatePlaced && p.State != StateConfirmed {
		return Confirmation{Purchase: p, Offer: offer}, ErrNotPlaced
	}
	callCtx, held := hold(ctx, id)
	defer s.flush(ctx, held)
	var order payway.Order
	if p.OrderID != "" { // "" when Payway's answer was lost and only session_completed told us it bought
		if order, err = s.payway.Order(callCtx, c.AccessToken, p.OrderID); err != nil {
			return Confirmation{Purchase: p, Offer: offer}, unavailable("order", err)
		}
	}
	if p.State == StatePlaced {
		p, err = s.update(context.WithoutCancel(ctx), id, held, func(p *Purchase) error {
			if p.State == StatePlaced {
				p.State, p.UpdatedAt = StateConfirmed, s.cfg.Now()
			}
			return nil
		})
		if err != nil {
			return Confirmation{}, fmt.Errorf("checkout: confirm: %w", err)
		}
	}
	return Confirmation{Purchase: p, Offer: offer, Order: order}, nil
}
