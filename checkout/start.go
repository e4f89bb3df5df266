package checkout

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/paywall/paywall/payway"
)

// sessionLifetime is how long a Payway purchase session lives when Payway does not say.
const sessionLifetime = 48 * time.Hour

// PricedOffer is an offer with the price and period Payway sells it for.
type PricedOffer struct {
	Offer
	PeriodID string
	Price    float64 // per period, major units (kronor), VAT included
	// TurnsIntoPrice is the price of the offer a campaign or trial becomes (0 when it becomes nothing).
	TurnsIntoPrice  float64
	TurnsIntoPeriod Period
}

// Offers prices the catalogue with Payway's payment_periods. token may be a customer's or the app's own
// (payment_periods needs no identity). Offers Payway does not sell (no matching enabled period) are left out.
func (s *Service) Offers(ctx context.Context, token string) ([]PricedOffer, error) {
	var out []PricedOffer
	for _, o := range s.catalogue.Offers {
		po, ok, err := s.price(ctx, token, o)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, po)
		}
	}
	return out, nil
}

// PricedOffer is one offer of the catalogue with its price, as Offers prices it: the checkout and
// confirmation pages show one offer, and pricing the whole catalogue for it was most of their work.
// ok is false for an offer the catalogue does not have or Payway does not sell.
func (s *Service) PricedOffer(ctx context.Context, token, id string) (po PricedOffer, ok bool, err error) {
	o, found := s.catalogue.Offer(id)
	if !found {
		return PricedOffer{}, false, nil
	}
	return s.price(ctx, token, o)
}

// price is o with the price of its payment period (and of the offer it turns into), from the price cache.
func (s *Service) price(ctx context.Context, token string, o Offer) (PricedOffer, bool, error) {
	periods, err := s.periodsOf(ctx, token, o.Code)
	if err != nil {
		return PricedOffer{}, false, unavailable("payment periods", err)
	}
	p, ok := matchPeriod(periods, o.Period)
	if !ok {
		s.cfg.Logger.WarnContext(ctx, "offer not sold by Payway", "offer", o.ID, "code", o.Code)
		return PricedOffer{}, false, nil
	}
	po := PricedOffer{Offer: o, PeriodID: p.ID, Price: p.Price}
	if next, ok := s.catalogue.Offer(o.TurnsInto); ok {
		nextPeriods, err := s.periodsOf(ctx, token, next.Code)
		if err != nil {
			return PricedOffer{}, false, unavailable("payment periods", err)
		}
		if np, ok := matchPeriod(nextPeriods, next.Period); ok {
			po.TurnsIntoPrice, po.TurnsIntoPeriod = np.Price, next.Period
		}
	}
	return po, true, nil
}

// periodsOf is a package's payment periods from the price cache: Payway is asked at most once per code
// per PriceTTL (and RefreshPrices renews them in the background before they lapse), so pricing the
// catalogue costs no Payway call on a warm cache. Prices are the same for every reader (payment_periods
// needs no identity), so any token may load them.
func (s *Service) periodsOf(ctx context.Context, token, code string) ([]payway.PaymentPeriod, error) {
	return s.prices.Get(ctx, code, func(ctx context.Context) ([]payway.PaymentPeriod, error) {
		return s.payway.PaymentPeriods(ctx, token, code)
	})
}

// RefreshPrices loads every catalogue code's payment periods again with token and replaces the cached
// ones, so readers never wait for Payway when an entry lapses. The app calls it every half PriceTTL; a
// failure keeps the old prices until they lapse.
func (s *Service) RefreshPrices(ctx context.Context, token string) error {
	var errs []error
	done := map[string]bool{}
	for _, o := range s.catalogue.Offers {
		if done[o.Code] {
			continue
		}
		done[o.Code] = true
		ps, err := s.payway.PaymentPeriods(ctx, token, o.Code)
		if err != nil {
			errs = append(errs, fmt.Errorf("checkout: refresh prices of %s: %w", o.Code, err))
			continue
		}
		s.prices.Set(o.Code, ps)
	}
	return errors.Join(errs...)
}

// PriceTTL is how long the cached prices serve (Config.PriceTTL, default 5 minutes).
func (s *Service) PriceTTL() time.Duration { return s.cfg.PriceTTL }

func matchPeriod(ps []payway.PaymentPeriod, want Period) (payway.PaymentPeriod, bool) {
	for _, p := range ps {
		if p.Enabled && p.IterationType == want.IterationType && p.IterationLength == want.IterationLength {
			return p, true
		}
	}
	return payway.PaymentPeriod{}, false
}

