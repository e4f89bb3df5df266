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

// placeOrder places the purchase's one order with Klarna's authorization token and sends the browser to
// Klarna's device recognition, which ends on our confirmation page. Repeats (double click, reload, second
// tab) get the first outcome.
func (a *App) placeOrder(c echo.Context) error {
	cust := customerOf(c)
	id := c.Param("id")
	p, err := a.checkout.PlaceOrder(c.Request().Context(), cust, id, checkout.OrderInput{
		AuthorizationToken: c.FormValue("authorization_token"),
		BrowserIP:          c.RealIP(),
		BrowserLanguage:    browserLanguage(c.Request().Header.Get("Accept-Language")),
		BrowserUserAgent:   c.Request().UserAgent(),
		Category:           c.FormValue("payment_method_category"),
	})
	if errors.Is(err, checkout.ErrUnavailable) {
		return a.renderOrderUnavailable(c, id)
	}
	if err != nil {
		return err // handleError: journeyErrors
	}
	if p.State == checkout.StatePlaced || p.State == checkout.StateConfirmed {
		if p.RedirectURI != "" && p.State == checkout.StatePlaced {
			return c.Redirect(http.StatusSeeOther, p.RedirectURI)
		}
		return c.Redirect(http.StatusSeeOther, paths.Confirmation(p.ID))
	}
	return c.Redirect(http.StatusSeeOther, paths.Checkout(p.ID))
}

// browserLanguage is the first language of an Accept-Language header, e.g. "sv-SE".
func browserLanguage(header string) string {
	first, _, _ := strings.Cut(header, ",")
	first, _, _ = strings.Cut(first, ";")
	return strings.TrimSpace(first)
}

// failureCopy is what a failed purchase says, per Payway error code, in words a reader understands: the
// heading's and the message's ids, and whether starting again can help.
func failureCopy(code string) (heading, message string, retry bool) {
	switch code {
	case checkout.FailPaymentMethod:
		return msg("StatusDeclinedHeading"), msg("StatusDeclinedMessage"), true
	case checkout.FailSSNTaken:
		return msg("StatusSSNTakenHeading"), msg("StatusSSNTakenMessage"), false
	case checkout.FailSSNSet:
		return msg("StatusSSNSetHeading"), msg("StatusSSNSetMessage"), false
	case checkout.FailAccountUpdate:
		return msg("StatusAccountUpdateHeading"), msg("StatusAccountUpdateMessage"), true
	case checkout.FailDeliveryAddress:
		return msg("StatusDeliveryAddressHeading"), msg("StatusDeliveryAddressMessage"), true
	case checkout.FailAlreadyActive:
		return msg("StatusAlreadyActiveHeading"), msg("StatusAlreadyActiveMessage"), false
	case checkout.FailSessionCompleted:
		return msg("StatusSessionCompletedHeading"), msg("StatusSessionCompletedMessage"), false
	}
	return msg("StatusFailedHeading"), msg("StatusFailedMessage"), true
}

// renderStatus explains a purchase that is not open for payment.
func (a *App) renderStatus(c echo.Context, p checkout.Purchase) error {
	v := views.PurchaseStatusView{PurchaseID: p.ID, State: string(p.State), ReturnPath: p.ReturnPath}
	status := http.StatusOK
	switch p.State {
	case checkout.StatePlacing:
		v.Heading, v.Message, v.Refresh = tr(c, "StatusPlacingHeading"), tr(c, "StatusPlacingMessage"), true
		v.LinkHref, v.LinkLabel = paths.Checkout(p.ID), tr(c, "PayCheckAgain")
	case checkout.StateUnknown:
		v.Heading, v.Message = tr(c, "StatusUnknownHeading"), tr(c, "StatusUnknownMessage")
		v.Refresh, v.LinkHref, v.LinkLabel = true, paths.Checkout(p.ID), tr(c, "PayCheckAgain")
	case checkout.StateExpired:
		v.Heading, v.Message = tr(c, "StatusExpiredHeading"), tr(c, "StatusExpiredMessage")
		v.RetryOfferID, v.RetryLabel = p.OfferID, tr(c, "StatusStartAgain")
		status = http.StatusGone
	case checkout.StateFailed:
		heading, message, retry := failureCopy(p.FailureCode)
		v.Heading, v.Message = tr(c, heading), tr(c, message)
		if retry {
			v.RetryOfferID, v.RetryLabel = p.OfferID, tr(c, "StatusChooseAnother")
		}
		status = http.StatusUnprocessableEntity
	}
	return a.render(c, status, views.PurchaseStatus(a.page(c, v.Heading), v))
}

// renderOrderUnavailable is the page for an order that never reached Payway (the connection could not be
// made, or Payway refused our access token twice): not a state of the purchase (it is open again), so the
// view's state says "unavailable" and the link leads back to its checkout. An order that was sent and not
// answered is not this page: it is the unknown state, "we are checking" (renderStatus).
func (a *App) renderOrderUnavailable(c echo.Context, id string) error {
	v := views.PurchaseStatusView{
		PurchaseID: id, State: "unavailable", ReturnPath: paths.Home,
		Heading:  tr(c, "StatusUnavailableHeading"),
		Message:  tr(c, "StatusUnavailableMessage"),
		LinkHref: paths.Checkout(id), LinkLabel: tr(c, "PayTryAgain"),
	}
	return a.render(c, http.StatusServiceUnavailable, views.PurchaseStatus(a.page(c, v.Heading), v))
}
