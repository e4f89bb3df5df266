package sandbox

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Token lifetimes. Payway's docs disagree between 1 h and 2 h for access tokens; the sandbox uses the
// shorter so clients that forget to refresh fail early. The refresh lifetime is not documented.
const (
	accessTokenTTL  = time.Hour
	refreshTokenTTL = 30 * 24 * time.Hour
)

// paywayClientScopes are the scopes the sandbox client may request: every scope Payway's docs name.
func paywayClientScopes() []string {
	return []string{
		"/external/account/r", "/external/account/w",
		"/external/me/r", "/external/me/w", "/external/me/payment_profile/r",
		"/external/klarna_payments/r", "/external/klarna_payments/w",
		"/external/order/r", "/external/title/r",
		"/external/paywall/r", "/external/paywall/w",
		"/external/trusted_identity/w",
	}
}

// tokenFormFields are the parameters the token endpoint takes, over all supported grants.
func tokenFormFields() []string {
	return []string{"client_id", "client_secret", "grant_type", "scope", "username", "password", "refresh_token"}
}

// tokenResponse is the token endpoint's success body (not item-wrapped, as in OAuth).
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
	RefreshToken string `json:"refresh_token,omitempty"`
	Scope        string `json:"scope"`
}

func badRequest(code, message string) *paywayError {
	return &paywayError{status: http.StatusBadRequest, Code: code, Message: message}
}

func invalidGrant(message string) *paywayError { return badRequest("invalid_grant", message) }

// paywayAccessToken serves POST /api/authorization/access_token (form-encoded): grant types
// "password" (username "<organisation>^<email>"), "refresh_token" and "none".
//
// Its errors are OAuth-shaped, {"error":"invalid_grant","error_description":"..."} (writePaywayErrorAt),
// because that is what Adeprimo's own plugin reads from a failed password grant. The codes are OAuth's
// (invalid_request, invalid_client, invalid_grant, invalid_scope, unsupported_grant_type) plus the API's
// unknown_parameter for a parameter the endpoint does not take. Payway does not publish the statuses; the
// sandbox uses OAuth's (RFC 6749 §5.2): 401 for invalid_client, 400 for the rest.
func (s *Server) paywayAccessToken(w http.ResponseWriter, r *http.Request) {
	resp, err := s.accessToken(w, r)
	if err != nil {
		s.writePaywayErr(w, r, err)
		return
	}
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, http.StatusOK, resp)
}

