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
// straight on to this offer's checkout (requireCustomer with chosenOffer; login.go opens it the same way).
func (a *App) startCheckout(c echo.Context) error {
	return a.openCheckout(c, customerOf(c), c.FormValue("offer"), c.FormValue("return"))
}

// knownOffer refuses an offer that is not in the catalogue before anything else, logged in or not: a bad
// form is answered at once, not after a detour through the login page.
func (a *App) knownOffer(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if _, ok := a.checkout.Catalogue().Offer(c.FormValue("offer")); !ok {
			return &Error{Code: EINVALID, Message: msg("CheckoutChooseOffer")}
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
	offer = offer.In(langOf(c))
	priced := a.pricedOffer(c, cust, offer.ID)
	view := views.CheckoutView{
		PurchaseID: p.ID, OfferTitle: offer.Title, Price: priced.Price,
		PeriodType: offer.Period.IterationType, PeriodLen: offer.Period.IterationLength, Trial: p.Trial,
		TurnsInto: priced.TurnsIntoPrice, TurnsType: priced.TurnsIntoPeriod.IterationType, TurnsLen: priced.TurnsIntoPeriod.IterationLength,
		ClientToken: p.ClientToken, SDKURL: a.cfg.KlarnaSDKURL, ReturnPath: p.ReturnPath,
		CustomerName: currentUser(c).Name, Categories: categoryViews(c, p.Categories),
	}
	return a.render(c, http.StatusOK, views.Checkout(a.page(c, tr(c, "CheckoutTitle")), view))
}

// pricedOffer is the offer with Payway's prices; a pricing failure only leaves the prices out of the
// summary (the purchase session already carries the amount).
func (a *App) pricedOffer(c echo.Context, cust checkout.Customer, offerID string) checkout.PricedOffer {
	o, _, err := a.checkout.PricedOffer(c.Request().Context(), cust.AccessToken, offerID)
	if err != nil {
		a.log.WarnContext(c.Request().Context(), "price offer", "offer", offerID, "err", err)
	}
	return o
}

// categoryViews are the session's payment categories as the page shows them: Klarna's names and badges as
// the session returned them.
func categoryViews(c echo.Context, cats []checkout.Category) []views.Category {
	out := make([]views.Category, 0, len(cats))
	for _, cat := range cats {
		out = append(out, views.Category{Identifier: cat.Identifier, Name: categoryName(c, cat), AssetURL: cat.AssetURL})
	}
	return out
}

// categoryName is Klarna's name of a payment category. A category Klarna gave no name (a purchase stored
// before names were kept, or Payway passing bare identifiers) gets a stand-in in the reader's language,
// the brand and the kind; an identifier we do not know is shown as it is.
func categoryName(c echo.Context, cat checkout.Category) string {
	if cat.Name != "" {
		return cat.Name
	}
	switch cat.Identifier {
	case "klarna":
		return tr(c, "PayCategoryKlarna")
	case "pay_later":
		return tr(c, "PayCategoryPayLater")
	case "pay_now":
		return tr(c, "PayCategoryPayNow")
	case "pay_over_time":
		return tr(c, "PayCategoryPayOverTime")
	case "direct_debit":
		return tr(c, "PayCategoryDirectDebit")
	case "direct_bank_transfer":
		return tr(c, "PayCategoryBankTransfer")
	}
	return cat.Identifier
}

// renderPreparing is the checkout of a purchase whose Payway session another request (a second click on
// "buy") is still opening: it says so and checks again by itself.
func (a *App) renderPreparing(c echo.Context, p checkout.Purchase) error {
	v := views.PurchaseStatusView{
		PurchaseID: p.ID, State: "preparing", ReturnPath: p.ReturnPath, Refresh: true,
		Heading:  tr(c, "StatusPreparingHeading"),
		Message:  tr(c, "StatusPreparingMessage"),
		LinkHref: paths.Checkout(p.ID), LinkLabel: tr(c, "PayCheckAgain"),
	}
	return a.render(c, http.StatusOK, views.PurchaseStatus(a.page(c, v.Heading), v))
}
