package sandbox

import (
	"fmt"
	"net/http"
	"strings"
)

// The hosted payment page: GET /hpp/pay/{id} is where an HPP session's redirect_url points. The customer
// pays (email and code, as in the authorize dialog), declines, cancels, goes back or hits an error; each
// choice goes through the Klarna core, which records the status (and sends the status callback) and names
// the merchant URL to return to.

// hppDeclineEmail is the Klarna test email the Decline button authorizes with: Klarna's hard rejection.
const hppDeclineEmail = "customer+denied@email.se"

// hppLine is one order line as the hosted page shows it.
type hppLine struct {
	Name     string
	Quantity int64
	Amount   string
}

// hppPage is hpp.html's data.
type hppPage struct {
	Title, ID, Total, Email, Error string
	Lines                          []hppLine
	T                              frameTexts // the copy, in the payment session's locale
}

// formatAmount shows minor units as Klarna's pages do in the session's locale: "139,00 kr" (Swedish,
// thousands apart by a no-break space: "1 390,00 kr"), "139.00 SEK" otherwise.
func formatAmount(minor int64, currency, locale string) string {
	sign := ""
	if minor < 0 {
		sign, minor = "-", -minor
	}
	if !strings.HasPrefix(strings.ToLower(locale), "sv") {
		return strings.TrimSpace(fmt.Sprintf("%s%d.%02d %s", sign, minor/100, minor%100, currency))
	}
	units := fmt.Sprint(minor / 100)
	for i := len(units) - 3; i > 0; i -= 3 {
		units = units[:i] + "\u00a0" + units[i:]
	}
	if currency == "SEK" {
		currency = "kr"
	}
	return strings.TrimSpace(fmt.Sprintf("%s%s,%02d %s", sign, units, minor%100, currency))
}

// hppPageFor builds the page of an HPP session from its payment session's cart.
func (s *Server) hppPageFor(r *http.Request, h hppSession) hppPage {
	page := hppPage{ID: h.ID, T: enFrameTexts()}
	if sess, kerr := s.kpSession(r.Context(), h.KPSessionID); kerr == nil {
		c := sess.Input.Cart
		page.T = frameTextsFor(c.Locale)
		page.Total = formatAmount(c.OrderAmount, c.PurchaseCurrency, c.Locale)
		for _, l := range c.OrderLines {
			page.Lines = append(page.Lines, hppLine{Name: l.Name, Quantity: l.Quantity,
				Amount: formatAmount(l.TotalAmount, c.PurchaseCurrency, c.Locale)})
		}
	}
	page.Title = page.T.HPPTitle
	return page
}

// hppTexts is the copy of an HPP session's pages: in its payment session's locale, English when that
// session is gone.
func (s *Server) hppTexts(r *http.Request, h hppSession) frameTexts {
	sess, kerr := s.kpSession(r.Context(), h.KPSessionID)
	if kerr != nil {
		return enFrameTexts()
	}
	return frameTextsFor(sess.Input.Cart.Locale)
}

// hppStatusPage is the generic page Klarna shows when the merchant gave no URL for an outcome, or when a
// session can no longer be paid.
func hppStatusPage(t frameTexts, h hppSession) messagePage {
	p := messagePage{Title: t.HPPResultTitle, TestID: "hpp-result", Status: h.Status, T: t}
	switch h.Status {
	case "COMPLETED":
		p.Heading, p.Text = t.StatusCompleted, t.StatusCompletedText
	case "FAILED":
		p.Heading, p.Text = t.StatusFailed, t.StatusFailedText
	case "CANCELLED":
		p.Heading, p.Text = t.StatusCancelled, t.StatusNothingTaken
	case "BACK":
		p.Heading, p.Text = t.StatusBack, t.StatusNothingTaken
	case "ERROR":
		p.Heading, p.Text = t.StatusError, t.StatusErrorText
	case "DISABLED":
		p.Heading, p.Text = t.StatusDisabled, t.StatusDisabledText
	default:
		p.Heading = fmt.Sprintf(t.StatusOther, strings.ToLower(h.Status))
	}
	return p
}

