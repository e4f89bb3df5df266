package handlers

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/paywall/paywall/checkout"
	"github.com/paywall/paywall/internal/paths"
	"github.com/paywall/paywall/klarna"
	"github.com/paywall/paywall/store"
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
	v := views.AccountView{Subscriptions: productNames(c, products), Bought: a.bought(c, cust)}
	if u := currentUser(c); u != nil {
		v.Email = u.Email
	}
	if c.QueryParam(paths.RemovedParam) != "" {
		v.Notice = tr(c, "AccountRemoved")
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
		v.MethodError = tr(c, "AccountMethodError")
	default:
		v.Method, usable = savedMethodView(c, m), m.Usable()
	}
	// Add-ons are for subscribers, and for anyone with a saved method; not while the method is unreadable
	// (a one-click button might charge a method the page cannot show).
	if v.MethodError == "" && (len(products) > 0 || v.Method != nil) {
		offers, err := a.upstream.addOns.Get(ctx, cust.AccountID, func(ctx context.Context) ([]checkout.OneClickOffer, error) {
			return a.oneclick.OffersFor(ctx, cust)
		})
		if err != nil {
			return err
		}
		for _, o := range offers {
			o = o.In(langOf(c))
			v.Offers = append(v.Offers, views.OneClickOfferCard{ID: o.ID, Title: o.Title, Summary: o.Summary, Price: kronorOf(o.AmountMinor)})
		}
		v.PayWithKlarna = !usable
	}
	return a.render(c, http.StatusOK, views.Account(a.page(c, tr(c, "AccountTitle")), v))
}

// boughtShown is how many of the latest purchases the account page lists.
const boughtShown = 10

// bought is the account's latest completed purchases with their short references; a failure to read
// them only leaves the list out.
func (a *App) bought(c echo.Context, cust checkout.Customer) []views.BoughtView {
	list, err := a.upstream.bought.Get(c.Request().Context(), cust.AccountID, func(ctx context.Context) ([]store.Bought, error) {
		return a.db.BoughtBy(ctx, cust.AccountID, boughtShown)
	})
	if err != nil {
		a.log.WarnContext(c.Request().Context(), "read purchases", "err", err, "request_id", requestID(c))
		return nil
	}
	out := make([]views.BoughtView, 0, len(list))
	for _, b := range list {
		v := views.BoughtView{Date: b.At, Reference: checkout.Reference(b.ID), OrderID: b.OrderID}
		if b.Kind == store.KindOneClick {
			v.Title, v.Service = a.oneClickOffer(c, b.OfferID).Title, "Klarna"
		} else {
			v.Title, v.Service = b.OfferID, "Payway"
			if o, ok := a.checkout.Catalogue().Offer(b.OfferID); ok {
				o = o.In(langOf(c))
				v.Title = o.Title
			}
		}
		out = append(out, v)
	}
	return out
}

// subscriptionPayments are Payway's payment profiles in words: how the subscription is paid. A failure
// is a sentence, not an error page.
func (a *App) subscriptionPayments(c echo.Context, cust checkout.Customer) ([]views.SubscriptionPaymentView, string) {
	profiles, err := a.paymentProfiles(c.Request().Context(), cust)
	if err != nil {
		a.log.WarnContext(c.Request().Context(), "read payment profiles", "err", err, "request_id", requestID(c))
		return nil, tr(c, "AccountPaymentsError")
	}
	var out []views.SubscriptionPaymentView
	for _, p := range profiles {
		out = append(out, views.SubscriptionPaymentView{Type: profileTypeName(c, p.PaymentOption, p.Type, p.Brand()),
			MaskedNumber: p.MaskedNumber(), Active: strings.EqualFold(p.State, "active"), Default: p.DefaultProfile})
	}
	return out, ""
}

