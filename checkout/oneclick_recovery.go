package checkout

import (
	"context"
	"fmt"
	"time"

	"github.com/paywall/paywall/internal/apilog"
	"github.com/paywall/paywall/klarna"
)

// orderClaimTTL is how long a claimed order call keeps others away. The Klarna client gives up after
// 15 s, so a claim this old belongs to a process that died mid-call; it may then be taken over (Klarna
// refuses a consumed authorization, so a takeover cannot create a second order from it).
const orderClaimTTL = 2 * time.Minute

func claimHeld(p OneClickPurchase, now time.Time) bool {
	return !p.OrderingSince.IsZero() && now.Sub(p.OrderingSince) < orderClaimTTL
}

// awaitingOrder reports whether the purchase waits for an order from a Klarna authorization: a step-up
// recovery, or a first purchase. Both claim, create, settle and complete that order the same way.
func awaitingOrder(p OneClickPurchase) bool {
	return p.State == OneClickRecovering || p.State == OneClickPaying
}

func (o *OneClick) startRecovery(ctx context.Context, c Customer, id string) (OneClickPurchase, error) {
	p, err := o.get(ctx, c, id)
	if err != nil {
		return OneClickPurchase{}, err
	}
	if p.State != OneClickRecovering {
		return public(p), ErrNotRecovering
	}
	unlock, err := o.locks.lock(ctx, id)
	if err != nil {
		return public(p), err
	}
	defer unlock()
	if p, err = o.reread(ctx, id); err != nil {
		return OneClickPurchase{}, err
	}
	// A hosted page may have finished while the customer was away (Klarna places the order even if the
	// redirect back fails): read it first, so the page never offers to pay again for a paid purchase.
	if p.State == OneClickRecovering && p.HPPSessionID != "" && !claimHeld(p, o.cfg.Now()) {
		if q, err := o.syncHPP(ctx, p, false); err != nil {
			o.cfg.Logger.WarnContext(ctx, "recovery page: read hosted page", "purchase", id, "err", err)
		} else {
			p = q
		}
	}
	if p.State != OneClickRecovering {
		return public(p), ErrNotRecovering
	}
	p, err = o.ensureSession(ctx, id, false)
	if err != nil {
		return public(p), err
	}
	if p.State != OneClickRecovering {
		return public(p), ErrNotRecovering
	}
	return public(p), nil
}

// reread reads the purchase again once its lock is held: another step may have changed it meanwhile.
func (o *OneClick) reread(ctx context.Context, id string) (OneClickPurchase, error) {
	p, err := o.store.OneClickPurchase(ctx, id)
	if err != nil {
		return OneClickPurchase{}, fmt.Errorf("checkout: one-click purchase: %w", err)
	}
	return p, nil
}

// ensureSession (the caller holds the purchase's lock) gives the recovery its step-up payment session, once: the same intent as the session the
// token was made with, the same cart as the rejected charge, customer.customer_token and the step_up_id
// Klarna handed out (so Klarna updates the token's payment method after the order). renew replaces a
// session Klarna no longer has. A session Klarna refuses ends the recovery: the purchase fails with
// PAYMENT_METHOD_FAILED, whose page offers a new attempt or the regular checkout.
func (o *OneClick) ensureSession(ctx context.Context, id string, renew bool) (OneClickPurchase, error) {
	p, err := o.store.OneClickPurchase(ctx, id)
	if err != nil {
		return OneClickPurchase{}, fmt.Errorf("checkout: recovery session: %w", err)
	}
	if p.State != OneClickRecovering || (p.KlarnaSessionID != "" && !renew) {
		return p, nil
	}
	old := p.KlarnaSessionID
	req, err := orderRequest(p)
	if err != nil {
		return p, err
	}
	ctx = context.WithoutCancel(ctx) // a session made is a session kept
	sess, err := o.klarna.CreateSession(WithPurchase(ctx, id), klarna.SessionRequest{
		Cart: req.Cart(o.cfg.Country, o.locale(p)), Intent: o.cfg.Intent,
		MerchantReference1: p.ID, MerchantReference2: req.MerchantReference2,
		MerchantURLs: &klarna.MerchantURLs{Confirmation: o.confirmationURL(p.ID)},
		Customer:     &klarna.SessionCustomer{CustomerToken: p.TokenID},
		StepUpID:     p.StepUpID,
	})
	switch {
	case err == nil:
	case klarnaAnswered(err):
		return o.failRecovery(ctx, id, "step-up session refused: "+klarnaCode(err))
	default:
		return p, klarnaUnavailable("create step-up session", err)
	}
	p, err = o.store.UpdateOneClickPurchase(ctx, id, func(p *OneClickPurchase) error {
		if p.State != OneClickRecovering || p.KlarnaSessionID != old {
			return nil
		}
		p.KlarnaSessionID, p.ClientToken, p.UpdatedAt = sess.SessionID, sess.ClientToken, o.cfg.Now()
		if renew { // a hosted page lives on its payment session: it went with it
			p.HPPSessionID, p.HPPRedirectURL, p.HPPMode = "", "", ""
		}
		return nil
	})
	if err != nil {
		return OneClickPurchase{}, fmt.Errorf("checkout: save step-up session: %w", err)
	}
	if renew {
		o.note(ctx, id, "the step-up payment session had expired; a new one was created", nil)
	} else {
		o.note(ctx, id, "step-up payment session created", nil)
	}
	return p, nil
}