// Start opens a purchase of an offer: it creates the Payway purchase session (and with it the Klarna
// session) with our confirmation URL. A purchase of the same customer and offer that is still open is
// reused, so clicking "buy" twice never opens two Payway sessions. A purchase Payway refuses (for example
// package_already_active) or cannot open (FailSessionUnavailable) comes back in the failed state with a
// nil error; an error means there is no purchase to show.
func (s *Service) Start(ctx context.Context, c Customer, offerID, returnPath string) (Purchase, error) {
	offer, ok := s.catalogue.Offer(offerID)
	if !ok {
		return Purchase{}, ErrUnknownOffer
	}
	now := s.cfg.Now()
	periods, err := s.periodsOf(ctx, c.AccessToken, offer.Code)
	if err != nil {
		return Purchase{}, unavailable("payment periods", err)
	}
	period, ok := matchPeriod(periods, offer.Period)
	if !ok {
		return Purchase{}, fmt.Errorf("checkout: start: Payway sells no %d-%s period of %s: %w",
			offer.Period.IterationLength, offer.Period.IterationType, offer.Code, ErrUnknownOffer)
	}
	id, err := NewID()
	if err != nil {
		return Purchase{}, err
	}
	fresh := Purchase{
		ID: id, AccountID: c.AccountID, OfferID: offer.ID, Product: offer.Product, Code: offer.Code, PeriodID: period.ID,
		Trial: offer.Trial(), ReturnPath: returnPath, State: StateCreated,
		ExpiresAt: now.Add(sessionLifetime), CreatedAt: now, UpdatedAt: now,
	}
	// Open or create in one transaction: a concurrent click for the same offer gets this purchase (its
	// checkout page waits for the session), and only the request that created it opens the session.
	p, created, err := s.store.OpenOrCreatePurchase(ctx, fresh, now)
	if err != nil {
		return Purchase{}, fmt.Errorf("checkout: start: %w", err)
	}
	if !created {
		return p, nil
	}

	callCtx, held := hold(ctx, id)
	defer s.flush(ctx, held)
	sess, err := s.payway.CreateSession(callCtx, c.AccessToken, payway.CreateSessionRequest{
		Code: offer.Code, PeriodType: "recurring", PeriodID: period.ID, ConfirmationURL: s.cfg.ConfirmationURL(id),
	})
	if err != nil {
		// The purchase has no Payway session and can never be paid: it ends here, and is never reused. Its
		// failure code says why: Payway's refusal, or FailSessionUnavailable when Payway did not answer.
		code := FailSessionUnavailable
		if payway.Refused(err) && !payway.IsTokenRejected(err) && payway.IsCode(err, payway.Code(err)) {
			code = payway.Code(err) // Payway's own code; a bare status stays session_unavailable
		}
		failed, uerr := s.fail(ctx, id, held, code)
		switch {
		case uerr != nil:
			return Purchase{}, uerr
		case payway.IsTokenRejected(err):
			// Not an outcome: the reader's token must be renewed and the purchase started again.
			return Purchase{}, unavailable("create session", err)
		}
		return failed, nil
	}
	cats := make([]Category, 0, len(sess.PaymentMethodCategories))
	for _, c := range sess.PaymentMethodCategories {
		cats = append(cats, Category{Identifier: c.Identifier, Name: c.Name, AssetURL: assetURL(c.AssetURLs.Descriptive, c.AssetURLs.Standard)})
	}
	return s.update(context.WithoutCancel(ctx), id, held, func(p *Purchase) error {
		p.KlarnaSessionID, p.ClientToken, p.Categories = sess.KlarnaSessionID, sess.ClientToken, cats
		if !sess.ExpiresAt.IsZero() {
			p.ExpiresAt = sess.ExpiresAt
		}
		p.UpdatedAt = s.cfg.Now()
		return nil
	})
}

// fail ends a purchase in the failed state with a code and records it, with the exchanges held for it.
func (s *Service) fail(ctx context.Context, id string, held *heldEvents, code string) (Purchase, error) {
	p, err := s.update(context.WithoutCancel(ctx), id, held, func(p *Purchase) error {
		p.State, p.FailureCode, p.UpdatedAt = StateFailed, code, s.cfg.Now()
		return nil
	})
	if err != nil {
		return Purchase{}, fmt.Errorf("checkout: fail purchase: %w", err)
	}
	return p, nil
}

// unavailable wraps a Payway failure that is not a purchase outcome.
func unavailable(step string, err error) error {
	return fmt.Errorf("%w: %s: %w", ErrUnavailable, step, err)
}

// RunPriceRefresh renews the cached prices every half PriceTTL with the app token until ctx ends, so a
// reader never waits for Payway's payment_periods. Without an app token source it returns at once.
func (s *Service) RunPriceRefresh(ctx context.Context) {
	if s.cfg.AppTokens == nil {
		return
	}
	tick := time.NewTicker(s.cfg.PriceTTL / 2)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		tok, err := s.cfg.AppTokens.Get(ctx)
		if err == nil {
			err = s.RefreshPrices(ctx, tok)
		}
		if err != nil && ctx.Err() == nil {
			s.cfg.Logger.WarnContext(ctx, "refresh prices: the cached ones serve until they lapse", "err", err)
		}
	}
}

// assetURL is the image a payment category is shown with: Klarna's descriptive asset, else its standard
// one; only an absolute https URL (or http, which the sandbox may use), never anything a page could run.
func assetURL(descriptive, standard string) string {
	for _, u := range []string{descriptive, standard} {
		if strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://") {
			return u
		}
	}
	return ""
}