// profileTypeName is a Payway payment profile's type in words: "klarna_card" with brand "visa" ->
// "Klarna: card (Visa)", Payway's documented "klarna_paynow" -> "Klarna: pay now" (in the reader's
// language, "Klarna: kort (Visa)"); other types keep their payment option as the provider.
func profileTypeName(c echo.Context, option, typ, brand string) string {
	provider, kind := strings.TrimSpace(option), strings.ToLower(strings.TrimSpace(typ))
	if rest, ok := strings.CutPrefix(kind, "klarna_"); ok {
		provider, kind = "Klarna", rest
	}
	out := ""
	if kind != "" {
		out = methodTypeName(c, kind)
		if provider != "" { // "Klarna: card", "Klarna: kort"
			r, size := utf8.DecodeRuneInString(out)
			out = string(unicode.ToLower(r)) + out[size:]
		}
	}
	if provider != "" && out != "" {
		out = provider + ": " + out
	} else if out == "" {
		out = provider
	}
	if brand != "" {
		out += " (" + strings.ToUpper(brand[:1]) + strings.ToLower(brand[1:]) + ")"
	}
	if out == "" {
		return tr(c, "AccountTypeUnknown")
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
	cust := readerCustomer(c)
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
		return &Error{Code: EUNAVAILABLE, Message: msg("AccountRemoveUnavailable"), Err: err}
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
	offer := a.oneClickOffer(c, p.OfferID)
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
		OfferTitle: offer.Title, Price: kronorOf(offer.AmountMinor), Reference: checkout.Reference(p.ID), OrderID: p.OrderID,
		Recovered: p.Method == checkout.RecoveryMethodSDK || p.Method == checkout.RecoveryMethodHPP,
		Date:      p.UpdatedAt,
	}
	switch p.Method {
	case checkout.RecoveryMethodSDK:
		v.PaidWith = tr(c, "OneClickPaidSDK")
	case checkout.RecoveryMethodHPP:
		v.PaidWith = tr(c, "OneClickPaidHPP")
	case checkout.MethodKlarna:
		v.PaidWith = tr(c, "OneClickPaidKlarna")
		if paid, ok := checkout.PaidWith(p.Categories, p.ChosenCategory); ok {
			v.PaidWith = categoryName(c, paid)
		}
		switch {
		case p.TokenSaved:
			v.TokenNote, v.TokenSaved = tr(c, "OneClickTokenSaved"), true
		case p.SaveConsent:
			v.TokenNote = tr(c, "OneClickTokenNotSaved")
		}
	default:
		v.PaidWith = tr(c, "OneClickPaidSaved")
	}
	return a.render(c, http.StatusOK, views.OneClickConfirmation(a.page(c, tr(c, "OneClickThanksTitle")), v))
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
		v.Heading, v.Message = tr(c, "OneClickChargingHeading"), tr(c, "OneClickChargingMessage")
		v.LinkHref, v.LinkLabel, v.Refresh = paths.OneClick(p.ID), tr(c, "PayCheckAgain"), true
		status = http.StatusAccepted
	case checkout.OneClickUnknown:
		// Sent and not answered: Klarna may have charged. The reconciler asks again with the same
		// idempotency key; nobody may say nothing was charged until it knows.
		v.State = "checking"
		v.Heading, v.Message = tr(c, "OneClickCheckingHeading"), tr(c, "OneClickCheckingMessage")
		v.LinkHref, v.LinkLabel, v.Refresh = paths.OneClick(p.ID), tr(c, "PayCheckAgain"), true
		status = http.StatusAccepted
	case checkout.OneClickFailed:
		heading, message, retry, payAnew := oneClickFailureCopy(p.FailureCode)
		v.Heading, v.Message = tr(c, heading), tr(c, message)
		if retry {
			v.RetryOfferID, v.RetryLabel = p.OfferID, tr(c, "PayTryAgain")
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
// code (the heading's and the message's ids), and which way forward makes sense: a retry (of the same
// one-click purchase, or of the first purchase that expired) where that can work, or paying with Klarna
// anew (a first purchase, which can save a new method) where the saved one is gone.
func oneClickFailureCopy(code string) (heading, message string, retry, payAnew bool) {
	switch code {
	case checkout.FailTokenCancelled:
		return msg("OneClickCancelledHeading"), msg("OneClickCancelledMessage"), false, true
	case checkout.FailTokenSuspended:
		return msg("OneClickSuspendedHeading"), msg("OneClickSuspendedMessage"), false, true
	case checkout.FailTokenNotFound:
		return msg("OneClickNotFoundHeading"), msg("OneClickNotFoundMessage"), false, true
	case checkout.FailTokenPayment:
		return msg("OneClickDeclinedHeading"), msg("OneClickDeclinedMessage"), true, true
	case checkout.FailKlarnaDown:
		return msg("OneClickKlarnaDownHeading"), msg("OneClickKlarnaDownMessage"), true, false
	case checkout.FailSessionExpired:
		return msg("OneClickExpiredHeading"), msg("OneClickExpiredMessage"), true, false
	}
	return msg("OneClickFailedHeading"), msg("OneClickFailedMessage"), true, true
}

// savedMethodView is a saved method in words, with what a status other than active means for the customer.
func savedMethodView(c echo.Context, m checkout.SavedMethod) *views.SavedMethodView {
	v := &views.SavedMethodView{Type: methodTypeName(c, m.Type), MaskedNumber: m.MaskedNumber, Status: m.Status}
	switch m.Status {
	case klarna.TokenActive:
		v.StatusLabel = tr(c, "AccountStatusActive")
	case klarna.TokenCancelled:
		v.StatusLabel, v.Note = tr(c, "AccountStatusCancelled"), tr(c, "AccountNoteCancelled")
	case klarna.TokenSuspended:
		v.StatusLabel, v.Note = tr(c, "AccountStatusSuspended"), tr(c, "AccountNoteSuspended")
	case checkout.TokenNotFound:
		v.StatusLabel, v.Note = tr(c, "AccountStatusNotFound"), tr(c, "AccountNoteNotFound")
	default:
		v.StatusLabel = strings.ToLower(m.Status)
		v.Note = tr(c, "AccountNoteOther", "Status", v.StatusLabel)
	}
	return v
}

// methodTypeName is a payment method type in words, in the reader's language: a customer token's
// payment_method_type ("CARD" -> "Card", "Kort") or the kind of a Payway payment profile ("pay_now",
// "paynow"); a type we do not know is shown as it is, in lower case.
func methodTypeName(c echo.Context, typ string) string {
	switch strings.ToUpper(strings.TrimSpace(typ)) {
	case "":
		return tr(c, "AccountTypeKlarna")
	case "CARD":
		return tr(c, "AccountTypeCard")
	case "INVOICE":
		return tr(c, "AccountTypeInvoice")
	case "DIRECT_DEBIT":
		return tr(c, "AccountTypeDirectDebit")
	case "DIRECT_BANK_TRANSFER", "BANK_TRANSFER":
		return tr(c, "AccountTypeBankTransfer")
	case "ACCOUNT":
		return tr(c, "AccountTypeAccount")
	case "PAYNOW", "PAY_NOW":
		return tr(c, "AccountTypePayNow")
	case "PIX":
		return "Pix"
	}
	return strings.ReplaceAll(strings.ToLower(typ), "_", " ")
}

// productNames are the customer's active Payway products in words.
func productNames(c echo.Context, codes []string) []string {
	out := make([]string, 0, len(codes))
	for _, code := range codes {
		if code == "digital" {
			out = append(out, tr(c, "AccountProductDigital", "Site", views.SiteName))
		} else {
			out = append(out, code)
		}
	}
	return out
}

// readerCustomer is the customer of the request (requireCustomer) with the reader's language as Klarna's
// locale, for the Klarna payment sessions the app creates itself (a first purchase's, a recovery's).
func readerCustomer(c echo.Context) checkout.Customer {
	cust := customerOf(c)
	cust.Locale = localizer(c).Lang().Tag()
	return cust
}

// oneClickOffer is a one-click offer by id; a purchase of an offer since withdrawn still shows its id.
func (a *App) oneClickOffer(c echo.Context, id string) checkout.OneClickOffer {
	for _, o := range a.oneclick.Offers() {
		if o.ID == id {
			return o.In(langOf(c))
		}
	}
	return checkout.OneClickOffer{ID: id, Title: id}
}

// kronorOf turns öre into kronor for the views.
func kronorOf(minor int64) float64 { return float64(minor) / 100 }
