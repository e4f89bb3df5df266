package payway

import (
	"context"
	"sync"
	"time"
)

// AppTokens keeps one app token (no identity) for the calls that concern no customer present: pricing
// offers for anonymous readers, and the reconciler reading an account's orders. It renews the token a
// minute before it expires, and at once after Forget (Payway refused it: revoked, or a sandbox reset).
// Safe for concurrent use.
type AppTokens struct {
	client *Client
	now    func() time.Time

	mu    sync.Mutex
	token Token
}

// NewAppTokens builds the cache; nil now means time.Now.
func NewAppTokens(client *Client, now func() time.Time) *AppTokens {
	if now == nil {
		now = time.Now
	}
	return &AppTokens{client: client, now: now}
}

// Get returns a valid app token, asking Payway for a new one when the cached one is missing or about to
// expire.
func (t *AppTokens) Get(ctx context.Context) (string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.token.AccessToken != "" && t.now().Add(time.Minute).Before(t.token.ExpiresAt) {
		return t.token.AccessToken, nil
	}
	// Pricing offers (payment_periods) and reading an account's orders (the reconciler).
	tok, err := t.client.AppToken(ctx, []string{"/external/klarna_payments/r", "/external/order/r"})
	if err != nil {
		return "", err
	}
	t.token = tok
	return tok.AccessToken, nil
}

// Forget drops the cached token, so the next Get asks Payway for a new one.
func (t *AppTokens) Forget() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.token = Token{}
}