// failRecovery ends a recovery that cannot go on.
func (o *OneClick) failRecovery(ctx context.Context, id, why string) (OneClickPurchase, error) {
	changed := false
	p, err := o.store.UpdateOneClickPurchase(ctx, id, func(p *OneClickPurchase) error {
		if p.State != OneClickRecovering || claimHeld(*p, o.cfg.Now()) {
			return nil
		}
		p.State, p.FailureCode, p.LastOutcome, p.UpdatedAt, changed = OneClickFailed, FailTokenPayment, "", o.cfg.Now(), true
		return nil
	})
	if err != nil {
		return OneClickPurchase{}, fmt.Errorf("checkout: fail recovery: %w", err)
	}
	if changed {
	}
	return p, nil
}

func (o *OneClick) recoveryOrder(ctx context.Context, c Customer, id, authorizationToken string) (OneClickPurchase, error) {
	p, err := o.get(ctx, c, id)
	if err != nil {
		return OneClickPurchase{}, err
	}
	switch {
	case p.State == OneClickCompleted:
		return public(p), nil
	case p.State != OneClickRecovering:
		return public(p), ErrNotRecovering
	case authorizationToken == "":
		return public(p), ErrNoAuthorization
	}
	unlock, err := o.locks.lock(ctx, id)
	if err != nil {
		return public(p), err
	}
	defer unlock()
	p, err = o.placeOrder(ctx, id, authorizationToken, RecoveryMethodSDK, "")
	return public(p), err
}

// placeOrder creates the order of a recovery or a first purchase from an authorization (the SDK's, the
// hosted page's in mode NONE, or the first purchase's widget). Only the request that claims the purchase
// in the database calls Klarna; any other (double click, the return racing the status callback) gets the
// purchase as it stands, pending or completed, so one purchase makes one order whatever arrives twice.
// category is the payment category a first purchase's widget authorized ("" for a recovery, whose
// Klarna flow chooses inside Klarna).
func (o *OneClick) placeOrder(ctx context.Context, id, authorizationToken, method, category string) (OneClickPurchase, error) {
	claimed := false
	p, err := o.store.UpdateOneClickPurchase(ctx, id, func(p *OneClickPurchase) error {
		now := o.cfg.Now()
		if !awaitingOrder(*p) || claimHeld(*p, now) {
			return nil
		}
		// The method is kept with the claim: if the answer is lost, the reconciler completes the
		// purchase with it.
		p.OrderingSince, p.LastOutcome, p.Method, p.UpdatedAt, claimed = now, OutcomePending, method, now, true
		if category != "" {
			p.ChosenCategory = chooseCategory(p.Categories, category)
		}
		return nil
	})
	if err != nil {
		return OneClickPurchase{}, fmt.Errorf("checkout: claim recovery order: %w", err)
	}
	if !claimed {
		return p, nil
	}
	req, err := orderRequest(p)
	if err != nil {
		return o.releaseClaim(ctx, id, OutcomeError, err)
	}
	// The order runs to its end whatever the browser does (see Buy).
	ctx = context.WithoutCancel(ctx)
	done := o.calls.begin()
	defer done()
	order, kerr := o.klarna.CreateOrder(WithPurchase(ctx, id), authorizationToken, klarna.OrderRequest{
		Cart: req.Cart(o.cfg.Country, o.locale(p)), MerchantReference1: p.ID, MerchantReference2: req.MerchantReference2,
		MerchantURLs: &klarna.MerchantURLs{Confirmation: o.confirmationURL(p.ID)},
	})
	switch {
	case kerr == nil:
		return o.complete(ctx, id, order.OrderID, method)
	case klarnaAnswered(kerr):
		// An expired or consumed authorization, or a session already paid. Consumed or paid can be an
		// earlier order whose answer we lost: the session says which.
		o.note(ctx, id, "Klarna refused the order from the "+method+" authorization ("+klarnaCode(kerr)+")", nil)
		return o.settleRecoveryOrder(ctx, id)
	case apilog.NotSent(kerr):
		p, err := o.releaseClaim(ctx, id, "", nil) // never reached Klarna: nothing was bought
		if err != nil {
			return p, err
		}
		return p, klarnaUnavailable("create recovery order", kerr)
	default:
		// Sent and not answered: Klarna may have created the order. The claim stays (no second order, no
		// new authorization meanwhile) and the reconciler reads the session once the call is over.
		o.note(ctx, id, "Klarna did not answer the order: the reconciler reads the payment session", nil)
		return o.reread(ctx, id)
	}
}

