package sandbox

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// paywayAuth is what a valid bearer token tells a Payway handler: who (AccountID, "" for a token
// without identity), through which client, with which scopes.
type paywayAuth struct {
	ClientID  string
	AccountID string
	Scopes    []string
}

// paywayHandler is a Payway route handler that runs after the bearer check.
type paywayHandler func(w http.ResponseWriter, r *http.Request, auth paywayAuth)

// paywayBearer checks the Authorization: Bearer token (401 invalid_token when missing, unknown,
// revoked or expired on the sandbox clock) and the scope the route needs (403 insufficient_scope),
// then calls h.
func (s *Server) paywayBearer(scope string, h paywayHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth, err := s.bearerAuth(r.Context(), r.Header.Get("Authorization"))
		var pe *paywayError
		if errors.As(err, &pe) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="payway", error="invalid_token"`)
		}
		if err != nil {
			s.writePaywayErr(w, r, err)
			return
		}
		if !slices.Contains(auth.Scopes, scope) {
			w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer realm="payway", error="insufficient_scope", scope=%q`, scope))
			writePaywayError(w, http.StatusForbidden, "insufficient_scope", "The access token lacks the scope "+scope)
			return
		}
		h(w, r, auth)
	})
}

func invalidToken(message string) *paywayError {
	return &paywayError{status: http.StatusUnauthorized, Code: "invalid_token", Message: message}
}

func (s *Server) bearerAuth(ctx context.Context, header string) (paywayAuth, error) {
	scheme, token, ok := strings.Cut(header, " ")
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return paywayAuth{}, invalidToken("Missing bearer token")
	}
	row, err := s.store.tokenByAccess(ctx, tokenHash(token))
	if errors.Is(err, errNotFound) {
		return paywayAuth{}, invalidToken("Invalid access token")
	}
	if err != nil {
		return paywayAuth{}, err
	}
	switch {
	case !row.RevokedAt.IsZero():
		return paywayAuth{}, invalidToken("Access token has been revoked")
	case !s.now().Before(row.AccessExpiresAt):
		return paywayAuth{}, invalidToken("Access token has expired")
	}
	return paywayAuth{ClientID: row.ClientID, AccountID: row.AccountID, Scopes: strings.Fields(row.Scope)}, nil
}