func (s *Server) accessToken(w http.ResponseWriter, r *http.Request) (tokenResponse, error) {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/x-www-form-urlencoded" {
		return tokenResponse{}, badRequest("invalid_request", "Content-Type must be application/x-www-form-urlencoded")
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
	if err := r.ParseForm(); err != nil {
		return tokenResponse{}, badRequest("invalid_request", "Request body could not be parsed")
	}
	form := r.PostForm
	var unknown []string
	for name := range form {
		if !slices.Contains(tokenFormFields(), name) {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		return tokenResponse{}, unknownParameters(unknown)
	}
	if err := requireFields(form.Get, "client_id", "client_secret", "grant_type"); err != nil {
		return tokenResponse{}, err
	}
	if !validClient(form.Get("client_id"), form.Get("client_secret")) {
		return tokenResponse{}, &paywayError{status: http.StatusUnauthorized, Code: "invalid_client",
			Message: "Invalid client credentials"}
	}
	clientID := form.Get("client_id")
	scopes, err := parseScopes(form.Get("scope"))
	if err != nil {
		return tokenResponse{}, err
	}
	now := s.now()
	switch form.Get("grant_type") {
	case "password":
		if err := requireFields(form.Get, "username", "password"); err != nil {
			return tokenResponse{}, err
		}
		return s.passwordGrant(r.Context(), clientID, form.Get("username"), form.Get("password"), scopes, now)
	case "none":
		return s.noneGrant(r.Context(), clientID, scopes, now)
	case "refresh_token":
		if err := requireFields(form.Get, "refresh_token"); err != nil {
			return tokenResponse{}, err
		}
		return s.refreshGrant(r.Context(), clientID, form.Get("refresh_token"), scopes, len(scopes) > 0, now)
	default:
		return tokenResponse{}, badRequest("unsupported_grant_type",
			fmt.Sprintf("Unsupported grant_type %q", form.Get("grant_type")))
	}
}

// requireFields reports the first missing (empty) parameter as invalid_request.
func requireFields(get func(string) string, names ...string) error {
	for _, n := range names {
		if get(n) == "" {
			return badRequest("invalid_request", "Missing parameter: "+n)
		}
	}
	return nil
}

func validClient(id, secret string) bool {
	idOK := subtle.ConstantTimeCompare([]byte(id), []byte(PaywayClientID)) == 1
	secretOK := subtle.ConstantTimeCompare([]byte(secret), []byte(PaywayClientSecret)) == 1
	return idOK && secretOK
}

// parseScopes splits a space separated scope list, rejecting scopes the client may not have.
func parseScopes(raw string) ([]string, error) {
	var scopes []string
	for _, sc := range strings.Fields(raw) {
		if !slices.Contains(paywayClientScopes(), sc) {
			return nil, badRequest("invalid_scope", "Unknown scope: "+sc)
		}
		if !slices.Contains(scopes, sc) {
			scopes = append(scopes, sc)
		}
	}
	return scopes, nil
}

func (s *Server) passwordGrant(ctx context.Context, clientID, username, password string, scopes []string, now time.Time) (tokenResponse, error) {
	bad := invalidGrant("Invalid username or password")
	org, email, ok := strings.Cut(username, "^")
	if !ok || org != Organisation || email == "" {
		return tokenResponse{}, bad
	}
	acc, err := s.store.accountByEmail(ctx, email)
	if errors.Is(err, errNotFound) {
		return tokenResponse{}, bad
	}
	if err != nil {
		return tokenResponse{}, err
	}
	if subtle.ConstantTimeCompare([]byte(passwordHash(password)), []byte(acc.PasswordSHA256)) != 1 {
		return tokenResponse{}, bad
	}
	if acc.Status != "active" {
		return tokenResponse{}, invalidGrant("Account is not active")
	}
	resp, row := newTokenPair(clientID, acc.ID, scopes, now)
	if err := s.store.issueToken(ctx, row, now); err != nil {
		return tokenResponse{}, err
	}
	return resp, nil
}

// refreshGrant exchanges a refresh token for a new pair and revokes the old pair, so each refresh
// token works exactly once. A non-empty scope parameter may narrow the original scopes, never widen
// them; without one the new pair keeps the original scopes.
func (s *Server) refreshGrant(ctx context.Context, clientID, refreshToken string, scopes []string, scopeGiven bool, now time.Time) (tokenResponse, error) {
	var resp tokenResponse
	pair := mintTokenPair() // before the writer transaction: random tokens and their hashes take time
	err := s.store.rotateRefresh(ctx, tokenHash(refreshToken), now, func(old tokenRow) (tokenRow, error) {
		switch {
		case old.ClientID != clientID:
			return tokenRow{}, invalidGrant("Invalid refresh token")
		case !old.RevokedAt.IsZero():
			return tokenRow{}, invalidGrant("Refresh token has been revoked")
		case !now.Before(old.RefreshExpiresAt):
			return tokenRow{}, invalidGrant("Refresh token has expired")
		}
		granted := strings.Fields(old.Scope)
		if !scopeGiven {
			scopes = granted
		}
		for _, sc := range scopes {
			if !slices.Contains(granted, sc) {
				return tokenRow{}, badRequest("invalid_scope", "Scope exceeds the original grant: "+sc)
			}
		}
		var row tokenRow
		resp, row = pair.issue(clientID, old.AccountID, scopes, now)
		return row, nil
	})
	if errors.Is(err, errNotFound) {
		return tokenResponse{}, invalidGrant("Invalid refresh token")
	}
	if err != nil {
		return tokenResponse{}, err
	}
	return resp, nil
}

// noneGrant issues an app token without identity (Payway's grant_type "none", for server-to-server calls
// such as payment_periods). It has no refresh token: the app simply asks again.
func (s *Server) noneGrant(ctx context.Context, clientID string, scopes []string, now time.Time) (tokenResponse, error) {
	resp, row := newTokenPair(clientID, "", scopes, now)
	resp.RefreshToken, row.RefreshSHA256, row.RefreshExpiresAt = "", "", time.Time{}
	if err := s.store.issueToken(ctx, row, now); err != nil {
		return tokenResponse{}, err
	}
	return resp, nil
}

// newTokenPair mints an access and refresh token; the response carries them in clear, the row only
// their hashes.
func newTokenPair(clientID, accountID string, scopes []string, now time.Time) (tokenResponse, tokenRow) {
	return mintTokenPair().issue(clientID, accountID, scopes, now)
}

// tokenPair is a freshly minted access and refresh token with their hashes.
type tokenPair struct {
	access, refresh, accessHash, refreshHash string
}

func mintTokenPair() tokenPair {
	access, refresh := rand.Text(), rand.Text()
	return tokenPair{access: access, refresh: refresh, accessHash: tokenHash(access), refreshHash: tokenHash(refresh)}
}

// issue gives the pair to an account (or none) with scopes; the response carries the tokens in clear,
// the row only their hashes.
func (p tokenPair) issue(clientID, accountID string, scopes []string, now time.Time) (tokenResponse, tokenRow) {
	scope := strings.Join(scopes, " ")
	return tokenResponse{
			AccessToken: p.access, TokenType: "bearer", ExpiresIn: int64(accessTokenTTL / time.Second),
			RefreshToken: p.refresh, Scope: scope,
		}, tokenRow{
			AccessSHA256: p.accessHash, RefreshSHA256: p.refreshHash, ClientID: clientID,
			AccountID: accountID, Scope: scope,
			AccessExpiresAt: now.Add(accessTokenTTL), RefreshExpiresAt: now.Add(refreshTokenTTL),
		}
}
