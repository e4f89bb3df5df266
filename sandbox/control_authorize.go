package sandbox

import (
	"errors"
	"net/http"
)

// authorizeRequest is POST /sandbox/v1/authorize's body: the session (by id or by the client token the
// SDK would get), the Klarna customer's email, the one-time code ("" skips the code step) and the
// payment_method_category ("" means the session's first offered category).
type authorizeRequest struct {
	SessionID   string `json:"session_id"`
	ClientToken string `json:"client_token"`
	Email       string `json:"email"`
	OTP         string `json:"otp"`
	Category    string `json:"category"`
}

// controlAuthorize serves POST /sandbox/v1/authorize: exactly the result the authorize dialog would
// post to the merchant page, without a browser. Tests of the Payway and Klarna clients use it to get an
// authorization_token. Errors are Klarna-shaped, as the SDK's underlying session errors are.
func (s *Server) controlAuthorize(w http.ResponseWriter, r *http.Request) {
	var req authorizeRequest
	if err := decodeJSON(w, r, &req); err != nil {
		var pe *paywayError
		if errors.As(err, &pe) {
			writeKlarnaShaped(w, http.StatusBadRequest, "BAD_VALUE", pe.Message)
			return
		}
		s.writePaywayErr(w, r, err)
		return
	}
	id := req.SessionID
	if req.ClientToken != "" {
		fromToken, ok := sessionIDFromClientToken(req.ClientToken)
		if !ok {
			writeKlarnaShaped(w, http.StatusBadRequest, "BAD_VALUE", "Bad value: client_token")
			return
		}
		if id != "" && id != fromToken {
			writeKlarnaShaped(w, http.StatusBadRequest, "BAD_VALUE", "Bad value: session_id does not match client_token")
			return
		}
		id = fromToken
	}
	if id == "" {
		writeKlarnaShaped(w, http.StatusBadRequest, "BAD_VALUE", "Missing: session_id or client_token")
		return
	}
	res, kerr := s.authorizeSession(r, id, req.Email, req.OTP, req.Category)
	if kerr != nil {
		writeKlarnaError(w, kerr)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// authorizeSession runs the Klarna core's authorize decision for session id; an empty category is the
// session's first offered one (the step-up flow authorizes without naming a category), which authorizeTx
// picks from the session it reads anyway. The control API and the authorize dialog share it, so both
// give the same answer for the same input.
func (s *Server) authorizeSession(r *http.Request, id, email, otp, category string) (authorizeResult, *klarnaError) {
	return s.kpAuthorize(r.Context(), authorizeInput{SessionID: id, Email: email, OTP: otp, Category: category})
}
