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
	// Next, when set, is a local page the error page leads on to before the front page, and NextLabel the
	// message id of its link: a failure with a way forward better than starting over (a login that could
	// not open the chosen offer's checkout leads back to that offer).
	Next, NextLabel string
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return e.Code + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// errorKind is how one code is presented: message ids (msg), rendered in the reader's language.
type errorKind struct {
	status  int
	heading string
	message string // used when the error carries none
}

var errorKinds = map[string]errorKind{
	EINVALID:      {http.StatusBadRequest, msg("ErrInvalidHeading"), msg("ErrInvalidMessage")},
	ENOTFOUND:     {http.StatusNotFound, msg("ErrNotFoundHeading"), msg("ErrNotFoundMessage")},
	EUNAUTHORIZED: {http.StatusUnauthorized, msg("ErrUnauthorizedHeading"), msg("ErrUnauthorizedMessage")},
	EFORBIDDEN:    {http.StatusForbidden, msg("ErrForbiddenHeading"), msg("ErrForbiddenMessage")},
	ECONFLICT:     {http.StatusConflict, msg("ErrConflictHeading"), msg("ErrConflictMessage")},
	ETOOMANY:      {http.StatusTooManyRequests, msg("ErrTooManyHeading"), msg("ErrTooManyMessage")},
	EUNAVAILABLE:  {http.StatusServiceUnavailable, msg("ErrUnavailableHeading"), msg("ErrUnavailableMessage")},
	EINTERNAL:     {http.StatusInternalServerError, msg("ErrInternalHeading"), msg("ErrInternalMessage")},
}

// journeyErrors is the one table from the purchase journeys' errors to what a person reads: the first
// entry the error matches (errors.Is) gives the sentence (a message id); the journey error's own code gives
// the status and heading (journeyCodes, then errorKinds). Handlers return journey errors as they are.
var journeyErrors = []struct {
	err     error
	message string
}{
	{checkout.ErrNotFound, msg("ErrPurchaseNotFound")},
	{checkout.ErrUnknownOffer, msg("ErrOfferNotOnSale")},
	{checkout.ErrNoAuthorization, msg("ErrNotAuthorized")},
	{checkout.ErrNoSavedMethod, msg("ErrNoSavedMethod")},
	{checkout.ErrAlreadyOwned, msg("ErrAlreadyOwned")},
	{checkout.ErrInFlight, msg("ErrPurchaseInFlight")},
	{checkout.ErrNotPlaced, msg("ErrNotPlaced")},
	{checkout.ErrNotRecovering, msg("ErrNoLongerWaiting")},
	{checkout.ErrNotPaying, msg("ErrNoLongerWaiting")},
	{checkout.ErrOrderInProgress, msg("ErrOrderInProgress")},
	{checkout.ErrBadCallback, msg("ErrBadCallback")},
	{checkout.ErrInvalidMode, msg("ErrInvalidPaymentMode")},
	{checkout.ErrKlarnaUnavailable, msg("ErrKlarnaUnavailable")},
	{checkout.ErrUnavailable, msg("ErrPaywayUnavailable")},
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
		code, message = EUNAVAILABLE, msg("ErrTimeout")
	default:
		code = EINTERNAL // the kind's message: nothing of the error itself reaches the reader
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

// httpMessage is the sentence (a message id) for an error Echo raised, or "" for the kind's own. Echo's
// own texts ("invalid csrf token") are for logs: they are English and say nothing a reader can act on.
func httpMessage(e *echo.HTTPError) string {
	switch e.Code {
	case http.StatusForbidden:
		return msg("ErrFormForeign")
	case http.StatusBadRequest:
		return msg("ErrFormIncomplete")
	case http.StatusMethodNotAllowed:
		return msg("ErrMethodNotAllowed")
	case http.StatusRequestEntityTooLarge:
		return msg("ErrTooLarge")
	case http.StatusServiceUnavailable:
		return msg("ErrTimeout")
	}
	return "" // 404, 429 and the rest: the kind's message
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
	var appErr *Error
	if errors.As(err, &appErr) && appErr.Next != "" {
		view.NextHref, view.NextLabel = safeReturn(appErr.Next), tr(c, appErr.NextLabel)
	}
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
