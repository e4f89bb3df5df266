package sandbox

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
)

// The SDK stand-in (api.js) frames two sandbox pages into the merchant's page: the widget
// (GET /kp/widget, what load renders) and the authorize dialog (GET and POST /kp/authorize). Both get the
// client token, the category, the merchant page's origin and a request id from the SDK, and answer the
// SDK by postMessage to that origin only.

// frameParams are the query (or form) parameters the SDK passes to its frames.
type frameParams struct {
	ClientToken string
	Category    string
	Origin      string // the merchant page's origin, validated
	RID         string // the SDK's request id, echoed so the SDK can match answers to requests
}

// ridPattern is what the SDK generates: 32 hex digits. Anything else is not from the SDK.
var ridPattern = regexp.MustCompile(`^[0-9a-f]{16,64}$`)

// readFrameParams validates the origin and request id; without both the page cannot answer anybody, so
// the problem is reported as a plain page instead.
func readFrameParams(v url.Values) (frameParams, string) {
	p := frameParams{ClientToken: v.Get("client_token"), Category: v.Get("category"),
		Origin: parseOrigin(v.Get("origin")), RID: v.Get("rid")}
	switch {
	case p.Origin == "":
		return p, "This page must be opened by Klarna.Payments from a web page (origin missing or not an http(s) origin)."
	case !ridPattern.MatchString(p.RID):
		return p, "This page must be opened by Klarna.Payments (request id missing)."
	}
	return p, ""
}

// frameSession resolves the client token to its session and checks that the merchant page may use it:
// when the session registered a confirmation URL, the page must be on that URL's origin, so an
// authorization token is never posted to a page of another site. It also returns the copy in the session's
// locale (English without a session). The problem text is shown in the frame.
func (s *Server) frameSession(ctx context.Context, p frameParams) (kpSession, frameTexts, string) {
	id, ok := sessionIDFromClientToken(p.ClientToken)
	if !ok {
		return kpSession{}, enFrameTexts(), "The client token is not valid."
	}
	sess, kerr := s.kpSession(ctx, id)
	if kerr != nil {
		return kpSession{}, enFrameTexts(), "The payment session is not available: " + firstMessage(kerr)
	}
	t := frameTextsFor(sess.Input.Cart.Locale)
	if allowed := originOf(sess.Input.MerchantURLs["confirmation"]); allowed != "" && allowed != p.Origin {
		return kpSession{}, t, fmt.Sprintf(t.WrongOrigin, p.Origin, allowed)
	}
	return sess, t, ""
}

// firstMessage is a Klarna error's first message, or its code.
func firstMessage(e *klarnaError) string {
	if len(e.Messages) > 0 {
		return e.Messages[0]
	}
	return e.Code
}

// categoryName is the display name of a category the session offers, and whether it offers it.
func categoryName(sess kpSession, id string) (string, bool) {
	i := slices.IndexFunc(sess.Categories, func(c paymentCategory) bool { return c.Identifier == id })
	if i < 0 {
		return "", false
	}
	if n := sess.Categories[i].Name; n != "" {
		return n, true
	}
	return id, true
}

// frameMessage is what a frame posts to the SDK.
type frameMessage struct {
	Source string `json:"source"` // always "klarna-sandbox"
	Kind   string `json:"kind"`   // load, authorize
	RID    string `json:"rid"`
	Result any    `json:"result"`
}

func newFrameMessage(kind, rid string, result any) frameMessage {
	return frameMessage{Source: "klarna-sandbox", Kind: kind, RID: rid, Result: result}
}

// widgetPage is widget.html's data.
type widgetPage struct {
	Title, Origin, RID, Category, CategoryName, Error string
	ShowForm                                          bool
	Message                                           any
	T                                                 frameTexts
}

// loadResult is load's callback payload.
type loadResult struct {
	ShowForm bool `json:"show_form"`
}

// browserWidget serves GET /kp/widget: what Klarna.Payments.load renders, the chosen payment category of
// the session. It tells the SDK {show_form:true}, or {show_form:false} when the category is not offered or
// the session cannot be used.
func (s *Server) browserWidget(w http.ResponseWriter, r *http.Request) {
	p, problem := readFrameParams(r.URL.Query())
	if problem != "" {
		s.renderMessage(w, r, http.StatusBadRequest, messagePage{Heading: "Klarna widget unavailable", Text: problem})
		return
	}
	page := widgetPage{Title: "Klarna", Origin: p.Origin, RID: p.RID, Category: p.Category}
	sess, t, problem := s.frameSession(r.Context(), p)
	page.T = t
	if problem == "" {
		name, ok := categoryName(sess, p.Category)
		if ok {
			page.ShowForm, page.CategoryName = true, name
		} else {
			problem = fmt.Sprintf(t.CategoryNotOffered, p.Category)
		}
	}
	page.Error = problem
	page.Message = newFrameMessage("load", p.RID, loadResult{ShowForm: page.ShowForm})
	s.renderPage(w, r, http.StatusOK, "widget.html", p.Origin, page)
}
