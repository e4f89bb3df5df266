package handlers

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/paywall/paywall/checkout"
	"github.com/paywall/paywall/internal/paths"
	"github.com/paywall/paywall/klarna"
	"github.com/paywall/paywall/views"
)

// The step-up recovery (Klarna's "recover token charge failure"): Klarna rejected the one-click charge but
// gave a step-up trigger, so the customer, who is present, confirms the payment with Klarna once more,
// either in Klarna's dialog on our page (SDK) or on Klarna's hosted payment page (HPP). Every answer is
// read from our database or from Klarna, never from the URL: the return's ?outcome= is only a hint.

// recoveryPage says what happened and offers both ways to confirm the payment, the configured one first.
// Opening it creates the step-up payment session once (the journey keeps it for reloads and returns).
func (a *App) recoveryPage(c echo.Context) error {
	cust := customerOf(c)
	id := c.Param("id")
	p, err := a.oneclick.StartRecovery(c.Request().Context(), cust, id)
	if errors.Is(err, checkout.ErrNotRecovering) {
		return c.Redirect(http.StatusSeeOther, paths.OneClick(id))
	}
	if err != nil {
		return a.recoveryFailure(c, id, err)
	}
	offer := a.oneClickOffer(c, p.OfferID)
	v := views.RecoveryView{
		PurchaseID: p.ID, OfferTitle: offer.Title, Price: kronorOf(offer.AmountMinor),
		ClientToken: p.ClientToken, SDKURL: a.cfg.KlarnaSDKURL,
		HPPFirst: a.cfg.Recovery == RecoveryHPP, Sandbox: a.cfg.Env != "live",
	}
	if notice, kind := recoveryNotice(p.LastOutcome); notice != "" {
		v.Notice, v.NoticeKind = tr(c, notice), kind
	}
	return a.render(c, http.StatusOK, views.Recovery(a.page(c, tr(c, "RecoveryTitle")), v))
}

// recoveryOrder creates the order from the SDK's authorization token. The journey makes it exactly one
// order per recovery: a double click or a re-sent form gets the first outcome.
func (a *App) recoveryOrder(c echo.Context) error {
	id := c.Param("id")
	cust := customerOf(c)
	p, err := a.oneclick.RecoveryOrder(c.Request().Context(), cust, id, strings.TrimSpace(c.FormValue("authorization_token")))
	if errors.Is(err, checkout.ErrNotRecovering) {
		return c.Redirect(http.StatusSeeOther, paths.OneClick(id))
	}
	if errors.Is(err, checkout.ErrNoAuthorization) {
		return &Error{Code: EINVALID, Message: msg("RecoveryNotApprovedYet"), Err: err}
	}
	if err != nil {
		return a.recoveryFailure(c, id, err)
	}
	return c.Redirect(http.StatusSeeOther, afterRecovery(p))
}

// startHPP creates a hosted payment page session for the recovery and sends the browser there. Who places
// the order (place_order_mode) is NONE unless the form names another mode: the sandbox's recovery page
// lets testers choose, and every mode ends in one order.
func (a *App) startHPP(c echo.Context) error {
	id := c.Param("id")
	cust := customerOf(c)
	mode := strings.ToUpper(strings.TrimSpace(c.FormValue("place_order_mode")))
	if mode == "" {
		mode = klarna.PlaceOrderNone
	}
	redirect, err := a.oneclick.StartHPP(c.Request().Context(), cust, id, mode)
	if errors.Is(err, checkout.ErrNotRecovering) {
		return c.Redirect(http.StatusSeeOther, paths.OneClick(id))
	}
	if errors.Is(err, checkout.ErrInvalidMode) {
		return &Error{Code: EINVALID, Message: msg("RecoveryBadMode"), Err: err}
	}
	if err != nil {
		return a.recoveryFailure(c, id, err)
	}
	if u, perr := url.Parse(redirect); perr != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return &Error{Code: EINTERNAL, Message: msg("RecoveryPageNotOpened"), Err: errors.New("HPP redirect_url is not an absolute URL: " + redirect)}
	}
	return c.Redirect(http.StatusSeeOther, redirect)
}

// returnFromHPP is where Klarna's hosted page sends the customer back (success, cancel, back, failure or
// error: all the same URL). The journey reads the HPP session from Klarna and acts on its status; the page
// follows the purchase: the confirmation, a page that checks again while Klarna is still busy, or the
// recovery page to choose again.
func (a *App) returnFromHPP(c echo.Context) error {
	id := c.Param("id")
	cust := customerOf(c)
	p, err := a.oneclick.ReturnFromHPP(c.Request().Context(), cust, id)
	if errors.Is(err, checkout.ErrNotRecovering) {
		return c.Redirect(http.StatusSeeOther, paths.OneClick(id))
	}
	if err != nil {
		return a.recoveryFailure(c, id, err)
	}
	if p.State == checkout.OneClickRecovering && hppPending(p.LastOutcome) {
		v := views.OneClickStatusView{
			State: "pending", OfferTitle: a.oneClickOffer(c, p.OfferID).Title, Refresh: true,
			Heading:  tr(c, "RecoveryPendingHeading"),
			Message:  tr(c, "RecoveryPendingMessage"),
			LinkHref: paths.Recovery(id), LinkLabel: tr(c, "RecoveryBackToChoices"),
		}
		return a.render(c, http.StatusOK, views.OneClickStatus(a.page(c, v.Heading), v))
	}
	return c.Redirect(http.StatusSeeOther, afterRecovery(p))
}

