package checkout

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/paywall/paywall/internal/apilog"
	"github.com/paywall/paywall/klarna"
)

// retryWindow is how long an unanswered charge is retried with its Klarna-Idempotency-Key: Klarna keeps a
// key's answer for 24 hours, and the margin keeps a retry from landing just after Klarna forgot the key
// (which would charge again).
const retryWindow = 23 * time.Hour

// doubleClickWindow is how long a bought (or recovering) purchase answers another "buy" of the same
// offer as it is. A double click's second request comes after the first was answered when Klarna is
// fast; without this it would be a new attempt with a fresh key, and a second charge.
const doubleClickWindow = time.Minute

// unanswered reports whether Klarna has not answered the purchase's charge: the call has not returned
// yet (created), it was sent and not answered (unknown), or it never reached Klarna (KLARNA_UNAVAILABLE).
// Only such a purchase takes an answer, and only such a purchase is resent, always with its first
// Klarna-Idempotency-Key.
func unanswered(p OneClickPurchase) bool {
	return p.State == OneClickCreated || p.State == OneClickUnknown ||
		(p.State == OneClickFailed && p.FailureCode == FailKlarnaDown)
}

// cart is an offer as Klarna's cart: one digital line named in the reader's language (locale, e.g. sv-SE:
// Klarna shows the line in its app and receipts), VAT included, totals computed as Klarna checks them. No
// subscription object: a one-click purchase is a customer-initiated, on-demand charge, the kind of token
// charge that supports step-up.
func (o *OneClick) cart(offer OneClickOffer, locale string) klarna.Cart {
	lang, _, _ := strings.Cut(locale, "-")
	line := klarna.NewLine(offer.In(lang).Title, offer.Reference, 1, offer.AmountMinor, offer.TaxRate)
	line.Type = "digital"
	return klarna.NewCart(o.cfg.Country, o.cfg.Currency, o.cfg.Locale, line)
}

func (o *OneClick) buy(ctx context.Context, c Customer, offerID string) (OneClickPurchase, error) {
	offer, ok := o.Offer(offerID)
	if !ok {
		return OneClickPurchase{}, ErrUnknownOffer
	}
	tok, err := o.savedToken(ctx, c)
	if err != nil {
		return OneClickPurchase{}, err
	}
	fresh, err := o.newOneClickPurchase(c, offer, tok.TokenID)
	if err != nil {
		return OneClickPurchase{}, err
	}
	// The idempotency key is stored before Klarna is called. A double click, or buying again after
	// Klarna did not answer, finds this purchase and resends its very request with its key: Klarna answers
	// the first charge again instead of making a second. Any answered purchase makes the next buy a new
	// attempt with a fresh key.
	var from State
	now := o.cfg.Now()
	asItIs := false
	p, reused, err := o.store.ReuseOrCreateOneClickPurchase(ctx, fresh, now.Add(-retryWindow), func(p *OneClickPurchase) bool {
		if (p.State == OneClickCompleted || p.State == OneClickRecovering) && now.Sub(p.CreatedAt) < doubleClickWindow {
			asItIs = true
			return true
		}
		if !unanswered(*p) {
			return false
		}
		from = p.State
		p.State, p.FailureCode, p.UpdatedAt = OneClickCreated, "", now
		return true
	})
	if errors.Is(err, ErrAlreadyOwned) {
		return OneClickPurchase{}, err
	}
	if err != nil {
		return OneClickPurchase{}, fmt.Errorf("checkout: buy: %w", err)
	}
	switch {
	case asItIs:
		return public(p), nil
	case reused && from != OneClickFailed:
		o.note(ctx, p.ID, "charge sent again with the same Klarna-Idempotency-Key (the first is unanswered)", nil)
	}
	req, err := orderRequest(p)
	if err != nil {
		return OneClickPurchase{}, err
	}
	// From here the charge runs to its end and its answer is saved even if the browser goes away: an
	// abandoned call could leave a charge at Klarna that we never recorded. The client's timeout bounds it.
	ctx = context.WithoutCancel(ctx)
	done := o.calls.begin()
	defer done()
	order, kerr := o.klarna.CreateTokenOrder(WithPurchase(ctx, p.ID), p.TokenID, p.IdempotencyKey, req)
	// A resend of a charge that was sent before (created or unknown, not a charge that never left) may
	// have been answered by Klarna the first time: if this one does not even reach Klarna, the outcome
	// is still unknown, never "nothing was charged".
	p, err = o.answer(ctx, p.ID, order, kerr, reused && from != OneClickFailed)
	if err != nil {
		return OneClickPurchase{}, err
	}
	return public(p), nil
}

