package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/paywall/paywall/checkout"
	"github.com/paywall/paywall/internal/paths"
	"github.com/paywall/paywall/views"
)

// startCheckout opens a purchase of the chosen offer (Payway create_session) and goes to its checkout page.
// Its route checks the offer first (knownOffer); a reader who is not logged in then logs in and comes back
// to the offers with their choice kept (requireCustomer with chosenOffer).
func (a *App) startCheckout(c echo.Context) error {
	cust := customerOf(c)
	p, err := a.checkout.Start(c.Request().Context(), cust, c.FormValue("offer"), safeReturn(c.FormValue("return")))
	if err != nil {
		return err // handleError: journeyErrors
	}
	return c.Redirect(http.StatusSeeOther, paths.Checkout(p.ID))
}

// knownOffer refuses an offer that is not in the catalogue before anything else, logged in or not: a bad
// form is answered at once, not after a detour through the login page.
func (a *App) knownOffer(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if _, ok := a.checkout.Catalogue().Offer(c.FormValue("offer")); !ok {
			return &Error{Code: EINVALID, Message: "Choose one of the subscriptions on offer."}
		}
		return next(c)
	}
}

// chosenOffer is where POST /checkout comes back to after the login page: the offers, with the chosen one
// marked and the way back from there kept.
func chosenOffer(c echo.Context) string {
	return paths.SubscribeOffer(c.FormValue("offer"), safeReturn(c.FormValue("return")))
}

// checkoutPage shows an open purchase with the Klarna widget, or where the purchase stands.
func (a *App) checkoutPage(c echo.Context) error {
	cust := customerOf(c)
	p, err := a.checkout.Get(c.Request().Context(), cust, c.Param("id"))
	if err != nil {
		return err // handleError: journeyErrors
	}
	switch p.State {
	case checkout.StateCreated:
		if p.ClientToken == "" {
			return a.renderPreparing(c, p)
		}
	case checkout.StatePlaced, checkout.StateConfirmed:
		return c.Redirect(http.StatusSeeOther, paths.Confirmation(p.ID))
	default:
		return a.renderStatus(c, p)
	}
	offer, _ := a.checkout.Catalogue().Offer(p.OfferID)
	priced := a.pricedOffer(c, cust, offer.ID)
	view := views.CheckoutView{
		PurchaseID: p.ID, OfferTitle: offer.Title, Price: priced.Price,
		PeriodType: offer.Period.IterationType, PeriodLen: offer.Period.IterationLength, Trial: p.Trial,
		TurnsInto: priced.TurnsIntoPrice, TurnsType: priced.TurnsIntoPeriod.IterationType, TurnsLen: priced.TurnsIntoPeriod.IterationLength,
		ClientToken: p.ClientToken, SDKURL: a.cfg.KlarnaSDKURL, ReturnPath: p.ReturnPath,
		CustomerName: currentUser(c).Name,
	}
	for _, id := range p.Categories {
		view.Categories = append(view.Categories, views.Category{Identifier: id, Name: categoryName(id)})
	}
	return a.render(c, http.StatusOK, views.Checkout(a.page(c, "Checkout"), view))
}

// pricedOffer is the offer with Payway's prices; a pricing failure only leaves the prices out of the
// summary (the purchase session already carries the amount).
func (a *App) pricedOffer(c echo.Context, cust checkout.Customer, offerID string) checkout.PricedOffer {
	offers, err := a.checkout.Offers(c.Request().Context(), cust.AccessToken)
	if err != nil {
		a.log.WarnContext(c.Request().Context(), "price offers", "err", err)
	}
	for _, o := range offers {
		if o.ID == offerID {
			return o
		}
	}
	return checkout.PricedOffer{}
}

// categoryName is how a Klarna payment_method_category is shown.
func categoryName(id string) string {
	names := map[string]string{
		"klarna": "Pay with Klarna", "pay_later": "Pay later", "pay_now": "Pay now",
		"pay_over_time": "Financing", "direct_debit": "Direct debit", "direct_bank_transfer": "Bank transfer",
	}
	if n, ok := names[id]; ok {
		return n
	}
	return id
}

// renderPreparing is the checkout of a purchase whose Payway session another request (a second click on
// "buy") is still opening: it says so and checks again by itself.
func (a *App) renderPreparing(c echo.Context, p checkout.Purchase) error {
	v := views.PurchaseStatusView{
		PurchaseID: p.ID, State: "preparing", ReturnPath: p.ReturnPath, Refresh: true,
		Heading:  "We are preparing your checkout",
		Message:  "Klarna's payment form is being set up. The page updates by itself.",
		LinkHref: paths.Checkout(p.ID), LinkLabel: "Check again",
	}
	return a.render(c, http.StatusOK, views.PurchaseStatus(a.page(c, v.Heading), v))
}
