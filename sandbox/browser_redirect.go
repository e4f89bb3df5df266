package sandbox

import (
	"crypto/rand"
	"errors"
	"net/http"
	"strings"
	"time"
)

// deviceCookie is the cookie Klarna's device recognition leaves on its own origin.
const (
	deviceCookie    = "klarna_device"
	deviceCookieAge = 365 * 24 * time.Hour
)

// browserDeviceRedirect serves GET /kp/redirect/{order_id}, the redirect_url of an order (Payway's
// redirect_uri): Klarna recognises the device (a cookie on its own origin) and sends the browser on to the
// confirmation URL registered for that purchase, with {order.id} and {session.id} filled in. The target
// is only ever the stored URL, never anything from the request, so this is no open redirect; an unknown
// order or one without a confirmation URL gets 400.
func (s *Server) browserDeviceRedirect(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("order_id")
	o, err := orderByID(r.Context(), s.store.r, id)
	if errors.Is(err, errNotFound) {
		s.renderMessage(w, r, http.StatusBadRequest, messagePage{Heading: "Unknown order",
			Text: "There is no order " + id + " to return to."})
		return
	}
	if err != nil {
		s.log.ErrorContext(r.Context(), "sandbox device redirect", "order_id", id, "err", err)
		s.renderMessage(w, r, http.StatusInternalServerError, messagePage{Heading: "Something went wrong"})
		return
	}
	target := strings.NewReplacer("{order.id}", o.OrderID, "{session.id}", o.SessionID).Replace(o.ConfirmationURL)
	if originOf(target) == "" {
		s.renderMessage(w, r, http.StatusBadRequest, messagePage{Heading: "No confirmation page",
			Text: "Order " + id + " has no confirmation URL to return to."})
		return
	}
	if c, err := r.Cookie(deviceCookie); err != nil || c.Value == "" {
		http.SetCookie(w, &http.Cookie{
			Name: deviceCookie, Value: strings.ToLower(rand.Text()), Path: "/",
			MaxAge: int(deviceCookieAge / time.Second), HttpOnly: true, Secure: r.TLS != nil,
			SameSite: http.SameSiteLaxMode,
		})
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	http.Redirect(w, r, target, http.StatusSeeOther)
}
