package checkout

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/paywall/paywall/klarna"
)

// The first one-click purchase (issue 12). Payway keeps its own Klarna tokens for the subscription and
// shows none, so the app makes its own: the reader pays for an add-on with Klarna Payments on our page (a
// payment session, the widget, authorize) and, only if they tick "Save Klarna for one-click purchases",
// the session's intent is buy_and_tokenize and the server creates an on-demand customer token from the
// same authorization, after the order. Without consent the intent is buy and no token is made. The order
// is claimed, created, settled and reconciled exactly as a recovery's (placeOrder).

// intendedUse is the customer token's intended_use: SUBSCRIPTION is the only value Klarna's schema
// documents. The token is on-demand all the same: that is decided by the session's cart, which carries
// no subscription object.
const intendedUse = "SUBSCRIPTION"

// firstSessionLife is how long a first purchase's payment session is used: Klarna keeps a session 48 h,
// and a reader who comes back later starts again rather than authorize a session about to expire.
const firstSessionLife = 47 * time.Hour

// firstIntent is the session intent for the reader's choice.
func firstIntent(saveConsent bool) string {
	if saveConsent {
		return klarna.IntentBuyAndTokenize
	}
	return klarna.IntentBuy
}

// StartFirstPurchase opens a first purchase of offerID (the account has no usable token, or the reader
// wants to pay with Klarna anew): the purchase and its Klarna payment session, intent buy until the
// reader consents. An open first purchase of the same offer is reused, so a double click opens one. A
// one-time item the account owns is ErrAlreadyOwned. The purchase comes back with its ClientToken.
func (o *OneClick) StartFirstPurchase(ctx context.Context, c Customer, offerID string) (OneClickPurchase, error) {
	offer, ok := o.Offer(offerID)
	if !ok {
		return OneClickPurchase{}, ErrUnknownOffer
	}
	fresh, err := o.newFirstPurchase(c, offer)
	if err != nil {
		return OneClickPurchase{}, err
	}
	now := o.cfg.Now()
	p, _, err := o.store.ReuseOrCreateOneClickPurchase(ctx, fresh, now.Add(-firstSessionLife), func(p *OneClickPurchase) bool {
		// The same offer's first purchase still waiting for the reader, or just completed (a double
		// click after the order): that one, as it is.
		return (p.State == OneClickPaying && p.OrderingSince.IsZero()) ||
			(p.State == OneClickCompleted && p.Method == MethodKlarna && now.Sub(p.UpdatedAt) < doubleClickWindow)
	})
	if errors.Is(err, ErrAlreadyOwned) {
		return OneClickPurchase{}, err
	}
	if err != nil {
		return OneClickPurchase{}, fmt.Errorf("checkout: start first purchase: %w", err)
	}
	if p.State != OneClickPaying {
		return public(p), nil
	}
	return o.firstPurchase(ctx, p.ID)
}

// newFirstPurchase builds a first purchase with a fresh id and key. Its OrderRequest holds the cart (and
// references) every Klarna call of the purchase uses; the key is never sent (no token charge), it only
// keeps the table's rule that every purchase has one.
func (o *OneClick) newFirstPurchase(c Customer, offer OneClickOffer) (OneClickPurchase, error) {
	id, err := NewID()
	if err != nil {
		return OneClickPurchase{}, err
	}
	key, err := newIdempotencyKey()
	if err != nil {
		return OneClickPurchase{}, err
	}
	locale := cmpOr(c.Locale, o.cfg.Locale)
	req := klarna.NewTokenOrder(o.cart(offer, locale))
	req.MerchantReference1, req.MerchantReference2 = id, offer.Reference
	body, err := json.Marshal(req)
	if err != nil {
		return OneClickPurchase{}, fmt.Errorf("checkout: encode first purchase cart: %w", err)
	}
	now := o.cfg.Now()
	return OneClickPurchase{
		ID: id, AccountID: c.AccountID, OfferID: offer.ID, IdempotencyKey: key, OrderRequest: string(body),
		OneTime: offer.OneTime, State: OneClickPaying, Locale: locale, CreatedAt: now, UpdatedAt: now,
	}, nil
}

// FirstPurchase is the customer's first purchase waiting for payment, with its payment session (made
// once, and again only when Klarna no longer has it). A purchase that no longer waits comes back as it
// stands with ErrNotPaying; one left unpaid for longer than its session lives fails (SESSION_EXPIRED,
// nothing charged) and comes back the same way.
func (o *OneClick) FirstPurchase(ctx context.Context, c Customer, id string) (OneClickPurchase, error) {
	p, err := o.get(ctx, c, id)
	if err != nil {
		return OneClickPurchase{}, err
	}
	if p.State != OneClickPaying {
		return public(p), ErrNotPaying
	}
	return o.firstPurchase(ctx, id)
}

