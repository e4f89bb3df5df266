package checkout

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/paywall/paywall/klarna"
	"github.com/paywall/paywall/payway"
)

// Reconciler resolves money calls whose outcome is not known, from the system of record, with nobody
// present: a place_order that was sent and not answered, or that a crash cut off (Payway's orders of the
// account say whether it bought); a token charge not answered (sent again with its
// Klarna-Idempotency-Key, so Klarna answers the charge it made or makes the one it did not); a recovery
// whose order call was cut off (Klarna's payment session says whether an order was placed from it).
//
// It looks only at purchases that have not changed for longer than their call's timeout plus a margin,
// so it never races a call that can still answer. Every step it takes is an event on the purchase's
// timeline. Run it once at start (a crash heals without the reader doing anything) and then every 30 s.
type Reconciler struct {
	cfg      ReconcilerConfig
	service  *Service
	oneClick *OneClick
}

// ReconcilerConfig tunes the reconciler.
type ReconcilerConfig struct {
	// Every is the pause between two rounds; default 30 s.
	Every time.Duration
	// PaywayTimeout and KlarnaTimeout are how long the clients let a call run (defaults: the clients'
	// defaults). A purchase is the reconciler's when it has not changed for longer than its call's
	// timeout plus Margin (default 5 s).
	PaywayTimeout, KlarnaTimeout, Margin time.Duration
	Now                                  func() time.Time
	Logger                               *slog.Logger
}

