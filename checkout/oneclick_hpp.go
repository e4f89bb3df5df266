package checkout

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/paywall/paywall/internal/apilog"
	"github.com/paywall/paywall/klarna"
)

// hppMerchantURLs are where the hosted page sends the customer (every outcome to the same return page,
// whose ?outcome= is only a hint: the status is read from Klarna) and where Klarna posts status updates,
// authenticated by the page's secret.
func (o *OneClick) hppMerchantURLs(p OneClickPurchase, secret string) *klarna.HPPMerchantURLs {
	ret := func(outcome string) string { return o.cfg.RecoveryReturnURL(p.ID, outcome) }
	return &klarna.HPPMerchantURLs{
		Success: ret("success"), Cancel: ret("cancel"), Back: ret("back"), Failure: ret("failure"), Error: ret("error"),
		StatusUpdate: o.cfg.HPPCallbackURL(p.ID, secret),
	}
}

// callbackHashPrefix marks a stored callback hash (older rows held the secret itself, sealed).
const callbackHashPrefix = "sha256:"

// CallbackHash is what the store keeps of a hosted page's callback secret: its SHA-256. The secret is
// 160 random bits, so the hash needs no salt or stretching to be useless to whoever reads it.
func CallbackHash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return callbackHashPrefix + hex.EncodeToString(sum[:])
}

// IsCallbackHash reports whether a stored value is a CallbackHash rather than an older row's secret.
func IsCallbackHash(v string) bool { return strings.HasPrefix(v, callbackHashPrefix) }

func validMode(mode string) (string, bool) {
	switch mode {
	case "":
		return klarna.PlaceOrderNone, true
	case klarna.PlaceOrderNone, klarna.PlaceOrderPlace, klarna.PlaceOrderCapture:
		return mode, true
	}
	return "", false
}

