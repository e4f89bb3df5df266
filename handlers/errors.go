package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/paywall/paywall/checkout"
	"github.com/paywall/paywall/views"
)

// Error codes the app uses; each maps to one HTTP status and one wording in exactly one place (below).
const (
	EINVALID      = "invalid"
	ENOTFOUND     = "not_found"
	EUNAUTHORIZED = "unauthorized"
	EFORBIDDEN    = "forbidden"
	ECONFLICT     = "conflict"
	ETOOMANY      = "too_many_requests"
	EUNAVAILABLE  = "unavailable"
	EINTERNAL     = "internal"
)

// Error is the app's error: a code that decides the status and a message safe to show a person, given as a
// message id (msg("ErrArticleNotFound")) that the error handler renders in the reader's language. The
// wrapped Err is for logs only.
type Error struct {
	Code    string
	Message string
	Err     error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return e.Code + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf builds an Error with a formatted, person-readable message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// errorKind is how one code is presented.
type errorKind struct {
	status  int
	heading string
	message string // used when the error carries none
}

var errorKinds = map[string]errorKind{
	EINVALID:      {http.StatusBadRequest, "That request did not look right", "Go back, reload the page and try again."},
	ENOTFOUND:     {http.StatusNotFound, "We could not find that page", "The page may have moved, or the link is mistyped."},
	EUNAUTHORIZED: {http.StatusUnauthorized, "Please log in", "Log in to continue."},
	EFORBIDDEN:    {http.StatusForbidden, "That is not allowed", "This page belongs to another account."},
	ECONFLICT:     {http.StatusConflict, "That has already happened", "Reload the page to see where things stand."},
	ETOOMANY:      {http.StatusTooManyRequests, "Too many attempts", "Please wait a minute before trying again."},
	EUNAVAILABLE:  {http.StatusServiceUnavailable, "A service we depend on is not answering", "Please try again in a moment."},
	EINTERNAL:     {http.StatusInternalServerError, "Something went wrong on our side", "Please try again. If it keeps happening, contact customer service."},
}

// journeyErrors is the one table from the purchase journeys' errors to what a person reads: the first
// entry the error matches (errors.Is) gives the sentence; the journey error's own code gives the status
// and heading (journeyCodes, then errorKinds). Handlers return journey errors as they are.
var journeyErrors = []struct {
	err     error
	message string
}{
	{checkout.ErrNotFound, "There is no purchase at this address."},
	{checkout.ErrUnknownOffer, "That offer is not on sale. Go back and choose one of the offers there."},
	{checkout.ErrNoAuthorization, "Klarna did not approve the payment yet. Go back and press the buy button again."},
	{checkout.ErrNoSavedMethod, "Your account has no saved Klarna payment method. Buy an add-on from your account page and pay with Klarna: you can save Klarna for one-click purchases there."},
	{checkout.ErrAlreadyOwned, "You already own this, so there is nothing to buy and nothing was charged. You find it under your account."},
	{checkout.ErrInFlight, "Another purchase of this subscription is being paid for on your account right now, so this one was stopped and nothing was charged for it. Wait a moment and check your account."},
	{checkout.ErrNotPlaced, "The order has not been placed yet. Go back to the checkout to see where it stands."},
	{checkout.ErrNotRecovering, "This payment no longer waits for you. Reload the page to see where it stands."},
	{checkout.ErrNotPaying, "This payment no longer waits for you. Reload the page to see where it stands."},
	{checkout.ErrOrderInProgress, "Your order is being created with Klarna right now, so your choice cannot change any more. Reload the page to see where it stands."},
	{checkout.ErrBadCallback, "The body is not an HPP status update."},
	{checkout.ErrInvalidMode, "That way of paying on Klarna's page is not offered."},
	{checkout.ErrKlarnaUnavailable, "Klarna is not answering right now. Nothing was charged: please try again in a moment."},
	{checkout.ErrUnavailable, "Our subscription service is not answering right now. Nothing was charged: please try again in a moment."},
}

// journeyCodes maps a journey error code to the app's.
var journeyCodes = map[checkout.ErrorCode]string{
	checkout.CodeNotFound: ENOTFOUND, checkout.CodeInvalid: EINVALID, checkout.CodeConflict: ECONFLICT,
	checkout.CodeUnavailable: EUNAVAILABLE,
}

// journeyError is the app's error for a journey error, or nil when err is none.
func journeyError(err error) *Error {
	code, ok := journeyCodes[checkout.CodeOf(err)]
	if !ok {
		return nil
	}
	for _, je := range journeyErrors {
		if errors.Is(err, je.err) {
			return &Error{Code: code, Message: je.message, Err: err}
		}
	}
	return &Error{Code: code, Err: err}
}

// codeForStatus is the code for an HTTP status coming from Echo itself (404 route, 405, CSRF 403, ...).
func codeForStatus(status int) string {
	for code, k := range errorKinds {
		if k.status == status {
			return code
		}
	}
	switch {
	case status == http.StatusMethodNotAllowed, status == http.StatusRequestEntityTooLarge:
		return EINVALID
	case status >= 500:
		return EINTERNAL
	}
	return EINVALID
}

// classify turns any error into a code, status and message that is safe to show.
func classify(err error) (code string, status int, message string) {
	var appErr *Error
	var httpErr *echo.HTTPError
	switch {
	case errors.As(err, &appErr):
		code, message = appErr.Code, appErr.Message
	case journeyError(err) != nil:
		je := journeyError(err)
		code, message = je.Code, je.Message
	case errors.As(err, &httpErr):
		code = codeForStatus(httpErr.Code)
		status = httpErr.Code
		message = httpMessage(httpErr)
	case errors.Is(err, context.DeadlineExceeded):
		code, message = EUNAVAILABLE, "The request took too long. Please try again in a moment."
	default:
		code, message = EINTERNAL, "Please try again. If it keeps happening, contact customer service."
	}
	k, ok := errorKinds[code]
	if !ok {
		k = errorKinds[EINTERNAL]
	}
	if status == 0 {
		status = k.status
	}
	if message == "" {
		message = k.message
	}
	return code, status, message
}

// httpMessage is a sentence for an error Echo raised.
func httpMessage(e *echo.HTTPError) string {
	switch e.Code {
	case http.StatusNotFound:
		return "The page may have moved, or the link is mistyped."
	case http.StatusForbidden:
		return "The form was sent from another site or has expired. Go back, reload the page and try again."
	case http.StatusBadRequest:
		return "The form was incomplete or has expired. Go back, reload the page and try again."
	case http.StatusMethodNotAllowed:
		return "This address does not accept that kind of request."
	case http.StatusRequestEntityTooLarge:
		return "What was sent is too large."
	case http.StatusTooManyRequests:
		return "Please wait a minute before trying again."
	case http.StatusServiceUnavailable:
		return "The request took too long. Please try again in a moment."
	}
	if m, ok := e.Message.(string); ok {
		return m
	}
	return http.StatusText(e.Code)
}

// handleError is Echo's one error handler: JSON for clients that ask for JSON, otherwise the error page.
func (a *App) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	code, status, message := classify(err)
	message = tr(c, message) // a message id (msg) in the reader's language; a sentence stays as it is
	if status >= 500 {
		a.log.ErrorContext(c.Request().Context(), "request failed", "err", err, "request_id", requestID(c))
	}
	if wantsJSON(c.Request()) {
		_ = c.JSON(status, map[string]string{"code": code, "message": message, "request_id": requestID(c)})
		return
	}
	// The request context may already be cancelled (timeout middleware), but the error page must still render.
	c.SetRequest(c.Request().WithContext(context.WithoutCancel(c.Request().Context())))
	k := errorKinds[code]
	if k.heading == "" {
		k = errorKinds[EINTERNAL]
	}
	heading := tr(c, k.heading)
	view := views.ErrorView{Status: status, Heading: heading, Message: message}
	if rerr := a.render(c, status, views.ErrorPage(a.page(c, heading), view)); rerr != nil {
		a.log.ErrorContext(c.Request().Context(), "render error page", "err", rerr)
		_ = c.String(status, message)
	}
}

// wantsJSON reports whether the client prefers JSON over HTML.
func wantsJSON(r *http.Request) bool {
	accept := r.Header.Get("Accept")
	if strings.Contains(accept, "text/html") {
		return false
	}
	return strings.Contains(accept, "application/json") || strings.HasPrefix(r.Header.Get("Content-Type"), "application/json")
}