// newOneClickPurchase builds a purchase with a fresh id and key and the token order it will send.
func (o *OneClick) newOneClickPurchase(c Customer, offer OneClickOffer, token string) (OneClickPurchase, error) {
	id, err := NewID()
	if err != nil {
		return OneClickPurchase{}, err
	}
	key, err := newIdempotencyKey()
	if err != nil {
		return OneClickPurchase{}, err
	}
	locale := cmpOr(c.Locale, o.cfg.Locale)
	req := klarna.NewTokenOrder(o.cart(offer, locale)) // the schema's fields only: no purchase_country, no locale
	req.MerchantReference1, req.MerchantReference2 = id, offer.Reference
	req.StepUp = klarna.StepUpSupported // the customer is present: Klarna may ask for a step-up
	body, err := json.Marshal(req)
	if err != nil {
		return OneClickPurchase{}, fmt.Errorf("checkout: encode token order: %w", err)
	}
	now := o.cfg.Now()
	return OneClickPurchase{
		ID: id, AccountID: c.AccountID, OfferID: offer.ID, TokenID: token, IdempotencyKey: key,
		OrderRequest: string(body), OneTime: offer.OneTime, State: OneClickCreated, Locale: locale,
		CreatedAt: now, UpdatedAt: now,
	}, nil
}

// answer records Klarna's answer to a token charge. Only an unanswered purchase takes it, so when two
// requests sent the same charge (same key, same answer) the first to record wins and a late "Klarna did
// not answer" never overwrites a real answer. sentBefore says an earlier send of this charge may have
// reached Klarna: then a send that did not is no proof that nothing was charged.
func (o *OneClick) answer(ctx context.Context, id string, order klarna.Order, kerr error, sentBefore bool) (OneClickPurchase, error) {
	var (
		ke   *klarna.Error
		to   State
		code string
	)
	switch {
	case kerr == nil:
		to = OneClickCompleted
	case errors.As(kerr, &ke) && ke.StepUpID != "":
		to = OneClickRecovering
	case klarnaAnswered(kerr):
		to, code = OneClickFailed, failureCode(kerr)
	case apilog.NotSent(kerr) && !sentBefore:
		to, code = OneClickFailed, FailKlarnaDown // never reached Klarna: nothing was charged
	default:
		// Sent and not answered: Klarna may have charged. The reconciler resends the same request with the
		// same key, and Klarna answers the charge it made or makes the one it did not.
		to = OneClickUnknown
		o.cfg.Logger.WarnContext(ctx, "one-click charge unanswered", "purchase", id, "err", kerr)
	}
	p, err := o.store.UpdateOneClickPurchase(ctx, id, func(p *OneClickPurchase) error {
		if !unanswered(*p) {
			return nil
		}
		p.State, p.FailureCode, p.UpdatedAt = to, code, o.cfg.Now()
		switch to {
		case OneClickCompleted:
			p.OrderID, p.Method = order.OrderID, RecoveryMethodToken
		case OneClickRecovering:
			p.StepUpID = ke.StepUpID
		}
		return nil
	})
	if err != nil {
		return OneClickPurchase{}, fmt.Errorf("checkout: record token charge answer: %w", err)
	}
	return p, nil
}

// failureCode maps Klarna's refusal of a token charge without a step-up trigger to the page it gets.
func failureCode(err error) string {
	switch code := klarnaCode(err); {
	case code == klarna.CodeTokenNotFound || klarna.IsNotFound(err):
		return FailTokenNotFound
	case code == klarna.CodeTokenCancelled || code == "TOKEN_CANCELED" || code == "TOKEN_FORBIDDEN":
		return FailTokenCancelled
	case code == klarna.CodeTokenSuspended:
		return FailTokenSuspended
	case klarna.IsForbidden(err):
		// PAYMENT_METHOD_FAILED (retry allowed), UNAVAILABLE_PAYMENT_METHOD without a trigger,
		// PAYMENT_METHOD_CURRENCY_MISMATCH: the saved method cannot pay this; try again or check out.
		return FailTokenPayment
	default:
		// 400/409: a request Klarna refuses is our bug; keep Klarna's code so it is found.
		return code
	}
}