// firstPurchase gives a paying purchase its session, under the purchase's lock.
func (o *OneClick) firstPurchase(ctx context.Context, id string) (OneClickPurchase, error) {
	unlock, err := o.locks.lock(ctx, id)
	if err != nil {
		return OneClickPurchase{}, err
	}
	defer unlock()
	p, err := o.reread(ctx, id)
	if err != nil {
		return OneClickPurchase{}, err
	}
	if p.State == OneClickPaying && p.OrderingSince.IsZero() && o.cfg.Now().Sub(p.CreatedAt) >= firstSessionLife {
		p, err = o.store.UpdateOneClickPurchase(ctx, id, func(q *OneClickPurchase) error {
			if q.State == OneClickPaying && q.OrderingSince.IsZero() {
				q.State, q.FailureCode, q.UpdatedAt = OneClickFailed, FailSessionExpired, o.cfg.Now()
			}
			return nil
		})
		if err != nil {
			return OneClickPurchase{}, fmt.Errorf("checkout: expire first purchase: %w", err)
		}
	}
	if p.State != OneClickPaying {
		return public(p), ErrNotPaying
	}
	if p.KlarnaSessionID != "" {
		return public(p), nil
	}
	req, err := orderRequest(p)
	if err != nil {
		return OneClickPurchase{}, err
	}
	ctx = context.WithoutCancel(ctx) // a session made is a session kept
	sess, err := o.klarna.CreateSession(WithPurchase(ctx, id), o.firstSessionRequest(p, req))
	switch {
	case err == nil:
	case klarnaAnswered(err):
		return public(p), fmt.Errorf("checkout: first purchase session: %w", err)
	default:
		return public(p), klarnaUnavailable("create payment session", err)
	}
	var categories []Category
	for _, cat := range sess.PaymentMethodCategories {
		categories = append(categories, Category{Identifier: cat.Identifier, Name: cat.Name,
			AssetURL: assetURL(cat.AssetURLs.Descriptive, cat.AssetURLs.Standard)})
	}
	p, err = o.store.UpdateOneClickPurchase(ctx, id, func(q *OneClickPurchase) error {
		if q.State != OneClickPaying || q.KlarnaSessionID != "" {
			return nil
		}
		q.KlarnaSessionID, q.ClientToken, q.Categories, q.UpdatedAt = sess.SessionID, sess.ClientToken, categories, o.cfg.Now()
		return nil
	})
	if err != nil {
		return OneClickPurchase{}, fmt.Errorf("checkout: save first purchase session: %w", err)
	}
	o.note(ctx, id, "payment session created, intent "+firstIntent(p.SaveConsent), map[string]string{"session_id": sess.SessionID})
	return public(p), nil
}

// firstSessionRequest is the payment session of a first purchase: the offer's cart (no subscription
// object: an on-demand token, the kind that supports step-up), the intent of the reader's choice, our
// references and the purchase's page as the confirmation URL.
func (o *OneClick) firstSessionRequest(p OneClickPurchase, req klarna.TokenOrderRequest) klarna.SessionRequest {
	return klarna.SessionRequest{
		Cart: req.Cart(o.cfg.Country, o.locale(p)), Intent: firstIntent(p.SaveConsent),
		MerchantReference1: p.ID, MerchantReference2: req.MerchantReference2,
		MerchantURLs: &klarna.MerchantURLs{Confirmation: o.confirmationURL(p.ID)},
	}
}

// SetSaveConsent records the reader's choice on "Save Klarna for one-click purchases" and switches the
// payment session's intent to match (buy_and_tokenize with consent, buy without), before they authorize.
// Not while the order is being created (ErrOrderInProgress); a purchase no longer paying is ErrNotPaying.
func (o *OneClick) SetSaveConsent(ctx context.Context, c Customer, id string, save bool) (OneClickPurchase, error) {
	p, err := o.get(ctx, c, id)
	if err != nil {
		return OneClickPurchase{}, err
	}
	if p.State != OneClickPaying {
		return public(p), ErrNotPaying
	}
	unlock, err := o.locks.lock(ctx, id)
	if err != nil {
		return public(p), err
	}
	defer unlock()
	if p, err = o.reread(ctx, id); err != nil {
		return OneClickPurchase{}, err
	}
	switch {
	case p.State != OneClickPaying:
		return public(p), ErrNotPaying
	case claimHeld(p, o.cfg.Now()):
		return public(p), ErrOrderInProgress
	case p.SaveConsent == save:
		return public(p), nil
	}
	if p.KlarnaSessionID != "" {
		req, err := orderRequest(p)
		if err != nil {
			return OneClickPurchase{}, err
		}
		next := p
		next.SaveConsent = save
		err = o.klarna.UpdateSession(WithPurchase(context.WithoutCancel(ctx), id), p.KlarnaSessionID, o.firstSessionRequest(next, req))
		switch {
		case err == nil:
		case klarnaAnswered(err):
			return public(p), fmt.Errorf("checkout: update payment session intent: %w", err)
		default:
			return public(p), klarnaUnavailable("update payment session", err)
		}
	}
	p, err = o.store.UpdateOneClickPurchase(ctx, id, func(q *OneClickPurchase) error {
		if q.State == OneClickPaying {
			q.SaveConsent, q.UpdatedAt = save, o.cfg.Now()
		}
		return nil
	})
	if err != nil {
		return OneClickPurchase{}, fmt.Errorf("checkout: save consent: %w", err)
	}
	if save {
		o.note(ctx, id, "the reader consents to saving Klarna for one-click purchases: intent buy_and_tokenize", nil)
	} else {
		o.note(ctx, id, "the reader does not save Klarna: intent buy, no customer token", nil)
	}
	return public(p), nil
}

