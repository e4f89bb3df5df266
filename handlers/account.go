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

// account shows the customer's subscriptions and how Payway says they are paid, the app's saved Klarna
// method for one-click purchases (read from Klarna's token, so a method Klarna updated after a step-up
// shows at once) and the add-ons: bought in one click with a usable method, paid with Klarna on a page of
// their own otherwise (where the reader may save Klarna). A part that cannot be read right now only hides
// what depends on it: the rest of the page still helps.
func (a *App) account(c echo.Context) error {
	cust := customerOf(c)
	ctx := c.Request().Context()
	products, err := a.activeProducts(ctx, cust)
	if err != nil {
		return paywayUnavailable(err)
	}
	v := views.AccountView{Subscriptions: productNames(products)}
	if u := currentUser(c); u != nil {
		v.Email = u.Email
	}
	if c.QueryParam(paths.RemovedParam) != "" {
		v.Notice = "Your saved Klarna payment method is removed, and Klarna has cancelled it. Your subscription is not affected."
	}
	if len(products) > 0 {
		v.SubscriptionPayments, v.PaymentsError = a.subscriptionPayments(c, cust)
	}
	usable := false
	m, err := a.oneclick.SavedMethod(ctx, cust)
	switch {
	case errors.Is(err, checkout.ErrNoSavedMethod):
	case err != nil:
		a.log.WarnContext(ctx, "read saved payment method", "err", err, "request_id", requestID(c))
		v.MethodError = "We could not read your saved Klarna payment method right now, so the add-ons are not shown. Please reload the page in a moment."
	default:
		v.Method, usable = savedMethodView(m), m.Usable()
	}
	// Add-ons are for subscribers, and for anyone with a saved method; not while the method is unreadable
	// (a one-click button might charge a method the page cannot show).
	if v.MethodError == "" && (len(products) > 0 || v.Method != nil) {
		offers, err := a.oneclick.OffersFor(ctx, cust)
		if err != nil {
			return err
		}
		for _, o := range offers {
			v.Offers = append(v.Offers, views.OneClickOfferCard{ID: o.ID, Title: o.Title, Summary: o.Summary, Price: kronorOf(o.AmountMinor)})
		}
		v.PayWithKlarna = !usable
	}
	return a.render(c, http.StatusOK, views.Account(a.page(c, "Your account"), v))
}

// subscriptionPayments are Payway's payment profiles in words: how the subscription is paid. A failure
// is a sentence, not an error page.
func (a *App) subscriptionPayments(c echo.Context, cust checkout.Customer) ([]views.SubscriptionPaymentView, string) {
	profiles, err := a.paymentProfiles(c.Request().Context(), cust)
	if err != nil {
		a.log.WarnContext(c.Request().Context(), "read payment profiles", "err", err, "request_id", requestID(c))
		return nil, "We could not read how your subscription is paid right now."
	}
	var out []views.SubscriptionPaymentView
	for _, p := range profiles {
		out = append(out, views.SubscriptionPaymentView{Type: profileTypeName(p.PaymentOption, p.Type, p.Brand()),
			MaskedNumber: p.MaskedNumber(), Active: strings.EqualFold(p.State, "active"), Default: p.DefaultProfile})
	}
	return out, ""
}

// profileTypeName is a Payway payment profile's type in words: "klarna_card" with brand "visa" ->
// "Klarna: card (Visa)", Payway's documented "klarna_paynow" -> "Klarna: pay now"; other types keep
// their payment option as the provider.
func profileTypeName(option, typ, brand string) string {
	provider, kind := strings.TrimSpace(option), strings.ToLower(strings.TrimSpace(typ))
	if rest, ok := strings.CutPrefix(kind, "klarna_"); ok {
		provider, kind = "Klarna", rest
	}
	if kind == "paynow" {
		kind = "pay now"
	}
	out := strings.ReplaceAll(kind, "_", " ")
	if provider != "" && out != "" {
		out = provider + ": " + out
	} else if out == "" {
		out = provider
	}
	if brand != "" {
		out += " (" + strings.ToUpper(brand[:1]) + strings.ToLower(brand[1:]) + ")"
	}
	if out == "" {
		return "A saved payment method"
	}
	return out
}

