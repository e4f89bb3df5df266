package demo

import (
	"context"
	"errors"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/paywall/paywall/handlers"
	"github.com/paywall/paywall/internal/i18n"
	"github.com/paywall/paywall/internal/paths"
	"github.com/paywall/paywall/store"
	"github.com/paywall/paywall/views"
)

// Strip is the function the layout calls for the demo strip on every page (handlers.Config.DemoStrip):
// the console's strip in sandbox mode, nil in live mode, where customers must not see it. With nil the
// layout does no demo work at all.
func (d *Console) Strip() func(echo.Context) *views.DemoBar {
	if !d.cfg.Sandbox {
		return nil
	}
	return d.strip
}

// purchasePageRoutes are the pages about one purchase (its id in :id) that link to "what happened" in
// sandbox mode: checkout and its outcomes, the confirmation, and the one-click and recovery pages.
var purchasePageRoutes = map[string]bool{
	paths.CheckoutPattern: true, paths.CheckoutOrderPattern: true, paths.ConfirmationPattern: true,
	paths.OneClickPattern: true, paths.RecoveryPattern: true, paths.RecoveryReturnPattern: true,
	paths.RecoveryOrderPattern: true, paths.RecoveryHPPPattern: true,
}

// strip is the layout's demo strip for this request: the running scenario's instruction and, on a page
// about a purchase its viewer owns, the link to what happened to it. nil when there is nothing to say and
// on the console's own pages.
func (d *Console) strip(c echo.Context) *views.DemoBar {
	if strings.HasPrefix(c.Path(), paths.Demo) {
		return nil
	}
	var bar views.DemoBar
	l := i18n.From(c.Request().Context())
	// Read only: the strip changes nothing, and building a gorilla session per page view cost more than the
	// strip itself. The values the app read when the request came in, else (a request answered before
	// that read) the session itself.
	values, found := handlers.SessionValues(c)
	if !found {
		values, found, _ = d.sessions.Peek(c.Request(), handlers.SessionName) // an error: no scenario to show
	}
	if found {
		if id := stringValue(values[keyDemoScenario]); id != "" {
			if title, instruction, ok := stripText(l, id, d.archivePrice(l)); ok {
				bar.Scenario, bar.Instruction = title, instruction
			}
		}
		bar.Reset = resetText(l, stringValue(values[keyDemoReset]), stringValue(values[keyDemoResetWho]))
	}
	if purchasePageRoutes[c.Path()] {
		bar.WhatHappened = d.whatHappenedHref(c, c.Param("id"))
	}
	if bar == (views.DemoBar{}) {
		return nil
	}
	return &bar
}

// archivePrice is the price of the one-click scenarios' item, as the pages write it in the reader's
// language.
func (d *Console) archivePrice(l *i18n.Localizer) string {
	o, _ := d.oneclick.Offer(scenarioOneClickOffer)
	return l.Money(float64(o.AmountMinor) / 100)
}

// resetText says why the demo data was reset before the running scenario (a reset* code, the persona's
// name), in the reader's language; "" when it was not (or the code is unknown).
func resetText(l *i18n.Localizer, code, name string) string {
	var why string
	switch code {
	case resetSubscribed:
		why = l.T("DemoResetSubscribed", "Name", name)
	case resetOwnsArchive:
		why = l.T("DemoResetOwnsArchive", "Name", name)
	case resetRecovered:
		why = l.T("DemoResetRecovered", "Name", name)
	case resetSavedKlarna:
		why = l.T("DemoResetSavedKlarna", "Name", name)
	case resetTokenRemoved:
		why = l.T("DemoResetTokenRemoved", "Name", name)
	default:
		return ""
	}
	return l.T("DemoResetNote", "Reason", why)
}

// whatHappenedHref is the console's page about a purchase (a subscription or a one-click purchase), for
// the strip on a page about it: "" when the viewer does not own it.
func (d *Console) whatHappenedHref(c echo.Context, purchaseID string) string {
	u := handlers.CurrentUser(c)
	if u == nil || purchaseID == "" {
		return ""
	}
	if owner, _, err := d.purchaseOwner(c.Request().Context(), purchaseID); err != nil || owner != u.AccountID {
		return ""
	}
	return paths.DemoPurchase(purchaseID)
}

// purchaseOwner is the account and kind of a purchase of either kind; store.ErrNotFound when there is none.
// A subscription purchase is read through the store, which keeps the ones in progress in memory; a
// one-click purchase's owner is remembered here (Console.owners): a purchase never changes hands.
func (d *Console) purchaseOwner(ctx context.Context, id string) (account, kind string, err error) {
	p, err := d.db.Purchase(ctx, id)
	if err == nil {
		return p.AccountID, store.KindSubscription, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return "", "", err
	}
	account, err = d.owners.Get(ctx, id, func(ctx context.Context) (string, error) {
		tp, err := d.db.OneClickPurchase(ctx, id)
		return tp.AccountID, err
	})
	if err != nil {
		return "", "", err
	}
	return account, store.KindOneClick, nil
}

func stringValue(v any) string {
	s, _ := v.(string)
	return s
}
