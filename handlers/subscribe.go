package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/paywall/paywall/views"
)

// subscribe shows the offers, priced by Payway. It creates nothing: the purchase session is opened only
// when the reader chooses an offer (POST /checkout). ?offer= marks the offer chosen before logging in.
func (a *App) subscribe(c echo.Context) error {
	ret := safeReturn(c.QueryParam("return"))
	token := ""
	if u := currentUser(c); u != nil {
		t, err := a.accessToken(c)
		if err == nil {
			token = t
		}
	}
	if token == "" {
		t, err := a.appTokens.Get(c.Request().Context())
		if err != nil {
			return paywayUnavailable(err)
		}
		token = t
	}
	offers, err := a.checkout.Offers(c.Request().Context(), token)
	if err != nil {
		return paywayUnavailable(err)
	}
	chosen := c.QueryParam("offer")
	view := views.SubscribeView{ReturnPath: ret, LoggedIn: currentUser(c) != nil}
	for _, o := range offers {
		o.Offer = o.Offer.In(langOf(c))
		view.Offers = append(view.Offers, views.OfferCard{
			ID: o.ID, Title: o.Title, Summary: o.Summary, Benefits: o.Benefits, Kind: o.Kind, Price: o.Price,
			PeriodType: o.Period.IterationType, PeriodLen: o.Period.IterationLength,
			TurnsInto: o.TurnsIntoPrice, TurnsType: o.TurnsIntoPeriod.IterationType, TurnsLen: o.TurnsIntoPeriod.IterationLength,
			Featured: o.Featured, Highlighted: o.ID == chosen,
		})
	}
	return a.render(c, http.StatusOK, views.Subscribe(a.page(c, tr(c, "SubscribeTitle")), view))
}