// hppCallback receives Klarna's status updates for a recovery's hosted page. It answers 2xx once the
// update is handled (duplicates included: Klarna retries until it gets one) and 404 for an unknown
// recovery or a wrong secret, so Klarna stops.
func (a *App) hppCallback(c echo.Context) error {
	body, err := io.ReadAll(c.Request().Body)
	if err != nil {
		return &Error{Code: EINVALID, Message: msg("RecoveryBadCallback"), Err: err}
	}
	err = a.oneclick.HPPCallback(c.Request().Context(), c.Param("id"), c.QueryParam("secret"), body)
	switch {
	case err == nil, errors.Is(err, checkout.ErrNotRecovering):
		return c.NoContent(http.StatusNoContent)
	case errors.Is(err, checkout.ErrBadCallback), errors.Is(err, checkout.ErrNotFound):
		return err // handleError: journeyErrors (a wrong secret is told apart from nothing)
	case unavailable(err):
		return &Error{Code: EUNAVAILABLE, Message: msg("RecoveryCallbackAgain"), Err: err}
	}
	return err
}

// afterRecovery is where the browser goes after a recovery step: the purchase's page once it has an
// outcome, the recovery page (which says what happened last) while the customer still has to act.
func afterRecovery(p checkout.OneClickPurchase) string {
	if p.State == checkout.OneClickRecovering {
		return paths.Recovery(p.ID)
	}
	return paths.OneClick(p.ID)
}

// hppPending reports whether the journey last saw an unfinished payment (Klarna's page WAITING or
// IN_PROGRESS, or an order being created): the return page then checks again instead of offering choices.
func hppPending(outcome string) bool {
	return strings.EqualFold(outcome, checkout.OutcomePending)
}

// recoveryNotice is what the recovery page says about the customer's last attempt (the journey's
// Outcome* values, compared case-insensitively), as a message id, and its alert style.
func recoveryNotice(outcome string) (id, kind string) {
	switch strings.ToLower(outcome) {
	case "":
		return "", ""
	case strings.ToLower(checkout.OutcomePending):
		return msg("RecoveryNoticePending"), "info"
	case strings.ToLower(checkout.OutcomeDeclined):
		return msg("RecoveryNoticeDeclined"), "error"
	case strings.ToLower(checkout.OutcomeCancelled):
		return msg("RecoveryNoticeCancelled"), "info"
	case strings.ToLower(checkout.OutcomeBack):
		return msg("RecoveryNoticeBack"), "info"
	case strings.ToLower(checkout.OutcomeError):
		return msg("RecoveryNoticeError"), "error"
	case strings.ToLower(checkout.OutcomeExpired):
		return msg("RecoveryNoticeExpired"), "info"
	}
	return msg("RecoveryNoticeOther"), "info"
}

// recoveryFailure turns a failed recovery step into a page: not found, Klarna unavailable (with the way
// back to the payment choices), or whatever else went wrong.
func (a *App) recoveryFailure(c echo.Context, id string, err error) error {
	switch {
	case errors.Is(err, checkout.ErrNotFound):
		return err // handleError: journeyErrors
	case unavailable(err):
		a.log.WarnContext(c.Request().Context(), "recovery: Klarna unavailable", "err", err, "purchase", id, "request_id", requestID(c))
		v := views.OneClickStatusView{
			State:    "unavailable",
			Heading:  tr(c, "RecoveryKlarnaDownHeading"),
			Message:  tr(c, "RecoveryKlarnaDownMessage"),
			LinkHref: paths.Recovery(id), LinkLabel: tr(c, "PayTryAgain"),
		}
		return a.render(c, http.StatusServiceUnavailable, views.OneClickStatus(a.page(c, v.Heading), v))
	}
	var kerr *klarna.Error
	if errors.As(err, &kerr) {
		a.log.WarnContext(c.Request().Context(), "recovery: Klarna refused", "err", err, "purchase", id, "request_id", requestID(c))
		v := views.OneClickStatusView{
			State:    "refused",
			Heading:  tr(c, "RecoveryRefusedHeading"),
			Message:  tr(c, "RecoveryRefusedMessage"),
			LinkHref: paths.Recovery(id), LinkLabel: tr(c, "RecoveryBackToChoices"),
		}
		return a.render(c, http.StatusUnprocessableEntity, views.OneClickStatus(a.page(c, v.Heading), v))
	}
	return err
}

// unavailable reports whether err means Klarna or Payway did not answer usefully (5xx, timeout, network),
// so trying again later can work.
func unavailable(err error) bool {
	var kerr *klarna.Error
	var nerr net.Error
	switch {
	case errors.Is(err, checkout.ErrUnavailable), errors.Is(err, context.DeadlineExceeded):
		return true
	case errors.As(err, &kerr):
		return kerr.Status >= 500
	case errors.As(err, &nerr):
		return true
	}
	return false
}
