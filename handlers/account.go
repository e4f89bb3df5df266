package handlers

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/paywall/paywall/checkout"
	"github.com/paywall/paywall/internal/paths"
	"github.com/paywall/paywall/klarna"
	"github.com/paywall/paywall/views"
)

// account shows the customer's subscriptions, the saved Klarna payment method (read from the customer
// token, so a method Klarna updated after a step-up shows at once) and, when that method can be charged,
// the one-click offers. A method that cannot be read right now only hides the offers: the rest of the page
// still helps.
func (a *App) account(c echo.Context) error {
	cust := customerOf(c)
	ctx := c.Request().Context()
	products, err := a.payway.ActiveProducts(ctx, cust.AccessToken)
	if err != nil {
		return paywayUnavailable(err)
	}
	v := views.AccountView{Subscriptions: productNames(products)}
	if u := currentUser(c); u != nil {
		v.Email = u.Email
	}
	m, err := a.oneclick.SavedMethod(ctx, cust)
	switch {
	case errors.Is(err, checkout.ErrNoSavedMethod):
	case err != nil:
		a.log.WarnContext(ctx, "read saved payment method", "err", err, "request_id", requestID(c))
		v.MethodError = "We could not read your saved Klarna payment method right now, so one-click purchases are not shown. Please reload the page in a moment."
	default:
		v.Method = savedMethodView(m)
		if m.Usable() {
			offers, err := a.oneclick.OffersFor(ctx, cust)
			if err != nil {
				return err
			}
			for _, o := range offers {
				v.Offers = append(v.Offers, views.OneClickOfferCard{ID: o.ID, Title: o.Title, Summary: o.Summary, Price: kronorOf(o.AmountMinor)})
			}
		}
	}
	return a.render(c, http.StatusOK, views.Account(a.page(c, "Your account"), v))
}

// buyOneClick charges the saved Klarna token for a one-click offer. Whatever the outcome, the browser is
// sent (303) to a page that reads it from our database: the confirmation, the recovery page when Klarna
// asks the customer to step up, or the page explaining a rejection. Repeated posts are the journey's
// business (one idempotency key per attempt), not the handler's.
func (a *App) buyOneClick(c echo.Context) error {
	cust := customerOf(c)
	p, err := a.oneclick.Buy(c.Request().Context(), cust, c.FormValue("offer"))
	if err != nil && p.ID == "" {
		return err // handleError: journeyErrors
	}
	if err != nil {
		a.log.WarnContext(c.Request().Context(), "one-click purchase", "err", err, "purchase", p.ID, "request_id", requestID(c))
	}
	if p.State == checkout.OneClickRecovering {
		return c.Redirect(http.StatusSeeOther, paths.Recovery(p.ID))
	}
	return c.Redirect(http.StatusSeeOther, paths.OneClick(p.ID))
}

// oneClickPurchase is where a one-click purchase stands, from our database: its confirmation once Klarna
// has the order, the page explaining a rejection, or the recovery page while a step-up is open.
func (a *App) oneClickPurchase(c echo.Context) error {
	cust := customerOf(c)
	p, err := a.oneclick.Get(c.Request().Context(), cust, c.Param("id"))
	if err != nil {
		return err // handleError: journeyErrors
	}
	offer := a.oneClickOffer(p.OfferID)
	switch p.State {
	case checkout.OneClickCompleted:
	case checkout.OneClickRecovering:
		return c.Redirect(http.StatusSeeOther, paths.Recovery(p.ID))
	default:
		return a.renderOneClickStatus(c, p, offer)
	}
	v := views.OneClickConfirmationView{
		OfferTitle: offer.Title, Price: kronorOf(offer.AmountMinor), OrderID: p.OrderID,
		Recovered: p.Method == checkout.RecoveryMethodSDK || p.Method == checkout.RecoveryMethodHPP,
		Date:      p.UpdatedAt.Format("2 January 2006"),
	}
	switch p.Method {
	case checkout.RecoveryMethodSDK:
		v.PaidWith = "Klarna, confirmed by you on this site"
	case checkout.RecoveryMethodHPP:
		v.PaidWith = "Klarna, confirmed by you on Klarna's page"
	default:
		v.PaidWith = "Your saved Klarna payment method"
	}
	return a.render(c, http.StatusOK, views.OneClickConfirmation(a.page(c, "Thank you"), v))
}

// renderOneClickStatus explains a one-click purchase that did not complete: in words a customer
// understands, with the one way forward that can work for that Klarna answer.
func (a *App) renderOneClickStatus(c echo.Context, p checkout.OneClickPurchase, offer checkout.OneClickOffer) error {
	v := views.OneClickStatusView{State: string(p.State), Code: p.FailureCode, OfferTitle: offer.Title}
	status := http.StatusOK
	switch p.State {
	case checkout.OneClickCreated:
		// The charge is on its way to Klarna (another tab, a double click): its answer is recorded even if
		// nobody waits for it, so checking again shows the outcome.
		v.State = "charging"
		v.Heading = "We are charging your saved payment method"
		v.Message = "This takes a few seconds, and the page checks again by itself. You will not be charged twice."
		v.LinkHref, v.LinkLabel, v.Refresh = paths.OneClick(p.ID), "Check again", true
		status = http.StatusAccepted
	case checkout.OneClickUnknown:
		// Sent and not answered: Klarna may have charged. The reconciler asks again with the same
		// idempotency key; nobody may say nothing was charged until it knows.
		v.State = "checking"
		v.Heading = "We are checking your payment with Klarna"
		v.Message = "Klarna did not answer in time, so we are asking Klarna whether the payment went through. This page updates by itself. You will not be charged twice."
		v.LinkHref, v.LinkLabel, v.Refresh = paths.OneClick(p.ID), "Check again", true
		status = http.StatusAccepted
	case checkout.OneClickFailed:
		var retry, regular bool
		v.Heading, v.Message, retry, regular = oneClickFailureCopy(p.FailureCode)
		if retry {
			v.RetryOfferID, v.RetryLabel = p.OfferID, "Try again"
		}
		if regular {
			v.LinkHref, v.LinkLabel = paths.Subscribe(paths.Account), "Go to the regular checkout"
		}
		status = http.StatusUnprocessableEntity
		if p.FailureCode == checkout.FailKlarnaDown {
			status = http.StatusServiceUnavailable
		}
	}
	return a.render(c, status, views.OneClickStatus(a.page(c, v.Heading), v))
}

