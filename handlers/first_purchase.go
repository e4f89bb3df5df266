package handlers

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/paywall/paywall/checkout"
	"github.com/paywall/paywall/internal/paths"
	"github.com/paywall/paywall/views"
)

// The first one-click purchase (issue 12): an add-on paid with Klarna Payments on our page, with the
// reader's choice whether to save Klarna for one-click purchases. Its page is the purchase's own page
// (/account/purchases/:id) while it waits for payment; the consent and the authorization are posted to
// it and the browser is sent back (303) to the page, which reads where the purchase stands.

// firstPurchasePage shows the payment page of a first purchase, or "we are checking" while its order
// call is out (the reconciler settles it if nobody waits).
func (a *App) firstPurchasePage(c echo.Context, p checkout.OneClickPurchase, offer checkout.OneClickOffer) error {
	if !p.OrderingSince.IsZero() {
		v := views.OneClickStatusView{
			State: "checking", OfferTitle: offer.Title, Refresh: true,
			Heading:  tr(c, "OneClickCheckingHeading"),
			Message:  tr(c, "FirstCheckingMessage"),
			LinkHref: paths.OneClick(p.ID), LinkLabel: tr(c, "PayCheckAgain"),
		}
		return a.render(c, http.StatusAccepted, views.OneClickStatus(a.page(c, v.Heading), v))
	}
	p, err := a.oneclick.FirstPurchase(c.Request().Context(), customerOf(c), p.ID)
	if errors.Is(err, checkout.ErrNotPaying) {
		return c.Redirect(http.StatusSeeOther, paths.OneClick(p.ID))
	}
	if err != nil {
		return a.firstPurchaseFailure(c, p.ID, err)
	}
	v := views.FirstPurchaseView{
		PurchaseID: p.ID, OfferTitle: offer.Title, Summary: offer.Summary, Price: kronorOf(offer.AmountMinor),
		ClientToken: p.ClientToken, SDKURL: a.cfg.KlarnaSDKURL, SaveConsent: p.SaveConsent,
		Categories: categoryViews(c, p.Categories),
	}
	if strings.EqualFold(p.LastOutcome, checkout.OutcomeError) {
		v.Notice = tr(c, "FirstNotAccepted")
	}
	return a.render(c, http.StatusOK, views.FirstPurchase(a.page(c, tr(c, "CheckoutTitle")), v))
}

// firstPurchaseConsent records the reader's choice on "Save Klarna for one-click purchases" (save=1 when
// ticked) and goes back to the page, which shows the choice as stored.
func (a *App) firstPurchaseConsent(c echo.Context) error {
	id := c.Param("id")
	save := c.FormValue("save") == "1"
	_, err := a.oneclick.SetSaveConsent(c.Request().Context(), customerOf(c), id, save)
	switch {
	case err == nil, errors.Is(err, checkout.ErrNotPaying):
		return c.Redirect(http.StatusSeeOther, paths.OneClick(id))
	case errors.Is(err, checkout.ErrNotFound), errors.Is(err, checkout.ErrOrderInProgress):
		return err // handleError: journeyErrors
	}
	return a.firstPurchaseFailure(c, id, err)
}

// firstPurchaseOrder creates the order (and, with consent, the saved token) from the widget's
// authorization token. The journey makes it exactly one order: a double click or a re-sent form gets the
// first outcome. The browser then goes to the purchase's page: the confirmation, "we are checking", or the
// payment page again when Klarna refused.
func (a *App) firstPurchaseOrder(c echo.Context) error {
	id := c.Param("id")
	_, err := a.oneclick.FirstOrder(c.Request().Context(), customerOf(c), id, strings.TrimSpace(c.FormValue("authorization_token")),
		c.FormValue("payment_method_category"))
	switch {
	case err == nil, errors.Is(err, checkout.ErrNotPaying):
		return c.Redirect(http.StatusSeeOther, paths.OneClick(id))
	case errors.Is(err, checkout.ErrNoAuthorization):
		return &Error{Code: EINVALID, Message: msg("FirstNotApprovedYet"), Err: err}
	case errors.Is(err, checkout.ErrNotFound):
		return err // handleError: journeyErrors
	}
	return a.firstPurchaseFailure(c, id, err)
}

// firstPurchaseFailure turns a failed step into a page: Klarna not reached (nothing charged, try again)
// or whatever else went wrong.
func (a *App) firstPurchaseFailure(c echo.Context, id string, err error) error {
	if unavailable(err) {
		a.log.WarnContext(c.Request().Context(), "first purchase: Klarna unavailable", "err", err, "purchase", id, "request_id", requestID(c))
		v := views.OneClickStatusView{
			State:    "unavailable",
			Heading:  tr(c, "RecoveryKlarnaDownHeading"),
			Message:  tr(c, "RecoveryKlarnaDownMessage"),
			LinkHref: paths.OneClick(id), LinkLabel: tr(c, "PayTryAgain"),
		}
		return a.render(c, http.StatusServiceUnavailable, views.OneClickStatus(a.page(c, v.Heading), v))
	}
	return err
}
