package checkout

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/paywall/paywall/klarna"
)

// public is the purchase as handlers see it: the same record without the idempotency key, the stored
// request and the callback hash, which only the journey uses.
func public(p OneClickPurchase) OneClickPurchase {
	p.IdempotencyKey, p.OrderRequest, p.CallbackHash = "", "", ""
	return p
}

// get reads the customer's token purchase; ErrNotFound for unknown ids and for other customers' ids
// alike, so an id reveals nothing about purchases that are not yours.
func (o *OneClick) get(ctx context.Context, c Customer, id string) (OneClickPurchase, error) {
	p, err := o.store.OneClickPurchase(ctx, id)
	if errors.Is(err, ErrNotFound) || (err == nil && p.AccountID != c.AccountID) {
		return OneClickPurchase{}, ErrNotFound
	}
	if err != nil {
		return OneClickPurchase{}, fmt.Errorf("checkout: one-click purchase: %w", err)
	}
	return p, nil
}

// note puts a note that is not a state change on the purchase's timeline (state changes are recorded by
// the store with the row, see OneClickChange); a failure to record is logged, never allowed to fail the
// purchase.
func (o *OneClick) note(ctx context.Context, id, note string, ids map[string]string) {
	err := o.store.AddEvent(context.WithoutCancel(ctx), Event{
		PurchaseID: id, At: o.cfg.Now(), Kind: EventState, Note: note, IDs: ids,
	})
	if err != nil {
		o.cfg.Logger.ErrorContext(ctx, "record one-click event", "purchase", id, "err", err)
	}
}

// orderRequest is the token order as first sent: its cart, in the configured market, is the recovery's
// cart too. (Rows stored before token orders lost purchase_country and locale still decode: the two
// fields are ignored.)
func orderRequest(p OneClickPurchase) (klarna.TokenOrderRequest, error) {
	var req klarna.TokenOrderRequest
	if err := json.Unmarshal([]byte(p.OrderRequest), &req); err != nil {
		return klarna.TokenOrderRequest{}, fmt.Errorf("checkout: stored token order of %s: %w", p.ID, err)
	}
	return req, nil
}

// confirmationURL is the one-click purchase's confirmation page, given to Klarna as
// merchant_urls.confirmation.
func (o *OneClick) confirmationURL(id string) string {
	return o.cfg.OneClickURL(id)
}

// klarnaAnswered reports whether Klarna itself answered with a refusal that is about the request or the
// customer (a 4xx with its error body). Everything else (5xx, 401/429, a proxy's page without Klarna's
// body, a timeout, the network) means Klarna did not answer usefully: retry later.
func klarnaAnswered(err error) bool { return klarna.Answered(err) }

func klarnaCode(err error) string {
	var ke *klarna.Error
	if errors.As(err, &ke) {
		return ke.ErrorCode
	}
	return ""
}

// klarnaUnavailable wraps a Klarna failure that is not an answer.
func klarnaUnavailable(step string, err error) error {
	return fmt.Errorf("%w: %s: %w", ErrKlarnaUnavailable, step, err)
}

// newIdempotencyKey is a random UUID (version 4), the form Klarna documents for Klarna-Idempotency-Key.
func newIdempotencyKey() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("checkout: idempotency key: %w", err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:], nil
}

// keyedMutex serialises the Klarna steps of one purchase inside this process: creating its step-up
// session or hosted page, and acting on what Klarna says (the return, the status callback, the SDK's
// order). Two tabs then create one session, and a return that arrives while the callback creates the order
// waits for it and shows the confirmation instead of "still working". The database claim
// (placeOrder) remains what makes one order per recovery; this lock only orders the steps.
type keyedMutex struct {
	mu sync.Mutex
	m  map[string]*keyedEntry
}

type keyedEntry struct {
	ch chan struct{} // holds one token while locked
	n  int           // holders and waiters; the entry is dropped at zero
}

// lock waits for the key, or for ctx to end (the request's deadline: the customer gets "try again"
// rather than a hung page).
func (k *keyedMutex) lock(ctx context.Context, key string) (unlock func(), err error) {
	k.mu.Lock()
	if k.m == nil {
		k.m = map[string]*keyedEntry{}
	}
	e := k.m[key]
	if e == nil {
		e = &keyedEntry{ch: make(chan struct{}, 1)}
		k.m[key] = e
	}
	e.n++
	k.mu.Unlock()
	release := func() {
		k.mu.Lock()
		e.n--
		if e.n == 0 {
			delete(k.m, key)
		}
		k.mu.Unlock()
	}
	select {
	case e.ch <- struct{}{}:
		return func() { <-e.ch; release() }, nil
	case <-ctx.Done():
		release()
		return nil, fmt.Errorf("checkout: wait for purchase %s: %w", key, ctx.Err())
	}
}

// locale is Klarna's locale of the purchase's sessions, orders and token: the reader's, kept with the
// purchase when it began, or the configured one for purchases from before.
func (o *OneClick) locale(p OneClickPurchase) string { return cmpOr(p.Locale, o.cfg.Locale) }
