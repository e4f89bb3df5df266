package handlers

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/paywall/paywall/checkout"
	"github.com/paywall/paywall/internal/cache"
	"github.com/paywall/paywall/payway"
	"github.com/paywall/paywall/store"
)

// entitlementTTL is how long an account's active products and payment profiles are served from memory.
// An article view of a subscriber then costs no Payway call; a purchase, a logout or a renewed token
// drops the account's answers at once (forgetAccount), so the short TTL only bounds how late a change
// made elsewhere (customer service, a renewal failing) is seen.
const entitlementTTL = time.Minute

// upstreamCache keeps the per-account answers the pages read on every view: Payway's, and from the store
// the account's completed purchases and the add-ons it does not own yet (each a tenth of an account
// page's CPU). Buying is a POST, which drops them (forgetOnChange).
type upstreamCache struct {
	products *cache.TTL[string, []string]                 // active product codes, by account id
	profiles *cache.TTL[string, []payway.PaymentProfile]  // how the subscription is paid, by account id
	bought   *cache.TTL[string, []store.Bought]           // completed purchases, newest first, by account id
	addOns   *cache.TTL[string, []checkout.OneClickOffer] // one-click offers not yet owned, by account id
}

func newUpstreamCache(now func() time.Time) upstreamCache {
	return upstreamCache{
		products: cache.New[string, []string](entitlementTTL, 0, now),
		profiles: cache.New[string, []payway.PaymentProfile](entitlementTTL, 0, now),
		bought:   cache.New[string, []store.Bought](entitlementTTL, 0, now),
		addOns:   cache.New[string, []checkout.OneClickOffer](entitlementTTL, 0, now),
	}
}

// activeProducts is the customer's active product codes: Payway's me/active_products, at most once per
// account per entitlementTTL (concurrent views share one call).
func (a *App) activeProducts(ctx context.Context, cust checkout.Customer) ([]string, error) {
	return a.upstream.products.Get(ctx, cust.AccountID, func(ctx context.Context) ([]string, error) {
		return a.payway.ActiveProducts(ctx, cust.AccessToken)
	})
}

// paymentProfiles is Payway's me/payment_profile/ for the customer, cached like activeProducts.
func (a *App) paymentProfiles(ctx context.Context, cust checkout.Customer) ([]payway.PaymentProfile, error) {
	return a.upstream.profiles.Get(ctx, cust.AccountID, func(ctx context.Context) ([]payway.PaymentProfile, error) {
		return a.payway.PaymentProfiles(ctx, cust.AccessToken)
	})
}

// forgetAccount drops the account's cached answers: after anything that may change them.
func (a *App) forgetAccount(accountID string) {
	if accountID == "" {
		return
	}
	a.upstream.products.Delete(accountID)
	a.upstream.profiles.Delete(accountID)
	a.upstream.bought.Delete(accountID)
	a.upstream.addOns.Delete(accountID)
	a.oneclick.ForgetSavedMethod(accountID)
}

// forgetOnChange drops the logged-in reader's cached answers after every request that can change them:
// any POST (a purchase, a one-click buy, a recovery, removing the saved method, logging in or out). A
// purchase finished without a POST (the reconciler placed it) is seen at its confirmation page, which
// forgets too.
func (a *App) forgetOnChange(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		before := currentUser(c)
		err := next(c)
		if m := c.Request().Method; m != http.MethodGet && m != http.MethodHead {
			if before != nil {
				a.forgetAccount(before.AccountID)
			}
			if after := currentUser(c); after != nil && (before == nil || after.AccountID != before.AccountID) {
				a.forgetAccount(after.AccountID)
			}
		}
		return err
	}
}
