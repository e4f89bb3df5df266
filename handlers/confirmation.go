package handlers

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/paywall/paywall/checkout"
	"github.com/paywall/paywall/internal/paths"
	"github.com/paywall/paywall/payway"
	"github.com/paywall/paywall/views"
)

// confirmation is the confirmation_url Payway's flow ends on (after Klarna's device recognition). What it
// shows comes from our database and Payway's order, never from the URL.
func (a *App) confirmation(c echo.Context) error {
	cust := customerOf(c)
	ctx, cancel := context.WithCancel(c.Request().Context())
	defer cancel()
	me := a.readAccountIfBought(ctx, cust, c.Param("id"))
	conf, err := a.checkout.Confirm(ctx, cust, c.Param("id"))
	if errors.Is(err, checkout.ErrNotPlaced) {
		if checkout.InFlight(conf.Purchase.State) { // placing, or checking an unknown outcome
			return a.renderStatus(c, conf.Purchase)
		}
		return c.Redirect(http.StatusSeeOther, paths.Checkout(conf.Purchase.ID))
	}
	if err != nil {
		return err // handleError: journeyErrors
	}
	a.forgetAccount(cust.AccountID) // bought, perhaps by the reconciler with nobody posting
	if me == nil {
		me = a.readAccount(ctx, cust) // bought while Confirm looked (the reconciler)
	}
	answer := <-me
	acc, err := answer.acc, answer.err
	if err != nil {
		return paywayUnavailable(err)
	}
	if err := a.refreshName(c, acc); err != nil {
		return err
	}
	p, o := conf.Purchase, conf.Offer.In(langOf(c))
	priced := a.pricedOffer(c, cust, o.ID)
	v := views.ConfirmationView{
		OfferTitle: o.Title, Trial: p.Trial, Price: conf.Order.OrderDetail.Price,
		PeriodType: o.Period.IterationType, PeriodLen: o.Period.IterationLength,
		TurnsInto: priced.TurnsIntoPrice, TurnsType: priced.TurnsIntoPeriod.IterationType, TurnsLen: priced.TurnsIntoPeriod.IterationLength,
		Reference: checkout.Reference(p.ID), OrderID: conf.Order.OrderID,
		Name: strings.TrimSpace(acc.FirstName + " " + acc.LastName), Address: addressLines(acc.Address),
		Mobile: acc.MobilePhoneNumber, ReturnPath: p.ReturnPath, ReturnTitle: a.articleTitle(ctx, p.ReturnPath),
	}
	if v.OrderID == "" {
		v.OrderID = p.OrderID
	}
	if paid, ok := checkout.PaidWith(p.Categories, p.ChosenCategory); ok {
		v.PaidWith = categoryName(c, paid)
	}
	v.BirthDate, v.BirthDateText = birthDate(acc.BirthDate)
	if v.Price == 0 && !p.Trial {
		v.Price = priced.Price
	}
	if p.Trial {
		// The trial's months are counted on the paper's calendar: bought at 00:30 on 1 March in Stockholm
		// (23:30 on 28 February in UTC), it is free until 1 April, not 28 March.
		v.TrialEnds = p.CreatedAt.In(a.zone()).AddDate(0, o.Period.IterationLength, 0)
	}
	return a.render(c, http.StatusOK, views.Confirmation(a.page(c, tr(c, "ConfirmationTitle")), v))
}

// accountAnswer is Payway's answer to Me.
type accountAnswer struct {
	acc payway.Account
	err error
}

// readAccountIfBought starts reading the reader's Payway account (Me: the details Klarna's sync just wrote)
// when the purchase is bought, so the confirmation reads it while Confirm reads Payway's order: two round
// trips to Payway side by side instead of one after the other. nil when the purchase is not bought (yet):
// its status page or checkout needs no account.
func (a *App) readAccountIfBought(ctx context.Context, cust checkout.Customer, id string) <-chan accountAnswer {
	p, err := a.checkout.Get(ctx, cust, id)
	if err != nil || (p.State != checkout.StatePlaced && p.State != checkout.StateConfirmed) {
		return nil
	}
	return a.readAccount(ctx, cust)
}

// readAccount reads the reader's Payway account in the background; the answer arrives on the channel
// (cancel ctx to stop waiting for it).
func (a *App) readAccount(ctx context.Context, cust checkout.Customer) <-chan accountAnswer {
	out := make(chan accountAnswer, 1)
	go func() {
		acc, err := a.payway.Me(ctx, cust.AccessToken)
		out <- accountAnswer{acc: acc, err: err}
	}()
	return out
}

// birthDate is Payway's birth date as a date to format in the reader's language, or, when it is not
// yyyy-mm-dd, as the text Payway gave ("" and zero when there is none).
func birthDate(s string) (time.Time, string) {
	s = strings.TrimSpace(s)
	if d, err := time.Parse(time.DateOnly, s); err == nil {
		return d, ""
	}
	return time.Time{}, s
}

// addressLines is a Payway address as lines for display.
func addressLines(a payway.Address) []string {
	var lines []string
	if street := strings.TrimSpace(a.Street + " " + a.StreetNumber); street != "" {
		lines = append(lines, street)
	}
	if city := strings.TrimSpace(a.ZipCode + " " + a.City); city != "" {
		lines = append(lines, city)
	}
	return lines
}

// articleTitle is the title of the article at a return path, or "" when it is not an article.
func (a *App) articleTitle(ctx context.Context, path string) string {
	slug, ok := paths.ArticleSlug(path)
	if !ok {
		return ""
	}
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	art, err := a.db.ArticleBySlug(ctx, slug)
	if err != nil {
		return ""
	}
	return art.Title
}

// zone is the paper's time zone (Config.TimeZone), UTC when none is set.
func (a *App) zone() *time.Location {
	if a.cfg.TimeZone == nil {
		return time.UTC
	}
	return a.cfg.TimeZone
}