// hppKlarnaErrorPage shows a Klarna core error (unknown, expired or finished session) on the hosted page.
func (s *Server) hppKlarnaErrorPage(w http.ResponseWriter, r *http.Request, kerr *klarnaError) {
	s.renderMessage(w, r, kerr.Status, messagePage{TestID: "hpp-result", Status: kerr.Code,
		Heading: "This payment link cannot be used", Text: firstMessage(kerr)})
}

// browserHPP serves GET /hpp/pay/{id}: opening the page moves the session to IN_PROGRESS.
func (s *Server) browserHPP(w http.ResponseWriter, r *http.Request) {
	h, kerr := s.hppOpen(r.Context(), r.PathValue("id"))
	if kerr != nil {
		s.hppKlarnaErrorPage(w, r, kerr)
		return
	}
	switch h.Status {
	case "COMPLETED", "CANCELLED", "DISABLED":
		s.renderMessage(w, r, http.StatusOK, hppStatusPage(s.hppTexts(r, h), h))
		return
	}
	s.renderPage(w, r, http.StatusOK, "hpp.html", "", s.hppPageFor(r, h))
}

// browserHPPSubmit serves POST /hpp/pay/{id}: the customer's choice, then 303 to the merchant URL the
// Klarna core returns, or to the generic result page when the merchant gave none.
func (s *Server) browserHPPSubmit(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !sameOriginPost(r) {
		s.renderMessage(w, r, http.StatusForbidden, messagePage{Heading: "Request refused",
			Text: "The payment page only accepts its own form."})
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
	if err := r.ParseForm(); err != nil {
		s.renderMessage(w, r, http.StatusBadRequest, messagePage{Heading: "Bad request", Text: "The form could not be read."})
		return
	}
	var (
		target string
		kerr   *klarnaError
	)
	switch action := r.PostForm.Get("action"); action {
	case "pay":
		email, otp := strings.TrimSpace(r.PostForm.Get("email")), strings.TrimSpace(r.PostForm.Get("otp"))
		if email == "" || !otpPattern.MatchString(otp) {
			s.hppFormError(w, r, id, email, func(t frameTexts) string { return t.EnterEmailAndCode })
			return
		}
		target, kerr = s.hppComplete(r.Context(), klarnaBase(r), id, email, otp)
	case "decline":
		target, kerr = s.hppComplete(r.Context(), klarnaBase(r), id, hppDeclineEmail, "")
	case "cancel":
		target, kerr = s.hppFinish(r.Context(), id, "CANCELLED")
	case "back":
		target, kerr = s.hppFinish(r.Context(), id, "BACK")
	case "error":
		target, kerr = s.hppFinish(r.Context(), id, "ERROR")
	default:
		s.hppFormError(w, r, id, "", func(t frameTexts) string { return t.ChooseButton })
		return
	}
	if kerr != nil {
		s.hppKlarnaErrorPage(w, r, kerr)
		return
	}
	if originOf(target) == "" {
		// No merchant URL for this outcome (or not an http(s) one): Klarna's generic page.
		target = "/hpp/pay/" + id + "/result"
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// hppFormError shows the payment form again with a problem to fix, picked from the page's copy.
func (s *Server) hppFormError(w http.ResponseWriter, r *http.Request, id, email string, problem func(frameTexts) string) {
	h, kerr := s.hppSessionByID(r.Context(), id)
	if kerr != nil {
		s.hppKlarnaErrorPage(w, r, kerr)
		return
	}
	page := s.hppPageFor(r, h)
	page.Email, page.Error = email, problem(page.T)
	s.renderPage(w, r, http.StatusUnprocessableEntity, "hpp.html", "", page)
}

// browserHPPResult serves GET /hpp/pay/{id}/result: the generic outcome page.
func (s *Server) browserHPPResult(w http.ResponseWriter, r *http.Request) {
	h, kerr := s.hppSessionByID(r.Context(), r.PathValue("id"))
	if kerr != nil {
		s.hppKlarnaErrorPage(w, r, kerr)
		return
	}
	s.renderMessage(w, r, http.StatusOK, hppStatusPage(s.hppTexts(r, h), h))
}