// buyOneClick buys an add-on. With a saved Klarna token (and unless the form asks to pay with Klarna
// anew, with=klarna) it charges the token in one click; otherwise it opens a first purchase, paid with
// Klarna on its own page. Whatever the outcome, the browser is sent (303) to a page that reads it from
// our database: the confirmation, the first purchase's payment page, the recovery page when Klarna asks
// the customer to step up, or the page explaining a rejection. Repeated posts are the journey's business
// (one idempotency key per attempt, one open first purchase per offer), not the handler's.
func (a *App) buyOneClick(c echo.Context) error {
	cust := customerOf(c)
	ctx := c.Request().Context()
	offer := c.FormValue("offer")
	var (
		p   checkout.OneClickPurchase
		err error
	)
	if c.FormValue("with") != withKlarna {
		p, err = a.oneclick.Buy(ctx, cust, offer)
	}
	if c.FormValue("with") == withKlarna || errors.Is(err, checkout.ErrNoSavedMethod) {
		p, err = a.oneclick.StartFirstPurchase(ctx, cust, offer)
	}
	if err != nil && p.ID == "" {
		return err // handleError: journeyErrors
	}
	if err != nil {
		a.log.WarnContext(ctx, "one-click purchase", "err", err, "purchase", p.ID, "request_id", requestID(c))
	}
	if p.State == checkout.OneClickRecovering {
		return c.Redirect(http.StatusSeeOther, paths.Recovery(p.ID))
	}
	return c.Redirect(http.StatusSeeOther, paths.OneClick(p.ID))
}

// withKlarna is the buy form's with= value asking to pay with Klarna anew (a first purchase) even when a
// token is saved: the way forward when the saved one is cancelled, suspended or unknown.
const withKlarna = "klarna"

// removeSavedMethod cancels the saved Klarna token at Klarna and forgets it, then shows the account page,
// which reads the result from our database. Klarna not answering keeps the token (never forgotten while
// it can still charge) and says so.
func (a *App) removeSavedMethod(c echo.Context) error {
	err := a.oneclick.RemoveSavedMethod(c.Request().Context(), customerOf(c))
	switch {
	case err == nil, errors.Is(err, checkout.ErrNoSavedMethod):
		return c.Redirect(http.StatusSeeOther, paths.AccountRemoved())
	case unavailable(err):
		return &Error{Code: EUNAVAILABLE, Message: "Klarna is not answering right now, so your saved payment method is kept for now. Please try again in a moment.", Err: err}
	}
	return err
}

// oneClickPurchase is where a one-click purchase stands, from our database: its confirmation once Klarna
// has the order, the first purchase's payment page while the reader pays, the page explaining a rejection,
// or the recovery page while a step-up is open.
func (a *App) oneClickPurchase(c echo.Context) error {
	cust := customerOf(c)
	p, err := a.oneclick.Get(c.Request().Context(), cust, c.Param("id"))
	if err != nil {
		return err // handleError: journeyErrors
	}
	offer := a.oneClickOffer(p.OfferID)
	switch p.State {
	case checkout.OneClickCompleted:
		a.forgetAccount(cust.AccountID) // bought, perhaps by the reconciler with nobody posting
	case checkout.OneClickRecovering:
		return c.Redirect(http.StatusSeeOther, paths.Recovery(p.ID))
	case checkout.OneClickPaying:
		return a.firstPurchasePage(c, p, offer)
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
	case checkout.MethodKlarna:
		v.PaidWith = "Klarna"
		switch {
		case p.TokenSaved:
			v.TokenNote, v.TokenSaved = "Klarna is saved for one-click purchases: your next add-ons are one click away. You can remove it on your account page.", true
		case p.SaveConsent:
			v.TokenNote = "Your purchase is complete, but Klarna could not be saved for one-click purchases this time. You can save it with your next purchase."
		}
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
		var retry, payAnew bool
		v.Heading, v.Message, retry, payAnew = oneClickFailureCopy(p.FailureCode)
		if retry {
			v.RetryOfferID, v.RetryLabel = p.OfferID, "Try again"
		}
		if payAnew {
			v.PayAnewOfferID = p.OfferID
		}
		status = http.StatusUnprocessableEntity
		if p.FailureCode == checkout.FailKlarnaDown {
			status = http.StatusServiceUnavailable
		}
	}
	return a.render(c, status, views.OneClickStatus(a.page(c, v.Heading), v))
}

