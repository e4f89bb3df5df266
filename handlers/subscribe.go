package handlers

import (
	"context"
	"net/http"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/paywall/paywall/internal/paths"
	"github.com/paywall/paywall/views"
)

// subscribe shows the offers, priced by Payway. It creates nothing: the purchase session is opened only
// when the reader chooses an offer (POST /checkout, or the login for a reader who is not logged in).
// ?offer= marks the offer chosen before logging in. A reader without a session gets the shared page
// (shared_pages.go): its offers are links to the login, so it carries nothing of theirs.
func (a *App) subscribe(c echo.Context) error {
	ret := safeReturn(c.QueryParam("return"))
	chosen := ""
	if o, ok := a.checkout.Catalogue().Offer(c.QueryParam("offer")); ok {
		chosen = o.ID
	}
	if servesShared(c) {
		key := string(localizer(c).Lang()) + " " + paths.SubscribeOffer(chosen, ret)
		return a.renderSharedAs(c, key, func(ctx context.Context) (templ.Component, error) {
			p := a.sharedPage(tr(c, "SubscribeTitle"), c)
			p.Path = paths.SubscribeOffer(chosen, ret)
			return a.subscribePage(c, ctx, p, chosen, ret)
		})
	}
	comp, err := a.subscribePage(c, c.Request().Context(), a.page(c, tr(c, "SubscribeTitle")), chosen, ret)
	if err != nil {
		return err
	}
	return a.render(c, http.StatusOK, comp)
}

// subscribePage is the offers page with the layout model p, the chosen offer marked and the way back ret.
func (a *App) subscribePage(c echo.Context, ctx context.Context, p views.Page, chosen, ret string) (templ.Component, error) {
	token := ""
	if u := currentUser(c); u != nil {
		t, err := a.accessToken(c)
		if err == nil {
			token = t
		}
	}
	if token == "" {
		t, err := a.appTokens.Get(ctx)
		if err != nil {
			return nil, paywayUnavailable(err)
		}
		token = t
	}
	offers, err := a.checkout.Offers(ctx, token)
	if err != nil {
		return nil, paywayUnavailable(err)
	}
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
	return views.Subscribe(p, view), nil
}
