package sandbox

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// otpPattern is the one-time code the dialog and the hosted payment page accept: six digits.
var otpPattern = regexp.MustCompile(`^[0-9]{6}$`)

// Steps of the authorize dialog, like Klarna's playground: email, then a one-time code, then the result.
const (
	stepEmail  = "email"
	stepOTP    = "otp"
	stepResult = "result"
)

// dialogPage is authorize.html's data.
type dialogPage struct {
	Title, Step                           string
	ClientToken, Category, CategoryName   string
	Origin, RID, Email, Error, ResultText string
	// Outcome is what the e-mail given will lead to, for the code step's note: approved, denied or
	// malformed (emailOutcome.String).
	Outcome string
	Message any
	T       frameTexts // the copy, in the session's locale
}

func newDialogPage(p frameParams) dialogPage {
	return dialogPage{Title: "Klarna", ClientToken: p.ClientToken, Category: p.Category, Origin: p.Origin, RID: p.RID,
		T: enFrameTexts()}
}

// dialogFailed ends the dialog with a problem the customer cannot fix here: the SDK gets a hard rejection
// ({approved:false, show_form:false}), never a token.
func (s *Server) dialogFailed(w http.ResponseWriter, r *http.Request, page dialogPage, problem string) {
	page.Step, page.ResultText, page.Error = stepResult, page.T.Unusable, problem
	page.Message = newFrameMessage("authorize", page.RID, authorizeResult{})
	s.renderPage(w, r, http.StatusOK, "authorize.html", page.Origin, page)
}

// prepareDialog reads and checks the dialog's parameters. ok is false when a page was already written.
func (s *Server) prepareDialog(w http.ResponseWriter, r *http.Request, v url.Values) (page dialogPage, ok bool) {
	p, problem := readFrameParams(v)
	if problem != "" {
		s.renderMessage(w, r, http.StatusBadRequest, messagePage{Heading: "Klarna checkout unavailable", Text: problem})
		return dialogPage{}, false
	}
	page = newDialogPage(p)
	sess, t, problem := s.frameSession(r.Context(), p)
	page.T = t
	if problem != "" {
		s.dialogFailed(w, r, page, problem)
		return page, false
	}
	if page.Category == "" && len(sess.Categories) > 0 {
		page.Category = sess.Categories[0].Identifier // authorize without load (step-up): the first offered
	}
	name, offered := categoryName(sess, page.Category)
	if !offered {
		s.dialogFailed(w, r, page, fmt.Sprintf(t.CategoryNotOffered, page.Category))
		return page, false
	}
	page.CategoryName = name
	return page, true
}

// browserAuthorizeForm serves GET /kp/authorize: the dialog's first step, asking for the email (prefilled
// from the billing address the merchant passed to authorize, if any).
func (s *Server) browserAuthorizeForm(w http.ResponseWriter, r *http.Request) {
	page, ok := s.prepareDialog(w, r, r.URL.Query())
	if !ok {
		return
	}
	page.Step, page.Email = stepEmail, r.URL.Query().Get("email")
	s.renderPage(w, r, http.StatusOK, "authorize.html", page.Origin, page)
}

// browserAuthorizeSubmit serves POST /kp/authorize: the email step leads to the code step; the code step
// runs the Klarna core's decision (the same one POST /sandbox/v1/authorize runs) and posts the
// authorize result to the merchant page.
func (s *Server) browserAuthorizeSubmit(w http.ResponseWriter, r *http.Request) {
	if !sameOriginPost(r) {
		s.renderMessage(w, r, http.StatusForbidden, messagePage{Heading: "Request refused",
			Text: "The dialog only accepts its own form."})
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
	if err := r.ParseForm(); err != nil {
		s.renderMessage(w, r, http.StatusBadRequest, messagePage{Heading: "Bad request", Text: "The form could not be read."})
		return
	}
	page, ok := s.prepareDialog(w, r, r.PostForm)
	if !ok {
		return
	}
	page.Email = strings.TrimSpace(r.PostForm.Get("email"))
	switch r.PostForm.Get("step") {
	case stepEmail:
		page.Step, page.Outcome = stepOTP, classifyEmail(page.Email).String()
		if page.Email == "" {
			page.Step, page.Error = stepEmail, page.T.EnterEmail
			s.renderPage(w, r, http.StatusUnprocessableEntity, "authorize.html", page.Origin, page)
			return
		}
	case stepOTP:
		otp := strings.TrimSpace(r.PostForm.Get("otp"))
		if !otpPattern.MatchString(otp) {
			page.Step, page.Outcome, page.Error = stepOTP, classifyEmail(page.Email).String(), page.T.EnterCode
			s.renderPage(w, r, http.StatusUnprocessableEntity, "authorize.html", page.Origin, page)
			return
		}
		res, kerr := s.authorizeSession(r, sessionIDOrEmpty(page.ClientToken), page.Email, otp, page.Category)
		if kerr != nil {
			s.dialogFailed(w, r, page, firstMessage(kerr))
			return
		}
		page.Step, page.ResultText = stepResult, resultText(page.T, res)
		page.Message = newFrameMessage("authorize", page.RID, res)
	default:
		page.Step, page.Email = stepEmail, ""
	}
	s.renderPage(w, r, http.StatusOK, "authorize.html", page.Origin, page)
}

// sessionIDOrEmpty is the session of an already validated client token.
func sessionIDOrEmpty(token string) string {
	id, _ := sessionIDFromClientToken(token)
	return id
}

// resultText is what the dialog shows for the moment before it closes.
func resultText(t frameTexts, res authorizeResult) string {
	switch {
	case res.Approved:
		return t.Approved
	case res.ShowForm:
		return t.NotApproved
	default:
		return t.Rejected
	}
}