// oneClickFailureCopy is what a one-click rejection without a step-up trigger says, per Klarna error
// code, and which way forward makes sense: a retry (of the same one-click purchase, or of the first
// purchase that expired) where that can work, or paying with Klarna anew (a first purchase, which can save
// a new method) where the saved one is gone.
func oneClickFailureCopy(code string) (heading, message string, retry, payAnew bool) {
	switch code {
	case checkout.FailTokenCancelled:
		return "Your saved payment method has been cancelled",
			"Klarna no longer accepts the payment method saved on your account, so nothing was charged. Pay with Klarna instead: you choose how to pay, and you can save the new method for one-click purchases.", false, true
	case checkout.FailTokenSuspended:
		return "Klarna has paused your saved payment method",
			"Klarna has suspended the payment method saved on your account, so nothing was charged. Contact Klarna to find out why, or pay with Klarna instead and choose another way to pay.", false, true
	case checkout.FailTokenNotFound:
		return "Klarna does not know your saved payment method",
			"The payment method saved on your account is not known to Klarna, so nothing was charged. Pay with Klarna instead: you choose how to pay, and you can save the new method for one-click purchases.", false, true
	case checkout.FailTokenPayment:
		return "Klarna could not charge your saved payment method",
			"Klarna declined this payment, and nothing was charged. You can try again, or pay with Klarna instead and choose another way to pay.", true, true
	case checkout.FailKlarnaDown:
		return "Klarna is not answering right now",
			"We could not reach Klarna, so the payment was not sent and nothing was charged. Please try again in a few minutes.", true, false
	case checkout.FailSessionExpired:
		return "The payment was not finished in time",
			"Klarna keeps a payment open for two days, and this one was not finished, so nothing was charged. Start again to pay with Klarna.", true, false
	}
	return "We could not complete the purchase",
		"Klarna did not accept the payment, and nothing was charged. You can try again, or pay with Klarna instead.", true, true
}

// savedMethodView is a saved method in words, with what a status other than active means for the customer.
func savedMethodView(m checkout.SavedMethod) *views.SavedMethodView {
	v := &views.SavedMethodView{Type: methodTypeName(m.Type), MaskedNumber: m.MaskedNumber, Status: m.Status}
	switch m.Status {
	case klarna.TokenActive:
		v.StatusLabel = "Active"
	case klarna.TokenCancelled:
		v.StatusLabel = "Cancelled"
		v.Note = "Klarna has cancelled this payment method, so one-click purchases are not possible. Pay for an add-on with Klarna below to choose a new way to pay, which you can save instead."
	case klarna.TokenSuspended:
		v.StatusLabel = "Suspended"
		v.Note = "Klarna has suspended this payment method, so one-click purchases are not possible. Contact Klarna, or pay for an add-on with Klarna below and choose another way to pay."
	case checkout.TokenNotFound:
		v.StatusLabel = "Not known to Klarna"
		v.Note = "Klarna does not know this payment method any more, so one-click purchases are not possible. Pay for an add-on with Klarna below to choose a new way to pay, which you can save instead."
	default:
		v.StatusLabel = strings.ToLower(m.Status)
		v.Note = "Klarna reports this payment method as " + v.StatusLabel + ", so one-click purchases are not possible. Pay for an add-on with Klarna below to choose a way to pay."
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