// settleRecoveryOrder decides a recovery order whose answer is not known from the step-up payment session,
// which Klarna marks complete once an order is placed from it: complete means the order exists (its id
// was lost with the answer), incomplete means no order was made and the customer may confirm again. When
// the session cannot be read, the claim stays for the reconciler.
func (o *OneClick) settleRecoveryOrder(ctx context.Context, id string) (OneClickPurchase, error) {
	p, err := o.reread(ctx, id)
	if err != nil || !awaitingOrder(p) {
		return p, err
	}
	sess, err := o.klarna.ReadSession(WithPurchase(ctx, id), p.KlarnaSessionID)
	if err != nil {
		return p, fmt.Errorf("checkout: recovery %s: read payment session: %w", id, err)
	}
	if sess.Status == klarna.SessionComplete {
		note := "Klarna's payment session is complete: the order was placed and its answer lost " +
			"(Klarna's order id: find it by merchant_reference1 = the purchase id)"
		if p.State == OneClickPaying && p.SaveConsent {
			note += "; the customer token was not created (the authorization is not kept): the next purchase asks again"
		}
		o.note(ctx, id, note, nil)
		return o.complete(ctx, id, "", p.Method)
	}
	o.note(ctx, id, "Klarna's payment session is not complete: no order was placed; the customer may confirm again", nil)
	return o.releaseClaim(ctx, id, OutcomeError, nil)
}

// releaseClaim gives up an order claim, leaving the recovery open with an outcome for the page.
func (o *OneClick) releaseClaim(ctx context.Context, id, outcome string, cause error) (OneClickPurchase, error) {
	p, err := o.store.UpdateOneClickPurchase(ctx, id, func(p *OneClickPurchase) error {
		if !awaitingOrder(*p) {
			return nil
		}
		p.OrderingSince, p.LastOutcome, p.Method, p.UpdatedAt = time.Time{}, outcome, "", o.cfg.Now()
		return nil
	})
	if err != nil {
		return OneClickPurchase{}, fmt.Errorf("checkout: release recovery order claim: %w", err)
	}
	return p, cause
}

// complete records the order of a recovery or a first purchase. A purchase already completed keeps its
// first order; a second, different order id is logged loudly (it would be a second charge to refund) and
// never replaces it.
func (o *OneClick) complete(ctx context.Context, id, orderID, method string) (OneClickPurchase, error) {
	var from State
	p, err := o.store.UpdateOneClickPurchase(ctx, id, func(p *OneClickPurchase) error {
		if !awaitingOrder(*p) {
			return nil
		}
		from = p.State
		p.State, p.OrderID, p.Method, p.LastOutcome, p.FailureCode = OneClickCompleted, orderID, method, "", ""
		p.OrderingSince, p.UpdatedAt = time.Time{}, o.cfg.Now()
		return nil
	})
	if err != nil {
		return OneClickPurchase{}, fmt.Errorf("checkout: record recovery order %s: %w", orderID, err)
	}
	switch {
	case from != "":
		o.ForgetSavedMethod(p.AccountID) // Klarna updated the token's payment method with this order
	case p.OrderID != orderID:
		o.cfg.Logger.ErrorContext(ctx, "second Klarna order for one purchase", "purchase", id,
			"kept", p.OrderID, "second", orderID)
		o.note(ctx, id, "ALERT: a second Klarna order arrived for this purchase: refund it", map[string]string{"order_id": orderID, "kept_order_id": p.OrderID})
	}
	return p, nil
}
