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

// failureCopy is what a failed purchase says, per Payway error code, in words a reader understands.
func failureCopy(code string) (heading, message string, retry bool) {
	switch code {
	case checkout.FailPaymentMethod:
		return "Klarna could not approve the payment",
			"Klarna declined this payment, for example after a credit check. No money was taken and no subscription was started. You can choose another payment method, or try again later.", true
	case checkout.FailSSNTaken:
		return "Your personal identity number belongs to another account",
			"The personal identity number in your Klarna details is already registered on another of our accounts. Log in with that account to subscribe, or contact customer service and we will merge them. Nothing was charged.", false
	case checkout.FailSSNSet:
		return "Your account has a different personal identity number",
			"Your account already has a personal identity number that differs from the one Klarna gave us, so we stopped the purchase. Contact customer service to correct it. Nothing was charged.", false
	case checkout.FailAccountUpdate:
		return "We could not update your account",
			"We could not save your name, address or date of birth from Klarna, so we stopped the purchase. Check your details with customer service and try again. Nothing was charged.", true
	case checkout.FailDeliveryAddress:
		return "We could not use your delivery address",
			"The delivery address from Klarna could not be validated, so we stopped the purchase. Try again with another address in Klarna, or contact customer service. Nothing was charged.", true
	case checkout.FailAlreadyActive:
		return "You already have this subscription",
			"Your account already has this subscription, so there is nothing to buy. Log out and in again if an article is still locked.", false
	case checkout.FailSessionCompleted:
		return "This purchase is already complete",
			"This payment session has already been used for a purchase. Check your subscriptions before buying again.", false
	}
	return "We could not complete the purchase",
		"Something stopped the purchase. Nothing was charged. You can try again.", true
}

// renderStatus explains a purchase that is not open for payment.
func (a *App) renderStatus(c echo.Context, p checkout.Purchase) error {
	v := views.PurchaseStatusView{PurchaseID: p.ID, State: string(p.State), ReturnPath: p.ReturnPath}
	status := http.StatusOK
	switch p.State {
	case checkout.StatePlacing:
		v.Heading, v.Message, v.Refresh = "We are placing your order", "This takes a few seconds. The page updates by itself.", true
		v.LinkHref, v.LinkLabel = paths.Checkout(p.ID), "Check again"
	case checkout.StateUnknown:
		v.Heading = "We are checking your order with Payway"
		v.Message = "Payway did not answer in time, so we are asking Payway whether your order went through. " +
			"This page updates by itself. You will not be charged twice."
		v.Refresh, v.LinkHref, v.LinkLabel = true, paths.Checkout(p.ID), "Check again"
	case checkout.StateExpired:
		v.Heading = "This payment session has expired"
		v.Message = "Payment sessions stay open for 48 hours. Start again: it takes one click, and nothing was charged."
		v.RetryOfferID, v.RetryLabel = p.OfferID, "Start again"
		status = http.StatusGone
	case checkout.StateFailed:
		var retry bool
		v.Heading, v.Message, retry = failureCopy(p.FailureCode)
		if retry {
			v.RetryOfferID, v.RetryLabel = p.OfferID, "Choose another payment method"
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
		Heading:  "Our subscription service is not answering",
		Message:  "We could not reach Payway, so your order was not sent and nothing was charged. Please try again in a moment.",
		LinkHref: paths.Checkout(id), LinkLabel: "Try again",
	}
	return a.render(c, http.StatusServiceUnavailable, views.PurchaseStatus(a.page(c, v.Heading), v))
}
