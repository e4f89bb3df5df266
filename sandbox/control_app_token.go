package sandbox

import (
	"net/http"
	"strings"
)

// appTokenView is GET /sandbox/v1/app-token's answer: the on-demand Klarna customer token the sandbox
// issued to the app for a persona's one-click purchases, as if an earlier first purchase (Klarna
// Payments, buy_and_tokenize, create customer token) had made it.
type appTokenView struct {
	Email         string `json:"email"`
	CustomerToken string `json:"customer_token"`
	// KnownToKlarna is false for the persona whose saved token Klarna does not know (token-missing@).
	KnownToKlarna bool `json:"known_to_klarna"`
}

// controlAppToken serves GET /sandbox/v1/app-token?email=: the persona's on-demand customer token, so
// that an app in sandbox mode can start as if it had saved it (the demo personas token@, stepup@,
// token-failed@, token-cancelled@, token-suspended@ and token-missing@ start in one click). 404 for an
// e-mail that is no persona or a persona without one. The token is a secret at Klarna; here it is the
// sandbox's own seeded data, served only on the control API.
func (s *Server) controlAppToken(w http.ResponseWriter, r *http.Request) {
	email := strings.TrimSpace(r.URL.Query().Get("email"))
	// The app asks at the logins of the personas with a token: the personas are looked up, not listed.
	if p, ok := s.personaOfAccount(personaID(email)); ok && strings.EqualFold(p.Email, email) && p.KlarnaToken != nil {
		_, kerr := s.kpCustomerToken(r.Context(), p.KlarnaToken.TokenID)
		writeJSON(w, http.StatusOK, appTokenView{Email: p.Email, CustomerToken: p.KlarnaToken.TokenID, KnownToKlarna: kerr == nil})
		return
	}
	writePaywayError(w, http.StatusNotFound, "not_found", "No persona with an app token has the e-mail "+email)
}
