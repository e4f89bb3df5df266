package checkout

import (
	"context"
	"errors"
	"fmt"

	"github.com/paywall/paywall/internal/apilog"
	"github.com/paywall/paywall/payway"
)

// OrderInput is what the buy button posts, plus what we know about the browser (Payway wants it).
type OrderInput struct {
	AuthorizationToken string
	BrowserIP          string
	BrowserLanguage    string
	BrowserUserAgent   string
	// Category is the payment_method_category the widget authorized (the form's chosen category), kept
	// so the confirmation can say what was paid with in Klarna's words.
	Category string
}

// ErrNoAuthorization means the order form arrived without Klarna's authorization token.
var ErrNoAuthorization = &Error{CodeInvalid, "checkout: no Klarna authorization token"}

// Get returns the customer's purchase, moving it to expired when its Payway session has lapsed.
func (s *Service) Get(ctx context.Context, c Customer, id string) (Purchase, error) {
	p, err := s.store.Purchase(ctx, id)
	if errors.Is(err, ErrNotFound) || (err == nil && p.AccountID != c.AccountID) {
		return Purchase{}, ErrNotFound
	}
	if err != nil {
		return Purchase{}, fmt.Errorf("checkout: get: %w", err)
	}
	if p.State == StateCreated && !s.cfg.Now().Before(p.ExpiresAt) {
		return s.expire(ctx, id)
	}
	return p, nil
}

func (s *Service) expire(ctx context.Context, id string) (Purchase, error) {
	changed := false
	p, err := s.store.UpdatePurchase(context.WithoutCancel(ctx), id, func(p *Purchase) error {
		if p.State == StateCreated && !s.cfg.Now().Before(p.ExpiresAt) {
			p.State, p.UpdatedAt, changed = StateExpired, s.cfg.Now(), true
		}
		return nil
	})
	if err != nil {
		return Purchase{}, fmt.Errorf("checkout: expire: %w", err)
	}
	if changed {
	}
	return p, nil
}

// PlaceOrder places the purchase's one order. Only the request that moves the purchase from created to
// placing calls Payway; every other request (double click, reload, second tab, back button) gets the
// purchase as it stands, so a repeat sees the first outcome and nothing is charged twice.
func (s *Service) PlaceOrder(ctx context.Context, c Customer, id string, in OrderInput) (Purchase, error) {
	if in.AuthorizationToken == "" {
		return Purchase{}, ErrNoAuthorization
	}
	if _, err := s.Get(ctx, c, id); err != nil { // ownership and expiry
		return Purchase{}, err
	}
	claimed := false
	p, err := s.store.UpdatePurchase(ctx, id, func(p *Purchase) error {
		if p.State != StateCreated {
			return nil
		}
		p.State, p.AuthorizationToken, p.UpdatedAt, claimed = StatePlacing, in.AuthorizationToken, s.cfg.Now(), true
		p.ChosenCategory = chooseCategory(p.Categories, in.Category)
		return nil
	})
	if err != nil {
		return Purchase{}, fmt.Errorf("checkout: place order: %w", err)
	}
	if !claimed {
		return p, nil
	}

	req := payway.PlaceOrderRequest{
		KlarnaAuthorizationToken: in.AuthorizationToken, KlarnaPaymentsSessionID: p.KlarnaSessionID,
		BrowserIP: in.BrowserIP, BrowserLanguage: in.BrowserLanguage, BrowserUserAgent: in.BrowserUserAgent,
		TrafficSource: s.cfg.TrafficSource, MerchantReference: MerchantReference(id),
		RaiseOnSSNAlreadyTakenError: &s.cfg.Raise.SSNAlreadyTaken, RaiseOnSSNAlreadySetError: &s.cfg.Raise.SSNAlreadySet,
		RaiseOnAccountUpdateError: &s.cfg.Raise.AccountUpdate, RaiseOnDeliveryAddressError: &s.cfg.Raise.DeliveryAddress,
	}
	place := s.payway.PlaceOrder
	if p.Trial {
		place = s.payway.PlaceTrialOrder
	}
	// From the claim on, the order runs to its end and its outcome is saved even if the browser goes away
	// (a double click abandons the first request): cancelling the call could leave an order at Payway
	// while the purchase is reopened as never placed. The Payway client's own timeout still bounds it.
	ctx = context.WithoutCancel(ctx)
	done := s.calls.begin()
	defer done()
	callCtx, held := hold(ctx, id)
	defer s.flush(ctx, held)
	placed, perr := place(callCtx, c.AccessToken, req)

	switch {
	case perr == nil:
		p, err = s.update(ctx, id, held, func(p *Purchase) error {
			p.State, p.OrderID, p.RedirectURI, p.UpdatedAt = StatePlaced, placed.OrderID, placed.RedirectURI, s.cfg.Now()
			return nil
		})
		if err != nil {
			return Purchase{}, fmt.Errorf("checkout: record order %s: %w", placed.OrderID, err)
		}
		return p, nil
	case payway.IsCode(perr, FailSessionCompleted):
		// A Payway session dies at its first successful purchase, and this session is this purchase's
		// alone: an earlier place_order whose answer was lost did buy. The reader paid; show the
		// confirmation, without the order id Payway did not give us.
		p, err = s.update(ctx, id, held, func(p *Purchase) error {
			p.State, p.UpdatedAt = StatePlaced, s.cfg.Now()
			return nil
		})
		if err != nil {
			return Purchase{}, fmt.Errorf("checkout: record the session's purchase: %w", err)
		}
		return p, nil
	case payway.IsCode(perr, payway.CodeSessionExpired):
		p, err = s.update(ctx, id, held, func(p *Purchase) error {
			p.State, p.UpdatedAt = StateExpired, s.cfg.Now()
			return nil
		})
		if err != nil {
			return Purchase{}, fmt.Errorf("checkout: expire: %w", err)
		}
		return p, nil
	case payway.Refused(perr) && !payway.IsTokenRejected(perr):
		return s.fail(ctx, id, held, payway.Code(perr))
	case payway.IsTokenRejected(perr) || apilog.NotSent(perr):
		// Known not done: Payway refused our access token (401; the handler retries with a renewed one),
		// or the request never reached Payway. The purchase is open again and nothing was bought.
		if _, err := s.update(ctx, id, held, func(p *Purchase) error {
			p.State, p.AuthorizationToken, p.UpdatedAt = StateCreated, "", s.cfg.Now()
			return nil
		}); err != nil {
			return Purchase{}, fmt.Errorf("checkout: reopen after Payway failure: %w", err)
		}
		return Purchase{}, unavailable("place order", perr)
	default:
		// Sent, and not answered usefully (a timeout, the connection lost, a 5xx): Payway may have placed
		// the order and lost its answer. The purchase says so until the reconciler has read Payway's orders;
		// the reader sees "we are checking", never "nothing was charged".
		s.cfg.Logger.WarnContext(ctx, "place_order outcome unknown", "purchase", id, "err", perr)
		p, err = s.update(ctx, id, held, func(p *Purchase) error {
			if p.State != StatePlacing {
				return nil
			}
			p.State, p.AuthorizationToken, p.UpdatedAt = StateUnknown, "", s.cfg.Now()
			return nil
		})
		if err != nil {
			return Purchase{}, fmt.Errorf("checkout: record unknown outcome: %w", err)
		}
		return p, nil
	}
}