// FirstOrder creates the first purchase's order from the widget's authorization (exactly once, as a
// recovery's) and then, if the reader consented, the customer token from the same authorization, which
// becomes the account's saved token (a token it replaces is cancelled at Klarna). A token Klarna will
// not create leaves the purchase completed, without a saved token: the money part stands on its own. A
// completed purchase is returned as it is; ErrNoAuthorization without a token; ErrNotPaying otherwise.
// category is the payment_method_category the widget authorized, kept (when the session offered it) so
// the confirmation names it as Klarna did.
func (o *OneClick) FirstOrder(ctx context.Context, c Customer, id, authorizationToken, category string) (OneClickPurchase, error) {
	p, err := o.get(ctx, c, id)
	if err != nil {
		return OneClickPurchase{}, err
	}
	switch {
	case p.State == OneClickCompleted && p.Method == MethodKlarna:
		return public(p), nil
	case p.State != OneClickPaying:
		return public(p), ErrNotPaying
	case authorizationToken == "":
		return public(p), ErrNoAuthorization
	}
	unlock, err := o.locks.lock(ctx, id)
	if err != nil {
		return public(p), err
	}
	defer unlock()
	// The order and the token run to their end whatever the browser does, and a shutdown waits for both.
	ctx = context.WithoutCancel(ctx)
	done := o.calls.begin()
	defer done()
	p, err = o.placeOrder(ctx, id, authorizationToken, MethodKlarna, category)
	if err != nil || p.State != OneClickCompleted || p.Method != MethodKlarna || !p.SaveConsent || p.TokenSaved {
		return public(p), err
	}
	return public(o.saveFirstToken(ctx, p, authorizationToken)), nil
}

// saveFirstToken creates the customer token from the first purchase's authorization and makes it the
// account's. Failures are noted and logged, never returned: the purchase is paid either way.
func (o *OneClick) saveFirstToken(ctx context.Context, p OneClickPurchase, authorizationToken string) OneClickPurchase {
	tok, err := o.klarna.CreateCustomerToken(WithPurchase(ctx, p.ID), authorizationToken, klarna.CustomerTokenRequest{
		Description: o.cfg.TokenDescription, IntendedUse: intendedUse,
		Locale: o.locale(p), PurchaseCountry: o.cfg.Country, PurchaseCurrency: o.cfg.Currency,
	})
	if err != nil {
		o.cfg.Logger.WarnContext(ctx, "create customer token", "purchase", p.ID, "err", err)
		o.note(ctx, p.ID, "Klarna did not create the customer token ("+errorCode(err)+"): the purchase stands, Klarna is not saved", nil)
		return p
	}
	replaced, err := o.store.SaveToken(ctx, SavedToken{AccountID: p.AccountID, TokenID: tok.TokenID, PurchaseID: p.ID, CreatedAt: o.cfg.Now()})
	o.ForgetSavedMethod(p.AccountID)
	if err != nil {
		// The token exists at Klarna and we could not keep it: cancel it rather than leave it able to charge.
		o.cfg.Logger.ErrorContext(ctx, "save customer token", "purchase", p.ID, "err", err)
		o.cancelToken(ctx, p.ID, tok.TokenID, "could not be saved")
		return p
	}
	saved, err := o.store.UpdateOneClickPurchase(ctx, p.ID, func(q *OneClickPurchase) error {
		q.TokenSaved = true
		return nil
	})
	if err != nil {
		o.cfg.Logger.ErrorContext(ctx, "record saved token", "purchase", p.ID, "err", err)
	} else {
		p = saved
	}
	o.note(ctx, p.ID, "customer token created and saved for one-click purchases", nil)
	if replaced.TokenID != "" && replaced.TokenID != tok.TokenID {
		o.cancelToken(ctx, p.ID, replaced.TokenID, "replaced by the new one")
	}
	return p
}

// cancelToken cancels a token at Klarna that the app no longer keeps; a failure is noted and logged.
func (o *OneClick) cancelToken(ctx context.Context, purchaseID, token, why string) {
	err := o.klarna.CancelCustomerToken(WithPurchase(ctx, purchaseID), token)
	if err != nil && !(klarnaAnswered(err) && klarna.IsNotFound(err)) {
		o.cfg.Logger.ErrorContext(ctx, "cancel customer token", "purchase", purchaseID, "why", why, "err", err)
		o.note(ctx, purchaseID, "ALERT: a customer token that "+why+" could not be cancelled at Klarna: cancel it by hand", nil)
		return
	}
	o.note(ctx, purchaseID, "the customer token that "+why+" was cancelled at Klarna", nil)
}

// errorCode is Klarna's error code, or "no answer".
func errorCode(err error) string {
	if code := klarnaCode(err); code != "" {
		return code
	}
	return "no answer"
}