// NewReconciler builds the reconciler of both journeys; either may be nil.
func NewReconciler(cfg ReconcilerConfig, s *Service, o *OneClick) *Reconciler {
	if cfg.Every <= 0 {
		cfg.Every = 30 * time.Second
	}
	if cfg.PaywayTimeout <= 0 {
		cfg.PaywayTimeout = payway.DefaultTimeout
	}
	if cfg.KlarnaTimeout <= 0 {
		cfg.KlarnaTimeout = klarna.DefaultTimeout
	}
	if cfg.Margin <= 0 {
		cfg.Margin = 5 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Reconciler{cfg: cfg, service: s, oneClick: o}
}

// Run reconciles at once and then every cfg.Every until ctx ends.
func (r *Reconciler) Run(ctx context.Context) {
	tick := time.NewTicker(r.cfg.Every)
	defer tick.Stop()
	for {
		if _, err := r.Once(ctx); err != nil && ctx.Err() == nil {
			r.cfg.Logger.ErrorContext(ctx, "reconcile", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// Once runs one round and returns how many purchases it resolved (moved out of their in-flight or
// unknown state). A purchase it cannot resolve yet (Payway or Klarna not answering) stays as it is for
// the next round.
func (r *Reconciler) Once(ctx context.Context) (int, error) {
	now := r.cfg.Now()
	resolved := 0
	var errs []error
	if r.service != nil {
		ps, err := r.service.store.PurchasesInFlightSince(ctx, now.Add(-r.cfg.PaywayTimeout-r.cfg.Margin))
		if err != nil {
			return 0, err
		}
		for _, p := range ps {
			ok, err := r.service.reconcile(ctx, p)
			if err != nil {
				errs = append(errs, err)
			}
			if ok {
				resolved++
			}
		}
	}
	if r.oneClick != nil {
		ps, err := r.oneClick.store.OneClickPurchasesInFlightSince(ctx, now.Add(-r.cfg.KlarnaTimeout-r.cfg.Margin))
		if err != nil {
			return resolved, err
		}
		for _, p := range ps {
			ok, err := r.oneClick.reconcile(ctx, p)
			if err != nil {
				errs = append(errs, err)
			}
			if ok {
				resolved++
			}
		}
	}
	return resolved, errors.Join(errs...)
}

// MerchantReference is the merchant_reference place_order sends for a purchase: how Payway's orders are
// matched to our purchases.
func MerchantReference(purchaseID string) string { return "paywall-" + purchaseID }

// reconcile resolves one subscription purchase left placing (a crash) or unknown (an unanswered
// place_order) from the account's orders at Payway: an order with the purchase's merchant_reference that
// is closed means it bought (placed, with Payway's order id); failed means it failed; none means Payway
// never placed it (open again, the reader may pay). An order still being processed is left for the next
// round.
func (s *Service) reconcile(ctx context.Context, p Purchase) (bool, error) {
	if s.cfg.AppTokens == nil {
		return false, errors.New("checkout: reconcile: no Payway app token source")
	}
	done := s.calls.begin()
	defer done()
	ctx = WithPurchase(ctx, p.ID) // the lookup lands on the purchase's timeline
	orders, err := s.ordersOf(ctx, p.AccountID)
	if err != nil {
		return false, fmt.Errorf("checkout: reconcile %s: %w", p.ID, err)
	}
	o, found := payway.OrderWithReference(orders, MerchantReference(p.ID))
	switch {
	case found && o.State == "created":
		return false, nil // Payway is still processing it
	case found && o.State == "failed":
		code := FailPaymentMethod // a failed order whose payments carry no code (error_code is null)
		if c := o.FailureCode(); c != "" {
			code = c
		}
		return s.resolve(ctx, p, func(q *Purchase) { q.State, q.FailureCode = StateFailed, code },
			"reconciler: Payway's order "+o.OrderID+" failed", map[string]string{"order_id": o.OrderID})
	case found:
		return s.resolve(ctx, p, func(q *Purchase) { q.State, q.OrderID, q.RedirectURI = StatePlaced, o.OrderID, "" },
			"reconciler: Payway placed order "+o.OrderID, map[string]string{"order_id": o.OrderID})
	default:
		return s.resolve(ctx, p, func(q *Purchase) { q.State, q.AuthorizationToken = StateCreated, "" },
			"reconciler: Payway has no order with merchant_reference "+MerchantReference(p.ID), nil)
	}
}

// ordersOf reads the account's orders with the app token, renewing it once if Payway refuses it.
func (s *Service) ordersOf(ctx context.Context, accountID string) ([]payway.Order, error) {
	for attempt := 0; ; attempt++ {
		tok, err := s.cfg.AppTokens.Get(ctx)
		if err != nil {
			return nil, fmt.Errorf("app token: %w", err)
		}
		orders, err := s.payway.OrdersOfAccount(ctx, tok, accountID)
		if payway.IsTokenRejected(err) && attempt == 0 {
			s.cfg.AppTokens.Forget()
			continue
		}
		return orders, err
	}
}

// resolve applies change to the purchase if it is still where the reconciler found it, with a note on
// its timeline saying what the system of record said. The note is written in the transaction of the
// change (UpdatePurchase's events), so whoever sees the purchase resolved also sees why.
func (s *Service) resolve(ctx context.Context, found Purchase, change func(*Purchase), note string, ids map[string]string) (bool, error) {
	now := s.cfg.Now()
	_, err := s.store.UpdatePurchase(ctx, found.ID, func(p *Purchase) error {
		if p.State != found.State || !p.UpdatedAt.Equal(found.UpdatedAt) {
			return errMovedMeanwhile // nothing saved, the note included
		}
		change(p)
		p.UpdatedAt = now
		return nil
	}, Event{PurchaseID: found.ID, At: now, Kind: EventState, Note: note, IDs: ids})
	if errors.Is(err, errMovedMeanwhile) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("checkout: reconcile %s: %w", found.ID, err)
	}
	return true, nil
}

// errMovedMeanwhile aborts a reconciler's change when someone else moved the purchase since it was read.
var errMovedMeanwhile = errors.New("checkout: the purchase moved meanwhile")

// reconcile resolves one one-click purchase: a token charge not answered is sent again with its key
// (within Klarna's 24 h memory of the key; after that only support can tell, and it stays unknown); an
// order call of a recovery or a first purchase cut off is resolved from its payment session, which
// Klarna marks complete once an order is placed from it.
func (o *OneClick) reconcile(ctx context.Context, p OneClickPurchase) (bool, error) {
	done := o.calls.begin()
	defer done()
	ctx = WithPurchase(ctx, p.ID)
	switch {
	case unanswered(p) && p.State != OneClickFailed:
		if o.cfg.Now().Sub(p.CreatedAt) >= retryWindow {
			o.cfg.Logger.ErrorContext(ctx, "one-click charge unanswered beyond Klarna's idempotency window: ask support",
				"purchase", p.ID, "merchant_reference1", p.ID)
			return false, nil
		}
		req, err := orderRequest(p)
		if err != nil {
			return false, err
		}
		o.note(ctx, p.ID, "reconciler: charge sent again with the same Klarna-Idempotency-Key", nil)
		order, kerr := o.klarna.CreateTokenOrder(ctx, p.TokenID, p.IdempotencyKey, req)
		q, err := o.answer(ctx, p.ID, order, kerr, true)
		if err != nil {
			return false, err
		}
		return !unanswered(q), nil
	case awaitingOrder(p) && !p.OrderingSince.IsZero():
		unlock, err := o.locks.lock(ctx, p.ID)
		if err != nil {
			return false, err
		}
		defer unlock()
		q, err := o.settleRecoveryOrder(ctx, p.ID)
		return err == nil && (q.State == OneClickCompleted || q.OrderingSince.IsZero()), err
	}
	return false, nil
}