// oneClickFailureCopy is what a one-click rejection without a step-up trigger says, per Klarna error code,
// and which ways forward make sense: a retry only where Klarna allows one, the regular checkout (which
// saves a new payment method) where the saved one is gone.
func oneClickFailureCopy(code string) (heading, message string, retry, regular bool) {
	switch code {
	case checkout.FailTokenCancelled:
		return "Your saved payment method has been cancelled",
			"Klarna no longer accepts the payment method saved on your account, so nothing was charged. Use the regular checkout, where you choose how to pay with Klarna; it saves the new method for one-click purchases.", false, true
	case checkout.FailTokenSuspended:
		return "Klarna has paused your saved payment method",
			"Klarna has suspended the payment method saved on your account, so nothing was charged. Contact Klarna to find out why, or use the regular checkout and choose another way to pay.", false, true
	case checkout.FailTokenNotFound:
		return "Klarna does not know your saved payment method",
			"The payment method saved on your account is not known to Klarna, so nothing was charged. Use the regular checkout, where you choose how to pay with Klarna; it saves the new method for one-click purchases.", false, true
	case checkout.FailTokenPayment:
		return "Klarna could not charge your saved payment method",
			"Klarna declined this payment, and nothing was charged. You can try again, or use the regular checkout and choose another way to pay.", true, true
	case checkout.FailKlarnaDown:
		return "Klarna is not answering right now",
			"We could not reach Klarna, so the payment was not sent and nothing was charged. Please try again in a few minutes.", true, false
	}
	return "We could not complete the purchase",
		"Klarna did not accept the payment, and nothing was charged. You can try again, or use the regular checkout.", true, true
}

// savedMethodView is a saved method in words, with what a status other than active means for the customer.
func savedMethodView(m checkout.SavedMethod) *views.SavedMethodView {
	v := &views.SavedMethodView{Type: methodTypeName(m.Type), MaskedNumber: m.MaskedNumber, Status: m.Status}
	switch m.Status {
	case klarna.TokenActive:
		v.StatusLabel = "Active"
	case klarna.TokenCancelled:
		v.StatusLabel = "Cancelled"
		v.Note = "Klarna has cancelled this payment method, so one-click purchases are not possible. The regular checkout lets you choose a new way to pay with Klarna."
	case klarna.TokenSuspended:
		v.StatusLabel = "Suspended"
		v.Note = "Klarna has suspended this payment method, so one-click purchases are not possible. Contact Klarna, or use the regular checkout to choose another way to pay."
	case checkout.TokenNotFound:
		v.StatusLabel = "Not known to Klarna"
		v.Note = "Klarna does not know this payment method any more, so one-click purchases are not possible. The regular checkout lets you choose a new way to pay with Klarna."
	default:
		v.StatusLabel = strings.ToLower(m.Status)
		v.Note = "Klarna reports this payment method as " + v.StatusLabel + ", so one-click purchases are not possible. The regular checkout lets you choose a way to pay with Klarna."
	}
	return v
}

// methodTypeName is a customer token's payment_method_type in words ("CARD" -> "Card").
func methodTypeName(typ string) string {
	names := map[string]string{
		"CARD": "Card", "INVOICE": "Invoice", "DIRECT_DEBIT": "Direct debit", "DIRECT_BANK_TRANSFER": "Bank transfer",
		"ACCOUNT": "Klarna account", "PIX": "Pix",
	}
	if n, ok := names[strings.ToUpper(typ)]; ok {
		return n
	}
	if typ == "" {
		return "Klarna"
	}
	return strings.ReplaceAll(strings.ToLower(typ), "_", " ")
}

// productNames are the customer's active Payway products in words.
func productNames(codes []string) []string {
	names := map[string]string{"digital": "Digital: every article on " + views.SiteName}
	out := make([]string, 0, len(codes))
	for _, code := range codes {
		if n, ok := names[code]; ok {
			out = append(out, n)
		} else {
			out = append(out, code)
		}
	}
	return out
}

// oneClickOffer is a one-click offer by id; a purchase of an offer since withdrawn still shows its id.
func (a *App) oneClickOffer(id string) checkout.OneClickOffer {
	for _, o := range a.oneclick.Offers() {
		if o.ID == id {
			return o
		}
	}
	return checkout.OneClickOffer{ID: id, Title: id}
}

// kronorOf turns öre into kronor for the views.
func kronorOf(minor int64) float64 { return float64(minor) / 100 }