func (o *OneClick) startHPP(ctx context.Context, c Customer, id, placeOrderMode string) (string, error) {
	mode, ok := validMode(placeOrderMode)
	if !ok {
		return "", fmt.Errorf("%w: %q", ErrInvalidMode, placeOrderMode)
	}
	if _, err := o.get(ctx, c, id); err != nil {
		return "", err
	}
	// One page at a time per recovery: two tabs starting pages at once would leave one page payable that
	// the recovery no longer follows.
	unlock, err := o.locks.lock(ctx, id)
	if err != nil {
		return "", err
	}
	defer unlock()
	ctx = context.WithoutCancel(ctx) // a page made is a page recorded
	p, err := o.reread(ctx, id)
	if err != nil {
		return "", err
	}
	if p.State != OneClickRecovering || claimHeld(p, o.cfg.Now()) { // done, or its order is being made
		return "", ErrNotRecovering
	}
	// A page made before: paid meanwhile, reused while it can still be paid in the same mode, or retired.
	if p.HPPSessionID != "" {
		st, err := o.klarna.ReadHPPSession(WithPurchase(ctx, id), p.HPPSessionID)
		switch {
		case err == nil && st.Status == klarna.HPPCompleted:
			if p, err = o.actOnHPP(ctx, p, st, false); err != nil {
				return "", err
			}
			if p.State != OneClickRecovering || claimHeld(p, o.cfg.Now()) {
				return "", ErrNotRecovering
			}
			// Its order failed (see the timeline): a new page on the same payment session.
		case err == nil && !st.Final() && p.HPPMode == mode && p.HPPRedirectURL != "":
			o.note(ctx, id, "back to the hosted payment page still open ("+st.Status+")", nil)
			return p.HPPRedirectURL, nil
		case err == nil && !st.Final():
			if derr := o.klarna.DisableHPPSession(WithPurchase(ctx, id), p.HPPSessionID); derr != nil && !klarnaAnswered(derr) {
				return "", klarnaUnavailable("disable previous hosted page", derr)
			}
		case err != nil && !klarnaAnswered(err):
			return "", klarnaUnavailable("read previous hosted page", err)
		}
	}
	if p.KlarnaSessionID == "" {
		if p, err = o.ensureSession(ctx, id, false); err != nil {
			return "", err
		}
		if p.State != OneClickRecovering {
			return "", ErrNotRecovering
		}
	}
	// Each page gets a secret of its own for its status callbacks; only its hash is kept (CallbackHash),
	// so a copy of the database cannot forge a callback. The previous page was retired above.
	secret, err := NewID() // 160 random bits
	if err != nil {
		return "", err
	}
	hpp, err := o.createHPP(ctx, p, mode, secret)
	if klarnaAnswered(err) && klarna.IsNotFound(err) {
		// "Payment session has expired" (a hosted page needs a live payment session): make a new one. A
		// payment session Klarna calls completed is not renewed: it may hold an order whose answer was
		// lost, and a new one would let the customer pay twice.
		if p, err = o.ensureSession(ctx, id, true); err != nil {
			return "", err
		}
		if p.State != OneClickRecovering {
			return "", ErrNotRecovering
		}
		hpp, err = o.createHPP(ctx, p, mode, secret)
	}
	switch {
	case err == nil:
	case klarnaAnswered(err):
		return "", fmt.Errorf("checkout: create hosted payment page: %w", err)
	default:
		return "", klarnaUnavailable("create hosted payment page", err)
	}
	_, err = o.store.UpdateOneClickPurchase(ctx, id, func(p *OneClickPurchase) error {
		if p.State != OneClickRecovering {
			return nil
		}
		p.HPPSessionID, p.HPPRedirectURL, p.HPPMode, p.LastOutcome, p.UpdatedAt = hpp.SessionID, hpp.RedirectURL, mode, "", o.cfg.Now()
		p.CallbackHash = CallbackHash(secret)
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("checkout: save hosted payment page: %w", err)
	}
	o.note(ctx, id, "hosted payment page created (place_order_mode "+mode+")", nil)
	return hpp.RedirectURL, nil
}

func (o *OneClick) createHPP(ctx context.Context, p OneClickPurchase, mode, secret string) (klarna.HPPSession, error) {
	return o.klarna.CreateHPPSession(WithPurchase(ctx, p.ID), klarna.HPPSessionRequest{
		PaymentSessionURL: o.klarna.PaymentSessionURL(p.KlarnaSessionID),
		MerchantURLs:      o.hppMerchantURLs(p, secret),
		Options:           &klarna.HPPOptions{PlaceOrderMode: mode},
	})
}

func (o *OneClick) returnFromHPP(ctx context.Context, c Customer, id string) (OneClickPurchase, error) {
	p, err := o.get(ctx, c, id)
	if err != nil {
		return OneClickPurchase{}, err
	}
	if p.State != OneClickRecovering || p.HPPSessionID == "" {
		return public(p), nil
	}
	// The status callback may be acting on the same page right now: wait for it, then read again.
	unlock, err := o.locks.lock(ctx, id)
	if err != nil {
		return public(p), err
	}
	defer unlock()
	if p, err = o.reread(ctx, id); err != nil {
		return OneClickPurchase{}, err
	}
	if p.State != OneClickRecovering || p.HPPSessionID == "" || claimHeld(p, o.cfg.Now()) {
		return public(p), nil
	}
	p, err = o.syncHPP(ctx, p, true)
	return public(p), err
}

// syncHPP reads the recovery's current hosted page from Klarna and acts on what it says. pending records
// an unfinished page as OutcomePending (the return page then checks again); the recovery page and the
// status callback leave the outcome alone for those.
func (o *OneClick) syncHPP(ctx context.Context, p OneClickPurchase, pending bool) (OneClickPurchase, error) {
	st, err := o.klarna.ReadHPPSession(WithPurchase(ctx, p.ID), p.HPPSessionID)
	switch {
	case err == nil:
		return o.actOnHPP(ctx, p, st, pending)
	case klarnaAnswered(err) && klarna.IsNotFound(err):
		return o.setOutcome(ctx, p.ID, p.HPPSessionID, OutcomeExpired, "expired")
	case klarnaAnswered(err):
		return p, fmt.Errorf("checkout: read hosted payment page: %w", err)
	}
	return p, klarnaUnavailable("read hosted payment page", err)
}

// actOnHPP applies a hosted page's status to the recovery: COMPLETED is the order (created by us from
// the authorization in mode NONE, by Klarna otherwise); the others are outcomes the customer chooses
// again after.
func (o *OneClick) actOnHPP(ctx context.Context, p OneClickPurchase, st klarna.HPPSessionStatus, pending bool) (OneClickPurchase, error) {
	switch st.Status {
	case klarna.HPPCompleted:
		switch {
		case st.OrderID != "":
			return o.complete(ctx, p.ID, st.OrderID, RecoveryMethodHPP)
		case st.AuthorizationToken != "":
			return o.placeOrder(ctx, p.ID, st.AuthorizationToken, RecoveryMethodHPP, "")
		}
		o.cfg.Logger.ErrorContext(ctx, "hosted page completed without order or authorization", "purchase", p.ID)
		return o.setOutcome(ctx, p.ID, p.HPPSessionID, OutcomeError, st.Status)
	case klarna.HPPWaiting, klarna.HPPInProgress:
		if !pending {
			return p, nil
		}
		return o.setOutcome(ctx, p.ID, p.HPPSessionID, OutcomePending, st.Status)
	case klarna.HPPFailed:
		return o.setOutcome(ctx, p.ID, p.HPPSessionID, OutcomeDeclined, st.Status)
	case klarna.HPPCancelled:
		return o.setOutcome(ctx, p.ID, p.HPPSessionID, OutcomeCancelled, st.Status)
	case klarna.HPPBack:
		return o.setOutcome(ctx, p.ID, p.HPPSessionID, OutcomeBack, st.Status)
	case klarna.HPPError:
		return o.setOutcome(ctx, p.ID, p.HPPSessionID, OutcomeError, st.Status)
	case klarna.HPPDisabled:
		return o.setOutcome(ctx, p.ID, p.HPPSessionID, OutcomeExpired, st.Status)
	}
	o.cfg.Logger.WarnContext(ctx, "unknown hosted page status", "purchase", p.ID, "status", st.Status)
	return p, nil
}

// setOutcome records what the customer's hosted page ended with, as long as that page is still the
// recovery's current one and no order is being created.
func (o *OneClick) setOutcome(ctx context.Context, id, hppSessionID, outcome, status string) (OneClickPurchase, error) {
	changed := false
	p, err := o.store.UpdateOneClickPurchase(ctx, id, func(p *OneClickPurchase) error {
		if p.State != OneClickRecovering || p.HPPSessionID != hppSessionID || claimHeld(*p, o.cfg.Now()) || p.LastOutcome == outcome {
			return nil
		}
		p.LastOutcome, p.UpdatedAt, changed = outcome, o.cfg.Now(), true
		return nil
	})
	if err != nil {
		return OneClickPurchase{}, fmt.Errorf("checkout: record hosted page outcome: %w", err)
	}
	if changed {
		o.note(ctx, id, "hosted payment page "+status+" ("+outcome+")", nil)
	}
	return p, nil
}

func (o *OneClick) hppCallback(ctx context.Context, id, secret string, body []byte) error {
	p, err := o.store.OneClickPurchase(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("checkout: HPP callback: %w", err)
	}
	if p.CallbackHash == "" || subtle.ConstantTimeCompare([]byte(CallbackHash(secret)), []byte(p.CallbackHash)) != 1 {
		return ErrNotFound
	}
	cb, err := klarna.DecodeHPPStatusCallback(body)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrBadCallback, err)
	}
	unlock, err := o.locks.lock(ctx, id)
	if err != nil {
		return err
	}
	defer unlock()
	seen, err := o.store.HPPCallbackSeen(ctx, id, cb.EventID)
	if err != nil {
		return fmt.Errorf("checkout: HPP callback: %w", err)
	}
	if seen {
		return nil
	}
	if p, err = o.reread(ctx, id); err != nil {
		return err
	}
	// The body is only a hint, like the return's query string: act on the session as read from Klarna.
	if cb.Session.SessionID == p.HPPSessionID && p.State == OneClickRecovering && !claimHeld(p, o.cfg.Now()) {
		if _, err := o.syncHPP(ctx, p, false); err != nil {
			return err // not recorded as handled: Klarna sends it again
		}
	}
	added, err := o.store.AddHPPCallback(context.WithoutCancel(ctx), id, cb.EventID, cb.Session.Status, o.cfg.Now())
	if err != nil {
		return fmt.Errorf("checkout: HPP callback: %w", err)
	}
	if added {
		o.recordCallback(ctx, id, body, cb)
	}
	return nil
}

// recordCallback puts an inbound status callback on the timeline next to the API exchanges, masked like
// them.
func (o *OneClick) recordCallback(ctx context.Context, id string, body []byte, cb klarna.HPPStatusCallback) {
	err := o.store.AddEvent(context.WithoutCancel(ctx), Event{
		PurchaseID: id, At: o.cfg.Now(), Kind: EventCall, Call: CallHPPStatusCallback, Service: "klarna",
		Request: apilog.MaskBody(body), IDs: map[string]string{"event_id": cb.EventID, "session_id": cb.Session.SessionID},
		Note: "hosted payment page " + cb.Session.Status,
	})
	if err != nil {
		o.cfg.Logger.ErrorContext(ctx, "record HPP callback", "purchase", id, "err", err)
	}
}
